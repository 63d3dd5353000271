"""Units and money of purchase lines net of refunds, summed per product or category and per week or half-period:
what ABC/XYZ and BCG are made of.

PostgreSQL sums the lines in one statement (`LINES_SQL`): every line read once as sold, joined to its purchase's
brand and bucket (computed once per purchase), then the refunded lines' corrections (a line refunded in part gives
back what its refunds before the end took; a line with no units left is taken out whole), the same figures as
netting each line and leaving out those with no units left. For ABC/XYZ (`item_sums`) the same statement goes on to
sum each item's weeks: units, the squares of the weekly units and money, one row per item. SQLite runs the same
sums through the ORM (`base.counted_lines`, each line netted of its refunds by a subquery) and sums the weeks in
Python. A product is a SKU of a brand (unknown SKUs too), its catalogue product the highest id its lines name; a
category is a product's own category (none: None).
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


# The lines are summed as sold (one pass over them, each joined to its purchase's key and bucket), then the few
# refunded lines correct those sums: a line refunded in part gives back what its refunds took, a line refunded in
# full (no units left) is taken out whole. This is the same as netting every line of its refunds and leaving out
# those with no units left, without probing the refunds for each of ten million lines.
# - The purchases' subquery is ordered by id (its primary key: free) only to keep it a subquery of its own: the
#   bucket is then computed once per purchase, and the planner counts the groups from it (a few hundred thousand,
#   hashed) rather than from every distinct `at` (it would sort ten million rows to disk), while the join and a
#   partial aggregate still run in parallel workers (OFFSET 0 would do the rest but keep the plan on one core).
# - Units and money are summed as integers of their smallest unit (quantity has 3 places, money 2): exact, and
#   summing bigints costs the aggregate less than summing numerics (measured: 1 to 1.5 s of 15 on 10,000,000 lines).
LINES_SQL = """
WITH refunded AS (
    SELECT rl.line_id, SUM(rl.amount) AS amount, SUM(rl.quantity) AS quantity
    FROM loyalty_refundline rl
    JOIN loyalty_refund r ON r.id = rl.refund_id
    WHERE r.at < %(end)s
    GROUP BY rl.line_id
), parts AS (
    SELECT {key}, p.bucket, {product} AS product, COUNT(*) AS lines,
           SUM((l.quantity * 1000)::bigint) * 0.001 AS units, SUM((l.paid * 100)::bigint) * 0.01 AS revenue
    FROM loyalty_purchaseline l
    JOIN ({purchases} ORDER BY id) p ON p.id = l.purchase_id
    {join}
    WHERE l.quantity > 0
    GROUP BY {groups}, p.bucket
    UNION ALL
    SELECT {key}, p.bucket, NULL::bigint, CASE WHEN l.quantity > f.quantity THEN 0 ELSE -1 END,
           CASE WHEN l.quantity > f.quantity THEN -f.quantity ELSE -l.quantity END,
           CASE WHEN l.quantity > f.quantity THEN -f.amount ELSE -l.paid END
    FROM refunded f
    JOIN loyalty_purchaseline l ON l.id = f.line_id
    JOIN ({purchases}) p ON p.id = l.purchase_id
    {join}
    WHERE l.quantity > 0
)
SELECT {groups}, MAX(product) AS product, bucket, SUM(units) AS units, SUM(revenue) AS revenue
FROM parts
GROUP BY {groups}, bucket
HAVING SUM(lines) > 0
"""
PURCHASES_SQL = (
    "SELECT id, brand_id, {bucket} AS bucket FROM loyalty_purchase WHERE at >= %(start)s AND at < %(end)s {brands}"
)


def _statement(
    brand_ids: list[int] | None, period: Period, by: By, split: datetime | None
) -> tuple[str, dict[str, Any], int]:
    """LINES_SQL for the arguments: its text, its parameters and how many columns make the key (k0, k1)."""
    params: dict[str, Any] = {"start": period.start, "end": period.end, "tz": settings.TIME_ZONE, "split": split}
    brands = ""
    if brand_ids is not None:
        brands, params["brands"] = "AND brand_id = ANY(%(brands)s)", list(brand_ids)
    if by == "product":
        key, product, join, width = "p.brand_id AS k0, l.sku AS k1", "MAX(l.product_id)", "", 2
    else:
        key, product = "pr.category_id AS k0", "NULL::bigint"
        join, width = "LEFT JOIN loyalty_product pr ON pr.id = l.product_id", 1
    bucket = "date_trunc('week', at AT TIME ZONE %(tz)s)::date" if split is None else "(at >= %(split)s)::int"
    purchases = PURCHASES_SQL.format(bucket=bucket, brands=brands)
    groups = ", ".join(f"k{n}" for n in range(width))
    sql = LINES_SQL.format(key=key, product=product, purchases=purchases, join=join, groups=groups)
    return sql, params, width


def _postgresql(brand_ids: list[int] | None, period: Period, by: By, split: datetime | None) -> list[LineSum]:
    sql, params, width = _statement(brand_ids, period, by, split)
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


@dataclass(frozen=True)
class ItemSums:
    """A product's (or category's) totals over the window's ISO weeks: what ABC/XYZ needs of it."""

    key: tuple[Any, ...]
    product: int | None
    units: Decimal  # the sum of its weekly units
    squares: Decimal  # the sum of the squares of its weekly units (weeks without sales add nothing)
    revenue: Decimal


# Per week first (the same sums as LINES_SQL with the week as bucket), then per item: the weekly units and their
# squares summed, so that a few thousand rows come back rather than one per item and week.
ITEMS_SQL = """
WITH weekly AS MATERIALIZED ({weekly})
SELECT {key}, MAX(product) AS product, SUM(units), SUM(units * units), SUM(revenue)
FROM weekly GROUP BY {key}
"""


def _item_sums_postgresql(brand_ids: list[int] | None, period: Period, by: By) -> list[ItemSums]:
    sql, params, width = _statement(brand_ids, period, by, None)
    keys = ", ".join(f"k{n}" for n in range(width))
    with transaction.atomic(), connection.cursor() as cursor:
        big_statement(cursor)
        cursor.execute(ITEMS_SQL.format(weekly=sql, key=keys), params)
        return [ItemSums(tuple(row[:width]), *row[width:]) for row in cursor.fetchall()]


def item_sums(brand_ids: list[int] | None, period: Period, *, by: By) -> list[ItemSums]:
    """Per product or category: units, the sum of the squares of its units per ISO week (the week's Monday in the
    project's time zone) and money, net of refunds made before the period's end. PostgreSQL sums the weeks and then
    the items in one statement; SQLite sums the items in Python from `line_sums`' weekly rows (ORM)."""
    if on_postgresql():
        return _item_sums_postgresql(brand_ids, period, by)
    weekly: dict[Any, dict[Any, Decimal]] = {}
    revenue: dict[Any, Decimal] = {}
    product: dict[Any, int | None] = {}
    for row in _orm(brand_ids, period, by, None):
        weeks = weekly.setdefault(row.key, {})
        weeks[row.bucket] = weeks.get(row.bucket, ZERO) + row.units
        revenue[row.key] = revenue.get(row.key, ZERO) + row.revenue
        product[row.key] = max((pk for pk in (product.get(row.key), row.product) if pk is not None), default=None)
    return [
        ItemSums(
            key,
            product[key],
            sum(weeks.values(), ZERO),
            sum((units * units for units in weeks.values()), ZERO),
            revenue[key],
        )
        for key, weeks in weekly.items()
    ]


def line_sums(brand_ids: list[int] | None, period: Period, *, by: By, split: datetime | None = None) -> list[LineSum]:
    """Per product or category, and per ISO week (`split` None: the week's Monday in the project's time zone) or
    per side of `split` (0 before, 1 from it): units and money, net of refunds made before the period's end."""
    if on_postgresql():
        return _postgresql(brand_ids, period, by, split)
    return _orm(brand_ids, period, by, split)


def monday(day: date) -> date:
    return date.fromordinal(day.toordinal() - day.weekday())
