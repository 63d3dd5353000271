"""`POST /pos/calculate`: the program's rules on a receipt, every number worked by hand.

Rules: the tier's `accrual_percent` of each line's paid amount, rounded per line (ROUND_HALF_UP);
`accrual_excluded` lines earn nothing; `redemption_excluded` lines are outside `redeemable_max` and take no points;
`redeemable_max` = min(active balance, `max_redeem_percent` of the other lines' total ÷ `point_value`); the redeemed
points and their value are spread over the lines by total, largest remainder first; anonymous receipts earn nothing.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import ProductFactory, TierFactory
from tests.helpers import assert_error
from tests.loyalty.pos_support import calculate, line, make_shopper, make_till, ok, written

pytestmark = pytest.mark.django_db


def shop(*, percent: str = "5", balance: str | None = None, **program_fields):
    """A till whose program has one tier earning `percent`, products A and B, and a shopper holding `balance`."""
    till = make_till(**program_fields)
    TierFactory(program=till.program, name="Silver", min_spend=Decimal("0"), accrual_percent=Decimal(percent))
    for sku in ("A", "B"):
        ProductFactory(brand=till.brand, sku=sku, name=sku)
    return till, make_shopper(till, points=balance if balance and Decimal(balance) else None)


def column(answer, key):
    return [item[key] for item in answer["lines"]]


def test_tier_percent_of_the_paid_amount_full_answer():
    # given: a 5 % tier, no points on account
    till, shopper = shop()

    # when: 1,250.00 paid
    answer = ok(calculate(till.client, {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "1250.00")]}))

    # then: 5 % of 1,250.00 = 62.50
    assert answer == {
        "customer": {
            "contact_id": shopper.contact.pk,
            "card": shopper.card.number,
            "tier": "Silver",
            "balance": {"active": "0.00", "pending": "0.00"},
        },
        "lines": [
            {
                "index": 0,
                "sku": "A",
                "quantity": "1",
                "price": "1250.00",
                "base": "1250.00",
                "discount": "0.00",
                "total": "1250.00",
                "redeemed_points": "0.00",
                "paid": "1250.00",
                "points": "62.50",
                "applied": [],
            }
        ],
        "totals": {
            "base": "1250.00",
            "discount": "0.00",
            "total": "1250.00",
            "redeemable_max": "0.00",
            "redeemed_points": "0.00",
            "payable": "1250.00",
            "points": "62.50",
        },
        "promo_codes": [],
        "messages": [],
    }


@pytest.mark.parametrize(
    ("percent", "price", "points"),
    [
        ("5", "1250.00", "62.50"),
        ("5", "99.99", "5.00"),  # 4.9995 rounds half up
        ("3", "10.50", "0.32"),  # 0.315 rounds half up
        ("7.5", "19.99", "1.50"),  # 1.49925
        ("0", "1000.00", "0.00"),
    ],
)
def test_base_accrual_is_the_tiers_percent_rounded_half_up(percent, price, points):
    # given
    till, shopper = shop(percent=percent)

    # when
    answer = ok(calculate(till.client, {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, price)]}))

    # then
    assert answer["totals"]["points"] == points


def test_points_are_rounded_per_line_not_on_the_receipt():
    # given: three lines of 33.33 at 5 %: 1.6665 each
    till, shopper = shop()

    # when
    answer = ok(
        calculate(
            till.client,
            {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "33.33") for _ in range(3)]},
        )
    )

    # then: 1.67 per line, 5.01 in all (5 % of the 99.99 total would be 5.00)
    assert column(answer, "points") == ["1.67", "1.67", "1.67"]
    assert answer["totals"]["points"] == "5.01"


@pytest.mark.parametrize(
    ("quantity", "price", "shown", "base", "points"),
    [
        ("0.375", "199.90", "0.375", "74.96", "3.75"),  # 74.9625 → 74.96; 3.748 → 3.75
        ("2.500", "10.00", "2.5", "25.00", "1.25"),
        ("2", "149.95", "2", "299.90", "15.00"),  # 14.995 → 15.00
        ("0.001", "5.00", "0.001", "0.01", "0.00"),  # 0.005 → 0.01; 0.0005 → 0.00
        (3, 20, "3", "60.00", "3.00"),  # numbers are accepted as well as strings
    ],
)
def test_weighed_goods_base_is_price_times_quantity_rounded(quantity, price, shown, base, points):
    # given
    till, shopper = shop()

    # when
    answer = ok(
        calculate(till.client, {"customer": {"card": shopper.card.number}, "lines": [line("A", quantity, price)]})
    )

    # then
    [item] = answer["lines"]
    assert (item["quantity"], item["base"], item["total"], item["paid"], item["points"]) == (
        shown,
        base,
        base,
        base,
        points,
    )


def test_accrual_excluded_lines_earn_nothing():
    # given: A is excluded from accrual
    till, shopper = shop()
    ProductFactory(brand=till.brand, sku="TOBACCO", accrual_excluded=True)

    # when
    answer = ok(
        calculate(
            till.client,
            {
                "customer": {"card": shopper.card.number},
                "lines": [line("TOBACCO", 1, "500.00"), line("A", 1, "500.00")],
            },
        )
    )

    # then
    assert column(answer, "points") == ["0.00", "25.00"]
    assert answer["totals"]["points"] == "25.00"


def test_redemption_excluded_lines_are_outside_redeemable_max_and_take_no_points():
    # given: 1,000 points; at most 50 % of a receipt; the 400.00 line is excluded from redemption
    till, shopper = shop(balance="1000", max_redeem_percent=Decimal("50"))
    ProductFactory(brand=till.brand, sku="GIFT", redemption_excluded=True)

    # when: 500 points wanted
    answer = ok(
        calculate(
            till.client,
            {
                "customer": {"card": shopper.card.number},
                "lines": [line("GIFT", 1, "400.00"), line("A", 1, "200.00")],
                "redeem_points": "500",
            },
        )
    )

    # then: 50 % of 200.00 = 100.00 redeemable, all on the second line; it still earns on its paid part
    assert answer["totals"]["redeemable_max"] == "100.00"
    assert answer["totals"]["redeemed_points"] == "100.00"
    assert column(answer, "redeemed_points") == ["0.00", "100.00"]
    assert column(answer, "paid") == ["400.00", "100.00"]
    assert column(answer, "points") == ["20.00", "5.00"]
    assert answer["totals"]["payable"] == "500.00"
    assert answer["totals"]["points"] == "25.00"


@pytest.mark.parametrize(
    ("balance", "percent", "wanted", "redeemable_max", "redeemed", "payable"),
    [
        ("1000", "100", "500", "500.00", "500.00", "0.00"),
        ("1000", "50", "500", "250.00", "250.00", "250.00"),
        ("120", "100", "500", "120.00", "120.00", "380.00"),  # the balance limits
        ("1000", "0", "500", "0.00", "0.00", "500.00"),  # nothing may be paid with points
        ("1000", "100", "0", "500.00", "0.00", "500.00"),  # none wanted
        ("0", "100", "10", "0.00", "0.00", "500.00"),  # nothing on account
        ("1000", "33", "500", "165.00", "165.00", "335.00"),
    ],
)
def test_redeemable_max_and_calculate_caps_the_wanted_points(
    balance, percent, wanted, redeemable_max, redeemed, payable
):
    # given: point value 1.00, one line of 500.00
    till, shopper = shop(balance=balance, max_redeem_percent=Decimal(percent))

    # when
    answer = ok(
        calculate(
            till.client,
            {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "500.00")], "redeem_points": wanted},
        )
    )

    # then
    totals = answer["totals"]
    assert (totals["redeemable_max"], totals["redeemed_points"], totals["payable"]) == (
        redeemable_max,
        redeemed,
        payable,
    )


def test_point_value_two_makes_100_points_pay_200():
    # given: a point is worth 2.00; 1,000 points on account
    till, shopper = shop(balance="1000", point_value=Decimal("2.00"))

    # when: 100 points on a 500.00 receipt
    answer = ok(
        calculate(
            till.client,
            {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "500.00")], "redeem_points": "100"},
        )
    )

    # then: 200.00 off; 5 % of the 300.00 paid = 15.00; at most 500.00 / 2.00 = 250 points
    assert answer["totals"] == {
        "base": "500.00",
        "discount": "0.00",
        "total": "500.00",
        "redeemable_max": "250.00",
        "redeemed_points": "100.00",
        "payable": "300.00",
        "points": "15.00",
    }
    assert column(answer, "paid") == ["300.00"]


def test_point_value_two_spreads_points_and_value_by_line_total():
    # given: a point is worth 2.00; lines 400.00 and 200.00
    till, shopper = shop(balance="1000", point_value=Decimal("2.00"))

    # when: 100 points (worth 200.00)
    answer = ok(
        calculate(
            till.client,
            {
                "customer": {"card": shopper.card.number},
                "lines": [line("A", 1, "400.00"), line("B", 1, "200.00")],
                "redeem_points": "100",
            },
        )
    )

    # then: points 66.666 / 33.333 → 66.67 / 33.33; value 133.333 / 66.666 → 133.33 / 66.67 (largest remainder)
    assert column(answer, "redeemed_points") == ["66.67", "33.33"]
    assert column(answer, "paid") == ["266.67", "133.33"]
    assert column(answer, "points") == ["13.33", "6.67"]  # 13.3335 and 6.6665
    assert answer["totals"]["payable"] == "400.00"
    assert answer["totals"]["points"] == "20.00"


def test_point_value_below_one_the_lines_pay_exactly_the_receipts_redeemed_value():
    # given: a point is worth 0.50; three lines of 100.00
    till, shopper = shop(balance="1000", point_value=Decimal("0.50"))

    # when: 100 points (worth 50.00)
    answer = ok(
        calculate(
            till.client,
            {
                "customer": {"card": shopper.card.number},
                "lines": [line("A", 1, "100.00") for _ in range(3)],
                "redeem_points": "100",
            },
        )
    )

    # then: points 33.34 / 33.33 / 33.33; value 16.67 / 16.67 / 16.66 = 50.00; payable 300.00 - 50.00
    assert column(answer, "redeemed_points") == ["33.34", "33.33", "33.33"]
    assert column(answer, "paid") == ["83.33", "83.33", "83.34"]
    assert answer["totals"]["payable"] == "250.00"
    assert column(answer, "points") == ["4.17", "4.17", "4.17"]  # 4.1665, 4.1665, 4.167


def test_redeemed_points_spread_by_total_largest_remainder_first():
    # given: lines 10.00, 10.00, 10.00 and a zero-priced gift
    till, shopper = shop(balance="100")

    # when: 10 points
    answer = ok(
        calculate(
            till.client,
            {
                "customer": {"card": shopper.card.number},
                "lines": [line("A", 1, "10.00"), line("A", 1, "10.00"), line("A", 1, "10.00"), line("GIFT", 1, "0")],
                "redeem_points": "10",
            },
        )
    )

    # then: 3.333… each, the cent left goes to the first; the free line takes nothing
    assert column(answer, "redeemed_points") == ["3.34", "3.33", "3.33", "0.00"]
    assert column(answer, "paid") == ["6.66", "6.67", "6.67", "0.00"]
    assert column(answer, "points") == ["0.33", "0.33", "0.33", "0.00"]  # 0.333, 0.3335, 0.3335
    assert answer["totals"]["redeemed_points"] == "10.00"
    assert answer["totals"]["payable"] == "20.00"


def test_unknown_sku_is_priced_and_earns_points():
    # given: no product NEW-1 in the brand
    till, shopper = shop(balance="10")

    # when
    answer = ok(
        calculate(
            till.client,
            {"customer": {"card": shopper.card.number}, "lines": [line("NEW-1", 2, "149.95")], "redeem_points": "10"},
        )
    )

    # then: 299.90, 10 points redeemed, 5 % of 289.90 = 14.495 → 14.50
    [item] = answer["lines"]
    assert (item["sku"], item["base"], item["redeemed_points"], item["paid"], item["points"]) == (
        "NEW-1",
        "299.90",
        "10.00",
        "289.90",
        "14.50",
    )


@pytest.mark.parametrize("customer", [None, "absent"])
def test_anonymous_receipt_has_no_customer_no_points_and_no_redemption(customer):
    # given
    till, _shopper = shop()
    body = {"lines": [line("A", 2, "300.00"), line("B", 1, "240.00")]}
    if customer != "absent":
        body["customer"] = customer

    # when
    answer = ok(calculate(till.client, body))

    # then
    assert answer["customer"] is None
    assert column(answer, "points") == ["0.00", "0.00"]
    assert answer["totals"] == {
        "base": "840.00",
        "discount": "0.00",
        "total": "840.00",
        "redeemable_max": "0.00",
        "redeemed_points": "0.00",
        "payable": "840.00",
        "points": "0.00",
    }


def test_anonymous_receipt_cannot_redeem_points():
    # given
    till, _shopper = shop()

    # when
    response = calculate(till.client, {"customer": None, "lines": [line("A", 1, "10.00")], "redeem_points": "5"})

    # then
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"redeem_points"}


def test_program_without_tiers_earns_nothing():
    # given: no tier at all
    till = make_till()
    shopper = make_shopper(till)

    # when
    answer = ok(calculate(till.client, {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "100")]}))

    # then
    assert answer["customer"]["tier"] is None
    assert answer["totals"]["points"] == "0.00"


def test_unknown_promo_code_is_reported_not_found():
    # given
    till, shopper = shop()

    # when
    answer = ok(
        calculate(
            till.client,
            {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "10")], "promo_codes": ["NOPE2345"]},
        )
    )

    # then
    assert answer["promo_codes"] == [{"code": "NOPE2345", "status": "not_found"}]


def test_backdated_calculate_is_accepted_and_calculate_writes_nothing():
    # given
    till, shopper = shop(balance="50")
    before = written()
    at = (timezone.now() - timedelta(days=10)).isoformat()

    # when
    answer = ok(
        calculate(
            till.client,
            {
                "customer": {"card": shopper.card.number},
                "lines": [line("A", 1, "100.00")],
                "redeem_points": "50",
                "at": at,
            },
        )
    )

    # then
    assert answer["totals"]["payable"] == "50.00"
    assert answer["totals"]["points"] == "2.50"
    assert written() == before


@pytest.mark.parametrize("path", ["/api/v1/pos/calculate", "/api/v1/pos/calculate/"])
def test_calculate_answers_with_and_without_trailing_slash(path):
    # given
    till, shopper = shop()

    # when
    response = till.client.post(
        path, {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "10")]}, format="json"
    )

    # then
    assert ok(response)["totals"]["points"] == "0.50"


@pytest.mark.parametrize("order", [["TOBACCO", "A"], ["A", "TOBACCO"]])
def test_a_cent_left_on_equal_remainders_goes_by_content_not_position(order):
    # given: two lines of 0.10, one excluded from accrual; a 50 % tier
    till, shopper = shop(percent="50", balance="10")
    ProductFactory(brand=till.brand, sku="TOBACCO", accrual_excluded=True)

    # when: 0.01 point, which cannot be split
    answer = ok(
        calculate(
            till.client,
            {
                "customer": {"card": shopper.card.number},
                "lines": [line(sku, 1, "0.10") for sku in order],
                "redeem_points": "0.01",
            },
        )
    )

    # then: the cent goes to the line ordered first by content (SKU "A"), whatever the receipt's order
    by_sku = {item["sku"]: (item["redeemed_points"], item["paid"], item["points"]) for item in answer["lines"]}
    assert by_sku == {"A": ("0.01", "0.09", "0.05"), "TOBACCO": ("0.00", "0.10", "0.00")}  # 50 % of 0.09 = 0.045
    assert answer["totals"]["points"] == "0.05"
