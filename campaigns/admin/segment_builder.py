"""The customer segment page's visual rule builder: what its script (static/campaigns/segment_builder.js) reads from
the page, translated, and the shortcuts that put a saved segment to use (a campaign for its members, a message when a
contact enters)."""

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns.admin.base import ui_classes
from campaigns.models import Segment
from campaigns.segments.builder import builder_fields, builder_options
from loyalty.models import Brand, Program

# The builder's short words carry the context "segment rule" (a literal, for makemessages): they mean other things
# elsewhere.
# An operator's words depend on what it compares: a number's are symbols, a set's are words.
NUMBER_OPS = {
    "eq": "=",
    "ne": "≠",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "in": pgettext_lazy("segment rule", "one of"),
}
SET_OPS = {
    "eq": pgettext_lazy("segment rule", "is"),
    "ne": pgettext_lazy("segment rule", "is not"),
    "in": pgettext_lazy("segment rule", "is one of"),
}

BUILDER_STRINGS = {
    "modes": {"all": _("all of these"), "any": _("any of these"), "not": _("none of these")},
    "matchLabel": _("Contacts who match"),
    "groupMode": _("how the conditions combine"),
    "addCondition": _("Add a condition"),
    "addGroup": _("Add a group"),
    "removeCondition": _("Remove the condition"),
    "removeGroup": _("Remove the group"),
    "condition": _("condition %(number)s"),
    "field": pgettext_lazy("segment rule", "field"),
    "operator": pgettext_lazy("segment rule", "operator"),
    "value": pgettext_lazy("segment rule", "value"),
    "chooseField": _("Choose a field"),
    "choose": _("Choose…"),
    "yes": _("yes"),
    "no": _("no"),
    "inTheLast": pgettext_lazy("segment rule", "in the last"),
    "within": pgettext_lazy("segment rule", "within"),
    "days": pgettext_lazy("segment rule", "days"),
    "sku": _("SKU (optional)"),
    "severalValues": _("several values, separated by commas"),
    "unknown": _("not in the list: %(value)s"),
    "fillIn": _("Fill in this condition."),
    "chooseProgram": _("Choose the program first: the tiers, stores and segments offered depend on it."),
    "counting": _("Counting…"),
    "contacts": _("Contacts: %(count)s"),
    "andMore": _("… and %(count)s more"),
    "nobody": _("No contact matches these rules."),
    "incomplete": _("Fill in the highlighted conditions to see the count."),
    "correct": _("Correct the highlighted conditions to see the count."),
    "previewFailed": _("The count is not available: %(error)s"),
    "showJson": _("Show JSON (what is saved; may be edited by hand)"),
    "invalidJson": _("The JSON cannot be shown in the builder (%(error)s): correct it, or build the rules again."),
    "optionsFailed": _("The program's tiers, stores and segments could not be loaded: %(error)s"),
    "liveCount": _("Matching contacts now"),
}


def builder_page_config(
    user: AbstractBaseUser | AnonymousUser, segment: Segment | None, program: Program | None
) -> dict[str, Any]:
    """What the builder's script needs: the fields, the operators' words, the URLs, the chosen program's lists (the
    script asks for another program's when the program changes), the page's classes and texts."""
    return {
        "sections": builder_fields(),
        "ops": {"number": NUMBER_OPS, "set": SET_OPS, "flag": {"eq": SET_OPS["eq"], "ne": SET_OPS["ne"]}},
        "optionsUrl": reverse("admin:campaigns_segment_builder_options"),
        "previewUrl": reverse("segment-preview"),
        "contactUrl": reverse("admin:contacts_contact_change", args=[0]),
        "segmentId": segment.pk if segment is not None else None,
        "program": program.pk if program is not None else None,
        "options": (
            builder_options(user=user, program=program, segment_id=segment.pk if segment else None)
            if program is not None
            else None
        ),
        "fields": {"program": "id_program", "rules": "id_rules"},
        "classes": ui_classes(),
        "strings": BUILDER_STRINGS,
    }


def segment_uses(segment: Segment) -> list[dict[str, str]]:
    """Links that start a campaign for the segment's members and a trigger that writes to a contact the moment they
    enter it, filled in; the brand too when the program has one (whoever sees the segment sees that brand)."""
    brands = list(Brand.objects.filter(program_id=segment.program_id).order_by("pk").values_list("pk", flat=True)[:2])
    brand = {"brand": str(brands[0])} if len(brands) == 1 else {}
    campaign = {"audience_type": "segment", "audience_segment": str(segment.pk), **brand}
    trigger = {
        "name": str(_("Entered “%(name)s”") % {"name": segment.name}),
        "event": "segment_entered",
        "conditions": json.dumps({"segment": segment.pk}),
        **brand,
    }
    return [
        {
            "url": reverse("admin:campaigns_campaign_add") + "?" + urlencode(campaign),
            "label": str(_("New campaign for its members")),
        },
        {
            "url": reverse("admin:messaging_trigger_add") + "?" + urlencode(trigger),
            "label": str(_("New message when a contact enters it")),
        },
    ]
