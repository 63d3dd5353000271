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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection

from common.money import ZERO, quantize
from common.rawrows import Columns
from loyalty.models import Account, LedgerEntry
from loyalty.selectors.balances import HALF_CENT
from loyalty.selectors.cached import expired_lot_test, remaining_sql


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
        f" e.{qn('activation_at')} AS activation_at, {remaining_sql('e')} AS remaining"
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
# lots holding points in redemption order are read alone (the account's lots index, in order, each lot's movements
# summed, stopping after `FIRST_LOTS` of them), with whether an expiry is due; `takeable_lots` remains for the rest
# (the lots fall short, or the account's cached balance cannot vouch for the active total).
#
# The read starts at the account's spent-lots position (`Account.spent_before_expires` and `spent_before_id`): the
# lots before it hold no points, and without it every redemption passed over every spent lot again (they are the
# earliest to expire, so they lead the index: 5 µs each, 2 ms a receipt after a few hundred receipts of one account).
# The first lot read that holds points, takeable or not (pending, or expired and not yet written), is where the next
# read may start (`FirstLots.start`); the ledger's writes move the position back when a lot before it gains points
# (`loyalty.services.ledger.core`).

FIRST_LOTS = 8  # a bench redemption takes 1 or 2 (only the lots taken are built as model instances)
_EARLIEST = datetime(1, 1, 1, tzinfo=UTC)  # the position of no spent lot: the dated lots from the first
_LATEST = datetime(9999, 12, 31, tzinfo=UTC)  # a position among the never-expiring lots: no dated lot is after it
_NO_ID = 0


@dataclass
class FirstLots:
    rows: list[Any]
    """The first lots holding points in redemption order from the account's position (at most `FIRST_LOTS`), as
    read: whether each is takeable (active now, not expired at the horizon), its remaining points, its columns."""
    columns: Columns
    expiry_due: bool

    @property
    def total(self) -> Decimal:
        """The points the takeable ones hold."""
        return sum((_decimal(row[1]) for row in self.rows if row[2]), ZERO)

    built: dict[int, LedgerEntry] = field(default_factory=dict)
    """The lots built so far, by row: those `lots` gave (a redemption changes their `remaining` as it takes)."""

    def _lot(self, position: int) -> LedgerEntry:
        if position not in self.built:
            lot = self.columns.build(self.rows[position], 3)
            assert isinstance(lot, LedgerEntry)
            lot.remaining = _decimal(self.rows[position][1])  # type: ignore[attr-defined]
            self.built[position] = lot
        return self.built[position]

    def lots(self) -> Iterator[LedgerEntry]:
        """The takeable lots, each with `remaining`, built one by one as a redemption takes them (it stops at its
        points)."""
        for position, row in enumerate(self.rows):
            if row[2]:
                yield self._lot(position)

    def start(self) -> LedgerEntry | None:
        """The first lot read that still holds points (takeable or not), as the lots given by `lots` now hold them:
        no lot before it holds points. The rows are consecutive lots holding points (only spent lots lie between
        them), so after a redemption took from them this is the first one it did not empty; the last one when it
        emptied all. None: none read."""
        for position in range(len(self.rows)):
            lot = self._lot(position)
            if lot.remaining > 0:  # type: ignore[attr-defined]
                return lot
        return self._lot(len(self.rows) - 1) if self.rows else None


@cache
def _first_sql(vendor: str) -> tuple[str, Columns]:
    """Two ordered reads from the account's position, each stopping after `FIRST_LOTS` lots holding points: the dated
    lots from it (a range of the lots index; the position's expiry and id compared as a row), then the
    never-expiring ones (NULL expiry: no row comparison reaches them) from its id; merged in redemption order."""
    qn = connection.ops.quote_name
    entry = qn(LedgerEntry._meta.db_table)
    columns = Columns(LedgerEntry, "f")
    expires, pk, activation = f"f.{qn('expires_at')}", f"f.{qn('id')}", f"f.{qn('activation_at')}"
    remaining = remaining_sql("f")
    takeable = f"({activation} IS NULL OR {activation} <= %s) AND ({expires} IS NULL OR {expires} > %s)"
    selected = (
        f"SELECT {remaining} AS remaining, ({takeable}) AS takeable, {columns.sql} FROM {entry} f"  # noqa: S608
        f" WHERE f.{qn('account_id')} = %s AND f.{qn('lot_id')} IS NULL AND "
    )
    dated = f"{selected}({expires}, {pk}) >= (%s, %s)"
    never = f"{selected}{expires} IS NULL AND {pk} >= %s"
    held = f"remaining >= {HALF_CENT}"
    sql = (
        f"SELECT d.due, t.* FROM (SELECT {expired_lot_test('%s')} AS due) d LEFT JOIN ("  # noqa: S608 (names)
        f"SELECT * FROM (SELECT * FROM ({dated}) a WHERE a.{held}"
        f" ORDER BY a.{qn('expires_at')}, a.{qn('id')} LIMIT %s) x"
        # (all of the same empty expiry, ordered as the index is all the same: so the plan reads the index's range)
        f" UNION ALL SELECT * FROM (SELECT * FROM ({never}) b WHERE b.{held}"
        f" ORDER BY b.{qn('expires_at')}, b.{qn('id')} LIMIT %s) y"
        f") t ON 1 = 1 ORDER BY t.{qn('expires_at')} IS NULL, t.{qn('expires_at')}, t.{qn('id')} LIMIT %s"
    )
    return sql, columns


def first_lots_statement(*, account: Account, now: datetime, horizon: datetime) -> tuple[str, list[Any]]:
    """`first_lots`'s statement and its values."""
    sql, _columns = _first_sql(connection.vendor)
    adapt = connection.ops.adapt_datetimefield_value
    if account.spent_before_id is None:
        dated_from, never_from = (_EARLIEST, _NO_ID), _NO_ID
    elif account.spent_before_expires is None:
        dated_from, never_from = (_LATEST, _NO_ID), account.spent_before_id
    else:
        dated_from, never_from = (account.spent_before_expires, account.spent_before_id), _NO_ID
    takeable = [adapt(now), adapt(horizon), account.pk]
    limit = FIRST_LOTS
    dated = [*takeable, adapt(dated_from[0]), dated_from[1], limit]
    return sql, [account.pk, adapt(now), *dated, *takeable, never_from, limit, limit]


def first_lots(*, account: Account, now: datetime, horizon: datetime) -> FirstLots:
    """The first `FIRST_LOTS` lots holding points in redemption order (as `takeable_lots` orders them) from the
    account's spent-lots position, and whether an expiry is due: one statement that reads no further lots than
    those (and the spent ones between the position and the first of them)."""
    sql, params = first_lots_statement(account=account, now=now, horizon=horizon)
    columns = _first_sql(connection.vendor)[1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    lots = [row for row in rows if row[3 + columns.pk_position] is not None]
    return FirstLots(rows=lots, columns=columns, expiry_due=bool(rows[0][0]))


# --- proof ------------------------------------------------------------------------------------------------------------


def position_differences() -> list[dict[str, Any]]:
    """Every account whose spent-lots position has a lot before it that holds points (`ledger_check`): the first
    read of its redemptions would pass that lot over. One statement over the accounts that have a position."""
    qn = connection.ops.quote_name
    entry, account = qn(LedgerEntry._meta.db_table), qn(Account._meta.db_table)
    expires, pk = f"e.{qn('expires_at')}", f"e.{qn('id')}"
    position_expires, position_id = f"a.{qn('spent_before_expires')}", f"a.{qn('spent_before_id')}"
    before = (
        f"(({position_expires} IS NULL AND ({expires} IS NOT NULL OR {pk} < {position_id}))"
        f" OR ({expires} < {position_expires}) OR ({expires} = {position_expires} AND {pk} < {position_id}))"
    )
    sql = (
        f"SELECT a.{qn('id')}, MIN(e.{qn('id')}), COUNT(*) FROM {account} a"  # noqa: S608 (names from the models)
        f" JOIN {entry} e ON e.{qn('account_id')} = a.{qn('id')} AND e.{qn('lot_id')} IS NULL"
        f" WHERE {position_id} IS NOT NULL AND {before} AND {remaining_sql('e')} >= {HALF_CENT}"
        f" GROUP BY a.{qn('id')} ORDER BY a.{qn('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [{"account": row[0], "lot": row[1], "lots": row[2]} for row in cursor.fetchall()]
