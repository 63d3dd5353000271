"""Writing a segment's members: the recompute from its rules (set-based, in SQL) and additions and removals by hand.

Members are stays (`SegmentMember`: entered, left). The recompute, in one transaction with the segment's row
locked (so a recompute and a hand edit never interleave):

1. the contacts the rules match now go into a temporary table (the compiled query runs once);
2. members who entered by the rules and are no longer matched leave (`left_at` = now);
3. matched contacts who are not members enter (a new stay, from now), and each gets a `segment_entered` event
   (`data: {"segment": id}`), recorded by `events_record_select` in the same statement style;
4. the size is counted and stamped with `recomputed_at`.

Contacts added by hand (`manual`) stay whatever the rules say, until removed by hand; a contact removed by hand whom
the rules still match enters again at the next recompute (the rules decide, hand additions only add).
Running a recompute twice for one moment changes nothing more: the second finds nobody to add or remove.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import Segment, SegmentMember
from campaigns.segments.compiler import raise_work_mem, segment_contacts
from contacts.models import Contact, ContactEvent
from contacts.services.events import events_record, events_record_select

ENTERED = "segment_entered"


@dataclass(frozen=True)
class Recomputed:
    size: int
    entered: int
    left: int


def _lock(segment: Segment) -> Segment:
    return Segment.objects.select_for_update().get(pk=segment.pk)


def _current(segment: Segment) -> int:
    return SegmentMember.objects.filter(segment=segment, left_at__isnull=True).count()


def _stamp(segment: Segment, *, now: datetime | None = None) -> int:
    segment.size = _current(segment)
    fields = ["size", "updated_at"]
    if now is not None:
        segment.recomputed_at = now
        fields.append("recomputed_at")
    segment.save(update_fields=fields)
    return segment.size


TEMPORARY = ("segment_matched", "segment_current", "segment_leaving", "segment_entering")


@transaction.atomic
def segment_recompute_counts(*, segment: Segment, now: datetime | None = None) -> Recomputed:
    """Recompute the members from the rules as of `now` (see the module's docstring); who entered, who left.

    The differences are worked out between temporary tables, each analyzed as it is filled, so that PostgreSQL
    plans them by their real sizes (hash joins) whatever its statistics of the members' table say: a segment that
    has just filled up still looks empty to them until autovacuum comes by, and a nested loop over it would be
    quadratic."""
    now = now or timezone.now()
    segment = _lock(segment)
    raise_work_mem()
    matched_sql, matched_params = (
        segment_contacts(segment.rules, program=segment.program_id, now=now).values("pk").query.sql_with_params()
    )
    table = SegmentMember._meta.db_table
    at = connection.ops.adapt_datetimefield_value(now)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:

        def fill(name: str, select: str, params: list[Any]) -> None:
            cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {select}", params)
            if postgres:
                cursor.execute(f"ANALYZE {name}")

        for name in TEMPORARY:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
        matched = f"WITH matched (contact_id) AS ({matched_sql}) SELECT contact_id FROM matched"  # noqa: S608
        fill("segment_matched", matched, list(matched_params))
        fill(
            "segment_current",
            f"SELECT contact_id, manual FROM {table} WHERE segment_id = %s AND left_at IS NULL",  # noqa: S608
            [segment.pk],
        )
        fill(
            "segment_leaving",
            "SELECT c.contact_id FROM segment_current c WHERE NOT c.manual"
            " AND NOT EXISTS (SELECT 1 FROM segment_matched m WHERE m.contact_id = c.contact_id)",
            [],
        )
        fill(
            "segment_entering",
            "SELECT m.contact_id FROM segment_matched m"
            " WHERE NOT EXISTS (SELECT 1 FROM segment_current c WHERE c.contact_id = m.contact_id)",
            [],
        )
        left = 0
        cursor.execute("SELECT count(*) FROM segment_leaving")
        if cursor.fetchone()[0]:
            if postgres:  # the members' statistics may be stale (see above): hash, never loop
                cursor.execute("SET LOCAL enable_nestloop = off")
            cursor.execute(
                f"UPDATE {table} SET left_at = %s WHERE segment_id = %s AND left_at IS NULL"  # noqa: S608
                " AND contact_id IN (SELECT contact_id FROM segment_leaving)",
                [at, segment.pk],
            )
            left = cursor.rowcount
            if postgres:
                cursor.execute("SET LOCAL enable_nestloop = on")
        cursor.execute(
            f"INSERT INTO {table} (segment_id, contact_id, entered_at, manual)"  # noqa: S608
            " SELECT %s, contact_id, %s, %s FROM segment_entering",
            [segment.pk, at, False],
        )
        entered = cursor.rowcount
    if entered:
        events_record_select(
            select=("SELECT contact_id FROM segment_entering", []), type=ENTERED, at=now, data={"segment": segment.pk}
        )
    with connection.cursor() as cursor:
        for name in TEMPORARY:
            cursor.execute(f"DROP TABLE {name}")
    return Recomputed(size=_stamp(segment, now=now), entered=entered, left=left)


def segment_recompute(*, segment: Segment, now: datetime | None = None) -> int:
    """Recompute the members from the rules as of `now` (default now) and stamp `recomputed_at`; the size."""
    return segment_recompute_counts(segment=segment, now=now).size


@transaction.atomic
def segment_members_add(
    *, segment: Segment, contacts: Iterable[Contact], now: datetime | None = None
) -> dict[str, int]:
    """Add contacts by hand (kept whatever the rules say); members already in are kept, now also by hand.
    → `{"added", "size"}`. Each contact added gets a `segment_entered` event."""
    now = now or timezone.now()
    segment = _lock(segment)
    wanted = sorted({contact.pk for contact in contacts})
    current = SegmentMember.objects.filter(segment=segment, left_at__isnull=True, contact_id__in=wanted)
    present = set(current.values_list("contact_id", flat=True))
    current.filter(manual=False).update(manual=True)
    new = [contact_id for contact_id in wanted if contact_id not in present]
    SegmentMember.objects.bulk_create(
        [SegmentMember(segment=segment, contact_id=contact_id, entered_at=now, manual=True) for contact_id in new]
    )
    events_record([ContactEvent(contact_id=pk, type=ENTERED, at=now, data={"segment": segment.pk}) for pk in new])
    return {"added": len(new), "size": _stamp(segment)}


@transaction.atomic
def segment_members_remove(
    *, segment: Segment, contacts: Iterable[Contact], now: datetime | None = None
) -> dict[str, int]:
    """Take contacts out (their stay ends now); those not in are ignored. → `{"removed", "size"}`. A contact the
    rules still match enters again at the next recompute."""
    now = now or timezone.now()
    segment = _lock(segment)
    removed = SegmentMember.objects.filter(
        segment=segment, left_at__isnull=True, contact_id__in=sorted({contact.pk for contact in contacts})
    ).update(left_at=now)
    return {"removed": removed, "size": _stamp(segment)}
