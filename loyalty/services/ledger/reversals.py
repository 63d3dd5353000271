"""Refunds' side of the ledger: revoking a purchase's points and returning redeemed points to their lots."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput
from common.money import ZERO, distribute, quantize
from loyalty.choices import EntryKind
from loyalty.models import Account, LedgerEntry
from loyalty.selectors import (
    account_roots,
    is_pending,
)
from loyalty.services.ledger.accounts import _pool_of_member
from loyalty.services.ledger.core import (
    _copy_cache,
    _expire,
    _lock,
    _move_all,
    _positive_points,
    _save,
    _sync,
    _take,
    _write,
)


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
