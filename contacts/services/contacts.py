"""Creating and changing contacts: normalisation, blacklist, duplicates, confirmation, audit."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput
from contacts.choices import AuditAction
from contacts.models import Contact, ContactAuditLog
from contacts.normalize import normalize_email, normalize_phone
from contacts.selectors import blacklist_match
from contacts.services.events import event_record
from contacts.services.subscriptions import subscription_changes_record, subscriptions_of

# The contact's editable fields, and where it came from (the callers say: admin, API, import).
EDITABLE_FIELDS = (*Contact.EDITABLE_FIELDS, "source")


def registered_data(contact: Contact) -> dict[str, Any]:
    """The `contact_registered` event's data: where the contact came from (admin, api, import...)."""
    return {"source": contact.source}


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def prepare_contact_data(data: dict[str, Any], *, instance: Contact | None = None) -> dict[str, Any]:
    """Normalise phone and e-mail and check the rules that need no write: at least one, not blacklisted.

    Raises InvalidInput (`invalid` with fields, or `blacklisted`).
    """
    cleaned = {key: value for key, value in data.items() if key in EDITABLE_FIELDS}
    errors: dict[str, list[str]] = {}
    for field, normalizer in (("phone", normalize_phone), ("email", normalize_email)):
        if field in cleaned:
            try:
                cleaned[field] = normalizer(cleaned[field])
            except ValidationError as exc:
                errors[field] = list(exc.messages)
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    phone = cleaned.get("phone", instance.phone if instance else None)
    email = cleaned.get("email", instance.email if instance else None)
    if not phone and not email:
        raise InvalidInput(
            _("A contact needs a phone or an e-mail."),
            fields={"phone": [_("Give a phone or an e-mail.")], "email": [_("Give a phone or an e-mail.")]},
        )
    entry = blacklist_match(phone=phone, email=email)
    if entry is not None:
        field = "phone" if phone and entry.phone == phone else "email"
        raise InvalidInput(
            _("This %(field)s is on the blacklist.") % {"field": field},
            code="blacklisted",
            fields={field: [_("Blacklisted.")]},
        )
    return cleaned


def _raise_duplicate(phone: str | None, *, exclude_pk: int | None = None) -> None:
    if not phone:
        return
    others = Contact.objects.filter(phone=phone)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    existing = others.values_list("pk", flat=True).first()
    if existing is not None:
        raise Conflict(
            _("This phone belongs to another contact."),
            code="duplicate_contact",
            fields={"existing_id": existing, "phone": [_("Already registered.")]},
        )


def _apply_confirmation(contact: Contact, user: Any, *, was_phone: bool, was_email: bool) -> None:
    now = timezone.now()
    actor = user if getattr(user, "is_authenticated", False) else None
    if contact.phone_confirmed and not was_phone:
        contact.phone_confirmed_at, contact.phone_confirmed_by = now, actor
    if not contact.phone_confirmed:
        contact.phone_confirmed_at, contact.phone_confirmed_by = None, None
    if contact.email_confirmed and not was_email:
        contact.email_confirmed_at, contact.email_confirmed_by = now, actor
    if not contact.email_confirmed:
        contact.email_confirmed_at, contact.email_confirmed_by = None, None


def _audit(contact: Contact, user: Any, action: str, changes: dict[str, Any], source: str = "") -> None:
    ContactAuditLog.objects.create(
        contact=contact,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        source=source,
        changes={key: _json_value(value) for key, value in changes.items()},
    )


@transaction.atomic
def contact_create(*, data: dict[str, Any], user: Any = None, source: str | None = None) -> Contact:
    """Create a contact after normalisation, blacklist and duplicate checks; writes an audit row and records
    `contact_registered` (no brand: the triggers of the brands it is enrolled in by the commit fire)."""
    cleaned = prepare_contact_data(data)
    if source:
        cleaned["source"] = source
    _raise_duplicate(cleaned.get("phone"))
    contact = Contact(**cleaned)
    _apply_confirmation(contact, user, was_phone=False, was_email=False)
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        _raise_duplicate(cleaned.get("phone"))
        raise
    _audit(contact, user, AuditAction.CREATED, cleaned, source=contact.source)
    subscription_changes_record(contact=contact, before=None, user=user, source=contact.source)
    event_record(contact_id=contact.pk, type="contact_registered", at=contact.created_at, data=registered_data(contact))
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, data: dict[str, Any], user: Any = None, source: str = "") -> Contact:
    """Change a contact; the same checks as on create; writes an audit row of what changed (and of subscriptions
    switched, with `source`: admin, api...)."""
    cleaned = prepare_contact_data(data, instance=contact)
    if "phone" in cleaned:
        _raise_duplicate(cleaned["phone"], exclude_pk=contact.pk)
    was_phone, was_email = contact.phone_confirmed, contact.email_confirmed
    subscriptions = subscriptions_of(contact)
    if "phone" in cleaned and cleaned["phone"] != contact.phone and "phone_confirmed" not in cleaned:
        cleaned["phone_confirmed"] = False
    if "email" in cleaned and cleaned["email"] != contact.email and "email_confirmed" not in cleaned:
        cleaned["email_confirmed"] = False
    changes = {key: value for key, value in cleaned.items() if getattr(contact, key) != value}
    for key, value in cleaned.items():
        setattr(contact, key, value)
    _apply_confirmation(contact, user, was_phone=was_phone, was_email=was_email)
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        _raise_duplicate(contact.phone, exclude_pk=contact.pk)
        raise
    if changes:
        confirmed = {"phone_confirmed", "email_confirmed"} & set(changes)
        action = AuditAction.CONFIRMED if confirmed == set(changes) else AuditAction.UPDATED
        _audit(contact, user, action, changes, source=source)
        subscription_changes_record(contact=contact, before=subscriptions, user=user, source=source)
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, user: Any = None) -> None:
    contact.delete()
