"""Who a campaign's effect is measured on: its audience over a period, and the database's copy of the till's split.

The audience, by the campaign's `audience`, as it is now together with those who left it during the period (a
contact enrolled, or put in a segment, after the receipts they are measured on still counts: the split is by hash,
so who joined when does not bias it):
- `all`, `identified`: the contacts enrolled in the brand's program (anonymous receipts belong to no contact, so
  they are in neither group);
- `tiers`: those enrolled whose tier is one of the campaign's, or who moved into or out of one of them during
  the period;
- `segment`: the segment's current members, and those whose stay ended during the period.
Each contact counts once. The split is the engine's (`campaigns.engine.control`), computed by the database.
"""

from datetime import datetime
from typing import Any

from django.db.models import CharField, F, Func, Q, QuerySet
from django.db.models.expressions import Expression

from campaigns.engine.types import Audience
from campaigns.models import SegmentMember
from campaigns.rules import RuleError, parse_audience
from contacts.models import Contact
from loyalty.models import Enrollment, TierChange


class ControlPrefix(Func):
    """The first 8 hex digits of SHA-256 of ``"<campaign id>:<contact id>"``, as `control_bucket` reads them: compared
    with `control_cutoff_hex`, it puts a contact in the group the till put them in. PostgreSQL's own `sha256()`
    (no extension), compared bytewise (`COLLATE "C"`); SQLite's `SHA256()` is the one Django registers."""

    output_field = CharField()

    def __init__(self, campaign_id: int, contact: Expression | str, **extra: Any) -> None:
        self.campaign_id = int(campaign_id)  # an integer written into the SQL: nothing to escape
        super().__init__(F(contact) if isinstance(contact, str) else contact, **extra)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        template = f"substr(SHA256('{self.campaign_id}:' || CAST(%(expressions)s AS TEXT)), 1, 8)"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = (
            f"substr(encode(sha256(convert_to('{self.campaign_id}:' || (%(expressions)s)::text, 'UTF8')), 'hex'), 1, 8)"
            ' COLLATE "C"'
        )
        return super().as_sql(compiler, connection, template=template, **extra)


def campaign_audience(raw: Any) -> Audience:
    """The campaign's audience as the engine reads it; one that no longer parses is taken as everyone."""
    try:
        return parse_audience(raw)
    except RuleError:
        return Audience()


def audience_contacts(*, audience: Audience, program_id: int, start: datetime, end: datetime) -> QuerySet[Any]:
    """The audience of the period [start, end): one row per contact, with its `contact_id` (a program's enrollments
    are one per contact; a segment's stays are not, so its contacts are taken instead)."""
    if audience.type == "segment":
        stays = SegmentMember.objects.filter(segment_id=audience.segment_id or 0).filter(
            Q(left_at__isnull=True) | Q(left_at__gt=start)
        )
        return Contact.objects.filter(pk__in=stays.values("contact_id")).annotate(contact_id=F("pk"))
    enrolled = Enrollment.objects.filter(program_id=program_id)
    if audience.type == "tiers":
        tiers = list(audience.tier_ids)
        moved = TierChange.objects.filter(at__gte=start, at__lt=end).filter(
            Q(from_tier_id__in=tiers) | Q(to_tier_id__in=tiers)
        )
        enrolled = enrolled.filter(Q(tier_id__in=tiers) | Q(pk__in=moved.values("enrollment_id")))
    return enrolled
