"""The contract's messaging API: triggers, the outbox, subscriptions history, phone and e-mail confirmation."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.messaging.models import Message, PhoneCode, Trigger
from contacts.models import Contact
from tests.factories import BrandFactory, SegmentFactory
from tests.messaging.support import dispatch_and_send, record, subscribed_contact, trigger

pytestmark = pytest.mark.django_db

TRIGGER = {
    "name": "Welcome",
    "event": "contact_registered",
    "channel": "email",
    "subject": "Welcome, {{ contact.first_name }}",
    "template": "Hello {{ contact.first_name }}! Your balance: {{ balance }}.",
}


def test_a_trigger_is_created_with_every_field(superuser_client):
    brand = BrandFactory()
    segment = SegmentFactory(program=brand.program)
    body = {
        **TRIGGER,
        "brand": brand.pk,
        "conditions": {"min_total": 1000},
        "segment": segment.pk,
        "delay_minutes": 15,
        "quiet_hours": ["22:00", "09:00"],
        "quiet_hours_zone": "store",
        "max_per_contact": 2,
        "per_days": 7,
        "confirmed_only": True,
    }

    response = superuser_client.post("/api/v1/triggers", body, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert {key: data[key] for key in body} == body
    assert data["active"] is True
    trigger = Trigger.objects.get()
    assert (str(trigger.quiet_from), str(trigger.quiet_to)) == ("22:00:00", "09:00:00")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"template": "Hello {{ contact.first_name|nosuchfilter }}"}, "template"),
        ({"template": "{% if %}x{% endif %}"}, "template"),
        ({"template": "{% include 'admin/base.html' %}"}, "template"),
        ({"subject": "{{ contact|date:'Y' }} {% bad %}"}, "subject"),
        ({"template": "{{ event.at|date:'Y' }}{{ contact.birth_date|add:'x'|floatformat:'z' }}"}, None),
        ({"event": "Bad Event!"}, "event"),
        ({"channel": "fax"}, "channel"),
        ({"conditions": {"days_before": "soon"}}, "conditions"),
        ({"conditions": {"whatever": 1}}, "conditions"),
        ({"conditions": [1]}, "conditions"),
        ({"quiet_hours": ["25:00", "09:00"]}, "quiet_hours"),
        ({"quiet_hours": ["22:00"]}, "quiet_hours"),
    ],
)
def test_a_bad_trigger_is_refused_with_400(superuser_client, change, field):
    body = {**TRIGGER, "brand": BrandFactory().pk, **change}

    response = superuser_client.post("/api/v1/triggers", body, format="json")

    if field is None:  # a filter that fails quietly renders: saved
        assert response.status_code == 201, response.content
        return
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert Trigger.objects.count() == 0


def test_a_segment_of_another_program_is_refused(superuser_client):
    body = {**TRIGGER, "brand": BrandFactory().pk, "segment": SegmentFactory().pk}

    response = superuser_client.post("/api/v1/triggers", body, format="json")

    assert response.status_code == 400
    assert "segment" in response.json()["error"]["fields"]


def test_a_trigger_is_changed_and_its_template_checked_again(superuser_client):
    made = trigger(BrandFactory())

    bad = superuser_client.patch(f"/api/v1/triggers/{made.pk}", {"template": "{% for %}"}, format="json")
    good = superuser_client.patch(f"/api/v1/triggers/{made.pk}/", {"quiet_hours": [], "active": False}, format="json")

    assert bad.status_code == 400
    assert good.status_code == 200
    assert (good.json()["quiet_hours"], good.json()["active"]) == ([], False)


def test_the_outbox_lists_messages_with_the_contracts_fields_and_filters(superuser_client):
    brand = BrandFactory()
    contact, other = subscribed_contact(brand), subscribed_contact(brand, subscribed_sms=False)
    made = trigger(brand, template="Thanks {{ contact.first_name }}")
    record(contact, "purchase_confirmed", brand=brand)
    record(other, "purchase_confirmed", brand=brand)
    dispatch_and_send()

    everything = superuser_client.get("/api/v1/messages").json()
    sent = superuser_client.get(f"/api/v1/messages?contact={contact.pk}&trigger={made.pk}&status=sent").json()
    suppressed = superuser_client.get("/api/v1/messages/?status=suppressed&event=purchase_confirmed").json()
    none = superuser_client.get("/api/v1/messages?event=birthday").json()

    assert everything["count"] == 2
    message = sent["results"][0]
    assert sent["count"] == 1
    for key in (
        "contact",
        "trigger",
        "channel",
        "event",
        "status",
        "reason",
        "to",
        "subject",
        "body",
        "attempts",
        "created_at",
        "scheduled_at",
        "sent_at",
    ):
        assert key in message
    assert (message["contact"], message["trigger"], message["channel"], message["event"]) == (
        contact.pk,
        made.pk,
        "sms",
        "purchase_confirmed",
    )
    assert (message["status"], message["to"], message["attempts"]) == ("sent", contact.phone, 1)
    assert [item["reason"] for item in suppressed["results"]] == ["unsubscribed"]
    assert none["count"] == 0


def test_the_outbox_is_read_only(superuser_client):
    assert superuser_client.post("/api/v1/messages", {}, format="json").status_code == 405


def test_subscription_changes_are_kept_with_who_when_and_source(superuser_client, superuser):
    # given: a contact made through the API subscribed to e-mail, then changed
    created = superuser_client.post(
        "/api/v1/contacts", {"phone": "+79160000001", "subscribed_email": True}, format="json"
    )
    assert created.status_code == 201, created.content
    contact_id = created.json()["id"]
    patched = superuser_client.patch(
        f"/api/v1/contacts/{contact_id}", {"subscribed_email": False, "subscribed_push": True}, format="json"
    )
    assert patched.status_code == 200, patched.content

    # when
    response = superuser_client.get(f"/api/v1/contacts/{contact_id}/subscriptions")

    # then: newest first, with the user and the source
    assert response.status_code == 200
    body = response.json()
    changes = [(row["channel"], row["subscribed"], row["user"], row["source"]) for row in body["results"]]
    assert sorted(changes[:2]) == [("email", False, "root", "api"), ("push", True, "root", "api")]
    assert changes[2] == ("email", True, "root", "api")
    assert body["count"] == 3
    assert body["current"] == {
        "subscribed_email": False,
        "subscribed_sms": False,
        "subscribed_push": True,
        "subscribed_messenger": False,
    }


def _code_from_outbox(client, contact_id: int) -> str:
    messages = client.get(f"/api/v1/messages?contact={contact_id}&event=confirm_phone").json()["results"]
    return re.search(r"\b(\d{6})\b", messages[0]["body"]).group(1)


def test_a_phone_is_confirmed_with_the_code_sent_by_sms(superuser_client, django_capture_on_commit_callbacks):
    # given: an unconfirmed phone, not subscribed to SMS (a code is not marketing)
    contact = subscribed_contact(BrandFactory(), phone_confirmed=False, subscribed_sms=False)

    with django_capture_on_commit_callbacks(execute=True):
        sent = superuser_client.post(f"/api/v1/contacts/{contact.pk}/confirm-phone/send")
    code = _code_from_outbox(superuser_client, contact.pk)
    wrong = superuser_client.post(
        f"/api/v1/contacts/{contact.pk}/confirm-phone",
        {"code": "000000" if code != "000000" else "111111"},
        format="json",
    )
    right = superuser_client.post(f"/api/v1/contacts/{contact.pk}/confirm-phone", {"code": code}, format="json")
    again = superuser_client.post(f"/api/v1/contacts/{contact.pk}/confirm-phone", {"code": code}, format="json")

    assert sent.status_code == 202, sent.content
    assert Message.objects.get().status == "sent"  # relayed after the commit (eager)
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (400, "invalid_code")
    assert right.status_code == 200, right.content
    assert right.json()["phone_confirmed"] is True
    assert again.status_code == 409
    contact.refresh_from_db()
    assert contact.phone_confirmed is True
    assert PhoneCode.objects.get().code_hash != code


def test_five_wrong_codes_expire_the_code(superuser_client):
    contact = subscribed_contact(BrandFactory(), phone_confirmed=False)
    superuser_client.post(f"/api/v1/contacts/{contact.pk}/confirm-phone/send")
    code = _code_from_outbox(superuser_client, contact.pk)
    wrong = "000000" if code != "000000" else "111111"

    answers = [
        superuser_client.post(f"/api/v1/contacts/{contact.pk}/confirm-phone", {"code": wrong}, format="json")
        for _ in range(5)
    ]
    right = superuser_client.post(f"/api/v1/contacts/{contact.pk}/confirm-phone", {"code": code}, format="json")

    assert [answer.status_code for answer in answers] == [400, 400, 400, 400, 409]
    assert answers[-1].json()["error"]["code"] == "code_expired"
    assert (right.status_code, right.json()["error"]["code"]) == (409, "code_expired")
    contact.refresh_from_db()
    assert contact.phone_confirmed is False


def test_an_expired_code_is_409(superuser_client):
    contact = subscribed_contact(BrandFactory(), phone_confirmed=False)
    superuser_client.post(f"/api/v1/contacts/{contact.pk}/confirm-phone/send")
    code = _code_from_outbox(superuser_client, contact.pk)
    PhoneCode.objects.update(created_at=timezone.now() - timedelta(minutes=11), expires_at=timezone.now())

    response = superuser_client.post(f"/api/v1/contacts/{contact.pk}/confirm-phone", {"code": code}, format="json")

    assert (response.status_code, response.json()["error"]["code"]) == (409, "code_expired")


def test_a_code_to_a_blacklisted_phone_is_suppressed(superuser_client):
    from contacts.models import BlacklistEntry

    contact = subscribed_contact(BrandFactory(), phone_confirmed=False)
    BlacklistEntry.objects.create(phone=contact.phone)

    response = superuser_client.post(f"/api/v1/contacts/{contact.pk}/confirm-phone/send")

    assert response.status_code == 202
    assert (response.json()["status"], Message.objects.get().reason) == ("suppressed", "blacklisted")


def test_an_email_is_confirmed_by_opening_the_link(superuser_client, mailoutbox, django_capture_on_commit_callbacks):
    contact = subscribed_contact(BrandFactory(), email_confirmed=False, subscribed_email=False)

    with django_capture_on_commit_callbacks(execute=True):
        sent = superuser_client.post(f"/api/v1/contacts/{contact.pk}/confirm-email/send/")
    body = superuser_client.get(f"/api/v1/messages?contact={contact.pk}").json()["results"][0]["body"]
    link = re.search(r"http://testserver(/c/[^/\s]+/)", body).group(1)
    page = Client().get(link)

    assert sent.status_code == 202
    assert len(mailoutbox) == 1
    assert "List-Unsubscribe" not in mailoutbox[0].extra_headers
    assert page.status_code == 200
    assert b'data-state="confirmed"' in page.content
    contact.refresh_from_db()
    assert contact.email_confirmed is True


def test_a_confirmation_link_for_a_changed_address_confirms_nothing(superuser_client):
    contact = subscribed_contact(BrandFactory(), email_confirmed=False)
    superuser_client.post(f"/api/v1/contacts/{contact.pk}/confirm-email/send")
    body = Message.objects.get().body
    Contact.objects.filter(pk=contact.pk).update(email="new@example.com")

    page = Client().get(re.search(r"http://testserver(/c/[^/\s]+/)", body).group(1))

    assert page.status_code == 404
    contact.refresh_from_db()
    assert contact.email_confirmed is False


def test_a_brand_manager_sees_only_their_brands_triggers_and_messages(manager_client, manager_brand, manager):
    from tests.conftest import grant_app_permissions

    grant_app_permissions(manager, ("contacts", "loyalty", "messaging"))
    mine, theirs = trigger(manager_brand), trigger(BrandFactory())

    listed = manager_client.get("/api/v1/triggers").json()
    other = manager_client.get(f"/api/v1/triggers/{theirs.pk}")

    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert other.status_code == 404
