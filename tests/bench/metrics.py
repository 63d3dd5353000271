"""RFM and ABC/XYZ over 10,000,000 purchase lines (`python -m tests.bench metrics`), on the segments bench's database
(`segdata`: 1,000,000 contacts in one program of two brands, 2,500,000 receipts of 4 lines over two years).

The seeded receipts have no refunds; the first run refunds 1 receipt in 50 (every other one in full, the rest one
line of it), in SQL, once, so that the figures pay for netting refunds. Then, each timed once after a warm-up:

- **RFM, all receipts** (`rfm_table` over the 730 days that hold all 10,000,000 lines, every brand one population,
  as `GET /analytics/rfm?window_days=730` for unlimited staff computes it before paginating): budget ≤ 30 s.
- **(info) RFM of one brand, the last 365 days** (the API's default).
- **(info) the `analytics` job's RFM step**: every contact's segment (per brand, of the brand bought from last)
  written to `contacts.ContactScore` (an upsert of every buyer, the rest cleared).
- **ABC/XYZ, all receipts** (`abc_xyz_table` by product over 730 days: 10,000,000 lines netted of refunds and
  summed per product and ISO week, classes and cv in Python): budget ≤ 20 s.
- **(info) ABC/XYZ of one brand, the last 365 days**, and by category.
"""

import time
from collections.abc import Callable
from typing import Any

RFM_S = 30
ABC_S = 20
REFUND_EVERY = 50


def _refunds_seeded() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM loyalty_refund")
        return cursor.fetchone()[0]


def seed_refunds(progress: Callable[[str], None]) -> float:
    """One receipt in REFUND_EVERY refunded the day after: in full when its id is even, else its first line."""
    from django.db import connection, transaction

    started = time.perf_counter()
    progress(f"==> refunding one receipt in {REFUND_EVERY} (once)")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TEMPORARY TABLE bench_refunded ON COMMIT DROP AS
            SELECT id AS purchase_id, at + interval '1 day' AS at, id %% 2 = 0 AS whole
            FROM loyalty_purchase WHERE id %% %(every)s = 0
            """,
            {"every": REFUND_EVERY},
        )
        cursor.execute(
            """
            INSERT INTO loyalty_refund (purchase_id, at, refund_amount, points_revoked, points_returned,
                                        created_at, updated_at)
            SELECT purchase_id, at, 0, 0, 0, now(), now() FROM bench_refunded
            """
        )
        cursor.execute(
            """
            INSERT INTO loyalty_refundline (refund_id, line_id, quantity, amount, points_revoked, points_returned)
            SELECT r.id, l.id, l.quantity, l.paid, 0, 0
            FROM loyalty_refund r
            JOIN bench_refunded b ON b.purchase_id = r.purchase_id
            JOIN loyalty_purchaseline l ON l.purchase_id = r.purchase_id AND (b.whole OR l.index = 0)
            """
        )
        cursor.execute(
            """
            UPDATE loyalty_refund r SET refund_amount = s.amount
            FROM (SELECT refund_id, SUM(amount) AS amount FROM loyalty_refundline GROUP BY refund_id) s
            WHERE s.refund_id = r.id
            """
        )
        cursor.execute("ANALYZE loyalty_refund")
        cursor.execute("ANALYZE loyalty_refundline")
    return round(time.perf_counter() - started, 1)


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    answer = call()
    return round(time.perf_counter() - started, 2), answer


def run(data: Any, *, progress: Callable[[str], None]) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from analytics.metrics.abc_xyz import abc_xyz_table
    from analytics.metrics.base import Period
    from analytics.metrics.rfm import rfm_table
    from analytics.metrics.scores import rfm_scores_refresh
    from loyalty.models import Brand
    from tests.bench.stats import CpuMeter

    results: dict[str, Any] = {}
    if not _refunds_seeded():
        results["refunds_seed_seconds"] = seed_refunds(progress)
    with connection.cursor() as cursor:
        for table in ("loyalty_purchase", "loyalty_purchaseline", "loyalty_refund", "contacts_contact"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            results[table] = cursor.fetchone()[0]
    now = timezone.now()
    everything, year = Period.last_days(730, end=now), Period.last_days(365, end=now)
    brand = Brand.objects.order_by("pk").values_list("pk", flat=True).first()

    progress("==> RFM (a warm-up over one brand's year first)")
    rfm_table([brand], year)
    meter = CpuMeter()
    seconds, rows = _timed(lambda: rfm_table(None, everything))
    results["rfm_all"] = {"seconds": seconds, "contacts": len(rows), "machine": meter.read()}
    seconds, rows = _timed(lambda: rfm_table([brand], year))
    results["rfm_brand_year"] = {"seconds": seconds, "contacts": len(rows)}
    progress("==> the analytics job's RFM step (every contact's segment written)")
    seconds, written = _timed(lambda: rfm_scores_refresh(at=now))
    results["rfm_scores"] = {"seconds": seconds, "written": written}

    progress("==> ABC/XYZ")
    meter = CpuMeter()
    seconds, rows = _timed(lambda: abc_xyz_table(None, everything))
    results["abc_all"] = {"seconds": seconds, "products": len(rows), "machine": meter.read()}
    seconds, rows = _timed(lambda: abc_xyz_table([brand], year))
    results["abc_brand_year"] = {"seconds": seconds, "products": len(rows)}
    seconds, rows = _timed(lambda: abc_xyz_table(None, everything, by="category"))
    results["abc_categories"] = {"seconds": seconds, "categories": len(rows)}
    return results


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    def ok(value: float, limit: float) -> str:
        return "ok" if value <= limit else "OVER"

    scale = (
        f"{results['contacts_contact']:,} contacts, {results['loyalty_purchase']:,} receipts, "
        f"{results['loyalty_purchaseline']:,} purchase lines, {results['loyalty_refund']:,} refunds"
    )
    rfm, abc = results["rfm_all"], results["abc_all"]
    return [
        ("(info) data", scale, "1,000,000 contacts / 10,000,000 lines", ""),
        (
            "RFM over every receipt (730 days, all brands one population)",
            f"{rfm['seconds']} s ({rfm['contacts']:,} contacts scored)",
            f"≤ {RFM_S} s",
            ok(rfm["seconds"], RFM_S),
        ),
        (
            "(info) RFM of one brand, the last 365 days",
            f"{results['rfm_brand_year']['seconds']} s ({results['rfm_brand_year']['contacts']:,} contacts)",
            "",
            "",
        ),
        (
            "(info) the analytics job's RFM step: every segment written to ContactScore",
            f"{results['rfm_scores']['seconds']} s ({results['rfm_scores']['written']:,} contacts)",
            "",
            "",
        ),
        (
            "ABC/XYZ of products over every line (730 days, all brands)",
            f"{abc['seconds']} s ({abc['products']:,} products)",
            f"≤ {ABC_S} s",
            ok(abc["seconds"], ABC_S),
        ),
        (
            "(info) ABC/XYZ of one brand, the last 365 days",
            f"{results['abc_brand_year']['seconds']} s ({results['abc_brand_year']['products']:,} products)",
            "",
            "",
        ),
        (
            "(info) ABC/XYZ of categories over every line",
            f"{results['abc_categories']['seconds']} s ({results['abc_categories']['categories']:,} categories)",
            "",
            "",
        ),
    ]
