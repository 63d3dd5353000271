"""`POST /pos/purchases/{id}/refund`: partial and full refunds with the contract's rounding (each part proportional,
rounded; the refund that empties a line takes exactly the rest), revoked and returned points, errors, idempotency."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from loyalty.models import LedgerEntry, Refund
from loyalty.services import ledger
from tests.factories import TierFactory
from tests.helpers import assert_error
from tests.loyalty.ledger_support import frozen_clock
from tests.loyalty.pos_support import (
    POS,
    active,
    confirm,
    customer,
    line,
    make_shopper,
    make_till,
    ok,
    refund,
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
    return till, make_shopper(till, points=balance)


def buy(till, shopper, lines, redeem="0", number="R-1"):
    body = {
        "customer": {"card": shopper.card.number},
        "lines": lines,
        "redeem_points": redeem,
        "receipt_number": number,
    }
    return ok(confirm(till.client, body, key=f"buy-{number}"), 201)


def parts(answer):
    return (answer["refund_amount"], answer["points_revoked"], answer["points_returned"], answer["balance"]["active"])


# --- amounts -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("balance", "redeem", "steps"),
    [
        # 3 × 33.33: paid 99.99, points 5.00 (4.9995); each unit 33.33 and 1.67, the last takes the rest: 1.66
        (
            None,
            "0",
            [
                ("33.33", "1.67", "0.00", "3.33"),
                ("33.33", "1.67", "0.00", "1.66"),
                ("33.33", "1.66", "0.00", "0.00"),
            ],
        ),
        # 10 points redeemed: paid 89.99, points 4.50 (4.4995); per unit 29.9966 → 30.00, 1.50, 3.333 → 3.33;
        # the last: 89.99 - 60.00 = 29.99, 4.50 - 3.00 = 1.50, 10.00 - 6.66 = 3.34. Balance 100 - 10 + 4.50 = 94.50.
        (
            "100",
            "10",
            [
                ("30.00", "1.50", "3.33", "96.33"),
                ("30.00", "1.50", "3.33", "98.16"),
                ("29.99", "1.50", "3.34", "100.00"),
            ],
        ),
    ],
    ids=["no-redemption", "with-redemption"],
)
def test_three_units_refunded_one_by_one_the_last_takes_exactly_the_rest(balance, redeem, steps):
    # given
    till, shopper = shop(balance=balance)
    purchase = buy(till, shopper, [line("A", 3, "33.33")], redeem=redeem)

    # when
    answers = [
        ok(refund(till.client, purchase["purchase_id"], {"lines": [{"index": 0, "quantity": "1"}]}, key=f"r{step}"))
        for step in range(3)
    ]

    # then
    assert [parts(answer) for answer in answers] == steps
    assert sum(Decimal(answer["refund_amount"]) for answer in answers) == Decimal(purchase["totals"]["payable"])
    assert sum(Decimal(answer["points_revoked"]) for answer in answers) == Decimal(purchase["totals"]["points"])
    assert sum(Decimal(answer["points_returned"]) for answer in answers) == Decimal(redeem)
    call_command("ledger_check")


def test_weighed_goods_refunded_in_fractions():
    # given: 0.750 kg at 199.90 = 149.925 → 149.93; 5 % = 7.4965 → 7.50
    till, shopper = shop()
    purchase = buy(till, shopper, [line("CHEESE", "0.750", "199.90")])

    # when
    first = ok(refund(till.client, purchase["purchase_id"], {"lines": [{"index": 0, "quantity": "0.25"}]}, key="r1"))
    rest = ok(refund(till.client, purchase["purchase_id"], {"lines": [{"index": 0, "quantity": "0.500"}]}, key="r2"))

    # then: a third: 49.9766 → 49.98 and 2.50; the rest: 149.93 - 49.98 = 99.95 and 5.00
    assert parts(first) == ("49.98", "2.50", "0.00", "5.00")
    assert parts(rest) == ("99.95", "5.00", "0.00", "0.00")


def test_several_lines_partly_then_no_lines_refunds_everything_left():
    # given: 2 × 150.00 and 1 × 99.99 with 50 points redeemed, spread by total 300.00 : 99.99:
    # 3,750.09 and 1,249.91 cents → 37.50 and 12.50 (the cent left goes to the larger remainder)
    till, shopper = shop(balance="50")
    purchase = buy(till, shopper, [line("A", 2, "150.00"), line("B", 1, "99.99")], redeem="50")
    assert [item["redeemed_points"] for item in purchase["lines"]] == ["37.50", "12.50"]
    assert [item["paid"] for item in purchase["lines"]] == ["262.50", "87.49"]
    assert [item["points"] for item in purchase["lines"]] == ["13.13", "4.37"]  # 13.125, 4.3745

    # when: one unit of the first line, then the rest
    first = ok(refund(till.client, purchase["purchase_id"], {"lines": [{"index": 0, "quantity": 1}]}, key="r1"))
    rest = ok(refund(till.client, purchase["purchase_id"], None, key="r2"))

    # then: half the first line: 131.25, 6.565 → 6.57, 18.75; balance 17.50 - 6.57 + 18.75
    assert parts(first) == ("131.25", "6.57", "18.75", "29.68")
    # then: the first line's rest (131.25, 6.56, 18.75) and the second line (87.49, 4.37, 12.50)
    assert parts(rest) == ("218.74", "10.93", "31.25", "50.00")
    assert Refund.objects.filter(purchase_id=purchase["purchase_id"]).count() == 2


def test_refund_of_an_anonymous_purchase_gives_money_back_and_no_points():
    # given
    till, _shopper = shop()
    purchase = ok(confirm(till.client, {"lines": [line("A", 4, "25.00")], "receipt_number": "A-1"}, key="a"), 201)

    # when
    answer = ok(refund(till.client, purchase["purchase_id"], {"lines": [{"index": 0, "quantity": "1"}]}))

    # then
    assert answer == {
        "refund_id": answer["refund_id"],
        "refund_amount": "25.00",
        "points_revoked": "0.00",
        "points_returned": "0.00",
        "balance": {"active": "0.00", "pending": "0.00"},
    }


# --- points ------------------------------------------------------------------------------------------------------


def test_refund_revokes_pending_points_first(clock):
    # given: 40 active points; a purchase of 600.00 earns 30 pending for 14 days
    till, shopper = shop(balance="40", activation_days=14)
    purchase = buy(till, shopper, [line("A", 1, "600.00")])

    # when: half refunded
    answer = ok(refund(till.client, purchase["purchase_id"], {"lines": [{"index": 0, "quantity": "0.5"}]}))

    # then: 15 revoked from the pending lot; the active points untouched
    assert parts(answer) == ("300.00", "15.00", "0.00", "40.00")
    assert answer["balance"]["pending"] == "15.00"
    call_command("ledger_check")


def test_refund_after_the_earned_points_were_spent_takes_the_balance_below_zero(clock):
    # given: a purchase earns 30 points, which are then spent on a second receipt
    till, shopper = shop()
    first = buy(till, shopper, [line("A", 1, "600.00")], number="R-1")
    buy(till, shopper, [line("A", 1, "30.00")], redeem="30", number="R-2")
    assert active(shopper.account) == "0.00"

    # when: the first purchase is refunded in full
    answer = ok(refund(till.client, first["purchase_id"]))

    # then: 30 points owed
    assert parts(answer) == ("600.00", "30.00", "0.00", "-30.00")
    assert ok(customer(till.client, card=shopper.card.number))["balance"]["active"] == "-30.00"
    call_command("ledger_check")


def test_returned_points_keep_their_original_expiry(clock):
    # given: 100 points expiring in 10 days, all redeemed on a receipt
    till, shopper = shop()
    ledger.accrue(account=shopper.account, points="100", at=clock.now, expires_in_days=10)
    purchase = buy(till, shopper, [line("A", 1, "100.00")], redeem="100")

    # when: refunded the next day
    clock.advance(days=1)
    answer = ok(refund(till.client, purchase["purchase_id"]))

    # then: the 100 points are back, expiring on the original date
    assert parts(answer) == ("0.00", "0.00", "100.00", "100.00")
    assert ok(customer(till.client, card=shopper.card.number))["balance"]["expiring"] == [
        {"date": timezone.localdate(clock.now + timedelta(days=9)).isoformat(), "points": "100.00"}
    ]


def test_points_returned_after_their_lot_expired_expire_at_once(clock):
    # given: 100 points expiring in 10 days, all redeemed on a receipt of 200.00 (100.00 paid earns 5.00)
    till, shopper = shop()
    ledger.accrue(account=shopper.account, points="100", at=clock.now, expires_in_days=10)
    purchase = buy(till, shopper, [line("A", 2, "100.00")], redeem="100")

    # when: refunded after the lot's expiry
    clock.advance(days=11)
    answer = ok(refund(till.client, purchase["purchase_id"]))

    # then: returned and expired; the earned 5 revoked
    assert parts(answer) == ("100.00", "5.00", "100.00", "0.00")
    assert LedgerEntry.objects.filter(kind="expiry", points=Decimal("-100.00")).count() == 1
    call_command("ledger_check")


# --- refusals ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("already", "asked"),
    [
        ([], [{"index": 0, "quantity": "4"}]),
        ([], [{"index": 0, "quantity": "3.001"}]),
        ([{"index": 0, "quantity": "2"}], [{"index": 0, "quantity": "2"}]),
        ([], [{"index": 0, "quantity": "2"}, {"index": 0, "quantity": "2"}]),  # one line asked twice
        ([{"index": 0, "quantity": "3"}, {"index": 1, "quantity": "1"}], None),  # nothing left
    ],
    ids=["more-than-bought", "a-gram-more", "more-than-left", "split-over", "all-refunded"],
)
def test_refund_beyond_the_purchase_is_400_refund_exceeds_purchase_writing_nothing(already, asked):
    # given
    till, shopper = shop(balance="10")
    purchase = buy(till, shopper, [line("A", 3, "10.00"), line("B", 1, "5.00")], redeem="10")
    if already:
        ok(refund(till.client, purchase["purchase_id"], {"lines": already}, key="first"))
    before = written()

    # when
    response = refund(till.client, purchase["purchase_id"], {"lines": asked} if asked else None, key="second")

    # then
    assert_error(response, 400, "refund_exceeds_purchase")
    assert written() == before


def test_unknown_line_index_is_400_writing_nothing():
    # given
    till, shopper = shop()
    purchase = buy(till, shopper, [line("A", 1, "10.00")])
    before = written()

    # when
    response = refund(till.client, purchase["purchase_id"], {"lines": [{"index": 1, "quantity": "1"}]})

    # then
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"lines"}
    assert written() == before


def test_purchase_of_another_register_is_404_writing_nothing():
    # given: a purchase at another register of the same store's brand
    till, shopper = shop()
    other = make_till(brand=till.brand)
    purchase = buy(other, shopper, [line("A", 1, "10.00")])
    before = written()

    # when
    response = refund(till.client, purchase["purchase_id"])

    # then
    assert_error(response, 404, "not_found")
    assert written() == before


@pytest.mark.parametrize("purchase_id", [999_999, 10**18 - 1])
def test_unknown_purchase_is_404(purchase_id):
    # given
    till, _shopper = shop()

    # when
    response = refund(till.client, purchase_id)

    # then
    assert_error(response, 404, "not_found")
    assert not Refund.objects.exists()


def test_refund_without_idempotency_key_is_400():
    # given
    till, shopper = shop()
    purchase = buy(till, shopper, [line("A", 1, "10.00")])
    before = written()

    # when
    response = refund(till.client, purchase["purchase_id"], key=None)

    # then
    assert_error(response, 400, "idempotency_key_required")
    assert written() == before


@pytest.mark.parametrize(
    "body",
    [
        {"lines": []},
        {"lines": "all"},
        {"lines": [{"index": -1, "quantity": "1"}]},
        {"lines": [{"index": "first", "quantity": "1"}]},
        {"lines": [{"index": 0, "quantity": "0"}]},
        {"lines": [{"index": 0, "quantity": "-1"}]},
        {"lines": [{"index": 0, "quantity": "0.0001"}]},
        {"lines": [{"index": 0}]},
        {"lines": [{"quantity": "1"}]},
        {"lines": ["0"]},
    ],
    ids=[
        "empty",
        "string",
        "negative-index",
        "text-index",
        "zero",
        "negative",
        "four-places",
        "no-qty",
        "no-index",
        "str",
    ],
)
def test_malformed_refund_body_is_400_writing_nothing(body):
    # given
    till, shopper = shop()
    purchase = buy(till, shopper, [line("A", 1, "10.00")])
    before = written()

    # when
    response = refund(till.client, purchase["purchase_id"], body)

    # then
    assert_error(response, 400, "invalid")
    assert written() == before


# --- idempotency -------------------------------------------------------------------------------------------------


def test_refund_replayed_with_the_same_key_answers_the_same_and_refunds_once(clock):
    # given
    till, shopper = shop(balance="100")
    purchase = buy(till, shopper, [line("A", 3, "33.33")], redeem="10")
    body = {"lines": [{"index": 0, "quantity": "1"}]}
    first = refund(till.client, purchase["purchase_id"], body, key="r-1")
    after_first = written()

    # when
    clock.advance(minutes=3)
    replay = refund(till.client, purchase["purchase_id"], body, key="r-1")

    # then
    assert (replay.status_code, replay.json()) == (200, first.json())
    assert written() == after_first
    assert Refund.objects.count() == 1


def test_refund_key_reused_with_another_body_is_409():
    # given
    till, shopper = shop()
    purchase = buy(till, shopper, [line("A", 3, "10.00")])
    ok(refund(till.client, purchase["purchase_id"], {"lines": [{"index": 0, "quantity": "1"}]}, key="r-1"))
    before = written()

    # when
    response = refund(till.client, purchase["purchase_id"], {"lines": [{"index": 0, "quantity": "2"}]}, key="r-1")

    # then
    assert_error(response, 409, "idempotency_key_reused")
    assert written() == before


@pytest.mark.parametrize("slash", ["", "/"])
def test_refund_answers_with_and_without_trailing_slash(slash):
    # given
    till, shopper = shop()
    purchase = buy(till, shopper, [line("A", 1, "10.00")])

    # when
    response = till.client.post(
        f"{POS}/purchases/{purchase['purchase_id']}/refund{slash}", {}, format="json", HTTP_IDEMPOTENCY_KEY="r"
    )

    # then
    assert ok(response)["refund_amount"] == "10.00"
