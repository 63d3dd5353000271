"""Input (and documented output) of the POS API."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from common.api.fields import DecimalField, MoneyField

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


class ReceiptBalanceSerializer(serializers.Serializer):
    active = serializers.CharField()
    pending = serializers.CharField()


class CustomerAnswerSerializer(serializers.Serializer):
    contact_id = serializers.IntegerField()
    first_name = serializers.CharField()
    card = serializers.CharField(allow_null=True)
    tier = serializers.CharField(allow_null=True)
    balance = ReceiptBalanceSerializer()


class LineAnswerSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    sku = serializers.CharField()
    quantity = serializers.CharField()
    price = serializers.CharField()
    base = serializers.CharField()
    discount = serializers.CharField()
    total = serializers.CharField()
    redeemed_points = serializers.CharField()
    paid = serializers.CharField()
    points = serializers.CharField()
    applied = serializers.ListField(child=serializers.DictField())


class TotalsSerializer(serializers.Serializer):
    base = serializers.CharField()
    discount = serializers.CharField()
    total = serializers.CharField()
    redeemable_max = serializers.CharField()
    redeemed_points = serializers.CharField()
    payable = serializers.CharField()
    points = serializers.CharField()


class CalculationAnswerSerializer(serializers.Serializer):
    customer = CustomerAnswerSerializer(allow_null=True)
    lines = LineAnswerSerializer(many=True)
    totals = TotalsSerializer()
    promo_codes = serializers.ListField(child=serializers.DictField())
    messages = serializers.ListField(child=serializers.CharField())


class PurchaseAnswerSerializer(CalculationAnswerSerializer):
    purchase_id = serializers.IntegerField()


class RefundAnswerSerializer(serializers.Serializer):
    refund_amount = serializers.CharField()
    points_revoked = serializers.CharField()
    points_returned = serializers.CharField()
    balance = ReceiptBalanceSerializer()


class SimulateSerializer(CalculateSerializer):
    """A calculate body for a campaign's test: the customer by contact id, phone or card; the store optional."""

    store = serializers.IntegerField(required=False, min_value=1)
