"""The campaign's JSON parts (audience, conditions, limits) and the campaign form's plain fields, both ways: the
fields' initial values from the JSON, the JSON composed from the cleaned fields, and the service's errors about the
JSON put under the fields they concern."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.choices import AudienceType
from campaigns.forms.segment_editor import SegmentPlan
from campaigns.models import Campaign, ProductSegment
from campaigns.rules import LIMIT_LABELS
from common.errors import InvalidInput
from common.money import quantize

# The form's field for each condition (the hours are a pair of fields: the first one carries the errors).
CONDITION_FIELDS = {
    "min_total": "min_total",
    "min_quantity": "min_quantity",
    "stores": "stores",
    "weekdays": "weekdays",
    "hours": "hours_from",
}


def _money(value: Decimal) -> str:
    return str(quantize(value))


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


class CampaignJsonMixin(forms.ModelForm):
    """For `CampaignAdminForm`, which declares the fields and sets `initial_segment`."""

    initial_segment: ProductSegment | None

    def _initial_from_instance(self) -> None:
        campaign: Campaign = self.instance
        initial = self.initial
        audience = campaign.audience if isinstance(campaign.audience, dict) else {}
        initial["audience_type"] = audience.get("type", AudienceType.ALL)
        initial["audience_tiers"] = [pk for pk in audience.get("tiers") or [] if isinstance(pk, int)]
        initial["audience_segment"] = audience.get("segment")
        conditions = campaign.conditions if isinstance(campaign.conditions, dict) else {}
        initial["min_total"] = conditions.get("min_total") or None
        initial["min_quantity"] = conditions.get("min_quantity") or None
        initial["stores"] = [pk for pk in conditions.get("stores") or [] if isinstance(pk, int)]
        initial["weekdays"] = [day for day in conditions.get("weekdays") or [] if isinstance(day, int)]
        hours = conditions.get("hours")
        if isinstance(hours, list) and len(hours) == len(("from", "to")):
            initial["hours_from"], initial["hours_to"] = hours
        limits = campaign.limits if isinstance(campaign.limits, dict) else {}
        for key in ("per_customer", "per_customer_days", "total_uses", "budget", "daily_budget"):
            initial[key] = limits.get(key)
        segment = self.initial_segment
        if segment is not None:
            initial["segment_name"] = segment.name
            initial["segment_skus"] = list(segment.skus or [])
            initial["segment_categories"] = list(segment.categories.values_list("pk", flat=True))
            initial["segment_exclude_skus"] = list(segment.exclude_skus or [])

    def _compose_json(self) -> None:
        """The audience, conditions and limits JSON from the fields (those without errors)."""
        data = getattr(self, "cleaned_data", {})
        campaign: Campaign = self.instance
        kind = data.get("audience_type") or AudienceType.ALL
        audience: dict[str, Any] = {"type": kind}
        if kind == AudienceType.TIERS:
            audience["tiers"] = sorted(tier.pk for tier in data.get("audience_tiers") or [])
        elif kind == AudienceType.SEGMENT and data.get("audience_segment") is not None:
            audience["segment"] = data["audience_segment"].pk
        campaign.audience = audience
        conditions: dict[str, Any] = {}
        if data.get("min_total"):
            conditions["min_total"] = _money(data["min_total"])
        if data.get("min_quantity"):
            conditions["min_quantity"] = _plain(data["min_quantity"])
        if data.get("stores"):
            conditions["stores"] = sorted(store.pk for store in data["stores"])
        if data.get("weekdays"):
            conditions["weekdays"] = sorted(set(data["weekdays"]))
        if data.get("hours_from") and data.get("hours_to"):
            conditions["hours"] = [data["hours_from"], data["hours_to"]]
        campaign.conditions = conditions
        limits: dict[str, Any] = {}
        for key in ("per_customer", "per_customer_days", "total_uses"):
            if data.get(key):
                limits[key] = data[key]
        for key in ("budget", "daily_budget"):
            if data.get(key):
                limits[key] = _money(data[key])
        campaign.limits = limits

    def _add_service_errors(self, exc: InvalidInput, plan: SegmentPlan) -> None:
        """The service's errors under the fields they concern (a field with an error of its own keeps it)."""
        audience_field = {
            AudienceType.TIERS: "audience_tiers",
            AudienceType.SEGMENT: "audience_segment",
        }.get(self.instance.audience.get("type"), "audience_type")
        segment_field = "product_segment" if plan.action == "keep" and plan.segment is not None else "segment_skus"
        where = {
            "audience": audience_field,
            "product_segment": segment_field,
            "mechanic": "mechanic",
            "starts_at": "starts_at",
            "ends_at": "ends_at",
            "hint": "hint",
            "brand": "brand",
            "control_percent": "control_percent",
        }
        where.update({f"conditions.{key}": field for key, field in CONDITION_FIELDS.items()})
        where.update({f"limits.{key}": key for key in LIMIT_LABELS})
        prefixes = {"conditions": _("Conditions"), "limits": _("Limits")}
        for key, messages in exc.fields.items():
            messages = messages if isinstance(messages, list) else [str(messages)]
            target = where.get(key)
            if target is not None and target in self.fields:
                if target not in self.errors:
                    self.add_error(target, messages)
                continue
            part = key.split(".", 1)[0]
            prefix = prefixes.get(part, part)
            for message in messages:
                self.add_error(None, f"{prefix}: {message}")
