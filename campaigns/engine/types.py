"""The engine's plain data: lines, the customer, campaigns as rules."""

from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal
from typing import TYPE_CHECKING

from common.money import ZERO

if TYPE_CHECKING:
    from .mechanics import Mechanic


@dataclass(slots=True)
class Line:
    """A receipt line as the engine sees and changes it."""

    index: int
    sku: str
    quantity: Decimal
    price: Decimal
    base: Decimal = ZERO
    known: bool = True
    category_ids: frozenset[int] = frozenset()  # the product's category and all above it
    accrual_excluded: bool = False
    redemption_excluded: bool = False
    discount: Decimal = ZERO
    redeemed_points: Decimal = ZERO
    redeemed_value: Decimal = ZERO
    base_points: Decimal = ZERO  # the tier's base accrual on this line
    points: Decimal = ZERO  # base accrual plus campaign points
    claims: list[int] = field(default_factory=list)  # campaigns that applied (or will give points) to this line
    exclusive_owner: int | None = None  # the exclusive campaign that holds this line
    applied: list[dict[str, object]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.base - self.discount

    @property
    def paid(self) -> Decimal:
        return self.total - self.redeemed_value


@dataclass(frozen=True, slots=True)
class Customer:
    identified: bool
    tier_id: int | None = None
    segment_ids: frozenset[int] = frozenset()
    contact_id: int | None = None


@dataclass(frozen=True, slots=True)
class Audience:
    type: str = "all"  # all | identified | tiers | segment
    tier_ids: frozenset[int] = frozenset()
    segment_id: int | None = None

    def admits(self, customer: Customer | None) -> bool:
        if self.type == "all":
            return True
        if customer is None or not customer.identified:
            return False
        if self.type == "identified":
            return True
        if self.type == "tiers":
            return customer.tier_id in self.tier_ids
        if self.type == "segment":
            return self.segment_id is not None and self.segment_id in customer.segment_ids
        return False


@dataclass(frozen=True, slots=True)
class Conditions:
    min_total: Decimal = ZERO
    min_quantity: Decimal = Decimal(0)
    store_ids: frozenset[int] = frozenset()
    weekdays: frozenset[int] = frozenset()  # 1..7, Monday = 1
    hours: tuple[time, time] | None = None  # [start, end) store-local; start > end spans midnight

    def admits_place_and_time(self, *, store_id: int, weekday: int, local_time: time) -> bool:
        if self.store_ids and store_id not in self.store_ids:
            return False
        if self.weekdays and weekday not in self.weekdays:
            return False
        if self.hours is not None:
            start, end = self.hours
            if start <= end:
                return start <= local_time < end
            return local_time >= start or local_time < end
        return True


@dataclass(frozen=True, slots=True)
class Limits:
    """What is left of a campaign's limits for this receipt (None = unlimited), computed by the caller."""

    uses_left: int | None = None  # min of total uses left and this customer's uses left
    budget_left: Decimal | None = None  # min of total and daily budget left, in currency


@dataclass(frozen=True, slots=True)
class ProductFilter:
    """A product segment: listed SKUs or products under listed categories, minus excluded SKUs.

    Unknown SKUs (not in the catalogue) never match a segment."""

    skus: frozenset[str] = frozenset()
    category_ids: frozenset[int] = frozenset()
    exclude_skus: frozenset[str] = frozenset()

    def matches(self, line: "Line") -> bool:
        # `engine._Eligible.of` has this test inline, for speed: a change here is made there too.
        if not line.known or line.sku in self.exclude_skus:
            return False
        return line.sku in self.skus or not self.category_ids.isdisjoint(line.category_ids)


@dataclass(frozen=True, slots=True)
class CampaignRule:
    """An active campaign, snapshotted for the engine."""

    id: int
    name: str
    priority: int
    order: int  # creation order: earlier first among equal priorities
    combine: str  # sum | sequential | exclusive
    mechanic: "Mechanic"
    audience: Audience = Audience()
    conditions: Conditions = Conditions()
    products: ProductFilter | None = None  # None = every product (unknown SKUs included)
    requires_code: bool = False
    hint: str = ""
    limits: Limits = Limits()
    point_value: Decimal = Decimal("1.00")  # to weigh points against a budget
    control_percent: int = 0  # the share of its audience held out (`control.in_control_group`)
    counted: bool = False  # it has limits: a confirm moves its counter (`campaigns.services.limits`)

    @property
    def sort_key(self) -> tuple[int, int]:
        return (-self.priority, self.order)

    def eligible(self, line: Line) -> bool:
        return self.products is None or self.products.matches(line)
