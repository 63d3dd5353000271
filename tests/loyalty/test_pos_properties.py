"""Hypothesis properties of the POS: random baskets' parts add up, calculate is deterministic and its totals do not
depend on the lines' order; confirm never takes a balance below zero; refunding every part in random steps gives
back exactly what was paid, earned and redeemed; the ledger stays equal to its entries."""

from decimal import Decimal

from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.money import quantize
from loyalty.models import LedgerEntry
from loyalty.pos.receipt import ProgramRules, ReceiptLine, apply_base_accrual, apply_redemption, price_lines
from loyalty.pos.receipt import redeemable_max as receipt_redeemable_max
from loyalty.selectors import balance, ledger_differences
from tests.factories import ProductFactory, TierFactory
from tests.loyalty.pos_support import calculate, confirm, line, make_shopper, make_till, refund, written

ZERO = Decimal("0.00")

PURE_SETTINGS = settings(max_examples=150, deadline=None)
API_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

QUANTITIES = st.one_of(
    st.integers(min_value=1, max_value=20).map(Decimal),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("50"), places=3),
)
PRICES = st.decimals(min_value=Decimal("0"), max_value=Decimal("5000"), places=2)
POINT_VALUES = st.sampled_from([Decimal(v) for v in ("0.01", "0.10", "0.30", "0.50", "1.00", "1.50", "2.00", "10.00")])
PERCENTS = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)
POINTS = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2)
ACCRUALS = st.sampled_from([Decimal(v) for v in ("0", "1", "3", "5", "7.5", "10", "33.33")])
PURE_LINES = st.lists(
    st.tuples(st.sampled_from(["A", "B", "NOACC", "NORED"]), QUANTITIES, PRICES), min_size=1, max_size=30
)


def run_rules(raw, *, point_value, percent, active, wanted, accrual):
    """The checkout's sequence over pure receipt lines: price, redeem up to the cap, accrue."""
    lines = [
        ReceiptLine(
            index=index,
            sku=sku,
            quantity=quantity,
            price=price,
            accrual_excluded=sku == "NOACC",
            redemption_excluded=sku == "NORED",
        )
        for index, (sku, quantity, price) in enumerate(raw)
    ]
    price_lines(lines)
    rules = ProgramRules(point_value=point_value, max_redeem_percent=percent)
    limit = receipt_redeemable_max(lines, rules, active)
    redeemed = min(wanted, limit)
    apply_redemption(lines, rules, redeemed)
    apply_base_accrual(lines, accrual)
    return lines, limit, redeemed


def totals_of(lines, limit, redeemed):
    return {
        "total": sum((line.total for line in lines), ZERO),
        "redeemed": sum((line.redeemed_points for line in lines), ZERO),
        "payable": sum((line.paid for line in lines), ZERO),
        "points": sum((line.points for line in lines), ZERO),
        "redeemable_max": limit,
        "redeemed_asked": redeemed,
    }


# --- the rules, pure ---------------------------------------------------------------------------------------------


@PURE_SETTINGS
@given(
    raw=PURE_LINES,
    point_value=POINT_VALUES,
    percent=PERCENTS,
    active=POINTS,
    wanted=POINTS,
    accrual=ACCRUALS,
    data=st.data(),
)
def test_property_receipt_parts_add_up_and_do_not_depend_on_line_order(
    raw, point_value, percent, active, wanted, accrual, data
):
    # when
    lines, limit, redeemed = run_rules(
        raw, point_value=point_value, percent=percent, active=active, wanted=wanted, accrual=accrual
    )

    # then: the parts add up
    total = sum((line.total for line in lines), ZERO)
    eligible = sum((line.total for line in lines if not line.redemption_excluded), ZERO)
    value = quantize(redeemed * point_value)
    assert total == sum((quantize(price * quantity) for _sku, quantity, price in raw), ZERO)
    assert sum((line.redeemed_points for line in lines), ZERO) == redeemed
    assert sum((line.redeemed_value for line in lines), ZERO) == value
    assert sum((line.paid for line in lines), ZERO) == total - value
    assert redeemed <= limit <= max(active, ZERO)
    assert limit * point_value <= eligible * percent / 100
    for item in lines:
        assert ZERO <= item.paid <= item.total
        assert item.redeemed_points >= 0
        if item.redemption_excluded:
            assert (item.redeemed_points, item.redeemed_value) == (ZERO, ZERO)
        expected_points = ZERO if item.accrual_excluded else quantize(item.paid * accrual / 100)
        assert item.points == expected_points

    # then: deterministic, and the totals do not depend on the lines' order
    again, limit_again, redeemed_again = run_rules(
        raw, point_value=point_value, percent=percent, active=active, wanted=wanted, accrual=accrual
    )
    assert (limit_again, redeemed_again) == (limit, redeemed)
    assert [(x.redeemed_points, x.paid, x.points) for x in again] == [
        (x.redeemed_points, x.paid, x.points) for x in lines
    ]
    shuffled = data.draw(st.permutations(raw))
    moved, limit_moved, redeemed_moved = run_rules(
        shuffled, point_value=point_value, percent=percent, active=active, wanted=wanted, accrual=accrual
    )
    assert totals_of(moved, limit_moved, redeemed_moved) == totals_of(lines, limit, redeemed)


# --- calculate over HTTP -----------------------------------------------------------------------------------------

API_LINES = st.lists(
    st.tuples(st.sampled_from(["A", "NOACC", "NORED", "NEW"]), QUANTITIES, PRICES), min_size=1, max_size=30
)


def api_shop(*, point_value=Decimal("1.00"), percent=Decimal("50"), balance_points="1000", accrual="5"):
    till = make_till(point_value=point_value, max_redeem_percent=percent)
    TierFactory(program=till.program, min_spend=Decimal("0"), accrual_percent=Decimal(accrual))
    ProductFactory(brand=till.brand, sku="A")
    ProductFactory(brand=till.brand, sku="NOACC", accrual_excluded=True)
    ProductFactory(brand=till.brand, sku="NORED", redemption_excluded=True)
    return till, make_shopper(till, points=balance_points)


def basket(raw):
    return [line(sku, str(quantity), str(price)) for sku, quantity, price in raw]


def money(values):
    return sum((Decimal(value) for value in values), ZERO)


@API_SETTINGS
@given(raw=API_LINES, point_value=POINT_VALUES, percent=PERCENTS, wanted=POINTS, data=st.data())
def test_property_calculate_parts_add_up_deterministic_and_order_free(db, raw, point_value, percent, wanted, data):
    # given
    till, shopper = api_shop(point_value=point_value, percent=percent)
    body = {"customer": {"card": shopper.card.number}, "lines": basket(raw), "redeem_points": str(wanted)}

    # when
    first = calculate(till.client, body)
    second = calculate(till.client, body)
    shuffled = data.draw(st.permutations(body["lines"]))
    moved = calculate(till.client, {**body, "lines": shuffled})

    # then
    assert first.status_code == 200, first.content
    answer = first.json()
    totals = answer["totals"]
    lines = answer["lines"]
    value = quantize(Decimal(totals["redeemed_points"]) * point_value)
    assert money(item["total"] for item in lines) == Decimal(totals["total"])
    assert money(item["base"] for item in lines) == Decimal(totals["base"])
    assert money(item["redeemed_points"] for item in lines) == Decimal(totals["redeemed_points"])
    assert money(item["paid"] for item in lines) == Decimal(totals["payable"])
    assert money(item["points"] for item in lines) == Decimal(totals["points"])
    assert Decimal(totals["payable"]) == Decimal(totals["total"]) - value
    assert Decimal(totals["redeemed_points"]) == min(wanted, Decimal(totals["redeemable_max"]))
    assert Decimal(totals["redeemable_max"]) <= Decimal("1000.00")
    assert all(Decimal(item["paid"]) >= 0 for item in lines)
    assert all(item["redeemed_points"] == "0.00" for item in lines if item["sku"] == "NORED")
    assert all(item["points"] == "0.00" for item in lines if item["sku"] == "NOACC")
    assert second.json() == answer
    assert moved.json()["totals"] == totals


# --- confirm and refund ------------------------------------------------------------------------------------------

REFUND_LINES = st.lists(
    st.tuples(st.sampled_from(["A", "NOACC", "NORED", "NEW"]), QUANTITIES, PRICES), min_size=1, max_size=6
)


@API_SETTINGS
@given(
    raw=REFUND_LINES, wanted=st.decimals(min_value=Decimal("0"), max_value=Decimal("1500"), places=2), data=st.data()
)
def test_property_confirm_never_overdraws_and_refunding_every_part_gives_back_exactly(db, raw, wanted, data):
    # given: 1,000 points, at most 50 % of a receipt
    till, shopper = api_shop()
    body = {
        "customer": {"card": shopper.card.number},
        "lines": basket(raw),
        "redeem_points": str(wanted),
        "receipt_number": "R-1",
    }
    cap = ok_calculate(till, body)
    before = written()

    # when
    response = confirm(till.client, body)

    # then: exactly the wanted points, or a 409 that writes nothing
    if wanted > Decimal("1000.00"):
        assert (response.status_code, response.json()["error"]["code"]) == (409, "insufficient_points")
        assert written() == before
        return
    if wanted > cap:
        assert (response.status_code, response.json()["error"]["code"]) == (409, "redeem_limit_exceeded")
        assert written() == before
        return
    assert response.status_code == 201, response.content
    purchase = response.json()
    totals = purchase["totals"]
    assert totals["redeemed_points"] == f"{wanted:.2f}"
    after_purchase = Decimal("1000.00") - wanted + Decimal(totals["points"])
    assert balance(account=shopper.account)["active"] == after_purchase >= 0
    assert_balance_is_the_sum_of_entries(shopper.account)

    # when: every line refunded in random partial steps, then whatever is left
    left = {item["index"]: Decimal(item["quantity"]) for item in purchase["lines"]}
    answers = []
    for step in range(data.draw(st.integers(min_value=0, max_value=4), label="steps")):
        chosen = data.draw(st.lists(st.sampled_from(sorted(left)), min_size=1, max_size=3, unique=True), label="lines")
        parts = []
        for index in chosen:
            share = data.draw(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1"), places=2), label="share")
            quantity = (left[index] * share).quantize(Decimal("0.001"))
            if quantity <= 0:
                continue
            parts.append({"index": index, "quantity": str(quantity)})
            left[index] -= quantity
        if not parts:
            continue
        answers.append(refund_ok(till, purchase["purchase_id"], {"lines": parts}, f"r-{step}"))
    if any(quantity > 0 for quantity in left.values()):
        answers.append(refund_ok(till, purchase["purchase_id"], None, "r-rest"))

    # then: exactly what was paid, earned and redeemed; the balance where it started
    assert money(answer["refund_amount"] for answer in answers) == Decimal(totals["payable"])
    assert money(answer["points_revoked"] for answer in answers) == Decimal(totals["points"])
    assert money(answer["points_returned"] for answer in answers) == Decimal(totals["redeemed_points"])
    assert answers[-1]["balance"] == {"active": "1000.00", "pending": "0.00"}
    assert balance(account=shopper.account)["active"] == Decimal("1000.00")
    assert_balance_is_the_sum_of_entries(shopper.account)
    assert ledger_differences() == []


def ok_calculate(till, body) -> Decimal:
    response = calculate(till.client, {key: value for key, value in body.items() if key != "receipt_number"})
    assert response.status_code == 200, response.content
    return Decimal(response.json()["totals"]["redeemable_max"])


def refund_ok(till, purchase_id, body, key):
    response = refund(till.client, purchase_id, body, key=key)
    assert response.status_code == 200, response.content
    return response.json()


def assert_balance_is_the_sum_of_entries(account):
    entries = LedgerEntry.objects.filter(account=account).aggregate(total=Sum("points"))["total"]
    current = balance(account=account)
    assert current["active"] + current["pending"] == quantize(entries)
