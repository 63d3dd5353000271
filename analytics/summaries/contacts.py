"""Distinct active and new contacts of a period, in total and per group, for the overview (see `overview.py` for the
definitions).

They are counted in memory from the brand-days' packs of the contact-days (`pack_counts.py`, two queries, any scope
and database): each `ContactDay` row carries the contact's previous day at its register, store, brand and anywhere
(`prev_*`, kept by the refresh), so the distinct contacts of a scope active in days `a` to `b` are the rows of those
days whose previous day in that scope is before `a` (or none), and the new contacts a sum of first receipts (for
several brands of many: each contact's first receipt of them all, from the first receipts' times). A year
and the year before are ~0.1 s, where counting their 2,500,000 rows in the database took ~0.6 s (a partner's stores,
with COUNT(DISTINCT), 3 s). A manager of every brand there is is counted as every brand, a partner owning every
store of the scope's brands as those brands.

`tests/analytics/distinct_reference.py` counts the same with COUNT(DISTINCT …), an anti-join and a query per group:
the tests' reference.
"""

from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction

from analytics.router import reads_connection
from analytics.summaries.pack_counts import counted_from_packs
from analytics.summaries.scope import Period, Scope
from loyalty.models import Brand, Store


@dataclass
class ContactCounts:
    """Active and new contacts: `current[(group, key)]` per group value (`(None, None)` the period's total) and the
    previous period's totals."""

    active: dict[tuple[str | None, Any], int] = field(default_factory=dict)
    new: dict[tuple[str | None, Any], int] = field(default_factory=dict)
    previous_active: int = 0
    previous_new: int = 0


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
    previous period in total. The period's packs and the previous period's are read in one transaction on the
    connection analytics reads use (`reads_connection`)."""
    with transaction.atomic(using=reads_connection().alias):
        return ContactCounts(*counted_from_packs(_plainest(scope), period, groups))
