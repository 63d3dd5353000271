"""A trigger's audience: the members of its segment (none set: everyone)."""

from campaigns.messaging.models import Trigger
from campaigns.models import SegmentMember


def includes(trigger: Trigger, contact_id: int) -> bool:
    if trigger.segment_id is None:
        return True
    try:
        from campaigns.services.segments import segment_contains  # type: ignore[attr-defined]
    except ImportError:  # until the segments' membership lands: the members as stored
        return SegmentMember.objects.filter(segment_id=trigger.segment_id, contact_id=contact_id).exists()
    return bool(segment_contains(trigger.segment, contact_id))
