"""The till's identification of a customer: by card, phone or contact id, at a register, with the tier that
applies and the balance (`checkout` calculates and confirms with it; the customer page shows it)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Conflict, DomainError, InvalidInput
from contacts.models import Contact
from contacts.normalize import normalize_phone
from loyalty.choices import CardStatus
from loyalty.models import (
    Account,
    Card,
    Enrollment,
    Register,
    Tier,
)
from loyalty.pos.lookup import card_lookup
from loyalty.selectors import account_find, balance, balance_quick
from loyalty.services.tiers import effective_tier, program_tiers


class CustomerNotFound(DomainError):
    status_code = 404
    code = "customer_not_found"


@dataclass
class Customer:
    """An identified customer at a register: the contact, the card shown (or their first), the points account."""

    contact: Contact
    card: Card | None
    enrollment: Enrollment | None
    account: Account | None
    tier: Tier | None
    balance: dict[str, Any] = field(default_factory=dict)
    tiers: list[Tier] | None = None  # the program's tiers as `identify` read them (once per request)


# --- identification ----------------------------------------------------------------------------------------------


def identify(
    *,
    register: Register,
    query: dict[str, Any],
    now: datetime | None = None,
    with_balance: bool = True,
    with_expiring: bool = False,
) -> Customer:
    """Find the customer by card, phone or contact id, in the register's program.

    Unknown (or a card of another program, or an unbound card, or the id of a contact not in the program) → 404
    `customer_not_found`; a blocked card → 409 `card_blocked`. A contact found by phone who is not yet in the program
    is known, with nothing on account (the customer gave the phone at the till; a confirm enrolls them).
    The balance is active and pending only unless `with_expiring`; none at all without `with_balance` (confirm
    reads it once the account is locked).
    """
    program = register.store.brand.program
    now = now or timezone.now()
    if query.get("card"):
        # The common case at a till: one statement for the card and all that follows from it (`lookup`).
        found = card_lookup(program_id=program.pk, number=str(query["card"]).strip())
        if found is None or found.contact is None:
            raise CustomerNotFound(_("No customer with this card."))
        if found.card.status == CardStatus.BLOCKED:
            raise Conflict(_("This card is blocked."), code="card_blocked")
        return _customer(
            contact=found.contact,
            card=found.card,
            enrollment=found.enrollment,
            account=found.account,
            tiers=found.tiers,
            now=now,
            with_balance=with_balance,
            with_expiring=with_expiring,
        )
    contact: Contact | None = None
    if query.get("phone"):
        try:
            phone = normalize_phone(query["phone"])
        except ValidationError:
            phone = None
        contact = Contact.objects.filter(phone=phone).first() if phone else None
    elif query.get("contact_id") is not None:
        # By id only contacts already in the program: ids are sequential, so a register must not walk them.
        contact = Contact.objects.filter(pk=query["contact_id"], enrollments__program=program).first()
    else:
        raise InvalidInput(_("Give a card, a phone or a contact id."), fields={"customer": [_("Required.")]})
    if contact is None:
        raise CustomerNotFound(_("No such customer."))
    card = (
        Card.objects.filter(contact=contact, card_type__program=program, status=CardStatus.ACTIVE)
        .order_by("pk")
        .first()
    )
    enrollment = Enrollment.objects.select_related("tier").filter(contact=contact, program=program).first()
    return _customer(
        contact=contact,
        card=card,
        enrollment=enrollment,
        account=account_find(program=program, contact=contact),
        tiers=program_tiers(program.pk),
        now=now,
        with_balance=with_balance,
        with_expiring=with_expiring,
    )


def _customer(
    *,
    contact: Contact,
    card: Card | None,
    enrollment: Enrollment | None,
    account: Account | None,
    tiers: list[Tier],
    now: datetime,
    with_balance: bool,
    with_expiring: bool,
) -> Customer:
    tier = effective_tier(enrollment, tiers, now)
    if not with_balance:
        current: dict[str, Any] = {}
    elif with_expiring:
        current = balance(account=account, now=now)
    else:
        current = balance_quick(account=account, now=now)
    return Customer(
        contact=contact, card=card, enrollment=enrollment, account=account, tier=tier, balance=current, tiers=tiers
    )
