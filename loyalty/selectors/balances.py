"""Balances as of a moment, computed from the entries: the roots and their remaining points, the expiry plan.

Terms (see `loyalty.models.ledger`): a *root* is an entry without `lot`; a root with positive points is a *lot*, one
with negative points a *debt* (revoked points the account could not cover). A root's remaining points are its own
plus those of the entries that name it."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Abs, Coalesce
from django.utils import timezone

from common.models import MoneyField
from common.money import ZERO, quantize
from loyalty.models import Account, LedgerEntry

# SQLite sums decimals as floating point: compare against half a cent, never against exact zero.
HALF_CENT = Decimal("0.005")
_POINTS = MoneyField()


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


def _holding(roots: QuerySet[LedgerEntry]) -> list[LedgerEntry]:
    """The roots that still hold points, each with `remaining` (a quantized Decimal), in the order redemptions take
    them: earliest expiry first, never-expiring last, then earliest created."""
    queryset = (
        roots.alias(magnitude=Abs("remaining_raw"))
        .filter(magnitude__gte=HALF_CENT)
        .order_by(F("expires_at").asc(nulls_last=True), "pk")
    )
    holding: list[LedgerEntry] = list(queryset)
    for root in holding:
        root.remaining = quantize(root.remaining_raw)  # type: ignore[attr-defined]
    return holding


def account_roots(*, account: Account) -> list[LedgerEntry]:
    """The account's lots and debts that still hold points, each with `remaining` (a quantized Decimal).

    Ordered as redemptions take them: earliest expiry first, never-expiring last, then earliest created.
    """
    return _holding(roots_with_remaining().filter(account=account))


def accounts_roots(*, accounts: QuerySet[Any]) -> dict[int, list[LedgerEntry]]:
    """`account_roots` of several accounts at once (`accounts`: a query of their ids), in one query."""
    roots: dict[int, list[LedgerEntry]] = defaultdict(list)
    for root in _holding(roots_with_remaining().filter(account_id__in=accounts)):
        roots[root.account_id].append(root)
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
