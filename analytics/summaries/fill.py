"""The receipts a refresh summarises, in temporary tables: the store-days to redo (`an_dirty`), their counted
purchases with the local day and hour and what refunds took back (`an_cp`).

PostgreSQL computes the local day and hour in SQL (`AT TIME ZONE` the store's zone). SQLite has no time zones, so
there the purchases are read once through the ORM and their local day and hour computed in Python (zoneinfo), then
inserted; everything after this step (the refunds, the counting rule, every summary) is the same portable SQL on
both (`aggregate.py`): the same results, SQLite's slower.

A purchase counts unless its refunds gave back all it was paid ("net of refunds"; the metrics count so too). Only
purchases and refunds up to the refresh's marks are read, so that what came after is left to the next refresh.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model

from analytics.summaries.days import StorePlace, day_bounds, zone
from loyalty.models import Purchase, Refund

MONEY = "numeric(14, 2)"
PLACEHOLDERS = ", ".join(["%s"] * 14)  # one per column of `an_p`
PURCHASE_COLUMNS = (
    "id bigint, register_id bigint, store_id bigint, brand_id bigint, partner_id bigint, contact_id bigint, "
    f"at timestamptz, day date, hour integer, weekday integer, payable {MONEY}, discount {MONEY}, "
    f"points {MONEY}, redeemed {MONEY}"
)


@dataclass(frozen=True)
class StoreDayKey:
    """A store's local day to summarise again."""

    store: int
    day: date


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def temp_table(cursor: CursorWrapper, name: str, columns: str) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")


def drop_temp(cursor: CursorWrapper, *names: str) -> None:
    for name in names:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


# A refresh's statements on PostgreSQL, for its transaction: its sorts (contacts, products) kept in memory where
# they fit, and no JIT (it spent a quarter of a second compiling the products' statement, more than it saved).
REFRESH_SETTINGS = ("SET LOCAL work_mem = '64MB'", "SET LOCAL jit = off")


def refresh_settings(cursor: CursorWrapper) -> None:
    """The settings above, for the transaction the refresh runs in (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        for setting in REFRESH_SETTINGS:
            cursor.execute(setting)


def analyze(cursor: CursorWrapper, *names: str) -> None:
    """PostgreSQL plans joins with temporary tables from their statistics, which only ANALYZE gathers."""
    if connection.vendor == "postgresql":
        for name in names:
            cursor.execute(f"ANALYZE {name}")


def fill_dirty(cursor: CursorWrapper, keys: Iterable[StoreDayKey], places: dict[int, StorePlace]) -> None:
    """`an_dirty`: the store-days, with the store's brand, partner and zone and the day's bounds in it."""
    temp_table(
        cursor,
        "an_dirty",
        "store_id bigint, day date, weekday integer, brand_id bigint, partner_id bigint, tz varchar(64), "
        "start_at timestamptz, end_at timestamptz",
    )
    rows = []
    for key in keys:
        place = places.get(key.store)
        if place is None:
            continue
        start, end = day_bounds(key.day, place.tz)
        rows.append(
            (
                key.store,
                key.day.isoformat(),
                key.day.isoweekday(),
                place.brand,
                place.partner,
                place.tz,
                connection.ops.adapt_datetimefield_value(start),
                connection.ops.adapt_datetimefield_value(end),
            )
        )
    cursor.executemany("INSERT INTO an_dirty VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)
    analyze(cursor, "an_dirty")


def _fill_purchases_sql(cursor: CursorWrapper, purchase_mark: int) -> None:
    purchase = table(Purchase)
    cursor.execute(
        f"INSERT INTO an_p SELECT p.id, p.register_id, p.store_id, p.brand_id, d.partner_id, p.contact_id, p.at,"  # noqa: S608
        " d.day, EXTRACT(HOUR FROM p.at AT TIME ZONE d.tz)::integer, d.weekday, p.payable, p.discount, p.points,"
        # Each store-day read as its own range of the (store, at) index: a LATERAL subquery kept apart (OFFSET 0),
        # since joined plainly PostgreSQL cannot estimate the ranges and hashes every purchase there is (a day of
        # 20 stores among 2,600,000 purchases: 690 -> 160 ms).
        f" p.redeemed_points FROM an_dirty d CROSS JOIN LATERAL (SELECT * FROM {purchase} p"
        " WHERE p.store_id = d.store_id AND p.at >= d.start_at AND p.at < d.end_at AND p.id <= %s OFFSET 0) p",
        [purchase_mark],
    )


def _fill_purchases_python(
    cursor: CursorWrapper,
    keys: Iterable[StoreDayKey],
    places: dict[int, StorePlace],
    purchase_mark: int,
) -> None:
    """One read per time zone of the batch (its stores, its first day's start to its last day's end), the days
    that were not asked for dropped in Python."""
    wanted = {(key.store, key.day) for key in keys if key.store in places}
    zones: dict[str, list[StoreDayKey]] = defaultdict(list)
    for store, day in wanted:
        zones[places[store].tz].append(StoreDayKey(store=store, day=day))
    adapt = connection.ops.adapt_datetimefield_value
    fields = ("pk", "register_id", "store_id", "brand_id", "contact_id", "at")
    money = ("payable", "discount", "points", "redeemed_points")
    for tz, zone_keys in sorted(zones.items()):
        start = day_bounds(min(key.day for key in zone_keys), tz)[0]
        end = day_bounds(max(key.day for key in zone_keys), tz)[1]
        rows = Purchase.objects.filter(
            store_id__in={key.store for key in zone_keys}, at__gte=start, at__lt=end, pk__lte=purchase_mark
        )
        params = []
        for pk, register, store, brand, contact, at, *amounts in rows.order_by().values_list(*fields, *money):
            local = at.astimezone(zone(tz))
            if (store, local.date()) not in wanted:
                continue
            row = (pk, register, store, brand, places[store].partner, contact, adapt(at), local.date().isoformat())
            params.append((*row, local.hour, local.isoweekday(), *(str(amount) for amount in amounts)))
        cursor.executemany(f"INSERT INTO an_p VALUES ({PLACEHOLDERS})", params)  # noqa: S608 (placeholders only)


def fill_purchases(
    cursor: CursorWrapper,
    keys: list[StoreDayKey],
    places: dict[int, StorePlace],
    *,
    purchase_mark: int,
    refund_mark: int,
) -> None:
    """`an_cp`: the counted purchases of the store-days in `an_dirty`, each with its refunds' sums."""
    temp_table(cursor, "an_p", PURCHASE_COLUMNS)
    if connection.vendor == "postgresql":
        _fill_purchases_sql(cursor, purchase_mark)
    else:
        _fill_purchases_python(cursor, keys, places, purchase_mark)
    analyze(cursor, "an_p")
    temp_table(cursor, "an_rf", f"purchase_id bigint, refunded {MONEY}, revoked {MONEY}, returned {MONEY}")
    cursor.execute(
        f"INSERT INTO an_rf SELECT r.purchase_id, SUM(r.refund_amount), SUM(r.points_revoked),"  # noqa: S608
        f" SUM(r.points_returned) FROM {table(Refund)} r WHERE r.id <= %s"
        " AND r.purchase_id IN (SELECT id FROM an_p) GROUP BY r.purchase_id",
        [refund_mark],
    )
    temp_table(
        cursor,
        "an_cp",
        f"{PURCHASE_COLUMNS}, refunded {MONEY}, revoked {MONEY}, returned {MONEY}",
    )
    cursor.execute(
        "INSERT INTO an_cp SELECT p.id, p.register_id, p.store_id, p.brand_id, p.partner_id, p.contact_id, p.at,"
        " p.day, p.hour, p.weekday, p.payable, p.discount, p.points, p.redeemed,"
        " COALESCE(rf.refunded, 0), COALESCE(rf.revoked, 0), COALESCE(rf.returned, 0)"
        " FROM an_p p LEFT JOIN an_rf rf ON rf.purchase_id = p.id"
        " WHERE rf.purchase_id IS NULL OR p.payable - rf.refunded > 0"
    )
    analyze(cursor, "an_cp")
    drop_temp(cursor, "an_p", "an_rf")
