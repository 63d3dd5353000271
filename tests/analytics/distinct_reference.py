"""The tests' reference for the dashboards' distinct contacts (`analytics/summaries/contacts.py` counts them from the
packs): COUNT(DISTINCT contact) over the contact-days, the first receipts with an anti-join of each contact's earlier
ones at the scope's brands, a query per group and period, through the ORM on any database."""

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from analytics.summaries.contacts import ContactCounts
from analytics.summaries.models import ContactDay, ContactFirst
from analytics.summaries.scope import Period, Scope

COLUMNS = {"store": "store_id", "register": "register_id", "day": "day"}


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


def _per_group(queryset: QuerySet[Any], groups: tuple[str, ...], **aggregate: Any) -> dict[tuple[str | None, Any], int]:
    """The aggregate `n` in total and per group, a query each."""
    result: dict[tuple[str | None, Any], int] = {(None, None): int(queryset.aggregate(**aggregate)["n"] or 0)}
    for group in groups:
        column = COLUMNS[group]
        for row in queryset.order_by().values(column).annotate(**aggregate):
            result[(group, row[column])] = int(row["n"] or 0)
    return result


def counted_per_group(scope: Scope, period: Period, groups: tuple[str, ...] = ()) -> ContactCounts:
    """What `contact_counts` counts, with a query per group and period."""
    previous = period.previous()
    distinct = {"n": Count("contact_id", distinct=True)}
    return ContactCounts(
        active=_per_group(_active_rows(scope, period), groups, **distinct),
        new=_per_group(_new_rows(scope, period), groups, n=Count("contact_id")),
        previous_active=int(_active_rows(scope, previous).aggregate(**distinct)["n"] or 0),
        previous_new=_new_rows(scope, previous).count(),
    )
