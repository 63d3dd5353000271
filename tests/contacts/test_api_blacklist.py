"""The blacklist over the management API."""

import pytest

from contacts.models import BlacklistEntry
from tests.factories import BlacklistEntryFactory
from tests.helpers import assert_error, assert_timestamps, db_counts, ids, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slash", [False, True], ids=["no-slash", "slash"])
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"phone": "8 (916) 123-45-67"}, {"phone": "+79161234567", "email": None, "reason": ""}),
        (
            {"email": " Spam@Example.COM", "reason": "spam"},
            {"phone": None, "email": "spam@example.com", "reason": "spam"},
        ),
        (
            {"phone": "+79161234567", "email": "a@example.com", "reason": "fraud"},
            {"phone": "+79161234567", "email": "a@example.com", "reason": "fraud"},
        ),
    ],
    ids=["phone", "email", "both"],
)
def test_create_normalises_phone_and_email(superuser_client, superuser, body, expected, slash):
    # when
    response = superuser_client.post(url("blacklist", slash=slash), body, format="json")

    # then
    assert response.status_code == 201, response.content
    entry = BlacklistEntry.objects.get()
    assert assert_timestamps(response.json()) == {"id": entry.pk, **expected}
    assert entry.created_by_id == superuser.pk


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"phone": ["Give a phone or an e-mail."]}),
        ({"phone": "", "email": None, "reason": "x"}, {"phone": ["Give a phone or an e-mail."]}),
        ({"phone": "12345"}, {"phone": ["Enter a valid phone number."]}),
        ({"email": "nope"}, {"email": ["Enter a valid email address."]}),
        ({"phone": ["+79161234567"]}, {"phone": ["Not a valid string."]}),
        (
            {"phone": "+79161234567", "reason": "x" * 256},
            {"reason": ["Ensure this field has no more than 255 characters."]},
        ),
    ],
    ids=["empty", "blank", "bad-phone", "bad-email", "phone-list", "long-reason"],
)
def test_invalid_entry_is_400(superuser_client, body, fields):
    # when
    response = superuser_client.post(url("blacklist"), body, format="json")

    # then
    assert_error(response, 400, "invalid", fields=fields)
    assert BlacklistEntry.objects.count() == 0


def test_an_already_blacklisted_phone_is_409(superuser_client):
    # given
    BlacklistEntryFactory(phone="+79161234567")
    before = db_counts()

    # when
    response = superuser_client.post(url("blacklist"), {"phone": "89161234567"}, format="json")

    # then
    assert_error(response, 409, "duplicate", fields={})
    assert db_counts() == before


def test_filter_by_phone_and_email_in_any_format(superuser_client):
    # given
    by_phone = BlacklistEntryFactory(phone="+79161234567")
    by_email = BlacklistEntryFactory(phone=None, email="spam@example.com")

    # when / then
    assert ids(superuser_client.get(url("blacklist"), {"phone": "8 (916) 123-45-67"})) == [by_phone.pk]
    assert ids(superuser_client.get(url("blacklist"), {"email": "SPAM@example.com"})) == [by_email.pk]
    assert ids(superuser_client.get(url("blacklist"), {"phone": "garbage"})) == []


def test_patch_reason_keeps_the_phone(superuser_client):
    # given
    entry = BlacklistEntryFactory(phone="+79161234567", reason="old")

    # when
    response = superuser_client.patch(url("blacklist", entry.pk), {"reason": "new"}, format="json")

    # then
    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["reason"]) == ("+79161234567", "new")


def test_patch_to_an_invalid_phone_is_400(superuser_client):
    # given
    entry = BlacklistEntryFactory(phone="+79161234567")

    # when
    response = superuser_client.patch(url("blacklist", entry.pk), {"phone": "123"}, format="json")

    # then
    assert_error(response, 400, "invalid", fields={"phone": ["Enter a valid phone number."]})
    entry.refresh_from_db()
    assert entry.phone == "+79161234567"


def test_patch_to_another_entrys_phone_is_409(superuser_client):
    # given
    BlacklistEntryFactory(phone="+79161234567")
    entry = BlacklistEntryFactory(phone="+79160000001")

    # when
    response = superuser_client.patch(url("blacklist", entry.pk), {"phone": "+79161234567"}, format="json")

    # then
    assert_error(response, 409, "duplicate", fields={})
    entry.refresh_from_db()
    assert entry.phone == "+79160000001"


def test_a_phone_added_to_the_blacklist_cannot_register(superuser_client):
    # given
    superuser_client.post(url("blacklist"), {"phone": "+79161234567"}, format="json")

    # when
    response = superuser_client.post(url("contacts"), {"phone": "8 916 123 45 67"}, format="json")

    # then
    assert_error(response, 400, "blacklisted", fields={"phone": ["Blacklisted."]})


def test_a_phone_removed_from_the_blacklist_can_register(superuser_client):
    # given
    entry = BlacklistEntryFactory(phone="+79161234567")
    superuser_client.delete(url("blacklist", entry.pk))

    # when
    response = superuser_client.post(url("contacts"), {"phone": "8 916 123 45 67"}, format="json")

    # then
    assert response.status_code == 201
