"""Distinct active and new contacts of a period, in total and per group, for the overview (see `overview.py` for the
definitions).

They are counted in memory from the brand-days' packs of the contact-days (`pack_counts.py`, two queries, any scope
and database): each `ContactDay` row carries the contact's previous day at its register, store, brand and anywhere
(`prev_*`, kept by the refresh), so the distinct contacts of a scope active in days `a` to `b` are the rows of those
days whose previous day in that scope is before `a` (or none), and the new contacts a sum of first receipts. A year
and the year before are ~0.1 s, where counting their 2,500,000 rows in the database took ~0.6 s (a partner's stores,
with COUNT(DISTINCT), 3 s). A manager of every brand there is is counted as every brand, a partner owning every
store of the scope's brands as those brands.

The one thing no pack sums: the new contacts of several brands of many (a manager of two brands of five), each
contact counted at its first receipt of them all: the first receipts with an anti-join of the earlier ones at those
brands, GROUPING SETS on PostgreSQL (`_new_in_sets`), a query per group on SQLite. `counted_per_group` counts
everything with COUNT(DISTINCT …) and a query per group: the tests' reference.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from analytics.router import reads_connection
from analytics.summaries.models import ContactDay, ContactFirst
from analytics.summaries.pack_counts import counted_from_packs, new_from_packs
from analytics.summaries.scope import Period, Scope
from loyalty.models import Brand, Store

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


def _new_in_sets(
    scope: Scope, period: Period, groups: tuple[str, ...]
) -> tuple[dict[tuple[str | None, Any], int], int]:
    """The new contacts of several brands of many, in total and per group, and the previous period's total: on
    PostgreSQL both periods in one statement (FILTER by day) with GROUPING SETS, a query per group elsewhere."""
    previous = period.previous()
    if reads_connection().vendor != "postgresql":
        per_group = _per_group(_new_rows(scope, period), groups, n=Count("contact_id"))
        return {key: n for key, n in per_group.items() if n}, _new_rows(scope, previous).count()
    both = Period(first=previous.first, last=period.last)
    split = ["COUNT(*) FILTER (WHERE day >= %s)", "COUNT(*) FILTER (WHERE day < %s)"]
    in_sets = _grouping_sets(_new_rows(scope, both), groups, split, [period.first, period.first])
    return {key: values[0] for key, values in in_sets.items() if values[0]}, in_sets.get((None, None), [0, 0])[1]


def _plainest(scope: Scope) -> Scope:
    """The scope with the stores dropped when they are every store of its brands (a partner owning them all), then
    its brands when they are every brand there is (a manager of all of them): the same rows, counted at a level of
    their own (a brand's, every brand's) instead of by contact ids."""
    if scope.stores is not None and len(scope.stores) > 1 and scope.registers is None:
        stores = Store.objects.all() if scope.brands is None else Store.objects.filter(brand_id__in=scope.brands)
        if set(scope.stores) >= set(stores.values_list("pk", flat=True)):
            scope = replace(scope, stores=None)
    if scope.brands is None or len(scope.brands) < 2 or scope.stores is not None or scope.registers is not None:
        return scope
    if set(scope.brands) >= set(Brand.objects.values_list("pk", flat=True)):
        return replace(scope, brands=None)
    return scope


def contact_counts(scope: Scope, period: Period, groups: tuple[str, ...] = ()) -> ContactCounts:
    """Active and new contacts of the period, in total and per group (`store`, `register`, `day`), and of the
    previous period in total."""
    with counting():
        scope = _plainest(scope)
        if new_from_packs(scope):
            return ContactCounts(*counted_from_packs(scope, period, groups))
        active, _new, previous_active, _none = counted_from_packs(scope, period, groups, new=False)
        new, previous_new = _new_in_sets(scope, period, groups)
        return ContactCounts(active=active, new=new, previous_active=previous_active, previous_new=previous_new)
