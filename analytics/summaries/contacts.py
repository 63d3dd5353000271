"""Distinct active and new contacts of a period, in total and per group, for the overview (see `overview.py` for the
definitions), reading each contact summary as few times as a page allows.

Plain counts where the scope allows (`counted_from_previous_days`, any database): each `ContactDay` row carries the
contact's previous day at its register, store, brand and anywhere (`prev_*`, kept by the refresh), so the distinct
contacts of a scope active in days `a` to `b` are the rows of those days whose previous day in that scope is before
`a` (or none): one row per contact, with no DISTINCT and no sort. For one brand or every brand those rows, and the
first receipts per register and day, are counted in memory from the brand-days' packs (`packs.py`, two queries: a
year and the year before in ~0.1 s, where counting their rows in the database took ~0.6 s). For one store or one
register, whose rows are few, one statement counts the period's and the previous period's active contacts and
every group's (a store's with `prev_store`, a register's with `prev_register`, a day's rows whose previous day is
before that day); one more the new contacts of both periods from `ContactFirst`. That needs the scope to be one
brand, every brand, one store or one register (and the new contacts one brand or every brand: across every brand,
only the first receipts marked `first_overall` count).

Other scopes (several brands of many, as a manager of two brands sees them; a partner's several stores) have no
such column: on PostgreSQL one statement with GROUPING SETS counts the period's distinct active contacts in total
and per store, register and day in one pass over its `ContactDay` rows, one more counts the previous period's, and
one counts the new contacts of both periods (in total and per group) from `ContactFirst` with the anti-join of
several brands run once (`counted_in_sets`). SQLite counts those with a query per group (`counted_per_group`).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db import transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from analytics.router import reads_connection
from analytics.summaries.models import ContactDay, ContactFirst
from analytics.summaries.packs import counted_from_packs, counts_from_packs
from analytics.summaries.scope import Period, Scope
from loyalty.models import Brand

COLUMNS = {"store": "store_id", "register": "register_id", "day": "day"}
# The counting statements' settings on PostgreSQL, for their transaction: their grouping kept in memory (by default
# a year of rows spilled its sort to disk), and no JIT (it spent ~0.1 s compiling a statement that runs in less).
COUNTING_SETTINGS = ("SET LOCAL work_mem = '64MB'", "SET LOCAL jit = off")


_counting: ContextVar[bool] = ContextVar("counting", default=False)


@contextmanager
def counting() -> Iterator[None]:
    """A transaction on the connection analytics reads use (`reads_connection`), with the counting settings on
    PostgreSQL, for every counting statement inside it."""
    if _counting.get():
        yield
        return
    reads = reads_connection()
    token = _counting.set(True)
    try:
        with transaction.atomic(using=reads.alias):
            if reads.vendor == "postgresql":
                with reads.cursor() as cursor:
                    cursor.execute("; ".join(COUNTING_SETTINGS))
            yield
    finally:
        _counting.reset(token)


@contextmanager
def counting_cursor() -> Iterator[CursorWrapper]:
    """A cursor for a counting statement (inside `counting()`)."""
    with counting(), reads_connection().cursor() as cursor:
        yield cursor


@dataclass
class ContactCounts:
    """Active and new contacts: `current[(group, key)]` per group value (`(None, None)` the period's total) and the
    previous period's totals."""

    active: dict[tuple[str | None, Any], int] = field(default_factory=dict)
    new: dict[tuple[str | None, Any], int] = field(default_factory=dict)
    previous_active: int = 0
    previous_new: int = 0


def _active_rows(scope: Scope, period: Period) -> QuerySet[ContactDay]:
    return ContactDay.objects.filter(day__gte=period.first, day__lte=period.last, **scope.store_filter())


def _new_rows(scope: Scope, period: Period) -> QuerySet[ContactFirst]:
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


def _grouping_sets(
    queryset: QuerySet[Any], groups: tuple[str, ...], counts: list[str], params: list[Any]
) -> dict[tuple[str | None, Any], list[int]]:
    """PostgreSQL: `counts` (SQL aggregates over the rows' `contact_id` and `day`, with `params`) in total and per
    group, in one statement: `{(group, key): [count, …]}`, `(None, None)` the total."""
    inner, inner_params = queryset.order_by().values("contact_id", "day", *COLUMNS.values()).query.sql_with_params()
    columns = [COLUMNS[group] for group in groups]
    flags = [f"GROUPING({column})" for column in columns]
    grouping = f" GROUP BY GROUPING SETS ((), {', '.join(f'({column})' for column in columns)})" if columns else ""
    select = ", ".join([*flags, *columns, *counts])
    sql = f"SELECT {select} FROM ({inner}) AS contact_rows{grouping}"  # noqa: S608 (no user text: columns are ours)
    result: dict[tuple[str | None, Any], list[int]] = {}
    with counting_cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])
        for row in cursor.fetchall():
            values = [int(value or 0) for value in row[2 * len(columns) :]]
            grouped = [index for index, flag in enumerate(row[: len(columns)]) if flag == 0]
            if grouped:
                index = grouped[0]
                result[(groups[index], row[len(columns) + index])] = values
            else:
                result[(None, None)] = values
    return result


def _per_group(queryset: QuerySet[Any], groups: tuple[str, ...], **aggregate: Any) -> dict[tuple[str | None, Any], int]:
    """Other databases: the aggregate `n` in total and per group, a query each."""
    result: dict[tuple[str | None, Any], int] = {(None, None): int(queryset.aggregate(**aggregate)["n"] or 0)}
    for group in groups:
        column = COLUMNS[group]
        for row in queryset.order_by().values(column).annotate(**aggregate):
            result[(group, row[column])] = int(row["n"] or 0)
    return result


def counted_per_group(scope: Scope, period: Period, groups: tuple[str, ...] = ()) -> ContactCounts:
    """`contact_counts` with a query per group and period (any database)."""
    previous = period.previous()
    distinct = {"n": Count("contact_id", distinct=True)}
    return ContactCounts(
        active=_per_group(_active_rows(scope, period), groups, **distinct),
        new=_per_group(_new_rows(scope, period), groups, n=Count("contact_id")),
        previous_active=int(_active_rows(scope, previous).aggregate(**distinct)["n"] or 0),
        previous_new=_new_rows(scope, previous).count(),
    )


def counted_in_sets(scope: Scope, period: Period, groups: tuple[str, ...] = ()) -> ContactCounts:
    """`contact_counts` in three statements (PostgreSQL): the period's active contacts with GROUPING SETS, the
    previous period's, and the new contacts of both periods (FILTER by day) with GROUPING SETS."""
    previous = period.previous()
    active = _grouping_sets(_active_rows(scope, period), groups, ["COUNT(DISTINCT contact_id)"], [])
    previous_active = _active_rows(scope, previous).aggregate(n=Count("contact_id", distinct=True))["n"]
    both = Period(first=previous.first, last=period.last)
    split = ["COUNT(*) FILTER (WHERE day >= %s)", "COUNT(*) FILTER (WHERE day < %s)"]
    new = _grouping_sets(_new_rows(scope, both), groups, split, [period.first, period.first])
    return ContactCounts(
        active={key: values[0] for key, values in active.items()},
        new={key: values[0] for key, values in new.items() if values[0]},
        previous_active=int(previous_active or 0),
        previous_new=new.get((None, None), [0, 0])[1],
    )


def _previous_column(scope: Scope) -> str | None:
    """The `ContactDay` column of previous days that makes the scope's distinct contacts a count: the scope must be
    every row of one register, store or brand, or every row; None for any other scope."""
    if scope.registers is not None:
        return "prev_register" if len(scope.registers) == 1 else None
    if scope.stores is not None:
        return "prev_store" if len(scope.stores) == 1 else None
    if scope.brands is None:
        return "prev_any"
    return "prev_brand" if len(scope.brands) == 1 else None


def counts_from_previous_days(scope: Scope) -> bool:
    """Whether `counted_from_previous_days` counts the scope: its active contacts have a column of previous days
    (`_previous_column`), and its new contacts are one brand's or every brand's (several of many need the
    anti-join)."""
    return _previous_column(scope) is not None and (scope.brands is None or len(scope.brands) == 1)


def _first_in(column: str, since: str) -> str:
    """A row that is its contact's first in the column's scope from `since` (a parameter or a column) on."""
    return f"({column} IS NULL OR {column} < {since})"


Measures = dict[str, tuple[str, list[Any]]]


def _in_sets(queryset: QuerySet[Any], groups: tuple[str, ...], measures: Measures) -> list[tuple[Any, ...]]:
    """The `measures` (name: an aggregate and its parameters) over the rows, per (store, register) when a store or
    register group is asked for, and per day when the day group is (in total when neither): rows
    `(by_day, store, register, day, {name: value})`. Every measure is a count of rows, so that any group's is the sum
    of its parts'. PostgreSQL with both groupings: the rows counted per (store, register, day) (a parallel hash
    aggregate), then GROUPING SETS over those; other databases: UNION ALL of the two."""
    inner, inner_params = queryset.order_by().query.sql_with_params()
    names = list(measures)
    aggregates = ", ".join(measures[name][0] for name in names)
    params = [param for name in names for param in measures[name][1]]
    base = "store_id, register_id" if {"store", "register"} & set(groups) else ""
    rows = f"FROM ({inner}) AS contact_rows"
    if base and "day" in groups and reads_connection().vendor == "postgresql":
        sums = ", ".join(f"SUM(m{index})" for index in range(len(names)))
        counted = ", ".join(f"{measures[name][0]} AS m{index}" for index, name in enumerate(names))
        sql = (
            f"SELECT GROUPING(day) = 0, store_id, register_id, day, {sums} FROM (SELECT store_id, register_id, day,"  # noqa: S608 (no user text)
            f" {counted} {rows} GROUP BY store_id, register_id, day) AS counted"
            " GROUP BY GROUPING SETS ((store_id, register_id), (day))"
        )
        statement_params = [*params, *inner_params]
    elif base:
        sql = f"SELECT 0, store_id, register_id, NULL, {aggregates} {rows} GROUP BY {base}"
        statement_params = [*params, *inner_params]
        if "day" in groups:
            sql += f" UNION ALL SELECT 1, NULL, NULL, day, {aggregates} {rows} GROUP BY day"
            statement_params += [*params, *inner_params]
    elif "day" in groups:
        sql = f"SELECT 1, NULL, NULL, day, {aggregates} {rows} GROUP BY day"
        statement_params = [*params, *inner_params]
    else:
        sql = f"SELECT 0, NULL, NULL, NULL, {aggregates} {rows}"
        statement_params = [*params, *inner_params]
    with counting_cursor() as cursor:
        cursor.execute(sql, statement_params)
        return [(*row[:4], dict(zip(names, row[4:], strict=True))) for row in cursor.fetchall()]


def _day(value: Any) -> date:
    """A day as the cursor gives it (SQLite: text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _tally(rows: list[tuple[Any, ...]], groups: tuple[str, ...], read: dict[str, str]) -> tuple[dict[Any, int], int]:
    """The counts per group from `_in_sets` rows (`read`: the measure each of `total`, `previous`, and the groups
    reads): a store's is the sum of its registers', the total the sum of the rows of one grouping; zeros left out
    but the total's. Returns them and the previous period's total."""
    counts: dict[tuple[str | None, Any], int] = {(None, None): 0}
    previous = 0
    days_only = "day" in groups and not {"store", "register"} & set(groups)
    for by_day, store, register, day, values in rows:
        if by_day and values[read["day"]]:
            counts[("day", _day(day))] = int(values[read["day"]])
        if bool(by_day) != days_only:
            continue
        counts[(None, None)] += int(values[read["total"]] or 0)
        previous += int(values[read["previous"]] or 0)
        if "store" in groups and values[read["store"]]:
            counts[("store", store)] = counts.get(("store", store), 0) + int(values[read["store"]])
        if "register" in groups and values[read["register"]]:
            counts[("register", register)] = int(values[read["register"]])
    return counts, previous


def counted_from_previous_days(scope: Scope, period: Period, groups: tuple[str, ...] = ()) -> ContactCounts:
    """`contact_counts` as plain counts over the rows' previous days (see the module's docstring), in two statements
    on any database, for the scopes `counts_from_previous_days` accepts; only the counts the groups need."""
    column = _previous_column(scope)
    if column is None or not counts_from_previous_days(scope):
        raise ValueError("no column of previous days counts this scope")
    previous = period.previous()
    start, earlier = (reads_connection().ops.adapt_datefield_value(day) for day in (period.first, previous.first))
    in_both = {"day__gte": previous.first, "day__lte": period.last, **scope.store_filter()}
    store_column = "prev_register" if scope.registers is not None else "prev_store"
    active: Measures = {
        "total": (f"COUNT(*) FILTER (WHERE day >= %s AND {_first_in(column, '%s')})", [start, start]),
        "previous": (f"COUNT(*) FILTER (WHERE day < %s AND {_first_in(column, '%s')})", [start, earlier]),
    }
    if "store" in groups:
        active["store"] = (f"COUNT(*) FILTER (WHERE day >= %s AND {_first_in(store_column, '%s')})", [start, start])
    if "register" in groups:
        active["register"] = (f"COUNT(*) FILTER (WHERE day >= %s AND {_first_in('prev_register', '%s')})", [start] * 2)
    if "day" in groups:
        active["day"] = (f"COUNT(*) FILTER (WHERE day >= %s AND {_first_in(column, 'day')})", [start])
    columns = ("day", "store_id", "register_id", column, *(name for name in ("store", "register") if name in groups))
    read_columns = {"store": store_column, "register": "prev_register"}
    active_rows = _in_sets(
        ContactDay.objects.filter(**in_both).values(*dict.fromkeys(read_columns.get(name, name) for name in columns)),
        groups,
        active,
    )
    firsts = ContactFirst.objects.filter(**in_both)
    if scope.brands is None:
        firsts = firsts.filter(first_overall=True)
    new_rows = _in_sets(
        firsts.values("day", "store_id", "register_id"),
        groups,
        {
            "total": ("COUNT(*) FILTER (WHERE day >= %s)", [start]),
            "previous": ("COUNT(*) FILTER (WHERE day < %s)", [start]),
        },
    )
    active_counts, previous_active = _tally(active_rows, groups, {name: name for name in active})
    new_counts, previous_new = _tally(
        new_rows,
        groups,
        {"total": "total", "previous": "previous", "store": "total", "register": "total", "day": "total"},
    )
    return ContactCounts(
        active=active_counts,
        new={key: n for key, n in new_counts.items() if n},
        previous_active=previous_active,
        previous_new=previous_new,
    )


def _every_brand_as_such(scope: Scope) -> Scope:
    """The scope of several brands that are every brand there is (a manager of all of them) as every brand's, which
    the packs count (the same rows: every row is some brand's); any other scope as it is."""
    if scope.brands is None or len(scope.brands) < 2 or scope.stores is not None or scope.registers is not None:
        return scope
    if set(scope.brands) >= set(Brand.objects.values_list("pk", flat=True)):
        return replace(scope, brands=None)
    return scope


def contact_counts(scope: Scope, period: Period, groups: tuple[str, ...] = ()) -> ContactCounts:
    """Active and new contacts of the period, in total and per group (`store`, `register`, `day`), and of the
    previous period in total."""
    with counting():
        scope = _every_brand_as_such(scope)
        if counts_from_packs(scope):
            return ContactCounts(*counted_from_packs(scope, period, groups))
        if counts_from_previous_days(scope):
            return counted_from_previous_days(scope, period, groups)
        if reads_connection().vendor == "postgresql":
            return counted_in_sets(scope, period, groups)
        return counted_per_group(scope, period, groups)
