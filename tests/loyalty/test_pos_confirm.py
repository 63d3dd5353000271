"""`POST /pos/purchases` (confirm): the purchase and its ledger entries, idempotency (required key, replay,
`idempotency_key_reused`, `duplicate_receipt`), refusals that write nothing, activation, expiry and backdating."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from loyalty.models import Enrollment, IdempotencyRecord, LedgerEntry, Purchase, PurchaseLine
from loyalty.services import ledger
from tests.factories import ContactFactory, ProductFactory, TierFactory
from tests.helpers import assert_error
from tests.loyalty.ledger_support import frozen_clock
from tests.loyalty.pos_support import (
    POS,
    active,
    calculate,
    confirm,
    customer,
    line,
    make_shopper,
    make_till,
    ok,
    written,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with frozen_clock() as frozen:
        yield frozen


def shop(*, balance: str | None = None, **program_fields):
    till = make_till(**program_fields)
    TierFactory(program=till.program, name="Silver", min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    ProductFactory(brand=till.brand, sku="A", name="A")
    return till, make_shopper(till, points=balance)


def receipt(shopper, number="R-1", redeem="0", lines=None, **extra):
    return {
        "customer": {"card": shopper.card.number},
        "lines": lines or [line("A", 2, "200.00"), line("B", 1, "200.00")],
        "redeem_points": redeem,
        "receipt_number": number,
        **extra,
    }


# --- the purchase ----------------------------------------------------------------------------------------------------


def test_confirm_answers_the_calculation_plus_purchase_id_and_records_the_purchase(clock):
    # given: 1,000 points, at most half of a receipt with points
    till, shopper = shop(balance="1000", max_redeem_percent=Decimal("50"))
    body = receipt(shopper, redeem="300")
    calculated = ok(calculate(till.client, body))

    # when
    answer = ok(confirm(till.client, body), 201)

    # then: the calculation's lines and totals; the balance shown is the one after the purchase
    purchase = Purchase.objects.get(pk=answer["purchase_id"])
    assert answer["lines"] == calculated["lines"]
    assert answer["totals"] == calculated["totals"]
    assert answer["totals"] == {
        "base": "600.00",
        "discount": "0.00",
        "total": "600.00",
        "redeemable_max": "300.00",
        "redeemed_points": "300.00",
        "payable": "300.00",
        "points": "15.00",
    }
    assert calculated["customer"]["balance"] == {"active": "1000.00", "pending": "0.00"}
    assert answer["customer"] == calculated["customer"]  # the calculation as computed: the balance before
    assert (purchase.register, purchase.store, purchase.brand, purchase.program) == (
        till.register,
        till.store,
        till.brand,
        till.program,
    )
    assert (purchase.contact, purchase.account, purchase.card_number, purchase.receipt_number) == (
        shopper.contact,
        shopper.account,
        shopper.card.number,
        "R-1",
    )
    assert purchase.at == clock.now
    assert (purchase.total, purchase.redeemed_points, purchase.payable, purchase.points, purchase.tier_name) == (
        Decimal("600.00"),
        Decimal("300.00"),
        Decimal("300.00"),
        Decimal("15.00"),
        "Silver",
    )
    assert list(
        PurchaseLine.objects.filter(purchase=purchase)
        .order_by("index")
        .values_list("index", "sku", "product__sku", "quantity", "redeemed_points", "paid", "points")
    ) == [
        (0, "A", "A", Decimal("2.000"), Decimal("200.00"), Decimal("200.00"), Decimal("10.00")),
        (1, "B", None, Decimal("1.000"), Decimal("100.00"), Decimal("100.00"), Decimal("5.00")),
    ]


def test_confirm_writes_the_redemption_and_the_accrual_with_the_stores_partner(clock):
    # given
    till, shopper = shop(balance="1000", max_redeem_percent=Decimal("50"))

    # when
    answer = ok(confirm(till.client, receipt(shopper, redeem="300")), 201)

    # then
    entries = LedgerEntry.objects.filter(purchase_id=answer["purchase_id"]).order_by("pk")
    assert [(e.kind, e.points, e.partner_id, e.account_id) for e in entries] == [
        ("redemption", Decimal("-300.00"), till.partner.pk, shopper.account.pk),
        ("accrual", Decimal("15.00"), till.partner.pk, shopper.account.pk),
    ]
    assert active(shopper.account) == "715.00"
    call_command("ledger_check")


def test_redemption_takes_the_earliest_expiring_points_first(clock):
    # given: 100 points expiring in 10 days, 100 in 5 days, 100 never
    till, shopper = shop()
    in_10 = ledger.accrue(account=shopper.account, points="100", at=clock.now, expires_in_days=10)
    in_5 = ledger.accrue(account=shopper.account, points="100", at=clock.now, expires_in_days=5)
    never = ledger.accrue(account=shopper.account, points="100", at=clock.now)

    # when: 150 points
    answer = ok(confirm(till.client, receipt(shopper, redeem="150")), 201)

    # then
    taken = LedgerEntry.objects.filter(purchase_id=answer["purchase_id"], kind="redemption").order_by("pk")
    assert [(entry.lot_id, entry.points) for entry in taken] == [
        (in_5.pk, Decimal("-100.00")),
        (in_10.pk, Decimal("-50.00")),
    ]
    assert not LedgerEntry.objects.filter(lot=never).exists()


def test_anonymous_purchase_is_recorded_without_points():
    # given
    till, _shopper = shop()

    # when
    answer = ok(confirm(till.client, {"lines": [line("A", 1, "99.90")], "receipt_number": "ANON-1"}), 201)

    # then
    purchase = Purchase.objects.get(pk=answer["purchase_id"])
    assert answer["customer"] is None
    assert (purchase.contact, purchase.account, purchase.card_number, purchase.payable, purchase.points) == (
        None,
        None,
        "",
        Decimal("99.90"),
        Decimal("0.00"),
    )
    assert purchase.register == till.register
    assert not LedgerEntry.objects.exists()


def test_confirm_by_phone_of_a_contact_new_to_the_program_opens_the_account_and_enrolls():
    # given: a contact of the CRM, unknown to this program
    till, _shopper = shop()
    contact = ContactFactory(phone="+79165550101")

    # when: 300.00 at 5 %
    answer = ok(
        confirm(
            till.client, {"customer": {"phone": "+79165550101"}, "lines": [line("A", 1, "300")], "receipt_number": "1"}
        ),
        201,
    )

    # then
    purchase = Purchase.objects.get(pk=answer["purchase_id"])
    assert purchase.contact == contact
    assert purchase.account.contact == contact
    assert active(purchase.account) == "15.00"
    assert Enrollment.objects.filter(contact=contact, program=till.program).exists()


@pytest.mark.parametrize("path", [f"{POS}/purchases", f"{POS}/purchases/"])
def test_confirm_answers_with_and_without_trailing_slash(path):
    # given
    till, shopper = shop()

    # when
    response = till.client.post(path, receipt(shopper), format="json", HTTP_IDEMPOTENCY_KEY="k")

    # then
    assert ok(response, 201)["totals"]["points"] == "30.00"


# --- idempotency -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "code"), [(None, "idempotency_key_required"), ("   ", "idempotency_key_required")])
def test_confirm_without_idempotency_key_is_400_and_writes_nothing(key, code):
    # given
    till, shopper = shop(balance="100")
    before = written()

    # when
    response = confirm(till.client, receipt(shopper, redeem="10"), key=key)

    # then
    assert_error(response, 400, code)
    assert written() == before


def test_too_long_idempotency_key_is_400():
    # given
    till, shopper = shop()
    before = written()

    # when
    response = confirm(till.client, receipt(shopper), key="k" * 129)

    # then
    assert_error(response, 400, "invalid")
    assert written() == before


def test_the_same_key_and_body_replay_the_first_answer_writing_nothing_more(clock):
    # given: a confirmed receipt
    till, shopper = shop(balance="1000")
    body = receipt(shopper, redeem="100")
    first = confirm(till.client, body, key="k-1")
    after_first = written()
    clock.advance(minutes=5)

    # when
    replay = confirm(till.client, body, key="k-1")

    # then
    assert (replay.status_code, replay.json()) == (201, first.json())
    assert first.status_code == 201
    assert written() == after_first
    assert active(shopper.account) == "925.00"  # 1,000 - 100 + 5 % of 500.00


def test_the_same_key_with_another_body_is_409_idempotency_key_reused():
    # given
    till, shopper = shop(balance="1000")
    ok(confirm(till.client, receipt(shopper, redeem="100"), key="k-1"), 201)
    before = written()

    # when
    response = confirm(till.client, receipt(shopper, number="R-2", redeem="100"), key="k-1")

    # then
    assert_error(response, 409, "idempotency_key_reused")
    assert written() == before


def test_a_key_is_per_register():
    # given: two registers of one store's brand, each using key "k-1"
    till, shopper = shop(balance="1000")
    other = make_till(brand=till.brand)

    # when
    first = confirm(till.client, receipt(shopper), key="k-1")
    second = confirm(other.client, receipt(shopper), key="k-1")

    # then: two purchases, one per register
    assert first.status_code == second.status_code == 201
    assert first.json()["purchase_id"] != second.json()["purchase_id"]
    assert Purchase.objects.filter(register=other.register).count() == 1


def test_a_receipt_number_confirmed_with_another_key_is_409_duplicate_receipt():
    # given
    till, shopper = shop(balance="1000")
    ok(confirm(till.client, receipt(shopper, redeem="100"), key="k-1"), 201)
    before = written()

    # when
    response = confirm(till.client, receipt(shopper, redeem="100"), key="k-2")

    # then
    assert_error(response, 409, "duplicate_receipt")
    assert written() == before
    assert active(shopper.account) == "925.00"


@pytest.mark.parametrize(
    ("balance", "percent", "redeem", "code"),
    [
        ("100", "100", "150", "insufficient_points"),
        ("100", "100", "100.01", "insufficient_points"),
        ("1000", "50", "300.01", "redeem_limit_exceeded"),  # 50 % of 600.00 = 300.00
        ("1000", "100", "600.01", "redeem_limit_exceeded"),
    ],
)
def test_confirm_redeems_exactly_or_refuses_with_409_writing_nothing(balance, percent, redeem, code):
    # given
    till, shopper = shop(balance=balance, max_redeem_percent=Decimal(percent))
    before = written()

    # when
    response = confirm(till.client, receipt(shopper, redeem=redeem))

    # then
    assert_error(response, 409, code)
    assert written() == before
    assert active(shopper.account) == f"{Decimal(balance):.2f}"


def test_insufficient_points_counts_expiry_as_of_now(clock):
    # given: 100 points that expired a minute ago (no job ran), 20 that never expire
    till, shopper = shop()
    ledger.accrue(account=shopper.account, points="100", at=clock.now, expires_in_days=1)
    ledger.accrue(account=shopper.account, points="20", at=clock.now)
    clock.advance(days=1, minutes=1)
    before = written()

    # when
    response = confirm(till.client, receipt(shopper, redeem="21"))

    # then
    assert_error(response, 409, "insufficient_points")
    assert written() == before


def test_the_same_key_after_a_failed_confirm_succeeds():
    # given: a confirm refused for want of points
    till, shopper = shop(balance="100")
    body = receipt(shopper, redeem="150")
    assert_error(confirm(till.client, body, key="k-1"), 409, "insufficient_points")
    assert not IdempotencyRecord.objects.exists()

    # when: the points arrive and the register retries with the same key
    ledger.accrue(account=shopper.account, points="50", at=timezone.now())
    response = confirm(till.client, body, key="k-1")

    # then: 150 redeemed; 5 % of the 450.00 paid = 22.50
    assert ok(response, 201)["totals"]["redeemed_points"] == "150.00"
    assert active(shopper.account) == "22.50"


# --- activation, expiry, backdating ------------------------------------------------------------------------------


def test_accrual_is_pending_for_activation_days_and_expires_after_expires_in_days(clock):
    # given
    till, shopper = shop(activation_days=14, expires_in_days=365)

    # when: 600.00 at 5 %
    answer = ok(confirm(till.client, receipt(shopper)), 201)

    # then
    [accrual] = LedgerEntry.objects.filter(purchase_id=answer["purchase_id"])
    assert (accrual.points, accrual.activation_at, accrual.expires_at) == (
        Decimal("30.00"),
        clock.now + timedelta(days=14),
        clock.now + timedelta(days=365),
    )
    assert answer["customer"]["balance"] == {"active": "0.00", "pending": "0.00"}  # as calculated, before
    clock.advance(days=14)
    assert ok(customer(till.client, card=shopper.card.number))["balance"]["active"] == "30.00"


def test_pending_points_cannot_be_redeemed(clock):
    # given: 30 points earned, pending for 14 days
    till, shopper = shop(activation_days=14)
    ok(confirm(till.client, receipt(shopper), key="k-1"), 201)
    before = written()

    # when
    response = confirm(till.client, receipt(shopper, number="R-2", redeem="10"), key="k-2")

    # then
    assert_error(response, 409, "insufficient_points")
    assert written() == before


def test_backdated_receipt_accrues_with_activation_and_expiry_counted_from_its_time(clock):
    # given: points pending 7 days, expiring after 30; the receipt is 10 days old
    till, shopper = shop(activation_days=7, expires_in_days=30)
    at = clock.now - timedelta(days=10)

    # when
    answer = ok(confirm(till.client, receipt(shopper, at=at.isoformat())), 201)

    # then: active already (10 > 7 days), expiring 20 days from now
    purchase = Purchase.objects.get(pk=answer["purchase_id"])
    [accrual] = LedgerEntry.objects.filter(purchase_id=purchase.pk)
    assert purchase.at == at
    assert (accrual.at, accrual.activation_at, accrual.expires_at) == (
        at,
        at + timedelta(days=7),
        at + timedelta(days=30),
    )
    assert ok(customer(till.client, card=shopper.card.number))["balance"] == {
        "active": "30.00",
        "pending": "0.00",
        "expiring": [{"date": timezone.localdate(clock.now + timedelta(days=20)).isoformat(), "points": "30.00"}],
    }


def test_receipt_backdated_past_its_points_lifetime_expires_them_at_once(clock):
    # given: points live 30 days; the receipt is 40 days old
    till, shopper = shop(expires_in_days=30)
    at = clock.now - timedelta(days=40)

    # when
    answer = ok(confirm(till.client, receipt(shopper, at=at.isoformat())), 201)

    # then: earned and expired
    assert answer["totals"]["points"] == "30.00"
    kinds = list(LedgerEntry.objects.filter(account=shopper.account).order_by("pk").values_list("kind", "points"))
    assert kinds == [("accrual", Decimal("30.00")), ("expiry", Decimal("-30.00"))]
    assert active(shopper.account) == "0.00"
    call_command("ledger_check")


@pytest.mark.parametrize(
    ("delta", "accepted"),
    [
        (timedelta(seconds=59), True),  # within a minute of clock skew
        (timedelta(minutes=2), False),
        (-timedelta(days=90) + timedelta(minutes=1), True),
        (-timedelta(days=91), False),
    ],
)
def test_receipt_time_is_at_most_a_minute_ahead_and_90_days_back(clock, delta, accepted):
    # given
    till, shopper = shop()
    before = written()

    # when
    response = confirm(till.client, receipt(shopper, at=(clock.now + delta).isoformat()))

    # then
    if accepted:
        assert ok(response, 201)["totals"]["points"] == "30.00"
    else:
        error = assert_error(response, 400, "invalid")
        assert set(error["fields"]) == {"at"}
        assert written() == before
