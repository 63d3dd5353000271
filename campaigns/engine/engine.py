"""The order of work: campaigns by priority (high first), then creation (earlier first).

Discounts are computed in that order before points are redeemed; points campaigns claim their lines in the
same pass (so exclusivity holds across kinds) and are computed afterwards on the paid amounts (`run_points`).

`combine`: `sum` computes on the line's base; `sequential` on its total after the discounts before it;
`exclusive` applies to a line only if nothing applied before, and then nothing after applies to that line.
Two exclusive campaigns of equal priority on one line: the earlier-created keeps it; the pair is reported in
`conflicts` (winner, loser) for the caller to notify the later campaign's owner.
A campaign with a control group is skipped for the contacts it holds out (`control.in_control_group`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal

from common.money import ZERO, quantize

from .control import in_control_group
from .types import CampaignRule, Customer, Line, ProductFilter


@dataclass
class PointsAward:
    """Points a campaign gives on a receipt, per line, with its lot's lifetime."""

    rule: CampaignRule
    per_line: dict[int, Decimal]
    expires_in_days: int | None
    activation_days: int

    @property
    def total(self) -> Decimal:
        return sum(self.per_line.values(), ZERO)


@dataclass
class EngineResult:
    discounts: dict[int, Decimal] = field(default_factory=dict)  # campaign id → total discount given
    pending_points: list[tuple[CampaignRule, list[Line]]] = field(default_factory=list)
    awards: list[PointsAward] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    conflicts: list[tuple[int, int]] = field(default_factory=list)
    left_out: list[int] = field(default_factory=list)  # campaigns a limit left out

    @property
    def applied_ids(self) -> list[int]:
        return [*self.discounts, *(award.rule.id for award in self.awards)]


def _hint(rule: CampaignRule, missing_amount: Decimal, missing_quantity: Decimal) -> str | None:
    if not rule.hint:
        return None
    quantity = format(missing_quantity.normalize(), "f") if missing_quantity else "0"
    return rule.hint.replace("{missing_amount}", str(quantize(missing_amount))).replace("{missing_quantity}", quantity)


def _content_order(line: Line) -> tuple[object, ...]:
    """The lines' order for a spread (a cent left over on equal remainders): by content, not position, so that the
    outcome does not depend on the order of the basket (equal lines keep their order: the first wins)."""
    return (line.sku, line.price, line.quantity, line.index)


class _Eligible:
    """The basket's lines each product filter admits, in content order: computed once per filter and basket (many
    campaigns share a segment, and every campaign without one admits every line)."""

    def __init__(self, lines: Iterable[Line]) -> None:
        self.ordered = sorted(lines, key=_content_order)
        self.by_filter: dict[ProductFilter, list[Line]] = {}

    def of(self, rule: CampaignRule) -> list[Line]:
        products = rule.products
        if products is None:
            return self.ordered
        found = self.by_filter.get(products)
        if found is None:  # `products.matches(line)` for each line, inline (a call per line and filter adds up)
            skus, category_ids, excluded = products.skus, products.category_ids, products.exclude_skus
            found = self.by_filter[products] = [
                line
                for line in self.ordered
                if line.known
                and line.sku not in excluded
                and (line.sku in skus or not category_ids.isdisjoint(line.category_ids))
            ]
        return found


def _candidates(
    rule: CampaignRule, eligible: list[Line], result: EngineResult, exclusive_priority: dict[int, int]
) -> list[Line]:
    if rule.combine != "exclusive":
        return [line for line in eligible if line.exclusive_owner is None]
    free = []
    for line in eligible:
        if line.exclusive_owner is not None:
            owner = line.exclusive_owner
            # Only a tie is a conflict: a higher priority winning is the owner's own choice.
            tie = exclusive_priority.get(owner) == rule.priority
            if tie and owner != rule.id and (owner, rule.id) not in result.conflicts:
                result.conflicts.append((owner, rule.id))
            continue
        if not line.claims:
            free.append(line)
    return free


def _claim(rule: CampaignRule, lines: Iterable[Line]) -> None:
    for line in lines:
        line.claims.append(rule.id)
        if rule.combine == "exclusive":
            line.exclusive_owner = rule.id


def _sort_key(rule: CampaignRule) -> tuple[int, int]:
    return (-rule.priority, rule.order)


def run_discounts(
    *,
    lines: Sequence[Line],
    rules: Sequence[CampaignRule],
    customer: Customer | None,
    store_id: int,
    weekday: int,
    local_time: time,
    codes_applied: frozenset[int] = frozenset(),
) -> EngineResult:
    """Apply the discount campaigns to the lines (in place) and let points campaigns claim their lines."""
    result = EngineResult()
    exclusive_priority = {rule.id: rule.priority for rule in rules if rule.combine == "exclusive"}
    identified = customer is not None and customer.identified
    contact_id = customer.contact_id if customer is not None and customer.identified else None
    eligible = _Eligible(lines)
    for rule in sorted(rules, key=_sort_key):
        if rule.requires_code and rule.id not in codes_applied:
            continue
        audience, conditions, mechanic = rule.audience, rule.conditions, rule.mechanic
        if audience.type != "all" and not audience.admits(customer):
            continue
        if mechanic.kind == "points" and not identified:
            continue  # no points for an anonymous receipt: such a campaign neither applies nor holds lines
        if (conditions.store_ids or conditions.weekdays or conditions.hours is not None) and not (
            conditions.admits_place_and_time(store_id=store_id, weekday=weekday, local_time=local_time)
        ):
            continue
        if rule.control_percent and in_control_group(rule.id, contact_id, rule.control_percent):
            continue  # held out to measure the campaign: as if it were not there (no hint; a code reads not applicable)
        if rule.limits.uses_left is not None and rule.limits.uses_left <= 0:
            result.left_out.append(rule.id)
            continue
        candidates = _candidates(rule, eligible.of(rule), result, exclusive_priority)
        if not candidates:
            continue
        if conditions.min_total > 0 or conditions.min_quantity > 0:  # else met: bases and quantities are positive
            eligible_total = sum((line.base for line in candidates), ZERO)
            eligible_units = sum((line.quantity for line in candidates), Decimal(0))
            if eligible_total < conditions.min_total or eligible_units < conditions.min_quantity:
                hint = _hint(
                    rule,
                    max(conditions.min_total - eligible_total, ZERO),
                    max(conditions.min_quantity - eligible_units, Decimal(0)),
                )
                if hint:
                    result.hints.append(hint)
                continue
        if rule.hint:  # what is missing matters only to a campaign that says it
            shortfall = mechanic.shortfall(candidates)
            if shortfall is not None:
                hint = _hint(rule, *shortfall)
                if hint:
                    result.hints.append(hint)
        if mechanic.kind == "points":
            result.pending_points.append((rule, candidates))
            _claim(rule, candidates)
            continue
        if rule.combine == "sum":
            basis = {line.index: line.base for line in candidates}
        else:
            basis = {line.index: line.base - line.discount for line in candidates}
        raw = mechanic.discounts(candidates, basis)
        given: list[tuple[Line, Decimal]] = []  # in the candidates' order
        total = ZERO
        for line in candidates:
            amount = raw.get(line.index)
            if amount is None:
                continue
            left = line.base - line.discount
            if amount > left:
                amount = left  # a line's discount never exceeds its base
            if amount > 0:
                given.append((line, amount))
                total += amount
        if not given:
            continue
        if rule.limits.budget_left is not None and total > rule.limits.budget_left:
            result.left_out.append(rule.id)
            continue
        rule_id, name = rule.id, rule.name
        for line, amount in given:
            line.discount += amount
            line.applied.append({"campaign_id": rule_id, "name": name, "discount": amount, "points": ZERO})
        _claim(rule, [line for line, _amount in given])
        result.discounts[rule.id] = total
    return result


def run_points(*, result: EngineResult) -> list[PointsAward]:
    """Compute the claimed points campaigns on the lines' paid amounts (after redemption) and add them in place.

    The caller has set each line's `paid` (via `redeemed_value`) and `base_points` before. Lines of
    `accrual_excluded` products earn nothing.
    """
    for rule, claimed in result.pending_points:
        lines = [line for line in claimed if not line.accrual_excluded]
        if not lines:
            continue
        raw = rule.mechanic.points(lines)
        per_line = {index: points for index, points in raw.items() if points > 0}
        if not per_line:
            continue
        total = sum(per_line.values(), ZERO)
        if rule.limits.budget_left is not None and total * rule.point_value > rule.limits.budget_left:
            result.left_out.append(rule.id)
            continue
        by_index = {line.index: line for line in lines}
        rule_id, name = rule.id, rule.name
        for index, points in per_line.items():
            line = by_index[index]
            line.points += points
            line.applied.append({"campaign_id": rule_id, "name": name, "discount": ZERO, "points": points})
        result.awards.append(
            PointsAward(
                rule=rule,
                per_line=per_line,
                expires_in_days=rule.mechanic.expires_in_days,
                activation_days=rule.mechanic.activation_days,
            )
        )
    return result.awards
