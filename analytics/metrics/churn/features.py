"""Each contact's features as of a cutoff, from their purchases (of every brand: one churn risk per contact) and
their own events, and whether they bought in the horizon after it.

The population at a cutoff is every contact with a purchase in the year before it (purchases refunded in full do
not count). Features (plain numbers; the model takes logarithms of the counts, see `model`):

- `recency_days`: days from the last purchase to the cutoff; `frequency`, `monetary`: purchases and money in the
  year; `frequency_90`: purchases in the last 90 days; `trend`: those 90 days' purchases less the 90 before;
  `average_receipt`: money ÷ purchases;
- `events_30`, `events_90`: the contact's own events (views, carts, e-mail opens and clicks, custom events: not
  those the product records about them) in the last 30 and 90 days;
- `tenure_days`: days since the contact's first purchase ever.

Five grouped queries of portable SQL (PostgreSQL and SQLite alike).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min, Q, Sum

from analytics.metrics.base import Period, counted_purchases
from analytics.metrics.ltv import BEGINNING
from contacts.models import ContactEvent

FEATURES = (
    "recency_days",
    "frequency",
    "monetary",
    "frequency_90",
    "trend",
    "average_receipt",
    "events_30",
    "events_90",
    "tenure_days",
)
LOOKBACK_DAYS = 365
DAY = 86400
# Events the product records about a contact on its own: they say nothing of what the contact does.
PRODUCT_EVENTS = (
    "purchase_confirmed",
    "purchase_refunded",
    "points_accrued",
    "points_expiring",
    "tier_changed",
    "segment_entered",
    "birthday",
    "contact_registered",
    "survey_invited",
)


@dataclass(frozen=True)
class FeatureSet:
    cutoff: datetime
    contacts: list[int]
    rows: list[list[float]]  # in the order of FEATURES


def features_at(cutoff: datetime) -> FeatureSet:
    year = Period(start=cutoff - timedelta(days=LOOKBACK_DAYS), end=cutoff)
    recent, earlier = cutoff - timedelta(days=90), cutoff - timedelta(days=180)
    bought = (
        counted_purchases(None, year)
        .values("contact_id")
        .annotate(
            last=Max("at"),
            frequency=Count("pk"),
            monetary=Sum("net"),
            recent=Count("pk", filter=Q(at__gte=recent)),
            earlier=Count("pk", filter=Q(at__gte=earlier, at__lt=recent)),
        )
        .values_list("contact_id", "last", "frequency", "monetary", "recent", "earlier")
    )
    rows = {contact: row for contact, *row in bought}
    firsts = dict(
        counted_purchases(None, Period(start=BEGINNING, end=cutoff))
        .values("contact_id")
        .annotate(first=Min("at"))
        .values_list("contact_id", "first")
    )
    events = {
        contact: (last_30, last_90)
        for contact, last_30, last_90 in ContactEvent.objects.filter(at__gte=recent, at__lt=cutoff)
        .exclude(type__in=PRODUCT_EVENTS)
        .order_by()
        .values("contact_id")
        .annotate(last_30=Count("pk", filter=Q(at__gte=cutoff - timedelta(days=30))), last_90=Count("pk"))
        .values_list("contact_id", "last_30", "last_90")
    }
    contacts = sorted(rows)
    table = []
    for contact in contacts:
        last, frequency, monetary, recent_count, earlier_count = rows[contact]
        money = float(monetary or 0)
        last_30, last_90 = events.get(contact, (0, 0))
        first = firsts.get(contact, last)
        table.append(
            [
                (cutoff - last).total_seconds() / DAY,
                float(frequency),
                money,
                float(recent_count),
                float(recent_count - earlier_count),
                money / frequency,
                float(last_30),
                float(last_90),
                (cutoff - first).total_seconds() / DAY,
            ]
        )
    return FeatureSet(cutoff=cutoff, contacts=contacts, rows=table)


def bought_between(start: datetime, end: datetime, contacts: list[int]) -> set[int]:
    """The contacts (of those given) with a purchase that counts in [start, end)."""
    wanted = set(contacts)
    buyers = counted_purchases(None, Period(start=start, end=end)).values_list("contact_id", flat=True).distinct()
    return {contact for contact in buyers if contact in wanted}
