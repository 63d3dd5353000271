"""The `segments` periodic job: recompute the segments whose schedule is due (see `selectors.segments_due`)."""

import logging
from datetime import datetime

from django.db import DatabaseError

from campaigns.segments.membership import segment_recompute_counts
from campaigns.segments.selectors import segments_due

logger = logging.getLogger(__name__)


def segments_job(at: datetime) -> str:
    """Recompute the customer segments due at `at`, as of `at`, each in its own transaction (one that fails is
    logged and left for the next run). Idempotent: for the same `at` a second run finds none due."""
    done = entered = left = 0
    failed: list[int] = []
    for segment in segments_due(at):
        try:
            result = segment_recompute_counts(segment=segment, now=at)
        except DatabaseError:
            logger.exception("segment %s: the recompute failed", segment.pk)
            failed.append(segment.pk)
            continue
        done += 1
        entered += result.entered
        left += result.left
    summary = f"{done} segments recomputed: {entered} contacts entered, {left} left"
    return summary + (f"; failed: {', '.join(map(str, failed))}" if failed else "")
