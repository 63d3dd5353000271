"""What a card's wallet pass shows (balance, tier) and when that last changed (the pass's update tag)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError
from contacts.models import Contact
from loyalty.models import Card, Enrollment, LedgerEntry, Program, Tier
from loyalty.selectors import account_find, balance
from loyalty.services.tiers import effective_tier, program_tiers


class NotConfigured(DomainError):
    status_code = 404
    code = "not_configured"


def not_configured() -> NotConfigured:
    return NotConfigured(_("Wallet cards are not configured on this installation."))


@dataclass
class PassState:
    card: Card
    contact: Contact
    program: Program
    balance: dict[str, Any]
    tier: Tier | None
    updated_at: datetime


def pass_state(card: Card, *, now: datetime | None = None) -> PassState:
    """The card's pass as of `now`. Its `updated_at` is the last moment anything it shows changed: the card, the
    contact, the tier (the enrollment), and the balance: an entry written, or points that became active or expired
    by `now` (the balance is computed at read time, before the jobs write those)."""
    now = now or timezone.now()
    contact = card.contact
    assert contact is not None
    program = card.card_type.program
    account = account_find(program=program, contact=contact)
    enrollment = Enrollment.objects.filter(contact=contact, program=program).first()
    moments = [card.updated_at, contact.updated_at]
    if enrollment is not None:
        moments.append(enrollment.updated_at)
    if account is not None:
        latest = LedgerEntry.objects.filter(account=account).aggregate(
            written=Max("created_at"),
            activated=Max("activation_at", filter=Q(activation_at__lte=now)),
            expired=Max("expires_at", filter=Q(expires_at__lte=now)),
        )
        moments += [moment for moment in latest.values() if moment is not None]
    return PassState(
        card=card,
        contact=contact,
        program=program,
        balance=balance(account=account, now=now),
        tier=effective_tier(enrollment, program_tiers(program.pk), now),
        updated_at=max(moments),
    )


def update_tag(moment: datetime) -> str:
    """`passesUpdatedSince`/`lastUpdated`: the moment in microseconds since the epoch (opaque to the device)."""
    return str(int(moment.timestamp() * 1_000_000))


def tag_moment(tag: str | None) -> int | None:
    return int(tag) if tag and tag.isdigit() and len(tag) < 20 else None
