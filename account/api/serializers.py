"""The personal account's request and answer shapes."""

from typing import Any

from rest_framework import serializers

from account.services.login import SOURCES
from account.services.profile import PROFILE_FIELDS
from campaigns.messaging.links import public_url
from common.api.fields import MoneyField
from contacts.models import Contact


class OtpSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=64)


class LoginSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=64)
    code = serializers.CharField(max_length=64, trim_whitespace=True)
    # A field of the body named like Field.source: DRF's metaclass takes it off the class.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=list(SOURCES), required=False, help_text="site (default) or app"
    )


class OtpAnswerSerializer(serializers.Serializer):
    expires_in = serializers.IntegerField(help_text="Seconds the code is valid.")


class TokenAnswerSerializer(serializers.Serializer):
    token = serializers.CharField()
    registered = serializers.BooleanField(help_text="A new contact was registered by this login.")


class AccountContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "phone", "phone_confirmed", "email_confirmed", *PROFILE_FIELDS]
        read_only_fields = fields


class ProfileSerializer(serializers.ModelSerializer):
    """What `PATCH /account/me` changes (every field optional)."""

    class Meta:
        model = Contact
        fields = list(PROFILE_FIELDS)
        extra_kwargs = {name: {"required": False} for name in PROFILE_FIELDS}


class AccountCardSerializer(serializers.Serializer):
    number = serializers.CharField(source="card.number")
    type = serializers.CharField(source="card.card_type.name")
    status = serializers.CharField(source="card.status")
    program = serializers.IntegerField(source="card.card_type.program_id")
    barcode_svg = serializers.CharField(help_text="Code 128 of the number, SVG.")
    qr_svg = serializers.CharField(help_text="QR code of the number, SVG.")


class BlockedCardSerializer(serializers.Serializer):
    number = serializers.CharField()
    type = serializers.CharField(source="card_type.name")
    status = serializers.CharField()
    program = serializers.IntegerField(source="card_type.program_id")


class AccountExpiringSerializer(serializers.Serializer):
    date = serializers.DateField()
    points = MoneyField()


class AccountBalanceSerializer(serializers.Serializer):
    active = MoneyField()
    pending = MoneyField()
    expiring = AccountExpiringSerializer(many=True)


class AccountTierSerializer(serializers.Serializer):
    name = serializers.CharField()
    accrual_percent = serializers.DecimalField(max_digits=5, decimal_places=2)


class AccountNextTierSerializer(AccountTierSerializer):
    min_spend = MoneyField()


class TierProgressSerializer(serializers.Serializer):
    tier = AccountTierSerializer(allow_null=True)
    valid_until = serializers.DateTimeField(allow_null=True)
    next_tier = AccountNextTierSerializer(allow_null=True)
    spend = MoneyField(help_text="Spent in the next tier's window.")
    missing = MoneyField(help_text="Still to spend for the next tier.")
    percent = serializers.IntegerField(help_text="Progress to the next tier, 0–100.")


class ProgramSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="program.pk")
    name = serializers.CharField(source="program.name")
    balance = AccountBalanceSerializer()
    tier = serializers.SerializerMethodField()
    next_tier = serializers.SerializerMethodField()
    progress = TierProgressSerializer(source="tier")

    def get_tier(self, summary: Any) -> str | None:
        """The tier's name, as the till shows it (details in `progress`)."""
        return summary.tier.tier.name if summary.tier.tier else None

    def get_next_tier(self, summary: Any) -> str | None:
        return summary.tier.next_tier.name if summary.tier.next_tier else None


class OpenSurveySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="survey_id")
    name = serializers.CharField()
    brand = serializers.CharField(source="brand_name")
    reward_points = MoneyField()
    ends_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField(help_text="The survey's personal page.")

    def get_url(self, survey: Any) -> str:
        return public_url(survey.path)


class MeSerializer(serializers.Serializer):
    contact = AccountContactSerializer()
    cards = AccountCardSerializer(many=True)
    programs = ProgramSummarySerializer(many=True)
    surveys = OpenSurveySerializer(many=True, help_text="Surveys waiting for the customer's answer.")


class PurchaseItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    program = serializers.IntegerField(source="program_id")
    brand = serializers.CharField(source="brand.name")
    store = serializers.CharField(source="store.name")
    receipt_number = serializers.CharField()
    base = MoneyField()
    discount = MoneyField()
    total = MoneyField()
    redeemed_points = MoneyField()
    paid = MoneyField(source="payable")
    points = MoneyField()
    refunded = MoneyField(allow_null=True)


class EntryItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    program = serializers.IntegerField(source="account.program_id")
    kind = serializers.CharField()
    points = MoneyField()
    status = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField(allow_null=True)
    purchase_id = serializers.IntegerField(allow_null=True)
    campaign_id = serializers.IntegerField(allow_null=True)
    partner_id = serializers.IntegerField(allow_null=True)

    def get_status(self, entry: Any) -> str:
        return str(entry.status(self.context["now"]))


class HistoryItemSerializer(serializers.Serializer):
    """One row of the timeline: `type` is purchase or entry, the rest is the purchase's or the entry's."""

    def to_representation(self, row: Any) -> dict[str, Any]:
        inner = PurchaseItemSerializer if row.type == "purchase" else EntryItemSerializer
        return {"type": row.type, "at": row.at.isoformat(), **inner(row.item, context=self.context).data}
