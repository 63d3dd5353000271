"""The products' days: per brand, day and SKU the units and money sold net of refunds, the discount and the
receipts, written again for every brand-day a purchase or refund touched (each store's local day). The lines are
read through the counted purchases of all the brand's stores that day (`fill.py`); what the refunds took back, line
by line, from their refund lines. Portable SQL, as `aggregate.py`, but for the reading of the lines on PostgreSQL
(`_lines`)."""

from django.db import connection
from django.db.backends.utils import CursorWrapper

from analytics.summaries.fill import analyze, drop_temp, table, temp_table
from analytics.summaries.models import ProductDay
from loyalty.models import PurchaseLine, Refund, RefundLine

# Counted purchases whose ids are at most this far apart are read as one range of lines (the few lines of other
# purchases in between are dropped by the join).
RUN_GAP = 64
# Past this many runs (and a quarter of the purchases) the ids are scattered, and the plain join is read instead.
MANY_RUNS = 10_000


def _lines(cursor: CursorWrapper) -> str:
    """The FROM clause of the lines of the purchases in `an_cp` (aliases `cp` and `l`). PostgreSQL: the purchases'
    ids gathered into runs (`an_runs`) and each run's lines read as one range of the purchase index, since a day's
    purchases are mostly consecutive ids and a plain join hashes every line there is (2,000,000 of a day's among
    12,000,000: 4.2 -> 2.1 s), unless the ids are scattered. Other databases: the plain join (SQLite probes the
    index per purchase anyway)."""
    lines = table(PurchaseLine)
    plain = f"an_cp cp JOIN {lines} l ON l.purchase_id = cp.id"
    if connection.vendor != "postgresql":
        return plain
    temp_table(cursor, "an_runs", "lo bigint, hi bigint")
    cursor.execute(
        "INSERT INTO an_runs SELECT MIN(id), MAX(id) FROM (SELECT id, SUM(CASE WHEN id - previous > %s THEN 1 ELSE 0"
        " END) OVER (ORDER BY id) AS run FROM (SELECT id, LAG(id, 1, id) OVER (ORDER BY id) AS previous FROM an_cp)"
        " AS gaps) AS runs GROUP BY run",
        [RUN_GAP],
    )
    analyze(cursor, "an_runs")
    cursor.execute("SELECT (SELECT COUNT(*) FROM an_runs), (SELECT COUNT(*) FROM an_cp)")
    runs, purchases = cursor.fetchone()
    if runs > max(MANY_RUNS, purchases // 4):  # ids scattered (a first refresh of old data): one hash of every line
        return plain
    return (
        f"an_runs r CROSS JOIN LATERAL (SELECT * FROM {lines} l WHERE l.purchase_id >= r.lo"  # noqa: S608 (no user text)
        " AND l.purchase_id <= r.hi OFFSET 0) l JOIN an_cp cp ON cp.id = l.purchase_id"
    )


def summarise_products(cursor: CursorWrapper, *, refund_mark: int) -> None:
    """ProductDay rows of the brand-days of the stores in `an_dirty`, from `an_cp`."""
    temp_table(cursor, "an_rl", "line_id bigint, quantity numeric(14, 3), amount numeric(14, 2)")
    cursor.execute(
        f"INSERT INTO an_rl SELECT rl.line_id, SUM(rl.quantity), SUM(rl.amount) FROM {table(RefundLine)} rl"  # noqa: S608
        f" JOIN {table(Refund)} r ON r.id = rl.refund_id WHERE r.id <= %s"
        " AND r.purchase_id IN (SELECT id FROM an_cp) GROUP BY rl.line_id",
        [refund_mark],
    )
    analyze(cursor, "an_rl")
    product_day = table(ProductDay)
    cursor.execute(
        f"DELETE FROM {product_day} WHERE ({product_day}.brand_id, {product_day}.day) IN"  # noqa: S608
        " (SELECT brand_id, day FROM an_dirty)"
    )
    source = _lines(cursor)
    cursor.execute(
        f"INSERT INTO {product_day} (day, brand_id, sku, product_id, receipts, units, revenue, discount)"  # noqa: S608
        " SELECT cp.day, cp.brand_id, l.sku, MAX(l.product_id), COUNT(DISTINCT l.purchase_id),"
        " SUM(l.quantity - COALESCE(rl.quantity, 0)), SUM(l.paid - COALESCE(rl.amount, 0)), SUM(l.discount)"
        f" FROM {source} LEFT JOIN an_rl rl ON rl.line_id = l.id WHERE l.quantity - COALESCE(rl.quantity, 0) > 0"
        " GROUP BY cp.day, cp.brand_id, l.sku"
    )
    drop_temp(cursor, "an_rl", "an_runs")
