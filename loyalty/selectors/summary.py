"""The contact at a glance, for the top of the staff's contact page: per program of the user's brands, the tier and
its validity, the balance, the next expiries, the cards and the master account (`contact_summary`)."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from common.money import quantize
from contacts.models import Contact
from loyalty.models import Account, Brand, Card, Enrollment, MasterAccount, MasterAccountMember, Program, Tier
from loyalty.selectors.accounts import account_find
from loyalty.selectors.balances import account_roots, balance, balance_from_roots
from loyalty.services.tiers import effective_tier, program_tiers

# the coming expiries shown per program; the points panel below lists every lot
EXPIRIES_SHOWN = 3


@dataclass
class ContactProgramSummary:
    """One program of the contact, as far as the user's brands reach: `brands` are the user's brands of it."""

    program: Program
    brands: list[Brand]
    enrollment: Enrollment | None
    tier: Tier | None
    tier_valid_until: datetime | None
    account: Account | None
    master_account: MasterAccount | None
    balance: dict[str, Any]  # `loyalty.selectors.balance`: active, pending, expiring
    next_expiries: list[dict[str, Any]]  # the first `EXPIRIES_SHOWN` of `balance["expiring"]`: {"date", "points"}
    cards: list[Card] = field(default_factory=list)

    @property
    def currency(self) -> str | None:
        """The currency of the program's brands (of the user's), when they share one; else None."""
        currencies = {brand.currency for brand in self.brands}
        return currencies.pop() if len(currencies) == 1 else None

    @property
    def active_value(self) -> Decimal:
        """What the active points are worth: points × the program's point value."""
        return quantize(self.balance["active"] * self.program.point_value)


@dataclass
class ContactSummary:
    contact: Contact
    programs: list[ContactProgramSummary]


def contact_summary(*, contact: Contact, user: Any, now: datetime | None = None) -> ContactSummary:
    """Per program the contact is in (enrolled, holding points, or with a card there), of the programs of `user`'s
    brands: tier, balance as of `now`, the next expiries, cards and master account. A member of a master account
    sees the pool's balance (`account_find`). A bounded number of queries per program, whatever the history."""
    now = now or timezone.now()
    enrollments = {item.program_id: item for item in Enrollment.objects.filter(contact=contact).select_related("tier")}
    cards = list(
        Card.objects.for_user(user)
        .filter(contact=contact)
        .select_related("card_type")
        .order_by("status", "pk")  # active before blocked
    )
    own_accounts = Account.objects.filter(contact=contact).values("program_id")
    programs = list(
        Program.objects.for_user(user)
        .filter(
            Q(pk__in=list(enrollments))
            | Q(pk__in=own_accounts)
            | Q(pk__in={card.card_type.program_id for card in cards})
        )
        .order_by("pk")
    )
    brands: dict[int, list[Brand]] = {}
    for brand in Brand.objects.for_user(user).filter(program__in=programs).order_by("name", "pk"):
        brands.setdefault(brand.program_id, []).append(brand)
    masters = {
        membership.program_id: membership.master_account
        for membership in MasterAccountMember.objects.filter(contact=contact, program__in=programs).select_related(
            "master_account"
        )
    }
    result = []
    for program in programs:
        enrollment = enrollments.get(program.pk)
        tier = effective_tier(enrollment, program_tiers(program.pk), now)
        account = account_find(program=program, contact=contact)
        current = (
            balance_from_roots(account_roots(account=account), now=now)
            if account is not None
            else balance(account=None)
        )
        result.append(
            ContactProgramSummary(
                program=program,
                brands=brands.get(program.pk, []),
                enrollment=enrollment,
                tier=tier,
                tier_valid_until=(
                    enrollment.tier_valid_until if enrollment and tier and enrollment.tier_id == tier.pk else None
                ),
                account=account,
                master_account=masters.get(program.pk),
                balance=current,
                next_expiries=current["expiring"][:EXPIRIES_SHOWN],
                cards=[card for card in cards if card.card_type.program_id == program.pk],
            )
        )
    return ContactSummary(contact=contact, programs=result)


def contact_brands_prefetch(user: Any) -> Prefetch:
    """For a list of contacts: their enrollments in the programs of `user`'s brands, each program with the user's
    brands of it (`contact_brand_names` reads them); two queries for the whole list."""
    return Prefetch(
        "enrollments",
        queryset=Enrollment.objects.for_user(user)
        .select_related("program")
        .prefetch_related(Prefetch("program__brands", queryset=Brand.objects.for_user(user))),
        to_attr="scoped_enrollments",
    )


def contact_brand_names(contact: Contact) -> list[str]:
    """The names of the brands of a contact's programs, sorted, from `contact_brands_prefetch`."""
    enrollments: list[Enrollment] = getattr(contact, "scoped_enrollments", [])
    return sorted({brand.name for enrollment in enrollments for brand in enrollment.program.brands.all()})
