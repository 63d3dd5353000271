"""The program's rules on a receipt, as pure Python over dataclasses (no ORM, no clock, no settings).

Base of a line = price × quantity; the campaign engine fills `discount`; then points are
redeemed up to the program's share, spread over the lines by their totals (largest remainder first), and the
tier's base accrual is computed on each line's paid amount.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from campaigns.engine.types import Line
from common.money import CENT, ZERO, distribute, quantize

HUNDRED = Decimal(100)


# The receipt line is the campaign engine's line: one shape from pricing to points.
ReceiptLine = Line


@dataclass(frozen=True, slots=True)
class ProgramRules:
    point_value: Decimal
    max_redeem_percent: Decimal


def price_lines(lines: Sequence[ReceiptLine]) -> None:
    for line in lines:
        line.base = quantize(line.price * line.quantity)


def redeemable_max(lines: Sequence[ReceiptLine], rules: ProgramRules, active_balance: Decimal) -> Decimal:
    """min(active balance, max_redeem_percent of the non-excluded lines' total) in points."""
    eligible = sum((line.total for line in lines if not line.redemption_excluded), ZERO)
    cap_value = eligible * rules.max_redeem_percent / HUNDRED
    cap_points = (cap_value / rules.point_value).quantize(CENT, rounding=ROUND_DOWN)
    return max(ZERO, min(quantize(active_balance), cap_points))


def _tie_order(line: ReceiptLine) -> tuple[object, ...]:
    """The lines' order for a spread: by content, not position, so that a cent left over on equal remainders goes
    to the same kind of line whatever the order of the receipt (equal lines keep their order: the first wins)."""
    return (line.sku, line.price, line.quantity, line.total, line.accrual_excluded)


def apply_redemption(lines: Sequence[ReceiptLine], rules: ProgramRules, points: Decimal) -> None:
    """Spread the redeemed points, and their value (points × `point_value`), over the non-excluded lines by their
    totals, largest remainder first: the lines' parts add up exactly to the receipt's points and value.

    The value is at most `redeemable_max` × `point_value` ≤ the lines' total, so no line pays off more than its total.
    """
    eligible = sorted((line for line in lines if not line.redemption_excluded and line.total > 0), key=_tie_order)
    weights = [line.total for line in eligible]
    value = quantize(points * rules.point_value)
    for line, part, worth in zip(eligible, distribute(points, weights), distribute(value, weights), strict=True):
        line.redeemed_points = part
        line.redeemed_value = worth


def apply_base_accrual(lines: Sequence[ReceiptLine], accrual_percent: Decimal) -> None:
    """The tier's percent of each line's paid amount; excluded lines earn nothing."""
    for line in lines:
        if line.accrual_excluded or accrual_percent <= 0:
            continue
        line.base_points = quantize(line.paid * accrual_percent / HUNDRED)
        line.points += line.base_points
