"""Refreshing the summaries: which days changed, and writing them again (the `analytics` job's first step, the
dashboards' "Refresh now", and the catch-up before a read).

Three streams, each with its own marks in `SummaryState`: `days` (registers, stores, brands, hours, contacts and
campaigns, from purchases and refunds), `products` (from the same, per brand-day) and `ledger` (from the entries).
A refresh reads the highest ids of its sources, finds the local days of the rows after its marks (a purchase's day,
a refunded purchase's day, an entry's day) and writes those days again from everything up to the new marks, in one
transaction under a lock of its stream's state (so two refreshes never interleave). Running it again changes
nothing: it is idempotent, and incremental (only touched days are read).

Rows committed late (a transaction that took an id before the refresh and committed after it) are not lost: the
scheduled refresh looks again from the newest mark at least `SETTLE` old, so their days are written again then.

Which parts need PostgreSQL: finding the local days of the changed rows and of the receipts (`AT TIME ZONE` each
store's zone) is SQL there; on SQLite (the embedded default, no time zones in SQL) the same rows are read through
the ORM and their days and hours computed in Python. Everything else is the same portable SQL on both (`fill.py`,
`aggregate.py`, `products.py`, `ledger.py`): the same results, SQLite's slower.
"""

import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from analytics.summaries.aggregate import summarise_store_days
from analytics.summaries.days import StorePlace, local_day, store_places
from analytics.summaries.fill import StoreDayKey, drop_temp, fill_dirty, fill_purchases, refresh_settings, table
from analytics.summaries.ledger import summarise_ledger_days, touched_program_days
from analytics.summaries.models import SummaryState
from analytics.summaries.products import summarise_products
from loyalty.models import LedgerEntry, Purchase, Refund, Store

STREAMS = ("days", "products", "ledger")
# How long a transaction may hold an id before committing and still be summarised by the next scheduled refresh.
SETTLE = timedelta(minutes=10)
# Days summarised per round of temporary tables (a first refresh of years of receipts goes a month at a time).
BATCH_DAYS = 31
SOURCES = {"days": ("purchase", "refund"), "products": ("purchase", "refund"), "ledger": ("entry",)}


@dataclass(frozen=True)
class StreamResult:
    stream: str
    days: int
    seconds: float

    def __str__(self) -> str:
        return f"{self.stream}: {self.days} days in {self.seconds:.2f} s"


def source_highs(stream: str) -> dict[str, int]:
    models: dict[str, type[Model]] = {"purchase": Purchase, "refund": Refund, "entry": LedgerEntry}
    return {
        source: models[source]._default_manager.aggregate(high=Max("pk"))["high"] or 0 for source in SOURCES[stream]
    }


def _settled_low(state: SummaryState, now: datetime) -> dict[str, int]:
    """The marks to look again from: the newest at least SETTLE old (the oldest kept, when none is that old)."""
    history = sorted(state.history, key=lambda item: item["at"])
    if not history:
        return dict(state.marks)
    settled = [item for item in history if parse_datetime(item["at"]) <= now - SETTLE]  # type: ignore[operator]
    return dict((settled[-1] if settled else history[0])["marks"])


def _remember(state: SummaryState, highs: dict[str, int], now: datetime) -> None:
    """The new marks, and the history pruned to what `_settled_low` can still choose."""
    history = [*state.history, {"marks": highs, "at": now.isoformat()}]
    history.sort(key=lambda item: item["at"])
    older = [item for item in history if parse_datetime(item["at"]) <= now - SETTLE]  # type: ignore[operator]
    state.history = older[-1:] + [item for item in history if item not in older]
    state.marks = highs


def touched_store_days(low: dict[str, int], high: dict[str, int], places: dict[int, StorePlace]) -> set[StoreDayKey]:
    """The store-days of the purchases and of the refunded purchases with ids after `low` (up to `high`)."""
    bounds = [low.get("purchase", 0), high["purchase"], low.get("refund", 0), high["refund"]]
    if bounds[0] >= bounds[1] and bounds[2] >= bounds[3]:
        return set()
    if connection.vendor == "postgresql":
        purchase, refund, store = table(Purchase), table(Refund), table(Store)
        day = "(p.at AT TIME ZONE s.timezone)::date"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT p.store_id, {day} FROM {purchase} p JOIN {store} s ON s.id = p.store_id"  # noqa: S608
                f" WHERE p.id > %s AND p.id <= %s UNION SELECT DISTINCT p.store_id, {day} FROM {refund} r"
                f" JOIN {purchase} p ON p.id = r.purchase_id JOIN {store} s ON s.id = p.store_id"
                " WHERE r.id > %s AND r.id <= %s",
                bounds,
            )
            return {StoreDayKey(store=store_id, day=day_) for store_id, day_ in cursor.fetchall()}
    rows = list(Purchase.objects.filter(pk__gt=bounds[0], pk__lte=bounds[1]).values_list("store_id", "at"))
    rows += Refund.objects.filter(pk__gt=bounds[2], pk__lte=bounds[3]).values_list("purchase__store_id", "purchase__at")
    return {StoreDayKey(store=store_id, day=local_day(at, places[store_id].tz)) for store_id, at in rows}


def _whole_brand_days(keys: Iterable[StoreDayKey], places: dict[int, StorePlace]) -> set[StoreDayKey]:
    """Every store of the brand on each day of the brand a key touches (a product's day is its brand's)."""
    brand_days = {(places[key.store].brand, key.day) for key in keys if key.store in places}
    stores_of: dict[int, list[int]] = {}
    for place in places.values():
        stores_of.setdefault(place.brand, []).append(place.store)
    return {StoreDayKey(store=store, day=day) for brand, day in brand_days for store in stores_of.get(brand, [])}


def _in_batches(keys: set[StoreDayKey]) -> Iterable[list[StoreDayKey]]:
    days = sorted({key.day for key in keys})
    for start in range(0, len(days), BATCH_DAYS):
        chunk = set(days[start : start + BATCH_DAYS])
        yield sorted((key for key in keys if key.day in chunk), key=lambda key: (key.day, key.store))


def _summarise_purchases(stream: str, keys: set[StoreDayKey], places: dict, high: dict, now: datetime) -> int:  # type: ignore[type-arg]
    if stream == "products":
        keys = _whole_brand_days(keys, places)
    with connection.cursor() as cursor:
        refresh_settings(cursor)
        for batch in _in_batches(keys):
            fill_dirty(cursor, batch, places)
            fill_purchases(cursor, batch, places, purchase_mark=high["purchase"], refund_mark=high["refund"])
            if stream == "days":
                summarise_store_days(cursor, now)
            else:
                summarise_products(cursor, refund_mark=high["refund"])
            drop_temp(cursor, "an_dirty", "an_cp")
    return len(keys)


def _lock(stream: str, *, wait: bool) -> SummaryState | None:
    """The stream's state, locked until the transaction ends; None when another refresh holds it and `wait` is off."""
    SummaryState.objects.get_or_create(stream=stream)
    try:
        with transaction.atomic():
            return SummaryState.objects.select_for_update(nowait=not wait).get(stream=stream)
    except DatabaseError:
        return None


def refresh_stream(stream: str, *, now: datetime | None = None, catch_up: bool = False) -> StreamResult | None:
    """Write again the days of `stream` touched since its marks (since its settled marks, unless `catch_up`).
    None when `catch_up` finds another refresh running (it will have done the work)."""
    now = now or timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        state = _lock(stream, wait=not catch_up)
        if state is None:
            return None
        high = source_highs(stream)
        low = dict(state.marks) if catch_up else _settled_low(state, now)
        if stream == "ledger":
            program_days = touched_program_days(low.get("entry", 0), high["entry"])
            if program_days:
                with connection.cursor() as cursor:
                    refresh_settings(cursor)
                    summarise_ledger_days(cursor, program_days, entry_mark=high["entry"])
            count = len(program_days)
        else:
            places = store_places()
            keys = touched_store_days(low, high, places)
            count = _summarise_purchases(stream, keys, places, high, now) if keys else 0
        result = StreamResult(stream=stream, days=count, seconds=time.monotonic() - started)
        _remember(state, high, now)
        state.refreshed_at = now
        state.result = str(result)[:300]
        state.save()
    return result


def _side_by_side() -> bool:
    """Whether the streams may run at once, each in a thread with its own connection: on PostgreSQL, when the caller
    holds no transaction (the threads would not see what it has not committed) and the setting allows it."""
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and bool(getattr(settings, "ANALYTICS_STREAMS_SIDE_BY_SIDE", True))
    )


def _in_own_connection(stream: str, at: datetime | None) -> StreamResult | None:
    """`refresh_stream` in a worker thread, whose connection is closed when it is done."""
    try:
        return refresh_stream(stream, now=at)
    finally:
        connection.close()


def summaries_refresh(*, at: datetime | None = None, streams: Iterable[str] = STREAMS) -> list[StreamResult]:
    """Bring every stream up to date (the `analytics` job's step and the admin's "Refresh now").

    The streams share nothing (each its sources' marks, its summaries and its lock), so on PostgreSQL they run side
    by side, a thread and a connection each: the day's refresh takes as long as its longest stream rather than the
    sum of them. Otherwise (SQLite, or inside the caller's transaction) one after the other."""
    streams = list(streams)
    at = at or timezone.now()
    if len(streams) > 1 and _side_by_side():
        with ThreadPoolExecutor(max_workers=len(streams), thread_name_prefix="summaries") as pool:
            results = list(pool.map(lambda stream: _in_own_connection(stream, at), streams))
    else:
        results = [refresh_stream(stream, now=at) for stream in streams]
    return [result for result in results if result is not None]


def catch_up_limit() -> int:
    return int(getattr(settings, "ANALYTICS_CATCH_UP_ROWS", 5000))
