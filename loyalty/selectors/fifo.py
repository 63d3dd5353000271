"""The lots a redemption takes, read as far as it needs them: the till's confirm on an account with thousands of lots.

`account_roots` reads every root of an account and builds each in Python, ~20 µs a root: an account that earns a
few lots per receipt and spends a little of them (a corporate card, a family pool) reaches thousands, and every
redemption paid for all of them while it held the account's lock. `takeable_lots` lets the database add up the lots
in the order redemptions take them (earliest expiry first, never-expiring last, then earliest created) and return
only those a redemption of `points` reaches, with the two totals the refusal needs. The lots' remaining points are
the same sums as `account_roots` reads (a root's points plus the entries that name it), so what is taken is exactly
what the full read would take.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection

from common.money import ZERO, quantize
from common.rawrows import Columns
from loyalty.models import LedgerEntry
from loyalty.selectors.balances import HALF_CENT
from loyalty.selectors.cached import expired_lot_test


@dataclass
class Takeable:
    """What a redemption of some points may take from a synced account, as of a moment."""

    lots: list[LedgerEntry]
    """The lots it takes from, in order, each with `remaining`: as many as reach the points asked (all if fewer)."""
    available: Decimal
    """What may be taken at most: the active balance (lots and debts), and no more than the takeable lots hold."""
    expiry_due: bool
    """A lot holding points has expired by now: the account must be synced (expiries written) first, the figures
    above do not apply."""


@cache
def _sql(vendor: str) -> tuple[str, Columns]:
    """The statement (one text per database `vendor`) and the columns of the lots it returns.

    `roots`: every root of the account with its remaining points. `takeable`: those active now, not expired at the
    horizon and holding points, with the running sum in redemption order. One row per lot whose points before it
    fall short of the points asked (the last of them reaches them), or one row of totals alone when none does.
    HALF_CENT is a literal and the points asked are cast to a number: SQLite sums decimals as floating point and
    would compare a bound decimal (bound as text) as text."""
    qn = connection.ops.quote_name
    entry = qn(LedgerEntry._meta.db_table)
    columns = Columns(LedgerEntry, "e")
    active_now = f"(r.{qn('activation_at')} IS NULL OR r.{qn('activation_at')} <= %s)"
    sql = (
        f"WITH roots AS (SELECT e.{qn('id')} AS id, e.{qn('expires_at')} AS expires_at,"  # noqa: S608 (names, bound values)
        f" e.{qn('activation_at')} AS activation_at, e.{qn('points')} + COALESCE("
        f"(SELECT SUM(m.{qn('points')}) FROM {entry} m WHERE m.{qn('lot_id')} = e.{qn('id')}), 0) AS remaining"
        f" FROM {entry} e WHERE e.{qn('account_id')} = %s AND e.{qn('lot_id')} IS NULL),"
        " takeable AS (SELECT r.id, r.remaining, SUM(r.remaining) OVER"
        " (ORDER BY (r.expires_at IS NULL), r.expires_at, r.id ROWS UNBOUNDED PRECEDING) AS running"
        f" FROM roots r WHERE r.remaining >= {HALF_CENT} AND {active_now}"
        " AND (r.expires_at IS NULL OR r.expires_at > %s)),"
        " totals AS (SELECT"
        f" (SELECT SUM(r.remaining) FROM roots r WHERE ABS(r.remaining) >= {HALF_CENT} AND {active_now}) AS active,"
        " (SELECT SUM(t.remaining) FROM takeable t) AS takeable,"
        f" EXISTS (SELECT 1 FROM roots r WHERE r.expires_at <= %s AND r.remaining >= {HALF_CENT}) AS due)"
        f" SELECT totals.active, totals.takeable, totals.due, t.remaining, {columns.sql}"
        f" FROM totals LEFT JOIN takeable t ON t.running - t.remaining < CAST(%s AS NUMERIC) - {HALF_CENT}"
        f" LEFT JOIN {entry} e ON e.{qn('id')} = t.id ORDER BY t.running"
    )
    return sql, columns


def _decimal(value: Any) -> Decimal:
    if value is None:
        return ZERO
    return quantize(value if isinstance(value, Decimal | int) else Decimal(str(value)))


def takeable_lots(*, account_id: int, points: Decimal, now: datetime, horizon: datetime) -> Takeable:
    """The lots a redemption of `points` from the account takes (earliest expiry first), the points it may take at
    most, and whether an expiry is due first: one statement, whatever the number of lots.

    Active means activated by `now`; takeable lots also must not expire by `horizon` (the receipt's time when it is
    later than now). The account is expected locked by the caller, as every ledger write locks it."""
    sql, columns = _sql(connection.vendor)
    moment = connection.ops.adapt_datetimefield_value(now)
    params = [account_id, moment, connection.ops.adapt_datetimefield_value(horizon), moment, moment, points]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    first = rows[0]
    available = min(_decimal(first[0]), _decimal(first[1]))
    return Takeable(lots=_lots(rows, columns, remaining_at=3), available=available, expiry_due=bool(first[2]))


def _lots(rows: list[Any], columns: Columns, *, remaining_at: int) -> list[LedgerEntry]:
    """The lots of `rows` (their columns after the remaining points, at `remaining_at`), each with `remaining`; a row
    of totals alone (no lot) is skipped."""
    lots: list[LedgerEntry] = []
    for row in rows:
        lot = columns.build(row, remaining_at + 1)
        if not isinstance(lot, LedgerEntry):
            continue
        lot.remaining = _decimal(row[remaining_at])  # type: ignore[attr-defined]
        lots.append(lot)
    return lots


# --- the first lots only ---------------------------------------------------------------------------------------------
# `takeable_lots` adds up every lot of the account: 26 ms at 8,000 lots, on every redemption of that account, under its
# lock (the one-account bench grows one lot a receipt). A redemption usually takes from its first lot or two: the first
# lots in redemption order are read alone (the account's lots index, in order, each lot's movements summed, stopping
# after `FIRST_LOTS` of those holding points), with whether an expiry is due; `takeable_lots` remains for the rest
# (the lots fall short, or the account's cached balance cannot vouch for the active total).

FIRST_LOTS = 8  # a bench redemption takes 1 or 2 (only the lots taken are built as model instances)


@dataclass
class FirstLots:
    rows: list[Any]
    """The first takeable lots in redemption order (at most `FIRST_LOTS`), as read: see `lots`."""
    columns: Columns
    expiry_due: bool

    @property
    def total(self) -> Decimal:
        """The points the first lots hold."""
        return sum((_decimal(row[1]) for row in self.rows if row[2 + self.columns.pk_position] is not None), ZERO)

    def lots(self) -> Iterator[LedgerEntry]:
        """The lots, each with `remaining`, built one by one as a redemption takes them (it stops at its points)."""
        for row in self.rows:
            lot = self.columns.build(row, 2)
            if isinstance(lot, LedgerEntry):
                lot.remaining = _decimal(row[1])  # type: ignore[attr-defined]
                yield lot


@cache
def _first_sql(vendor: str) -> tuple[str, Columns]:
    qn = connection.ops.quote_name
    entry = qn(LedgerEntry._meta.db_table)
    columns = Columns(LedgerEntry, "f")
    remaining = (
        f"f.{qn('points')} + COALESCE((SELECT SUM(m.{qn('points')}) FROM {entry} m"  # noqa: S608 (names, bound values)
        f" WHERE m.{qn('lot_id')} = f.{qn('id')}), 0)"
    )
    sql = (
        f"SELECT d.due, t.* FROM (SELECT {expired_lot_test('%s')} AS due) d"  # noqa: S608 (names, bound values)
        f" LEFT JOIN (SELECT * FROM (SELECT {remaining} AS remaining, {columns.sql} FROM {entry} f"
        f" WHERE f.{qn('account_id')} = %s AND f.{qn('lot_id')} IS NULL"
        f" AND (f.{qn('activation_at')} IS NULL OR f.{qn('activation_at')} <= %s)"
        f" AND (f.{qn('expires_at')} IS NULL OR f.{qn('expires_at')} > %s)) s"
        f" WHERE s.remaining >= {HALF_CENT}"
        # NULLS LAST, as `(expires_at IS NULL), expires_at`: the order of the account's expiry index, read in order
        f" ORDER BY s.{qn('expires_at')} ASC NULLS LAST, s.{qn('id')} LIMIT %s) t ON 1 = 1"
    )
    return sql, columns


def first_lots(*, account_id: int, now: datetime, horizon: datetime) -> FirstLots:
    """The first `FIRST_LOTS` lots a redemption from the account would take (as `takeable_lots` orders them), and
    whether an expiry is due: one statement that reads no further lots than those."""
    sql, columns = _first_sql(connection.vendor)
    moment = connection.ops.adapt_datetimefield_value(now)
    params = [account_id, moment, account_id, moment, connection.ops.adapt_datetimefield_value(horizon), FIRST_LOTS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return FirstLots(rows=rows, columns=columns, expiry_due=bool(rows[0][0]))
