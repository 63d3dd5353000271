"""What segment rules point at, checked against the program: other segments (of the same program, never the segment
itself: a rule reads another segment's stored members, and a segment of another program would tell its members to
whoever can see this one), categories, stores of the program's brands, and tiers of the program (by id or name)."""

from typing import Any

from django.utils.translation import gettext as _

from campaigns.models import Segment
from campaigns.segments.fields import FIELDS
from campaigns.segments.rules import as_id, leaves, rule_error, values_of
from loyalty.models import Category, Program, Store, Tier


def _known(refers_to: str, program: Program, wanted: set[int]) -> set[int]:
    if refers_to == "segments":
        found = Segment.objects.filter(program=program, pk__in=wanted)
    elif refers_to == "categories":
        found = Category.objects.filter(pk__in=wanted)
    elif refers_to == "stores":
        found = Store.objects.filter(brand__program=program, pk__in=wanted)
    else:
        found = Tier.objects.filter(program=program, pk__in=wanted)
    return set(found.values_list("pk", flat=True))


def _message(refers_to: str, value: Any) -> str:
    messages = {
        "segments": _("No segment %(value)s in this program."),
        "categories": _("No category %(value)s."),
        "stores": _("No store %(value)s in this program."),
        "tiers": _("No tier %(value)s in this program."),
    }
    return messages[refers_to] % {"value": value}


def segment_rules_references_check(
    rules: dict[str, Any], *, program: Program, segment: Segment | None = None
) -> dict[str, Any]:
    """The (shape-checked) rules if every segment, category, store and tier they name exists for the program;
    otherwise InvalidInput on `rules` naming the first unknown one. A handful of queries, one per field used."""
    found: dict[str, list[tuple[str, Any]]] = {}
    for path, leaf in leaves(rules):
        if FIELDS[leaf["field"]].refers_to:
            found.setdefault(FIELDS[leaf["field"]].refers_to, []).extend((path, value) for value in values_of(leaf))
    names = {str(value).strip().lower() for _path, value in found.get("tiers", []) if as_id(value) is None}
    tier_names = (
        {name.lower() for name in Tier.objects.filter(program=program).values_list("name", flat=True)}
        if names
        else set()
    )
    for refers_to, items in found.items():
        ids = {as_id(value) for _path, value in items} - {None}
        known = _known(refers_to, program, {pk for pk in ids if pk is not None}) if ids else set()
        for path, value in items:
            pk = as_id(value)
            if refers_to == "segments" and segment is not None and pk == segment.pk:
                raise rule_error(path, _("A segment cannot contain itself."))
            if pk is None and refers_to == "tiers" and str(value).strip().lower() in tier_names:
                continue
            if pk is None or pk not in known:
                raise rule_error(path, _message(refers_to, value))
    return rules
