"""What a customer changes in their own account: their name, e-mail, birth date (once) and subscriptions, and
blocking a lost card. Through the contact and card services, so history and audit are written as for staff."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError, InvalidInput
from contacts.models import Contact
from contacts.services import contact_update
from contacts.services.events import event_record
from loyalty.choices import CardStatus
from loyalty.models import Card
from loyalty.services.cards import card_block

# What the customer may change of themselves; the phone is how they log in, so it stays.
PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "birth_date",
    "subscribed_email",
    "subscribed_sms",
    "subscribed_push",
    "subscribed_messenger",
)
SOURCE = "account"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


@transaction.atomic
def account_profile_update(*, contact: Contact, data: dict[str, Any]) -> Contact:
    """Change the customer's own fields (audited, subscriptions recorded with source `account`). The birth date is
    set once: changing one already given is InvalidInput `birth_date_locked`."""
    changes = {key: value for key, value in data.items() if key in PROFILE_FIELDS}
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if "birth_date" in changes and contact.birth_date is not None and changes["birth_date"] != contact.birth_date:
        message = _("The birth date is set once; ask the shop to correct it.")
        raise InvalidInput(message, code="birth_date_locked", fields={"birth_date": [message]})
    if not changes:
        return contact
    return contact_update(contact=contact, data=changes, source=SOURCE)


@transaction.atomic
def account_card_block(*, contact: Contact, number: str) -> Card:
    """Block one of the customer's own cards (a lost one); blocking a blocked card changes nothing. Any other
    number is NotFound. Records `card_blocked` for the contact."""
    card = (
        Card.objects.select_for_update(of=("self",))
        .select_related("card_type")
        .filter(contact=contact, number=str(number).strip())
        .first()
    )
    if card is None:
        raise NotFound(_("No such card."))
    if card.status != CardStatus.BLOCKED:
        card_block(card=card)
        event_record(
            contact_id=contact.pk, type="card_blocked", at=timezone.now(), data={"card": card.number}, origin=SOURCE
        )
    return card
