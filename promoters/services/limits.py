"""Bots and runaway tablets: leads a stand, and an address, may send in a minute.

Counted from the leads received in the last 60 seconds (their `created_at`, indexed per stand and per address), so
every worker process shares the count without a counter of its own. Requests racing through one look may overshoot
the limit by the number in flight; a replayed lead is answered before it is counted.
"""

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min, QuerySet
from django.utils.translation import gettext as _

from common.errors import DomainError
from promoters.models import Lead, Stand

WINDOW = timedelta(seconds=60)


class TooManyLeads(DomainError):
    """429 `too_many_requests`, with the seconds until the window lets another lead through."""

    status_code = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _check(leads: QuerySet[Lead], limit: int, now: datetime, message: str) -> None:
    if limit <= 0:
        return
    recent = leads.filter(created_at__gt=now - WINDOW)
    if recent.order_by()[:limit].count() < limit:
        return
    oldest = recent.aggregate(at=Min("created_at"))["at"] or now
    wait = max(1, math.ceil((oldest + WINDOW - now).total_seconds()))
    raise TooManyLeads(message, retry_after=wait)


def lead_rate_guard(*, stand: Stand, address: str | None, now: datetime) -> None:
    """429 when the stand, or the address, sent its minute's leads already."""
    _check(
        Lead.objects.filter(stand=stand),
        int(settings.PROMOTERS_LEADS_PER_MINUTE_PER_STAND),
        now,
        _("Too many leads from this stand in a minute; they will be sent again shortly."),
    )
    if address:
        _check(
            Lead.objects.filter(address=address),
            int(settings.PROMOTERS_LEADS_PER_MINUTE_PER_ADDRESS),
            now,
            _("Too many leads from this address in a minute; they will be sent again shortly."),
        )
