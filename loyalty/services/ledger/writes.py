"""Points in and out: accruals (lots), redemptions and manual adjustments."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput
from common.money import quantize
from common.rawrows import new_instance
from loyalty.choices import EntryKind
from loyalty.models import Account, LedgerEntry, Partner
from loyalty.selectors import (
    account_roots,
)
from loyalty.services.ledger.core import (
    LOT_KINDS,
    _copy_cache,
    _expire,
    _lock,
    _positive_points,
    _save,
    _sync,
    _synced_takes,
    _take_active,
    _write,
)

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
    entries = _lot_entries(lots, at=at, partner=partner, purchase_id=purchase_id, user=user)
    now = timezone.now()
    [locked] = _lock(account)
    _sync(locked, now, roots_needed=False)
    _write(locked, entries)
    _expire_late_lots(locked, entries, now)
    _save(locked)
    _copy_cache(locked, account)
    return entries


def _expire_late_lots(locked: Account, entries: Sequence[LedgerEntry], now: datetime) -> None:
    """A lot whose expiry is already past (a late offline receipt) expires at once."""
    if any(entry.expires_at is not None and entry.expires_at <= now for entry in entries):
        _expire(locked, account_roots(account=locked), now)


def _lot_entries(
    lots: Sequence[LotSpec], *, at: datetime, partner: Partner | None, purchase_id: int | None, user: Any
) -> list[LedgerEntry]:
    entries = []
    partner_id = partner.pk if partner is not None else None
    created_by_id = user.pk if user is not None else None
    for spec in lots:
        points = _positive_points(spec.points)
        if spec.kind not in LOT_KINDS:
            raise InvalidInput(_("Lots are accruals, rewards or adjustments."), fields={"kind": [_("Not a lot kind.")]})
        if spec.activation_days < 0 or (spec.expires_in_days is not None and spec.expires_in_days < 0):
            raise InvalidInput(_("Days cannot be negative."))
        entries.append(
            new_instance(  # a receipt makes about 20: built without the ORM's keyword matching
                LedgerEntry,
                {
                    "kind": spec.kind,
                    "points": points,
                    "at": at,
                    "activation_at": at + timedelta(days=spec.activation_days) if spec.activation_days else None,
                    "expires_at": at + timedelta(days=spec.expires_in_days)
                    if spec.expires_in_days is not None
                    else None,
                    "partner_id": partner_id,
                    "purchase_id": purchase_id,
                    "campaign_id": spec.campaign_id,
                    "reason": spec.reason,
                    "created_by_id": created_by_id,
                },
            )
        )
    return entries


def _redemption(
    *, at: datetime, partner: Partner | None, purchase_id: int | None
) -> Callable[[LedgerEntry, Decimal], LedgerEntry]:
    """What a redemption writes for each lot it takes: a `redemption` entry naming the lot."""

    partner_id = partner.pk if partner is not None else None

    def make(lot: LedgerEntry, taken: Decimal) -> LedgerEntry:
        return new_instance(
            LedgerEntry,
            {
                "kind": EntryKind.REDEMPTION,
                "points": taken,
                "lot_id": lot.pk,
                "activation_at": lot.activation_at,
                "at": at,
                "partner_id": partner_id,
                "purchase_id": purchase_id,
            },
        )

    return make


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
    make = _redemption(at=at, partner=partner, purchase_id=purchase_id)
    entries = _write(locked, _synced_takes(locked, now, points=points, at=at, make=make))
    _save(locked)
    _copy_cache(locked, account)
    return entries


@transaction.atomic(savepoint=False)
def receipt_settle(
    *,
    account: Account,
    redeem_points: Decimal,
    lots: Sequence[LotSpec],
    at: datetime,
    partner: Partner | None = None,
    purchase_id: int | None = None,
    locked: bool = False,
) -> list[LedgerEntry]:
    """A confirmed receipt's points in one write: `redeem_points` taken as `redeem` takes them (refused with 409
    `insufficient_points`, writing nothing), then its `lots` as `accrue_lots` makes them. One lock, one sync, one
    insert, one save: what the two calls would do, in half the statements. The new lots are never taken by the
    receipt's own redemption (they are made after it, as the two calls in that order would). `locked`: the caller
    holds the account's row lock and `account` was read under it (the checkout's confirm), so it is not read again.
    Inside a transaction it takes no savepoint: a refusal fails the caller's transaction (the confirm's, which fails
    with it)."""
    lot_entries = _lot_entries(lots, at=at, partner=partner, purchase_id=purchase_id, user=None)
    now = timezone.now()
    [locked_account] = [account] if locked else _lock(account)
    entries: list[LedgerEntry] = []
    if redeem_points > 0:
        make = _redemption(at=at, partner=partner, purchase_id=purchase_id)
        points = _positive_points(redeem_points)
        entries += _synced_takes(locked_account, now, points=points, at=at, make=make)
    else:
        _sync(locked_account, now, roots_needed=False)
    written = _write(locked_account, [*entries, *lot_entries])
    _expire_late_lots(locked_account, lot_entries, now)
    _save(locked_account)
    _copy_cache(locked_account, account)
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
