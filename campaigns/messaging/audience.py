"""A trigger's audience: the current members of its segment (none set: everyone), read once per dispatched batch."""

from collections.abc import Iterable

from campaigns.messaging.models import Trigger
from campaigns.models import SegmentMember


def members_among(segment_id: int, contact_ids: Iterable[int]) -> set[int]:
    """Which of these contacts are members of the segment now (one indexed query)."""
    ids = list(contact_ids)
    try:
        from campaigns.segments.selectors import segment_member_ids
    except ImportError:  # before the segments' membership history: the members as stored
        members = SegmentMember.objects.filter(segment_id=segment_id, contact_id__in=ids)
        return set(members.values_list("contact_id", flat=True))
    return set(segment_member_ids(segment_id).filter(contact_id__in=ids))


class Audiences:
    """The members, among a batch's contacts, of the segments of the batch's triggers."""

    def __init__(self, triggers: Iterable[Trigger], contact_ids: Iterable[int]) -> None:
        ids = set(contact_ids)
        segments = {trigger.segment_id for trigger in triggers if trigger.segment_id is not None}
        self.members = {segment_id: members_among(segment_id, ids) for segment_id in segments}

    def includes(self, trigger: Trigger, contact_id: int) -> bool:
        return trigger.segment_id is None or contact_id in self.members.get(trigger.segment_id, set())
