"""Segment rules checked before they are saved or previewed: first their shape (`segment_rules_check`, no database),
then what they point at (`segment_rules_references_check`: segments, categories, stores and tiers of the program).

`rules` is `{"all": [...]}`, `{"any": [...]}` or `{"not": {...}}`, nestable; a leaf is `{"field", "op", "value"}`
plus the keys its field reads (`window_days`, `days`, `sku`: see `fields.py`). Every error names where it is
(`all[0].any[1]`) in the contract's shape: InvalidInput on `rules`.
"""

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from campaigns.segments.fields import EVENT_TYPE_PATTERN, FIELDS, RuleField
from common.errors import InvalidInput

GROUPS = ("all", "any", "not")
BASE_KEYS = frozenset({"field", "op", "value"})
MAX_DEPTH = 6
MAX_NODES = 200
MAX_IN_VALUES = 1000
MAX_NUMBER = Decimal("1000000000")
MAX_DAYS = 36500
_EVENT_TYPE = re.compile(EVENT_TYPE_PATTERN)


def rule_error(path: str, message: str) -> InvalidInput:
    text = f"{path}: {message}" if path else message
    return InvalidInput(text, fields={"rules": [text]})


def _top_level() -> str:
    return _('Rules are {"all": [...]}, {"any": [...]} or {"not": {...}}.')


def is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return False
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False
    return number.is_finite() and abs(number) <= MAX_NUMBER


def as_id(value: Any) -> int | None:
    """An object id given as a number or a string of digits; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= 2**63 - 1 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value) or None
    return None


def _text(value: Any, max_length: int) -> bool:
    return isinstance(value, str) and len(value) <= max_length and "\x00" not in value


def _check_item(path: str, rule: RuleField, item: Any) -> None:
    name = rule.name
    if rule.kind == "number" and not is_number(item):
        raise rule_error(path, _("'%(field)s' is compared with a number.") % {"field": name})
    if rule.kind == "flag" and not isinstance(item, bool):
        raise rule_error(path, _("'%(field)s' is true or false.") % {"field": name})
    if rule.kind == "choice" and item not in rule.values:
        choices = ", ".join(repr(choice) for choice in rule.values)
        raise rule_error(path, _("'%(field)s' is one of %(choices)s.") % {"field": name, "choices": choices})
    if rule.kind == "id" and as_id(item) is None:
        raise rule_error(path, _("'%(field)s' is compared with an id.") % {"field": name})
    if rule.kind == "id_or_name" and as_id(item) is None and not (_text(item, rule.max_length) and item.strip()):
        raise rule_error(path, _("'%(field)s' is compared with an id or a name.") % {"field": name})
    if rule.kind == "text":
        if not _text(item, rule.max_length) or (name != "city" and not item):
            message = _("'%(field)s' is compared with a text of up to %(max)s characters.")
            raise rule_error(path, message % {"field": name, "max": rule.max_length})
        if name == "event" and not _EVENT_TYPE.match(item):
            raise rule_error(path, _("An event type is 1 to 64 of a-z, 0-9, '_' and '.'."))


def _check_leaf(path: str, leaf: dict[str, Any]) -> None:
    name, op = leaf.get("field"), leaf.get("op")
    if not isinstance(name, str) or name not in FIELDS:
        raise rule_error(path, _("'field' is one of %(fields)s.") % {"fields": ", ".join(sorted(FIELDS))})
    rule = FIELDS[name]
    unknown = set(leaf) - BASE_KEYS - set(rule.keys)
    if unknown:
        raise rule_error(path, _("Unknown keys: %(keys)s.") % {"keys": ", ".join(sorted(map(str, unknown)))})
    if not isinstance(op, str) or op not in rule.ops:
        raise rule_error(path, _("'op' is one of %(ops)s.") % {"ops": ", ".join(rule.ops)})
    if "value" not in leaf:
        raise rule_error(path, _("'value' is required."))
    value = leaf["value"]
    if op == "in":
        if not isinstance(value, list) or not value or len(value) > MAX_IN_VALUES:
            raise rule_error(path, _("'in' takes a list of 1 to %(max)s values.") % {"max": MAX_IN_VALUES})
        items = value
    else:
        if isinstance(value, list | dict) or value is None:
            raise rule_error(path, _("'%(op)s' takes one value.") % {"op": op})
        items = [value]
    for item in items:
        _check_item(path, rule, item)
    for key in ("window_days", "days"):
        days = leaf.get(key)
        if key in leaf and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS):
            message = _("'%(key)s' is a whole number of days from 1 to %(max)s.")
            raise rule_error(path, message % {"key": key, "max": MAX_DAYS})
    if "sku" in leaf and not (_text(leaf["sku"], 64) and leaf["sku"]):
        raise rule_error(path, _("'sku' is a text of 1 to 64 characters."))


def _children(path: str, node: dict[str, Any]) -> list[tuple[str, Any]]:
    key = next(key for key in GROUPS if key in node)
    prefix = f"{path}.{key}" if path else key
    children = node[key]
    if key == "not":
        if not isinstance(children, dict):
            raise rule_error(prefix, _('"not" takes one condition or group.'))
        return [(prefix, children)]
    if not isinstance(children, list):
        raise rule_error(prefix, _("A list of conditions and groups."))
    return [(f"{prefix}[{index}]", child) for index, child in enumerate(children)]


def segment_rules_check(rules: Any) -> dict[str, Any]:
    """The rules if their shape is right; otherwise InvalidInput on `rules` saying where and what is wrong."""
    if not isinstance(rules, dict):
        raise rule_error("", _top_level())
    nodes = 0
    stack: list[tuple[str, Any, int]] = [("", rules, 1)]
    while stack:
        path, node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise rule_error("", _("At most %(max)s conditions and groups.") % {"max": MAX_NODES})
        if not isinstance(node, dict):
            raise rule_error(path, _('A condition {"field", "op", "value"} or a group {"all"|"any": [...]}.'))
        groups = [key for key in GROUPS if key in node]
        if not groups:
            if depth == 1:
                raise rule_error("", _top_level())
            _check_leaf(path, node)
            continue
        if len(node) != 1:
            raise rule_error(path, _('A group has exactly one key, "all", "any" or "not".'))
        if depth > MAX_DEPTH:
            raise rule_error(path, _("Groups nest at most %(max)s deep.") % {"max": MAX_DEPTH})
        stack.extend((child_path, child, depth + 1) for child_path, child in reversed(_children(path, node)))
    return rules


def leaves(rules: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every leaf of (shape-checked) rules with its path, in order."""
    if not any(key in rules for key in GROUPS):
        yield path, rules
        return
    for child_path, child in _children(path, rules):
        yield from leaves(child, child_path)


def values_of(leaf: dict[str, Any]) -> list[Any]:
    value = leaf["value"]
    return list(value) if leaf["op"] == "in" else [value]
