"""Creating contacts in bulk (file imports): per batch, one query per chunk for the checks, then one COPY on
PostgreSQL (elsewhere `bulk_create`) for the contacts and for each kind of row that follows them: audit rows,
subscription changes, events."""

from collections.abc import Collection, Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Lookup, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput
from common.events_bus import events_recorded
from contacts.choices import AuditAction, ContactSource
from contacts.models import BlacklistEntry, Contact, ContactAuditLog, ContactEvent, SubscriptionChange
from contacts.services.bulk import instances_insert, rows_insert
from contacts.services.contacts import EDITABLE_FIELDS, _json_value, registered_data
from contacts.services.subscriptions import SUBSCRIPTION_FIELDS

REGISTERED = "contact_registered"
LOOKUP_CHUNK = 2000  # values per lookup (see lookup_chunk)


def lookup_chunk() -> int:
    """Values per `IN (...)` of a lookup: 2000, or fewer where the database limits a query's parameters (SQLite
    before 3.32: 999) so that two lists of them fit in one query."""
    limit = connection.features.max_query_params
    return LOOKUP_CHUNK if limit is None else max(1, min(LOOKUP_CHUNK, limit // 2 - 10))


def chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _AnyOf(Lookup):
    """`field = ANY(%s)` with the values as one array parameter (PostgreSQL)."""

    lookup_name = "any_of"  # used as an expression, not registered on any field
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)


def one_of(field: str, values: Collection[str]) -> Q:
    """`field IN (values)`; on PostgreSQL `field = ANY(%s)`, one array parameter: 2000 values cost the client a
    quarter of the time 2000 parameters do."""
    if connection.vendor == "postgresql":
        return Q(_AnyOf(F(field), list(values)))
    return Q(**{f"{field}__in": values})


def taken_phones(phones: Sequence[str]) -> dict[str, int]:
    """The phones of `phones` that contacts hold, each with the contact's id: one query per chunk."""
    taken: dict[str, int] = {}
    for chunk in chunks(phones, lookup_chunk()):
        taken.update(Contact.objects.filter(one_of("phone", chunk)).order_by().values_list("phone", "pk"))
    return taken


def blacklisted(phones: Sequence[str], emails: Sequence[str]) -> tuple[set[str], set[str]]:
    """The phones and the e-mails (both normalised) on the blacklist: one query per chunk (a chunk of the phones and
    one of the e-mails together)."""
    size = lookup_chunk()
    found_phones: set[str] = set()
    found_emails: set[str] = set()
    phone_chunks, email_chunks = list(chunks(phones, size)), list(chunks(emails, size))
    for index in range(max(len(phone_chunks), len(email_chunks))):
        phone_chunk = set(phone_chunks[index]) if index < len(phone_chunks) else set()
        email_chunk = set(email_chunks[index]) if index < len(email_chunks) else set()
        condition = Q(pk__in=[])
        if phone_chunk:
            condition |= one_of("phone", phone_chunk)
        if email_chunk:
            condition |= one_of("email", email_chunk)
        for phone, email in BlacklistEntry.objects.filter(condition).order_by().values_list("phone", "email"):
            if phone in phone_chunk:
                found_phones.add(phone)
            if email in email_chunk:
                found_emails.add(email)
    return found_phones, found_emails


@transaction.atomic
def contact_bulk_create(
    *, contacts: Sequence[Contact], user: Any = None, source: str = ContactSource.IMPORT, rehearsal: bool = False
) -> list[Contact]:
    """Insert new contacts, each with its `created` audit row, its subscription changes and its
    `contact_registered` event, all or none.

    The contacts come normalised and checked one by one by the caller (an import checks every row and
    reports each failure on its row). The rules that depend on the database are checked again here for the
    whole batch, one query per chunk of it, so that a phone blacklisted or registered meanwhile is refused:
    InvalidInput `blacklisted` or Conflict `duplicate_contact`, naming the first offender. The contacts are
    inserted with `instances_insert` (their ids set), the rows that follow them with `rows_insert`.

    `rehearsal`: for a dry run that the caller rolls back (an import's preview): the checks and the contacts' insert
    (where the database could refuse a row), not the rows that follow them, which it could not refuse.
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
    black_phones, black_emails = blacklisted(phones, emails)
    for field, values, black in (("phone", phones, black_phones), ("email", emails, black_emails)):
        first = next((value for value in values if value in black), None)
        if first is not None:
            raise InvalidInput(
                _("%(value)s is on the blacklist.") % {"value": first},
                code="blacklisted",
                fields={field: [_("Blacklisted.")]},
            )
    taken = taken_phones(phones)
    if taken:
        phone = next(phone for phone in phones if phone in taken)
        raise Conflict(
            _("The phone %(phone)s belongs to another contact.") % {"phone": phone},
            code="duplicate_contact",
            fields={"existing_id": taken[phone], "phone": [_("Already registered.")]},
        )
    for contact in contacts:
        contact.source = source
        contact.phone_confirmed = contact.email_confirmed = False
    if connection.vendor == "postgresql" or connection.features.can_return_rows_from_bulk_insert:
        instances_insert(Contact, contacts)
    else:  # pragma: no cover - PostgreSQL and SQLite 3.35+ return the new ids
        for contact in contacts:
            contact.save(force_insert=True)
    if rehearsal:
        return contacts
    actor_id = user.pk if getattr(user, "is_authenticated", False) else None
    now = timezone.now()
    rows_insert(
        ContactAuditLog,
        ("contact_id", "user_id", "action", "source", "changes", "at"),
        ((contact.pk, actor_id, AuditAction.CREATED, source, _created_changes(contact), now) for contact in contacts),
    )
    rows_insert(
        SubscriptionChange,
        ("contact_id", "channel", "subscribed", "user_id", "source", "at"),
        (
            (contact.pk, channel, True, actor_id, source, now)
            for contact in contacts
            for channel, field in SUBSCRIPTION_FIELDS.items()
            if getattr(contact, field)
        ),
    )
    rows_insert(
        ContactEvent,
        ("contact_id", "type", "at", "data", "sku", "brand_id", "origin", "client_id", "created_at"),
        (
            (contact.pk, REGISTERED, contact.created_at, registered_data(contact), "", None, "system", "", now)
            for contact in contacts
        ),
    )
    events_recorded()
    return contacts


def _created_changes(contact: Contact) -> dict[str, Any]:
    """The `created` audit row's changes: the fields given, and where the contact came from."""
    return {
        field: _json_value(getattr(contact, field))
        for field in EDITABLE_FIELDS
        if getattr(contact, field) not in (None, "", False) or field == "source"
    }
