"""The body of `POST /api/v1/events`, checked by hand: a batch of up to 500 events is read at thousands per second,
where a serializer per event would cost more than the insert.

`{"events": [{"id", "type", "contact": {"phone"|"email"|"card"|"contact_id"}, "at", "sku", "data"}]}`: `type`
is required (`[a-z0-9_.]{1,64}`), `contact` names the contact by exactly one key, `id` (the sender's id for the
event, up to 64 characters), `at` (ISO 8601; default now; without an offset, in the project's time zone), `sku`
and `data` (an object) are optional. A body that breaks any of this is a 400 naming each wrong place
(`fields.events["3"].type`); nothing is written then.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from common.errors import InvalidInput

MAX_EVENTS = 500
CONTACT_KEYS = ("phone", "email", "card", "contact_id")
EVENT_KEYS = frozenset({"id", "type", "contact", "at", "sku", "data"})
TYPE_PATTERN = re.compile(r"[a-z0-9_.]{1,64}")
MAX_ID = 2**63 - 1
MAX_DATA_DEPTH = 8
MAX_DATA_ITEMS = 200
MAX_TEXT = 1000  # any string inside `data`


@dataclass(frozen=True)
class EventInput:
    """One checked event: how its contact is named (`kind`, `value`) and what to record."""

    client_id: str
    type: str
    kind: str
    value: str | int
    at: datetime
    sku: str
    data: dict[str, Any]


def _text(value: Any, limit: int) -> str | None:
    """A string of 1 to `limit` characters without NUL (PostgreSQL refuses those), or None."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)
    if not 1 <= len(text) <= limit or "\x00" in text:
        return None
    return text


def _data_problem(data: Any) -> str | None:
    """Why `data` cannot be stored, or None: a JSON object of modest size and depth, without NUL characters."""
    if not isinstance(data, dict):
        return _("An object.")
    items = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        items += 1
        if depth > MAX_DATA_DEPTH or items > MAX_DATA_ITEMS:
            return _("At most %(items)s values, nested at most %(depth)s deep.") % {
                "items": MAX_DATA_ITEMS,
                "depth": MAX_DATA_DEPTH,
            }
        if isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key or len(key) > MAX_TEXT:
                    return _("Keys of up to %(max)s characters, without NUL.") % {"max": MAX_TEXT}
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and ("\x00" in value or len(value) > MAX_TEXT):
            return _("Texts of up to %(max)s characters, without NUL.") % {"max": MAX_TEXT}
    return None


def _contact(value: Any, errors: dict[str, list[str]]) -> tuple[str, str | int] | None:
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in CONTACT_KEYS:
        errors["contact"] = [_('One of {"phone"}, {"email"}, {"card"} or {"contact_id"}.')]
        return None
    kind, given = next(iter(value.items()))
    if kind == "contact_id":
        if isinstance(given, bool) or not isinstance(given, int) or not 1 <= given <= MAX_ID:
            errors["contact"] = [_("'contact_id' is a contact's id (a whole number).")]
            return None
        return kind, given
    text = _text(given, 254 if kind == "email" else 32)
    if text is None:
        errors["contact"] = [
            _("'%(key)s' is a text of up to %(max)s characters.")
            % {
                "key": kind,
                "max": 254 if kind == "email" else 32,
            }
        ]
        return None
    return kind, text


def _at(value: Any, now: datetime, errors: dict[str, list[str]]) -> datetime:
    if value is None:
        return now
    parsed = None
    if isinstance(value, str) and len(value) <= 40:
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        errors["at"] = [_("An ISO 8601 time, e.g. 2026-03-01T09:00:00+03:00.")]
        return now
    if timezone.is_naive(parsed):
        try:
            parsed = timezone.make_aware(parsed)
        except (ValueError, OverflowError):
            errors["at"] = [_("An ISO 8601 time, e.g. 2026-03-01T09:00:00+03:00.")]
            return now
    return parsed


def _event(item: Any, now: datetime) -> tuple[EventInput | None, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(item, dict):
        return None, {"non_field_errors": [_("An event is an object.")]}
    unknown = set(item) - EVENT_KEYS
    if unknown:
        errors["non_field_errors"] = [
            _("Unknown keys: %(keys)s.") % {"keys": ", ".join(sorted(str(key)[:64] for key in unknown))}
        ]
    kind_type = item.get("type")
    if not isinstance(kind_type, str) or not TYPE_PATTERN.fullmatch(kind_type):
        errors["type"] = [_("1 to 64 of a-z, 0-9, '_' and '.'.")]
    client_id = ""
    if item.get("id") is not None:
        client_id = _text(item["id"], 64) or ""
        if not client_id:
            errors["id"] = [_("A text or number of 1 to 64 characters.")]
    contact = _contact(item.get("contact"), errors)
    at = _at(item.get("at"), now, errors)
    sku = ""
    if item.get("sku") is not None:
        sku = _text(item["sku"], 64) or ""
        if not sku:
            errors["sku"] = [_("A text of 1 to 64 characters.")]
    data = item.get("data")
    if data is None:
        data = {}
    else:
        problem = _data_problem(data)
        if problem:
            errors["data"] = [problem]
    if errors or contact is None or not isinstance(kind_type, str):
        return None, errors
    return EventInput(
        client_id=client_id, type=kind_type, kind=contact[0], value=contact[1], at=at, sku=sku, data=data
    ), errors


def events_parse(body: Any, *, now: datetime | None = None) -> list[EventInput]:
    """The checked events of a request body, in order; InvalidInput naming every wrong place otherwise."""
    now = now or timezone.now()
    events = body.get("events") if isinstance(body, dict) else None
    if not isinstance(events, list):
        message = _('A body {"events": [...]}.')
        raise InvalidInput(message, fields={"events": [message]})
    if len(events) > MAX_EVENTS:
        message = _("At most %(max)s events per call.") % {"max": MAX_EVENTS}
        raise InvalidInput(message, fields={"events": [message]})
    parsed: list[EventInput] = []
    problems: dict[str, dict[str, list[str]]] = {}
    for index, item in enumerate(events):
        event, errors = _event(item, now)
        if errors:
            problems[str(index)] = errors
        elif event is not None:
            parsed.append(event)
    if problems:
        where, first = next(iter(problems.items()))
        key, messages = next(iter(first.items()))
        raise InvalidInput(f"events[{where}].{key}: {messages[0]}", fields={"events": problems})
    return parsed
