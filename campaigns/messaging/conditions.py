"""A trigger's conditions: checked on save (their shape) and against each event (whether it fires, and from when).

- `points_expiring`: `days_before` (default 7), `min_points`. The event (one per account and expiry) carries
  `data.expires_at` and `data.points`; the message goes `days_before` days before the expiry, at the event's time
  of day, or at once if that moment has passed while the expiry has not.
- `birthday`: `days_before` (default 0). The event carries `data.birthday` (the coming one, YYYY-MM-DD; else the
  contact's birth date gives it); the message goes that many days before, not earlier than the event's day.
- `segment_entered`: `segment` (an id; the event's `data.segment`).
- any event: `sku` (the event's), `min_total` (`data.total` or `data.purchase.total`), `min_points`
  (`data.points`), `tier` (`data.tier`).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from campaigns.messaging.scheduling import local_day
from common.errors import InvalidInput
from contacts.models import Contact, ContactEvent

DAYS_BEFORE_DEFAULT = {"points_expiring": 7, "birthday": 0}
NUMBER_KEYS = ("min_points", "min_total")
INTEGER_KEYS = ("days_before", "segment")
TEXT_KEYS = ("sku", "tier")
KNOWN_KEYS = frozenset(NUMBER_KEYS + INTEGER_KEYS + TEXT_KEYS)


def conditions_check(conditions: Any) -> dict[str, Any]:
    """The conditions as stored, or InvalidInput naming the bad key."""
    if conditions in (None, ""):
        return {}
    if not isinstance(conditions, dict):
        raise InvalidInput(_("Conditions are an object."), fields={"conditions": [_("Give an object.")]})
    for key, value in conditions.items():
        problem = None
        if key not in KNOWN_KEYS:
            problem = _("Unknown condition '%(key)s'.") % {"key": key}
        elif key in INTEGER_KEYS and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**9):
            problem = _("'%(key)s' is a whole number, 0 or more.") % {"key": key}
        elif key in NUMBER_KEYS and _number(value) is None:
            problem = _("'%(key)s' is a number.") % {"key": key}
        elif key in TEXT_KEYS and (not isinstance(value, str) or len(value) > 200):
            problem = _("'%(key)s' is a text.") % {"key": key}
        if problem:
            raise InvalidInput(problem, fields={"conditions": [problem]})
    return dict(conditions)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _moment(value: Any) -> datetime | date | None:
    if not isinstance(value, str):
        return None
    return parse_datetime(value) or parse_date(value)


def _on_day(event: ContactEvent, day: date) -> datetime:
    """The event's time of day, on `day`."""
    return event.at + timedelta(days=(day - local_day(event.at)).days)


def _next_birthday(contact: Contact, after: date) -> date | None:
    born = contact.birth_date
    if born is None:
        return None
    for year in (after.year, after.year + 1):
        try:
            day = born.replace(year=year)
        except ValueError:  # 29 February in a common year: the 28th
            day = date(year, 2, 28)
        if day >= after:
            return day
    return None


def match(conditions: dict[str, Any], event: ContactEvent, contact: Contact) -> tuple[bool, datetime | None]:
    """Whether the event fires a trigger with these conditions, and the moment before which its message waits."""
    data = event.data if isinstance(event.data, dict) else {}
    if "sku" in conditions and event.sku != conditions["sku"]:
        return False, None
    if "tier" in conditions and str(data.get("tier", "")) != conditions["tier"]:
        return False, None
    if "segment" in conditions and str(data.get("segment", "")) != str(conditions["segment"]):
        return False, None
    for key, field in (("min_points", "points"), ("min_total", "total")):
        if key in conditions:
            purchase = data.get("purchase")
            nested = purchase.get(field) if isinstance(purchase, dict) else None
            value = _number(data.get(field, nested))
            if value is None or value < Decimal(str(conditions[key])):
                return False, None
    days_before = int(conditions.get("days_before", DAYS_BEFORE_DEFAULT.get(event.type, 0)))
    if event.type == "points_expiring":
        expires = _moment(data.get("expires_at"))
        if expires is None:
            return True, None
        expiry_day = local_day(expires) if isinstance(expires, datetime) else expires
        if expiry_day < local_day(event.at):
            return False, None
        return True, _on_day(event, expiry_day - timedelta(days=days_before))
    if event.type == "birthday":
        birthday = _moment(data.get("birthday"))
        day = birthday.date() if isinstance(birthday, datetime) else birthday
        if day is None:
            day = _next_birthday(contact, local_day(event.at))
        if day is None:
            return False, None
        send_day = day - timedelta(days=days_before)
        if send_day < local_day(event.at):
            return False, None
        return True, _on_day(event, send_day)
    return True, None
