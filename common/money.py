"""The one place where money and points are rounded: two places, ROUND_HALF_UP."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def quantize(value: Decimal | int | str) -> Decimal:
    """Round a money or points value to two places, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
