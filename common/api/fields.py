"""Serializer fields every API shares."""

from decimal import Decimal
from typing import Any

from rest_framework import serializers


class DecimalField(serializers.DecimalField):
    """DRF's decimal, with negative zero ("-0.00", -0.0) read as zero: it would otherwise be stored and echoed as
    "-0.00", since `Decimal` keeps the sign of a zero through arithmetic and rounding."""

    def to_internal_value(self, data: Any) -> Decimal:
        value = super().to_internal_value(data)
        return value.copy_abs() if value.is_zero() else value
