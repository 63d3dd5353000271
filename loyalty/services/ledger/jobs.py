"""The periodic jobs: expiry entries for lots that have expired, activation of pending points."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from loyalty.lock_objects import account_qs_select_for_update
from loyalty.models import LedgerEntry
from loyalty.selectors import (
    HALF_CENT,
    account_roots,
    roots_with_remaining,
)
from loyalty.services.ledger.core import (
    BATCH_SIZE,
    _activate,
    _expire,
    _save,
)

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
