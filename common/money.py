"""The one place where money and points are rounded: two places, ROUND_HALF_UP; and their precision as stored.

Plain Python (the pricing engine imports it); the model field is `common.models.MoneyField`, the serializer field
`common.api.fields.MoneyField`, both built on the constants below.
"""

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
CENT = Decimal(1).scaleb(-MONEY_DECIMAL_PLACES)
ZERO = Decimal(0).quantize(CENT)
# The largest value a money or points field holds: a receipt beyond it cannot be recorded.
MAX_AMOUNT = Decimal(10 ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES)) - CENT


def quantize(value: Decimal | int | str) -> Decimal:
    """Round a money or points value to two places, half up."""
    decimal = value if type(value) is Decimal else Decimal(value)  # the till rounds ~1,000 decimals a receipt
    return decimal.quantize(CENT, ROUND_HALF_UP)  # positional: a keyword costs more than the rounding


def distribute(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` (two places) in proportion to `weights`, largest remainder first, parts adding up exactly.

    Ties in the remainder go to the earlier weight, so the result is deterministic. No positive weight: zeros.
    """
    total = sum(weights, Decimal(0))
    if total <= 0:
        return [ZERO for _weight in weights]
    exact = [amount * weight / total for weight in weights]
    parts = [value.quantize(CENT, ROUND_DOWN) for value in exact]
    cents = int(((amount - sum(parts, Decimal(0))) / CENT).to_integral_value())
    if cents:
        remainders = [value - part for value, part in zip(exact, parts, strict=True)]
        # largest first; a stable sort keeps equal remainders in their order (reverse=True keeps it too)
        for i in sorted(range(len(weights)), key=remainders.__getitem__, reverse=True)[:cents]:
            parts[i] += CENT
    return parts
