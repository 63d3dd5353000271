"""Customer segments: saving (rules checked for their shape and what they point at), deleting, and the members
(recomputed from the rules or edited by hand: `campaigns.segments.membership`, re-exported here for the API, the
admin and the demo, as are the membership reads of `campaigns.segments.selectors` that audiences use).

`rules` is `{"all": [...]}`, `{"any": [...]}` or `{"not": {...}}`, nestable; a leaf is `{"field", "op", "value"}`
(plus `window_days`, `days` or `sku` where the field reads one): see `campaigns.segments.fields`.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Segment
from campaigns.segments.membership import segment_members_add, segment_members_remove, segment_recompute
from campaigns.segments.references import segment_rules_references_check
from campaigns.segments.rules import segment_rules_check
from campaigns.segments.selectors import segment_contains, segment_member_ids
from common.errors import Conflict, InvalidInput

__all__ = [
    "segment_contains",
    "segment_delete",
    "segment_delete_refusal",
    "segment_member_ids",
    "segment_members_add",
    "segment_members_remove",
    "segment_recompute",
    "segment_rules_check",
    "segment_save",
]


def _campaigns_using(segment: Segment) -> list[str]:
    return list(
        Campaign.objects.filter(audience__type="segment", audience__segment=segment.pk)
        .order_by("pk")
        .values_list("name", flat=True)
    )


@transaction.atomic
def segment_save(*, segment: Segment, data: dict[str, Any]) -> Segment:
    """Create or change a segment; its rules are checked, and a segment campaigns target keeps its program."""
    program = data.get("program")
    if "rules" in data:
        rules = segment_rules_check(data["rules"])
        target = program if program is not None else segment.program if segment.program_id else None
        if target is not None:
            rules = segment_rules_references_check(rules, program=target, segment=segment)
        data = {**data, "rules": rules}
        if segment.pk is not None and rules != segment.rules:
            # The members were computed from the old rules: due at the next run of the `segments` job.
            data["recomputed_at"] = None
    if segment.pk is not None and program is not None and program.pk != segment.program_id:
        using = _campaigns_using(segment)
        if using:
            message = _("Campaigns target this segment (%(names)s): its program cannot change.") % {
                "names": ", ".join(using[:5])
            }
            raise InvalidInput(message, fields={"program": [message]})
    for key, value in data.items():
        setattr(segment, key, value)
    segment.save()
    return segment


def segment_delete_refusal(*, segment: Segment) -> str | None:
    """Why the segment may not be deleted, or None: campaigns target it (they would lose their audience)."""
    using = _campaigns_using(segment)
    if using:
        return _("Campaigns target this segment: %(names)s. Change their audience first.") % {
            "names": ", ".join(using[:5])
        }
    return None


@transaction.atomic
def segment_delete(*, segment: Segment) -> None:
    """Delete a segment no campaign targets (409 `protected` otherwise, see `segment_delete_refusal`)."""
    refusal = segment_delete_refusal(segment=segment)
    if refusal is not None:
        raise Conflict(refusal, code="protected")
    segment.delete()
