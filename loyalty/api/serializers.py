"""Serializers of the management API for the organisation, catalogue, cards and contacts."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from common.api.viewsets import ScopedModelSerializer
from contacts.choices import Gender
from contacts.models import Contact
from loyalty.models import (
    Brand,
    Card,
    CardType,
    Category,
    MasterAccount,
    Partner,
    Product,
    Program,
    Register,
    Store,
    Tier,
)


class ProgramSerializer(ScopedModelSerializer):
    class Meta:
        model = Program
        fields = [
            "id",
            "name",
            "point_value",
            "max_redeem_percent",
            "activation_days",
            "expires_in_days",
            "created_at",
            "updated_at",
        ]


class PartnerSerializer(ScopedModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "name", "legal_name", "created_at", "updated_at"]


class BrandSerializer(ScopedModelSerializer):
    class Meta:
        model = Brand
        fields = ["id", "name", "program", "currency", "created_at", "updated_at"]


class StoreSerializer(ScopedModelSerializer):
    class Meta:
        model = Store
        fields = ["id", "brand", "partner", "name", "code", "timezone", "city", "created_at", "updated_at"]


class RegisterSerializer(ScopedModelSerializer):
    brand = serializers.IntegerField(source="store.brand_id", read_only=True)

    class Meta:
        model = Register
        fields = [
            "id",
            "store",
            "brand",
            "code",
            "model",
            "serial_number",
            "software_version",
            "is_active",
            "last_seen_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["last_seen_at"]


class RegisterCreatedSerializer(RegisterSerializer):
    """The answer to a create: the register and its API key, shown this once."""

    api_key = serializers.CharField(read_only=True)

    class Meta(RegisterSerializer.Meta):
        fields = [*RegisterSerializer.Meta.fields, "api_key"]


class ApiKeySerializer(serializers.Serializer):
    api_key = serializers.CharField(read_only=True)


class CategorySerializer(ScopedModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "parent", "path", "created_at", "updated_at"]
        read_only_fields = ["path"]


class ProductSerializer(ScopedModelSerializer):
    class Meta:
        model = Product
        fields = [
            "id",
            "brand",
            "sku",
            "name",
            "category",
            "price",
            "accrual_excluded",
            "redemption_excluded",
            "created_at",
            "updated_at",
        ]
        # The database refuses a negative price (a check constraint): say so as a 400, not a 409.
        extra_kwargs = {"price": {"min_value": Decimal("0")}}

    def validate_sku(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError(_("This field may not be blank."))
        return value


class TierSerializer(ScopedModelSerializer):
    class Meta:
        model = Tier
        fields = [
            "id",
            "program",
            "name",
            "min_spend",
            "accrual_percent",
            "valid_days",
            "window_days",
            "created_at",
            "updated_at",
        ]


class CardTypeSerializer(ScopedModelSerializer):
    class Meta:
        model = CardType
        fields = ["id", "program", "name", "number_prefix", "number_length", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        prefix = attrs.get("number_prefix", getattr(self.instance, "number_prefix", ""))
        length = attrs.get("number_length", getattr(self.instance, "number_length", 13))
        if len(prefix) >= length - 1:
            raise serializers.ValidationError(
                {"number_prefix": [_("The prefix leaves no room for a serial and a check digit.")]}
            )
        return attrs


class CardSerializer(ScopedModelSerializer):
    program = serializers.IntegerField(source="card_type.program_id", read_only=True)

    class Meta:
        model = Card
        fields = [
            "id",
            "number",
            "card_type",
            "program",
            "contact",
            "status",
            "bound_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["bound_at"]
        extra_kwargs: dict[str, dict[str, object]] = {"number": {"validators": []}}

    def validate_number(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError(_("This field may not be blank."))
        # `validators: []` above drops the unique check (the service answers 409) and with it the model's
        # format check: run the model field's own validators here.
        Card._meta.get_field("number").run_validators(value)
        return value


class ContactCardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Card
        fields = ["number", "card_type", "status"]


class ContactSerializer(ScopedModelSerializer):
    """A contact; phone and e-mail are normalised by the service, not here."""

    phone = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=64)
    email = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=254)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    issue_card = serializers.BooleanField(write_only=True, required=False, default=False)
    program = serializers.PrimaryKeyRelatedField(
        queryset=Program.objects.all(), write_only=True, required=False, allow_null=True
    )
    cards = serializers.SerializerMethodField()
    tier = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            *Contact.EDITABLE_FIELDS,
            "phone_confirmed_at",
            "email_confirmed_at",
            "issue_card",
            "program",
            "cards",
            "tier",
            "source",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["source", "phone_confirmed_at", "email_confirmed_at"]

    def validate_birth_date(self, value: date | None) -> date | None:
        if value is not None and (value > date.today() or value.year < 1900):
            raise serializers.ValidationError(_("Enter a real birth date."))
        return value

    def _visible_cards(self, contact: Contact) -> list[Card]:
        program_ids = self.context.get("program_ids")
        cards = list(contact.cards.all())
        if program_ids is None:
            return cards
        return [card for card in cards if card.card_type.program_id in program_ids]

    def get_cards(self, contact: Contact) -> list[dict[str, Any]]:
        return ContactCardSerializer(self._visible_cards(contact), many=True).data  # type: ignore[return-value]

    def get_tier(self, contact: Contact) -> str | None:
        wanted = self.context.get("program_id")
        program_ids = self.context.get("program_ids")
        for enrollment in contact.enrollments.all():
            if wanted is not None and enrollment.program_id != wanted:
                continue
            if program_ids is not None and enrollment.program_id not in program_ids:
                continue
            if enrollment.tier is not None:
                return enrollment.tier.name
        return None


class MasterAccountSerializer(ScopedModelSerializer):
    members = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all(), many=True)

    class Meta:
        model = MasterAccount
        fields = ["id", "name", "program", "members", "created_at", "updated_at"]

    def validate_members(self, value: list[Contact]) -> list[Contact]:
        if not value:
            raise serializers.ValidationError(_("A master account needs at least one member."))
        if len({contact.pk for contact in value}) != len(value):
            raise serializers.ValidationError(_("A contact is listed twice."))
        return value


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)  # a user's; a longer one would escape the login throttle's count
    password = serializers.CharField(trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
