"""Distinct active and new contacts of a period, in total and per group, for the overview (see `overview.py` for the
definitions), reading each contact summary as few times as a page allows.

On PostgreSQL one statement with GROUPING SETS counts the period's distinct active contacts in total and per store,
register and day in one pass over its `ContactDay` rows, and one more counts the previous period's; one statement
counts the new contacts of both periods (in total and per group of the period) from `ContactFirst`, so that the
anti-join of several brands runs once. Other databases (SQLite in development and tests) count the same figures with
a query per group.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from analytics.summaries.models import ContactDay, ContactFirst
from analytics.summaries.scope import Period, Scope

COLUMNS = {"store": "store_id", "register": "register_id", "day": "day"}


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
    with connection.cursor() as cursor:
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


def contact_counts(scope: Scope, period: Period, groups: tuple[str, ...] = ()) -> ContactCounts:
    """Active and new contacts of the period, in total and per group (`store`, `register`, `day`), and of the
    previous period in total."""
    if connection.vendor == "postgresql":
        return counted_in_sets(scope, period, groups)
    return counted_per_group(scope, period, groups)
