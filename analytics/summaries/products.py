"""The products' days: per brand, day and SKU the units and money sold net of refunds, the discount and the
receipts, written again for every brand-day a purchase or refund touched (each store's local day). The lines are
read through the counted purchases of all the brand's stores that day (`fill.py`); what the refunds took back, line
by line, from their refund lines. Portable SQL, as `aggregate.py`."""

from django.db.backends.utils import CursorWrapper

from analytics.summaries.fill import analyze, drop_temp, table, temp_table
from analytics.summaries.models import ProductDay
from loyalty.models import PurchaseLine, Refund, RefundLine


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
    cursor.execute(
        f"INSERT INTO {product_day} (day, brand_id, sku, product_id, receipts, units, revenue, discount)"  # noqa: S608
        " SELECT cp.day, cp.brand_id, l.sku, MAX(l.product_id), COUNT(DISTINCT l.purchase_id),"
        " SUM(l.quantity - COALESCE(rl.quantity, 0)), SUM(l.paid - COALESCE(rl.amount, 0)), SUM(l.discount)"
        f" FROM an_cp cp JOIN {table(PurchaseLine)} l ON l.purchase_id = cp.id"
        " LEFT JOIN an_rl rl ON rl.line_id = l.id WHERE l.quantity - COALESCE(rl.quantity, 0) > 0"
        " GROUP BY cp.day, cp.brand_id, l.sku"
    )
    drop_temp(cursor, "an_rl")
