"""What the admin's rule builder reads: the rule fields as its page shows them (`builder_fields`, from `fields.py`),
and the objects a program's rules may name, as far as the user may see them (`builder_options`).

The builder itself is static/campaigns/segment_builder.js; it writes the rules' JSON and asks
`POST /api/v1/segments/preview` for the count as the marketer edits.
"""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from campaigns.models import Segment
from campaigns.segments.fields import SECTIONS
from loyalty.models import Category, Program, Store, Tier

# The most of each kind of object offered in a list (an id beyond them can still be typed in the JSON).
OPTIONS_SHOWN = 1000
CATEGORIES_SHOWN = 5000


def builder_fields() -> list[dict[str, Any]]:
    """The rule fields by section, in the current language: name, label, kind, operators, extra keys with their
    defaults, the choices or suggested values, and which of the program's objects an id names."""
    return [
        {
            "key": key,
            "label": str(label),
            "fields": [
                {
                    "name": rule.name,
                    "label": str(rule.label),
                    "kind": rule.kind,
                    "ops": list(rule.ops),
                    "keys": rule.keys,
                    "choices": [[value, str(text)] for value, text in rule.choices],
                    "suggestions": [[value, str(text)] for value, text in rule.suggestions],
                    "refersTo": rule.refers_to,
                    "maxLength": rule.max_length,
                }
                for rule in rules
            ],
        }
        for key, label, rules in SECTIONS
    ]


def _category_tree(user: AbstractBaseUser | AnonymousUser) -> list[dict[str, Any]]:
    """The category tree in reading order (siblings by name), each with its depth; the first `CATEGORIES_SHOWN` by
    path, so that every category listed comes with its parents."""
    rows = list(
        Category.objects.for_user(user).order_by("path").values_list("pk", "name", "parent_id")[:CATEGORIES_SHOWN]
    )
    listed = {pk for pk, _name, _parent in rows}
    children: dict[int | None, list[tuple[int, str]]] = {}
    for pk, name, parent in rows:
        children.setdefault(parent if parent in listed else None, []).append((pk, name))
    tree: list[dict[str, Any]] = []
    stack = [(pk, name, 0) for pk, name in sorted(children.get(None, []), key=lambda item: item[1].lower())][::-1]
    while stack:
        pk, name, depth = stack.pop()
        tree.append({"id": pk, "name": name, "depth": depth})
        below = sorted(children.get(pk, []), key=lambda item: item[1].lower())
        stack.extend((child, child_name, depth + 1) for child, child_name in reversed(below))
    return tree


def builder_options(
    *, user: AbstractBaseUser | AnonymousUser, program: Program, segment_id: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The program's tiers, its brands' stores and its other segments, and the category tree, as far as the user
    sees them: what the builder's lists offer. A program with several brands names each store's brand."""
    stores = (
        Store.objects.for_user(user)
        .filter(brand__program=program)
        .order_by("brand__name", "name", "pk")
        .values_list("pk", "name", "brand__name")[:OPTIONS_SHOWN]
    )
    several_brands = len({brand for _pk, _name, brand in stores}) > 1
    segments = Segment.objects.for_user(user).filter(program=program)
    if segment_id is not None:
        segments = segments.exclude(pk=segment_id)  # a segment cannot contain itself
    return {
        "tiers": [
            {"id": pk, "name": name}
            for pk, name in Tier.objects.for_user(user)
            .filter(program=program)
            .order_by("min_spend", "name", "pk")
            .values_list("pk", "name")[:OPTIONS_SHOWN]
        ],
        "stores": [{"id": pk, "name": f"{brand} · {name}" if several_brands else name} for pk, name, brand in stores],
        "segments": [
            {"id": pk, "name": name}
            for pk, name in segments.order_by("name", "pk").values_list("pk", "name")[:OPTIONS_SHOWN]
        ],
        "categories": _category_tree(user),
    }
