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

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from analytics.summaries.days import days_between
from analytics.summaries.models import BrandDay, ContactDay, ContactFirst, RegisterDay, StoreDay
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


def _new_contacts(scope: Scope, period: Period) -> QuerySet[ContactFirst]:
    """First receipts in the period; across several brands, only each contact's first of them all."""
    firsts = ContactFirst.objects.filter(day__gte=period.first, day__lte=period.last, **scope.store_filter())
    if scope.brands is not None and len(scope.brands) == 1:
        return firsts
    others = ContactFirst.objects.filter(contact_id=OuterRef("contact_id")).filter(
        Q(first_at__lt=OuterRef("first_at")) | Q(first_at=OuterRef("first_at"), brand_id__lt=OuterRef("brand_id"))
    )
    if scope.brands is not None:
        others = others.filter(brand_id__in=scope.brands)
    return firsts.exclude(Exists(others))


def sums(scope: Scope, period: Period, group: str | None = None) -> dict[Any, Sums]:
    """`Sums` per group value (store id, register id or day; key None without a grouping)."""
    figures = _grouped(_day_rows(scope, period, group), group, **{name: Sum(name) for name in SUMMED})
    contact_days = ContactDay.objects.filter(day__gte=period.first, day__lte=period.last, **scope.store_filter())
    active = _grouped(contact_days, group, n=Count("contact_id", distinct=True))
    new = _grouped(_new_contacts(scope, period), group, n=Count("contact_id"))
    result: dict[Any, Sums] = {}
    for key in {*figures, *active, *new}:
        row = figures.get(key, {})
        result[key] = Sums(
            receipts=int(row.get("receipts") or 0),
            identified=int(row.get("identified") or 0),
            revenue=money(row.get("revenue")),
            discount=money(row.get("discount")),
            points_accrued=money(row.get("points_accrued")),
            points_redeemed=money(row.get("points_redeemed")),
            active_contacts=int(active.get(key, {}).get("n") or 0),
            new_contacts=int(new.get(key, {}).get("n") or 0),
        )
    return result


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


def group_rows(scope: Scope, period: Period, group: str) -> list[dict[str, Any]]:
    """Every group of the scope with the contract's keys (see `group_members`)."""
    grouped = sums(scope, period, group)
    return [
        {**member, **grouped.get(member[group], Sums()).figures()} for member in group_members(scope, period, group)
    ]


def overview(*, scope: Scope, period: Period, group_by: str | None = None) -> dict[str, Any]:
    """`{keys…, "previous": {keys…}, "from", "to"}` and, with `group_by`, `"rows": [{group…, keys…}]`."""
    current = sums(scope, period).get(None, Sums())
    previous = sums(scope, period.previous()).get(None, Sums())
    answer: dict[str, Any] = {
        **current.figures(),
        "previous": previous.figures(),
        "from": period.first,
        "to": period.last,
    }
    if group_by is not None:
        answer["rows"] = group_rows(scope, period, group_by)
    return answer
