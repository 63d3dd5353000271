"""Reads that see the latest receipts: before a dashboard or an analytics answer reads the summaries, the days
touched since the last refresh are written again, when that is cheap: at most `ANALYTICS_CATCH_UP_ROWS` rows
(5,000) to read, counting the receipts or entries already summarised on those days. A busier day is left to the
scheduled refresh (every few minutes), and the page says how far behind it is."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from operator import or_

from django.db.models import Model, Q, Sum

from analytics.summaries.days import store_places
from analytics.summaries.ledger import touched_program_days
from analytics.summaries.models import LedgerDay, StoreDay, SummaryState
from analytics.summaries.refresh import catch_up_limit, refresh_stream, source_highs, touched_store_days
from loyalty.models import LedgerEntry, Purchase, Refund


@dataclass(frozen=True)
class Freshness:
    """When the summaries were last refreshed, and how many newer rows they do not count yet."""

    as_of: datetime | None
    behind: int = 0


def _pending(stream: str, marks: dict[str, int], limit: int) -> int:
    """Rows after the marks, counted up to `limit` + 1 (enough to know it is too many)."""
    sources: dict[str, type[Model]] = {"purchase": Purchase, "refund": Refund, "entry": LedgerEntry}
    names = ("entry",) if stream == "ledger" else ("purchase", "refund")
    return sum(
        len(
            sources[name]
            ._default_manager.filter(pk__gt=marks.get(name, 0))
            .order_by()
            .values_list("pk", flat=True)[: limit + 1]
        )
        for name in names
    )


def _any_of(pairs: list[tuple[str, int, date]]) -> Q:
    """Rows of any of the (owner field, owner, day) pairs, one condition per day."""
    grouped: dict[tuple[str, date], list[int]] = defaultdict(list)
    for field, owner, day in pairs:
        grouped[(field, day)].append(owner)
    conditions = (Q(day=day, **{f"{field}__in": owners}) for (field, day), owners in grouped.items())
    return reduce(or_, conditions, Q(pk__in=[]))


def _cost(stream: str, marks: dict[str, int]) -> int:
    """Rows already summarised on the days a catch-up would write again."""
    high = source_highs(stream)
    if stream == "ledger":
        program_days = touched_program_days(marks.get("entry", 0), high["entry"])
        rows = LedgerDay.objects.filter(_any_of([("program_id", program, day) for program, day in program_days]))
        return int(rows.aggregate(total=Sum("entries"))["total"] or 0)
    keys = touched_store_days(marks, high, store_places())
    rows = StoreDay.objects.filter(_any_of([("store_id", key.store, key.day) for key in keys]))
    return int(rows.aggregate(total=Sum("receipts"))["total"] or 0)


def summaries_catch_up(streams: tuple[str, ...] = ("days",)) -> Freshness:
    """Write again the days touched since the last refresh of each stream when cheap; say how fresh they are."""
    limit = catch_up_limit()
    behind = 0
    as_of: datetime | None = None
    for stream in streams:
        state = SummaryState.objects.filter(stream=stream).first()
        marks = dict(state.marks) if state is not None else {}
        pending = _pending(stream, marks, limit)
        if pending and pending <= limit and pending + _cost(stream, marks) <= limit:
            refresh_stream(stream, catch_up=True)
            state = SummaryState.objects.filter(stream=stream).first()
            marks = dict(state.marks) if state is not None else {}
            pending = _pending(stream, marks, limit)
        behind += pending
        refreshed = state.refreshed_at if state is not None else None
        if refreshed is not None and (as_of is None or refreshed < as_of):
            as_of = refreshed
    return Freshness(as_of=as_of, behind=behind)
