"""RFM: per contact who bought in the window, recency, frequency and money, scored 1–5 by quintiles, and a segment.

- `recency_days`: calendar days (the project's time zone) from the last purchase to the window's last day;
  `frequency`: purchases in the window; `monetary`: money paid in them less refunds (see `base`). Purchases
  refunded in full do not count, and a contact whose every purchase was refunded is not in the table.
- Scores, among the contacts in the table (of the brand asked for): a contact's score is
  1 + ⌊5 × w ÷ n⌋, where n is the number of contacts and w the number of them strictly worse on that measure (a
  longer recency; fewer purchases; less money). Higher is better, so the shortest recency scores 5. Contacts with
  equal values have the same w, hence **ties take the same score** (the lowest position of their run); with n a
  multiple of 5 and no ties this is exactly NTILE(5). PostgreSQL computes it with `rank()` over the window
  (rank − 1 = w), SQLite in Python from the same aggregates: the same numbers.
- Segments, on the scores r and f, **the first rule that matches in the contract's order wins**: `champions`
  (r ≥ 4 and f ≥ 4), `loyal` (f ≥ 4: so r ≤ 3 here, including r ≤ 2 with f ≥ 4, which the order gives to loyal
  before at_risk), `at_risk` (r ≤ 2 and f ≥ 3: so f = 3 here), `lost` (r = 1 and f ≤ 2), `new` (r ≥ 4 and f = 1),
  `others` (the rest: e.g. r = 3 with f ≤ 3, r = 2 with f ≤ 2, r ≥ 4 with f = 2 or 3).
"""

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from analytics.metrics.base import Period, big_statement, counted_purchases, on_postgresql
from common.money import ZERO, quantize
from contacts.scores import RFM_SEGMENT_LABELS, RFM_SEGMENTS

SEGMENTS = RFM_SEGMENTS
SEGMENT_LABELS = RFM_SEGMENT_LABELS


def segment_of(r: int, f: int) -> str:
    """The contract's rules in its order; the first that matches wins."""
    if r >= 4 and f >= 4:
        return "champions"
    if f >= 4:
        return "loyal"
    if r <= 2 and f >= 3:
        return "at_risk"
    if r == 1 and f <= 2:
        return "lost"
    if r >= 4 and f == 1:
        return "new"
    return "others"


def score(worse: int, count: int) -> int:
    """1 + ⌊5 × worse ÷ count⌋: 1–5."""
    return 1 + (5 * worse) // count


@dataclass(frozen=True)
class RfmRow:
    contact: int
    recency_days: int
    frequency: int
    monetary: Decimal
    r: int
    f: int
    m: int
    segment: str
    last_at: datetime | None = None
    brand: int | None = None  # the brand scored in (the job's partition); None in a table of the brands asked


def _scored(raw: list[tuple[int, datetime, int, Decimal]], last_day: date, brand: int | None) -> list[RfmRow]:
    """Scores of one population: (contact, last purchase, frequency, money) rows."""
    recency = [(last_day - timezone.localdate(last)).days for _contact, last, _f, _m in raw]
    by_recency = sorted(recency)
    by_frequency = sorted(row[2] for row in raw)
    by_money = sorted(row[3] for row in raw)
    count = len(raw)
    rows = []
    for (contact, last, frequency, money), days in zip(raw, recency, strict=True):
        r = score(count - bisect_right(by_recency, days), count)
        f = score(bisect_left(by_frequency, frequency), count)
        m = score(bisect_left(by_money, money), count)
        rows.append(RfmRow(contact, days, frequency, quantize(money), r, f, m, segment_of(r, f), last, brand))
    return rows


def _python(brand_ids: list[int] | None, period: Period, *, per_brand: bool) -> list[RfmRow]:
    keys = ("brand_id", "contact_id") if per_brand else ("contact_id",)
    aggregates = (
        counted_purchases(brand_ids, period)
        .values(*keys)
        .annotate(last_at=Max("at"), frequency=Count("pk"), monetary=Sum("net"))
        .values_list(*keys, "last_at", "frequency", "monetary")
    )
    populations: dict[int | None, list[tuple[int, datetime, int, Decimal]]] = defaultdict(list)
    for row in aggregates:
        brand = row[0] if per_brand else None
        contact, last, frequency, money = row[-4:]
        populations[brand].append((contact, last, frequency, money if money is not None else ZERO))
    rows: list[RfmRow] = []
    for brand, raw in populations.items():
        rows.extend(_scored(raw, period.last_day, brand))
    rows.sort(key=lambda row: (row.contact, row.brand or 0))
    return rows


# The same table in one statement on PostgreSQL: refunds summed once (a hash join, not a probe per receipt), the
# aggregates per contact, then rank() per measure over the population (`part`: one brand, or everything asked).
RFM_SQL = """
WITH refunds AS (
    SELECT r.purchase_id, SUM(r.refund_amount) AS amount
    FROM loyalty_refund r
    WHERE r.at < %(end)s
    GROUP BY r.purchase_id
), bought AS (
    SELECT {part} AS part, p.contact_id, MAX(p.at) AS last_at, COUNT(*) AS frequency,
           SUM(p.payable - COALESCE(f.amount, 0)) AS monetary
    FROM loyalty_purchase p
    LEFT JOIN refunds f ON f.purchase_id = p.id
    WHERE p.contact_id IS NOT NULL AND p.at >= %(start)s AND p.at < %(end)s {brands}
      AND (f.amount IS NULL OR p.payable - f.amount > 0)
    GROUP BY 1, 2
), measured AS (
    SELECT part, contact_id, last_at, frequency, monetary,
           %(last_day)s::date - (last_at AT TIME ZONE %(tz)s)::date AS recency_days
    FROM bought
), scored AS (
    SELECT *,
           1 + (5 * (rank() OVER (PARTITION BY part ORDER BY recency_days DESC) - 1))
               / count(*) OVER (PARTITION BY part) AS r,
           1 + (5 * (rank() OVER (PARTITION BY part ORDER BY frequency) - 1)) / count(*) OVER (PARTITION BY part) AS f,
           1 + (5 * (rank() OVER (PARTITION BY part ORDER BY monetary) - 1)) / count(*) OVER (PARTITION BY part) AS m
    FROM measured
)
SELECT contact_id, recency_days, frequency, monetary, r, f, m,
       CASE WHEN r >= 4 AND f >= 4 THEN 'champions'
            WHEN f >= 4 THEN 'loyal'
            WHEN r <= 2 AND f >= 3 THEN 'at_risk'
            WHEN r = 1 AND f <= 2 THEN 'lost'
            WHEN r >= 4 AND f = 1 THEN 'new'
            ELSE 'others' END AS segment,
       last_at, part
FROM scored
"""


def rfm_sql(brand_ids: list[int] | None, period: Period, *, per_brand: bool) -> tuple[str, dict[str, Any]]:
    """The PostgreSQL statement and its parameters (also the job's source for writing the scores)."""
    params: dict[str, Any] = {
        "start": period.start,
        "end": period.end,
        "last_day": period.last_day,
        "tz": settings.TIME_ZONE,
    }
    brands = ""
    if brand_ids is not None:
        brands, params["brands"] = "AND p.brand_id = ANY(%(brands)s)", list(brand_ids)
    return RFM_SQL.format(part="p.brand_id" if per_brand else "0", brands=brands), params


def _postgresql(brand_ids: list[int] | None, period: Period, *, per_brand: bool) -> list[RfmRow]:
    sql, params = rfm_sql(brand_ids, period, per_brand=per_brand)
    with transaction.atomic(), connection.cursor() as cursor:
        big_statement(cursor)
        cursor.execute(sql + " ORDER BY contact_id, part", params)
        return [
            RfmRow(contact, days, frequency, quantize(money), r, f, m, segment, last, part if per_brand else None)
            for contact, days, frequency, money, r, f, m, segment, last, part in cursor.fetchall()
        ]


def rfm_table(brand_ids: list[int] | None, period: Period, *, per_brand: bool = False) -> list[RfmRow]:
    """The RFM rows of the contacts who bought in the period from the brands (None: all, as one population; with
    `per_brand`, each brand a population of its own), ordered by contact."""
    if on_postgresql():
        return _postgresql(brand_ids, period, per_brand=per_brand)
    return _python(brand_ids, period, per_brand=per_brand)


@dataclass(frozen=True)
class SegmentFigure:
    segment: str
    label: str
    contacts: int
    revenue: Decimal


def rfm_summary(rows: list[RfmRow]) -> list[SegmentFigure]:
    """Contacts and money of each segment, in the contract's order (the segment map)."""
    contacts: Counter[str] = Counter()
    revenue: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        contacts[row.segment] += 1
        revenue[row.segment] += row.monetary
    return [
        SegmentFigure(name, str(SEGMENT_LABELS[name]), contacts[name], quantize(revenue[name])) for name in SEGMENTS
    ]


def rfm_grid(rows: list[RfmRow]) -> list[list[int]]:
    """Contacts per (r, f) cell: grid[r − 1][f − 1]."""
    grid = [[0] * 5 for _ in range(5)]
    for row in rows:
        grid[row.r - 1][row.f - 1] += 1
    return grid
