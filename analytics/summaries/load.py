"""Register load (the contract's `GET /analytics/registers`): receipts by register × weekday × hour in each store's
local time, from the registers' hours; and each store's quiet hours, the open hours with the fewest receipts (what
an offer aimed at them would fill)."""

from collections import defaultdict
from typing import Any

from django.db.models import Sum

from analytics.summaries.models import RegisterHour
from analytics.summaries.overview import group_members
from analytics.summaries.scope import Period, Scope
from loyalty.models import Store

WEEKDAYS = range(1, 8)  # ISO: 1 = Monday, as the campaigns' `weekdays`
HOURS = range(24)
QUIET_HOURS = 5


def receipt_cells(scope: Scope, period: Period, by: str) -> dict[tuple[int, int, int], int]:
    """Receipts per (register or store id, weekday, hour)."""
    rows = (
        RegisterHour.objects.filter(day__gte=period.first, day__lte=period.last, **scope.store_filter())
        .order_by()
        .values(by, "weekday", "hour")
        .annotate(receipts=Sum("receipts"))
    )
    return {(row[by], row["weekday"], row["hour"]): int(row["receipts"] or 0) for row in rows}


def quiet_hours(scope: Scope, period: Period, *, count: int = QUIET_HOURS) -> list[dict[str, Any]]:
    """Per store, the `count` weekday-hours with receipts (the store was open) that had the fewest, quietest first;
    `share` is their receipts ÷ the store's average open hour."""
    cells = receipt_cells(scope, period, "store_id")
    per_store: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for (store, weekday, hour), receipts in cells.items():
        if receipts > 0:
            per_store[store].append((receipts, weekday, hour))
    names = dict(Store.objects.filter(pk__in=per_store).values_list("pk", "name"))
    result = []
    for store in sorted(per_store):
        open_hours = sorted(per_store[store])
        average = sum(receipts for receipts, _weekday, _hour in open_hours) / len(open_hours)
        result += [
            {
                "store": store,
                "name": names.get(store, ""),
                "weekday": weekday,
                "hour": hour,
                "receipts": receipts,
                "share": round(receipts / average, 4),
            }
            for receipts, weekday, hour in open_hours[:count]
        ]
    return result


def register_load(*, scope: Scope, period: Period) -> dict[str, Any]:
    """`{"from", "to", "rows": [{"register", "store", "code", "weekday", "hour", "receipts"}], "quiet_hours"}`: every
    register of the scope × every weekday × every hour, zeros included."""
    cells = receipt_cells(scope, period, "register_id")
    rows = [
        {**register, "weekday": weekday, "hour": hour, "receipts": cells.get((register["register"], weekday, hour), 0)}
        for register in group_members(scope, period, "register")
        for weekday in WEEKDAYS
        for hour in HOURS
    ]
    return {"from": period.first, "to": period.last, "rows": rows, "quiet_hours": quiet_hours(scope, period)}
