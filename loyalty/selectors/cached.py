"""The cached balance: read when it is current (one query on the POS path), recomputed and checked against the
entries."""

from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import F, Q, Sum
from django.utils import timezone

from common.money import ZERO, quantize
from loyalty.models import Account, LedgerEntry
from loyalty.selectors.balances import (
    HALF_CENT,
    account_roots,
    balance_from_roots,
    roots_with_remaining,
)


@cache
def _cached_pair_sql(vendor: str) -> str:
    """The SQL of `_cached_pair` (names from the models' meta): the account's cached pair and whether it is stale.

    The cache holds the sums of all entries, each in the bucket of its own `activation_at` as of `balance_at`
    (`loyalty.models.ledger.Account`). The read-time balance (`balance`) sums the roots' remaining points by
    bucket as of `now`, and an entry naming a lot carries the lot's `activation_at`, so both sums agree unless
    - an entry activates between `balance_at` and `now`, either way round (a concurrent write may have moved
      `balance_at` past this request's `now`), or
    - a lot still holding points has expired by `now` (the read applies expiry the ledger has not written yet).
      "Still holding" is read from the entries (the lot's remaining), not inferred from `balance_at`: the
      activation job moves `balance_at` without writing expiries, so a lot expired before it may hold points.
    Plain SQL because this runs on every receipt and the ORM's compilation of it costs more than the query; the
    text holds only the models' names (quoted) and HALF_CENT (a literal: SQLite would compare a
    bound decimal as text), every other value is a parameter. One text per database `vendor`.
    """
    qn = connection.ops.quote_name
    account, entry = qn(Account._meta.db_table), qn(LedgerEntry._meta.db_table)
    activating = (
        f"(SELECT e.{qn('activation_at')} FROM {entry} e WHERE e.{qn('account_id')} = a.{qn('id')}"  # noqa: S608
        f" AND e.{qn('activation_at')} > {{low}} AND e.{qn('activation_at')} <= {{high}}"
        f" ORDER BY e.{qn('account_id')}, e.{qn('activation_at')} LIMIT 1) IS NOT NULL"
    )
    # Three tests, not one EXISTS of three ORed conditions, which read every entry of the account and summed the
    # movements of most of its lots (9 ms at 8,000 lots, on every receipt of that account): each is a range of one of
    # the account's indexes. The two activation tests are ordered as the activation index is, so that the planner
    # reads that range even when its statistics know the account as small (an account growing by a lot a receipt).
    # On PostgreSQL the expiry test's moment is a scalar subquery, whose value no plan can look at: the plan made for
    # the values (a custom plan) then costs what the plan for any values (the generic one) costs, and PostgreSQL keeps
    # the prepared statement's generic plan instead of planning it again on every calculate (0.3 ms of its 0.4).
    moment = "(SELECT %s::timestamptz)" if vendor == "postgresql" else "%s"
    return (
        f"SELECT a.{qn('active')}, a.{qn('pending')},"  # noqa: S608 (names from the models, values bound)
        f" {activating.format(low='a.' + qn('balance_at'), high='%s')}"
        f" OR {activating.format(low='%s', high='a.' + qn('balance_at'))}"
        f" OR {expired_lot_test('a.' + qn('id'), moment)}"
        f" FROM {account} a WHERE a.{qn('id')} = %s"
    )


def remaining_sql(alias: str) -> str:
    """SQL value: the points the root `alias` (an entry without lot) still holds, as `account_roots` reads them: its
    own points plus those of the entries that name it."""
    qn = connection.ops.quote_name
    entry = qn(LedgerEntry._meta.db_table)
    return (
        f"{alias}.{qn('points')} + COALESCE((SELECT SUM(m.{qn('points')}) FROM {entry} m"  # noqa: S608 (names)
        f" WHERE m.{qn('lot_id')} = {alias}.{qn('id')}), 0)"
    )


def expired_lot_sql(moment: str = "%s") -> str:
    """SQL condition on an entry `e`: a lot (a root) that still holds points and whose `expires_at` is not after
    `moment` (a parameter's placeholder). "Holds points": its remaining points at least half a cent."""
    qn = connection.ops.quote_name
    return f"e.{qn('lot_id')} IS NULL AND e.{qn('expires_at')} <= {moment} AND {remaining_sql('e')} >= {HALF_CENT}"


def expired_lot_test(account: str, moment: str = "%s") -> str:
    """SQL test: the account `account` (a column or a placeholder) has a lot as `expired_lot_sql` finds them. Read
    in the order of the account's expiry index, so that the planner reads that index's range even when its
    statistics are older than the account's lots: a plain EXISTS gives it no reason to prefer that index over
    another one of the account's, and with statistics taken when every lot's expiry was empty (a program without
    expiry, then a campaign whose points expire) it read every entry of the account, on every receipt."""
    qn = connection.ops.quote_name
    entry = qn(LedgerEntry._meta.db_table)
    return (
        f"(SELECT e.{qn('expires_at')} FROM {entry} e WHERE e.{qn('account_id')} = {account}"  # noqa: S608
        f" AND {expired_lot_sql(moment)} ORDER BY e.{qn('account_id')}, e.{qn('expires_at')} LIMIT 1) IS NOT NULL"
    )


@cache
def _expiry_due_sql(vendor: str) -> str:
    return f"SELECT {expired_lot_test('%s')}"


def expiry_due(*, account: Account, now: datetime) -> bool:
    """Whether a lot of the account that still holds points has expired by `now`: whether
    `expiry_plan(account_roots(account=account), until=now)` has any step. One query."""
    with connection.cursor() as cursor:
        cursor.execute(_expiry_due_sql(connection.vendor), [account.pk, connection.ops.adapt_datetimefield_value(now)])
        row = cursor.fetchone()
    return bool(row[0])


def _cached_pair(account: Account, now: datetime) -> tuple[Decimal, Decimal] | None:
    """The account's cached (active, pending) if they are its balance as of `now`, else None.

    One query: the row and the staleness test are read in one statement, hence from one snapshot of the database
    (a write committed between two queries could otherwise pair an old cache with newer entries).
    """
    moment = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(_cached_pair_sql(connection.vendor), [moment, moment, moment, account.pk])
        row = cursor.fetchone()
    if row is None or row[2]:
        return None
    # SQLite answers numbers (floats), PostgreSQL decimals; both hold two places.
    return quantize(Decimal(str(row[0]))), quantize(Decimal(str(row[1])))


def cache_is_current(*, account: Account, now: datetime) -> bool:
    """Whether the account's cached pair, as stored now, is its balance as of `now` (see `_cached_pair_sql`)."""
    return _cached_pair(account, now) is not None


def balance_quick(*, account: Account | None, now: datetime | None = None) -> dict[str, Any]:
    """`balance` without `expiring`: `{"active", "pending"}` as of `now`, read from the account's cached pair
    when it is current (one query), else computed from the entries."""
    if account is None or account.pk is None:
        return {"active": ZERO, "pending": ZERO}
    now = now or timezone.now()
    cached = _cached_pair(account, now)
    if cached is not None:
        return {"active": cached[0], "pending": cached[1]}
    return balance_from_roots(account_roots(account=account), now=now, with_expiring=False)


def _active_as_of_balance_at() -> Q:
    return Q(activation_at__isnull=True) | Q(activation_at__lte=F("account__balance_at"))


def recompute_cached(*, account: Account) -> tuple[Decimal, Decimal]:
    """The account's (active, pending) derived from its entries as of its `balance_at`, as the cache should hold."""
    sums = LedgerEntry.objects.filter(account=account).aggregate(
        active=Sum("points", filter=_active_as_of_balance_at()),
        pending=Sum("points", filter=~_active_as_of_balance_at()),
    )
    return quantize(sums["active"] or ZERO), quantize(sums["pending"] or ZERO)


def ledger_differences() -> list[dict[str, Any]]:
    """Every disagreement between the cached balances and the entries, and every lot taken below zero.

    `[{"account", "problem", "cached", "derived"}]`; empty when the ledger is sound.
    """
    derived = {
        row["account"]: (quantize(row["active"] or ZERO), quantize(row["pending"] or ZERO))
        for row in LedgerEntry.objects.values("account")
        .annotate(
            active=Sum("points", filter=_active_as_of_balance_at()),
            pending=Sum("points", filter=~_active_as_of_balance_at()),
        )
        .order_by()
    }
    problems: list[dict[str, Any]] = []
    for pk, active, pending in Account.objects.order_by("pk").values_list("pk", "active", "pending").iterator():
        cached = (quantize(active), quantize(pending))
        expected = derived.get(pk, (ZERO, ZERO))
        if cached != expected:
            problems.append({"account": pk, "problem": "balance", "cached": cached, "derived": expected})
    overdrawn = (
        roots_with_remaining()
        .filter(Q(points__gt=0, remaining_raw__lte=-HALF_CENT) | Q(points__lt=0, remaining_raw__gte=HALF_CENT))
        .order_by("account_id", "pk")
    )
    for root in overdrawn:
        account_id, pk, points, remaining = root.account_id, root.pk, root.points, root.remaining_raw  # type: ignore[attr-defined]
        problems.append(
            {
                "account": account_id,
                "problem": f"entry {pk} overdrawn",
                "cached": quantize(points),
                "derived": quantize(remaining),
            }
        )
    return problems
