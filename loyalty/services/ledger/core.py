"""What every ledger write does: lock the accounts, bring them up to date (activation and expiry), take points from
lots, write entries and the cached balance."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput
from common.money import ZERO, quantize
from common.rawrows import fields_update
from common.rowsinsert import instances_insert
from loyalty.choices import EntryKind
from loyalty.lock_objects import account_qs_select_for_update
from loyalty.models import Account, LedgerEntry
from loyalty.selectors import (
    account_roots,
    expiry_due,
    expiry_plan,
    is_pending,
)
from loyalty.selectors.fifo import first_lots, takeable_lots

LOT_KINDS = (EntryKind.ACCRUAL, EntryKind.REWARD, EntryKind.ADJUSTMENT)
BATCH_SIZE = 200


# --- helpers -----------------------------------------------------------------------------------------------------


def _positive_points(value: Decimal | int | str, *, name: str = "points") -> Decimal:
    try:
        points = quantize(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InvalidInput(_("A number is expected."), fields={name: [_("A number is expected.")]}) from exc
    if points <= 0:
        raise InvalidInput(_("Points must be above zero."), fields={name: [_("Points must be above zero.")]})
    return points


def _insufficient(available: Decimal) -> Conflict:
    return Conflict(
        _("Not enough active points: %(available)s available.") % {"available": quantize(max(available, ZERO))},
        code="insufficient_points",
    )


def _lock(*accounts: Account) -> list[Account]:
    """The accounts' rows, locked in pk order; returned in the order asked."""
    locked = {account.pk: account for account in account_qs_select_for_update().filter(pk__in=[a.pk for a in accounts])}
    return [locked[account.pk] for account in accounts]


def _copy_cache(locked: Account, original: Account) -> None:
    """Give the caller's instance the new cached balance."""
    if original is not locked:
        original.active, original.pending, original.balance_at = locked.active, locked.pending, locked.balance_at


def _save(account: Account) -> None:
    fields_update(account, _SAVED)  # the ORM's save, written by hand


_SAVED = ("active", "pending", "balance_at", "spent_before_expires", "spent_before_id", "updated_at")


def _before(expires_at: datetime | None, pk: int, account: Account) -> bool:
    """Whether a lot's place in redemption order (earliest expiry first, never-expiring last, then the earliest
    created) comes before the account's spent-lots position."""
    position_expires, position_id = account.spent_before_expires, account.spent_before_id
    assert position_id is not None
    if expires_at is None:  # never expiring: before a position among the never-expiring lots with a later id only
        return position_expires is None and pk < position_id
    if position_expires is None:  # a dated lot comes before every never-expiring one
        return True
    return (expires_at, pk) < (position_expires, position_id)


def _spent_before(account: Account, lot: LedgerEntry | None) -> None:
    """Move the account's spent-lots position to `lot`, the first lot holding points from it (None: leave it)."""
    if lot is not None:
        account.spent_before_expires, account.spent_before_id = lot.expires_at, lot.pk


def _keep_position(account: Account, entries: Sequence[LedgerEntry]) -> None:
    """Written entries that give a lot points before the account's spent-lots position move it back: a new lot
    before it (one that expires earlier than the lots still held), to that lot; points returned to a lot (a
    reversal, a debt paid), to the first lot (they are rare)."""
    for entry in entries:
        if account.spent_before_id is None:
            return
        if entry.points <= 0:
            continue
        if entry.lot_id is not None:
            account.spent_before_expires = account.spent_before_id = None
        elif _before(entry.expires_at, entry.pk, account):
            _spent_before(account, entry)


def _write(account: Account, entries: Sequence[LedgerEntry]) -> list[LedgerEntry]:
    """Insert the entries and add them to the cached balance, each in the bucket of its own `activation_at`."""
    entries = [entry for entry in entries if entry.points != 0]
    for entry in entries:
        entry.account_id = account.pk  # the id alone: a receipt writes about 20, and no caller reads `entry.account`
        if entry.activation_at is None or entry.activation_at <= account.balance_at:
            account.active += entry.points
        else:
            account.pending += entry.points
    instances_insert(entries)  # one statement, no per-field preparation (a receipt writes about 20)
    _keep_position(account, entries)
    return list(entries)


@cache
def _activating_sql(vendor: str) -> str:
    qn = connection.ops.quote_name
    # Read in the order of the account's activation index (a subquery keeps its order): with statistics older than
    # the account's lots, the planner's plan for any values read every entry of the account through another index.
    return (
        f"SELECT SUM(s.{qn('points')}) FROM (SELECT {qn('points')} FROM {qn(LedgerEntry._meta.db_table)}"  # noqa: S608
        f" WHERE {qn('account_id')} = %s AND {qn('activation_at')} > %s AND {qn('activation_at')} <= %s"
        f" ORDER BY {qn('account_id')}, {qn('activation_at')}) s"
    )


def _activate(account: Account, now: datetime) -> bool:
    """Move to the cached active points the entries whose activation lies in (balance_at, now]."""
    if now <= account.balance_at:
        return False
    ops = connection.ops
    with connection.cursor() as cursor:  # every receipt of a customer makes it: written once, not compiled each time
        cursor.execute(
            _activating_sql(connection.vendor),
            [account.pk, ops.adapt_datetimefield_value(account.balance_at), ops.adapt_datetimefield_value(now)],
        )
        total = cursor.fetchone()[0]
    moved = quantize(Decimal(str(total)) if total is not None else ZERO)
    account.active += moved
    account.pending -= moved
    account.balance_at = now
    return True


def _expire(account: Account, roots: list[LedgerEntry], now: datetime) -> list[LedgerEntry]:
    """Write the expiries due by `now` (paying debts first); `roots` are updated to what remains."""
    entries: list[LedgerEntry] = []
    for step in expiry_plan(roots, until=now):
        lot = step.lot
        expired_at = lot.expires_at
        assert expired_at is not None
        for debt, paid in step.settlements:
            reason = _("Pays revoked points owed (entry %(debt)s) from an expiring lot.") % {"debt": debt.pk}
            entries.append(
                LedgerEntry(
                    kind=EntryKind.REVOKE,
                    points=-paid,
                    lot=lot,
                    activation_at=lot.activation_at,
                    at=expired_at,
                    reason=reason,
                )
            )
            entries.append(
                LedgerEntry(
                    kind=EntryKind.REVOKE,
                    points=paid,
                    lot=debt,
                    activation_at=debt.activation_at,
                    at=expired_at,
                    reason=reason,
                )
            )
            debt.remaining += paid  # type: ignore[attr-defined]
            lot.remaining -= paid  # type: ignore[attr-defined]
        if step.expired > 0:
            entries.append(
                LedgerEntry(
                    kind=EntryKind.EXPIRY,
                    points=-step.expired,
                    lot=lot,
                    activation_at=lot.activation_at,
                    at=expired_at,
                )
            )
            lot.remaining -= step.expired  # type: ignore[attr-defined]
    _write(account, entries)
    roots[:] = [root for root in roots if root.remaining != 0]  # type: ignore[attr-defined]
    return entries


def _sync(account: Account, now: datetime, *, roots_needed: bool = True) -> list[LedgerEntry]:
    """Bring a locked account up to `now`: activation moved in the cache, due expiries written. Returns its roots
    (without `roots_needed`, only when some expiry was due: else an empty list, and the roots are not read)."""
    _activate(account, now)
    if not roots_needed and not expiry_due(account=account, now=now):
        return []
    roots = account_roots(account=account)
    _expire(account, roots, now)
    return roots


def _synced_takes(account: Account, now: datetime, *, points: Decimal, at: datetime, make: Any) -> list[LedgerEntry]:
    """Bring a locked account up to `now` and build the entries (not yet written) taking `points` from its active
    lots, as `_sync` then `_active_takes` would: refused with `insufficient_points` when short. The usual case, no
    expiry due, reads only the lots the redemption reaches (`takeable_lots`, one statement however many lots the
    account holds); when an expiry is due, every root is read and the expiries written first."""
    _activate(account, now)
    horizon = max(at, now)
    first = first_lots(account=account, now=now, horizon=horizon)
    _spent_before(account, first.start())  # before any write of this call: a write's move back comes after it
    # The cache is the active total as of now (activated up to now, no expiry due): when the first lots reach the
    # points, what the full read would take is taken from them (`loyalty.selectors.fifo`).
    vouched = not first.expiry_due and account.balance_at <= now and ZERO < points <= account.active
    if vouched and first.total >= points:
        takes = _take(first.lots(), points, make)
        _spent_before(account, first.start())  # past the lots this redemption emptied
        return takes
    found = takeable_lots(account_id=account.pk, points=points, now=now, horizon=horizon)
    if found.expiry_due:
        roots = account_roots(account=account)
        _expire(account, roots, now)
        return _active_takes(roots=roots, points=points, at=at, now=now, make=make)
    if points > found.available:
        raise _insufficient(found.available)
    return _take(found.lots, points, make)


def _take(lots: Iterable[LedgerEntry], amount: Decimal, make: Any) -> list[LedgerEntry]:
    """Entries taking `amount` from the lots in order: `make(lot, points)` builds each (points negative)."""
    entries = []
    left = amount
    for lot in lots:
        if left <= 0:
            break
        taken = min(left, lot.remaining)  # type: ignore[attr-defined]
        if taken <= 0:
            continue
        entries.append(make(lot, -taken))
        lot.remaining -= taken  # type: ignore[attr-defined]
        left -= taken
    return entries


def _active_points(roots: Iterable[LedgerEntry], now: datetime) -> Decimal:
    """The active balance as of now of a synced account (its due expiries written): lots and debts."""
    return sum((root.remaining for root in roots if not is_pending(root, now)), ZERO)  # type: ignore[attr-defined]


def _take_active(
    *, account: Account, roots: list[LedgerEntry], points: Decimal, at: datetime, now: datetime, make: Any
) -> list[LedgerEntry]:
    """Take `points` from the active lots, earliest expiry first, never below zero (else `insufficient_points`)."""
    return _write(account, _active_takes(roots=roots, points=points, at=at, now=now, make=make))


def _active_takes(
    *, roots: list[LedgerEntry], points: Decimal, at: datetime, now: datetime, make: Any
) -> list[LedgerEntry]:
    """The entries (not yet written) taking `points` from the active lots, as `_take_active`."""
    horizon = max(at, now)
    lots = [
        root
        for root in roots
        if root.remaining > 0  # type: ignore[attr-defined]
        and not is_pending(root, now)
        and (root.expires_at is None or root.expires_at > horizon)
    ]
    available = min(_active_points(roots, now), sum((lot.remaining for lot in lots), ZERO))  # type: ignore[attr-defined]
    if points > available:
        raise _insufficient(available)
    return _take(lots, points, make)


def _move_all(
    source: Account, target: Account, roots: list[LedgerEntry], at: datetime
) -> tuple[list[LedgerEntry], list[LedgerEntry]]:
    """Move every root (lot or debt) of a locked, synced `source` into a locked, synced `target`."""
    outgoing, incoming = [], []
    for root in roots:
        remaining = root.remaining  # type: ignore[attr-defined]
        outgoing.append(
            LedgerEntry(
                kind=EntryKind.TRANSFER,
                points=-remaining,
                lot=root,
                activation_at=root.activation_at,
                at=at,
                reason=_("Moved to account %(id)s.") % {"id": target.pk},
            )
        )
        incoming.append(
            LedgerEntry(
                kind=EntryKind.TRANSFER,
                points=remaining,
                activation_at=root.activation_at,
                expires_at=root.expires_at,
                at=at,
                source=root,
                partner_id=root.partner_id,
                purchase_id=root.purchase_id,
                campaign_id=root.campaign_id,
                reason=_("Moved from account %(id)s.") % {"id": source.pk},
            )
        )
    return _write(source, outgoing), _write(target, incoming)
