"""Local days: a store's day is its own calendar day (its time zone); the ledger's is the project's (`TIME_ZONE`)."""

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from django.conf import settings

from loyalty.models import Store


@cache
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """[start, end) of a calendar day in the time zone `tz`."""
    start = datetime.combine(day, time.min, tzinfo=zone(tz))
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone(tz))
    return start, end


def local_day(at: datetime, tz: str) -> date:
    return at.astimezone(zone(tz)).date()


def project_day(at: datetime) -> date:
    return local_day(at, settings.TIME_ZONE)


@dataclass(frozen=True)
class StorePlace:
    """What a refresh needs of a store: its brand, partner and time zone."""

    store: int
    brand: int
    partner: int
    tz: str


def store_places(store_ids: Iterable[int] | None = None) -> dict[int, StorePlace]:
    stores = Store.objects.all() if store_ids is None else Store.objects.filter(pk__in=list(store_ids))
    return {
        pk: StorePlace(store=pk, brand=brand, partner=partner, tz=tz)
        for pk, brand, partner, tz in stores.values_list("pk", "brand_id", "partner_id", "timezone")
    }


def days_between(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included."""
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
