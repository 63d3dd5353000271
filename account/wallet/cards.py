"""Which card a wallet pass is of: one of the customer's own."""

from django.utils.translation import gettext as _

from account.services.profile import NotFound
from contacts.models import Contact
from loyalty.choices import CardStatus
from loyalty.models import Card


def own_card(contact: Contact, number: str | None) -> Card:
    """The customer's card of that number, or their first active one; NotFound for any other number."""
    cards = Card.objects.filter(contact=contact).select_related("card_type__program", "contact")
    if number:
        card = cards.filter(number=number).first()
    else:
        card = cards.filter(status=CardStatus.ACTIVE).order_by("pk").first()
    if card is None:
        raise NotFound(_("No such card."))
    return card
