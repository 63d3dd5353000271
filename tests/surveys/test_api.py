"""The `surveys` resource: its fields and the checks of the questions, the audience, the window and the reward;
`/invite` and `/links`."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from campaigns.messaging.models import Message, Trigger
from campaigns.messaging.services.triggers import trigger_save
from campaigns.surveys.models import Invitation, Survey
from contacts.models import ContactEvent
from tests.factories import BrandFactory, SegmentFactory
from tests.helpers import assert_error, assert_timestamps, url
from tests.messaging.support import dispatch_and_send, subscribed_contact
from tests.surveys.support import ANSWERS, QUESTIONS, enrolled, survey, token

pytestmark = pytest.mark.django_db


def body(brand: Any, **fields: Any) -> dict[str, Any]:
    return {"name": "Service survey", "brand": brand.pk, "questions": QUESTIONS, **fields}


def test_a_survey_is_created_with_its_questions_in_order(superuser_client):
    # given
    brand = BrandFactory()
    starts = timezone.now().replace(microsecond=0)
    # when
    response = superuser_client.post(
        url("surveys"),
        body(brand, reward_points="50", starts_at=starts.isoformat(), ends_at=(starts + timedelta(days=7)).isoformat()),
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    created = assert_timestamps(response.json())
    assert created.pop("id") == Survey.objects.get().pk
    assert created.pop("starts_at") is not None
    assert created.pop("ends_at") is not None
    assert created == {
        "name": "Service survey",
        "brand": brand.pk,
        "segment": None,
        "reward_points": "50.00",
        "questions": QUESTIONS,
        "invited": 0,
        "responses": 0,
    }


def test_a_survey_is_read_changed_and_deleted(superuser_client):
    # given
    saved = survey(BrandFactory())
    reordered = [QUESTIONS[4], QUESTIONS[0]]
    # when
    changed = superuser_client.patch(url("surveys", saved.pk), {"name": "NPS", "questions": reordered}, format="json")
    read = superuser_client.get(url("surveys", saved.pk, slash=True))
    deleted = superuser_client.delete(url("surveys", saved.pk))
    # then
    assert changed.status_code == 200, changed.content
    assert read.json()["name"] == "NPS"
    assert read.json()["questions"] == reordered
    assert deleted.status_code == 204
    assert not Survey.objects.exists()


@pytest.mark.parametrize(
    ("questions", "fields"),
    [
        ([], {"questions": ["A survey has at least one question."]}),
        ("nope", {"questions": ["The questions are a list."]}),
        (
            [{"text": "Why?", "kind": "essay"}],
            {"questions": {"0": {"kind": ["One of: single, multiple, text, rating, nps."]}}},
        ),
        ([{"text": "Pick", "kind": "single"}], {"questions": {"0": {"options": ["Give the options to choose from."]}}}),
        (
            [QUESTIONS[0], {"text": "Pick", "kind": "multiple", "options": []}],
            {"questions": {"1": {"options": ["Give the options to choose from."]}}},
        ),
        (
            [{"text": "Rate", "kind": "rating", "options": ["1", "2"]}],
            {"questions": {"0": {"options": ["Only questions of one or several options have options."]}}},
        ),
        ([{"text": " ", "kind": "text"}], {"questions": {"0": {"text": ["Write the question."]}}}),
        (
            [{"text": "Pick", "kind": "single", "options": ["A", " "]}],
            {"questions": {"0": {"options": ["An option is a text that is not empty."]}}},
        ),
        (
            [{"text": "Pick", "kind": "single", "options": ["A", "A"]}],
            {"questions": {"0": {"options": ["The options repeat one another."]}}},
        ),
        (
            ["text"],
            {"questions": {"0": {"non_field_errors": ["A question is an object with text, kind and options."]}}},
        ),
    ],
)
def test_questions_are_checked(superuser_client, questions, fields):
    # given
    brand = BrandFactory()
    # when
    response = superuser_client.post(url("surveys"), body(brand, questions=questions), format="json")
    # then
    assert_error(response, 400, "invalid", fields)
    assert not Survey.objects.exists()


def test_questions_are_required(superuser_client):
    response = superuser_client.post(url("surveys"), {"name": "S", "brand": BrandFactory().pk}, format="json")
    assert_error(response, 400, "invalid", {"questions": ["This field is required."]})


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"reward_points": "-1"}, {"reward_points": ["The reward cannot be negative."]}),
        (
            {"starts_at": "2030-01-02T00:00:00+03:00", "ends_at": "2030-01-01T00:00:00+03:00"},
            {"ends_at": ["The survey must end after it starts."]},
        ),
    ],
)
def test_the_window_and_the_reward_are_checked(superuser_client, fields, errors):
    response = superuser_client.post(url("surveys"), body(BrandFactory(), **fields), format="json")
    assert_error(response, 400, "invalid", errors)


def test_the_audience_is_a_segment_of_the_brands_program(superuser_client):
    # given: a segment of another program
    brand = BrandFactory()
    other = SegmentFactory()
    # when
    response = superuser_client.post(url("surveys"), body(brand, segment=other.pk), format="json")
    # then
    assert_error(response, 400, "invalid", {"segment": ["The audience is a segment of the brand's program."]})


def test_answered_questions_keep_their_structure_but_texts_may_be_corrected(superuser_client, api_client):
    # given: one response
    brand = BrandFactory()
    saved = survey(brand)
    [contact] = enrolled(brand)
    superuser_client.post(url("surveys", saved.pk, action="invite"))
    answered = api_client.post(url("survey-responses", token(saved, contact)), {"answers": ANSWERS}, format="json")
    assert answered.status_code == 201
    corrected = [dict(QUESTIONS[0], text="How did you find us?"), *QUESTIONS[1:]]
    # when
    fewer = superuser_client.patch(url("surveys", saved.pk), {"questions": QUESTIONS[:4]}, format="json")
    texts = superuser_client.patch(url("surveys", saved.pk), {"questions": corrected}, format="json")
    deleted = superuser_client.delete(url("surveys", saved.pk))
    # then
    assert_error(fewer, 409, "survey_answered")
    assert texts.status_code == 200, texts.content
    assert texts.json()["questions"][0]["text"] == "How did you find us?"
    assert_error(deleted, 409, "protected")


def test_invite_makes_one_link_per_enrolled_contact_once(superuser_client):
    # given: three enrolled in the brand's program, one in another program only
    brand = BrandFactory()
    contacts = enrolled(brand, 3)
    enrolled(BrandFactory())
    saved = survey(brand)
    # when
    first = superuser_client.post(url("surveys", saved.pk, action="invite"))
    again = superuser_client.post(url("surveys", saved.pk, action="invite", slash=True))
    # then
    assert first.status_code == 200, first.content
    assert first.json() == {"invited": 3}
    assert again.json() == {"invited": 0}
    assert sorted(Invitation.objects.values_list("contact_id", flat=True)) == sorted(c.pk for c in contacts)
    events = ContactEvent.objects.filter(type="survey_invited").order_by("contact_id")
    assert [event.contact_id for event in events] == sorted(c.pk for c in contacts)
    event = events[0]
    assert event.brand_id == brand.pk
    assert event.data["survey"] == saved.pk
    assert event.data["points"] == "50.00"
    assert event.data["url"] == f"http://testserver/s/{token(saved, events[0].contact)}/"


def test_invite_takes_the_segments_current_members(superuser_client):
    # given
    brand = BrandFactory()
    member, _outsider = enrolled(brand, 2)
    segment = SegmentFactory(program=brand.program, members=[member])
    saved = survey(brand, segment=segment)
    # when
    response = superuser_client.post(url("surveys", saved.pk, action="invite"))
    # then
    assert response.json() == {"invited": 1}
    assert list(Invitation.objects.values_list("contact_id", flat=True)) == [member.pk]


def test_an_ended_survey_invites_nobody(superuser_client):
    # given
    brand = BrandFactory()
    enrolled(brand)
    now = timezone.now()
    saved = survey(brand, starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    # when
    response = superuser_client.post(url("surveys", saved.pk, action="invite"))
    # then
    assert_error(response, 409, "survey_closed")
    assert not Invitation.objects.exists()


def test_links_give_each_invited_contacts_personal_link(superuser_client, client):
    # given
    brand = BrandFactory()
    first, second = enrolled(brand, 2)
    saved = survey(brand)
    superuser_client.post(url("surveys", saved.pk, action="invite"))
    # when
    one = superuser_client.get(url("surveys", saved.pk, action="links"), {"contact": first.pk})
    every = superuser_client.get(url("surveys", saved.pk, action="links"))
    outsider = superuser_client.get(url("surveys", saved.pk, action="links"), {"contact": 10**9})
    bad = superuser_client.get(url("surveys", saved.pk, action="links"), {"contact": "x"})
    # then
    link = f"http://testserver/s/{token(saved, first)}/"
    assert one.json() == [{"contact": first.pk, "url": link}]
    assert [item["contact"] for item in every.json()] == sorted([first.pk, second.pk])
    assert outsider.json() == []
    assert_error(bad, 400, "invalid")
    assert client.get(link.removeprefix("http://testserver")).status_code == 200


def test_a_trigger_on_survey_invited_sends_the_link(superuser_client):
    # given: an SMS trigger on the invitation event
    brand = BrandFactory()
    contact = subscribed_contact(brand)
    saved = survey(brand)
    trigger_save(
        trigger=Trigger(),
        data={
            "name": "Survey link",
            "brand": brand,
            "event": "survey_invited",
            "channel": "sms",
            "template": "{{ event.data.survey_name }}: {{ event.data.url }} ({{ points }} points)",
        },
    )
    # when
    superuser_client.post(url("surveys", saved.pk, action="invite"))
    dispatch_and_send()
    # then
    message = Message.objects.get(contact=contact)
    assert message.status == "sent"
    assert message.body == f"Service survey: http://testserver/s/{token(saved, contact)}/ (50.00 points)"


def test_a_brand_manager_needs_the_surveys_permissions(manager_client, manager_brand):
    # given: the manager holds contacts' and loyalty's permissions only
    saved = survey(manager_brand)
    # when
    listed = manager_client.get(url("surveys"))
    invited = manager_client.post(url("surveys", saved.pk, action="invite"))
    # then
    assert_error(listed, 403, "permission_denied")
    assert_error(invited, 403, "permission_denied")
