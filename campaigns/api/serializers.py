"""Serializers of the campaigns API: campaigns, product segments and customer segments.

The serializers check the shape (types, lengths, references the user may see); the services check the rules
(`campaign_clean`, `segment_rules_check`) and say which field is wrong and why.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Manager, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.api.schema import mechanic_schema
from campaigns.engine.control import MAX_CONTROL_PERCENT
from campaigns.models import Campaign, ProductSegment, Segment
from campaigns.services.limits import campaign_stats
from common.api.fields import MoneyField
from common.api.viewsets import ScopedModelSerializer, ScopedRelatedFieldsMixin
from common.money import quantize
from common.scoping import ScopedQuerySet
from contacts.models import Contact
from loyalty.api.serializers import ProductSerializer
from loyalty.models import Category, Program

MAX_JSON_DEPTH = 32
MAX_JSON_ITEMS = 2000
MAX_SKUS = 10_000
MAX_IDS = 10_000


def check_json_size(data: Any) -> None:
    """A JSON value of a modest size and depth: campaign parts are small, and a deep one is a mistake."""
    items = 0
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        items += 1
        if depth > MAX_JSON_DEPTH or items > MAX_JSON_ITEMS:
            raise serializers.ValidationError(_("The value is nested too deeply or is too large."))
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


@extend_schema_field(OpenApiTypes.OBJECT)
class BoundedJSONField(serializers.JSONField):
    """A JSON object of a modest size and depth (`check_json_size`)."""

    def to_internal_value(self, data: Any) -> Any:
        check_json_size(data)
        return super().to_internal_value(data)


class MechanicField(serializers.JSONField):
    """`{"type": ..., params}`, of a modest size: the service checks it against the type's declared parameters
    (`campaign_clean`, with the other parts' mistakes), the schema describes each type from the same declarations."""

    def to_internal_value(self, data: Any) -> Any:
        check_json_size(data)
        return super().to_internal_value(data)


class MechanicFieldExtension(OpenApiSerializerFieldExtension):
    target_class = MechanicField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return mechanic_schema()


class ObjectJSONField(BoundedJSONField):
    """A JSON object; `null` reads as the empty object (the model's default)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None:
            return True, {}
        return super().validate_empty_values(data)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError(_("Expected a JSON object."))
        return super().to_internal_value(data)


class PrimaryKeysField(serializers.ListField):
    """A list of ids of objects the user may see, read in one query; each id once, unknown ids named in the error."""

    def __init__(self, *, queryset: ScopedQuerySet, **kwargs: Any) -> None:
        self.queryset = queryset
        kwargs.setdefault("max_length", MAX_IDS)
        super().__init__(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), **kwargs)

    def to_internal_value(self, data: Any) -> list[Any]:
        ids = list(dict.fromkeys(super().to_internal_value(data)))
        request = self.context.get("request")
        queryset = self.queryset.all().for_user(getattr(request, "user", None))
        found = queryset.in_bulk(ids)
        unknown = [pk for pk in ids if pk not in found]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown ids: %(ids)s.") % {"ids": ", ".join(str(pk) for pk in unknown[:20])}
            )
        return [found[pk] for pk in ids]

    def to_representation(self, data: Any) -> list[int]:
        items = data.all() if isinstance(data, Manager | QuerySet) else data
        return [item.pk for item in items]


class CampaignStatsSerializer(serializers.Serializer):
    receipts = serializers.IntegerField(help_text="Confirmed receipts the campaign gave something on.")
    discount = MoneyField()
    points = MoneyField()
    value = MoneyField(help_text="Discount plus points × the program's point value.")


ZERO_STATS: dict[str, Any] = {"receipts": 0, "discount": Decimal(0), "points": Decimal(0), "value": Decimal(0)}


class CampaignListSerializer(serializers.ListSerializer):
    """Reads the statistics of a whole page of campaigns in one query."""

    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all() if isinstance(data, Manager | QuerySet) else data)
        self.context["stats"] = campaign_stats(campaign.pk for campaign in items)  # type: ignore[index]
        return super().to_representation(items)


class CampaignSerializer(ScopedModelSerializer):
    """A campaign as in the contract; `owner`, `stats` and the timestamps are read-only."""

    starts_at = serializers.DateTimeField(required=False, help_text="Default: now.")
    audience = ObjectJSONField(
        required=False, help_text='{"type": "all"|"identified"|"tiers"|"segment", "tiers": [ids], "segment": id}'
    )
    conditions = ObjectJSONField(
        required=False,
        help_text='{"min_total", "min_quantity", "stores": [ids], "weekdays": [1..7], "hours": ["HH:MM", "HH:MM"]}',
    )
    mechanic = MechanicField(help_text='{"type": ..., parameters}: see the mechanics in the contract.')
    limits = ObjectJSONField(
        required=False,
        help_text='{"per_customer", "per_customer_days", "total_uses", "budget", "daily_budget"}, all optional.',
    )
    hint = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=300,
        help_text="{missing_amount}, {missing_quantity}",
    )
    stats = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        list_serializer_class = CampaignListSerializer
        fields = [
            "id",
            "name",
            "brand",
            "status",
            "starts_at",
            "ends_at",
            "priority",
            "combine",
            "audience",
            "product_segment",
            "conditions",
            "requires_code",
            "mechanic",
            "hint",
            "limits",
            "control_percent",
            "owner",
            "stats",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["owner"]
        extra_kwargs = {
            "priority": {"min_value": -1_000_000, "max_value": 1_000_000},
            "control_percent": {"min_value": 0, "max_value": MAX_CONTROL_PERCENT},
        }

    def validate_hint(self, value: str | None) -> str:
        return value or ""

    def validate_audience(self, value: dict[str, Any]) -> dict[str, Any]:
        return value or {"type": "all"}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None:
            attrs.setdefault("audience", {"type": "all"})
        return attrs

    @extend_schema_field(CampaignStatsSerializer)
    def get_stats(self, campaign: Campaign) -> dict[str, Any]:
        stats = self.context.get("stats")
        if stats is None:  # one campaign, not a list
            stats = campaign_stats([campaign.pk])
        row = stats.get(campaign.pk) or ZERO_STATS
        return {
            "receipts": row["receipts"],
            "discount": str(quantize(row["discount"] or 0)),
            "points": str(quantize(row["points"] or 0)),
            "value": str(quantize(row["value"] or 0)),
        }


class ProductSegmentSerializer(ScopedModelSerializer):
    skus = serializers.ListField(
        child=serializers.CharField(max_length=64, allow_blank=True), required=False, max_length=MAX_SKUS
    )
    categories = PrimaryKeysField(
        queryset=Category.objects.all(), required=False, help_text="Category ids; their descendants are included."
    )
    exclude_skus = serializers.ListField(
        child=serializers.CharField(max_length=64, allow_blank=True), required=False, max_length=MAX_SKUS
    )

    class Meta:
        model = ProductSegment
        fields = ["id", "brand", "name", "skus", "categories", "exclude_skus", "created_at", "updated_at"]


class ProductSegmentPreviewSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    sample = ProductSerializer(many=True)


class SegmentSerializer(ScopedModelSerializer):
    rules = BoundedJSONField(help_text='{"all": [...]} or {"any": [...]}, nestable; leaves {"field", "op", "value"}.')

    class Meta:
        model = Segment
        fields = [
            "id",
            "name",
            "program",
            "rules",
            "recompute_minutes",
            "size",
            "recomputed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["size", "recomputed_at"]


class SegmentMemberSerializer(serializers.ModelSerializer):
    """A member of a segment: the contact's identity, and since when they are a member (null in a preview)."""

    entered_at = serializers.DateTimeField(read_only=True, allow_null=True, default=None)

    class Meta:
        model = Contact
        fields = ["id", "phone", "email", "first_name", "last_name", "entered_at"]


class SegmentPreviewRequestSerializer(ScopedRelatedFieldsMixin, serializers.Serializer):
    """`{"program", "rules"}`: rules tried on a program's contacts (of the user's brands), saved nowhere."""

    program = serializers.PrimaryKeyRelatedField(queryset=Program.objects.all())
    rules = BoundedJSONField(help_text='{"all": [...]}, {"any": [...]} or {"not": {...}}, as a segment\'s rules.')


class SegmentPreviewSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    sample = SegmentMemberSerializer(many=True)


class SegmentContactsSerializer(serializers.Serializer):
    """`{"contacts": [ids]}` of contacts the user may see."""

    contacts = PrimaryKeysField(queryset=Contact.objects.all(), allow_empty=False)


class SegmentAddedSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    size = serializers.IntegerField()


class SegmentRemovedSerializer(serializers.Serializer):
    removed = serializers.IntegerField()
    size = serializers.IntegerField()


class SegmentSizeSerializer(serializers.Serializer):
    size = serializers.IntegerField()
