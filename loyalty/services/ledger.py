"""The points ledger's writes: accrue, redeem, revoke, return, adjust, expire, activate, transfer.

Every function is one transaction. It locks the account rows first (by pk, `loyalty.lock_objects`), then brings the
account up to date as of now (`_sync`: the cached pending points whose activation has passed move to active, and the
lots that have expired get their expiry entries), then writes its entries and the new cached balance. Because each
write first expires what is due, what a write does never depends on whether the periodic job has run yet.

Rules picked here (see also `loyalty.selectors.expiry_plan`):
- Redemptions take from lots active now and not expired at `max(at, now)`, earliest expiry first, never-expiring
  last, then earliest created; they never take the active balance (as of now, expiry applied) below zero.
- Revokes take from the purchase's lots (or the lots given), pending first, then active (from the pool if the
  contact has joined a master account since); what those lots no longer hold becomes a debt (a revoke entry
  without lot): the balance may go below zero. Debts are paid by the next lots that expire (they settle the debt
  instead of expiring), so covering a debt never comes undone.
- Returns give redeemed points back to the lots they came from (following a lot that was moved into a master
  account) with the lot's own activation and expiry; points returned to a lot that has meanwhile expired expire at
  once (an expiry entry right after the return). Points returned to the own account of a contact who has since
  joined a master account move on into the pool.
- A contact joining a master account moves all its lots and debts into the pool; leaving one, the points stay in
  the pool (they were pooled; the contact's own account starts again from what it earns next).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput
from common.money import distribute, quantize
from contacts.models import Contact
from loyalty.choices import EntryKind
from loyalty.lock_objects import account_qs_select_for_update
from loyalty.models import Account, LedgerEntry, MasterAccount, MasterAccountMember, Partner, Program
from loyalty.selectors import (
    HALF_CENT,
    ZERO,
    account_roots,
    expiry_due,
    expiry_plan,
    is_pending,
    roots_with_remaining,
)

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
    account.save(update_fields=["active", "pending", "balance_at", "updated_at"])


def _write(account: Account, entries: Sequence[LedgerEntry]) -> list[LedgerEntry]:
    """Insert the entries and add them to the cached balance, each in the bucket of its own `activation_at`."""
    entries = [entry for entry in entries if entry.points != 0]
    for entry in entries:
        entry.account = account
        if entry.activation_at is None or entry.activation_at <= account.balance_at:
            account.active += entry.points
        else:
            account.pending += entry.points
    LedgerEntry.objects.bulk_create(entries)
    return list(entries)


def _activate(account: Account, now: datetime) -> bool:
    """Move to the cached active points the entries whose activation lies in (balance_at, now]."""
    if now <= account.balance_at:
        return False
    moved = (
        LedgerEntry.objects.filter(
            account=account, activation_at__gt=account.balance_at, activation_at__lte=now
        ).aggregate(total=Sum("points"))["total"]
        or ZERO
    )
    moved = quantize(moved)
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
    return _write(account, _take(lots, points, make))


# --- accounts ----------------------------------------------------------------------------------------------------


@transaction.atomic
def account_for(*, program: Program, contact: Contact) -> Account:
    """The account the contact's points go to in the program: its master account's pool if it is a member of one
    in that program, else its own; made if missing (safe under concurrency: get_or_create on a unique constraint).
    """
    membership = (
        MasterAccountMember.objects.filter(contact=contact, program=program).select_related("master_account").first()
    )
    if membership is not None:
        return master_account_points_account(master_account=membership.master_account)
    account, _created = Account.objects.get_or_create(
        program=program, contact=contact, defaults={"balance_at": timezone.now()}
    )
    return account


@transaction.atomic
def master_account_points_account(*, master_account: MasterAccount) -> Account:
    """The pool of a master account, made if missing."""
    account, _created = Account.objects.get_or_create(
        master_account=master_account,
        defaults={"program_id": master_account.program_id, "balance_at": timezone.now()},
    )
    if account.program_id != master_account.program_id:
        raise Conflict(
            _("The master account's points are kept in another program."), code="master_account_program_changed"
        )
    return account


# --- writes ------------------------------------------------------------------------------------------------------


@transaction.atomic
def accrue(
    *,
    account: Account,
    points: Decimal | int | str,
    at: datetime,
    activation_days: int = 0,
    expires_in_days: int | None = None,
    partner: Partner | None = None,
    purchase_id: int | None = None,
    campaign_id: int | None = None,
    kind: str = EntryKind.ACCRUAL,
    reason: str = "",
    user: Any = None,
) -> LedgerEntry:
    """A new lot of `points`: pending for `activation_days`, expiring after `expires_in_days` (None = never), both
    counted from `at` (the receipt's time). A lot whose expiry is already past (a late offline receipt) expires
    at once. `partner` is the partner owning the store where the points were earned.
    """
    [lot] = accrue_lots(
        account=account,
        lots=[
            LotSpec(
                points=points,
                activation_days=activation_days,
                expires_in_days=expires_in_days,
                campaign_id=campaign_id,
                kind=kind,
                reason=reason,
            )
        ],
        at=at,
        partner=partner,
        purchase_id=purchase_id,
        user=user,
    )
    return lot


@dataclass(frozen=True)
class LotSpec:
    """One lot to accrue: its points and lifetime (see `accrue`)."""

    points: Decimal | int | str
    activation_days: int = 0
    expires_in_days: int | None = None
    campaign_id: int | None = None
    kind: str = EntryKind.ACCRUAL
    reason: str = ""


@transaction.atomic
def accrue_lots(
    *,
    account: Account,
    lots: Sequence[LotSpec],
    at: datetime,
    partner: Partner | None = None,
    purchase_id: int | None = None,
    user: Any = None,
) -> list[LedgerEntry]:
    """Several lots in one write (a receipt's base accrual and each campaign's points): one lock, one sync, one
    insert, one save. Each lot as `accrue` describes it."""
    entries = []
    for spec in lots:
        points = _positive_points(spec.points)
        if spec.kind not in LOT_KINDS:
            raise InvalidInput(_("Lots are accruals, rewards or adjustments."), fields={"kind": [_("Not a lot kind.")]})
        if spec.activation_days < 0 or (spec.expires_in_days is not None and spec.expires_in_days < 0):
            raise InvalidInput(_("Days cannot be negative."))
        entries.append(
            LedgerEntry(
                kind=spec.kind,
                points=points,
                at=at,
                activation_at=at + timedelta(days=spec.activation_days) if spec.activation_days else None,
                expires_at=at + timedelta(days=spec.expires_in_days) if spec.expires_in_days is not None else None,
                partner=partner,
                purchase_id=purchase_id,
                campaign_id=spec.campaign_id,
                reason=spec.reason,
                created_by=user,
            )
        )
    now = timezone.now()
    [locked] = _lock(account)
    _sync(locked, now, roots_needed=False)
    _write(locked, entries)
    if any(entry.expires_at is not None and entry.expires_at <= now for entry in entries):
        _expire(locked, account_roots(account=locked), now)
    _save(locked)
    _copy_cache(locked, account)
    return entries


@transaction.atomic
def redeem(
    *,
    account: Account,
    points: Decimal | int | str,
    at: datetime,
    partner: Partner | None = None,
    purchase_id: int | None = None,
) -> list[LedgerEntry]:
    """Take exactly `points` from the active lots, earliest expiry first; one redemption entry per lot taken.

    Refuses with 409 `insufficient_points`, writing nothing, when the active balance (as of now, expiry applied)
    is short. `partner` is the redeeming partner (settlements are computed from it and from the lots' partners).
    """
    points = _positive_points(points)
    now = timezone.now()
    [locked] = _lock(account)
    roots = _sync(locked, now)

    def make(lot: LedgerEntry, taken: Decimal) -> LedgerEntry:
        return LedgerEntry(
            kind=EntryKind.REDEMPTION,
            points=taken,
            lot=lot,
            activation_at=lot.activation_at,
            at=at,
            partner=partner,
            purchase_id=purchase_id,
        )

    entries = _take_active(account=locked, roots=roots, points=points, at=at, now=now, make=make)
    _save(locked)
    _copy_cache(locked, account)
    return entries


@transaction.atomic
def revoke(
    *,
    account: Account,
    points: Decimal | int | str,
    at: datetime,
    purchase_id: int | None = None,
    lots: Sequence[LedgerEntry] | None = None,
    reason: str = "",
    user: Any = None,
) -> list[LedgerEntry]:
    """Take back points that were earned (e.g. by a refunded purchase): from the given lots, else the purchase's
    lots, else any lot of the account; pending lots first, then active, earliest expiry first. What they no longer
    hold (already spent) is recorded as a debt, a revoke entry without lot: the balance may go below zero.

    The own account of a contact who has joined a master account since is empty (its lots moved into the pool):
    the revoke then takes from the pool, where the purchase's lots are now.
    """
    points = _positive_points(points)
    now = timezone.now()
    account = _pool_of_member(account) or account
    [locked] = _lock(account)
    roots = _sync(locked, now)
    candidates = [root for root in roots if root.remaining > 0]  # type: ignore[attr-defined]
    if lots is not None:
        wanted = {lot.pk for lot in lots}
        candidates = [root for root in candidates if root.pk in wanted]
    elif purchase_id is not None:
        candidates = [root for root in candidates if root.purchase_id == purchase_id]
    candidates.sort(key=lambda root: not is_pending(root, now))  # stable: keeps the expiry order within each

    def make(lot: LedgerEntry, taken: Decimal) -> LedgerEntry:
        return LedgerEntry(
            kind=EntryKind.REVOKE,
            points=taken,
            lot=lot,
            activation_at=lot.activation_at,
            at=at,
            purchase_id=purchase_id,
            reason=reason,
            created_by=user,
        )

    entries = _take(candidates, points, make)
    shortfall = points + sum((entry.points for entry in entries), ZERO)
    if shortfall > 0:
        entries.append(
            LedgerEntry(
                kind=EntryKind.REVOKE,
                points=-shortfall,
                at=at,
                purchase_id=purchase_id,
                reason=reason or _("Revoked points the account no longer held."),
                created_by=user,
            )
        )
    _write(locked, entries)
    _save(locked)
    _copy_cache(locked, account)
    return entries


def _current_lot(lot: LedgerEntry) -> LedgerEntry:
    """The lot holding a lot's points now: itself, or the lot it was moved into (master accounts), recursively."""
    seen = {lot.pk}
    while True:
        moved = (
            LedgerEntry.objects.filter(source=lot, kind=EntryKind.TRANSFER, lot__isnull=True, points__gt=0)
            .order_by("-pk")
            .first()
        )
        if moved is None or moved.pk in seen:
            return lot
        seen.add(moved.pk)
        lot = moved


@transaction.atomic
def return_points(
    *,
    redemption_entries: Sequence[LedgerEntry],
    points: Decimal | int | str | None = None,
    fraction: Decimal | int | str | None = None,
    at: datetime | None = None,
) -> list[LedgerEntry]:
    """Give redeemed points back (a refund of what they paid for) to the lots they were taken from.

    Either `points` (at most what is still returnable) or `fraction` of what the redemptions took (capped at what
    is still returnable, so the last part of a refund, fraction 1, returns exactly the rest). The amount is spread
    over the redemptions in proportion to what each can still give back, largest remainder first. Each return
    keeps the lot's activation and expiry; points returned to a lot that has meanwhile expired expire at once, and
    points returned to the own account of a contact now in a master account move on into the pool.
    """
    if (points is None) == (fraction is None):
        raise InvalidInput(_("Give either points or a fraction."))
    now = timezone.now()
    at = at or now
    ids = [entry.pk for entry in redemption_entries]
    redemptions = list(LedgerEntry.objects.filter(pk__in=ids).select_related("lot").order_by("pk"))
    if len(redemptions) != len(set(ids)) or any(
        entry.kind != EntryKind.REDEMPTION or entry.lot is None for entry in redemptions
    ):
        raise InvalidInput(_("Only redemptions can be returned."))
    if not redemptions:
        return []
    targets = {entry.pk: _current_lot(entry.lot) for entry in redemptions}  # type: ignore[arg-type]
    accounts = {lot.account_id: lot.account for lot in targets.values()}
    # A contact who has joined a master account since the redemption gets the points back in the pool.
    pools = {pk: pool for pk, account in accounts.items() if (pool := _pool_of_member(account)) is not None}
    everything = {**accounts, **{pool.pk: pool for pool in pools.values()}}
    locked = dict(zip(sorted(everything), _lock(*[everything[pk] for pk in sorted(everything)]), strict=True))

    returned = dict(
        LedgerEntry.objects.filter(source__in=redemptions, kind=EntryKind.RETURN)
        .values("source")
        .annotate(total=Sum("points"))
        .order_by()
        .values_list("source", "total")
    )
    returnable = [max(-entry.points - quantize(returned.get(entry.pk) or ZERO), ZERO) for entry in redemptions]
    still = sum(returnable, ZERO)
    if points is not None:
        amount = _positive_points(points)
        if amount > still:
            raise InvalidInput(
                _("Only %(still)s points can still be returned.") % {"still": still},
                code="return_exceeds_redemption",
                fields={"points": [_("More than was redeemed and not yet returned.")]},
            )
    else:
        try:
            share = Decimal(str(fraction))
        except InvalidOperation as exc:
            raise InvalidInput(_("The fraction is a number."), fields={"fraction": [_("A number.")]}) from exc
        if not 0 < share <= 1:
            raise InvalidInput(_("The fraction is above 0 and at most 1."), fields={"fraction": [_("Out of range.")]})
        amount = min(quantize(-sum((entry.points for entry in redemptions), ZERO) * share), still)

    by_account: dict[int, list[LedgerEntry]] = {}
    for entry, part in zip(redemptions, distribute(amount, returnable), strict=True):
        if part <= 0:
            continue
        lot = targets[entry.pk]
        by_account.setdefault(lot.account_id, []).append(
            LedgerEntry(
                kind=EntryKind.RETURN,
                points=part,
                lot=lot,
                activation_at=lot.activation_at,
                at=at,
                source=entry,
                partner_id=entry.partner_id,
                purchase_id=entry.purchase_id,
            )
        )
    written: list[LedgerEntry] = []
    for account_id, entries in sorted(by_account.items()):
        account = locked[account_id]
        _sync(account, now)
        written += _write(account, entries)
        if any(entry.lot.expires_at is not None and entry.lot.expires_at <= now for entry in entries):  # type: ignore[union-attr]
            _expire(account, account_roots(account=account), now)
        if account_id in pools:
            pool = locked[pools[account_id].pk]
            _sync(pool, now)
            _move_all(account, pool, account_roots(account=account), at)
            _save(pool)
        _save(account)
    return written


@transaction.atomic
def adjust(
    *,
    account: Account,
    points: Decimal | int | str,
    reason: str,
    user: Any,
    expires_in_days: int | None = None,
    at: datetime | None = None,
) -> list[LedgerEntry]:
    """A manual correction by staff. The entries are their own audit record: `created_by`, `reason`, `created_at`.

    Positive: a new lot, active at once, expiring after `expires_in_days` (None = never). Negative: taken from the
    active lots like a redemption (earliest expiry first, one entry per lot), never below zero (409
    `insufficient_points`).
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason of the correction."), fields={"reason": [_("This field is required.")]})
    try:
        signed = quantize(points)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InvalidInput(_("A number is expected."), fields={"points": [_("A number is expected.")]}) from exc
    if signed == 0:
        raise InvalidInput(_("A correction moves some points."), fields={"points": [_("Cannot be zero.")]})
    now = timezone.now()
    at = at or now
    if signed > 0:
        lot = accrue(
            account=account,
            points=signed,
            at=at,
            expires_in_days=expires_in_days,
            kind=EntryKind.ADJUSTMENT,
            reason=reason,
            user=user,
        )
        return [lot]
    [locked] = _lock(account)
    roots = _sync(locked, now)

    def make(lot: LedgerEntry, taken: Decimal) -> LedgerEntry:
        return LedgerEntry(
            kind=EntryKind.ADJUSTMENT,
            points=taken,
            lot=lot,
            activation_at=lot.activation_at,
            at=at,
            reason=reason,
            created_by=user,
        )

    entries = _take_active(account=locked, roots=roots, points=-signed, at=at, now=now, make=make)
    _save(locked)
    _copy_cache(locked, account)
    return entries


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


def _pool_of_member(account: Account) -> Account | None:
    """The master account pool of a contact account's owner, if the contact is now a member in that program."""
    if account.contact_id is None:
        return None
    membership = (
        MasterAccountMember.objects.filter(contact_id=account.contact_id, program_id=account.program_id)
        .select_related("master_account")
        .first()
    )
    return None if membership is None else master_account_points_account(master_account=membership.master_account)


@transaction.atomic
def transfer_into(*, source: Account, target: Account, at: datetime | None = None) -> list[LedgerEntry]:
    """Move everything `source` holds into `target` (a contact joining a master account).

    Each lot leaves by a transfer entry naming it and arrives as a new lot with the same points, activation, expiry,
    partner, purchase and campaign (`source` names the lot it came from); debts move the same way.
    """
    if source.pk == target.pk:
        raise InvalidInput(_("An account cannot be moved into itself."))
    if source.program_id != target.program_id:
        raise InvalidInput(_("Points move only between accounts of one program."))
    now = timezone.now()
    at = at or now
    locked_source, locked_target = _lock(source, target)
    roots = _sync(locked_source, now)
    _sync(locked_target, now)
    outgoing, written = _move_all(locked_source, locked_target, roots, at)
    _save(locked_source)
    _save(locked_target)
    _copy_cache(locked_source, source)
    _copy_cache(locked_target, target)
    return [*outgoing, *written]


# --- periodic jobs -----------------------------------------------------------------------------------------------


def _in_batches(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def expire_due(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Write the expiry entries of every lot expired by `now` that still holds points; returns how many entries.

    Idempotent (a second run finds nothing to expire). One transaction per batch of accounts, each locked.
    """
    now = now or timezone.now()
    account_ids = sorted(
        set(
            roots_with_remaining()
            .filter(Q(remaining_raw__gte=HALF_CENT), points__gt=0, expires_at__lte=now)
            .order_by()
            .values_list("account_id", flat=True)
        )
    )
    written = 0
    for batch in _in_batches(account_ids, batch_size):
        with transaction.atomic():
            for account in account_qs_select_for_update().filter(pk__in=batch):
                _activate(account, now)
                written += len(_expire(account, account_roots(account=account), now))
                _save(account)
    return written


def activate_due(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Move to the cached active balance the pending points whose activation has passed; returns how many accounts.

    Idempotent: each account remembers the moment its cache is computed for (`balance_at`), so a point is moved
    once. Entries are not touched: an entry's status is derived from its `activation_at` when read.
    """
    now = now or timezone.now()
    account_ids = sorted(
        set(
            LedgerEntry.objects.filter(activation_at__gt=F("account__balance_at"), activation_at__lte=now)
            .order_by()
            .values_list("account_id", flat=True)
        )
    )
    moved = 0
    for batch in _in_batches(account_ids, batch_size):
        with transaction.atomic():
            for account in account_qs_select_for_update().filter(pk__in=batch):
                if _activate(account, now):
                    _save(account)
                    moved += 1
    return moved
