"""Helpers of the engine tests: lines and rules built directly, the engine run as the checkout runs it."""

from datetime import time
from decimal import Decimal
from typing import Any

from campaigns.engine import CampaignRule, Customer, EngineResult, Line, run_discounts, run_points
from campaigns.engine.mechanics import parse_mechanic
from common.money import quantize

ANONYMOUS = None
MEMBER = Customer(identified=True, contact_id=1)
NOON = time(12, 0)
MONDAY = 1
STORE = 1


def make_line(index: int, sku: str, quantity: str | int, price: str | int, **fields: Any) -> Line:
    """A priced receipt line (base = price × quantity, rounded)."""
    count, each = Decimal(str(quantity)), Decimal(str(price))
    return Line(index=index, sku=sku, quantity=count, price=each, base=quantize(each * count), **fields)


def make_rule(rule_id: int, mechanic: dict[str, Any], **fields: Any) -> CampaignRule:
    """A campaign rule: priority 0, `sum`, creation order = id unless given."""
    fields.setdefault("name", f"Campaign {rule_id}")
    fields.setdefault("priority", 0)
    fields.setdefault("order", rule_id)
    fields.setdefault("combine", "sum")
    return CampaignRule(id=rule_id, mechanic=parse_mechanic(mechanic), **fields)


def run(
    lines: list[Line],
    rules: list[CampaignRule],
    *,
    customer: Customer | None = MEMBER,
    store_id: int = STORE,
    weekday: int = MONDAY,
    local_time: time = NOON,
    codes_applied: frozenset[int] = frozenset(),
    accrual_percent: Decimal | str = "0",
    redeemed: dict[int, Decimal] | None = None,
) -> EngineResult:
    """Discounts, then (for an identified customer) the redeemed value, the tier's base accrual and the campaign
    points: the checkout's order of work, without the ORM."""
    result = run_discounts(
        lines=lines,
        rules=rules,
        customer=customer,
        store_id=store_id,
        weekday=weekday,
        local_time=local_time,
        codes_applied=codes_applied,
    )
    if customer is not None:
        for line in lines:
            line.redeemed_value = (redeemed or {}).get(line.index, Decimal("0.00"))
            if not line.accrual_excluded:
                line.base_points = quantize(line.paid * Decimal(accrual_percent) / 100)
                line.points += line.base_points
        run_points(result=result)
    return result


def discounts(lines: list[Line]) -> list[Decimal]:
    return [line.discount for line in lines]


def points(lines: list[Line]) -> list[Decimal]:
    return [line.points for line in lines]


def d(value: str) -> Decimal:
    return Decimal(value)
