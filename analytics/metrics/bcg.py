"""The BCG matrix of categories (a product's own category; products without one together as "no category").

- `growth`: revenue of the last 90 days before the end ÷ revenue of the 90 days before those − 1 (net of refunds
  made before the end); null when the earlier 90 days had none (a new category: counted as growing).
- `relative_share`: its revenue of the last 90 days ÷ that of the category with the most.
- `quadrant`: growth ≥ 0.10 is high, relative share ≥ 0.5 is high (a value on a threshold counts as high):
  `star` (both high), `cash_cow` (high share, low growth), `question` (high growth, low share), `dog` (both low).
  Decided on exact decimals; shown to 4 places.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from analytics.metrics.base import Period
from analytics.metrics.lines import line_sums
from common.money import ZERO, quantize
from loyalty.models import Category

PERIOD_DAYS = 90
GROWTH_HIGH = Decimal("0.10")
SHARE_HIGH = Decimal("0.5")
QUADRANTS = ("star", "cash_cow", "question", "dog")


@dataclass(frozen=True)
class BcgRow:
    category: int | None
    name: str
    revenue: Decimal
    previous_revenue: Decimal
    growth: float | None
    relative_share: float
    quadrant: str


def quadrant_of(growth: Decimal | None, relative_share: Decimal) -> str:
    growing = growth is None or growth >= GROWTH_HIGH
    leading = relative_share >= SHARE_HIGH
    if growing:
        return "star" if leading else "question"
    return "cash_cow" if leading else "dog"


def bcg_table(brand_ids: list[int] | None, *, end: datetime) -> list[BcgRow]:
    """Categories sold in either 90-day period, by revenue of the last 90 days descending (then by name)."""
    split = end - timedelta(days=PERIOD_DAYS)
    period = Period(start=end - timedelta(days=2 * PERIOD_DAYS), end=end)
    revenue: dict[int | None, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for row in line_sums(brand_ids, period, by="category", split=split):
        revenue[row.key[0]][int(row.bucket)] += row.revenue
    names = dict(Category.objects.filter(pk__in=[pk for pk in revenue if pk is not None]).values_list("pk", "name"))
    largest = max((now for _before, now in revenue.values()), default=ZERO)
    rows = []
    for category, (before, now) in revenue.items():
        growth = None if before == 0 else now / before - 1
        share = now / largest if largest else Decimal(0)
        rows.append(
            BcgRow(
                category=category,
                name=names.get(category, "") if category is not None else _("No category"),
                revenue=quantize(now),
                previous_revenue=quantize(before),
                growth=None if growth is None else float(round(growth, 4)),
                relative_share=float(round(share, 4)),
                quadrant=quadrant_of(growth, share),
            )
        )
    rows.sort(key=lambda row: (-row.revenue, row.name))
    return rows
