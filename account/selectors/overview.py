"""What a customer sees of their own account: their cards (as barcodes), and per program the balance and the tier
with the progress to the next. Reached only through the customer's own contact (never ids from a request)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from account.barcodes import barcode_svg, qr_svg
from account.selectors.surveys import OpenSurvey, open_surveys
from common.money import ZERO, quantize
from contacts.models import Contact
from loyalty.choices import CardStatus
from loyalty.models import Account, Card, Enrollment, Program, Tier
from loyalty.selectors import account_find, balance
from loyalty.services.tiers import contact_spends, effective_tier, program_tiers


@dataclass
class TierProgress:
    """The tier that applies now and how far the spend in the next tier's window is from the next one."""

    tier: Tier | None
    valid_until: datetime | None
    next_tier: Tier | None
    spend: Decimal
    missing: Decimal

    @property
    def percent(self) -> int:
        """0–100, for a progress bar."""
        if self.next_tier is None or self.next_tier.min_spend <= 0:
            return 100
        return min(100, int(self.spend * 100 / self.next_tier.min_spend))


@dataclass
class ProgramSummary:
    program: Program
    balance: dict[str, Any]
    tier: TierProgress


@dataclass
class CardView:
    card: Card
    barcode_svg: str
    qr_svg: str


@dataclass
class AccountOverview:
    contact: Contact
    cards: list[CardView]
    programs: list[ProgramSummary]
    surveys: list[OpenSurvey]


def account_programs(contact: Contact) -> QuerySet[Program]:
    """The programs the contact is in (enrolled, or holding points there): two IN-subqueries read from the contact's
    indexes (an OR over joins to the enrollments would read them all)."""
    enrolled = Enrollment.objects.filter(contact=contact).values("program_id")
    holding = Account.objects.filter(contact=contact).values("program_id")
    return Program.objects.filter(Q(pk__in=enrolled) | Q(pk__in=holding)).order_by("pk")


def account_cards(contact: Contact) -> QuerySet[Card]:
    """The contact's cards, active ones first ("active" sorts before "blocked")."""
    assert CardStatus.ACTIVE < CardStatus.BLOCKED
    return Card.objects.filter(contact=contact).select_related("card_type__program").order_by("status", "pk")


def tier_progress(*, contact: Contact, program: Program, enrollment: Enrollment | None, now: datetime) -> TierProgress:
    tiers = program_tiers(program.pk)
    tier = effective_tier(enrollment, tiers, now)
    position = next((index for index, candidate in enumerate(tiers) if tier and candidate.pk == tier.pk), -1)
    next_tier = tiers[position + 1] if position + 1 < len(tiers) else None
    valid_until = enrollment.tier_valid_until if enrollment and tier and enrollment.tier_id == tier.pk else None
    if next_tier is None:
        return TierProgress(tier=tier, valid_until=valid_until, next_tier=None, spend=ZERO, missing=ZERO)
    spend = contact_spends(contact_id=contact.pk, program_id=program.pk, windows={next_tier.window_days}, until=now)[
        next_tier.window_days
    ]
    spend = quantize(spend)
    missing = quantize(max(next_tier.min_spend - spend, ZERO))
    return TierProgress(tier=tier, valid_until=valid_until, next_tier=next_tier, spend=spend, missing=missing)


def account_overview(*, contact: Contact, now: datetime | None = None) -> AccountOverview:
    """The customer's cards and, per program, balance (active, pending, expiring) and tier progress."""
    now = now or timezone.now()
    cards = [
        CardView(card=card, barcode_svg=barcode_svg(card.number), qr_svg=qr_svg(card.number))
        for card in account_cards(contact)
    ]
    enrollments = {item.program_id: item for item in Enrollment.objects.filter(contact=contact).select_related("tier")}
    programs = []
    for program in account_programs(contact):
        enrollment = enrollments.get(program.pk)
        programs.append(
            ProgramSummary(
                program=program,
                balance=balance(account=account_find(program=program, contact=contact), now=now),
                tier=tier_progress(contact=contact, program=program, enrollment=enrollment, now=now),
            )
        )
    return AccountOverview(contact=contact, cards=cards, programs=programs, surveys=open_surveys(contact=contact))
