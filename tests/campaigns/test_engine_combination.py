"""How campaigns meet on a receipt (priority, sum, sequential, exclusive), whom and when they apply to, which
products they cover, their hints, their limits and promo codes: the pure engine against API.md."""

from datetime import time
from decimal import Decimal

import pytest

from campaigns.engine import Audience, Conditions, Customer, Limits, ProductFilter
from tests.campaigns.engine_support import ANONYMOUS, MEMBER, d, discounts, make_line, make_rule, points, run

TEN_PERCENT = {"type": "percent_discount", "percent": 10}

# --- priority, sum and sequential --------------------------------------------------------------------------------


@pytest.mark.parametrize(("combine_b", "off"), [("sum", "200.00"), ("sequential", "190.00")])
def test_worked_example_2_sum_and_sequential(combine_b, off):
    # A 10 % (sum, priority 20) is taken first; B 10 % (priority 10) on the base or on what A left
    lines = [make_line(0, "A", 1, "1000.00")]
    a = make_rule(1, TEN_PERCENT, priority=20, combine="sum")
    b = make_rule(2, TEN_PERCENT, priority=10, combine=combine_b)

    result = run(lines, [b, a])

    assert lines[0].discount == d(off)
    assert result.discounts == {1: d("100.00"), 2: d(off) - d("100.00")}
    assert [item["campaign_id"] for item in lines[0].applied] == [1, 2]


def test_equal_priorities_are_taken_in_creation_order():
    # the earlier-created 50 % comes first; the later one, sequential, works on what is left
    lines = [make_line(0, "A", 1, "100.00")]
    later = make_rule(1, {"type": "amount_discount", "amount": 30}, order=2, combine="sequential")
    earlier = make_rule(2, {"type": "percent_discount", "percent": 50}, order=1, combine="sequential")

    result = run(lines, [later, earlier])

    assert [item["campaign_id"] for item in lines[0].applied] == [2, 1]
    assert result.discounts == {2: d("50.00"), 1: d("30.00")}


def test_sequential_percent_after_an_amount():
    lines = [make_line(0, "A", 1, "200.00")]
    run(
        lines,
        [
            make_rule(1, {"type": "amount_discount", "amount": 50}, priority=2),
            make_rule(2, TEN_PERCENT, priority=1, combine="sequential"),
        ],
    )
    assert lines[0].discount == d("65.00")  # 50.00 + 10 % of 150.00


def test_a_lines_discount_never_exceeds_its_base_with_stacked_campaigns():
    # 60 % + 60 % on the base would be 120 %: the second gives only what is left
    lines = [make_line(0, "A", 1, "1000.00"), make_line(1, "B", 3, "0.99")]
    sixty = {"type": "percent_discount", "percent": 60}

    result = run(lines, [make_rule(1, sixty, priority=2), make_rule(2, sixty, priority=1)])

    assert discounts(lines) == [d("1000.00"), d("2.97")]
    assert [line.total for line in lines] == [d("0.00"), d("0.00")]
    assert result.discounts == {1: d("601.78"), 2: d("401.19")}  # 600.00 + 1.78; 400.00 + 1.19
    assert [item["discount"] for item in lines[0].applied] == [d("600.00"), d("400.00")]


def test_nothing_is_given_once_a_line_is_free():
    lines = [make_line(0, "A", 1, "100.00")]
    result = run(
        lines,
        [
            make_rule(1, {"type": "percent_discount", "percent": 100}, priority=2),
            make_rule(2, {"type": "amount_discount", "amount": 10}, priority=1),
        ],
    )
    assert result.discounts == {1: d("100.00")}
    assert [item["campaign_id"] for item in lines[0].applied] == [1]


# --- exclusive ---------------------------------------------------------------------------------------------------


def test_exclusive_applies_only_to_lines_nothing_applied_to_before():
    lines = [make_line(0, "A", 1, "100.00"), make_line(1, "B", 1, "100.00")]
    first = make_rule(1, TEN_PERCENT, priority=2, products=ProductFilter(skus=frozenset({"A"})))
    exclusive = make_rule(2, {"type": "percent_discount", "percent": 50}, priority=1, combine="exclusive")

    result = run(lines, [first, exclusive])

    assert discounts(lines) == [d("10.00"), d("50.00")]
    assert result.discounts == {1: d("10.00"), 2: d("50.00")}
    assert result.conflicts == []


def test_exclusive_blocks_every_later_campaign_on_its_lines_discounts_and_points():
    lines = [make_line(0, "A", 1, "100.00"), make_line(1, "B", 1, "100.00")]
    exclusive = make_rule(
        1, {"type": "percent_discount", "percent": 50}, priority=3, combine="exclusive",
        products=ProductFilter(skus=frozenset({"A"})),
    )  # fmt: skip
    later_sum = make_rule(2, TEN_PERCENT, priority=2)
    later_points = make_rule(3, {"type": "points_percent", "percent": 10}, priority=1)

    result = run(lines, [later_points, later_sum, exclusive])

    assert result.applied_ids == [1, 2, 3]
    assert discounts(lines) == [d("50.00"), d("10.00")]
    assert points(lines) == [d("0.00"), d("9.00")]  # 10 % of B's 90.00 paid; nothing on A
    assert [item["campaign_id"] for item in lines[0].applied] == [1]
    assert [item["campaign_id"] for item in lines[1].applied] == [2, 3]


def test_an_exclusive_points_campaign_holds_its_lines_against_later_discounts():
    lines = [make_line(0, "A", 1, "100.00"), make_line(1, "B", 1, "100.00")]
    exclusive_points = make_rule(
        1, {"type": "points_fixed", "points": 20}, priority=2, combine="exclusive",
        products=ProductFilter(skus=frozenset({"A"})),
    )  # fmt: skip
    later = make_rule(2, TEN_PERCENT, priority=1)

    run(lines, [later, exclusive_points])

    assert discounts(lines) == [d("0.00"), d("10.00")]
    assert points(lines) == [d("20.00"), d("0.00")]


def test_an_exclusive_after_a_points_campaign_keeps_off_its_lines():
    lines = [make_line(0, "A", 1, "100.00")]
    run(
        lines,
        [
            make_rule(1, {"type": "points_percent", "percent": 5}, priority=2),
            make_rule(2, TEN_PERCENT, priority=1, combine="exclusive"),
        ],
    )
    assert (lines[0].discount, lines[0].points) == (d("0.00"), d("5.00"))


def test_a_points_campaign_does_not_hold_lines_on_an_anonymous_receipt():
    # no points for the anonymous: the points campaign does not apply, so the exclusive discount does
    lines = [make_line(0, "A", 1, "100.00")]
    result = run(
        lines,
        [
            make_rule(1, {"type": "points_percent", "percent": 5}, priority=2),
            make_rule(2, TEN_PERCENT, priority=1, combine="exclusive"),
        ],
        customer=ANONYMOUS,
    )
    assert (lines[0].discount, lines[0].points) == (d("10.00"), d("0.00"))
    assert result.applied_ids == [2]


def test_two_exclusives_of_equal_priority_the_earlier_created_wins_and_the_tie_is_reported():
    lines = [make_line(0, "A", 1, "100.00"), make_line(1, "B", 1, "100.00"), make_line(2, "C", 1, "100.00")]
    earlier = make_rule(7, TEN_PERCENT, priority=5, order=1, combine="exclusive")
    later = make_rule(3, {"type": "percent_discount", "percent": 50}, priority=5, order=2, combine="exclusive")

    result = run(lines, [later, earlier])

    assert discounts(lines) == [d("10.00"), d("10.00"), d("10.00")]
    assert result.discounts == {7: d("30.00")}
    assert result.conflicts == [(7, 3)]  # (winner, loser), once for all three lines


def test_exclusives_of_different_priorities_are_no_conflict():
    lines = [make_line(0, "A", 1, "100.00")]
    high = make_rule(1, TEN_PERCENT, priority=9, order=2, combine="exclusive")
    low = make_rule(2, {"type": "percent_discount", "percent": 50}, priority=1, order=1, combine="exclusive")

    result = run(lines, [low, high])

    assert lines[0].discount == d("10.00")
    assert result.conflicts == []


def test_an_exclusive_tie_on_separate_lines_is_no_conflict():
    lines = [make_line(0, "A", 1, "100.00"), make_line(1, "B", 1, "100.00")]
    on_a = make_rule(1, TEN_PERCENT, combine="exclusive", products=ProductFilter(skus=frozenset({"A"})))
    on_b = make_rule(2, TEN_PERCENT, combine="exclusive", products=ProductFilter(skus=frozenset({"B"})))

    result = run(lines, [on_a, on_b])

    assert discounts(lines) == [d("10.00"), d("10.00")]
    assert result.conflicts == []


# --- audience ----------------------------------------------------------------------------------------------------

GOLD, SILVER, VIP_SEGMENT, OTHER_SEGMENT = 5, 6, 7, 8
GOLD_MEMBER = Customer(identified=True, tier_id=GOLD, segment_ids=frozenset({VIP_SEGMENT}), contact_id=1)
SILVER_MEMBER = Customer(identified=True, tier_id=SILVER, segment_ids=frozenset({OTHER_SEGMENT}), contact_id=2)
NO_TIER_MEMBER = Customer(identified=True, contact_id=3)
UNKNOWN = Customer(identified=False)


@pytest.mark.parametrize(
    ("audience", "customer", "applies"),
    [
        (Audience(type="all"), ANONYMOUS, True),
        (Audience(type="all"), GOLD_MEMBER, True),
        (Audience(type="identified"), ANONYMOUS, False),
        (Audience(type="identified"), UNKNOWN, False),
        (Audience(type="identified"), NO_TIER_MEMBER, True),
        (Audience(type="tiers", tier_ids=frozenset({GOLD})), GOLD_MEMBER, True),
        (Audience(type="tiers", tier_ids=frozenset({GOLD})), SILVER_MEMBER, False),
        (Audience(type="tiers", tier_ids=frozenset({GOLD, SILVER})), SILVER_MEMBER, True),
        (Audience(type="tiers", tier_ids=frozenset({GOLD})), NO_TIER_MEMBER, False),
        (Audience(type="tiers", tier_ids=frozenset({GOLD})), ANONYMOUS, False),
        (Audience(type="segment", segment_id=VIP_SEGMENT), GOLD_MEMBER, True),
        (Audience(type="segment", segment_id=VIP_SEGMENT), SILVER_MEMBER, False),
        (Audience(type="segment", segment_id=VIP_SEGMENT), NO_TIER_MEMBER, False),
        (Audience(type="segment", segment_id=VIP_SEGMENT), ANONYMOUS, False),
    ],
)
def test_audience(audience, customer, applies):
    lines = [make_line(0, "A", 1, "100.00")]
    run(lines, [make_rule(1, TEN_PERCENT, audience=audience)], customer=customer)
    assert lines[0].discount == (d("10.00") if applies else d("0.00"))


# --- conditions --------------------------------------------------------------------------------------------------

ONLY_A = ProductFilter(skus=frozenset({"A"}))


@pytest.mark.parametrize(("price_a", "applies"), [("999.99", False), ("1000.00", True)])
def test_min_total_counts_the_eligible_base_only(price_a, applies):
    # B (not eligible) would lift the receipt above 1,000.00 but does not count
    lines = [make_line(0, "A", 1, price_a), make_line(1, "B", 1, "5000.00")]
    rule = make_rule(1, TEN_PERCENT, products=ONLY_A, conditions=Conditions(min_total=d("1000.00")))
    run(lines, [rule])
    assert discounts(lines) == [d("100.00") if applies else d("0.00"), d("0.00")]


def test_min_total_counts_the_base_not_the_total_after_earlier_discounts():
    lines = [make_line(0, "A", 1, "1000.00")]
    run(
        lines,
        [
            make_rule(1, {"type": "amount_discount", "amount": 500}, priority=2),
            make_rule(2, TEN_PERCENT, priority=1, conditions=Conditions(min_total=d("1000.00"))),
        ],
    )
    assert lines[0].discount == d("600.00")


@pytest.mark.parametrize(("quantity_a", "applies"), [("2", False), ("2.999", False), ("3", True)])
def test_min_quantity_counts_the_eligible_units_only(quantity_a, applies):
    lines = [make_line(0, "A", quantity_a, "10.00"), make_line(1, "B", 10, "10.00")]
    rule = make_rule(
        1, {"type": "amount_discount", "amount": 5}, products=ONLY_A, conditions=Conditions(min_quantity=d("3"))
    )
    result = run(lines, [rule])
    assert result.discounts == ({1: d("5.00")} if applies else {})


@pytest.mark.parametrize(("store_id", "applies"), [(1, True), (2, True), (3, False)])
def test_stores(store_id, applies):
    lines = [make_line(0, "A", 1, "100.00")]
    run(lines, [make_rule(1, TEN_PERCENT, conditions=Conditions(store_ids=frozenset({1, 2})))], store_id=store_id)
    assert lines[0].discount == (d("10.00") if applies else d("0.00"))


@pytest.mark.parametrize(("weekday", "applies"), [(1, False), (5, False), (6, True), (7, True)])
def test_weekdays_monday_is_one(weekday, applies):
    lines = [make_line(0, "A", 1, "100.00")]
    run(lines, [make_rule(1, TEN_PERCENT, conditions=Conditions(weekdays=frozenset({6, 7})))], weekday=weekday)
    assert lines[0].discount == (d("10.00") if applies else d("0.00"))


@pytest.mark.parametrize(
    ("hours", "at", "applies"),
    [
        ((time(9), time(12)), time(8, 59, 59), False),
        ((time(9), time(12)), time(9), True),
        ((time(9), time(12)), time(11, 59, 59), True),
        ((time(9), time(12)), time(12), False),  # the end is not included
        ((time(22), time(2)), time(21, 59), False),
        ((time(22), time(2)), time(22), True),
        ((time(22), time(2)), time(23, 30), True),
        ((time(22), time(2)), time(0), True),
        ((time(22), time(2)), time(1, 59), True),
        ((time(22), time(2)), time(2), False),
        ((time(22), time(2)), time(12), False),
    ],
)
def test_hours_are_half_open_and_may_span_midnight(hours, at, applies):
    lines = [make_line(0, "A", 1, "100.00")]
    run(lines, [make_rule(1, TEN_PERCENT, conditions=Conditions(hours=hours))], local_time=at)
    assert lines[0].discount == (d("10.00") if applies else d("0.00"))


def test_place_and_time_conditions_all_must_hold():
    conditions = Conditions(store_ids=frozenset({1}), weekdays=frozenset({1}), hours=(time(9), time(12)))
    rule = make_rule(1, TEN_PERCENT, conditions=conditions)
    for store_id, weekday, at, expected in [
        (1, 1, time(10), "10.00"),
        (2, 1, time(10), "0.00"),
        (1, 2, time(10), "0.00"),
        (1, 1, time(13), "0.00"),
    ]:
        lines = [make_line(0, "A", 1, "100.00")]
        run(lines, [rule], store_id=store_id, weekday=weekday, local_time=at)
        assert lines[0].discount == d(expected), (store_id, weekday, at)


# --- product filters ---------------------------------------------------------------------------------------------

SHAMPOO, HAIR, BEAUTY, FOOD = 10, 11, 1, 2


def catalogue() -> list:
    return [
        make_line(0, "SH-1", 1, "100.00", category_ids=frozenset({SHAMPOO, HAIR, BEAUTY})),
        make_line(1, "SH-2", 1, "100.00", category_ids=frozenset({SHAMPOO, HAIR, BEAUTY})),
        make_line(2, "BREAD", 1, "100.00", category_ids=frozenset({FOOD})),
        make_line(3, "NOCAT", 1, "100.00"),
        make_line(4, "UNKNOWN", 1, "100.00", known=False),
    ]


@pytest.mark.parametrize(
    ("products", "discounted"),
    [
        (None, ["SH-1", "SH-2", "BREAD", "NOCAT", "UNKNOWN"]),
        (ProductFilter(skus=frozenset({"SH-2", "NOCAT"})), ["SH-2", "NOCAT"]),
        (ProductFilter(category_ids=frozenset({BEAUTY})), ["SH-1", "SH-2"]),  # a category covers its descendants
        (ProductFilter(category_ids=frozenset({SHAMPOO})), ["SH-1", "SH-2"]),
        (ProductFilter(category_ids=frozenset({BEAUTY}), exclude_skus=frozenset({"SH-1"})), ["SH-2"]),
        (ProductFilter(category_ids=frozenset({FOOD}), skus=frozenset({"SH-1"})), ["SH-1", "BREAD"]),
        (ProductFilter(skus=frozenset({"SH-1"}), exclude_skus=frozenset({"SH-1"})), []),
        (ProductFilter(skus=frozenset({"UNKNOWN"})), []),  # unknown SKUs match only campaigns without a segment
        (ProductFilter(), []),
    ],
)
def test_product_filters(products, discounted):
    lines = catalogue()
    run(lines, [make_rule(1, TEN_PERCENT, products=products)])
    assert [line.sku for line in lines if line.discount] == discounted


# --- hints -------------------------------------------------------------------------------------------------------


def test_hint_with_the_missing_amount_of_min_total():
    lines = [make_line(0, "A", 1, "700.00"), make_line(1, "B", 1, "900.00")]
    rule = make_rule(
        1, TEN_PERCENT, products=ONLY_A, conditions=Conditions(min_total=d("1000")), hint="Add {missing_amount} more"
    )

    result = run(lines, [rule])

    assert result.hints == ["Add 300.00 more"]
    assert result.discounts == {}


def test_hint_with_the_missing_quantity_of_a_unit_group():
    lines = [make_line(0, "SH-1", 2, "300.00")]
    rule = make_rule(1, {"type": "buy_n_get_m", "buy": 2, "get": 1}, hint="Add {missing_quantity} more and one is free")

    result = run(lines, [rule])

    assert result.hints == ["Add 1 more and one is free"]
    assert lines[0].discount == d("0.00")


def test_hint_with_the_missing_quantity_of_min_quantity():
    lines = [make_line(0, "A", "1.5", "100.00")]
    rule = make_rule(
        1, TEN_PERCENT, conditions=Conditions(min_quantity=d("3")), hint="{missing_quantity} more, {missing_amount}"
    )
    assert run(lines, [rule]).hints == ["1.5 more, 0.00"]


def test_hint_for_a_graded_discount_below_its_first_step():
    lines = [make_line(0, "A", 1, "2750.50")]
    rule = make_rule(
        1,
        {"type": "graded_discount", "by": "total", "steps": [{"from": 3000, "percent": 5}]},
        hint="Spend {missing_amount} more for 5 %",
    )
    assert run(lines, [rule]).hints == ["Spend 249.50 more for 5 %"]


@pytest.mark.parametrize(
    ("lines", "rule_fields"),
    [
        # no eligible goods in the basket
        ([make_line(0, "B", 1, "700.00")], {"products": ONLY_A}),
        # the condition is met: the campaign applies
        ([make_line(0, "A", 1, "1000.00")], {}),
        # the audience is not admitted
        ([make_line(0, "A", 1, "700.00")], {"audience": Audience(type="identified")}),
        # the place is wrong
        ([make_line(0, "A", 1, "700.00")], {"conditions": Conditions(min_total=d("1000"), store_ids=frozenset({9}))}),
        # no hint text
        ([make_line(0, "A", 1, "700.00")], {"hint": ""}),
    ],
)
def test_no_hint(lines, rule_fields):
    fields = {"conditions": Conditions(min_total=d("1000")), "hint": "Add {missing_amount} more", **rule_fields}
    assert run(lines, [make_rule(1, TEN_PERCENT, **fields)], customer=ANONYMOUS).hints == []


# --- limits ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("uses_left", "applies"), [(0, False), (1, True), (None, True)])
def test_uses_left(uses_left, applies):
    lines = [make_line(0, "A", 1, "100.00")]
    result = run(lines, [make_rule(1, TEN_PERCENT, limits=Limits(uses_left=uses_left))])
    assert lines[0].discount == (d("10.00") if applies else d("0.00"))
    assert result.left_out == ([] if applies else [1])


@pytest.mark.parametrize(("budget_left", "applies"), [("0.00", False), ("99.99", False), ("100.00", True)])
def test_budget_left_smaller_than_the_discount_leaves_the_campaign_out(budget_left, applies):
    lines = [make_line(0, "A", 1, "600.00"), make_line(1, "B", 1, "400.00")]
    rule = make_rule(1, TEN_PERCENT, limits=Limits(budget_left=d(budget_left)))

    result = run(lines, [rule])

    assert result.discounts == ({1: d("100.00")} if applies else {})
    assert result.left_out == ([] if applies else [1])
    assert discounts(lines) == ([d("60.00"), d("40.00")] if applies else [d("0.00"), d("0.00")])


def test_a_campaign_left_out_by_its_budget_leaves_its_lines_to_the_next():
    lines = [make_line(0, "A", 1, "100.00")]
    run(
        lines,
        [
            make_rule(1, TEN_PERCENT, priority=2, combine="exclusive", limits=Limits(budget_left=d("1.00"))),
            make_rule(2, {"type": "percent_discount", "percent": 5}, priority=1, combine="exclusive"),
        ],
    )
    assert [item["campaign_id"] for item in lines[0].applied] == [2]


@pytest.mark.parametrize(("budget_left", "applies"), [("49.99", False), ("50.00", True)])
def test_points_are_weighed_against_the_budget_by_point_value(budget_left, applies):
    # 100 points at 0.50 each are worth 50.00
    lines = [make_line(0, "A", 1, "100.00")]
    rule = make_rule(
        1, {"type": "points_fixed", "points": 100}, point_value=d("0.50"), limits=Limits(budget_left=d(budget_left))
    )

    result = run(lines, [rule])

    assert [award.total for award in result.awards] == ([d("100.00")] if applies else [])
    assert result.left_out == ([] if applies else [1])
    assert lines[0].points == (d("100.00") if applies else d("0.00"))


# --- promo codes -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("codes", "applies"), [(frozenset(), False), (frozenset({2}), False), (frozenset({1}), True)])
def test_a_campaign_that_requires_a_code_applies_only_with_its_code(codes, applies):
    lines = [make_line(0, "A", 1, "100.00")]
    run(lines, [make_rule(1, TEN_PERCENT, requires_code=True)], codes_applied=codes)
    assert lines[0].discount == (d("10.00") if applies else d("0.00"))


def test_members_and_anonymous_see_the_same_discounts_for_everyone():
    for customer in (ANONYMOUS, MEMBER):
        lines = [make_line(0, "A", 1, "100.00")]
        run(lines, [make_rule(1, TEN_PERCENT)], customer=customer)
        assert lines[0].discount == Decimal("10.00")
