"""Packs: each brand-day's contact-days and first receipts as arrays (`ContactDayPack`), from which the dashboards
count a period's distinct active and new contacts in memory (numpy, `pack_counts.py`) instead of row by row in the
database.

Every `ContactDay` row carries the contact's previous day at its register, store, brand and anywhere (`prev_*`), so
the distinct contacts of a scope active in days `a` to `b` are the rows of those days whose previous day there is
before `a`. A year is 1,250,000 rows, and the year before as many; PostgreSQL counts rows at about 400 ns each
whatever the statement: half a second for the two, and 0.1 s more for their 1,200,000 first receipts. A pack holds,
per row of a brand-day, its contact and the days since each previous day (`gap = day - prev`, 32767 for none), one
int16 array per level: the row counts for a period from `a` when `gap > day - a`; and per run of rows at one
register (its register, store and size) the first receipts there, at the brand and at any brand (`first_overall`),
which add up. A year of a brand is 365 rows of the table, compared and summed in a few vector operations.

The refresh writes the packs of every brand-day whose contact-days or first receipts it wrote, moved or marked
(`an_pk`, noted by `previous.py` and `aggregate.py`), at the end of its transaction; the migration that added them
wrote them for the rows already there. Plain SQL and the same arrays on PostgreSQL and SQLite.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from django.db import connection
from django.db.backends.utils import CursorWrapper

from analytics.summaries.fill import table
from analytics.summaries.models import ContactDay, ContactDayPack, ContactFirst

NONE = 32767  # the gap of a row with no previous day (and the most any gap is kept at: 89 years)
LEVELS = ("register", "store", "brand", "any")
EPOCH = date(1970, 1, 1)
EPOCH_AT = datetime(1970, 1, 1, tzinfo=UTC)
COLUMNS = (
    "brand_id",
    "day",
    "registers",
    "stores",
    "sizes",
    "new_brand",
    "new_overall",
    "contacts",
    "first_contacts",
    "first_ats",
    *(f"gap_{level}" for level in LEVELS),
)
Firsts = dict[tuple[int, int, int], list[tuple[int, int, bool]]]


def _day_number(column: str) -> str:
    """SQL: a date column as days since 1970-01-01."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(ROUND(julianday({column}) - 2440587.5) AS INTEGER)"


def _gap(column: str) -> str:
    """SQL: the days from a previous day (`column`) to the row's day, NONE for none (both ignore a NULL)."""
    if connection.vendor == "postgresql":
        return f"LEAST(day - {column}, {NONE})"
    return f"COALESCE(MIN(CAST(ROUND(julianday(day) - julianday({column})) AS INTEGER), {NONE}), {NONE})"


def packed(rows: Iterable[tuple[int, ...]], firsts: Firsts) -> Iterator[tuple[Any, ...]]:
    """Pack rows `(brand, day number, register, store, contact, gap × 4)` sorted by brand, day and register, with the
    first receipts per `(brand, day number, register)` (`(contact, µs, first at any brand)` each): one row of
    `COLUMNS` per brand-day."""
    data = np.array(list(rows), dtype=np.int64)
    if not len(data):
        return
    new_pack = np.flatnonzero((data[1:, 0] != data[:-1, 0]) | (data[1:, 1] != data[:-1, 1])) + 1
    for part in np.split(data, new_pack):
        brand, day = int(part[0, 0]), int(part[0, 1])
        starts = np.flatnonzero(np.r_[True, part[1:, 2] != part[:-1, 2]])
        runs = [firsts.get((brand, day, int(register)), []) for register in part[starts, 2]]
        entries = np.array([entry for run in runs for entry in run], dtype=np.int64).reshape(-1, 3)
        yield (
            brand,
            connection.ops.adapt_datefield_value(EPOCH + timedelta(days=day)),
            part[starts, 2].astype("<i8").tobytes(),
            part[starts, 3].astype("<i8").tobytes(),
            np.diff(np.r_[starts, len(part)]).astype("<i4").tobytes(),
            np.array([len(run) for run in runs], dtype="<i4").tobytes(),
            np.array([sum(overall for *_entry, overall in run) for run in runs], dtype="<i4").tobytes(),
            part[:, 4].astype("<i8").tobytes(),
            entries[:, 0].astype("<i8").tobytes(),
            entries[:, 1].astype("<i8").tobytes(),
            *(part[:, 5 + index].astype("<i2").tobytes() for index in range(len(LEVELS))),
        )


def _microseconds(at: Any) -> int:
    """A stored time as µs since 1970 (PostgreSQL gives an aware datetime, SQLite the stored UTC text)."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return (at - EPOCH_AT) // timedelta(microseconds=1)


def write_packs(cursor: CursorWrapper, brand_days: str) -> None:
    """The packs of the brand-days in the temporary table `brand_days` (`brand_id, day`), written again from their
    contact-days and first receipts (none for a brand-day left with no contact-day)."""
    pack = table(ContactDayPack)
    where = f"(brand_id, day) IN (SELECT brand_id, day FROM {brand_days})"  # noqa: S608 (names only)
    cursor.execute(f"DELETE FROM {pack} WHERE {where}")  # noqa: S608 (names only)
    cursor.execute(
        f"SELECT brand_id, {_day_number('day')}, register_id, contact_id, first_at, first_overall"  # noqa: S608
        f" FROM {table(ContactFirst)} WHERE {where} ORDER BY brand_id, day, register_id, contact_id"
    )
    firsts: Firsts = defaultdict(list)
    for brand, day, register, contact, at, overall in cursor.fetchall():
        firsts[(brand, day, register)].append((contact, _microseconds(at), bool(overall)))
    cursor.execute(
        f"SELECT brand_id, {_day_number('day')}, register_id, store_id, contact_id,"  # noqa: S608 (names only)
        f" {', '.join(_gap(f'prev_{level}') for level in LEVELS)} FROM {table(ContactDay)} WHERE {where}"
        " ORDER BY brand_id, day, register_id"
    )
    rows = list(packed(cursor.fetchall(), firsts))
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    cursor.executemany(f"INSERT INTO {pack} ({', '.join(COLUMNS)}) VALUES ({placeholders})", rows)  # noqa: S608
