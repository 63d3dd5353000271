"""Every mechanic on the pure engine, with numbers worked by hand (API.md, "Campaigns" and "Worked examples")."""

from decimal import Decimal
from typing import Any

import pytest

from campaigns.engine import ProductFilter, run_discounts, run_points
from campaigns.engine.mechanics import MechanicError, parse_mechanic
from loyalty.pos.receipt import ProgramRules, apply_base_accrual, apply_redemption
from tests.campaigns.engine_support import ANONYMOUS, MEMBER, NOON, d, discounts, make_line, make_rule, points, run

# --- percent_discount --------------------------------------------------------------------------------------------


def test_percent_discount_takes_the_percent_of_each_eligible_line_rounded_half_up_per_line():
    # given: 10 % off; 55.55 × 3 = 166.65, whose 10 % is 16.665
    lines = [make_line(0, "A", 1, "199.90"), make_line(1, "B", 3, "55.55")]
    rule = make_rule(1, {"type": "percent_discount", "percent": "10"})
    # when
    result = run(lines, [rule])
    # then
    assert discounts(lines) == [d("19.99"), d("16.67")]
    assert result.discounts == {1: d("36.66")}
    assert [line.total for line in lines] == [d("179.91"), d("149.98")]


def test_percent_discount_only_on_the_lines_of_its_product_segment():
    lines = [make_line(0, "A", 2, "100.00"), make_line(1, "B", 1, "50.00")]
    rule = make_rule(1, {"type": "percent_discount", "percent": "25"}, products=ProductFilter(skus=frozenset({"B"})))

    run(lines, [rule])

    assert discounts(lines) == [d("0.00"), d("12.50")]
    assert lines[0].applied == []
    assert lines[1].applied == [{"campaign_id": 1, "name": "Campaign 1", "discount": d("12.50"), "points": d("0.00")}]


def test_percent_discount_of_100_makes_the_line_free_and_no_more():
    lines = [make_line(0, "A", "0.5", "99.99")]  # base 50.00 (49.995 rounded half up)
    run(lines, [make_rule(1, {"type": "percent_discount", "percent": 100})])
    assert lines[0].base == d("50.00")
    assert (lines[0].discount, lines[0].total) == (d("50.00"), d("0.00"))


# --- amount_discount ---------------------------------------------------------------------------------------------


def test_amount_discount_over_three_equal_lines_gives_the_odd_cent_to_one_line():
    lines = [make_line(0, "A", 1, "50.00"), make_line(1, "B", 1, "50.00"), make_line(2, "C", 1, "50.00")]

    result = run(lines, [make_rule(1, {"type": "amount_discount", "amount": "100.00"})])

    assert discounts(lines) == [d("33.34"), d("33.33"), d("33.33")]
    assert result.discounts == {1: d("100.00")}


def test_amount_discount_gives_the_odd_cent_to_the_same_line_whatever_the_order_of_the_basket():
    lines = [make_line(0, "C", 1, "50.00"), make_line(1, "B", 1, "50.00"), make_line(2, "A", 1, "50.00")]
    run(lines, [make_rule(1, {"type": "amount_discount", "amount": "100.00"})])
    assert {line.sku: line.discount for line in lines} == {"A": d("33.34"), "B": d("33.33"), "C": d("33.33")}


def test_amount_discount_is_spread_in_proportion_to_the_base():
    lines = [make_line(0, "A", 3, "100.00"), make_line(1, "B", 1, "100.00")]
    run(lines, [make_rule(1, {"type": "amount_discount", "amount": 100})])
    assert discounts(lines) == [d("75.00"), d("25.00")]


def test_amount_discount_gives_the_leftover_cents_to_the_largest_remainders_first():
    # 0.05 over 10 : 20 : 30 → exact 0.00833, 0.01667, 0.025 → floors 0.00, 0.01, 0.02 (0.03);
    # the two cents left go to the remainders 0.00833 and 0.00667, not to 0.005
    lines = [make_line(0, "A", 1, "10.00"), make_line(1, "B", 1, "20.00"), make_line(2, "C", 1, "30.00")]
    run(lines, [make_rule(1, {"type": "amount_discount", "amount": "0.05"})])
    assert discounts(lines) == [d("0.01"), d("0.02"), d("0.02")]


def test_amount_discount_is_capped_at_the_eligible_base():
    lines = [make_line(0, "A", 1, "120.00"), make_line(1, "B", 1, "80.00"), make_line(2, "X", 1, "1000.00")]
    rule = make_rule(
        1, {"type": "amount_discount", "amount": "500.00"}, products=ProductFilter(skus=frozenset({"A", "B"}))
    )

    result = run(lines, [rule])

    assert discounts(lines) == [d("120.00"), d("80.00"), d("0.00")]
    assert result.discounts == {1: d("200.00")}


# --- buy_n_get_m -------------------------------------------------------------------------------------------------


def test_worked_example_1_one_plus_one_makes_three():
    # "1+1=3" on SH-1 300.00 × 2 and SH-2 240.00 × 1: units 300, 300, 240; the cheapest is free
    lines = [make_line(0, "SH-1", 2, "300.00"), make_line(1, "SH-2", 1, "240.00")]

    result = run(lines, [make_rule(1, {"type": "buy_n_get_m", "buy": 2, "get": 1})])

    assert discounts(lines) == [d("0.00"), d("240.00")]
    assert sum((line.total for line in lines), d("0")) == d("600.00")
    assert result.discounts == {1: d("240.00")}
    assert lines[0].applied == []


def test_buy_n_get_m_frees_the_cheapest_units_of_several_groups():
    # units 10, 50, 50, 100, 100, 100: two groups of three → the two cheapest (10 and one 50) are free
    lines = [make_line(0, "A", 3, "100.00"), make_line(1, "B", 2, "50.00"), make_line(2, "C", 1, "10.00")]
    run(lines, [make_rule(1, {"type": "buy_n_get_m", "buy": 2, "get": 1})])
    assert discounts(lines) == [d("0.00"), d("50.00"), d("10.00")]


@pytest.mark.parametrize(
    ("buy", "get", "units", "free"),
    [
        (1, 1, 5, 2),  # floor(5 / 2) × 1
        (2, 2, 8, 4),  # floor(8 / 4) × 2
        (2, 2, 7, 2),  # floor(7 / 4) × 2
        (3, 1, 3, 0),
        (2, 1, 9, 3),
    ],
)
def test_buy_n_get_m_free_units_are_whole_groups_times_get(buy, get, units, free):
    lines = [make_line(0, "A", units, "10.00")]
    run(lines, [make_rule(1, {"type": "buy_n_get_m", "buy": buy, "get": get})])
    assert lines[0].discount == Decimal(free * 10).quantize(d("0.01"))


def test_buy_n_get_m_leaves_weighed_lines_out_of_the_unit_groups():
    # the weighed line (1.5 kg) is cheaper per unit but is not a unit: of the two whole units one is free
    lines = [make_line(0, "A", 2, "100.00"), make_line(1, "W", "1.5", "30.00")]
    run(lines, [make_rule(1, {"type": "buy_n_get_m", "buy": 1, "get": 1})])
    assert discounts(lines) == [d("100.00"), d("0.00")]


def test_buy_n_get_m_counts_a_whole_quantity_written_with_decimals_as_units():
    lines = [make_line(0, "A", "3.000", "20.00")]
    run(lines, [make_rule(1, {"type": "buy_n_get_m", "buy": 2, "get": 1})])
    assert lines[0].discount == d("20.00")


def test_buy_n_get_m_frees_a_unit_at_its_share_of_the_line():
    lines = [make_line(0, "A", 3, "33.33")]  # base 99.99: a unit is 33.33
    run(lines, [make_rule(1, {"type": "buy_n_get_m", "buy": 2, "get": 1})])
    assert (lines[0].discount, lines[0].total) == (d("33.33"), d("66.66"))


# --- nth_item_discount -------------------------------------------------------------------------------------------


def test_nth_item_discount_half_price_on_every_third_gives_it_to_the_cheapest_units():
    # six units 40, 60, 80, 80, 100, 100: k = 2 units at 50 %, the cheapest: 40 and 60
    lines = [
        make_line(0, "A", 2, "100.00"),
        make_line(1, "B", 2, "80.00"),
        make_line(2, "C", 1, "60.00"),
        make_line(3, "D", 1, "40.00"),
    ]

    result = run(lines, [make_rule(1, {"type": "nth_item_discount", "n": 3, "percent": 50})])

    assert discounts(lines) == [d("0.00"), d("0.00"), d("30.00"), d("20.00")]
    assert result.discounts == {1: d("50.00")}


@pytest.mark.parametrize(("units", "discount"), [(2, "0.00"), (3, "5.00"), (5, "5.00"), (6, "10.00"), (9, "15.00")])
def test_nth_item_discount_gives_floor_of_units_over_n(units, discount):
    lines = [make_line(0, "A", units, "10.00")]
    run(lines, [make_rule(1, {"type": "nth_item_discount", "n": 3, "percent": 50})])
    assert lines[0].discount == d(discount)


def test_nth_item_discount_leaves_weighed_lines_out():
    lines = [make_line(0, "A", 2, "10.00"), make_line(1, "W", "2.5", "1.00")]
    run(lines, [make_rule(1, {"type": "nth_item_discount", "n": 2, "percent": 50})])
    assert discounts(lines) == [d("5.00"), d("0.00")]


# --- graded_discount ---------------------------------------------------------------------------------------------

THREE_FOR_10_FIVE_FOR_15 = {
    "type": "graded_discount",
    "by": "quantity",
    "steps": [{"from": 5, "percent": 15}, {"from": 3, "percent": 10}],  # unordered on purpose
}


@pytest.mark.parametrize(
    ("quantities", "expected"),
    [
        ((1, 1), ["0.00", "0.00"]),
        ((2, 1), ["20.00", "20.00"]),  # 3 items: 10 % of 200.00 and 200.00
        ((3, 1), ["30.00", "20.00"]),  # 4 items: still 10 %
        ((3, 2), ["45.00", "60.00"]),  # 5 items: 15 % of 300.00 and 400.00
        ((6, 4), ["90.00", "120.00"]),  # 10 items: the highest step reached
    ],
)
def test_graded_discount_by_quantity(quantities, expected):
    lines = [make_line(0, "A", quantities[0], "100.00"), make_line(1, "B", quantities[1], "200.00")]
    run(lines, [make_rule(1, THREE_FOR_10_FIVE_FOR_15)])
    assert discounts(lines) == [d(value) for value in expected]


def test_graded_discount_by_quantity_counts_weighed_units_too():
    lines = [make_line(0, "A", 2, "100.00"), make_line(1, "W", "1.25", "40.00")]  # 3.25 units
    run(lines, [make_rule(1, THREE_FOR_10_FIVE_FOR_15)])
    assert discounts(lines) == [d("20.00"), d("5.00")]


@pytest.mark.parametrize(
    ("price", "percent_expected"),
    [("999.99", "0"), ("1000.00", "5"), ("2500.00", "5"), ("3000.00", "10"), ("10000.00", "10")],
)
def test_graded_discount_by_total(price, percent_expected):
    rule = make_rule(
        1,
        {
            "type": "graded_discount",
            "by": "total",
            "steps": [{"from": "1000", "percent": 5}, {"from": 3000, "percent": 10}],
        },
    )
    lines = [make_line(0, "A", 1, price)]
    run(lines, [rule])
    assert lines[0].discount == (d(price) * d(percent_expected) / 100).quantize(d("0.01"))


def test_graded_discount_by_total_counts_the_eligible_base_only():
    rule = make_rule(
        1,
        {"type": "graded_discount", "by": "total", "steps": [{"from": "1000", "percent": 10}]},
        products=ProductFilter(skus=frozenset({"A"})),
    )
    lines = [make_line(0, "A", 1, "900.00"), make_line(1, "X", 1, "500.00")]
    run(lines, [rule])
    assert discounts(lines) == [d("0.00"), d("0.00")]


# --- points mechanics ---------------------------------------------------------------------------------------------


def test_points_percent_on_the_paid_amount_after_redemption():
    lines = [make_line(0, "A", 1, "500.00"), make_line(1, "B", 1, "333.33")]

    result = run(lines, [make_rule(1, {"type": "points_percent", "percent": 10})], redeemed={0: d("100.00")})

    # paid 400.00 and 333.33: 40.00 and 33.333 → 33.33
    assert points(lines) == [d("40.00"), d("33.33")]
    assert [award.per_line for award in result.awards] == [{0: d("40.00"), 1: d("33.33")}]
    assert lines[0].applied == [{"campaign_id": 1, "name": "Campaign 1", "discount": d("0.00"), "points": d("40.00")}]


def test_points_percent_on_the_total_after_discounts():
    lines = [make_line(0, "A", 1, "1000.00")]
    run(
        lines,
        [
            make_rule(1, {"type": "percent_discount", "percent": 20}, priority=10),
            make_rule(2, {"type": "points_percent", "percent": 10}),
        ],
    )
    assert (lines[0].total, lines[0].points) == (d("800.00"), d("80.00"))


def test_worked_example_3_points_per_amount_on_the_paid_amount():
    # 1 point per 100.00 on 1,250.00 paid: floor(12.5) = 12 points
    lines = [make_line(0, "A", 1, "1250.00")]
    result = run(lines, [make_rule(1, {"type": "points_per_amount", "points": 1, "per": "100.00"})])
    assert [award.total for award in result.awards] == [d("12.00")]
    assert lines[0].points == d("12.00")


def test_worked_example_3_with_the_tier_through_the_checkouts_receipt_rules():
    # the checkout's order: discounts, redemption (none), the tier's 5 % base accrual, then the campaign's points
    lines = [make_line(0, "A", 1, "1250.00")]
    rule = make_rule(1, {"type": "points_per_amount", "points": 1, "per": 100})

    result = run_discounts(lines=lines, rules=[rule], customer=MEMBER, store_id=1, weekday=1, local_time=NOON)
    apply_redemption(lines, ProgramRules(point_value=d("1.00"), max_redeem_percent=d("50")), d("0.00"))
    apply_base_accrual(lines, d("5"))
    run_points(result=result)

    assert lines[0].paid == d("1250.00")
    assert lines[0].base_points == d("62.50")
    assert lines[0].points == d("74.50")
    assert lines[0].applied == [{"campaign_id": 1, "name": "Campaign 1", "discount": d("0.00"), "points": d("12.00")}]


def test_points_per_amount_is_spread_over_the_lines_by_paid_amount():
    lines = [make_line(0, "A", 1, "1000.00"), make_line(1, "B", 1, "250.00")]
    run(lines, [make_rule(1, {"type": "points_per_amount", "points": 1, "per": 100})])
    # 12 points in proportion 1000 : 250 → 9.60 and 2.40
    assert points(lines) == [d("9.60"), d("2.40")]


def test_points_per_amount_gives_whole_multiples_only():
    lines = [make_line(0, "A", 1, "99.99")]
    result = run(lines, [make_rule(1, {"type": "points_per_amount", "points": 5, "per": 100})])
    assert result.awards == []
    assert lines[0].points == d("0.00")


def test_points_fixed_is_distributed_over_the_lines_and_adds_up():
    lines = [make_line(0, "A", 1, "10.00"), make_line(1, "B", 1, "10.00"), make_line(2, "C", 1, "10.00")]
    result = run(lines, [make_rule(1, {"type": "points_fixed", "points": 10})])
    assert points(lines) == [d("3.34"), d("3.33"), d("3.33")]
    assert result.awards[0].total == d("10.00")


def test_points_fixed_by_paid_amount():
    lines = [make_line(0, "A", 1, "100.00"), make_line(1, "B", 1, "200.00")]
    run(lines, [make_rule(1, {"type": "points_fixed", "points": "10.00"})])
    assert points(lines) == [d("3.33"), d("6.67")]


def test_points_fixed_on_a_receipt_paid_entirely_with_points_is_spread_by_base():
    lines = [make_line(0, "A", 1, "100.00"), make_line(1, "B", 1, "300.00")]
    run(
        lines,
        [make_rule(1, {"type": "points_fixed", "points": 100})],
        redeemed={0: d("100.00"), 1: d("300.00")},
    )
    assert points(lines) == [d("25.00"), d("75.00")]


def test_points_multiplier_doubles_the_tiers_base_accrual_on_eligible_lines():
    # a 5 % tier: 50.00 and 10.00 base points; factor 2 on A only → A earns 100.00 in total
    lines = [make_line(0, "A", 1, "1000.00"), make_line(1, "B", 1, "200.00")]
    rule = make_rule(1, {"type": "points_multiplier", "factor": 2}, products=ProductFilter(skus=frozenset({"A"})))

    result = run(lines, [rule], accrual_percent="5")

    assert [line.base_points for line in lines] == [d("50.00"), d("10.00")]
    assert points(lines) == [d("100.00"), d("10.00")]
    assert result.awards[0].per_line == {0: d("50.00")}


def test_points_multiplier_without_a_tier_gives_nothing():
    lines = [make_line(0, "A", 1, "1000.00")]
    result = run(lines, [make_rule(1, {"type": "points_multiplier", "factor": 3})], accrual_percent="0")
    assert result.awards == []
    assert lines[0].points == d("0.00")


def test_points_multiplier_with_a_fractional_factor():
    lines = [make_line(0, "A", 1, "999.00")]  # 5 %: 49.95 base points; × 1.5 → +24.975 → 24.98
    run(lines, [make_rule(1, {"type": "points_multiplier", "factor": "1.5"})], accrual_percent="5")
    assert lines[0].points == d("74.93")


@pytest.mark.parametrize(("price", "expected"), [("499.99", "0.00"), ("500.00", "5.00"), ("1500.00", "45.00")])
def test_graded_points_the_highest_step_the_paid_total_reaches(price, expected):
    rule = make_rule(
        1, {"type": "graded_points", "steps": [{"from": "500", "percent": 1}, {"from": "1000", "percent": 3}]}
    )
    lines = [make_line(0, "A", 1, price)]
    run(lines, [rule])
    assert lines[0].points == d(expected)


def test_graded_points_steps_count_the_paid_total_after_redemption():
    rule = make_rule(1, {"type": "graded_points", "steps": [{"from": "1000", "percent": 10}]})
    lines = [make_line(0, "A", 1, "1100.00")]
    run(lines, [rule], redeemed={0: d("200.00")})  # paid 900.00: below the step
    assert lines[0].points == d("0.00")


def test_points_mechanics_give_nothing_to_an_anonymous_customer():
    lines = [make_line(0, "A", 1, "1000.00")]
    result = run(lines, [make_rule(1, {"type": "points_fixed", "points": 10})], customer=ANONYMOUS)
    assert result.awards == []
    assert lines[0].points == d("0.00")


def test_points_mechanics_carry_their_lifetime_to_the_award():
    lines = [make_line(0, "A", 1, "100.00")]
    rule = make_rule(1, {"type": "points_fixed", "points": 5, "expires_in_days": 30, "activation_days": 7})
    [award] = run(lines, [rule]).awards
    assert (award.expires_in_days, award.activation_days) == (30, 7)
    [plain] = run([make_line(0, "A", 1, "1.00")], [make_rule(2, {"type": "points_fixed", "points": 5})]).awards
    assert (plain.expires_in_days, plain.activation_days) == (None, 0)


# --- parameters --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"type": "buy_n_get_m", "buy": 2, "get": 0}, "'get' must be between 1"),
        ({"type": "buy_n_get_m", "buy": 0, "get": 1}, "'buy' must be between 1"),
        ({"type": "buy_n_get_m", "buy": 2}, "'get' must be a whole number"),
        ({"type": "buy_n_get_m", "buy": "two", "get": 1}, "'buy' must be a whole number"),
        ({"type": "buy_n_get_m", "buy": True, "get": 1}, "'buy' must be a whole number"),
        ({"type": "percent_discount", "percent": 0}, "'percent' must be above zero"),
        ({"type": "percent_discount", "percent": "-5"}, "'percent' must be above zero"),
        ({"type": "percent_discount", "percent": "100.01"}, "'percent' must be at most 100"),
        ({"type": "percent_discount"}, "'percent' is required"),
        ({"type": "percent_discount", "percent": "ten"}, "'percent' must be a number"),
        ({"type": "percent_discount", "percent": "NaN"}, "'percent' must be a number"),
        ({"type": "amount_discount", "amount": 0}, "'amount' must be above zero"),
        ({"type": "amount_discount"}, "'amount' is required"),
        ({"type": "nth_item_discount", "n": 1, "percent": 50}, "'n' must be between 2"),
        ({"type": "nth_item_discount", "n": 3, "percent": 150}, "'percent' must be at most 100"),
        ({"type": "graded_discount", "by": "weight", "steps": [{"from": 1, "percent": 5}]}, "'by' is"),
        ({"type": "graded_discount", "by": "quantity", "steps": []}, "'steps' must be a non-empty list"),
        ({"type": "graded_discount", "steps": [{"from": 3}]}, "'percent' is required"),
        (
            {"type": "graded_discount", "steps": [{"from": 3, "percent": 5}, {"from": "3.0", "percent": 10}]},
            "Two steps start at the same value",
        ),
        ({"type": "graded_points", "steps": [{"from": 1, "percent": 2}, {"from": 1, "percent": 3}]}, "Two steps"),
        ({"type": "graded_points", "steps": ["5 %"]}, "Each step is"),
        ({"type": "points_per_amount", "points": 1, "per": 0}, "'per' must be above zero"),
        ({"type": "points_per_amount", "per": 100}, "'points' is required"),
        ({"type": "points_fixed", "points": -1}, "'points' must be above zero"),
        ({"type": "points_multiplier", "factor": "0.5"}, "'factor' must be at least 1"),
        ({"type": "points_percent", "percent": 5, "expires_in_days": -1}, "'expires_in_days' must be between 0"),
        ({"type": "points_percent", "percent": 5, "activation_days": "soon"}, "'activation_days' must be a whole"),
        ({"type": "cashback", "percent": 5}, "Unknown mechanic type"),
        ({"percent": 5}, "Unknown mechanic type"),
        ("percent_discount", "The mechanic is an object"),
        (None, "The mechanic is an object"),
    ],
)
def test_parse_mechanic_refuses_invalid_parameters(raw: Any, message: str):
    with pytest.raises(MechanicError, match=message.replace("(", r"\(")):
        parse_mechanic(raw)


@pytest.mark.parametrize(
    "raw",
    [
        {"type": "percent_discount", "percent": "100"},
        {"type": "amount_discount", "amount": "0.01"},
        {"type": "buy_n_get_m", "buy": "2", "get": 1},
        {"type": "nth_item_discount", "n": 2, "percent": "0.5"},
        {"type": "graded_discount", "by": "total", "steps": [{"from": 0, "percent": 0}]},
        {"type": "points_percent", "percent": 200, "expires_in_days": 0},
        {"type": "points_per_amount", "points": "0.5", "per": "10"},
        {"type": "points_fixed", "points": 1, "activation_days": None, "expires_in_days": ""},
        {"type": "points_multiplier", "factor": 1},
        {"type": "graded_points", "steps": [{"from": 0, "percent": 1}]},
    ],
)
def test_parse_mechanic_accepts_valid_parameters(raw: dict[str, Any]):
    mechanic = parse_mechanic(raw)
    assert mechanic.type == raw["type"]
    assert mechanic.kind == ("points" if raw["type"].startswith(("points", "graded_points")) else "discount")
