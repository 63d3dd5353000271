"""Reads of the points ledger: balances as of a moment, lots' remaining points, the ledger, settlements, checks.

Terms (see `loyalty.models.ledger`): a *root* is an entry without `lot`; a root with positive points is a *lot*, one
with negative points a *debt* (revoked points the account could not cover). A root's remaining points are its own
plus those of the entries that name it.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, prefetch_related_objects
from django.db.models.functions import Abs, Coalesce
from django.utils import timezone

from common.money import quantize
from contacts.models import Contact
from loyalty.choices import EntryKind
from loyalty.models import Account, Enrollment, LedgerEntry, MasterAccountMember, Program, Purchase, TierChange

ZERO = Decimal("0.00")
# SQLite sums decimals as floating point: compare against half a cent, never against exact zero.
HALF_CENT = Decimal("0.005")
_POINTS = DecimalField(max_digits=14, decimal_places=2)


def _moved_subquery() -> Coalesce:
    """The signed sum of the entries that name the outer entry as their lot."""
    moved = (
        LedgerEntry.objects.filter(lot=OuterRef("pk"))
        .order_by()
        .values("lot")
        .annotate(total=Sum("points"))
        .values("total")
    )
    return Coalesce(Subquery(moved, output_field=_POINTS), Value(ZERO), output_field=_POINTS)


def roots_with_remaining() -> QuerySet[LedgerEntry]:
    """Every root entry annotated with `remaining_raw` (its points plus the points of the entries naming it)."""
    return (
        LedgerEntry.objects.filter(lot__isnull=True)
        .annotate(moved=_moved_subquery())
        .annotate(remaining_raw=F("points") + F("moved"))
    )


def account_roots(*, account: Account) -> list[LedgerEntry]:
    """The account's lots and debts that still hold points, each with `remaining` (a quantized Decimal).

    Ordered as redemptions take them: earliest expiry first, never-expiring last, then earliest created.
    """
    queryset = (
        roots_with_remaining()
        .filter(account=account)
        .alias(magnitude=Abs("remaining_raw"))
        .filter(magnitude__gte=HALF_CENT)
        .order_by(F("expires_at").asc(nulls_last=True), "pk")
    )
    roots: list[LedgerEntry] = list(queryset)
    for root in roots:
        root.remaining = quantize(root.remaining_raw)  # type: ignore[attr-defined]
    return roots


def lot_remaining(*, lot: LedgerEntry) -> Decimal:
    """A lot's remaining points: its own plus the signed points of every entry that names it."""
    moved = LedgerEntry.objects.filter(lot=lot).aggregate(total=Sum("points"))["total"] or ZERO
    return quantize(lot.points + moved)


def is_pending(entry: LedgerEntry, now: datetime) -> bool:
    return entry.activation_at is not None and entry.activation_at > now


@dataclass
class ExpiryStep:
    """What a lot's expiry does: first pays off the account's debts (`settlements`), the rest expires."""

    lot: LedgerEntry
    settlements: list[tuple[LedgerEntry, Decimal]] = field(default_factory=list)
    expired: Decimal = ZERO


def expiry_plan(roots: Iterable[LedgerEntry], *, until: datetime | None = None) -> list[ExpiryStep]:
    """The expiries of the lots among `roots` (with `remaining`), in order of expiry, up to `until` (all if None).

    Rule: points owed after a revoke (debts) are paid by the next lots that expire, earliest first: a lot that was
    active when it expired first settles the debts (oldest first), and only the rest of it expires. So the points
    that covered a debt never bring it back by expiring. The expiry job and the read-time balance both use this
    plan, so the balance shown before the job runs is the balance after it.
    """
    roots = list(roots)
    debts = [[root, -root.remaining] for root in sorted(roots, key=lambda r: r.pk) if root.remaining < 0]  # type: ignore[attr-defined]
    lots = [
        root
        for root in roots
        if root.remaining > 0  # type: ignore[attr-defined]
        and root.expires_at is not None
        and (until is None or root.expires_at <= until)
    ]
    lots.sort(key=lambda lot: (lot.expires_at, lot.pk))
    steps = []
    for lot in lots:
        left: Decimal = lot.remaining  # type: ignore[attr-defined]
        step = ExpiryStep(lot=lot)
        active_at_expiry = lot.activation_at is None or lot.activation_at <= lot.expires_at  # type: ignore[operator]
        if active_at_expiry:
            for debt in debts:
                if left <= 0:
                    break
                if debt[1] <= 0:
                    continue
                paid = min(left, debt[1])
                debt[1] -= paid
                left -= paid
                step.settlements.append((debt[0], paid))
        step.expired = left
        steps.append(step)
    return steps


def balance_from_roots(roots: list[LedgerEntry], *, now: datetime, with_expiring: bool = True) -> dict[str, Any]:
    """Active, pending and the coming expiries as of `now`, from the account's roots (see `balance`).

    Without `with_expiring` the answer has no `expiring` and only the expiries due by `now` are planned: the plan
    runs in order of expiry, so its steps up to `now` are the same either way.
    """
    active = pending = ZERO
    for root in roots:
        if is_pending(root, now):
            pending += root.remaining  # type: ignore[attr-defined]
        else:
            active += root.remaining  # type: ignore[attr-defined]
    expiring: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for step in expiry_plan(roots, until=None if with_expiring else now):
        lot = step.lot
        assert lot.expires_at is not None
        if lot.expires_at <= now:
            # Settlements move points between two active roots; only the expired rest leaves the balance.
            if is_pending(lot, now):
                pending -= step.expired
            else:
                active -= step.expired
        elif step.expired > 0:
            expiring[timezone.localdate(lot.expires_at)] += step.expired
    if not with_expiring:
        return {"active": quantize(active), "pending": quantize(pending)}
    return {
        "active": quantize(active),
        "pending": quantize(pending),
        "expiring": [{"date": day, "points": quantize(points)} for day, points in sorted(expiring.items())],
    }


def balance(*, account: Account | None, now: datetime | None = None) -> dict[str, Any]:
    """The balance as of `now` computed from the entries: `{"active", "pending", "expiring": [{"date", "points"}]}`.

    Pending = entries whose activation is after `now`. Expiry is applied at read time: a lot whose `expires_at`
    is not after `now` counts as expired even before the periodic job has written its expiry entry.
    `expiring` lists the points that will expire, per local date, earliest first. No account = all zero.
    """
    if account is None or account.pk is None:
        return {"active": ZERO, "pending": ZERO, "expiring": []}
    return balance_from_roots(account_roots(account=account), now=now or timezone.now())


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
    return (
        f"SELECT a.{qn('active')}, a.{qn('pending')}, EXISTS ("  # noqa: S608 (names from the models, values bound)
        f" SELECT 1 FROM {entry} e WHERE e.{qn('account_id')} = a.{qn('id')} AND ("
        f"  (e.{qn('activation_at')} > a.{qn('balance_at')} AND e.{qn('activation_at')} <= %s)"
        f"  OR (e.{qn('activation_at')} > %s AND e.{qn('activation_at')} <= a.{qn('balance_at')})"
        f"  OR ({_expired_lot_sql()})))"
        f" FROM {account} a WHERE a.{qn('id')} = %s"
    )


def _expired_lot_sql() -> str:
    """SQL condition on an entry `e`: a lot (a root) that still holds points and whose `expires_at` is not after the
    parameter. "Holds points" as `account_roots` reads it: its points plus its movements' at least half a cent."""
    qn = connection.ops.quote_name
    entry = qn(LedgerEntry._meta.db_table)
    return (
        f"e.{qn('lot_id')} IS NULL AND e.{qn('expires_at')} <= %s AND e.{qn('points')} + COALESCE("  # noqa: S608
        f"(SELECT SUM(m.{qn('points')}) FROM {entry} m WHERE m.{qn('lot_id')} = e.{qn('id')}), 0) >= {HALF_CENT}"
    )


@cache
def _expiry_due_sql(vendor: str) -> str:
    qn = connection.ops.quote_name
    entry = qn(LedgerEntry._meta.db_table)
    return f"SELECT EXISTS (SELECT 1 FROM {entry} e WHERE e.{qn('account_id')} = %s AND {_expired_lot_sql()})"  # noqa: S608


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


def account_find(*, program: Program, contact: Contact) -> Account | None:
    """The account whose balance the contact sees in the program (the pool, for a master account's member).

    A read: it creates nothing (see `loyalty.services.ledger.account_for` for the write side).
    """
    membership = MasterAccountMember.objects.filter(contact=contact, program=program).first()
    if membership is not None:
        return Account.objects.filter(master_account_id=membership.master_account_id).first()
    return Account.objects.filter(program=program, contact=contact).first()


def ledger(*, account: Account | None, filters: Mapping[str, Any] | None = None) -> QuerySet[LedgerEntry]:
    """The account's entries, latest first. Filters: `kind` (one or a list), `from` (at ≥), `to` (at <)."""
    if account is None or account.pk is None:
        return LedgerEntry.objects.none()
    queryset = LedgerEntry.objects.filter(account=account)
    filters = filters or {}
    kind = filters.get("kind")
    if kind:
        queryset = queryset.filter(kind__in=[kind] if isinstance(kind, str) else list(kind))
    if filters.get("from") is not None:
        queryset = queryset.filter(at__gte=filters["from"])
    if filters.get("to") is not None:
        queryset = queryset.filter(at__lt=filters["to"])
    return queryset.order_by("-at", "-pk")


def settlements(
    *, program: Program, start: datetime | None = None, end: datetime | None = None
) -> list[dict[str, Any]]:
    """What partners owe each other for points earned at one and redeemed at another, netted per pair.

    Every redemption in [start, end) that took from a lot earned at another partner makes the earning partner owe
    the redeeming partner the points × `point_value`; a return (a refund giving redeemed points back) in the
    window reverses its share. Lots without a partner (manual adjustments) and redemptions without one settle
    nothing. Answer: `[{"debtor", "creditor", "amount"}]`, sorted, amounts above zero.
    """
    queryset = LedgerEntry.objects.filter(
        account__program=program,
        kind__in=[EntryKind.REDEMPTION, EntryKind.RETURN],
        partner__isnull=False,
        lot__partner__isnull=False,
    ).exclude(partner=F("lot__partner"))
    if start is not None:
        queryset = queryset.filter(at__gte=start)
    if end is not None:
        queryset = queryset.filter(at__lt=end)
    rows = queryset.values("lot__partner", "partner").annotate(points=Sum("points")).order_by()
    owed: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        earner, redeemer = row["lot__partner"], row["partner"]
        # Redemptions are negative entries: the earner owes their absolute value.
        owed[(earner, redeemer)] -= quantize(row["points"] or ZERO)
    result = []
    pairs = {tuple(sorted(pair)) for pair in owed}
    for low, high in sorted(pairs):
        net = owed.get((low, high), ZERO) - owed.get((high, low), ZERO)
        if net == 0:
            continue
        debtor, creditor = (low, high) if net > 0 else (high, low)
        result.append({"debtor": debtor, "creditor": creditor, "amount": quantize(abs(net) * program.point_value)})
    result.sort(key=lambda row: (row["debtor"], row["creditor"]))
    return result


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


@dataclass
class ProgramPoints:
    """What a contact has in one program, for the staff's view of the contact (`contact_points`)."""

    program: Program
    enrollment: Enrollment | None
    account: Account | None
    balance: dict[str, Any]
    expiring_soon: Decimal
    lots: list[LedgerEntry]  # lots still holding points and debts, in the order redemptions take them
    lots_total: int
    entries: list[LedgerEntry]  # the latest first
    purchases: list[Purchase]  # the contact's own, the latest first
    tier_changes: list[TierChange]


def contact_points(
    *,
    contact: Contact,
    programs: QuerySet[Program] | None = None,
    now: datetime | None = None,
    limit: int = 50,
    soon_days: int = 30,
) -> list[ProgramPoints]:
    """Per program the contact is in (of `programs`, all if None): the balance as of `now` with the points
    expiring within `soon_days`, the lots, the latest `limit` entries and purchases, the tier history.

    A member of a master account sees the pool's balance, lots and entries. A bounded number of queries per
    program, whatever the history's length (the lots are an account's roots still holding points).
    """
    now = now or timezone.now()
    queryset = programs if programs is not None else Program.objects.all()
    enrollments = {
        enrollment.program_id: enrollment
        for enrollment in Enrollment.objects.filter(contact=contact).select_related("tier")
    }
    own_accounts = set(Account.objects.filter(contact=contact).values_list("program_id", flat=True))
    result = []
    for program in queryset.filter(pk__in=set(enrollments) | own_accounts).order_by("pk"):
        account = account_find(program=program, contact=contact)
        roots = account_roots(account=account) if account is not None else []
        prefetch_related_objects(roots[:limit], "partner")
        current = balance_from_roots(roots, now=now) if account is not None else balance(account=None)
        horizon = timezone.localdate(now) + timedelta(days=soon_days)
        soon = sum((item["points"] for item in current["expiring"] if item["date"] <= horizon), ZERO)
        enrollment = enrollments.get(program.pk)
        entries = list(ledger(account=account).select_related("partner")[:limit])
        purchases = list(
            Purchase.objects.filter(contact=contact, program=program)
            .select_related("store", "register")
            .order_by("-at", "-pk")[:limit]
        )
        changes = (
            list(TierChange.objects.filter(enrollment=enrollment).select_related("from_tier", "to_tier")[:limit])
            if enrollment is not None
            else []
        )
        result.append(
            ProgramPoints(
                program=program,
                enrollment=enrollment,
                account=account,
                balance=current,
                expiring_soon=quantize(soon),
                lots=roots[:limit],
                lots_total=len(roots),
                entries=entries,
                purchases=purchases,
                tier_changes=changes,
            )
        )
    return result
