"""The store assistant's reads: the stores they work at, a customer found by card, phone or a scanned code, what
the till would show of them (`loyalty.pos.identification.identify`, as at a register of the store), their recent
purchases, the campaigns that apply to them there now (the brand's snapshot, read-only), and the brand's notes.

Everything is reached through `for_user`: an assistant finds only contacts and cards of the brands they work for.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from account.models import ContactNote
from campaigns.models import Campaign
from campaigns.pricing import engine_customer, rules_for
from common.errors import DomainError
from contacts.models import Contact
from contacts.normalize import normalize_phone
from loyalty.choices import CardStatus
from loyalty.models import Card, Purchase, Register, Store
from loyalty.pos.answers import customer_answer
from loyalty.pos.identification import Customer, identify

# The permission that makes a staff user a store assistant (the support role has it).
ASSISTANT_PERMISSION = "account.add_contactnote"
RECENT_PURCHASES = 5
NOTES = 20


def is_assistant(user: Any) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(ASSISTANT_PERMISSION))


def assistant_stores(user: Any) -> QuerySet[Store]:
    """The stores of the brands the assistant works for (none for someone who is no assistant)."""
    if not is_assistant(user):
        return Store.objects.none()
    return Store.objects.for_user(user).select_related("brand__program").order_by("brand__name", "name", "pk")


@dataclass
class CampaignNow:
    campaign: Campaign
    mechanic: str


@dataclass
class Found:
    """A search's outcome: the customer (as the till sees them) or why not (`not_found`, `card_blocked`)."""

    problem: str = ""
    customer: Customer | None = None
    answer: dict[str, Any] = field(default_factory=dict)
    purchases: list[Purchase] = field(default_factory=list)
    campaigns: list[CampaignNow] = field(default_factory=list)
    notes: list[ContactNote] = field(default_factory=list)


def _find_contact(user: Any, store: Store, query: str) -> tuple[Contact | None, Card | None]:
    """A card of the store's program among the user's (the number typed or scanned), else a phone."""
    card = (
        Card.objects.for_user(user)
        .select_related("contact")
        .filter(number=query, card_type__program_id=store.brand.program_id, contact__isnull=False)
        .first()
    )
    if card is not None:
        return card.contact, card
    try:
        phone = normalize_phone(query)
    except ValidationError:
        return None, None
    return (Contact.objects.for_user(user).filter(phone=phone).first() if phone else None), None


def assistant_customer(*, user: Any, store: Store, query: str, now: datetime | None = None) -> Found:
    """Find the customer for the assistant at `store` (one of `assistant_stores(user)`)."""
    query = query.strip()[:64]
    if not query:
        return Found(problem="not_found")
    contact, card = _find_contact(user, store, query)
    if contact is None:
        return Found(problem="not_found")
    if card is not None and card.status == CardStatus.BLOCKED:
        return Found(problem="card_blocked")
    now = now or timezone.now()
    till = Register(store=store)  # never saved: what a register of this store would answer
    try:
        customer = identify(
            register=till,
            query={"card": card.number} if card else {"phone": contact.phone},
            now=now,
            with_expiring=True,
        )
    except DomainError as exc:
        return Found(problem=exc.code)
    return Found(
        customer=customer,
        answer=customer_answer(customer, with_expiring=True),
        purchases=list(
            Purchase.objects.for_user(user)
            .filter(contact=contact, program_id=store.brand.program_id)
            .select_related("store")
            .order_by("-at", "-pk")[:RECENT_PURCHASES]
        ),
        campaigns=campaigns_now(user=user, store=store, customer=customer, now=now),
        notes=list(
            ContactNote.objects.for_user(user)
            .filter(contact=contact, brand_id=store.brand_id)
            .select_related("author", "store")[:NOTES]
        ),
    )


def campaigns_now(*, user: Any, store: Store, customer: Customer, now: datetime) -> list[CampaignNow]:
    """The brand's live campaigns whose audience admits the customer and whose store, weekday and hours admit this
    store now, with something left of their limits (a basket's own conditions aside: any basket may still meet
    them)."""
    rules = rules_for(
        brand_id=store.brand_id,
        at=now,
        contact_id=customer.contact.pk,
        point_value=store.brand.program.point_value,
    )
    who = engine_customer(contact_id=customer.contact.pk, tier_id=customer.tier.pk if customer.tier else None)
    local = now.astimezone(ZoneInfo(store.timezone))
    mechanics = {}
    for rule in rules:
        if not rule.audience.admits(who):
            continue
        if not rule.conditions.admits_place_and_time(
            store_id=store.pk, weekday=local.isoweekday(), local_time=local.time().replace(tzinfo=None)
        ):
            continue
        if rule.limits.uses_left == 0 or (rule.limits.budget_left is not None and rule.limits.budget_left <= 0):
            continue
        mechanics[rule.id] = str(rule.mechanic.label)
    campaigns = Campaign.objects.for_user(user).filter(pk__in=mechanics).order_by("-priority", "pk")
    return [CampaignNow(campaign=campaign, mechanic=mechanics[campaign.pk]) for campaign in campaigns]
