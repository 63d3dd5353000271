"""A trigger's audience: the current members of its segment (none set: everyone), read once per dispatched batch."""

from collections.abc import Iterable

from campaigns.messaging.models import Trigger
from campaigns.segments.selectors import segment_member_ids


class Audiences:
    """The members, among a batch's contacts, of the segments of the batch's triggers (one query per segment)."""

    def __init__(self, triggers: Iterable[Trigger], contact_ids: Iterable[int]) -> None:
        ids = list(set(contact_ids))
        segments = {trigger.segment_id for trigger in triggers if trigger.segment_id is not None}
        self.members = {
            segment_id: set(segment_member_ids(segment_id).filter(contact_id__in=ids)) for segment_id in segments
        }

    def includes(self, trigger: Trigger, contact_id: int) -> bool:
        return trigger.segment_id is None or contact_id in self.members.get(trigger.segment_id, set())
