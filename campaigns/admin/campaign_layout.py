"""The campaign page's layout: the mechanic first, the rest in sections that fold, each folded one saying in a line
what it holds (so a marketer sees the defaults without opening it); a section with an error opens by itself.

The page's template (`admin/campaigns/campaign/change_form.html`) draws the sections as <details>: a section with
the class "collapse" folds, "open" opens it at first; the test panel is a right column on a wide screen (CSS)."""

from collections.abc import Iterable
from typing import Any

from django.forms import Form
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.choices import AudienceType, CampaignStatus
from campaigns.forms import campaigns_sharing
from campaigns.models import Campaign
from common.admin.formats import window_end

FOLDED = ("collapse",)
UNFOLDED = ("collapse", "open")


def _summary(*parts: Any) -> str:
    """A folded section's line: its parts joined, escaped."""
    text = " · ".join(str(part) for part in parts if part)
    return format_html('<span class="cmp-section-summary">{}</span>', text)


def _json(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def schedule_summary(campaign: Campaign | None) -> str:
    if campaign is None or campaign.starts_at is None:
        return _summary(_("from now, with no end"), _("every day, all day"))
    conditions = _json(campaign.conditions)
    days = conditions.get("weekdays") or []
    hours = conditions.get("hours") or []
    return _summary(
        f"{window_end(campaign.starts_at)} – {window_end(campaign.ends_at)}",
        ngettext("%(count)s weekday", "%(count)s weekdays", len(days)) % {"count": len(days)}
        if days
        else _("every day"),
        "–".join(hours) if hours else _("all day"),
    )


def audience_summary(campaign: Campaign | None) -> str:
    audience = _json(campaign.audience if campaign else None)
    kind = audience.get("type") or AudienceType.ALL
    control = campaign.control_percent if campaign else 0
    return _summary(
        AudienceType(kind).label if kind in AudienceType.values else kind,
        _("control group %(percent)s %%") % {"percent": control} if control else _("no control group"),
    )


def conditions_summary(campaign: Campaign | None) -> str:
    conditions = _json(campaign.conditions if campaign else None)
    parts: list[Any] = []
    if conditions.get("min_total"):
        parts.append(_("from %(amount)s") % {"amount": number_format(conditions["min_total"], decimal_pos=2)})
    if conditions.get("min_quantity"):
        parts.append(_("from %(count)s units") % {"count": conditions["min_quantity"]})
    stores = len(conditions.get("stores") or [])
    parts.append(
        ngettext("%(count)s store", "%(count)s stores", stores) % {"count": stores} if stores else _("every store")
    )
    return _summary(*parts)


def limits_summary(campaign: Campaign | None) -> str:
    limits = _json(campaign.limits if campaign else None)
    return _summary(_("%(count)s set") % {"count": len(limits)} if limits else _("no limits"))


def codes_summary(campaign: Campaign | None) -> str:
    return _summary(_("only with a promo code") if campaign and campaign.requires_code else _("no promo code needed"))


def stacking_summary(campaign: Campaign | None) -> str:
    if campaign is None:
        return _summary(_("sum: on the base price"), _("priority %(priority)s") % {"priority": 0})
    return _summary(campaign.get_combine_display(), _("priority %(priority)s") % {"priority": campaign.priority})


def campaign_fieldsets(obj: Campaign | None, *, confirm_code_only: bool, preset: Iterable[str] = ()) -> tuple[Any, ...]:
    """Every field of the campaign form, in the order a marketer fills them; a folded section holding a field
    `preset` (given in the add page's query, e.g. the audience from a customer segment's page) is shown open."""
    return tuple(_unfold_preset(fieldset, set(preset)) for fieldset in _fieldsets(obj, confirm_code_only))


def _unfold_preset(fieldset: tuple[Any, dict[str, Any]], preset: set[str]) -> tuple[Any, dict[str, Any]]:
    name, options = fieldset
    if "collapse" in options.get("classes", ()) and preset.intersection(_flat(options["fields"])):
        options = {**options, "classes": UNFOLDED}
    return name, options


def _fieldsets(obj: Campaign | None, confirm_code_only: bool) -> tuple[Any, ...]:
    segment_fields: tuple[Any, ...] = (
        "product_segment",
        "segment_name",
        "segment_skus",
        "segment_categories",
        "segment_exclude_skus",
    )
    if obj is not None and campaigns_sharing(obj.product_segment, obj):
        segment_fields += ("segment_copy",)
    limits: tuple[Any, ...] = (("per_customer", "per_customer_days"), "total_uses", ("budget", "daily_budget"))
    codes: tuple[Any, ...] = ("requires_code", *(("confirm_code_only",) if confirm_code_only else ()))
    effect: tuple[Any, ...] = ()
    if obj is not None:
        limits += ("spent",)
        codes += ("promo_pools",)
        classes = FOLDED if obj.status == CampaignStatus.DRAFT else UNFOLDED
        effect = ((_("Effect"), {"fields": ("effect",), "classes": classes}),)
    return (
        (None, {"fields": ("name", "brand", "mechanic", "status"), "classes": ("cmp-main",)}),
        (_("Products"), {"fields": (*segment_fields, "segment_preview"), "classes": UNFOLDED}),
        (
            _("Schedule"),
            {
                "fields": (("starts_at", "ends_at"), "weekdays", ("hours_from", "hours_to")),
                "classes": FOLDED,
                "description": schedule_summary(obj),
            },
        ),
        (
            _("Audience and control group"),
            {
                "fields": ("audience_type", "audience_tiers", "audience_segment", "control_percent"),
                "classes": FOLDED,
                "description": audience_summary(obj),
            },
        ),
        (
            _("Basket conditions"),
            {
                "fields": (("min_total", "min_quantity"), "stores"),
                "classes": FOLDED,
                "description": conditions_summary(obj),
            },
        ),
        (
            _("Promo codes"),
            # open on a code-only campaign: its pools are what it needs
            {
                "fields": codes,
                "classes": UNFOLDED if obj is not None and obj.requires_code else FOLDED,
                "description": codes_summary(obj),
            },
        ),
        (
            _("Stacking with other campaigns"),
            {"fields": (("combine", "priority"),), "classes": FOLDED, "description": stacking_summary(obj)},
        ),
        (_("Limits"), {"fields": limits, "classes": FOLDED, "description": limits_summary(obj)}),
        *effect,
        (_("Hint"), {"fields": ("hint",), "classes": FOLDED}),
        (_("Record"), {"fields": ("owner", "created_at", "updated_at"), "classes": FOLDED}),
    )


def _flat(fields: Any) -> list[str]:
    names: list[str] = []
    for item in fields:
        names.extend(_flat(item) if isinstance(item, (list, tuple)) else [item])
    return names


def sections_with_errors(fieldsets: Any, form: Form) -> list[str]:
    """The names of the sections holding a field with an error: they are shown open."""
    errors = set(form.errors) if form.is_bound else set()
    return [str(name) for name, options in fieldsets if name and errors.intersection(_flat(options["fields"]))]
