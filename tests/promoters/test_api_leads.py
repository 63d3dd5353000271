"""`POST /api/v1/leads`: every rule and error of the contract's Promoters section."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.messaging.models import Message
from contacts.models import Contact, ContactEvent
from loyalty.choices import EntryKind
from loyalty.models import Card, Enrollment, LedgerEntry
from promoters.models import Lead
from tests.conftest import token_client
from tests.factories import BlacklistEntryFactory, BrandFactory, CardFactory, ContactFactory, EnrollmentFactory
from tests.messaging.support import dispatch_and_send, trigger
from tests.promoters.support import brand_with_cards, lead_body, promoter, stand

pytestmark = pytest.mark.django_db

URL = "/api/v1/leads"


@pytest.fixture
def brand():
    return brand_with_cards()


@pytest.fixture
def user(brand):
    return promoter(brand)


@pytest.fixture
def fair(brand, user):
    return stand(brand, promoters=[user])


@pytest.fixture
def client(user):
    return token_client(user)


def test_a_new_phone_becomes_a_contact_in_the_brands_program_with_a_card_points_and_events(client, fair, user):
    # when
    body = lead_body(id="0b6f4a52-8a36-4d7e-9a54-2b6c83d3c3a1")
    response = client.post(URL, body, format="json", REMOTE_ADDR="10.1.2.3")

    # then: the answer, in the contract's shape
    assert response.status_code == 201, response.content
    answer = response.json()
    assert set(answer) == {"lead_id", "contact_id", "card", "created"}
    assert answer["created"] is True
    contact = Contact.objects.get(pk=answer["contact_id"])
    assert (contact.phone, contact.email, contact.first_name) == ("+79165551234", "anna@example.com", "Anna")
    assert contact.birth_date.isoformat() == "1990-05-17"
    assert contact.source == "promoter"
    assert (contact.subscribed_sms, contact.subscribed_email) == (True, True)
    # enrolled with a card of the brand's program
    program = fair.brand.program
    assert Enrollment.objects.filter(contact=contact, program=program).exists()
    card = Card.objects.get(number=answer["card"])
    assert (card.contact_id, card.card_type.program_id) == (contact.pk, program.pk)
    # the welcome points: a reward lot with its reason, active at once
    [reward] = LedgerEntry.objects.filter(account__contact=contact, account__program=program)
    assert (reward.kind, reward.points, reward.expires_at) == (EntryKind.REWARD, Decimal("100.00"), None)
    assert "expo" in reward.reason
    # the events: lead_captured at the stand's brand, contact_registered for the new contact
    events = dict(ContactEvent.objects.filter(contact=contact).values_list("type", "brand_id"))
    assert events == {"lead_captured": fair.brand_id, "contact_registered": None}
    # the lead: what was typed, the consents and their version, the promoter and the address
    lead = Lead.objects.get(pk=answer["lead_id"])
    assert str(lead.client_id) == body["id"]
    assert (lead.stand_id, lead.promoter_id, lead.contact_id, lead.card_id) == (fair.pk, user.pk, contact.pk, card.pk)
    assert (lead.consent_terms, lead.consent_marketing, lead.consent_version) == (True, True, "2025-03")
    assert (lead.created, lead.welcome_points, lead.address) == (True, Decimal("100.00"), "10.1.2.3")
    fair.refresh_from_db()
    assert fair.lead_count == 1


def test_the_same_id_again_replays_the_first_answer(client, fair):
    # given
    body = lead_body()
    first = client.post(URL, body, format="json")

    # when: sent again (the tablet did not hear the answer), even with the phone typed otherwise
    again = client.post(URL, {**body, "phone": "8 916 555 1234"}, format="json")

    # then: the same status and body; one lead, one contact, one reward
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Lead.objects.count() == 1
    assert Contact.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.REWARD).count() == 1
    fair.refresh_from_db()
    assert fair.lead_count == 1


def test_the_same_id_from_a_user_who_cannot_see_the_lead_is_a_conflict(client, fair, brand):
    # given: a lead of this stand, and a promoter of another brand's stand
    body = lead_body()
    client.post(URL, body, format="json")
    other_brand = brand_with_cards("Other brand")
    stranger = promoter(other_brand, "stranger")
    stand(other_brand, code="other", promoters=[stranger])

    # when
    response = token_client(stranger).post(URL, {**body, "stand": "other"}, format="json")

    # then
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_an_existing_phone_is_matched_enrolled_and_filled_in_never_duplicated(client, fair):
    # given: a contact known from elsewhere, without a name, not in the brand's program
    known = ContactFactory(phone="+79165551234", email=None, first_name="", subscribed_sms=False)

    # when
    response = client.post(URL, lead_body(), format="json")

    # then
    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["contact_id"], answer["created"]) == (known.pk, False)
    assert Contact.objects.count() == 1
    known.refresh_from_db()
    assert (known.first_name, known.email, known.subscribed_sms, known.source) == (
        "Anna",
        "anna@example.com",
        True,
        "admin",
    )
    assert Enrollment.objects.filter(contact=known, program=fair.brand.program).exists()
    assert Card.objects.get(number=answer["card"]).contact_id == known.pk
    # joining the program with this lead: the welcome points; no contact_registered (not new)
    assert LedgerEntry.objects.filter(account__contact=known, kind=EntryKind.REWARD).count() == 1
    assert set(ContactEvent.objects.filter(contact=known).values_list("type", flat=True)) == {"lead_captured"}


def test_a_member_already_in_the_program_keeps_their_card_and_gets_no_welcome_points(client, fair):
    # given: a member with a card of the program and a name of their own
    member = ContactFactory(phone="+79165551234", first_name="Anya")
    EnrollmentFactory(contact=member, program=fair.brand.program)
    card = CardFactory(contact=member, card_type=fair.brand.program.card_types.get())

    # when
    response = client.post(URL, lead_body(), format="json")

    # then
    assert response.status_code == 201
    assert response.json() == {
        "lead_id": Lead.objects.get().pk,
        "contact_id": member.pk,
        "card": card.number,
        "created": False,
    }
    member.refresh_from_db()
    assert member.first_name == "Anya"  # what the contact has stays
    assert not LedgerEntry.objects.filter(kind=EntryKind.REWARD).exists()
    assert Lead.objects.get().welcome_points == 0


@pytest.mark.parametrize(
    ("listed", "field"),
    [({"phone": "+79165551234"}, "phone"), ({"email": "anna@example.com"}, "email")],
)
def test_a_blacklisted_phone_or_email_is_refused_and_nothing_is_stored(client, fair, listed, field):
    # given
    BlacklistEntryFactory(**({"phone": None, "email": None} | listed))
    known = ContactFactory(phone="+79165551234") if field == "email" else None

    # when
    response = client.post(URL, lead_body(), format="json")

    # then
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("blacklisted", [field])
    assert not Lead.objects.exists()
    assert Contact.objects.count() == (1 if known else 0)
    assert not ContactEvent.objects.exists()
    assert not LedgerEntry.objects.exists()
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("consent", [False, None, "missing"])
def test_without_the_terms_consent_the_lead_is_refused(client, fair, consent):
    body = lead_body(consent_terms=consent)
    if consent == "missing":
        del body["consent_terms"]

    response = client.post(URL, body, format="json")

    assert response.status_code == 400
    assert "consent_terms" in response.json()["error"]["fields"]
    assert not Lead.objects.exists()
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("starts", "ends"),
    [(timedelta(hours=1), timedelta(hours=5)), (timedelta(hours=-5), timedelta(hours=-1))],
    ids=["not yet open", "closed"],
)
def test_a_stand_outside_its_dates_is_forbidden(client, brand, user, starts, ends):
    now = timezone.now()
    stand(brand, promoters=[user], starts_at=now + starts, ends_at=now + ends)

    response = client.post(URL, lead_body(), format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "stand_closed"
    assert not Lead.objects.exists()


def test_a_stand_that_is_not_the_promoters_is_forbidden(client, brand, fair):
    # given: another stand of the same brand (another promoter's) and a stand of another brand
    stand(brand, code="hall-a", promoters=[])
    other = BrandFactory(name="Other")
    stand(other, code="elsewhere")

    # then
    for code in ("hall-a", "elsewhere"):
        response = client.post(URL, lead_body(code), format="json")
        assert response.status_code == 403, code
        assert response.json()["error"]["code"] == "permission_denied"
    assert not Lead.objects.exists()


def test_an_unknown_stand_is_invalid_input(client, fair):
    response = client.post(URL, lead_body("no-such-stand"), format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["stand"]


def test_the_promoters_session_works_with_the_csrf_token(fair, user):
    # given: the promoter logged in (the page's session)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    page = browser.get(f"/promo/{fair.code}/")
    token = page.cookies["csrftoken"].value

    # when
    refused = browser.post(URL, lead_body(), content_type="application/json")
    sent = browser.post(URL, lead_body(), content_type="application/json", HTTP_X_CSRFTOKEN=token)

    # then
    assert refused.status_code == 403
    assert sent.status_code == 201, sent.content


def test_staff_who_may_not_capture_leads_and_anonymous_callers_are_refused(fair, api_client):
    from tests.factories import UserFactory

    reader = UserFactory(username="reader", is_staff=True)
    fair.brand.managers.add(reader)

    assert api_client.post(URL, lead_body(), format="json").status_code == 401
    assert token_client(reader).post(URL, lead_body(), format="json").status_code == 403


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"phone": "12"}, "phone"),
        ({"phone": ""}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"id": "not-a-uuid"}, "id"),
        ({"captured_at": "2999-01-01T10:00:00+03:00"}, "captured_at"),
    ],
)
def test_bad_input_is_400_with_the_field_and_stores_nothing(client, fair, fields, field):
    response = client.post(URL, lead_body(**fields), format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Lead.objects.exists()
    assert not Contact.objects.exists()


def test_a_bot_filling_the_hidden_field_is_refused(client, fair):
    response = client.post(URL, lead_body(website="http://spam.example"), format="json")

    assert response.status_code == 400
    assert not Lead.objects.exists()


def test_a_lead_typed_offline_while_the_stand_was_open_is_taken_after_it_closed(client, brand, user):
    # given: a stand that closed an hour ago, and a lead typed two hours ago
    now = timezone.now()
    stand(brand, promoters=[user], starts_at=now - timedelta(hours=8), ends_at=now - timedelta(hours=1))
    typed = (now - timedelta(hours=2)).isoformat()

    # when
    response = client.post(URL, lead_body(captured_at=typed), format="json")

    # then
    assert response.status_code == 201, response.content
    assert Lead.objects.get().captured_at.isoformat()[:16] == typed[:16]


def test_a_program_without_a_card_type_enrolls_the_lead_without_a_card(user):
    brand = BrandFactory(name="No cards")
    brand.managers.add(user)
    stand(brand, promoters=[user])

    response = token_client(user).post(URL, lead_body(), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["card"] is None
    assert Enrollment.objects.filter(program=brand.program).count() == 1


def test_too_many_leads_from_a_stand_or_an_address_in_a_minute_is_429(client, fair, settings):
    # given
    settings.PROMOTERS_LEADS_PER_MINUTE_PER_STAND = 2
    settings.PROMOTERS_LEADS_PER_MINUTE_PER_ADDRESS = 100
    phones = ["+79165550001", "+79165550002", "+79165550003"]

    # when
    answers = [client.post(URL, lead_body(phone=phone), format="json") for phone in phones]

    # then: the third is refused in the contract's shape, with when to try again; a replay still answers
    assert [answer.status_code for answer in answers] == [201, 201, 429]
    assert answers[2].json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(answers[2]["Retry-After"]) <= 60
    assert Lead.objects.count() == 2

    # and per address, whatever the stand
    settings.PROMOTERS_LEADS_PER_MINUTE_PER_STAND = 100
    settings.PROMOTERS_LEADS_PER_MINUTE_PER_ADDRESS = 2
    refused = client.post(URL, lead_body(phone="+79165550004"), format="json")
    assert refused.status_code == 429


def test_a_trigger_on_lead_captured_sends_the_welcome_sms(client, fair):
    # given
    trigger(fair.brand, name="Welcome", event="lead_captured", template="Welcome, {{ contact.first_name }}!")

    # when
    response = client.post(URL, lead_body(), format="json")
    dispatch_and_send()

    # then
    message = Message.objects.get(event="lead_captured")
    assert (message.channel, message.to, message.body, message.status) == (
        "sms",
        "+79165551234",
        "Welcome, Anna!",
        "sent",
    )
    assert message.contact_id == response.json()["contact_id"]


def test_the_leads_list_shows_a_promoter_their_stands_leads_only(client, brand, fair, user):
    # given: a lead here, and one at another stand of the brand by another promoter
    client.post(URL, lead_body(), format="json")
    colleague = promoter(brand, "colleague")
    stand(brand, code="hall-a", promoters=[colleague])
    token_client(colleague).post(URL, lead_body("hall-a", phone="+79165550009"), format="json")

    # when
    listed = client.get(URL).json()

    # then
    assert [row["stand"] for row in listed["results"]] == [fair.pk]
    assert listed["results"][0]["card"].startswith("2777")
