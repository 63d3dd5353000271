"""Creating contacts in bulk (file imports): one INSERT per batch for the contacts and one for their audit rows."""

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput
from contacts.choices import AuditAction, ContactSource
from contacts.models import BlacklistEntry, Contact, ContactAuditLog, ContactEvent, SubscriptionChange
from contacts.services.contacts import EDITABLE_FIELDS, _json_value, registered_data
from contacts.services.events import events_record
from contacts.services.subscriptions import SUBSCRIPTION_FIELDS

BATCH_SIZE = 500  # values per lookup
INSERT_BATCH_SIZE = 2000  # rows per INSERT (PostgreSQL: UNNEST arrays; SQLite: Django caps it at its own limit)


def _first_taken(phones: list[str]) -> tuple[str, int] | None:
    for start in range(0, len(phones), BATCH_SIZE):
        found = Contact.objects.filter(phone__in=phones[start : start + BATCH_SIZE]).values_list("phone", "pk").first()
        if found is not None:
            return str(found[0]), found[1]
    return None


def _first_blacklisted(field: str, values: list[str]) -> str | None:
    for start in range(0, len(values), BATCH_SIZE):
        found = (
            BlacklistEntry.objects.filter(**{f"{field}__in": values[start : start + BATCH_SIZE]})
            .values_list(field, flat=True)
            .first()
        )
        if found is not None:
            return found
    return None


@transaction.atomic
def contact_bulk_create(
    *, contacts: Sequence[Contact], user: Any = None, source: str = ContactSource.IMPORT
) -> list[Contact]:
    """Insert new contacts, each with its `created` audit row and `contact_registered` event, all or none.

    The contacts come normalised and checked one by one by the caller (an import checks every row and
    reports each failure on its row). The rules that depend on the database are checked again here for the
    whole batch in a few queries, so that a phone blacklisted or registered meanwhile is refused:
    InvalidInput `blacklisted` or Conflict `duplicate_contact`, naming the first offender.
    """
    contacts = list(contacts)
    if not contacts:
        return []
    phones = [contact.phone for contact in contacts if contact.phone]
    emails = [contact.email for contact in contacts if contact.email]
    if any(not contact.phone and not contact.email for contact in contacts):
        raise InvalidInput(_("A contact needs a phone or an e-mail."))
    if len(set(phones)) != len(phones):
        raise Conflict(_("A phone appears twice in the batch."), code="duplicate_contact")
    for field, values in (("phone", phones), ("email", emails)):
        blacklisted = _first_blacklisted(field, values)
        if blacklisted is not None:
            raise InvalidInput(
                _("%(value)s is on the blacklist.") % {"value": blacklisted},
                code="blacklisted",
                fields={field: [_("Blacklisted.")]},
            )
    taken = _first_taken(phones)
    if taken is not None:
        raise Conflict(
            _("The phone %(phone)s belongs to another contact.") % {"phone": taken[0]},
            code="duplicate_contact",
            fields={"existing_id": taken[1], "phone": [_("Already registered.")]},
        )
    for contact in contacts:
        contact.source = source
        contact.phone_confirmed = contact.email_confirmed = False
    if connection.features.can_return_rows_from_bulk_insert:
        Contact.objects.bulk_create(contacts, batch_size=INSERT_BATCH_SIZE)
    else:  # pragma: no cover - PostgreSQL and SQLite 3.35+ return the new ids
        for contact in contacts:
            contact.save(force_insert=True)
    actor = user if getattr(user, "is_authenticated", False) else None
    ContactAuditLog.objects.bulk_create(
        [
            ContactAuditLog(
                contact=contact,
                user=actor,
                action=AuditAction.CREATED,
                source=source,
                changes={
                    field: _json_value(getattr(contact, field))
                    for field in EDITABLE_FIELDS
                    if getattr(contact, field) not in (None, "", False) or field == "source"
                },
            )
            for contact in contacts
        ],
        batch_size=INSERT_BATCH_SIZE,
    )
    SubscriptionChange.objects.bulk_create(
        [
            SubscriptionChange(contact=contact, channel=channel, subscribed=True, user=actor, source=source)
            for contact in contacts
            for channel, field in SUBSCRIPTION_FIELDS.items()
            if getattr(contact, field)
        ],
        batch_size=INSERT_BATCH_SIZE,
    )
    events_record(
        [
            ContactEvent(
                contact=contact, type="contact_registered", at=contact.created_at, data=registered_data(contact)
            )
            for contact in contacts
        ]
    )
    return contacts
