"""`GET /campaigns/{id}/effect`: the query it takes and the answer it gives (`campaigns.effect.campaign_effect`)."""

import re
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from rest_framework import serializers

from campaigns.effect import REASONS, CampaignEffect, Group
from campaigns.effect.interval import CONFIDENCE
from common.api.fields import MoneyField

DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class PeriodBoundField(serializers.DateTimeField):
    """An ISO time with offset, or a date: the day's start in the server's time zone, or (`inclusive_day`, for the
    end) the next day's start, so that `to=2026-11-30` covers the 30th."""

    def __init__(self, *, inclusive_day: bool = False, **kwargs: Any) -> None:
        self.inclusive_day = inclusive_day
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str) and DATE_ONLY.match(value.strip()):
            try:
                day = parse_date(value.strip())
            except ValueError:
                day = None
            if day is None:
                raise serializers.ValidationError(_("A date YYYY-MM-DD or a time in ISO 8601."))
            if self.inclusive_day:
                day += timedelta(days=1)
            return timezone.make_aware(datetime.combine(day, time.min))
        return super().to_internal_value(value)


class EffectQuerySerializer(serializers.Serializer):
    """`from`, `to`: the period, by default the campaign's window up to now."""

    def get_fields(self) -> dict[str, serializers.Field]:
        # `from` is a Python keyword: the fields are named in a mapping.
        return {
            "from": PeriodBoundField(required=False, help_text="Default: the campaign's start."),
            "to": PeriodBoundField(
                required=False, inclusive_day=True, help_text="Default: the campaign's end, or now while it runs."
            ),
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "from" in attrs and "to" in attrs and attrs["to"] <= attrs["from"]:
            raise serializers.ValidationError({"to": [_("The end must be after the start.")]})
        return attrs


class EffectGroupSerializer(serializers.Serializer):
    contacts = serializers.IntegerField(help_text="Contacts of the audience in this group, buyers or not.")
    buyers = serializers.IntegerField(help_text="Of them, those with a confirmed purchase at the brand in the period.")
    revenue = MoneyField(help_text="Their purchases' money paid at the brand in the period, net of refunds.")
    revenue_per_contact = MoneyField(help_text="revenue ÷ contacts.")


class CampaignEffectSerializer(serializers.Serializer):
    """The contract's fields, then the period, the split and the interval."""

    receipts = serializers.IntegerField(help_text="Confirmed receipts the campaign gave something on.")
    revenue = MoneyField(help_text="Those receipts' money paid, net of refunds.")
    discount = MoneyField(help_text="Discounts the campaign gave.")
    points = MoneyField(help_text="Points the campaign gave.")
    target = EffectGroupSerializer(help_text="The audience the campaign was for.")
    control = EffectGroupSerializer(help_text="The audience held out (never got the campaign).")
    uplift = serializers.FloatField(
        allow_null=True, help_text="target.revenue_per_contact ÷ control.revenue_per_contact − 1; null: see reason."
    )
    uplift_low = serializers.FloatField(allow_null=True, help_text="The interval's lower end.")
    uplift_high = serializers.FloatField(allow_null=True, help_text="The interval's upper end.")
    confidence = serializers.FloatField(help_text="The interval's confidence level.")
    reason = serializers.ChoiceField(
        choices=sorted(REASONS), allow_null=True, help_text="Why there is no uplift; null when there is one."
    )
    reason_message = serializers.CharField(allow_null=True)
    control_percent = serializers.IntegerField()
    period = serializers.DictField(child=serializers.DateTimeField(), help_text='{"from", "to"}: [from, to).')


def _group(group: Group) -> dict[str, Any]:
    return {
        "contacts": group.contacts,
        "buyers": group.buyers,
        "revenue": group.revenue,
        "revenue_per_contact": group.revenue_per_contact,
    }


def effect_answer(effect: CampaignEffect) -> dict[str, Any]:
    """The answer's data, for `CampaignEffectSerializer`."""
    reason = effect.uplift.reason
    return {
        "receipts": effect.receipts,
        "revenue": effect.revenue,
        "discount": effect.discount,
        "points": effect.points,
        "target": _group(effect.target),
        "control": _group(effect.control),
        "uplift": effect.uplift.value,
        "uplift_low": effect.uplift.low,
        "uplift_high": effect.uplift.high,
        "confidence": CONFIDENCE,
        "reason": reason,
        "reason_message": str(REASONS[reason]) if reason else None,
        "control_percent": effect.control_percent,
        "period": {"from": effect.start, "to": effect.end},
    }
