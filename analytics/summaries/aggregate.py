"""The summaries of the store-days in `an_dirty`, written again from their counted purchases in `an_cp`
(`fill.py`): plain SQL that PostgreSQL and SQLite both run (grouping, `COUNT(DISTINCT …)`, row values and
`ROW_NUMBER()` windows), each day's old rows deleted first, so that a refresh can run any number of times.

Registers' days and hours and contacts' days come from the receipts; a store's day adds up its registers' and counts
its buyers; a brand's day adds up its stores' (all of them, the untouched ones too) and counts its buyers from the
contacts' days; a contact's first receipt at a brand is read again, for every contact the refresh touched, from
its contact-days (`ROW_NUMBER() OVER (PARTITION BY brand, contact ORDER BY first_at)`); a campaign's day sums its
uses by the counted receipts. The contacts' days are written with their previous days, and the first receipts'
`first_overall` marked again, by `previous.py`. Last, the packs (`packs.py`) of every brand-day whose contact-days
or first receipts changed (`an_pk`: noted by each statement that wrote them; on PostgreSQL from what it returned).

On PostgreSQL the first receipts' statements read the touched contacts' rows per pair or per contact through their
indexes (`LATERAL … LIMIT 1`, `OFFSET 0` probes), the same rows the portable statements read: joined plainly,
PostgreSQL hashed every first receipt or contact-day there is for a day's 70,000 contacts.
"""

from datetime import datetime
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

from analytics.summaries.fill import analyze, drop_temp, table, temp_table
from analytics.summaries.models import (
    BrandDay,
    CampaignDay,
    ContactDay,
    ContactFirst,
    RegisterDay,
    RegisterHour,
    StoreDay,
)
from analytics.summaries.packs import write_packs
from analytics.summaries.previous import mark_first_overall, write_contact_days
from campaigns.models import CampaignUsage

FIGURES = "receipts, identified, revenue, refunded, discount, points_accrued, points_redeemed"
FIGURE_SUMS_FROM_PURCHASES = (
    "COUNT(*), COUNT(contact_id), SUM(payable - refunded), SUM(refunded), SUM(discount), SUM(points - revoked),"
    " SUM(redeemed - returned)"
)
FIGURE_SUMS = (
    "SUM(receipts), SUM(identified), SUM(revenue), SUM(refunded), SUM(discount), SUM(points_accrued),"
    " SUM(points_redeemed)"
)
# Row values against the temporary tables: both databases probe the summaries' (store, day) indexes with them.
IN_DIRTY = "({t}.store_id, {t}.day) IN (SELECT store_id, day FROM an_dirty)"
IN_BRAND_DAYS = "({t}.brand_id, {t}.day) IN (SELECT brand_id, day FROM an_bd)"


def _delete_store_days(cursor: CursorWrapper, *models: type) -> None:
    for model in models:
        name = table(model)
        cursor.execute(f"DELETE FROM {name} WHERE {IN_DIRTY.format(t=name)}")  # noqa: S608


def summarise_store_days(cursor: CursorWrapper, now: datetime) -> None:
    """Every summary of the `days` stream for the store-days in `an_dirty` (and their brands' days)."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    # The contacts whose first receipt may move: those of the old rows and those of the new.
    temp_table(cursor, "an_fc", "brand_id bigint, contact_id bigint")
    contact_day = table(ContactDay)
    cursor.execute(
        f"INSERT INTO an_fc SELECT DISTINCT brand_id, contact_id FROM {contact_day}"  # noqa: S608
        f" WHERE {IN_DIRTY.format(t=contact_day)}"
    )
    _delete_store_days(cursor, RegisterDay, StoreDay, RegisterHour, ContactDay, CampaignDay)

    cursor.execute(
        f"INSERT INTO {table(RegisterDay)} (day, register_id, store_id, brand_id, partner_id, {FIGURES},"  # noqa: S608
        f" created_at, updated_at) SELECT day, register_id, store_id, brand_id, partner_id,"
        f" {FIGURE_SUMS_FROM_PURCHASES}, %s, %s FROM an_cp GROUP BY day, register_id, store_id, brand_id, partner_id",
        [stamp, stamp],
    )
    cursor.execute(
        f"INSERT INTO {table(RegisterHour)} (day, hour, weekday, register_id, store_id, brand_id, receipts,"  # noqa: S608
        " revenue) SELECT day, hour, weekday, register_id, store_id, brand_id, COUNT(*), SUM(payable - refunded)"
        " FROM an_cp GROUP BY day, hour, weekday, register_id, store_id, brand_id"
    )
    write_contact_days(cursor)
    register_day = table(RegisterDay)
    cursor.execute(
        f"INSERT INTO {table(StoreDay)} (day, store_id, brand_id, partner_id, {FIGURES}, buyers, created_at,"  # noqa: S608
        f" updated_at) SELECT r.day, r.store_id, r.brand_id, r.partner_id, {FIGURE_SUMS},"
        " COALESCE(MAX(b.buyers), 0), %s, %s"
        f" FROM {register_day} r LEFT JOIN (SELECT store_id, day, COUNT(DISTINCT contact_id) AS buyers FROM an_cp"
        " WHERE contact_id IS NOT NULL GROUP BY store_id, day) b ON b.store_id = r.store_id AND b.day = r.day"
        f" WHERE {IN_DIRTY.format(t='r')} GROUP BY r.day, r.store_id, r.brand_id, r.partner_id",
        [stamp, stamp],
    )
    cursor.execute(
        f"INSERT INTO {table(CampaignDay)} (day, campaign_id, store_id, brand_id, receipts, discount, points,"  # noqa: S608
        " value) SELECT cp.day, u.campaign_id, cp.store_id, cp.brand_id, COUNT(DISTINCT u.purchase_id),"
        f" SUM(u.discount), SUM(u.points), SUM(u.value) FROM an_cp cp JOIN {table(CampaignUsage)} u"
        " ON u.purchase_id = cp.id GROUP BY cp.day, u.campaign_id, cp.store_id, cp.brand_id"
    )
    _summarise_brand_days(cursor, stamp)
    cursor.execute("INSERT INTO an_fc SELECT DISTINCT brand_id, contact_id FROM an_cp WHERE contact_id IS NOT NULL")
    _first_receipts(cursor)
    write_packs(cursor, "an_pk")
    drop_temp(cursor, "an_fc", "an_pk")


def _summarise_brand_days(cursor: CursorWrapper, stamp: Any) -> None:
    temp_table(cursor, "an_bd", "brand_id bigint, day date")
    cursor.execute("INSERT INTO an_bd SELECT DISTINCT brand_id, day FROM an_dirty")
    analyze(cursor, "an_bd")
    brand_day = table(BrandDay)
    cursor.execute(f"DELETE FROM {brand_day} WHERE {IN_BRAND_DAYS.format(t=brand_day)}")  # noqa: S608
    cursor.execute(
        f"INSERT INTO {brand_day} (day, brand_id, {FIGURES}, buyers, created_at, updated_at)"  # noqa: S608
        f" SELECT s.day, s.brand_id, {FIGURE_SUMS}, 0, %s, %s FROM {table(StoreDay)} s"
        f" WHERE {IN_BRAND_DAYS.format(t='s')} GROUP BY s.day, s.brand_id",
        [stamp, stamp],
    )
    cursor.execute(
        f"UPDATE {brand_day} SET buyers = (SELECT COUNT(DISTINCT c.contact_id) FROM {table(ContactDay)} c"  # noqa: S608
        f" WHERE c.brand_id = {brand_day}.brand_id AND c.day = {brand_day}.day)"
        f" WHERE {IN_BRAND_DAYS.format(t=brand_day)}"
    )
    drop_temp(cursor, "an_bd")


def _days_before_batch(days: int) -> str:
    """SQL for the day `days` before the batch's first day (`an_dirty`), on both databases."""
    if connection.vendor == "postgresql":
        return f"((SELECT MIN(day) FROM an_dirty) - {int(days)})"  # noqa: S608 (a number)
    return f"date((SELECT MIN(day) FROM an_dirty), '-{int(days)} days')"  # noqa: S608 (a number)


def _same_first(rows: str) -> str:
    """SQL: the first receipt `n` (of `an_nf`) is the row of `rows` (a table or an alias), column for column."""
    columns = ("brand_id", "contact_id", "first_at", "day", "store_id", "register_id")
    return " AND ".join(f"n.{column} = {rows}.{column}" for column in columns)


def _first_receipts(cursor: CursorWrapper) -> None:
    """Each touched contact's first counted receipt at the brand, read again from its contact-days; only the rows that
    changed are written (most touched contacts bought before, and their first receipt stays where it was)."""
    temp_table(cursor, "an_fcd", "brand_id bigint, contact_id bigint")
    # Only the contacts whose first receipt at the brand may move: those without one, and those whose first is
    # not well before the batch's first day (every row written again is on or after it; two days of margin for the
    # stores' time zones, a local day's start in UTC differing by up to 26 hours). Most touched contacts bought
    # before, and their first receipt stays where it was.
    since = _days_before_batch(2)
    # PostgreSQL: each pair probes the (brand, contact) index (OFFSET 0 keeps the subquery a probe per row; as an
    # anti-join it hashed every first receipt there is, 1,200,000 for 70,000 pairs).
    probe = " OFFSET 0" if connection.vendor == "postgresql" else ""
    cursor.execute(
        "INSERT INTO an_fcd SELECT f.brand_id, f.contact_id FROM (SELECT DISTINCT brand_id, contact_id FROM an_fc) f"  # noqa: S608
        f" WHERE NOT EXISTS (SELECT 1 FROM {table(ContactFirst)} cf WHERE cf.brand_id = f.brand_id"
        f" AND cf.contact_id = f.contact_id AND cf.day < {since}{probe})"
    )
    analyze(cursor, "an_fcd")
    temp_table(
        cursor,
        "an_nf",
        "brand_id bigint, contact_id bigint, first_at timestamptz, day date, store_id bigint, register_id bigint",
    )
    if connection.vendor == "postgresql":
        # Each pair's earliest contact-day read from the (contact, brand, first_at) index: joined, PostgreSQL read
        # every contact-day there is (2,500,000) to hash them.
        cursor.execute(
            "INSERT INTO an_nf SELECT f.brand_id, f.contact_id, c.first_at, c.day, c.store_id, c.register_id"  # noqa: S608
            f" FROM an_fcd f CROSS JOIN LATERAL (SELECT first_at, day, store_id, register_id FROM {table(ContactDay)} c"
            " WHERE c.contact_id = f.contact_id AND c.brand_id = f.brand_id ORDER BY c.first_at, c.register_id"
            " LIMIT 1) c"
        )
    else:
        cursor.execute(
            "INSERT INTO an_nf SELECT brand_id, contact_id, first_at, day, store_id, register_id FROM ("  # noqa: S608
            " SELECT c.brand_id, c.contact_id, c.first_at, c.day, c.store_id, c.register_id, ROW_NUMBER() OVER"
            " (PARTITION BY c.brand_id, c.contact_id ORDER BY c.first_at, c.register_id) AS n"
            f" FROM an_fcd f JOIN {table(ContactDay)} c ON c.contact_id = f.contact_id AND c.brand_id = f.brand_id"
            ") firsts WHERE n = 1"
        )
    analyze(cursor, "an_nf")
    first = table(ContactFirst)
    if connection.vendor == "postgresql":
        # The rows to delete found by probing the (brand, contact) index per pair, then deleted by id (matched
        # plainly, PostgreSQL read every first receipt there is to hash them).
        _noting_days(
            cursor,
            f"DELETE FROM {first} WHERE {first}.id = ANY(ARRAY(SELECT x.id FROM an_fcd f CROSS JOIN LATERAL"  # noqa: S608
            f" (SELECT * FROM {first} WHERE {first}.brand_id = f.brand_id AND {first}.contact_id = f.contact_id"
            f" OFFSET 0) x WHERE NOT EXISTS (SELECT 1 FROM an_nf n WHERE {_same_first('x')})))",
        )
    else:
        gone = (
            f"FROM {first} WHERE ({first}.brand_id, {first}.contact_id) IN (SELECT brand_id, contact_id FROM an_fcd)"  # noqa: S608
            f" AND NOT EXISTS (SELECT 1 FROM an_nf n WHERE {_same_first(first)})"
        )
        _noting_days(cursor, f"DELETE {gone}", f"SELECT brand_id, day {gone}")
    # Written with `first_overall` as the rows already there make it (no earlier first at another brand), so that
    # marking it again below rewrites only the few it got wrong (two new firsts of one contact in the batch).
    new = (
        f"FROM an_nf n WHERE NOT EXISTS (SELECT 1 FROM {first} f"  # noqa: S608
        " WHERE f.brand_id = n.brand_id AND f.contact_id = n.contact_id)"
    )
    _noting_days(
        cursor,
        f"INSERT INTO {first} (brand_id, contact_id, first_at, day, store_id, register_id, first_overall)"  # noqa: S608
        " SELECT n.brand_id, n.contact_id, n.first_at, n.day, n.store_id, n.register_id, NOT EXISTS (SELECT 1"
        f" FROM {first} o WHERE o.contact_id = n.contact_id AND (o.first_at < n.first_at OR (o.first_at = n.first_at"
        f" AND o.brand_id < n.brand_id))) {new}",
        f"SELECT n.brand_id, n.day {new}",
    )
    mark_first_overall(cursor, "an_fcd")
    drop_temp(cursor, "an_fcd", "an_nf")


def _noting_days(cursor: CursorWrapper, write: str, rows: str = "") -> None:
    """Run a write of first receipts and note the brand-days of the rows it wrote or deleted in `an_pk` (for their
    packs): on PostgreSQL from the rows it returns, elsewhere from `rows` (the same rows, selected before)."""
    if connection.vendor == "postgresql":
        cursor.execute(f"WITH w AS ({write} RETURNING brand_id, day) INSERT INTO an_pk SELECT brand_id, day FROM w")  # noqa: S608
        return
    cursor.execute(f"INSERT INTO an_pk {rows}")
    cursor.execute(write)
