"""The campaign index (`campaigns.engine.index`): on random baskets and random campaigns, the engine run over the
campaigns the index keeps gives exactly what it gives over all of them (every line's parts, the totals, the
discounts, the awards, the hints, the conflicts and the campaigns left out by a limit), and the index does drop the
campaigns that cannot touch the basket."""

from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from campaigns.engine import CampaignRule, Limits, ProductFilter
from campaigns.engine.index import CampaignIndex
from campaigns.engine.mechanics import parse_mechanic
from tests.campaigns.test_engine_properties import (
    CATEGORIES,
    PROPERTY,
    SKUS,
    LineSpec,
    baskets,
    build_lines,
    campaign_sets,
    checkout,
    outcome,
    scenarios,
)

# Narrow segments, as a chain's campaigns mostly are: one or two SKUs or one category, some excluding a SKU.
narrow_filters = st.one_of(
    st.none(),
    st.builds(ProductFilter, skus=st.frozensets(st.sampled_from(SKUS), min_size=1, max_size=2)),
    st.builds(ProductFilter, category_ids=st.frozensets(st.sampled_from(CATEGORIES), min_size=1, max_size=1)),
    st.builds(
        ProductFilter,
        skus=st.frozensets(st.sampled_from(SKUS), max_size=3),
        category_ids=st.frozensets(st.sampled_from(CATEGORIES), max_size=1),
        exclude_skus=st.frozensets(st.sampled_from(SKUS), max_size=2),
    ),
)


@st.composite
def many_campaigns(draw: st.DrawFn) -> list[CampaignRule]:
    """Up to 18 campaigns: the engine's random sets, three times over, with narrow segments."""
    rules: list[CampaignRule] = []
    for _ in range(3):
        for rule in draw(campaign_sets()):
            rules.append(replace(rule, id=len(rules) + 1, order=len(rules) + 1, products=draw(narrow_filters)))
    return rules


def both_ways(basket: list[LineSpec], rules: list[CampaignRule], scenario) -> tuple[dict, dict, list[CampaignRule]]:
    index = CampaignIndex.of(rules)
    everything = build_lines(basket)
    expected = outcome(everything, checkout(everything, rules, scenario))
    lines = build_lines(basket)
    kept = index.narrowed(rules, lines)
    return outcome(lines, checkout(lines, kept, scenario)), expected, kept


@PROPERTY
@given(basket=baskets(), rules=campaign_sets(), scenario=scenarios)
def test_the_index_changes_no_answer_on_the_engines_random_campaigns(basket, rules, scenario):
    got, expected, _kept = both_ways(basket, rules, scenario)

    assert got == expected


@PROPERTY
@given(basket=baskets(), rules=many_campaigns(), scenario=scenarios)
def test_the_index_changes_no_answer_on_many_narrow_campaigns(basket, rules, scenario):
    got, expected, kept = both_ways(basket, rules, scenario)

    assert got == expected
    # and what it dropped could touch no line: a segment naming none of the basket's known SKUs or categories
    dropped = [rule for rule in rules if rule not in kept]
    for rule in dropped:
        assert rule.products is not None
        assert not any(rule.products.matches(line) for line in build_lines(basket))


def rule(id: int, products: ProductFilter | None, **changes) -> CampaignRule:
    return CampaignRule(
        id=id,
        name=f"Campaign {id}",
        priority=0,
        order=id,
        combine="sum",
        mechanic=parse_mechanic({"type": "percent_discount", "percent": "10"}),
        products=products,
        **changes,
    )


def test_only_the_campaigns_that_can_touch_a_line_are_kept():
    # given: a basket of a shampoo (category 2, under 1) and a product the catalogue does not have
    shampoo = LineSpec("SKU-A", Decimal(1), Decimal("100.00"), True, frozenset({1, 2}), False, False)
    unknown = LineSpec("SKU-B", Decimal(1), Decimal("50.00"), False, frozenset(), False, False)
    lines = build_lines([shampoo, unknown])
    rules = [
        rule(1, None),  # every product
        rule(2, ProductFilter(skus=frozenset({"SKU-A"}))),  # the shampoo by SKU
        rule(3, ProductFilter(category_ids=frozenset({1}))),  # a category above the shampoo's
        rule(4, ProductFilter(skus=frozenset({"SKU-B"}))),  # only the unknown product: never matches
        rule(5, ProductFilter(category_ids=frozenset({3}))),  # another category
        rule(6, ProductFilter(skus=frozenset({"SKU-C"})), limits=Limits(uses_left=0)),  # spent: left out, reported
    ]
    index = CampaignIndex.of(rules)
    edited = replace(rules[4], products=ProductFilter(skus=frozenset({"SKU-Z"})))  # a simulation's edit of 5

    # then
    assert [kept.id for kept in index.narrowed(rules, lines)] == [1, 2, 3, 6]
    assert [kept.id for kept in index.narrowed([edited], lines)] == [5]  # not indexed as it is: kept
    assert CampaignIndex.of([rules[0]]).narrowed(rules[:1], lines) == rules[:1]
