"""Input (and documented output) of the POS API."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from common.api.fields import DecimalField, MoneyField
from promocodes.choices import CheckStatus

MAX_LINES = 1000
MAX_CODES = 10


class CustomerQuerySerializer(serializers.Serializer):
    card = serializers.CharField(required=False, max_length=64, allow_blank=False)
    phone = serializers.CharField(required=False, max_length=64, allow_blank=False)
    contact_id = serializers.IntegerField(required=False, min_value=1, max_value=2**62)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [key for key in ("card", "phone", "contact_id") if attrs.get(key) not in (None, "")]
        if len(given) != 1:
            raise serializers.ValidationError(_("Give exactly one of card, phone or contact_id."))
        return attrs


class LineSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    quantity = DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"), max_value=Decimal("100000"))
    price = DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))


class CalculateSerializer(serializers.Serializer):
    customer = CustomerQuerySerializer(required=False, allow_null=True)
    lines = serializers.ListField(child=LineSerializer(), min_length=1, max_length=MAX_LINES)
    promo_codes = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=MAX_CODES, default=list
    )
    redeem_points = MoneyField(min_value=Decimal("0"), required=False, default=Decimal("0"))
    at = serializers.DateTimeField(required=False, allow_null=True)


class ConfirmSerializer(CalculateSerializer):
    receipt_number = serializers.CharField(max_length=64)


class RefundLineSerializer(serializers.Serializer):
    index = serializers.IntegerField(min_value=0, max_value=MAX_LINES)
    quantity = DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"), max_value=Decimal("100000"))


class RefundSerializer(serializers.Serializer):
    # Leaving `lines` out refunds everything not yet refunded; an empty list is a mistake, not "everything".
    lines = serializers.ListField(child=RefundLineSerializer(), required=False, min_length=1, max_length=MAX_LINES)


# The answers below document what `checkout` returns (the views answer its dicts): money and points as two-place
# decimal strings, quantities as given.


def _money(help_text: str = "") -> MoneyField:
    return MoneyField(help_text=help_text) if help_text else MoneyField()


def _quantity() -> DecimalField:
    return DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))


class ReceiptBalanceSerializer(serializers.Serializer):
    active = _money("Points that can be redeemed now.")
    pending = _money("Points accrued but not yet active.")


class ExpiringPointsSerializer(serializers.Serializer):
    date = serializers.DateField()
    points = _money()


class CustomerBalanceSerializer(ReceiptBalanceSerializer):
    expiring = ExpiringPointsSerializer(many=True, help_text="Active points by the day they expire, soonest first.")


class ReceiptCustomerSerializer(serializers.Serializer):
    contact_id = serializers.IntegerField()
    card = serializers.CharField(allow_null=True)
    tier = serializers.CharField(allow_null=True, help_text="The tier's name.")
    balance = ReceiptBalanceSerializer()


class CustomerAnswerSerializer(ReceiptCustomerSerializer):
    first_name = serializers.CharField()
    balance = CustomerBalanceSerializer()  # type: ignore[assignment]


class AppliedCampaignSerializer(serializers.Serializer):
    campaign_id = serializers.IntegerField()
    name = serializers.CharField()
    discount = _money()
    points = _money()


class LineAnswerSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The line's position in the request, from 0.")
    sku = serializers.CharField()
    quantity = _quantity()
    price = _money("Per unit.")
    base = _money("price × quantity.")
    discount = _money()
    total = _money("base − discount.")
    redeemed_points = _money()
    paid = _money("total − the value of the points redeemed on the line.")
    points = _money("Points earned: the tier's and the campaigns'.")
    applied = AppliedCampaignSerializer(many=True)


class TotalsSerializer(serializers.Serializer):
    base = _money()
    discount = _money()
    total = _money()
    redeemable_max = _money("The most points this receipt can take.")
    redeemed_points = _money()
    payable = _money("What the customer pays.")
    points = _money()


class PromoCodeCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=CheckStatus.choices)


class CalculationAnswerSerializer(serializers.Serializer):
    customer = ReceiptCustomerSerializer(allow_null=True)
    lines = LineAnswerSerializer(many=True)
    totals = TotalsSerializer()
    promo_codes = PromoCodeCheckSerializer(many=True)
    messages = serializers.ListField(child=serializers.CharField())


class PurchaseAnswerSerializer(CalculationAnswerSerializer):
    purchase_id = serializers.IntegerField()


class RefundAnswerSerializer(serializers.Serializer):
    refund_amount = _money("The money paid for the refunded part.")
    points_revoked = _money()
    points_returned = _money()
    balance = ReceiptBalanceSerializer()


class SimulateLineSerializer(LineSerializer):
    """A test basket's line: without a price it is priced at the product's list price (`lines_with_list_prices`)."""

    price = DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"), allow_null=True, default=None)


class SimulateSerializer(CalculateSerializer):
    """A calculate body for a campaign's test: the customer by contact id, phone or card; the store optional; a
    line without a price takes the product's list price."""

    lines = serializers.ListField(child=SimulateLineSerializer(), min_length=1, max_length=MAX_LINES)
    store = serializers.IntegerField(required=False, min_value=1)
