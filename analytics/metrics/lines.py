"""Units and money of purchase lines net of refunds, summed per product or category and per week or half-period:
what ABC/XYZ and BCG are made of.

PostgreSQL sums the lines in one statement, the refunds of each line summed once and hash-joined (10,000,000 lines
are read once); SQLite runs the same sums through the ORM (`base.counted_lines`, a probe per line for its
refunds). A product is a SKU of a brand (unknown SKUs too); a category is a product's own category (none: None).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, IntegerField, Max, Sum, Value, When
from django.db.models.functions import TruncWeek
from django.utils import timezone

from analytics.metrics.base import Period, big_statement, counted_lines, on_postgresql
from common.money import ZERO

By = Literal["product", "category"]


@dataclass(frozen=True)
class LineSum:
    key: tuple[Any, ...]  # product: (brand, sku); category: (category,)
    product: int | None  # a product: its id when the SKU is in the catalogue
    bucket: Any  # a week: its Monday (date); a split: 0 before it, 1 from it
    units: Decimal
    revenue: Decimal


LINES_SQL = """
WITH refunded AS (
    SELECT rl.line_id, SUM(rl.amount) AS amount, SUM(rl.quantity) AS quantity
    FROM loyalty_refundline rl
    JOIN loyalty_refund r ON r.id = rl.refund_id
    WHERE r.at < %(end)s
    GROUP BY rl.line_id
)
SELECT {key}, {product}, {bucket} AS bucket,
       SUM(l.quantity - COALESCE(f.quantity, 0)) AS units, SUM(l.paid - COALESCE(f.amount, 0)) AS revenue
FROM loyalty_purchaseline l
JOIN loyalty_purchase p ON p.id = l.purchase_id
{join}
LEFT JOIN refunded f ON f.line_id = l.id
WHERE p.at >= %(start)s AND p.at < %(end)s {brands}
  AND l.quantity - COALESCE(f.quantity, 0) > 0
GROUP BY {key}, bucket
"""


def _postgresql(brand_ids: list[int] | None, period: Period, by: By, split: datetime | None) -> list[LineSum]:
    params: dict[str, Any] = {"start": period.start, "end": period.end, "tz": settings.TIME_ZONE, "split": split}
    brands = ""
    if brand_ids is not None:
        brands, params["brands"] = "AND p.brand_id = ANY(%(brands)s)", list(brand_ids)
    if by == "product":
        key, product, join, width = "p.brand_id, l.sku", "MAX(l.product_id)", "", 2
    else:
        key, product = "pr.category_id", "NULL::bigint"
        join, width = "LEFT JOIN loyalty_product pr ON pr.id = l.product_id", 1
    bucket = "date_trunc('week', p.at AT TIME ZONE %(tz)s)::date" if split is None else "(p.at >= %(split)s)::int"
    sql = LINES_SQL.format(key=key, product=product, bucket=bucket, join=join, brands=brands)
    with transaction.atomic(), connection.cursor() as cursor:
        big_statement(cursor)
        cursor.execute(sql, params)
        return [
            LineSum(tuple(row[:width]), row[width], row[width + 1], row[width + 2], row[width + 3])
            for row in cursor.fetchall()
        ]


def _orm(brand_ids: list[int] | None, period: Period, by: By, split: datetime | None) -> list[LineSum]:
    lines = counted_lines(brand_ids, period)
    if split is None:
        lines = lines.annotate(bucket=TruncWeek("purchase__at"))
    else:
        lines = lines.annotate(
            bucket=Case(When(purchase__at__gte=split, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
    keys = ("purchase__brand_id", "sku") if by == "product" else ("product__category_id",)
    rows = lines.values(*keys, "bucket").annotate(
        product_id=Max("product_id") if by == "product" else Value(None, output_field=IntegerField()),
        total_units=Sum("units"),
        total_revenue=Sum("net"),
    )
    found = []
    for row in rows:
        bucket = row["bucket"]
        if split is None and isinstance(bucket, datetime):
            bucket = timezone.localtime(bucket).date() if timezone.is_aware(bucket) else bucket.date()
        found.append(
            LineSum(
                tuple(row[key] for key in keys),
                row["product_id"],
                bucket,
                row["total_units"] or ZERO,
                row["total_revenue"] or ZERO,
            )
        )
    return found


def line_sums(brand_ids: list[int] | None, period: Period, *, by: By, split: datetime | None = None) -> list[LineSum]:
    """Per product or category, and per ISO week (`split` None: the week's Monday in the project's time zone) or
    per side of `split` (0 before, 1 from it): units and money, net of refunds made before the period's end."""
    if on_postgresql():
        return _postgresql(brand_ids, period, by, split)
    return _orm(brand_ids, period, by, split)


def monday(day: date) -> date:
    return date.fromordinal(day.toordinal() - day.weekday())
