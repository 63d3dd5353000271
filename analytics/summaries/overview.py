"""The overview of a scope and period (the contract's `GET /analytics/overview`), read from the summaries.

- `revenue`: paid, less every refund of those purchases; `receipts`: the purchases not refunded in full;
  `average_receipt` = revenue ÷ receipts; `identified_share` = receipts with a customer ÷ receipts (four places);
- `active_contacts`: distinct customers with a receipt in the period; `new_contacts`: those whose first receipt at
  the brand (at any of the brands covered, counted once) falls in the period, where it was made for a store's or a
  register's row;
- `points_accrued` and `points_redeemed`: the receipts' points less what their refunds revoked and gave back;
  `discount`: what the till gave on them.

Money and points are Decimals with two places (the API writes them as strings), in each brand's currency.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from analytics.summaries.contacts import contact_counts
from analytics.summaries.days import days_between
from analytics.summaries.models import BrandDay, RegisterDay, StoreDay
from analytics.summaries.scope import Period, Scope
from common.money import ZERO, quantize
from loyalty.models import Register, Store

KEYS = (
    "revenue",
    "receipts",
    "average_receipt",
    "identified_share",
    "active_contacts",
    "new_contacts",
    "points_accrued",
    "points_redeemed",
    "discount",
)
GROUPS = ("store", "register", "day")
SUMMED = ("receipts", "identified", "revenue", "discount", "points_accrued", "points_redeemed")
_GROUP_FIELDS = {"store": "store_id", "register": "register_id", "day": "day"}


def money(value: Any) -> Decimal:
    """A sum read from the database as two places (SQLite sums decimals as floats), never "-0.00"."""
    result = quantize(Decimal(str(value or 0)))
    return result.copy_abs() if result.is_zero() else result


@dataclass
class Sums:
    """What the summaries add up to for a group (or the whole scope)."""

    receipts: int = 0
    identified: int = 0
    revenue: Decimal = ZERO
    discount: Decimal = ZERO
    points_accrued: Decimal = ZERO
    points_redeemed: Decimal = ZERO
    active_contacts: int = 0
    new_contacts: int = 0

    def figures(self) -> dict[str, Any]:
        """The contract's keys."""
        receipts = self.receipts
        return {
            "revenue": self.revenue,
            "receipts": receipts,
            "average_receipt": quantize(self.revenue / receipts) if receipts else ZERO,
            "identified_share": round(self.identified / receipts, 4) if receipts else 0.0,
            "active_contacts": self.active_contacts,
            "new_contacts": self.new_contacts,
            "points_accrued": self.points_accrued,
            "points_redeemed": self.points_redeemed,
            "discount": self.discount,
        }


def _day_rows(scope: Scope, period: Period, group: str | None) -> QuerySet[Any]:
    """The finest daily table the scope and the grouping need: a brand's, a store's or a register's days."""
    in_period = {"day__gte": period.first, "day__lte": period.last}
    if group == "register" or scope.registers is not None:
        return RegisterDay.objects.filter(**in_period, **scope.store_filter())
    if group == "store" or scope.stores is not None:
        return StoreDay.objects.filter(**in_period, **scope.store_filter())
    lookups = {} if scope.brands is None else {"brand_id__in": scope.brands}
    return BrandDay.objects.filter(**in_period, **lookups)


def _grouped(queryset: QuerySet[Any], group: str | None, **aggregates: Any) -> dict[Any, dict[str, Any]]:
    """The aggregates per group value (key None without a grouping)."""
    if group is None:
        return {None: queryset.aggregate(**aggregates)}
    field = _GROUP_FIELDS[group]
    rows = queryset.order_by().values(field).annotate(**aggregates)
    return {row[field]: row for row in rows}


@dataclass
class PageSums:
    """The period's and the previous period's `Sums`, and the period's per group asked for."""

    current: Sums
    previous: Sums
    groups: dict[str, dict[Any, Sums]]


def _figures(scope: Scope, period: Period, group: str | None) -> dict[Any, dict[str, Any]]:
    return _grouped(_day_rows(scope, period, group), group, **{name: Sum(name) for name in SUMMED})


def _sums(row: dict[str, Any], active: int, new: int) -> Sums:
    return Sums(
        receipts=int(row.get("receipts") or 0),
        identified=int(row.get("identified") or 0),
        revenue=money(row.get("revenue")),
        discount=money(row.get("discount")),
        points_accrued=money(row.get("points_accrued")),
        points_redeemed=money(row.get("points_redeemed")),
        active_contacts=active,
        new_contacts=new,
    )


def page_sums(
    scope: Scope, period: Period, groups: tuple[str, ...] = (), counted: tuple[str, ...] | None = None
) -> PageSums:
    """`Sums` of the period and of the previous one, and per group value (store id, register id or day) of each of
    `groups`; the distinct contacts counted together (`contact_counts`), per group only for the groups in `counted`
    (all of them by default; a page's revenue chart by day needs no contacts per day, and a year of them costs)."""
    counts = contact_counts(scope, period, groups if counted is None else tuple(g for g in groups if g in counted))
    total = (None, None)
    current = _sums(_figures(scope, period, None).get(None, {}), counts.active.get(total, 0), counts.new.get(total, 0))
    previous = _sums(
        _figures(scope, period.previous(), None).get(None, {}), counts.previous_active, counts.previous_new
    )
    by_group: dict[str, dict[Any, Sums]] = {}
    for group in groups:
        figures = _figures(scope, period, group)
        keys = {*figures, *(key for name, key in (*counts.active, *counts.new) if name == group)}
        by_group[group] = {
            key: _sums(figures.get(key, {}), counts.active.get((group, key), 0), counts.new.get((group, key), 0))
            for key in keys
        }
    return PageSums(current=current, previous=previous, groups=by_group)


def sums(scope: Scope, period: Period, group: str | None = None) -> dict[Any, Sums]:
    """`Sums` per group value (store id, register id or day; key None without a grouping)."""
    if group is None:
        return {None: page_sums(scope, period).current}
    return page_sums(scope, period, (group,)).groups[group]


def group_members(scope: Scope, period: Period, group: str) -> list[dict[str, Any]]:
    """Every group of the scope (each day of the period, each store or register, with or without receipts), with
    what names it: `{"day"}`, `{"store", "name"}` or `{"register", "store", "code", "store_name"}`."""
    if group == "day":
        return [{"day": day} for day in days_between(period.first, period.last)]
    stores = Store.objects.all()
    if scope.brands is not None:
        stores = stores.filter(brand_id__in=scope.brands)
    if scope.stores is not None:
        stores = stores.filter(pk__in=scope.stores)
    if group == "store":
        return [{"store": pk, "name": name} for pk, name in stores.order_by("pk").values_list("pk", "name")]
    registers = Register.objects.filter(store__in=stores)
    if scope.registers is not None:
        registers = registers.filter(pk__in=scope.registers)
    rows = registers.order_by("pk").values_list("pk", "store_id", "code", "store__name")
    return [{"register": pk, "store": store, "code": code, "store_name": name} for pk, store, code, name in rows]


def group_rows(
    scope: Scope, period: Period, group: str, grouped: dict[Any, Sums] | None = None
) -> list[dict[str, Any]]:
    """Every group of the scope with the contract's keys (see `group_members`), from `grouped` when given."""
    if grouped is None:
        grouped = sums(scope, period, group)
    return [
        {**member, **grouped.get(member[group], Sums()).figures()} for member in group_members(scope, period, group)
    ]


def answer_of(page: PageSums, period: Period) -> dict[str, Any]:
    """`{keys…, "previous": {keys…}, "from", "to"}` of a page's sums."""
    return {**page.current.figures(), "previous": page.previous.figures(), "from": period.first, "to": period.last}


def overview(*, scope: Scope, period: Period, group_by: str | None = None) -> dict[str, Any]:
    """`{keys…, "previous": {keys…}, "from", "to"}` and, with `group_by`, `"rows": [{group…, keys…}]`."""
    page = page_sums(scope, period, (group_by,) if group_by is not None else ())
    answer = answer_of(page, period)
    if group_by is not None:
        answer["rows"] = group_rows(scope, period, group_by, page.groups[group_by])
    return answer
