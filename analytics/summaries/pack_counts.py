"""Distinct active and new contacts of a period counted in memory from the brand-days' packs (`packs.py`): two
queries (the period's packs and the previous period's) and a few numpy operations, for every scope.

- **Active contacts.** A row counts for a period from `a` when its gap at the scope's level is more than
  `day - a` (its previous day there is before `a`): the level of every brand (`any`), one brand (`brand`), one store
  (`store`) or one register (`register`). A scope of several stores, registers or brands has no level of its own:
  its distinct contacts are the distinct contact ids of its rows (the packs' `contacts`). A store's or a register's
  own count (the groups) has its level, but a store's of a scope of registers (some of its registers): the ids.
- **New contacts.** The first receipts per register add up: the scope's runs' `new_brand` for one brand, or
  `new_overall` (the contact's first at any brand) for every brand. Several brands of many need each contact's
  first of them all, which no sum gives: `contacts.py` counts those in SQL.

The scope's brands are read by the query; its stores and registers by a mask of the runs (a pack holds every store
of its brand).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from analytics.summaries.models import ContactDayPack
from analytics.summaries.packs import EPOCH
from analytics.summaries.scope import Period, Scope

Counts = dict[tuple[str | None, Any], int]
BITMAP_IDS = 1 << 26  # distinct contact ids counted in a bitmap up to this id (64 MB), by sorting above it


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
    if int(ids.max()) < BITMAP_IDS:
        seen = np.zeros(int(ids.max()) + 1, dtype=bool)
        seen[ids] = True
        return int(np.count_nonzero(seen))
    return len(np.unique(ids))


@dataclass
class Loaded:
    """A period's packs of a scope: per pack its day number, rows and runs; per run its register, store, rows, the
    first receipts asked for and whether it is the scope's; per row its contact (when asked for), the gaps of the
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
    in_runs: np.ndarray
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
    columns = list(zip(*packs.values_list(*fields), strict=True)) or [() for _ in fields]
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
        in_runs=in_runs,
        in_rows=np.repeat(in_runs, sizes),
    )


def counted_from_packs(
    scope: Scope, period: Period, groups: tuple[str, ...] = (), *, new: bool = True
) -> tuple[Counts, Counts, int, int]:
    """The period's distinct active contacts and new contacts in total and per group (`store`, `register`, `day`;
    zeros left out, but the active contacts' total), and the previous period's totals: `(active, new, previous
    active, previous new)`. Without `new` (several brands of many: `new_from_packs`), no new contacts."""
    if new and not new_from_packs(scope):
        raise ValueError("the new contacts of several brands of many are not a sum")
    level = level_of(scope)
    firsts = "new_overall" if scope.brands is None else "new_brand"
    kept = tuple(group for group in ("store", "register") if group in groups)
    ids = level is None or ("store" in kept and scope.registers is not None)
    current = load(scope, period, (*((level,) if level else ()), *kept), firsts, contacts=ids)
    active: Counts = {(None, None): current.total(level, period.first)}
    added: Counts = {(None, None): int(current.new.sum())}
    starts = current.run_starts()
    for group in kept:
        keys = current.stores if group == "store" else current.registers
        if group == "store" and scope.registers is not None:  # some of a store's registers: its level is no use
            by_key = current.distinct_per(np.repeat(keys, current.sizes))
        else:
            by_key = current.per_key(current.first_in(group, period.first), starts, keys)
        active.update(((group, key), n) for key, n in by_key.items())
        added.update(((group, key), n) for key, n in current.per_key(current.new, None, keys).items())
    if "day" in groups:
        if level is not None:
            by_day = current.per_day((current.gaps[level] > 0) & current.in_rows, current.lengths)
        else:
            by_day = {
                EPOCH + timedelta(days=day): n
                for day, n in current.distinct_per(np.repeat(current.days, current.lengths)).items()
            }
        active.update((("day", day), n) for day, n in by_day.items())
        added.update((("day", day), n) for day, n in current.per_day(current.new, current.runs).items())
    before = period.previous()
    previous = load(scope, before, (level,) if level else (), firsts, contacts=level is None)
    if not new:
        return active, {}, previous.total(level, before.first), 0
    added = {key: n for key, n in added.items() if n}
    return active, added, previous.total(level, before.first), int(previous.new.sum())
