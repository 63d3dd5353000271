"""Capturing a lead at a stand (`POST /api/v1/leads`): one transaction from the visitor's form to a contact in the
brand's program with a card, welcome points and the events that fire the welcome message.

Rules chosen where the contract is silent:
- the same client id answers the first lead again (to whoever may see it), before any other check, so a tablet that
  sends its queue after the stand closed still hears the answer it missed;
- a phone already held by a contact is that contact (`created` false): the lead fills only what the contact lacks
  (first name, e-mail, birth date) and a marketing consent subscribes it to SMS (and e-mail), never unsubscribes;
- welcome points go to a lead whose contact joins the brand's program with it (new contacts always; a matched
  contact only when not yet in the program), as a `reward` lot active at once and never expiring;
- a program without a card type enrolls the contact without a card (`card` null) rather than lose the lead;
- the stand's dates are checked at the time the lead was typed (`captured_at`, for leads kept offline), which
  may lie at most `PROMOTERS_OFFLINE_DAYS` back and not in the future.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Conflict, DomainError, InvalidInput
from contacts.choices import ContactSource
from contacts.models import Contact
from contacts.normalize import normalize_email, normalize_phone
from contacts.selectors import blacklist_match, contact_by_phone
from contacts.services import contact_create, contact_update
from contacts.services.events import event_record
from loyalty.choices import CardStatus, EntryKind
from loyalty.models import Card, Enrollment, Program
from loyalty.services import ledger
from loyalty.services.cards import card_issue, enrollment_ensure
from promoters.models import Lead, Stand
from promoters.selectors import leads_for_user, stand_is_open, stands_for_user
from promoters.services.limits import lead_rate_guard

CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class LeadInput:
    """What the tablet sends, its shape already checked (the API's serializer)."""

    client_id: uuid.UUID
    stand: str
    phone: str
    first_name: str = ""
    email: str = ""
    birth_date: date | None = None
    consent_terms: bool = False
    consent_marketing: bool = False
    consent_version: str = ""
    captured_at: datetime | None = None
    address: str | None = None


def lead_answer(lead: Lead) -> dict[str, Any]:
    """The contract's answer: `{"lead_id", "contact_id", "card", "created"}` (the same for a replay)."""
    return {
        "lead_id": lead.pk,
        "contact_id": lead.contact_id,
        "card": lead.card.number if lead.card_id and lead.card else None,
        "created": lead.created,
    }


def _replayable(user: Any, client_id: uuid.UUID) -> Lead | None:
    lead = Lead.objects.filter(client_id=client_id).select_related("card").first()
    if lead is None:
        return None
    if not leads_for_user(user).filter(pk=lead.pk).exists():
        raise Conflict(_("This lead id was already used by someone else."), code="idempotency_key_reused")
    return lead


def stand_for_capture(*, user: Any, code: str, at: datetime) -> Stand:
    """The stand a user may capture leads at, open at `at`: 400 for an unknown code, 403 for another's stand or a
    stand outside its dates."""
    stand = Stand.objects.filter(code=code).select_related("brand__program").first()
    if stand is None:
        raise InvalidInput(_("No stand has this code."), fields={"stand": [_("Unknown stand.")]})
    if not (user.has_perm("promoters.add_lead") and stands_for_user(user).filter(pk=stand.pk).exists()):
        raise DomainError(_("You are not a promoter of this stand."), code="permission_denied", status_code=403)
    if not stand_is_open(stand, at):
        raise DomainError(_("The stand is not open at this time."), code="stand_closed", status_code=403)
    return stand


def _captured_at(value: datetime | None, now: datetime) -> datetime:
    if value is None:
        return now
    if value > now + CLOCK_SKEW:
        raise InvalidInput(_("The lead cannot be from the future."), fields={"captured_at": [_("In the future.")]})
    if value < now - timedelta(days=int(settings.PROMOTERS_OFFLINE_DAYS)):
        raise InvalidInput(_("The lead is too old to be sent."), fields={"captured_at": [_("Too old.")]})
    return value


@dataclass(frozen=True)
class _Clean:
    phone: str
    email: str | None
    first_name: str
    birth_date: date | None


def _clean(data: LeadInput, today: date) -> _Clean:
    errors: dict[str, list[str]] = {}
    phone = email = None
    try:
        phone = normalize_phone(data.phone)
    except ValidationError as exc:
        errors["phone"] = list(exc.messages)
    if phone is None and "phone" not in errors:
        errors["phone"] = [_("This field is required.")]
    try:
        email = normalize_email(data.email)
    except ValidationError as exc:
        errors["email"] = list(exc.messages)
    if data.birth_date is not None and not (date(1900, 1, 1) <= data.birth_date <= today):
        errors["birth_date"] = [_("Enter a birth date between 1900 and today.")]
    if not data.consent_terms:
        errors["consent_terms"] = [_("The visitor must accept the terms.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    assert phone is not None
    entry = blacklist_match(phone=phone, email=email)
    if entry is not None:
        field = "phone" if entry.phone == phone else "email"
        raise InvalidInput(
            _("This phone or e-mail cannot be registered."), code="blacklisted", fields={field: [_("Blacklisted.")]}
        )
    return _Clean(phone=phone, email=email, first_name=data.first_name.strip(), birth_date=data.birth_date)


def lead_capture(*, user: Any, data: LeadInput, now: datetime | None = None) -> Lead:
    """Capture a lead, or answer the one captured under the same client id (see the module's rules)."""
    now = now or timezone.now()
    existing = _replayable(user, data.client_id)
    if existing is not None:
        return existing
    at = _captured_at(data.captured_at, now)
    stand = stand_for_capture(user=user, code=data.stand, at=at)
    clean = _clean(data, timezone.localdate(now))
    lead_rate_guard(stand=stand, address=data.address, now=now)
    try:
        return _capture(user=user, stand=stand, data=data, clean=clean, at=at, now=now)
    except IntegrityError:
        # The same client id, committed meanwhile by a request that got there first: its answer is ours.
        existing = _replayable(user, data.client_id)
        if existing is None:
            raise
        return existing


@transaction.atomic
def _capture(*, user: Any, stand: Stand, data: LeadInput, clean: _Clean, at: datetime, now: datetime) -> Lead:
    # The lead is inserted first: a concurrent request with the same client id waits here on the unique index until
    # this transaction ends, then finds the lead and replays it (or, if this one failed, captures it itself).
    with transaction.atomic():
        lead = Lead.objects.create(
            client_id=data.client_id,
            stand=stand,
            promoter=user if getattr(user, "is_authenticated", False) else None,
            created=False,
            phone=clean.phone,
            first_name=clean.first_name,
            email=clean.email or "",
            birth_date=clean.birth_date,
            consent_terms=True,
            consent_marketing=data.consent_marketing,
            consent_version=(data.consent_version or stand.consent_version_shown)[:32],
            address=data.address,
            captured_at=at,
        )
    contact, created = _contact_for(clean, marketing=data.consent_marketing, user=user)
    program = stand.brand.program
    Contact.objects.select_for_update().filter(pk=contact.pk).first()  # one lead of a contact at a time joins
    joined = not Enrollment.objects.filter(contact=contact, program=program).exists()
    card = _card(contact, program)
    points = stand.welcome_points if joined else Decimal(0)
    if points > 0:
        ledger.accrue(
            account=ledger.account_for(program=program, contact=contact),
            points=points,
            at=now,
            kind=EntryKind.REWARD,
            reason=f"welcome points at the stand {stand.code}",  # data, not a page's text: not translated
            user=user if getattr(user, "is_authenticated", False) else None,
        )
    lead.contact, lead.card, lead.created, lead.welcome_points = contact, card, created, points
    lead.save(update_fields=["contact", "card", "created", "welcome_points", "updated_at"])
    Stand.objects.filter(pk=stand.pk).update(lead_count=F("lead_count") + 1)
    event_record(
        contact_id=contact.pk,
        type="lead_captured",
        at=at,
        brand_id=stand.brand_id,
        data={"stand": stand.code, "lead": lead.pk, "created": created, "joined": joined, "points": str(points)},
    )
    return lead


def _contact_for(clean: _Clean, *, marketing: bool, user: Any) -> tuple[Contact, bool]:
    """The contact holding the phone (filled in where it lacks something), or a new one."""
    contact = contact_by_phone(clean.phone)
    if contact is None:
        data: dict[str, Any] = {
            "phone": clean.phone,
            "email": clean.email,
            "first_name": clean.first_name,
            "birth_date": clean.birth_date,
            "subscribed_sms": marketing,
            "subscribed_email": marketing and bool(clean.email),
        }
        try:
            return contact_create(data=data, user=user, source=ContactSource.PROMOTER), True
        except Conflict as exc:  # registered meanwhile by another request: that contact is the one
            if exc.code != "duplicate_contact":
                raise
            contact = Contact.objects.get(pk=exc.fields["existing_id"])
    changes: dict[str, Any] = {}
    if clean.first_name and not contact.first_name:
        changes["first_name"] = clean.first_name
    if clean.email and not contact.email:
        changes["email"] = clean.email
    if clean.birth_date and not contact.birth_date:
        changes["birth_date"] = clean.birth_date
    if marketing:
        if not contact.subscribed_sms:
            changes["subscribed_sms"] = True
        if (contact.email or clean.email) and not contact.subscribed_email:
            changes["subscribed_email"] = True
    if changes:
        contact = contact_update(contact=contact, data=changes, user=user, source=ContactSource.PROMOTER)
    return contact, False


def _card(contact: Contact, program: Program) -> Card | None:
    """The contact's active card in the program, or a new one (enrolling the contact either way)."""
    card = (
        Card.objects.filter(contact=contact, card_type__program=program, status=CardStatus.ACTIVE)
        .order_by("pk")
        .first()
    )
    if card is not None:
        enrollment_ensure(contact=contact, program=program)
        return card
    if not program.card_types.exists():
        enrollment_ensure(contact=contact, program=program)
        return None
    return card_issue(contact=contact, program=program)
