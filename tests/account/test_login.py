"""Logging in to the personal account by an SMS code: the contract's rules, limits and errors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from account.models import CustomerToken, LoginCode
from account.services.login import login_code_send
from campaigns.messaging.choices import MessageStatus, Purpose
from campaigns.messaging.models import Message
from campaigns.messaging.relay import relay_due
from contacts.models import Contact, ContactEvent
from loyalty.models import Card, Enrollment
from tests.account.support import API, account_brand, ask_code, log_in, sent_code
from tests.factories import BlacklistEntryFactory, CardFactory, CardTypeFactory, ContactFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

PHONE = "+79161234567"


def test_a_code_goes_by_sms_through_the_outbox_for_an_unknown_phone(api_client):
    # when
    response = ask_code(api_client, "8 (916) 123-45-67")

    # then: 202, one queued SMS of no contact to the normalised phone, nobody registered yet
    assert response.status_code == 202
    message = Message.objects.get(purpose=Purpose.LOGIN_CODE)
    assert (message.contact_id, message.channel, message.to) == (None, "sms", PHONE)
    assert len(sent_code(PHONE)) == 6
    assert not Contact.objects.filter(phone=PHONE).exists()
    code = LoginCode.objects.get(phone=PHONE)
    assert sent_code(PHONE) not in code.code_hash
    assert code.expires_at - code.sent_at == timedelta(minutes=5)


def test_a_known_phone_answers_the_same_and_its_sms_is_the_contacts(api_client):
    # given: a contact who is not subscribed to SMS and has no confirmed phone
    contact = ContactFactory(phone=PHONE, subscribed_sms=False, phone_confirmed=False)

    # when
    response = ask_code(api_client, PHONE)

    # then: the same answer, the message to the contact, never suppressed as marketing, and sent by the relay
    assert response.status_code == 202
    assert response.json() == {"expires_in": 300}
    message = Message.objects.get(purpose=Purpose.LOGIN_CODE)
    assert message.contact_id == contact.pk
    assert relay_due().sent == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_an_sms_to_a_blacklisted_phone_is_suppressed_but_the_answer_is_the_same(api_client):
    # given
    BlacklistEntryFactory(phone=PHONE)

    # when
    response = ask_code(api_client, PHONE)
    relay_due()

    # then
    assert response.status_code == 202
    message = Message.objects.get(purpose=Purpose.LOGIN_CODE)
    assert (message.status, message.reason) == (MessageStatus.SUPPRESSED, "blacklisted")


def test_a_phone_blacklisted_after_the_code_was_made_is_not_sent_to(api_client):
    # given
    ask_code(api_client, PHONE)
    BlacklistEntryFactory(phone=PHONE)

    # when
    relay_due()

    # then
    message = Message.objects.get(purpose=Purpose.LOGIN_CODE)
    assert (message.status, message.reason) == (MessageStatus.SUPPRESSED, "blacklisted")


@pytest.mark.parametrize("body", [{}, {"phone": ""}, {"phone": "not a phone"}, {"phone": 12}, {"phone": None}])
def test_a_missing_or_wrong_phone_is_400(api_client, body):
    response = api_client.post(f"{API}/otp", body, format="json")

    assert_error(response, 400, "invalid")
    assert not Message.objects.exists()


def test_a_new_phone_registers_a_contact_with_a_virtual_card_at_its_first_login(api_client):
    # given
    brand = account_brand()

    # when
    token = log_in(api_client, PHONE)

    # then: a site contact, confirmed by the code, enrolled, with a card of the program's first type, registered once
    assert token.startswith("ct_")
    contact = Contact.objects.get(phone=PHONE)
    assert (contact.source, contact.phone_confirmed) == ("site", True)
    card = Card.objects.get(contact=contact)
    assert (card.card_type.program_id, card.status, card.number[:4]) == (brand.program_id, "active", "2777")
    assert Enrollment.objects.filter(contact=contact, program=brand.program).exists()
    assert ContactEvent.objects.filter(contact=contact, type="contact_registered").count() == 1
    stored = CustomerToken.objects.get(contact=contact)
    assert stored.key_hash != token
    assert stored.prefix == token[:8]


def test_an_app_login_registers_the_contact_with_the_app_as_source(api_client):
    account_brand()
    ask_code(api_client, PHONE)

    answer = api_client.post(f"{API}/login", {"phone": PHONE, "code": sent_code(PHONE), "source": "app"}, format="json")

    assert answer.status_code == 200
    assert answer.json()["registered"] is True
    assert Contact.objects.get(phone=PHONE).source == "app"


def test_the_program_is_the_configured_one(api_client, settings):
    # given: two programs; the site serves the second one's brand
    account_brand()
    second = account_brand()
    settings.ACCOUNT_PROGRAM_ID = second.program_id

    # when
    log_in(api_client, PHONE)

    # then
    assert Card.objects.get(contact__phone=PHONE).card_type.program_id == second.program_id


def test_without_a_card_type_the_new_contact_is_enrolled_without_a_card(api_client):
    brand = account_brand()
    brand.program.card_types.all().delete()

    log_in(api_client, PHONE)

    assert Enrollment.objects.filter(contact__phone=PHONE, program=brand.program).exists()
    assert not Card.objects.filter(contact__phone=PHONE).exists()


def test_without_any_program_the_contact_is_registered_alone(api_client):
    log_in(api_client, PHONE)

    assert Contact.objects.filter(phone=PHONE).exists()


def test_a_known_contact_logs_in_and_is_not_registered_again(api_client):
    # given
    brand = account_brand()
    contact = ContactFactory(phone=PHONE, phone_confirmed=False)
    CardFactory(card_type=CardTypeFactory(program=brand.program), contact=contact)

    # when
    api_client.post(f"{API}/otp", {"phone": PHONE}, format="json")
    answer = api_client.post(f"{API}/login", {"phone": PHONE, "code": sent_code(PHONE)}, format="json")

    # then: the same contact, its phone now confirmed by the code, no new card, no registration event
    assert answer.status_code == 200
    assert answer.json()["registered"] is False
    assert Contact.objects.filter(phone=PHONE).count() == 1
    contact.refresh_from_db()
    assert contact.phone_confirmed is True
    assert Card.objects.filter(contact=contact).count() == 1
    assert not ContactEvent.objects.filter(contact=contact, type="contact_registered").exists()


def test_a_wrong_code_is_400_invalid_code(api_client):
    ask_code(api_client, PHONE)
    wrong = "000000" if sent_code(PHONE) != "000000" else "111111"

    answer = api_client.post(f"{API}/login", {"phone": PHONE, "code": wrong}, format="json")

    assert_error(answer, 400, "invalid_code")
    assert not CustomerToken.objects.exists()


def test_after_five_wrong_codes_the_code_is_spent(api_client):
    # given
    ask_code(api_client, PHONE)
    code = sent_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"

    # when
    tries = [api_client.post(f"{API}/login", {"phone": PHONE, "code": wrong}, format="json") for _ in range(5)]
    right = api_client.post(f"{API}/login", {"phone": PHONE, "code": code}, format="json")

    # then
    for answer in tries:
        assert_error(answer, 400, "invalid_code")
    assert_error(right, 400, "invalid_code")
    assert not Contact.objects.filter(phone=PHONE).exists()


def test_a_code_is_used_once(api_client):
    ask_code(api_client, PHONE)
    code = sent_code(PHONE)
    first = api_client.post(f"{API}/login", {"phone": PHONE, "code": code}, format="json")

    again = api_client.post(f"{API}/login", {"phone": PHONE, "code": code}, format="json")

    assert first.status_code == 200
    assert_error(again, 400, "invalid_code")


def test_a_code_expires_after_five_minutes(api_client):
    ask_code(api_client, PHONE)
    LoginCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    answer = api_client.post(f"{API}/login", {"phone": PHONE, "code": sent_code(PHONE)}, format="json")

    assert_error(answer, 400, "invalid_code")


def test_a_new_code_voids_the_one_before(api_client):
    ask_code(api_client, PHONE)
    first = sent_code(PHONE)
    LoginCode.objects.update(sent_at=timezone.now() - timedelta(seconds=5))
    ask_code(api_client, PHONE)
    second = sent_code(PHONE)

    old = api_client.post(f"{API}/login", {"phone": PHONE, "code": first}, format="json")
    new = api_client.post(f"{API}/login", {"phone": PHONE, "code": second}, format="json")

    if first != second:
        assert_error(old, 400, "invalid_code")
    assert new.status_code == 200


def test_a_code_is_the_phones_own(api_client):
    ask_code(api_client, PHONE)
    other = "+79161234568"
    ask_code(api_client, other)

    answer = api_client.post(f"{API}/login", {"phone": other, "code": sent_code(PHONE)}, format="json")

    if sent_code(PHONE) != sent_code(other):
        assert_error(answer, 400, "invalid_code")


@pytest.mark.parametrize(
    "body",
    [{}, {"phone": PHONE}, {"code": "123456"}, {"phone": "nonsense", "code": "123456"}, {"phone": PHONE, "code": None}],
)
def test_a_login_without_a_phone_or_code_is_400(api_client, body):
    answer = api_client.post(f"{API}/login", body, format="json")

    assert answer.status_code == 400
    assert not CustomerToken.objects.exists()


def test_at_most_three_codes_per_phone_in_ten_minutes(api_client):
    # when
    answers = [ask_code(api_client, PHONE) for _ in range(4)]

    # then
    assert [answer.status_code for answer in answers[:3]] == [202, 202, 202]
    assert_error(answers[3], 429, "too_many_attempts")
    assert Message.objects.filter(to=PHONE).count() == 3


def test_the_phone_limit_is_a_sliding_ten_minutes():
    now = timezone.now()
    for minutes in (12, 9, 5):
        login_code_send(phone=PHONE, ip="10.0.0.1", now=now - timedelta(minutes=minutes))

    login_code_send(phone=PHONE, ip="10.0.0.1", now=now)  # the first is out of the window: a third in it

    assert LoginCode.objects.filter(phone=PHONE).count() == 4


def test_at_most_twenty_codes_per_address_in_an_hour(api_client):
    # when: 21 phones from one address
    answers = [ask_code(api_client, f"+7916000{n:04d}", REMOTE_ADDR="203.0.113.5") for n in range(21)]
    elsewhere = ask_code(api_client, "+79160009999", REMOTE_ADDR="203.0.113.6")

    # then
    assert [answer.status_code for answer in answers[:20]] == [202] * 20
    assert_error(answers[20], 429, "too_many_attempts")
    assert elsewhere.status_code == 202


def test_a_staff_token_is_not_a_customer_token(superuser_client):
    # when
    answer = superuser_client.get(f"{API}/me")

    # then
    assert_error(answer, 401, "not_authenticated")
