"""Reading segments: membership (for audiences: campaigns at the till, triggers, surveys), members with their
times, the preview of rules before they are saved, and which segments are due for their scheduled recompute.

Membership is the stored one (as of the last recompute or hand edit); none of these evaluates rules, except the
preview.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from campaigns.models import Segment, SegmentMember
from campaigns.segments.compiler import raise_work_mem, segment_contacts
from campaigns.segments.references import segment_rules_references_check
from campaigns.segments.rules import as_id, leaves, segment_rules_check, values_of
from common.errors import InvalidInput
from contacts.models import Contact
from loyalty.models import Program

PREVIEW_SAMPLE = 20
PREVIEW_TIMEOUT_MS = 30_000
QUERY_CANCELED = "57014"  # PostgreSQL's statement_timeout


def _segment_id(segment: Segment | int) -> int:
    return segment if isinstance(segment, int) else segment.pk


def segment_contains(segment: Segment | int, contact_id: int) -> bool:
    """Whether the contact is a member of the segment now (one indexed lookup)."""
    return SegmentMember.objects.filter(
        segment_id=_segment_id(segment), contact_id=contact_id, left_at__isnull=True
    ).exists()


def segment_member_ids(segment: Segment | int) -> QuerySet[Any]:
    """The ids of the segment's current members, as a query (use it as a subquery: `contact_id__in=...`)."""
    return SegmentMember.objects.filter(segment_id=_segment_id(segment), left_at__isnull=True).values_list(
        "contact_id", flat=True
    )


def contact_segment_ids(contact_id: int) -> frozenset[int]:
    """The segments the contact is a member of now."""
    return frozenset(
        SegmentMember.objects.filter(contact_id=contact_id, left_at__isnull=True).values_list("segment_id", flat=True)
    )


def segment_members(segment: Segment | int) -> QuerySet[Contact]:
    """The current members as contacts, each annotated with `entered_at`, in the order they entered."""
    stays = SegmentMember.objects.filter(
        segment_id=_segment_id(segment), contact_id=OuterRef("pk"), left_at__isnull=True
    ).values("entered_at")[:1]
    return (
        Contact.objects.filter(pk__in=segment_member_ids(segment))
        .annotate(entered_at=Subquery(stays))
        .order_by("entered_at", "pk")
    )


def segment_history(segment: Segment | int, *, limit: int = 50) -> list[SegmentMember]:
    """The latest stays (entered or left), latest entry first, at most `limit` (the admin's members panel)."""
    return list(
        SegmentMember.objects.filter(segment_id=_segment_id(segment))
        .select_related("contact")
        .order_by("-entered_at", "-pk")[:limit]
    )


@contextmanager
def _time_limit() -> Iterator[None]:
    """PostgreSQL's statement_timeout at PREVIEW_TIMEOUT_MS inside, as it was after (it is transaction-wide): the
    builder asks as the marketer types, and rules that would keep the database busy for minutes are refused rather
    than queued behind each other."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        (before,) = cursor.fetchone()
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(PREVIEW_TIMEOUT_MS)])
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [before])


def segment_preview(
    *, program: Program, rules: Any, now: datetime | None = None, sample: int = PREVIEW_SAMPLE
) -> dict[str, Any]:
    """How many of the program's contacts the rules match now, and the first `sample` of them (by id), without
    saving anything. The rules are checked first (InvalidInput on `rules` saying where)."""
    rules = segment_rules_references_check(segment_rules_check(rules), program=program)
    try:
        with transaction.atomic():
            raise_work_mem()
            with _time_limit():
                contacts = segment_contacts(rules, program=program, now=now)
                count = contacts.count()
                chosen = list(contacts.order_by("pk")[:sample]) if count else []
    except OperationalError as error:
        if getattr(getattr(error, "__cause__", None), "sqlstate", None) != QUERY_CANCELED:
            raise
        message = _("These rules take too long to count; use fewer or narrower conditions.")
        raise InvalidInput(message, fields={"rules": [message]}) from error
    return {"count": count, "sample": chosen}


def _dependencies(segment: Segment) -> set[int]:
    """The segments a segment's rules read (`in_segment`); none for rules that do not check."""
    try:
        rules = segment_rules_check(segment.rules)
    except InvalidInput:
        return set()
    return {
        pk
        for _path, leaf in leaves(rules)
        if leaf["field"] == "in_segment"
        for pk in (as_id(value) for value in values_of(leaf))
        if pk is not None
    }


def in_dependency_order(segments: Iterable[Segment]) -> list[Segment]:
    """Segments ordered so that one whose rules read another's members (`in_segment`) comes after it (a cycle is
    broken where it closes); otherwise by id."""
    pending = {segment.pk: segment for segment in sorted(segments, key=lambda segment: segment.pk)}
    ordered: list[Segment] = []
    visiting: set[int] = set()

    def visit(segment: Segment) -> None:
        if segment.pk in visiting or segment.pk not in pending:
            return
        visiting.add(segment.pk)
        for pk in sorted(_dependencies(segment)):
            if pk in pending:
                visit(pending[pk])
        ordered.append(pending.pop(segment.pk))

    for segment in list(pending.values()):
        visit(segment)
    return ordered


def segments_due(at: datetime) -> list[Segment]:
    """Segments whose schedule says recompute by `at` (never recomputed, or `recompute_minutes` since the last
    time), in dependency order. A schedule of 0 minutes means on demand only."""
    candidates = Segment.objects.filter(recompute_minutes__gt=0).order_by("pk")
    due = [
        segment
        for segment in candidates
        if segment.recomputed_at is None or segment.recomputed_at + timedelta(minutes=segment.recompute_minutes) <= at
    ]
    return in_dependency_order(due)
