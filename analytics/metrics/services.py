"""Writes of the metrics: a customer segment made of an RFM segment (`POST /analytics/rfm/segment`, the RFM page's
one click)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.metrics.rfm import SEGMENT_LABELS, SEGMENTS
from analytics.metrics.scores import rfm_scores_refresh, rfm_scores_stale
from campaigns.models import Segment
from campaigns.services.segments import segment_recompute, segment_save
from common.errors import InvalidInput
from loyalty.models import Brand


@transaction.atomic
def rfm_segment_create(*, brand: Brand, segment: str, now: datetime | None = None) -> Segment:
    """A customer segment of the brand's program whose rule is `rfm = <segment>`, recomputed at once.

    The segments engine reads each contact's stored RFM segment (`contacts.ContactScore`), which the `analytics`
    job writes; when receipts or refunds came after it last did (or it did on another day), the scores are written
    first, so the new segment holds who is in that RFM segment now."""
    if segment not in SEGMENTS:
        message = _("One of: %(names)s.") % {"names": ", ".join(SEGMENTS)}
        raise InvalidInput(message, fields={"segment": [message]})
    now = now or timezone.now()
    if rfm_scores_stale(now=now):
        rfm_scores_refresh(at=now)
    name = _("RFM: %(segment)s, %(brand)s (%(day)s)") % {
        "segment": SEGMENT_LABELS[segment],
        "brand": brand.name,
        "day": timezone.localdate(now).isoformat(),
    }
    made = segment_save(
        segment=Segment(),
        data={
            "name": name[:200],
            "program": brand.program,
            "rules": {"all": [{"field": "rfm", "op": "eq", "value": segment}]},
        },
    )
    segment_recompute(segment=made, now=now)
    made.refresh_from_db()
    return made
