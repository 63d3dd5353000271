"""LTV and retention by monthly cohort of first purchase.

A contact's cohort is the calendar month (the project's time zone) of their first purchase from the brands, ever
(purchases refunded in full do not count). For the cohorts of the last `months` months up to the end (the end's
month included), month k is the k-th calendar month after the cohort's: `ltv[k]` is the money the cohort paid in
months 0..k, net of refunds, divided by its contacts (cumulative revenue per contact), and `retention[k]` the
share of its contacts who bought in month k (1 in month 0 by definition). A cohort has values up to the end's
month. Computed in Python from one query of the cohorts' purchases (portable SQL).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Min
from django.utils import timezone

from analytics.metrics.base import Period, counted_purchases
from common.money import ZERO, quantize

DEFAULT_MONTHS = 12
MAX_MONTHS = 120
BEGINNING = datetime(2000, 1, 1, tzinfo=timezone.get_fixed_timezone(0))


@dataclass(frozen=True)
class Cohort:
    cohort: str  # "YYYY-MM"
    contacts: int
    ltv: list[Decimal]
    retention: list[float]


def _month_index(moment: datetime) -> int:
    local = timezone.localtime(moment)
    return local.year * 12 + local.month - 1


def _month_start(index: int) -> datetime:
    year, month = divmod(index, 12)
    return timezone.make_aware(datetime(year, month + 1, 1))


def ltv_table(brand_ids: list[int] | None, *, months: int = DEFAULT_MONTHS, end: datetime) -> list[Cohort]:
    """Cohorts from the oldest to the end's month (those with no contact left out)."""
    last = _month_index(end - timedelta(microseconds=1))  # the end is excluded: `to=2026-01-31` ends in January
    first_cohort = last - months + 1
    since = _month_start(first_cohort)
    everything = Period(start=BEGINNING, end=end)
    firsts = (
        counted_purchases(brand_ids, everything).values("contact_id").annotate(first=Min("at")).filter(first__gte=since)
    )
    cohorts_purchases: Any = counted_purchases(brand_ids, Period(start=since, end=end))  # `net`: an annotation
    rows = cohorts_purchases.filter(contact_id__in=firsts.values("contact_id")).values_list("contact_id", "at", "net")
    first_month: dict[int, int] = {}
    bought: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for contact, at, net in rows:
        month = _month_index(at)
        bought[contact].append((month, net if net is not None else ZERO))
        first_month[contact] = min(first_month.get(contact, month), month)
    members: dict[int, list[int]] = defaultdict(list)
    for contact, month in first_month.items():
        members[month].append(contact)
    cohorts = []
    for month in range(first_cohort, last + 1):
        contacts = members.get(month, [])
        if not contacts:
            continue
        span = last - month + 1
        money = [ZERO] * span
        buyers: list[set[int]] = [set() for _ in range(span)]
        for contact in contacts:
            for bought_month, net in bought[contact]:
                k = bought_month - month
                money[k] += net
                buyers[k].add(contact)
        running, ltv, retention = ZERO, [], []
        for k in range(span):
            running += money[k]
            ltv.append(quantize(running / len(contacts)))
            retention.append(round(len(buyers[k]) / len(contacts), 4))
        year, month0 = divmod(month, 12)
        cohorts.append(Cohort(date(year, month0 + 1, 1).strftime("%Y-%m"), len(contacts), ltv, retention))
    return cohorts
