"""The one place where money and points are rounded: two places, ROUND_HALF_UP."""

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def quantize(value: Decimal | int | str) -> Decimal:
    """Round a money or points value to two places, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def distribute(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` (two places) in proportion to `weights`, largest remainder first, parts adding up exactly.

    Ties in the remainder go to the earlier weight, so the result is deterministic. No positive weight: zeros.
    """
    total = sum(weights, Decimal(0))
    if total <= 0:
        return [Decimal("0.00") for _weight in weights]
    exact = [amount * weight / total for weight in weights]
    parts = [value.quantize(CENT, rounding=ROUND_DOWN) for value in exact]
    cents = int(((amount - sum(parts, Decimal(0))) / CENT).to_integral_value())
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:cents]:
        parts[i] += CENT
    return parts
