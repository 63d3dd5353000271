"""A brand's campaigns indexed by the SKUs and categories their product segments name, built once per snapshot, so
that a receipt evaluates only the campaigns that can touch one of its lines.

A campaign for every product is always evaluated. A campaign on a product segment can touch a line only when the
line's product is known and its SKU is listed or one of its categories (the product's and those above it) is; the
index answers which, from the basket's SKUs and categories, without matching each segment against each line. It
gives a superset (an excluded SKU is left to the engine's own match), so what it drops could not have applied:
`run_discounts` finds no line for it and moves on, writing nothing.

One exception keeps the answers exactly as without the index: a campaign whose uses are spent is reported by the
engine as left out by its limit (a promo code that unlocks it says so) before its lines are looked at, so it is
kept. A rule not indexed as it is (a simulation's edited campaign, with another segment under the same id) is kept
too. `tests/campaigns/test_campaign_index.py` checks on random baskets and campaigns that the engine's answers
with and without the index are the same.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .types import CampaignRule, Line, ProductFilter


@dataclass(frozen=True, slots=True)
class CampaignIndex:
    by_sku: dict[str, frozenset[int]]
    by_category: dict[int, frozenset[int]]
    filters: dict[int, ProductFilter]  # the segment each indexed campaign was indexed with

    @classmethod
    def of(cls, rules: Iterable[CampaignRule]) -> "CampaignIndex":
        by_sku: dict[str, set[int]] = {}
        by_category: dict[int, set[int]] = {}
        filters: dict[int, ProductFilter] = {}
        for rule in rules:
            products = rule.products
            if products is None:
                continue
            filters[rule.id] = products
            for sku in products.skus:
                by_sku.setdefault(sku, set()).add(rule.id)
            for category_id in products.category_ids:
                by_category.setdefault(category_id, set()).add(rule.id)
        return cls(
            by_sku={sku: frozenset(ids) for sku, ids in by_sku.items()},
            by_category={category_id: frozenset(ids) for category_id, ids in by_category.items()},
            filters=filters,
        )

    def reachable(self, lines: Iterable[Line]) -> set[int]:
        """The indexed campaigns whose segment names a known line's SKU or one of its categories."""
        found: set[int] = set()
        by_sku, by_category = self.by_sku, self.by_category
        seen_categories: set[int] = set()
        for line in lines:
            if not line.known:
                continue  # a product the catalogue does not have is in no segment
            ids = by_sku.get(line.sku)
            if ids:
                found.update(ids)
            for category_id in line.category_ids - seen_categories:
                ids = by_category.get(category_id)
                if ids:
                    found.update(ids)
            seen_categories.update(line.category_ids)
        return found

    def narrowed(self, rules: Sequence[CampaignRule], lines: Iterable[Line]) -> list[CampaignRule]:
        """`rules` without the campaigns that can touch none of `lines` (in their order)."""
        if not self.filters:
            return list(rules)
        reachable = self.reachable(lines)
        filters = self.filters
        return [
            rule
            for rule in rules
            if rule.products is None
            or rule.id in reachable
            or filters.get(rule.id) is not rule.products
            or (rule.limits.uses_left is not None and rule.limits.uses_left <= 0)
        ]
