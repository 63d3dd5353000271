"""Serializers of the promo codes API: the shape of a pool (the rules are `pool_validate`'s), codes, jobs."""

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.models import Campaign
from common.api.viewsets import ScopedModelSerializer
from promocodes.choices import PoolKind
from promocodes.codes import MAX_CODE_LENGTH, MAX_LENGTH, MIN_LENGTH
from promocodes.models import GenerationJob, PromoCode, PromoPool
from promocodes.selectors import PoolTotals, code_status, code_uses, last_use, pool_totals
from promocodes.services.generation import MAX_COUNT


class PoolTotalsSerializer(serializers.Serializer):
    generated = serializers.IntegerField()
    used = serializers.IntegerField(help_text="Codes burned (uses of a multi-use code).")
    remaining = serializers.IntegerField(
        allow_null=True,
        help_text="Codes (uses) still usable now; null = unlimited (a multi-use code without max_uses).",
    )
    expired = serializers.IntegerField(help_text="Codes never used before the pool's validity ended.")


class PromoPoolSerializer(ScopedModelSerializer):
    """A pool as in the contract; `total` (codes in the pool) and `totals` are read-only."""

    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), help_text="A campaign of the same brand with requires_code: true."
    )
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_CODE_LENGTH,
        help_text="The one code of a multi-use pool (generated from prefix and length if left out).",
    )
    prefix = serializers.CharField(required=False, allow_blank=True, max_length=16)
    length = serializers.IntegerField(
        required=False, min_value=MIN_LENGTH, max_value=MAX_LENGTH, help_text="Random characters after the prefix."
    )
    max_uses = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)
    max_uses_per_contact = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1, help_text="Default 1; null = unlimited."
    )
    total = serializers.IntegerField(source="total_codes", read_only=True)
    totals = serializers.SerializerMethodField()

    class Meta:
        model = PromoPool
        fields = ["id", *PromoPool.EDITABLE_FIELDS, "total", "totals", "created_at", "updated_at"]
        extra_kwargs = {"kind": {"required": True}}

    @extend_schema_field(PoolTotalsSerializer)
    def get_totals(self, pool: PromoPool) -> PoolTotals:
        return pool_totals(pool)


class GenerateSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=MAX_COUNT)


class GenerateAnswerSerializer(serializers.Serializer):
    generated = serializers.IntegerField()
    total = serializers.IntegerField()
    job_id = serializers.IntegerField(required=False, help_text="Only when the codes are made in the background (202).")
    status = serializers.CharField(required=False)


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="A CSV: a `code` column, or codes in the first column.")
    content = serializers.CharField(required=False, allow_blank=False, help_text="The CSV as text, instead of a file.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("file")) == bool(attrs.get("content")):
            message = _("Send a CSV file (multipart `file`) or its text (`content`).")
            raise serializers.ValidationError({"file": [message]})
        return attrs


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    code = serializers.CharField()
    error = serializers.ChoiceField(choices=["malformed", "duplicate_in_file", "duplicate"])


class ImportAnswerSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    total = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)  # type: ignore[assignment]


class PromoCodeSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    uses = serializers.SerializerMethodField()
    used_at = serializers.SerializerMethodField()
    purchase_id = serializers.SerializerMethodField()

    class Meta:
        model = PromoCode
        fields = ["id", "code", "status", "uses", "used_at", "purchase_id", "created_at"]

    def get_status(self, code: PromoCode) -> str:
        return code_status(code)

    def get_uses(self, code: PromoCode) -> int:
        return code_uses(code.pool) if code.pool.kind == PoolKind.MULTI_USE else code.uses

    def to_representation(self, instance: PromoCode) -> dict[str, Any]:
        # A multi-use code's last use is read once, for both fields that show it.
        self._latest = last_use(instance.pool) if instance.pool.kind == PoolKind.MULTI_USE else None
        return super().to_representation(instance)

    def get_used_at(self, code: PromoCode) -> datetime | None:
        if code.pool.kind != PoolKind.MULTI_USE:
            return code.used_at
        return self._latest.at if self._latest is not None else None

    def get_purchase_id(self, code: PromoCode) -> int | None:
        if code.pool.kind != PoolKind.MULTI_USE:
            return code.purchase_id
        return self._latest.purchase_id if self._latest is not None else None


class GenerationJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = GenerationJob
        fields = ["id", "pool", "requested", "generated", "status", "error", "started_at", "finished_at", "created_at"]
