"""Customer segments: rules checked for their shape, members added and removed by hand, and the recount.

`rules` is `{"all": [...]}` or `{"any": [...]}`, nestable; a leaf is `{"field", "op", "value"}` (plus `window_days`
or `days` where the field takes a window). The rule compiler (rules → the contacts that match) comes later and
plugs into `segment_recompute`; until then a segment's members are the ones added by hand or by the demo seed.
"""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Segment, SegmentMember
from common.errors import Conflict, InvalidInput
from contacts.models import Contact

RULE_OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "in")
NUMBER_FIELDS = frozenset(
    {
        "days_since_last_purchase",
        "purchases_count",
        "total_spent",
        "points_balance",
        "points_expiring",
        "age",
        "registered_days_ago",
        "birthday_in_days",  # days until the next birthday (0 = today): "birthday this week" is lte 6
    }
)
FLAG_FIELDS = frozenset({"has_email", "subscribed_email", "subscribed_sms"})
TEXT_FIELDS = frozenset({"tier", "gender", "city", "source", "bought_category"})
RULE_FIELDS = NUMBER_FIELDS | FLAG_FIELDS | TEXT_FIELDS
LEAF_KEYS = frozenset({"field", "op", "value", "window_days", "days"})
MAX_DEPTH = 6
MAX_NODES = 200
MAX_IN_VALUES = 1000


def _rule_error(path: str, message: str) -> InvalidInput:
    text = f"{path}: {message}" if path else message
    return InvalidInput(text, fields={"rules": [text]})


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return False
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False
    return number.is_finite() and abs(number) <= Decimal("1000000000")


def _check_value(path: str, field: str, op: str, value: Any) -> None:
    if op == "in":
        if not isinstance(value, list) or not value or len(value) > MAX_IN_VALUES:
            raise _rule_error(path, _("'in' takes a list of 1 to %(max)s values.") % {"max": MAX_IN_VALUES})
        items = value
    else:
        if isinstance(value, list | dict) or value is None:
            raise _rule_error(path, _("'%(op)s' takes one value.") % {"op": op})
        items = [value]
    for item in items:
        if field in NUMBER_FIELDS and not _is_number(item):
            raise _rule_error(path, _("'%(field)s' is compared with a number.") % {"field": field})
        if field in FLAG_FIELDS and not isinstance(item, bool):
            raise _rule_error(path, _("'%(field)s' is true or false.") % {"field": field})
        if field in TEXT_FIELDS and (isinstance(item, bool) or not isinstance(item, str | int) or len(str(item)) > 200):
            raise _rule_error(path, _("'%(field)s' is compared with a text or an id.") % {"field": field})
    if field in FLAG_FIELDS and op not in ("eq", "ne"):
        raise _rule_error(path, _("'%(field)s' takes eq or ne.") % {"field": field})


def _check_leaf(path: str, leaf: dict[str, Any]) -> None:
    unknown = set(leaf) - LEAF_KEYS
    if unknown:
        raise _rule_error(path, _("Unknown keys: %(keys)s.") % {"keys": ", ".join(sorted(map(str, unknown)))})
    field, op = leaf.get("field"), leaf.get("op")
    if not isinstance(field, str) or field not in RULE_FIELDS:
        raise _rule_error(path, _("'field' is one of %(fields)s.") % {"fields": ", ".join(sorted(RULE_FIELDS))})
    if not isinstance(op, str) or op not in RULE_OPS:
        raise _rule_error(path, _("'op' is one of %(ops)s.") % {"ops": ", ".join(RULE_OPS)})
    if "value" not in leaf:
        raise _rule_error(path, _("'value' is required."))
    _check_value(path, field, op, leaf["value"])
    for key in ("window_days", "days"):
        days = leaf.get(key)
        if key in leaf and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 36500):
            raise _rule_error(path, _("'%(key)s' is a whole number of days from 1 to 36500.") % {"key": key})


def segment_rules_check(rules: Any) -> dict[str, Any]:
    """The rules if their shape is right; otherwise InvalidInput on `rules` saying where and what is wrong."""
    if not isinstance(rules, dict):
        raise _rule_error("", _('Rules are {"all": [...]} or {"any": [...]}.'))
    nodes = 0
    stack: list[tuple[str, Any, int]] = [("", rules, 1)]
    while stack:
        path, node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise _rule_error("", _("At most %(max)s conditions and groups.") % {"max": MAX_NODES})
        if not isinstance(node, dict):
            raise _rule_error(path, _('A condition {"field", "op", "value"} or a group {"all"|"any": [...]}.'))
        groups = [key for key in ("all", "any") if key in node]
        if not groups:
            if depth == 1:
                raise _rule_error("", _('Rules are {"all": [...]} or {"any": [...]}.'))
            _check_leaf(path, node)
            continue
        if len(node) != 1:
            raise _rule_error(path, _('A group has exactly one key, "all" or "any".'))
        if depth > MAX_DEPTH:
            raise _rule_error(path, _("Groups nest at most %(max)s deep.") % {"max": MAX_DEPTH})
        key = groups[0]
        children = node[key]
        if not isinstance(children, list):
            raise _rule_error(f"{path}.{key}" if path else key, _("A list of conditions and groups."))
        prefix = f"{path}.{key}" if path else key
        stack.extend((f"{prefix}[{index}]", child, depth + 1) for index, child in reversed(list(enumerate(children))))
    return rules


def _campaigns_using(segment: Segment) -> list[str]:
    return list(
        Campaign.objects.filter(audience__type="segment", audience__segment=segment.pk)
        .order_by("pk")
        .values_list("name", flat=True)
    )


@transaction.atomic
def segment_save(*, segment: Segment, data: dict[str, Any]) -> Segment:
    """Create or change a segment; its rules are checked, and a segment campaigns target keeps its program."""
    if "rules" in data:
        data = {**data, "rules": segment_rules_check(data["rules"])}
    program = data.get("program")
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


def _lock(segment: Segment) -> Segment:
    return Segment.objects.select_for_update().get(pk=segment.pk)


def _store_size(segment: Segment) -> int:
    segment.size = SegmentMember.objects.filter(segment=segment).count()
    segment.save(update_fields=["size", "updated_at"])
    return segment.size


@transaction.atomic
def segment_members_add(*, segment: Segment, contacts: Iterable[Contact]) -> dict[str, int]:
    """Add contacts to a segment by hand; those already in it stay as they are. → `{"added", "size"}`."""
    segment = _lock(segment)
    wanted = {contact.pk for contact in contacts}
    present = set(
        SegmentMember.objects.filter(segment=segment, contact_id__in=wanted).values_list("contact_id", flat=True)
    )
    new = sorted(wanted - present)
    SegmentMember.objects.bulk_create(
        [SegmentMember(segment=segment, contact_id=contact_id) for contact_id in new], ignore_conflicts=True
    )
    return {"added": len(new), "size": _store_size(segment)}


@transaction.atomic
def segment_members_remove(*, segment: Segment, contacts: Iterable[Contact]) -> dict[str, int]:
    """Take contacts out of a segment; those not in it are ignored. → `{"removed", "size"}`."""
    segment = _lock(segment)
    removed, _by_model = SegmentMember.objects.filter(
        segment=segment, contact_id__in=[contact.pk for contact in contacts]
    ).delete()
    return {"removed": removed, "size": _store_size(segment)}


@transaction.atomic
def segment_recompute(*, segment: Segment, now: datetime | None = None) -> int:
    """Recompute a segment's membership and stamp `recomputed_at`; returns the size.

    This is where the rule compiler plugs in: compile `segment.rules` into a contacts queryset, add the contacts
    that match and are not members, remove the members that no longer match (one transaction, the segment row
    locked, as here), then count. Until the compiler exists, the members are the materialised ones (added by hand
    or by the demo seed) and recomputing recounts them.
    """
    segment = _lock(segment)
    segment.size = SegmentMember.objects.filter(segment=segment).count()
    segment.recomputed_at = now or timezone.now()
    segment.save(update_fields=["size", "recomputed_at", "updated_at"])
    return segment.size
