"""Distinct active and new contacts of a period counted in memory from the brand-days' packs (`packs.py`): two
queries (the period's packs and the previous period's) and a few numpy operations, for every scope.

- **Active contacts.** A row counts for a period from `a` when its gap at the scope's level is more than
  `day - a` (its previous day there is before `a`): the level of every brand (`any`), one brand (`brand`), one store
  (`store`) or one register (`register`). A scope of several stores, registers or brands has no level of its own:
  its distinct contacts are the distinct contact ids of its rows (the packs' `contacts`). A store's or a register's
  own count (the groups) has its level, but a store's of a scope of registers (some of its registers): the ids.
- **New contacts.** The first receipts per register add up: the scope's runs' `new_brand` for one brand, or
  `new_overall` (the contact's first at any brand) for every brand. Several brands of many need each contact's
  first of them all (the earliest, ties to the lower brand), which no sum gives: the first receipts of those brands
  from just before the previous period (`first_contacts`, `first_ats`) give each contact's least `(time, brand)` by
  `np.minimum.at`, the contacts of the earlier ones (at most one per contact and brand, whatever the history) rule
  theirs out, and the scope's new contacts are those whose first of them all falls in the period at its stores.

The scope's brands are read by the query; its stores and registers by a mask of the runs (a pack holds every store
of its brand).
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import psycopg
from django.db import connections
from django.db.models import QuerySet

from analytics.summaries.models import ContactDayPack
from analytics.summaries.packs import EPOCH
from analytics.summaries.scope import Period, Scope

Counts = dict[tuple[str | None, Any], int]
BITMAP_IDS = 1 << 26  # distinct contact ids counted in a bitmap up to this id (64 MB), by sorting above it
MARGIN_DAYS = 2  # two stores' local days differ by up to 26 hours: first receipts 3 days apart are in time order


def fetched(rows: QuerySet[Any, tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """A `values_list` of packs. On PostgreSQL its results come in binary, through a cursor of the same connection
    (Django's is client-side, which gives text only, and text sends a blob as hex: 2 to 3 times the time), logged
    as Django logs a query when it does (tests pin the queries)."""
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return list(rows)
    sql, params = rows.query.sql_with_params()
    connection.ensure_connection()
    started = time.monotonic()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True, prepare=False)  # never prepared: safe behind PgBouncer
        result = cursor.fetchall()
    if connection.queries_logged:
        connection.queries_log.append({"sql": f"{sql} -- {params!r}", "time": f"{time.monotonic() - started:.3f}"})
    return result


def level_of(scope: Scope) -> str | None:
    """The level whose first rows are the scope's distinct contacts; None when only the contact ids tell."""
    if scope.registers is not None:
        return "register" if len(scope.registers) == 1 else None
    if scope.stores is not None:
        return "store" if len(scope.stores) == 1 else None
    if scope.brands is None:
        return "any"
    return "brand" if len(scope.brands) == 1 else None


def new_from_packs(scope: Scope) -> bool:
    """Whether the packs count the scope's new contacts: every brand's, or one brand's (any stores or registers)."""
    return scope.brands is None or len(scope.brands) == 1


def distinct(ids: np.ndarray) -> int:
    if not len(ids):
        return 0
    if int(ids.max()) >= BITMAP_IDS:
        return len(np.unique(ids))
    seen = np.zeros(int(ids.max()) + 1, dtype=bool)
    seen[ids] = True
    return int(np.count_nonzero(seen))


@dataclass
class Loaded:
    """A period's packs of a scope: per pack its day number, rows and runs; per run its register, store, rows, the
    first receipts asked for (the scope's only); per row its contact (when asked for), the gaps of the
    levels asked for, and whether it is the scope's."""

    days: np.ndarray
    lengths: np.ndarray
    runs: np.ndarray
    registers: np.ndarray
    stores: np.ndarray
    sizes: np.ndarray
    new: np.ndarray
    contacts: np.ndarray
    gaps: dict[str, np.ndarray]
    in_rows: np.ndarray

    def first_in(self, level: str, first: date) -> np.ndarray:
        """Per row: whether it is the scope's and its contact's first at the level from `first` on."""
        threshold = np.repeat(self.days - (first - EPOCH).days, self.lengths)
        return (self.gaps[level] > threshold) & self.in_rows

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

    def distinct_per(self, keys: np.ndarray) -> dict[int, int]:
        """The scope's distinct contacts per key (one per row), from the contact ids."""
        keys, ids = keys[self.in_rows], self.contacts[self.in_rows]
        if not len(ids):
            return {}
        base, width = int(keys.min()), int(ids.max()) + 1
        pairs = np.unique((keys - base) * width + ids)
        unique, counts = np.unique(pairs // width, return_counts=True)
        return {int(key) + base: int(n) for key, n in zip(unique, counts, strict=True)}

    def total(self, level: str | None, first: date) -> int:
        """The scope's distinct contacts from `first` on (the loaded period's first day)."""
        if level is not None:
            return int(np.count_nonzero(self.first_in(level, first)))
        return distinct(self.contacts[self.in_rows])


def load(scope: Scope, period: Period, levels: Iterable[str], new: str, *, contacts: bool) -> Loaded:
    """The scope's packs of the period: the runs with their first receipts of `new` (`new_brand` or `new_overall`),
    the gaps of `levels`, and the contact ids when asked for."""
    levels = tuple(dict.fromkeys(levels))
    per_row = (*(("contacts",) if contacts else ()), *(f"gap_{level}" for level in levels))
    fields = ("day", "registers", "stores", "sizes", new, *per_row)
    packs = ContactDayPack.objects.filter(day__gte=period.first, day__lte=period.last)
    if scope.brands is not None:
        packs = packs.filter(brand_id__in=scope.brands)
    columns = list(zip(*fetched(packs.values_list(*fields)), strict=True)) or [() for _ in fields]
    values = dict(zip(fields, columns, strict=True))

    def joined(name: str, dtype: str) -> np.ndarray:
        return np.frombuffer(b"".join(values[name]), dtype=dtype) if name in values else np.empty(0, np.int64)

    sizes = joined("sizes", "<i4")
    runs = np.array([len(blob) // 4 for blob in values["sizes"]], dtype=np.int64)
    stores, registers = joined("stores", "<i8"), joined("registers", "<i8")
    in_runs = np.ones(len(sizes), dtype=bool)
    if scope.stores is not None:
        in_runs &= np.isin(stores, scope.stores)
    if scope.registers is not None:
        in_runs &= np.isin(registers, scope.registers)
    run_packs = np.repeat(np.arange(len(runs)), runs)
    return Loaded(
        days=np.array([(day - EPOCH).days for day in values["day"]], dtype=np.int64),
        lengths=np.bincount(run_packs, weights=sizes, minlength=len(runs)).astype(np.int64),
        runs=runs,
        registers=registers,
        stores=stores,
        sizes=sizes,
        new=np.where(in_runs, joined(new, "<i4"), 0),
        contacts=joined("contacts", "<i8"),
        gaps={level: joined(f"gap_{level}", "<i2") for level in levels},
        in_rows=np.repeat(in_runs, sizes),
    )


def _members(values: np.ndarray, of: np.ndarray) -> np.ndarray:
    """Per value: whether it is one of `of` (a bitmap up to BITMAP_IDS, `np.isin` above)."""
    if not len(of) or not len(values):
        return np.zeros(len(values), dtype=bool)
    top = max(int(values.max()), int(of.max()))
    if top >= BITMAP_IDS:
        return np.isin(values, of)
    seen = np.zeros(top + 1, dtype=bool)
    seen[of] = True
    return seen[values]


def _several_brands_new(scope: Scope, period: Period, groups: tuple[str, ...]) -> tuple[Counts, int]:
    """The new contacts of several brands of many, in total and per group (zeros left out), and the previous
    period's total: each contact's first receipt of those brands (the least time, then brand), where it is in the
    scope's stores and registers. The first receipts from two days before the previous period on are compared by
    time; a contact with one before those (earlier, whatever the stores' time zones) is new in neither period, so
    of the history only the contacts are read."""
    assert scope.brands is not None
    brands = np.array(sorted(scope.brands), dtype=np.int64)
    recent = period.previous().first - timedelta(days=MARGIN_DAYS)
    packs = ContactDayPack.objects.filter(brand_id__in=scope.brands)
    history = fetched(packs.filter(day__lt=recent).values_list("first_contacts"))
    known = np.frombuffer(b"".join(blob for (blob,) in history), "<i8")
    fields = ("brand_id", "day", "registers", "stores", "new_brand", "first_contacts", "first_ats")
    rows = fetched(packs.filter(day__gte=recent, day__lte=period.last).values_list(*fields))
    values = dict(zip(fields, list(zip(*rows, strict=True)) or [() for _ in fields], strict=True))
    contacts = np.frombuffer(b"".join(values["first_contacts"]), "<i8")
    if not len(contacts):
        return {}, 0
    per_run = np.frombuffer(b"".join(values["new_brand"]), "<i4")
    per_pack = np.array([len(blob) // 8 for blob in values["first_contacts"]], dtype=np.int64)
    rank = np.searchsorted(brands, np.repeat(np.array(values["brand_id"], dtype=np.int64), per_pack))
    key = np.frombuffer(b"".join(values["first_ats"]), "<i8") * len(brands) + rank  # by time, then brand
    days = np.repeat(np.array([(day - EPOCH).days for day in values["day"]], dtype=np.int64), per_pack)
    stores = np.repeat(np.frombuffer(b"".join(values["stores"]), "<i8"), per_run)
    registers = np.repeat(np.frombuffer(b"".join(values["registers"]), "<i8"), per_run)
    base = int(contacts.min())
    least = np.full(int(contacts.max()) - base + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(least, contacts - base, key)
    first = (key == least[contacts - base]) & ~_members(contacts, known)
    if scope.stores is not None:
        first &= np.isin(stores, scope.stores)
    if scope.registers is not None:
        first &= np.isin(registers, scope.registers)
    start, before = (period.first - EPOCH).days, (period.previous().first - EPOCH).days
    current = first & (days >= start)
    counts: Counts = {(None, None): int(np.count_nonzero(current))}
    for group, keys in (("store", stores), ("register", registers), ("day", days)):
        if group in groups:
            found = np.unique(keys[current], return_counts=True)
            name = (lambda day: EPOCH + timedelta(days=int(day))) if group == "day" else int
            counts.update(((group, name(key)), int(n)) for key, n in zip(*found, strict=True))
    previous = int(np.count_nonzero(first & (days >= before) & (days < start)))
    return {key: n for key, n in counts.items() if n}, previous


def _active(current: Loaded, scope: Scope, level: str | None, first: date, groups: tuple[str, ...]) -> Counts:
    """The distinct active contacts from `first` on, in total and per group."""
    active: Counts = {(None, None): current.total(level, first)}
    for group in ("store", "register"):
        if group not in groups:
            continue
        keys = current.stores if group == "store" else current.registers
        if group == "store" and scope.registers is not None:  # some of a store's registers: its level is no use
            by_key = current.distinct_per(np.repeat(keys, current.sizes))
        else:
            by_key = current.per_key(current.first_in(group, first), current.run_starts(), keys)
        active.update(((group, key), n) for key, n in by_key.items())
    if "day" in groups:
        if level is not None:
            by_day = current.per_day((current.gaps[level] > 0) & current.in_rows, current.lengths)
        else:
            days = current.distinct_per(np.repeat(current.days, current.lengths))
            by_day = {EPOCH + timedelta(days=day): n for day, n in days.items()}
        active.update((("day", day), n) for day, n in by_day.items())
    return active


def _summed_new(current: Loaded, groups: tuple[str, ...]) -> Counts:
    """The first receipts of the scope's runs, in total and per group."""
    new: Counts = {(None, None): int(current.new.sum())}
    for group, keys in (("store", current.stores), ("register", current.registers)):
        if group in groups:
            new.update(((group, key), n) for key, n in current.per_key(current.new, None, keys).items())
    if "day" in groups:
        new.update((("day", day), n) for day, n in current.per_day(current.new, current.runs).items())
    return new


def counted_from_packs(scope: Scope, period: Period, groups: tuple[str, ...] = ()) -> tuple[Counts, Counts, int, int]:
    """The period's distinct active contacts and new contacts in total and per group (`store`, `register`, `day`;
    zeros left out, but the active contacts' total), and the previous period's totals: `(active, new, previous
    active, previous new)`."""
    level = level_of(scope)
    firsts = "new_overall" if scope.brands is None else "new_brand"
    kept = tuple(group for group in ("store", "register") if group in groups)
    ids = level is None or ("store" in kept and scope.registers is not None)
    current = load(scope, period, (*((level,) if level else ()), *kept), firsts, contacts=ids)
    before = period.previous()
    previous = load(scope, before, (level,) if level else (), firsts, contacts=level is None)
    active = _active(current, scope, level, period.first, groups)
    if new_from_packs(scope):
        new, previous_new = _summed_new(current, groups), int(previous.new.sum())
    else:
        new, previous_new = _several_brands_new(scope, period, groups)
    return active, {key: n for key, n in new.items() if n}, previous.total(level, before.first), previous_new
