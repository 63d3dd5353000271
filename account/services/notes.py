"""The store assistant's notes of a conversation with a customer."""

from typing import Any

from django.utils.translation import gettext as _

from account.models import ContactNote
from common.errors import InvalidInput
from contacts.models import Contact
from loyalty.models import Store

MAX_NOTE = 2000


def contact_note_add(*, contact: Contact, store: Store, text: object, user: Any) -> ContactNote:
    """Keep a note on the contact for the store's brand, signed by the assistant; never changed afterwards."""
    cleaned = text.strip() if isinstance(text, str) else ""
    if not cleaned:
        raise InvalidInput(_("Write the note first."), fields={"text": [_("This field is required.")]})
    if len(cleaned) > MAX_NOTE:
        message = _("A note is at most %(count)d characters.") % {"count": MAX_NOTE}
        raise InvalidInput(message, fields={"text": [message]})
    author = user if getattr(user, "is_authenticated", False) else None
    return ContactNote.objects.create(
        contact=contact, brand_id=store.brand_id, store=store, author=author, text=cleaned
    )
