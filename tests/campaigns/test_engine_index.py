"""The engine's per-basket index of eligible lines (`engine._Eligible`: each product filter evaluated once per
basket, the lines sorted once) gives exactly what evaluating every campaign against every line gives, on random
baskets and random sets of campaigns of every mechanic, combination mode, filter, condition and limit."""

from unittest import mock

from hypothesis import given

from campaigns.engine import ProductFilter, engine
from tests.campaigns.engine_support import make_line, make_rule
from tests.campaigns.test_engine_properties import (
    PROPERTY,
    baskets,
    build_lines,
    campaign_sets,
    checkout,
    outcome,
    scenarios,
)

TEN_OFF = {"type": "percent_discount", "percent": 10}


class EveryLineEveryCampaign:
    """The reference: each campaign filters and sorts the whole basket itself, as the engine did before the index."""

    def __init__(self, lines):
        self.lines = list(lines)

    def of(self, rule):
        return sorted((line for line in self.lines if rule.eligible(line)), key=engine._content_order)


@PROPERTY
@given(basket=baskets(), rules=campaign_sets(), scenario=scenarios)
def test_the_index_answers_as_every_campaign_on_every_line(basket, rules, scenario):
    indexed_lines = build_lines(basket)
    indexed = outcome(indexed_lines, checkout(indexed_lines, rules, scenario))

    reference_lines = build_lines(basket)
    with mock.patch.object(engine, "_Eligible", EveryLineEveryCampaign):
        reference = outcome(reference_lines, checkout(reference_lines, rules, scenario))

    assert indexed == reference


def test_a_filter_shared_by_campaigns_is_evaluated_once_per_basket():
    lines = [make_line(0, "SKU-C", 1, "10.00"), make_line(1, "SKU-B", 2, "5.00"), make_line(2, "SKU-A", 1, "1.00")]
    index = engine._Eligible(lines)
    shared = ProductFilter(skus=frozenset({"SKU-B", "SKU-C"}))
    first, second = (make_rule(n, TEN_OFF, products=shared) for n in (1, 2))

    assert [line.sku for line in index.of(first)] == ["SKU-B", "SKU-C"]
    assert index.of(second) is index.of(first)  # the first campaign's list, not the filter run again
    assert list(index.by_filter) == [shared]
    # the inline test is the filter's own `matches`
    assert index.of(first) == [line for line in index.ordered if shared.matches(line)]
    assert [line.sku for line in index.of(make_rule(3, TEN_OFF))] == ["SKU-A", "SKU-B", "SKU-C"]
