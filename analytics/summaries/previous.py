"""The contacts' days and first receipts written with what makes their distinct counts plain counts (`contacts.py`):
each `ContactDay` row's previous day of the contact at the same register, store, brand and anywhere (`prev_*`),
and each `ContactFirst` row's `first_overall` (the contact's first receipt at any brand).

A refresh writes the contact-days of its store-days (`an_dirty`) from their counted purchases (`an_cp`): the new
rows are grouped into `an_cd`, then one window over every row of the contacts touched (the rows left after the
delete, and the new ones) gives each its previous days (`LAG(day)` per register, store, brand and contact, in the
order day, store, register). The new rows are inserted with theirs, and the rows already there from the batch's
first day on are updated where theirs changed: a later day of a contact whose earlier day was written again (a
backfill of an older day, a refund that took a receipt out, a new receipt on a day before today's). Rows before
the batch's first day keep theirs: nothing before them changed. The window reads the touched contacts' whole
history (by the `(contact, brand, first_at)` index): a contact's predecessor may be any number of days back. The
brand-days written or moved are noted in `an_pk`, for their packs (`packs.py`).

The statements are plain SQL (window functions, `UPDATE … FROM`) that PostgreSQL and SQLite (3.33+) both run; the
migration that added the columns (0006) filled them with the same windows over every row already there.
"""

from django.db import connection
from django.db.backends.utils import CursorWrapper

from analytics.summaries.fill import analyze, drop_temp, table, temp_table
from analytics.summaries.models import ContactDay, ContactFirst

MONEY = "numeric(14, 2)"
PREVIOUS = ("prev_register", "prev_store", "prev_brand", "prev_any")
# The windows, in the order of PREVIOUS: a contact's rows at one register, store, brand, and all of them.
WINDOWS = (
    "LAG(day) OVER (PARTITION BY contact_id, register_id ORDER BY day)",
    "LAG(day) OVER (PARTITION BY contact_id, store_id ORDER BY day, register_id)",
    "LAG(day) OVER (PARTITION BY contact_id, brand_id ORDER BY day, store_id, register_id)",
    "LAG(day) OVER (PARTITION BY contact_id ORDER BY day, store_id, register_id)",
)
FIRST_OVERALL = (
    "CASE WHEN ROW_NUMBER() OVER (PARTITION BY contact_id ORDER BY first_at, brand_id) = 1 THEN TRUE ELSE FALSE END"
)
FIGURES = "first_at, receipts, revenue, discount, points_accrued, points_redeemed"


def _differs(left: str, right: str) -> str:
    """A comparison true when two values differ, NULLs included."""
    operator = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return f"{left} {operator} {right}"


def write_contact_days(cursor: CursorWrapper) -> None:
    """The contact-days of the store-days in `an_dirty` (their old rows already deleted, their contacts in `an_fc`),
    with their previous days, and the previous days of the touched contacts' later rows made right again."""
    temp_table(
        cursor,
        "an_cd",
        f"day date, register_id bigint, contact_id bigint, store_id bigint, brand_id bigint, first_at timestamptz,"
        f" receipts integer, revenue {MONEY}, discount {MONEY}, points_accrued {MONEY}, points_redeemed {MONEY}",
    )
    cursor.execute(
        "INSERT INTO an_cd SELECT day, register_id, contact_id, store_id, brand_id, MIN(at), COUNT(*),"
        " SUM(payable - refunded), SUM(discount), SUM(points - revoked), SUM(redeemed - returned) FROM an_cp"
        " WHERE contact_id IS NOT NULL GROUP BY day, register_id, contact_id, store_id, brand_id"
    )
    temp_table(cursor, "an_tc", "contact_id bigint")
    cursor.execute("INSERT INTO an_tc SELECT contact_id FROM an_fc UNION SELECT contact_id FROM an_cd")
    analyze(cursor, "an_cd", "an_tc")
    contact_day = table(ContactDay)
    keys = "day, register_id, contact_id, store_id, brand_id"
    temp_table(
        cursor,
        "an_lag",
        f"id bigint, day date, register_id bigint, contact_id bigint, store_id bigint, brand_id bigint,"
        f" first_at timestamptz, receipts integer, revenue {MONEY}, discount {MONEY}, points_accrued {MONEY},"
        f" points_redeemed {MONEY}, {', '.join(f'{name} date' for name in PREVIOUS)}",
    )
    # Old rows carry their id, no figures (they are not written again) and their previous days as they are, so that
    # only those whose previous days change are kept; new rows carry no id.
    was = ", ".join(f"c.{name} AS was_{name}" for name in PREVIOUS)
    changed = " OR ".join(_differs(f"was_{name}", name) for name in PREVIOUS)
    cursor.execute(
        f"INSERT INTO an_lag SELECT id, {keys}, {FIGURES}, {', '.join(PREVIOUS)} FROM (SELECT id, {keys}, {FIGURES},"  # noqa: S608
        f" {', '.join(f'{window} AS {name}' for name, window in zip(PREVIOUS, WINDOWS, strict=True))},"
        f" {', '.join(f'was_{name}' for name in PREVIOUS)} FROM ("
        f" SELECT NULL AS id, {keys}, {FIGURES}, NULL AS was_prev_register, NULL AS was_prev_store,"
        " NULL AS was_prev_brand, NULL AS was_prev_any FROM an_cd UNION ALL"
        f" SELECT c.id, c.day, c.register_id, c.contact_id, c.store_id, c.brand_id, NULL, NULL, NULL, NULL, NULL,"
        f" NULL, {was} FROM {contact_day} c WHERE c.contact_id IN (SELECT contact_id FROM an_tc)) AS contact_rows"
        f") AS previous WHERE id IS NULL OR (day >= (SELECT MIN(day) FROM an_dirty) AND ({changed}))"
    )
    previous = ", ".join(PREVIOUS)
    cursor.execute(
        f"INSERT INTO {contact_day} ({keys}, {FIGURES}, {previous})"  # noqa: S608
        f" SELECT {keys}, {FIGURES}, {previous} FROM an_lag WHERE id IS NULL"
    )
    # The few rows that moved, in a table of their own, so that the update probes them by id.
    temp_table(cursor, "an_moved", f"id bigint, {', '.join(f'{name} date' for name in PREVIOUS)}")
    cursor.execute(f"INSERT INTO an_moved SELECT id, {previous} FROM an_lag WHERE id IS NOT NULL")  # noqa: S608
    analyze(cursor, "an_moved")
    cursor.execute(
        f"UPDATE {contact_day} SET {', '.join(f'{name} = m.{name}' for name in PREVIOUS)} FROM an_moved m"  # noqa: S608
        f" WHERE {contact_day}.id = m.id"
    )
    # The brand-days whose packs to write again (`packs.py`): every one written or moved (and, by `aggregate.py`,
    # every one whose first receipts changed).
    temp_table(cursor, "an_pk", "brand_id bigint, day date")
    cursor.execute(
        "INSERT INTO an_pk SELECT brand_id, day FROM an_dirty"
        " UNION SELECT brand_id, day FROM an_lag WHERE id IS NOT NULL"
    )
    drop_temp(cursor, "an_cd", "an_tc", "an_lag", "an_moved")


def mark_first_overall(cursor: CursorWrapper, contacts: str) -> None:
    """`first_overall` again for every first receipt of the contacts in the temporary table `contacts` (any brand's:
    a new first receipt at one brand can make another brand's the later one), written where it changed (and the
    brand-days of those noted in `an_pk`)."""
    first = table(ContactFirst)
    temp_table(cursor, "an_flag", "id bigint, brand_id bigint, day date, flag boolean")
    rows = f"{first} WHERE contact_id IN (SELECT contact_id FROM {contacts})"  # noqa: S608 (names only)
    if connection.vendor == "postgresql":
        # Each contact's first receipts read from the (contact, first_at) index (matched plainly, PostgreSQL read
        # every first receipt there is to hash them).
        rows = (
            f"(SELECT DISTINCT contact_id FROM {contacts}) AS t CROSS JOIN LATERAL"  # noqa: S608
            f" (SELECT id, contact_id AS cid, brand_id, day, first_at, first_overall FROM {first}"
            " WHERE contact_id = t.contact_id OFFSET 0) AS x"
        )
    cursor.execute(
        f"INSERT INTO an_flag SELECT id, brand_id, day, flag FROM (SELECT id, brand_id, day, first_overall,"  # noqa: S608
        f" {FIRST_OVERALL} AS flag FROM {rows}) AS w WHERE w.first_overall <> w.flag"
    )
    analyze(cursor, "an_flag")
    cursor.execute(f"UPDATE {first} SET first_overall = f.flag FROM an_flag f WHERE {first}.id = f.id")  # noqa: S608
    cursor.execute("INSERT INTO an_pk SELECT brand_id, day FROM an_flag")
    drop_temp(cursor, "an_flag")
