"""Packs: each brand-day's contact-days and first receipts as arrays (`ContactDayPack`), from which the overview
counts a long period's distinct active and new contacts of one brand or every brand in memory (numpy) instead of
row by row in the database.

Every `ContactDay` row carries the contact's previous day at its register, store, brand and anywhere (`prev_*`), so
the distinct contacts of a scope active in days `a` to `b` are the rows of those days whose previous day there is
before `a` (`contacts.py`). A year is 1,250,000 rows, and the year before as many; PostgreSQL counts rows at about
400 ns each whatever the statement: half a second for the two, and 0.1 s more for their 1,200,000 first receipts.
A pack holds, per row of a brand-day, the days since that previous day (`gap = day - prev`, 32767 for none), one
int16 array per level: the row counts for a period from `a` when `gap > day - a`; and per run of rows at one
register (its register, store and size) the first receipts there, at the brand and at any brand (`first_overall`),
which add up. A year of a brand is 365 rows of the table (2.5 MB a level), compared and summed in a few vector
operations.

The packs serve the scopes of one brand and of every brand (the levels `brand` and `any`); a store's or a register's
rows are few enough to count in the database. The refresh writes the packs of every brand-day whose contact-days
or first receipts it wrote, moved or marked (`an_pk`, `previous.py` and `aggregate.py`), at the end of its
transaction; the migration that added them wrote them for the rows already there. Plain SQL and the same arrays
on PostgreSQL and SQLite.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import connection
from django.db.backends.utils import CursorWrapper

from analytics.summaries.fill import table
from analytics.summaries.models import ContactDay, ContactDayPack, ContactFirst
from analytics.summaries.scope import Period, Scope

NONE = 32767  # the gap of a row with no previous day (and the most any gap is kept at: 89 years)
LEVELS = ("register", "store", "brand", "any")
EPOCH = date(1970, 1, 1)
COLUMNS = (
    "brand_id",
    "day",
    "registers",
    "stores",
    "sizes",
    "new_brand",
    "new_overall",
    *(f"gap_{level}" for level in LEVELS),
)


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


def packed(
    rows: Iterable[tuple[int, ...]], firsts: dict[tuple[int, int, int], tuple[int, int]]
) -> Iterator[tuple[Any, ...]]:
    """Pack rows `(brand, day number, register, store, gap × 4)` sorted by brand, day and register, with the first
    receipts per `(brand, day number, register)` (`(at the brand, at any brand)`): one row of `COLUMNS` per
    brand-day."""
    data = np.array(list(rows), dtype=np.int64)
    if not len(data):
        return
    new_pack = np.flatnonzero((data[1:, 0] != data[:-1, 0]) | (data[1:, 1] != data[:-1, 1])) + 1
    for part in np.split(data, new_pack):
        brand, day = int(part[0, 0]), int(part[0, 1])
        starts = np.flatnonzero(np.r_[True, part[1:, 2] != part[:-1, 2]])
        new = np.array([firsts.get((brand, day, int(register)), (0, 0)) for register in part[starts, 2]])
        yield (
            brand,
            connection.ops.adapt_datefield_value(EPOCH + timedelta(days=day)),
            part[starts, 2].astype("<i8").tobytes(),
            part[starts, 3].astype("<i8").tobytes(),
            np.diff(np.r_[starts, len(part)]).astype("<i4").tobytes(),
            new[:, 0].astype("<i4").tobytes(),
            new[:, 1].astype("<i4").tobytes(),
            *(part[:, 4 + index].astype("<i2").tobytes() for index in range(len(LEVELS))),
        )


def write_packs(cursor: CursorWrapper, brand_days: str) -> None:
    """The packs of the brand-days in the temporary table `brand_days` (`brand_id, day`), written again from their
    contact-days and first receipts (none for a brand-day left with no contact-day)."""
    pack = table(ContactDayPack)
    where = f"(brand_id, day) IN (SELECT brand_id, day FROM {brand_days})"  # noqa: S608 (names only)
    cursor.execute(f"DELETE FROM {pack} WHERE {where}")  # noqa: S608 (names only)
    cursor.execute(
        f"SELECT brand_id, {_day_number('day')}, register_id, COUNT(*),"  # noqa: S608 (names only)
        f" SUM(CASE WHEN first_overall THEN 1 ELSE 0 END) FROM {table(ContactFirst)} WHERE {where}"
        " GROUP BY brand_id, day, register_id"
    )
    firsts = {(brand, day, register): (n, overall) for brand, day, register, n, overall in cursor.fetchall()}
    cursor.execute(
        f"SELECT brand_id, {_day_number('day')}, register_id, store_id,"  # noqa: S608 (names only)
        f" {', '.join(_gap(f'prev_{level}') for level in LEVELS)} FROM {table(ContactDay)} WHERE {where}"
        " ORDER BY brand_id, day, register_id"
    )
    rows = list(packed(cursor.fetchall(), firsts))
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    cursor.executemany(f"INSERT INTO {pack} ({', '.join(COLUMNS)}) VALUES ({placeholders})", rows)  # noqa: S608


def counts_from_packs(scope: Scope) -> bool:
    """Whether the packs count the scope's active contacts: every brand, or one brand, no store or register."""
    return scope.stores is None and scope.registers is None and (scope.brands is None or len(scope.brands) == 1)


@dataclass
class Loaded:
    """A period's packs: per pack its day number, rows and runs; per run its register, store, rows and the `new` first
    receipts asked for; per level the gaps of every row (in pack and run order)."""

    days: np.ndarray
    lengths: np.ndarray
    runs: np.ndarray
    registers: np.ndarray
    stores: np.ndarray
    sizes: np.ndarray
    new: np.ndarray
    gaps: dict[str, np.ndarray]

    def first_in(self, level: str, first: date) -> np.ndarray:
        """Per row: whether it is its contact's first at the level from `first` on."""
        threshold = np.repeat(self.days - (first - EPOCH).days, self.lengths)
        return self.gaps[level] > threshold

    @staticmethod
    def per_key(values: np.ndarray, starts: np.ndarray | None, keys: np.ndarray) -> dict[int, int]:
        """`values` summed per key: the parts starting at `starts` (each value its own part when None) each of one
        key in `keys`; zeros left out."""
        if not len(values):
            return {}
        parts = values.astype(np.int64) if starts is None else np.add.reduceat(values.astype(np.int64), starts)
        unique, inverse = np.unique(keys, return_inverse=True)
        totals = np.bincount(inverse, weights=parts, minlength=len(unique))
        return {int(key): int(total) for key, total in zip(unique, totals, strict=True) if total}

    def run_starts(self) -> np.ndarray:
        return np.r_[0, np.cumsum(self.sizes)[:-1]]

    def per_day(self, values: np.ndarray, parts: np.ndarray) -> dict[date, int]:
        """`values` summed per day, `parts` the number of them in each pack (its rows, or its runs)."""
        by_day = self.per_key(values, np.r_[0, np.cumsum(parts)[:-1]], self.days)
        return {EPOCH + timedelta(days=day): n for day, n in by_day.items()}


def load(scope: Scope, period: Period, levels: Iterable[str], new: str) -> Loaded:
    """The packs of the scope's days in the period: the gaps of `levels`, and the runs with their first receipts of
    `new` (`new_brand` or `new_overall`)."""
    levels = tuple(dict.fromkeys(levels))
    fields = ("day", "registers", "stores", "sizes", new, *(f"gap_{level}" for level in levels))
    packs = ContactDayPack.objects.filter(day__gte=period.first, day__lte=period.last, **scope.store_filter())
    columns = list(zip(*packs.values_list(*fields), strict=True)) or [() for _ in fields]
    values = dict(zip(fields, columns, strict=True))

    def joined(name: str, dtype: str) -> np.ndarray:
        return np.frombuffer(b"".join(values[name]), dtype=dtype)

    return Loaded(
        days=np.array([(day - EPOCH).days for day in values["day"]], dtype=np.int64),
        lengths=np.array([len(gap) // 2 for gap in values[f"gap_{levels[0]}"]], dtype=np.int64),
        runs=np.array([len(sizes) // 4 for sizes in values["sizes"]], dtype=np.int64),
        registers=joined("registers", "<i8"),
        stores=joined("stores", "<i8"),
        sizes=joined("sizes", "<i4"),
        new=joined(new, "<i4"),
        gaps={level: joined(f"gap_{level}", "<i2") for level in levels},
    )


Counts = dict[tuple[str | None, Any], int]


def counted_from_packs(scope: Scope, period: Period, groups: tuple[str, ...] = ()) -> tuple[Counts, Counts, int, int]:
    """The period's distinct active contacts and new contacts in total and per group (`store`, `register`, `day`;
    zeros left out, but the active contacts' total), and the previous period's totals, from the packs (the scopes
    of `counts_from_packs`): `(active, new, previous active, previous new)`."""
    if not counts_from_packs(scope):
        raise ValueError("the packs count every brand or one brand")
    level, new = ("any", "new_overall") if scope.brands is None else ("brand", "new_brand")
    current = load(scope, period, (level, *(group for group in ("store", "register") if group in groups)), new)
    first = current.first_in(level, period.first)
    active: Counts = {(None, None): int(np.count_nonzero(first))}
    added: Counts = {(None, None): int(current.new.sum())}
    starts = current.run_starts()
    for group, keys in (("store", current.stores), ("register", current.registers)):
        if group in groups:
            by_key = current.per_key(current.first_in(group, period.first), starts, keys)
            active.update(((group, key), n) for key, n in by_key.items())
            added.update(((group, key), n) for key, n in current.per_key(current.new, None, keys).items())
    if "day" in groups:
        by_day = current.per_day(current.gaps[level] > 0, current.lengths)
        active.update((("day", day), n) for day, n in by_day.items())
        added.update((("day", day), n) for day, n in current.per_day(current.new, current.runs).items())
    before = period.previous()
    previous = load(scope, before, (level,), new)
    added = {key: n for key, n in added.items() if n}
    return active, added, int(np.count_nonzero(previous.first_in(level, before.first))), int(previous.new.sum())
