"""`GET /pos/customer`: identification by card, phone or contact id; unknown and blocked cards; the balance shown
(pending, expiring, expiry applied as of the request); every POS call stamps the register's `last_seen_at`."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loyalty.models import LedgerEntry, Register
from loyalty.services import ledger
from loyalty.services.cards import card_block
from tests.factories import CardFactory, CardTypeFactory, ContactFactory, ProgramFactory, TierFactory
from tests.helpers import assert_error
from tests.loyalty.ledger_support import frozen_clock
from tests.loyalty.pos_support import (
    POS,
    calculate,
    confirm,
    customer,
    line,
    make_shopper,
    make_till,
    ok,
    pos_client,
    refund,
    written,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with frozen_clock() as frozen:
        yield frozen


@pytest.fixture
def till():
    till = make_till()
    TierFactory(program=till.program, name="Silver", min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    return till


@pytest.fixture
def shopper(till):
    return make_shopper(till, points="150", first_name="Anna", phone="+79161234567")


# --- found -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("card", id="card"),
        pytest.param({"phone": "+79161234567"}, id="phone-e164"),
        pytest.param({"phone": "8 (916) 123-45-67"}, id="phone-national"),
        pytest.param({"phone": "+7 916 123 45 67"}, id="phone-spaces"),
        pytest.param("contact_id", id="contact-id"),
    ],
)
def test_customer_is_found_by_card_phone_or_contact_id(till, shopper, query):
    # given
    if query == "card":
        query = {"card": shopper.card.number}
    elif query == "contact_id":
        query = {"contact_id": shopper.contact.pk}

    # when
    body = ok(customer(till.client, **query))

    # then
    assert body == {
        "contact_id": shopper.contact.pk,
        "first_name": "Anna",
        "card": shopper.card.number,
        "tier": "Silver",
        "balance": {"active": "150.00", "pending": "0.00", "expiring": []},
    }


@pytest.mark.parametrize("path", [f"{POS}/customer", f"{POS}/customer/"])
def test_customer_answers_with_and_without_trailing_slash(till, shopper, path):
    # when
    response = till.client.get(path, {"card": shopper.card.number})

    # then
    assert ok(response)["contact_id"] == shopper.contact.pk


def test_contact_found_by_phone_but_not_in_the_program_is_known_with_nothing_on_account(till):
    # given: a contact of the CRM with no card, enrollment or account in this program
    contact = ContactFactory(first_name="Oleg", phone="+79169990011")

    # when
    body = ok(customer(till.client, phone="+79169990011"))

    # then: the entry tier applies, nothing on account, and the read wrote nothing
    assert body == {
        "contact_id": contact.pk,
        "first_name": "Oleg",
        "card": None,
        "tier": "Silver",
        "balance": {"active": "0.00", "pending": "0.00", "expiring": []},
    }
    assert not contact.point_accounts.exists()


# --- unknown and blocked -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    ["unknown-card", "card-of-another-program", "unbound-card", "unknown-phone", "not-a-phone", "unknown-contact-id"],
)
def test_unknown_customer_is_404_customer_not_found(till, shopper, case):
    # given
    other_program_card = CardFactory(card_type=CardTypeFactory(program=ProgramFactory()), contact=ContactFactory())
    unbound = CardFactory(card_type=till.card_type, contact=None)
    query = {
        "unknown-card": {"card": "7000999999999"},
        "card-of-another-program": {"card": other_program_card.number},
        "unbound-card": {"card": unbound.number},
        "unknown-phone": {"phone": "+79160000000"},
        "not-a-phone": {"phone": "call me"},
        "unknown-contact-id": {"contact_id": shopper.contact.pk + 1000},
    }[case]

    # when
    response = customer(till.client, **query)

    # then
    assert_error(response, 404, "customer_not_found")


def test_card_of_another_program_is_unknown_on_calculate_too(till):
    # given: a customer of another program holding points there
    other = make_till()
    stranger = make_shopper(other, points="500")

    # when
    response = calculate(till.client, {"customer": {"card": stranger.card.number}, "lines": [line("A", 1, "10.00")]})

    # then
    assert_error(response, 404, "customer_not_found")


def test_blocked_card_is_409_card_blocked_on_customer_calculate_and_confirm_writing_nothing(till, shopper):
    # given
    card_block(card=shopper.card)
    body = {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "100.00")]}
    before = written()

    # when
    looked_up = customer(till.client, card=shopper.card.number)
    calculated = calculate(till.client, body)
    confirmed = confirm(till.client, {**body, "receipt_number": "R-1"}, key="blocked")

    # then
    assert_error(looked_up, 409, "card_blocked")
    assert_error(calculated, 409, "card_blocked")
    assert_error(confirmed, 409, "card_blocked")
    assert written() == before


@pytest.mark.parametrize(
    "query",
    [{}, {"card": ""}, {"card": "1", "phone": "+79161234567"}, {"contact_id": "abc"}, {"contact_id": "0"}],
    ids=["nothing", "blank-card", "two-keys", "id-not-a-number", "id-zero"],
)
def test_customer_query_must_give_exactly_one_valid_key(till, shopper, query):
    # when
    response = customer(till.client, **query)

    # then
    assert_error(response, 400, "invalid")


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "not_authenticated"),
        ("Api-Key rk_wrong", "authentication_failed"),
        ("Api-Key", "authentication_failed"),
        ("Token abc", "not_authenticated"),
    ],
    ids=["none", "wrong-key", "no-key", "staff-token-scheme"],
)
def test_pos_needs_a_register_key(till, shopper, authorization, code):
    # given
    client = pos_client(till.register)
    client.credentials(**({"HTTP_AUTHORIZATION": authorization} if authorization else {}))

    # when
    response = client.get(f"{POS}/customer", {"card": shopper.card.number})

    # then
    assert_error(response, 401, code)


# --- the balance as of the request -------------------------------------------------------------------------------


def test_pending_points_turn_active_once_the_clock_passes_activation(clock):
    # given: points pending for 14 days, a purchase of 1,000.00 at 5 % earning 50.00
    till = make_till(activation_days=14)
    TierFactory(program=till.program, min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    shopper = make_shopper(till)
    body = {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "1000.00")], "receipt_number": "R-1"}
    ok(confirm(till.client, body), 201)

    # when / then: pending for 14 days
    clock.advance(days=14, seconds=-1)
    assert ok(customer(till.client, card=shopper.card.number))["balance"] == {
        "active": "0.00",
        "pending": "50.00",
        "expiring": [],
    }
    # when / then: active after that, before any job ran
    clock.advance(seconds=1)
    assert ok(customer(till.client, card=shopper.card.number))["balance"] == {
        "active": "50.00",
        "pending": "0.00",
        "expiring": [],
    }


def test_expiring_points_are_listed_by_date_and_gone_after_it_even_before_the_job(clock):
    # given: 100 points that never expire; a purchase earning 30.00 (5 % of 600.00) that expire in 30 days
    till = make_till(expires_in_days=30)
    TierFactory(program=till.program, min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    shopper = make_shopper(till, points="100")
    body = {"customer": {"card": shopper.card.number}, "lines": [line("A", 2, "300.00")], "receipt_number": "R-1"}
    ok(confirm(till.client, body), 201)
    expires_at = clock.now + timedelta(days=30)

    # when
    before = ok(customer(till.client, card=shopper.card.number))

    # then
    assert before["balance"] == {
        "active": "130.00",
        "pending": "0.00",
        "expiring": [{"date": timezone.localdate(expires_at).isoformat(), "points": "30.00"}],
    }

    # when: the clock passes the expiry; no job has written anything
    clock.advance(days=30)
    after = ok(customer(till.client, card=shopper.card.number))

    # then
    assert after["balance"] == {"active": "100.00", "pending": "0.00", "expiring": []}
    assert not LedgerEntry.objects.filter(kind="expiry").exists()


def test_expiring_lists_each_date_with_its_points(clock, till):
    # given: three lots: 10 and 15 expiring in 5 days, 20 in 40 days, 7 never
    shopper = make_shopper(till)
    for points, days in (("10", 5), ("15", 5), ("20", 40), ("7", None)):
        ledger.accrue(account=shopper.account, points=points, at=clock.now, expires_in_days=days)

    # when
    body = ok(customer(till.client, contact_id=shopper.contact.pk))

    # then
    assert body["balance"] == {
        "active": "52.00",
        "pending": "0.00",
        "expiring": [
            {"date": timezone.localdate(clock.now + timedelta(days=5)).isoformat(), "points": "25.00"},
            {"date": timezone.localdate(clock.now + timedelta(days=40)).isoformat(), "points": "20.00"},
        ],
    }


# --- last seen -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["customer", "calculate", "confirm", "refund"])
def test_every_pos_call_stamps_the_registers_last_seen_at(clock, till, shopper, endpoint):
    # given: a purchase made a minute ago (which stamped the register then)
    body = {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "10.00")]}
    purchase_id = ok(confirm(till.client, {**body, "receipt_number": "R-0"}, key="k0"), 201)["purchase_id"]
    assert Register.objects.get(pk=till.register.pk).last_seen_at == clock.now
    clock.advance(minutes=1)

    # when
    if endpoint == "customer":
        response = customer(till.client, card=shopper.card.number)
    elif endpoint == "calculate":
        response = calculate(till.client, body)
    elif endpoint == "confirm":
        response = confirm(till.client, {**body, "receipt_number": "R-1"}, key="k1")
    else:
        response = refund(till.client, purchase_id)

    # then
    assert response.status_code in (200, 201), response.content
    assert Register.objects.get(pk=till.register.pk).last_seen_at == clock.now


def test_a_refused_call_stamps_last_seen_at_too(clock, till):
    # when: an unknown customer
    response = customer(till.client, card="0000")

    # then: the register was seen, though nothing was found
    assert response.status_code == 404
    assert Register.objects.get(pk=till.register.pk).last_seen_at == clock.now
