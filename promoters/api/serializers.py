"""Serializers of stands, leads and a stand's figures."""

from typing import Any, cast

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.api.fields import MoneyField
from common.api.viewsets import ScopedModelSerializer
from promoters.models import STAND_CODE, Lead, Stand
from promoters.selectors import promoter_choices

User = get_user_model()


class StandSerializer(ScopedModelSerializer):
    promoters = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.none(), required=False)
    welcome_points = MoneyField(required=False, min_value=0)
    # The service answers a taken code (409 `duplicate_code`), so no validator of the serializer's own.
    code = serializers.CharField(max_length=50, validators=[STAND_CODE])
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Stand
        fields = ["id", *Stand.EDITABLE_FIELDS, "lead_count", "page_url", "created_at", "updated_at"]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            promoters = fields["promoters"]
            assert isinstance(promoters, serializers.ManyRelatedField)
            cast(Any, promoters.child_relation).queryset = promoter_choices(request.user)
        return fields

    def get_page_url(self, stand: Stand) -> str:
        return f"/promo/{stand.code}/"

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        starts = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        ends = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if starts is not None and ends is not None and ends <= starts:
            raise serializers.ValidationError({"ends_at": [_("The stand must end after it starts.")]})
        return attrs


class LeadCreateSerializer(serializers.Serializer):
    """`POST /leads`: the form as the tablet sends it."""

    id = serializers.UUIDField(help_text="The client's id for the lead (a UUID): the same id is one lead.")
    stand = serializers.CharField(max_length=50, help_text="The stand's code.")
    phone = serializers.CharField(max_length=40)
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, allow_null=True, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    consent_terms = serializers.BooleanField()
    consent_marketing = serializers.BooleanField(required=False, default=False)
    consent_version = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    captured_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="When it was typed (a lead kept offline)."
    )
    # A field people never see (hidden on the page): a bot that fills every field fills it.
    website = serializers.CharField(required=False, allow_blank=True, default="", write_only=True)

    def validate_consent_terms(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(_("The visitor must accept the terms."))
        return value

    def validate_website(self, value: str) -> str:
        if value:
            raise serializers.ValidationError(_("Refused."))
        return value


class LeadAnswerSerializer(serializers.Serializer):
    lead_id = serializers.IntegerField()
    contact_id = serializers.IntegerField(allow_null=True)
    card = serializers.CharField(allow_null=True)
    created = serializers.BooleanField()


class LeadSerializer(serializers.ModelSerializer):
    """A lead as stored (read-only)."""

    id = serializers.IntegerField(read_only=True)
    card = serializers.CharField(source="card.number", read_only=True, allow_null=True)
    welcome_points = MoneyField(read_only=True)

    class Meta:
        model = Lead
        fields = ["id", *Lead.SHOWN_FIELDS]
        read_only_fields = fields


class PromoterFiguresSerializer(serializers.Serializer):
    promoter = serializers.IntegerField(allow_null=True)
    username = serializers.CharField()
    leads = serializers.IntegerField()
    new_contacts = serializers.IntegerField()


class HourFiguresSerializer(serializers.Serializer):
    hour = serializers.CharField(help_text="The hour's start, ISO 8601 with offset (the server's time zone).")
    leads = serializers.IntegerField()
    new_contacts = serializers.IntegerField()


class StandStatsSerializer(serializers.Serializer):
    stand = serializers.IntegerField()
    leads = serializers.IntegerField()
    new_contacts = serializers.IntegerField()
    welcome_points = MoneyField()
    per_promoter = PromoterFiguresSerializer(many=True)
    per_hour = HourFiguresSerializer(many=True)
