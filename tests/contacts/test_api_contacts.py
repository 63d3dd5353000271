"""Contacts over the management API: normalisation, blacklist, duplicates, cards, confirmation, filters."""

from datetime import date, datetime, timedelta

import pytest

from contacts.models import Contact, ContactAuditLog
from loyalty.models import Card, Enrollment
from loyalty.services.cards import luhn_valid
from tests.factories import (
    BlacklistEntryFactory,
    BrandFactory,
    CardFactory,
    CardTypeFactory,
    ContactFactory,
    EnrollmentFactory,
    ProgramFactory,
    TierFactory,
)
from tests.helpers import assert_error, assert_timestamps, db_counts, ids, page, url

pytestmark = pytest.mark.django_db

PHONE = "+79161234567"


def contact_body(**overrides):
    """The full answer for a contact created with nothing but a phone, with `overrides` applied."""
    return {
        "phone": PHONE,
        "email": None,
        "first_name": "",
        "last_name": "",
        "birth_date": None,
        "gender": "",
        "city": "",
        "phone_confirmed": False,
        "email_confirmed": False,
        "phone_confirmed_at": None,
        "email_confirmed_at": None,
        "subscribed_email": False,
        "subscribed_sms": False,
        "subscribed_push": False,
        "subscribed_messenger": False,
        "cards": [],
        "tier": None,
        "source": "api",
        **overrides,
    }


# --- create ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slash", [False, True], ids=["no-slash", "slash"])
def test_create_with_a_phone_only(superuser_client, slash):
    # when
    response = superuser_client.post(url("contacts", slash=slash), {"phone": "8 (916) 123-45-67"}, format="json")

    # then
    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    assert assert_timestamps(response.json()) == {"id": contact.pk, **contact_body()}
    assert contact.phone == PHONE
    assert contact.source == "api"


@pytest.mark.parametrize(
    "raw",
    ["+79161234567", "+7 916 123-45-67", "8-916-123-45-67", " +7 (916) 123 45 67 ", "89161234567", "9161234567"],
)
def test_phone_is_normalised_to_e164(superuser_client, raw):
    # when
    response = superuser_client.post(url("contacts"), {"phone": raw}, format="json")

    # then
    assert response.status_code == 201
    assert response.json()["phone"] == PHONE
    assert Contact.objects.get().phone == PHONE


def test_create_with_an_email_only_lower_cases_it(superuser_client):
    # when
    response = superuser_client.post(url("contacts"), {"email": "  Ivan.Petrov@Example.COM "}, format="json")

    # then
    assert response.status_code == 201
    contact = Contact.objects.get()
    assert assert_timestamps(response.json()) == {
        "id": contact.pk,
        **contact_body(phone=None, email="ivan.petrov@example.com"),
    }


def test_create_with_every_field(superuser_client):
    # when
    response = superuser_client.post(
        url("contacts"),
        {
            "phone": "+7 916 123 45 67",
            "email": "anna@example.com",
            "first_name": "Anna",
            "last_name": "Ivanova",
            "birth_date": "1990-05-17",
            "gender": "female",
            "city": "Kazan",
            "subscribed_email": True,
            "subscribed_sms": True,
            "subscribed_push": True,
        },
        format="json",
    )

    # then
    assert response.status_code == 201
    contact = Contact.objects.get()
    assert assert_timestamps(response.json()) == {
        "id": contact.pk,
        **contact_body(
            email="anna@example.com",
            first_name="Anna",
            last_name="Ivanova",
            birth_date="1990-05-17",
            gender="female",
            city="Kazan",
            subscribed_email=True,
            subscribed_sms=True,
            subscribed_push=True,
        ),
    }
    assert contact.birth_date == date(1990, 5, 17)


def test_create_writes_an_audit_row(superuser_client, superuser):
    # when
    response = superuser_client.post(url("contacts"), {"phone": PHONE, "first_name": "Ivan"}, format="json")

    # then
    log = ContactAuditLog.objects.get()
    assert (log.contact_id, log.user_id, log.action, log.source) == (
        response.json()["id"],
        superuser.pk,
        "created",
        "api",
    )
    assert log.changes == {"phone": PHONE, "first_name": "Ivan", "source": "api"}


@pytest.mark.parametrize(
    "body",
    [{}, {"phone": "", "email": ""}, {"phone": None, "email": None}, {"phone": "   "}, {"first_name": "Ivan"}],
    ids=["empty", "blank", "null", "spaces", "name-only"],
)
def test_neither_phone_nor_email_is_400(superuser_client, body):
    # when
    response = superuser_client.post(url("contacts"), body, format="json")

    # then
    assert_error(
        response,
        400,
        "invalid",
        fields={"phone": ["Give a phone or an e-mail."], "email": ["Give a phone or an e-mail."]},
    )
    assert Contact.objects.count() == 0


@pytest.mark.parametrize("phone", ["12345", "abc", "+7495123456", "8 916", "+7 916 123 45 67 89"])
def test_an_invalid_phone_is_400_with_fields_phone(superuser_client, phone):
    # when
    response = superuser_client.post(url("contacts"), {"phone": phone, "email": "a@example.com"}, format="json")

    # then
    assert_error(response, 400, "invalid", fields={"phone": ["Enter a valid phone number."]})
    assert Contact.objects.count() == 0


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.com", "a b@example.com"])
def test_an_invalid_email_is_400_with_fields_email(superuser_client, email):
    # when
    response = superuser_client.post(url("contacts"), {"phone": PHONE, "email": email}, format="json")

    # then
    assert_error(response, 400, "invalid", fields={"email": ["Enter a valid email address."]})
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"phone": PHONE, "gender": "other"}, {"gender": ['"other" is not a valid choice.']}),
        ({"phone": PHONE, "birth_date": "2990-01-01"}, {"birth_date": ["Enter a real birth date."]}),
        ({"phone": PHONE, "birth_date": "1800-01-01"}, {"birth_date": ["Enter a real birth date."]}),
        (
            {"phone": PHONE, "birth_date": "17.05.1990"},
            {"birth_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        ({"phone": [PHONE]}, {"phone": ["Not a valid string."]}),
        (
            {"phone": PHONE, "first_name": "x" * 101},
            {"first_name": ["Ensure this field has no more than 100 characters."]},
        ),
        ({"phone": PHONE, "subscribed_sms": "often"}, {"subscribed_sms": ["Must be a valid boolean."]}),
        ({"phone": PHONE, "program": 999999}, {"program": ['Invalid pk "999999" - object does not exist.']}),
        ({"phone": PHONE, "issue_card": [True]}, {"issue_card": ["Must be a valid boolean."]}),
    ],
    ids=[
        "gender",
        "future-birth",
        "ancient-birth",
        "birth-format",
        "phone-list",
        "long-name",
        "bool",
        "program",
        "issue-card",
    ],
)
def test_invalid_contact_fields_are_400(superuser_client, body, fields):
    # given
    ProgramFactory()
    before = db_counts()

    # when
    response = superuser_client.post(url("contacts"), body, format="json")

    # then
    assert_error(response, 400, "invalid", fields=fields)
    assert db_counts() == before


# --- blacklist ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "8 (916) 123-45-67"}, "phone"),
        ({"phone": "+79161234567", "email": "clean@example.com"}, "phone"),
        ({"email": "Spam@Example.com"}, "email"),
        ({"phone": "+79990000000", "email": "SPAM@example.com"}, "email"),
    ],
    ids=["phone", "phone-and-clean-email", "email", "clean-phone-and-email"],
)
def test_a_blacklisted_phone_or_email_is_400_on_create(superuser_client, body, field):
    # given
    BlacklistEntryFactory(phone=PHONE)
    BlacklistEntryFactory(phone=None, email="spam@example.com")
    before = db_counts()

    # when
    response = superuser_client.post(url("contacts"), body, format="json")

    # then
    assert_error(response, 400, "blacklisted", fields={field: ["Blacklisted."]})
    assert db_counts() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"phone": "8 916 123 45 67"}, "phone"), ({"email": "SPAM@example.com"}, "email")],
    ids=["phone", "email"],
)
def test_a_blacklisted_phone_or_email_is_400_on_update(superuser_client, changes, field):
    # given
    contact = ContactFactory(phone="+79160000001", email="clean@example.com")
    BlacklistEntryFactory(phone=PHONE)
    BlacklistEntryFactory(phone=None, email="spam@example.com")

    # when
    response = superuser_client.patch(url("contacts", contact.pk), changes, format="json")

    # then
    assert_error(response, 400, "blacklisted", fields={field: ["Blacklisted."]})
    contact.refresh_from_db()
    assert (contact.phone, contact.email) == ("+79160000001", "clean@example.com")
    assert ContactAuditLog.objects.count() == 0


# --- duplicates --------------------------------------------------------------------------------------------


def test_a_phone_held_by_another_contact_is_409_on_create(superuser_client):
    # given
    existing = ContactFactory(phone=PHONE)
    before = db_counts()

    # when
    response = superuser_client.post(url("contacts"), {"phone": "8 (916) 123-45-67"}, format="json")

    # then
    assert_error(
        response,
        409,
        "duplicate_contact",
        fields={"existing_id": existing.pk, "phone": ["Already registered."]},
    )
    assert db_counts() == before


def test_a_phone_held_by_another_contact_is_409_on_update(superuser_client):
    # given
    existing = ContactFactory(phone=PHONE)
    contact = ContactFactory(phone="+79160000001")

    # when
    response = superuser_client.patch(url("contacts", contact.pk), {"phone": "89161234567"}, format="json")

    # then
    assert_error(
        response,
        409,
        "duplicate_contact",
        fields={"existing_id": existing.pk, "phone": ["Already registered."]},
    )
    contact.refresh_from_db()
    assert contact.phone == "+79160000001"


def test_patching_a_contact_with_its_own_phone_is_fine(superuser_client):
    # given
    contact = ContactFactory(phone=PHONE)

    # when
    response = superuser_client.patch(
        url("contacts", contact.pk), {"phone": "8 916 123 45 67", "city": "Omsk"}, format="json"
    )

    # then
    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["city"]) == (PHONE, "Omsk")


def test_the_same_email_on_two_contacts_is_accepted(superuser_client):
    # given
    ContactFactory(email="family@example.com")

    # when
    response = superuser_client.post(url("contacts"), {"email": "family@example.com"}, format="json")

    # then
    assert response.status_code == 201
    assert Contact.objects.filter(email="family@example.com").count() == 2


# --- cards and programs ------------------------------------------------------------------------------------


def test_issue_card_with_one_program_binds_a_new_card(superuser_client):
    # given
    program = ProgramFactory()
    card_type = CardTypeFactory(program=program, number_prefix="7000")
    CardTypeFactory(program=program, number_prefix="8000")

    # when
    response = superuser_client.post(url("contacts"), {"phone": PHONE, "issue_card": True}, format="json")

    # then
    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    card = Card.objects.get()
    assert response.json()["cards"] == [{"number": card.number, "card_type": card_type.pk, "status": "active"}]
    assert card.contact_id == contact.pk
    assert card.card_type_id == card_type.pk
    assert card.bound_at is not None
    assert len(card.number) == 13
    assert card.number.startswith("7000")
    assert card.number.isdigit()
    assert luhn_valid(card.number)
    assert list(Enrollment.objects.values_list("contact_id", "program_id")) == [(contact.pk, program.pk)]


def test_issued_cards_get_consecutive_numbers(superuser_client):
    # given
    CardTypeFactory(number_prefix="7000")

    # when
    first = superuser_client.post(url("contacts"), {"phone": PHONE, "issue_card": True}, format="json")
    second = superuser_client.post(url("contacts"), {"phone": "+79160000002", "issue_card": True}, format="json")

    # then
    numbers = [first.json()["cards"][0]["number"], second.json()["cards"][0]["number"]]
    assert [number[:12] for number in numbers] == ["700000000001", "700000000002"]
    assert all(luhn_valid(number) for number in numbers)


def test_issue_card_with_two_programs_needs_the_program(superuser_client):
    # given
    CardTypeFactory()
    CardTypeFactory()
    before = db_counts()

    # when
    response = superuser_client.post(url("contacts"), {"phone": PHONE, "issue_card": True}, format="json")

    # then
    assert_error(
        response,
        400,
        "invalid",
        fields={"program": ["This field is required when there is more than one program."]},
    )
    assert db_counts() == before


def test_issue_card_with_two_programs_and_the_program_given(superuser_client):
    # given
    CardTypeFactory(number_prefix="7000")
    card_type = CardTypeFactory(number_prefix="9100")

    # when
    response = superuser_client.post(
        url("contacts"), {"phone": PHONE, "issue_card": True, "program": card_type.program_id}, format="json"
    )

    # then
    assert response.status_code == 201
    [card] = response.json()["cards"]
    assert card["card_type"] == card_type.pk
    assert card["number"].startswith("9100")
    assert luhn_valid(card["number"])


def test_issue_card_in_a_program_without_card_types_is_400_and_writes_nothing(superuser_client):
    # given
    ProgramFactory()
    before = db_counts()

    # when
    response = superuser_client.post(url("contacts"), {"phone": PHONE, "issue_card": True}, format="json")

    # then
    assert_error(response, 400, "no_card_type", fields={"program": ["Create a card type first."]})
    assert db_counts() == before


def test_without_issue_card_no_card_is_bound(superuser_client):
    # given
    CardTypeFactory()

    # when
    response = superuser_client.post(url("contacts"), {"phone": PHONE}, format="json")

    # then
    assert response.status_code == 201
    assert response.json()["cards"] == []
    assert Card.objects.count() == 0


def test_a_program_given_without_issue_card_enrolls_only(superuser_client):
    # given
    program = ProgramFactory()
    ProgramFactory()

    # when
    response = superuser_client.post(url("contacts"), {"phone": PHONE, "program": program.pk}, format="json")

    # then
    assert response.status_code == 201
    assert response.json()["cards"] == []
    assert list(Enrollment.objects.values_list("program_id", flat=True)) == [program.pk]


def test_issue_card_on_update_binds_another_card(superuser_client):
    # given
    card_type = CardTypeFactory()
    contact = ContactFactory()
    existing = CardFactory(card_type=card_type, contact=contact)

    # when
    response = superuser_client.patch(url("contacts", contact.pk), {"issue_card": True}, format="json")

    # then
    assert response.status_code == 200
    numbers = [card["number"] for card in response.json()["cards"]]
    assert len(numbers) == 2
    assert numbers[0] == existing.number
    assert luhn_valid(numbers[1])


def test_issue_card_on_update_with_two_programs_and_none_given_writes_nothing(superuser_client):
    # given
    CardTypeFactory()
    CardTypeFactory()
    contact = ContactFactory(city="Omsk")

    # when
    response = superuser_client.patch(url("contacts", contact.pk), {"issue_card": True, "city": "Kazan"}, format="json")

    # then
    assert_error(
        response,
        400,
        "invalid",
        fields={"program": ["This field is required when there is more than one program."]},
    )
    contact.refresh_from_db()
    assert contact.city == "Omsk"
    assert Card.objects.count() == 0
    assert ContactAuditLog.objects.count() == 0


def test_cards_tier_and_source_are_read_only(superuser_client):
    # given
    card_type = CardTypeFactory()
    tier = TierFactory(program=card_type.program)

    # when
    response = superuser_client.post(
        url("contacts"),
        {
            "phone": PHONE,
            "cards": [{"number": "1", "card_type": card_type.pk, "status": "active"}],
            "tier": tier.name,
            "source": "import",
            "phone_confirmed_at": "2020-01-01T00:00:00+03:00",
        },
        format="json",
    )

    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["cards"], body["tier"], body["source"], body["phone_confirmed_at"]) == ([], None, "api", None)
    assert Card.objects.count() == 0


def test_tier_shows_the_enrollments_tier(superuser_client):
    # given
    tier = TierFactory(name="Silver")
    enrollment = EnrollmentFactory(program=tier.program, tier=tier)

    # when
    response = superuser_client.get(url("contacts", enrollment.contact_id))

    # then
    assert response.json()["tier"] == "Silver"


def test_tier_for_a_given_program(superuser_client):
    # given
    contact = ContactFactory()
    silver, gold = TierFactory(name="Silver"), TierFactory(name="Gold")
    EnrollmentFactory(contact=contact, program=silver.program, tier=silver)
    EnrollmentFactory(contact=contact, program=gold.program, tier=gold)

    # when
    response = superuser_client.get(url("contacts", contact.pk), {"program": gold.program_id})

    # then
    assert response.json()["tier"] == "Gold"


# --- confirmation ------------------------------------------------------------------------------------------


def test_phone_confirmed_on_create_stamps_the_time(superuser_client):
    # given
    started = datetime.now().astimezone()

    # when
    response = superuser_client.post(url("contacts"), {"phone": PHONE, "phone_confirmed": True}, format="json")

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["phone_confirmed"] is True
    confirmed_at = datetime.fromisoformat(body["phone_confirmed_at"])
    assert started - timedelta(seconds=1) <= confirmed_at <= datetime.now().astimezone()
    assert (body["email_confirmed"], body["email_confirmed_at"]) == (False, None)


def test_confirming_later_stamps_the_time_and_the_user(superuser_client, superuser):
    # given
    contact = ContactFactory(email="a@example.com")

    # when
    response = superuser_client.patch(
        url("contacts", contact.pk), {"phone_confirmed": True, "email_confirmed": True}, format="json"
    )

    # then
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.phone_confirmed_at is not None
    assert contact.email_confirmed_at is not None
    assert (contact.phone_confirmed_by_id, contact.email_confirmed_by_id) == (superuser.pk, superuser.pk)
    assert response.json()["phone_confirmed_at"] == contact.phone_confirmed_at.astimezone().isoformat()
    assert ContactAuditLog.objects.get().action == "confirmed"


def test_changing_the_phone_drops_its_confirmation(superuser_client):
    # given
    contact = ContactFactory(phone="+79160000001")
    superuser_client.patch(url("contacts", contact.pk), {"phone_confirmed": True}, format="json")

    # when
    response = superuser_client.patch(url("contacts", contact.pk), {"phone": PHONE}, format="json")

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["phone"], body["phone_confirmed"], body["phone_confirmed_at"]) == (PHONE, False, None)


def test_unconfirming_clears_the_time(superuser_client):
    # given
    contact = ContactFactory()
    superuser_client.patch(url("contacts", contact.pk), {"phone_confirmed": True}, format="json")

    # when
    response = superuser_client.patch(url("contacts", contact.pk), {"phone_confirmed": False}, format="json")

    # then
    assert (response.json()["phone_confirmed"], response.json()["phone_confirmed_at"]) == (False, None)


# --- update and delete -------------------------------------------------------------------------------------


def test_patch_changes_the_given_fields_and_audits_them(superuser_client, superuser):
    # given
    contact = ContactFactory(first_name="Ivan", city="Omsk")

    # when
    response = superuser_client.patch(
        url("contacts", contact.pk), {"first_name": "Pyotr", "email": "PYOTR@example.com"}, format="json"
    )

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["first_name"], body["email"], body["city"], body["phone"]) == (
        "Pyotr",
        "pyotr@example.com",
        "Omsk",
        contact.phone,
    )
    log = ContactAuditLog.objects.get()
    assert (log.action, log.user_id) == ("updated", superuser.pk)
    assert log.changes == {"first_name": "Pyotr", "email": "pyotr@example.com"}


def test_patch_removing_the_last_means_of_contact_is_400(superuser_client):
    # given
    contact = ContactFactory(email=None)

    # when
    response = superuser_client.patch(url("contacts", contact.pk), {"phone": ""}, format="json")

    # then
    assert_error(
        response,
        400,
        "invalid",
        fields={"phone": ["Give a phone or an e-mail."], "email": ["Give a phone or an e-mail."]},
    )
    contact.refresh_from_db()
    assert contact.phone is not None


def test_patch_removing_the_phone_keeps_the_email(superuser_client):
    # given
    contact = ContactFactory(email="a@example.com")

    # when
    response = superuser_client.patch(url("contacts", contact.pk), {"phone": None}, format="json")

    # then
    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["email"]) == (None, "a@example.com")


def test_delete_a_contact_without_cards(superuser_client):
    # given
    contact = ContactFactory()
    EnrollmentFactory(contact=contact)

    # when
    response = superuser_client.delete(url("contacts", contact.pk))

    # then
    assert response.status_code == 204
    assert Contact.objects.count() == 0
    assert Enrollment.objects.count() == 0


# --- list and filters --------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["8 (916) 123-45-67", "+79161234567", "89161234567", "+7 916 123 45 67"])
def test_filter_by_phone_in_any_format(superuser_client, query):
    # given
    contact = ContactFactory(phone=PHONE)
    ContactFactory(phone="+79160000001")

    # when
    response = superuser_client.get(url("contacts"), {"phone": query})

    # then
    assert ids(response) == [contact.pk]


def test_filter_by_an_invalid_phone_finds_nothing(superuser_client):
    # given
    ContactFactory()

    # when
    response = superuser_client.get(url("contacts"), {"phone": "12345"})

    # then
    assert page(response)["count"] == 0


def test_filter_by_email_card_and_program(superuser_client):
    # given
    contact = ContactFactory(email="anna@example.com")
    other = ContactFactory(email="boris@example.com")
    card = CardFactory(contact=contact)
    EnrollmentFactory(contact=contact, program=card.card_type.program)
    EnrollmentFactory(contact=other)

    # when / then
    assert ids(superuser_client.get(url("contacts"), {"email": "ANNA@example.com"})) == [contact.pk]
    assert ids(superuser_client.get(url("contacts"), {"card": card.number})) == [contact.pk]
    assert ids(superuser_client.get(url("contacts"), {"program": card.card_type.program_id})) == [contact.pk]


def test_filter_by_city_source_and_flags(superuser_client):
    # given
    kazan = ContactFactory(city="Kazan", subscribed_sms=True, source="import")
    ContactFactory(city="Omsk")

    # when / then
    assert ids(superuser_client.get(url("contacts"), {"city": "Kazan"})) == [kazan.pk]
    assert ids(superuser_client.get(url("contacts"), {"source": "import"})) == [kazan.pk]
    assert ids(superuser_client.get(url("contacts"), {"subscribed_sms": "true"})) == [kazan.pk]


def test_list_shows_each_contacts_cards(superuser_client):
    # given
    contact = ContactFactory()
    card = CardFactory(contact=contact, status="blocked")
    ContactFactory()

    # when
    response = superuser_client.get(url("contacts"), {"page_size": 10})

    # then
    results = {item["id"]: item["cards"] for item in page(response)["results"]}
    assert results[contact.pk] == [{"number": card.number, "card_type": card.card_type_id, "status": "blocked"}]


def test_contact_enrolled_through_a_brand_program(superuser_client):
    # given
    brand = BrandFactory()
    card_type = CardTypeFactory(program=brand.program)

    # when
    response = superuser_client.post(
        url("contacts"), {"email": "x@example.com", "issue_card": True, "program": brand.program_id}, format="json"
    )

    # then
    assert response.status_code == 201
    assert response.json()["cards"][0]["card_type"] == card_type.pk
