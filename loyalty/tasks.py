"""Celery tasks of the processing centre: each calls one service and is safe to run again."""

from celery import shared_task
from django.utils import timezone

from loyalty.services.ledger import activate_due, expire_due
from loyalty.services.tiers import tiers_lapsed


@shared_task
def expire_points() -> int:
    """Write the expiry entries of the lots that have expired (the balance already shows them expired)."""
    return expire_due(now=timezone.now())


@shared_task
def activate_points() -> int:
    """Move pending points whose activation has passed into the cached active balances."""
    return activate_due(now=timezone.now())


@shared_task
def reevaluate_lapsed_tiers() -> int:
    """Downgrade (or renew) the tiers whose validity has lapsed, by the spend in their window."""
    return tiers_lapsed(now=timezone.now())
