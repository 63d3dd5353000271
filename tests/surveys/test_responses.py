"""`POST /survey-responses/<token>`: every rule and error of the contract's Surveys section, the reward through the
ledger once, `survey_completed`; two responses at once with one link (PostgreSQL, threads)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.surveys.models import Answer, Response
from campaigns.surveys.services import survey_invite
from contacts.models import ContactEvent
from loyalty.models import LedgerEntry
from tests.concurrency import run_in_threads
from tests.factories import BrandFactory, ProgramFactory
from tests.helpers import assert_error, url
from tests.surveys.support import ANSWERS, QUESTIONS, enrolled, points, survey, token

pytestmark = pytest.mark.django_db


def invited(**fields: Any) -> tuple[Any, Any, Any]:
    """A brand, an enrolled contact invited to a survey of it (QUESTIONS, 50 points)."""
    brand = BrandFactory(program=ProgramFactory(expires_in_days=365))
    [contact] = enrolled(brand)
    saved = survey(brand, **fields)
    survey_invite(survey=saved)
    return brand, contact, saved


def answer(client: APIClient, saved: Any, contact: Any, answers: Any = None, *, slash: bool = False) -> Any:
    payload = {"answers": ANSWERS if answers is None else answers}
    return client.post(url("survey-responses", token(saved, contact), slash=slash), payload, format="json")


def test_a_response_is_recorded_with_its_reward_and_event(api_client):
    # given
    brand, contact, saved = invited()
    # when: no credentials but the link
    response = answer(api_client, saved, contact)
    # then
    assert response.status_code == 201, response.content
    recorded = Response.objects.get()
    assert response.json() == {
        "response": recorded.pk,
        "survey": saved.pk,
        "contact": contact.pk,
        "answered_at": response.json()["answered_at"],
        "reward_points": "50.00",
    }
    assert sorted(Answer.objects.values_list("question", "choice", "text")) == [
        (0, 1, ""),
        (1, 0, ""),
        (1, 2, ""),
        (2, None, "More stores"),
        (3, 5, ""),
        (4, 9, ""),
    ]
    entry = LedgerEntry.objects.get(kind="reward")
    assert recorded.reward == entry
    assert entry.points == Decimal("50.00")
    assert entry.activation_at is None
    assert entry.expires_at == entry.at + timedelta(days=365)  # as the program's base points
    assert points(brand, contact) == Decimal("50.00")
    event = ContactEvent.objects.get(type="survey_completed")
    assert (event.contact_id, event.brand_id) == (contact.pk, brand.pk)
    assert event.data == {
        "survey": saved.pk,
        "survey_name": "Service survey",
        "response": recorded.pk,
        "points": "50.00",
    }


def test_the_ledger_shows_the_reward_entry(api_client, superuser_client):
    # given
    brand, contact, saved = invited()
    answer(api_client, saved, contact)
    # when
    ledger = superuser_client.get(url("contacts", contact.pk, action="ledger"), {"program": brand.program_id})
    # then
    kinds = [entry["kind"] for entry in ledger.json()["results"]]
    assert kinds == ["reward"]


def test_a_second_response_is_refused_and_rewards_nothing(api_client):
    # given
    brand, contact, saved = invited()
    answer(api_client, saved, contact)
    # when
    second = answer(api_client, saved, contact, slash=True)
    # then
    assert_error(second, 409, "already_answered")
    assert Response.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="reward").count() == 1
    assert points(brand, contact) == Decimal("50.00")


@pytest.mark.parametrize(
    "window",
    [
        {"starts_at": timezone.now() + timedelta(days=1)},
        {"starts_at": timezone.now() - timedelta(days=2), "ends_at": timezone.now() - timedelta(seconds=1)},
    ],
    ids=["not yet open", "ended"],
)
def test_outside_the_window_the_survey_is_closed(api_client, window):
    # given: invited while open (an ended survey invites nobody), then the window moves
    _brand, contact, saved = invited()
    for key, value in window.items():
        setattr(saved, key, value)
    saved.save()
    # when
    response = answer(api_client, saved, contact)
    # then
    assert_error(response, 409, "survey_closed")
    assert not Response.objects.exists()
    assert not LedgerEntry.objects.filter(kind="reward").exists()


@pytest.mark.parametrize(
    "bad",
    ["nonsense", "1.2:forged", "x" * 300],
)
def test_a_bad_token_is_not_found(api_client, bad):
    invited()
    assert_error(api_client.post(url("survey-responses", bad), {"answers": ANSWERS}, format="json"), 404, "not_found")


def test_a_token_of_a_contact_not_invited_is_not_found(api_client):
    # given: a genuine signature, but no invitation
    brand, _contact, saved = invited()
    [stranger] = enrolled(brand)
    # when
    response = answer(api_client, saved, stranger)
    # then
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("index", "value", "message"),
    [
        (0, 3, "Choose one option: its number from 0 to 2."),
        (0, [1], "Choose one option: its number from 0 to 2."),
        (0, True, "Choose one option: its number from 0 to 2."),
        (1, 1, "Choose at least one option (a list of option numbers from 0)."),
        (1, [], "Choose at least one option (a list of option numbers from 0)."),
        (1, [0, 5], "Each choice is an option number from 0 to 2."),
        (1, [0, 0], "An option is chosen once."),
        (2, "  ", "Write an answer."),
        (2, 5, "Write an answer."),
        (2, "x" * 2001, "At most 2000 characters."),
        (3, 0, "A whole number from 1 to 5."),
        (3, 6, "A whole number from 1 to 5."),
        (3, 4.5, "A whole number from 1 to 5."),
        (4, 11, "A whole number from 0 to 10."),
        (4, -1, "A whole number from 0 to 10."),
        (4, None, "A whole number from 0 to 10."),
    ],
)
def test_each_kinds_answer_is_checked(api_client, index, value, message):
    # given
    _brand, contact, saved = invited()
    answers = [dict(item, value=value) if item["question"] == index else item for item in ANSWERS]
    # when
    response = answer(api_client, saved, contact, answers)
    # then
    assert_error(response, 400, "invalid", {"answers": {str(index): [message]}})
    assert not Response.objects.exists()
    assert not ContactEvent.objects.filter(type="survey_completed").exists()


def test_every_question_must_be_answered(api_client):
    # given
    _brand, contact, saved = invited()
    # when
    response = answer(api_client, saved, contact, ANSWERS[1:4])
    # then
    assert_error(
        response,
        400,
        "invalid",
        {"answers": {"0": ["This question needs an answer."], "4": ["This question needs an answer."]}},
    )


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"answers": ["This field is required."]}),
        ({"answers": "all good"}, None),
        ({"answers": [1, 2]}, None),
        ({"answers": [*ANSWERS, {"question": 9, "value": 1}]}, {"answers": {"9": ["There is no such question."]}}),
        ({"answers": [*ANSWERS, ANSWERS[0]]}, {"answers": {"0": ["The question is answered twice."]}}),
    ],
)
def test_the_shape_of_the_answers_is_checked(api_client, payload, fields):
    _brand, contact, saved = invited()
    response = api_client.post(url("survey-responses", token(saved, contact)), payload, format="json")
    assert_error(response, 400, "invalid", fields)


def test_a_survey_without_reward_accrues_nothing(api_client):
    # given
    brand, contact, saved = invited(reward_points=0)
    # when
    response = answer(api_client, saved, contact)
    # then
    assert response.status_code == 201
    assert not LedgerEntry.objects.exists()
    assert points(brand, contact) == Decimal("0.00")


def test_the_link_tells_the_survey_it_opens(api_client):
    # given
    _brand, contact, saved = invited()
    # when
    before = api_client.get(url("survey-responses", token(saved, contact)))
    answer(api_client, saved, contact)
    after = api_client.get(url("survey-responses", token(saved, contact)))
    # then
    assert before.status_code == 200
    assert before.json()["questions"] == QUESTIONS
    assert (before.json()["open"], before.json()["answered"]) == (True, False)
    assert after.json()["answered"] is True


@pytest.mark.postgres
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="concurrent transactions"
)
@pytest.mark.django_db(transaction=True)
def test_two_responses_at_once_with_one_link_make_one():
    # given
    brand, contact, saved = invited()
    link = url("survey-responses", token(saved, contact))

    def post(_index: int) -> int:
        return APIClient().post(link, {"answers": ANSWERS}, format="json").status_code

    # when
    statuses = run_in_threads(4, post)
    # then
    assert sorted(statuses) == [201, 409, 409, 409]
    assert Response.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="reward").count() == 1
    assert points(brand, contact) == Decimal("50.00")
    assert ContactEvent.objects.filter(type="survey_completed").count() == 1
