"""Serializer fields every API shares."""

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from common.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


class DecimalField(serializers.DecimalField):
    """DRF's decimal, with negative zero ("-0.00", -0.0) read as zero: it would otherwise be stored and echoed as
    "-0.00", since `Decimal` keeps the sign of a zero through arithmetic and rounding."""

    def to_internal_value(self, data: Any) -> Decimal:
        value = super().to_internal_value(data)
        return value.copy_abs() if value.is_zero() else value


class MoneyField(DecimalField):
    """Money or points, with the precision they are stored with (`common.money`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
        super().__init__(**kwargs)
