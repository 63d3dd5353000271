"""A campaign's JSON parts (audience, conditions, mechanic, limits) parsed into the engine's types.

Each parser raises `RuleError(field, message)`; the API and the admin turn it into a message on that field.
"""

import re
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext, gettext_lazy, gettext_noop

from .engine.mechanics import Mechanic, MechanicError, parse_mechanic
from .engine.params import labelled
from .engine.types import Audience, Conditions

HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
LIMIT_KEYS = {"per_customer", "per_customer_days", "total_uses", "budget", "daily_budget"}
HINT_PLACEHOLDERS = {"missing_amount", "missing_quantity"}


# The labels of the conditions' and the limits' keys: the campaign form's fields and the errors shown to people.
CONDITION_LABELS = {
    "min_total": gettext_lazy("minimum eligible total"),
    "min_quantity": gettext_lazy("minimum eligible units"),
    "stores": gettext_lazy("stores"),
    "weekdays": gettext_lazy("weekdays"),
    "hours": gettext_lazy("hours"),
}
LIMIT_LABELS = {
    "per_customer": gettext_lazy("uses per customer"),
    "per_customer_days": gettext_lazy("in a window of (days)"),
    "total_uses": gettext_lazy("uses in total"),
    "budget": gettext_lazy("budget"),
    "daily_budget": gettext_lazy("daily budget"),
}
NOT_WHOLE_FROM_ONE = gettext_noop("%(name)s is a whole number from 1.")
NOT_ABOVE_ZERO = gettext_noop("%(name)s is above zero.")
NEEDS_PER_CUSTOMER = gettext_noop("%(name)s needs %(other)s.")


class RuleError(ValueError):
    """`message` names a key as the API does; `for_people` names it by its label; `key` is the condition or limit
    concerned, if one (a form puts the error under its field)."""

    def __init__(self, field: str, message: str, *, for_people: str | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.for_people = message if for_people is None else for_people
        self.key = key


def _limit_error(problem: str, key: str, **others: str) -> RuleError:
    """A limit's error: by its key for the API, by its label for people."""
    return RuleError(
        "limits",
        problem % {"name": f"'{key}'", **{name: f"'{other}'" for name, other in others.items()}},
        for_people=gettext(problem)
        % {
            "name": labelled(LIMIT_LABELS[key]),
            **{name: labelled(LIMIT_LABELS[other]) for name, other in others.items()},
        },
        key=key,
    )


def _ids(value: Any, field: str) -> frozenset[int]:
    if value in (None, ""):
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        raise RuleError(field, "A list of ids.")
    return frozenset(value)


def _money(value: Any, field: str, key: str | None = None) -> Decimal:
    """A number from 0 to a billion; the error, for people, names the condition or limit `key`."""
    labels = CONDITION_LABELS if field == "conditions" else LIMIT_LABELS
    name = labelled(labels[key]) if key in labels else None

    def fail(message: str, problem: str) -> RuleError:
        shown = gettext(problem) % {"name": name} if name is not None else message
        return RuleError(field, message, for_people=shown, key=key)

    if isinstance(value, bool):
        raise fail("A number.", gettext_noop("%(name)s is a number."))
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise fail("A number.", gettext_noop("%(name)s is a number.")) from exc
    if not number.is_finite() or number < 0 or number > Decimal("1000000000"):
        raise fail("A number from 0 to 1,000,000,000.", gettext_noop("%(name)s is a number from 0 to 1,000,000,000."))
    return number


def parse_audience(raw: Any) -> Audience:
    raw = raw or {"type": "all"}
    if not isinstance(raw, dict):
        raise RuleError("audience", "An object with a 'type'.")
    kind = raw.get("type", "all")
    if kind not in ("all", "identified", "tiers", "segment"):
        raise RuleError("audience", "The type is one of all, identified, tiers, segment.")
    if kind == "tiers":
        tiers = _ids(raw.get("tiers"), "audience")
        if not tiers:
            raise RuleError("audience", "Name the tiers: {'type': 'tiers', 'tiers': [ids]}.")
        return Audience(type=kind, tier_ids=tiers)
    if kind == "segment":
        segment = raw.get("segment")
        if not isinstance(segment, int) or isinstance(segment, bool):
            raise RuleError("audience", "Name the segment: {'type': 'segment', 'segment': id}.")
        return Audience(type=kind, segment_id=segment)
    return Audience(type=kind)


def parse_hours(raw: Any) -> tuple[time, time] | None:
    if raw in (None, "", []):
        return None
    if not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(item, str) for item in raw):
        raise RuleError("conditions", 'Hours are ["HH:MM", "HH:MM"].', key="hours")
    parsed = []
    for item in raw:
        match = HOURS.match(item)
        if not match:
            raise RuleError("conditions", f"'{item}' is not a time HH:MM.", key="hours")
        parsed.append(time(int(match.group(1)), int(match.group(2))))
    if parsed[0] == parsed[1]:
        raise RuleError(
            "conditions",
            "The hours window is empty: the start equals the end.",
            for_people=gettext("The hours window is empty: the start equals the end."),
            key="hours",
        )
    return parsed[0], parsed[1]


def parse_conditions(raw: Any) -> Conditions:
    raw = raw or {}
    if not isinstance(raw, dict):
        raise RuleError("conditions", "An object.")
    unknown = set(raw) - {"min_total", "min_quantity", "stores", "weekdays", "hours"}
    if unknown:
        raise RuleError("conditions", f"Unknown conditions: {', '.join(sorted(unknown))}.")
    weekdays = _ids(raw.get("weekdays"), "conditions")
    if any(day < 1 or day > 7 for day in weekdays):
        raise RuleError("conditions", "Weekdays are 1 (Monday) to 7 (Sunday).", key="weekdays")
    return Conditions(
        min_total=_money(raw.get("min_total") or 0, "conditions", "min_total"),
        min_quantity=_money(raw.get("min_quantity") or 0, "conditions", "min_quantity"),
        store_ids=_ids(raw.get("stores"), "conditions"),
        weekdays=weekdays,
        hours=parse_hours(raw.get("hours")),
    )


def parse_limits(raw: Any) -> dict[str, Any]:
    raw = raw or {}
    if not isinstance(raw, dict):
        raise RuleError("limits", "An object.")
    unknown = set(raw) - LIMIT_KEYS
    if unknown:
        raise RuleError("limits", f"Unknown limits: {', '.join(sorted(unknown))}.")
    limits: dict[str, Any] = {}
    for key in ("per_customer", "per_customer_days", "total_uses"):
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _limit_error(NOT_WHOLE_FROM_ONE, key)
        limits[key] = value
    for key in ("budget", "daily_budget"):
        if raw.get(key) is not None:
            amount = _money(raw[key], "limits", key)
            if amount <= 0:
                raise _limit_error(NOT_ABOVE_ZERO, key)
            limits[key] = amount
    if "per_customer_days" in limits and "per_customer" not in limits:
        raise _limit_error(NEEDS_PER_CUSTOMER, "per_customer_days", other="per_customer")
    return limits


def parse_campaign_mechanic(raw: Any) -> Mechanic:
    """The campaign's mechanic, checked against its class's declared parameters (`validate_mechanic`)."""
    try:
        return parse_mechanic(raw)
    except MechanicError as exc:
        raise RuleError("mechanic", str(exc), for_people=exc.for_people) from exc
    except ArithmeticError as exc:
        raise RuleError(
            "mechanic", "A number is out of range.", for_people=gettext("A number is out of range.")
        ) from exc


def check_hint(hint: str) -> None:
    for name in re.findall(r"\{([^{}]*)\}", hint or ""):
        if name not in HINT_PLACEHOLDERS:
            raise RuleError("hint", f"Unknown placeholder {{{name}}}: use {{missing_amount}} or {{missing_quantity}}.")
