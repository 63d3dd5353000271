"""Subscriptions to the channels: each change recorded with who, when and source (contacts.SubscriptionChange)."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from contacts.choices import AuditAction
from contacts.models import Contact, ContactAuditLog, SubscriptionChange

# channel → the contact's field
SUBSCRIPTION_FIELDS = {
    "email": "subscribed_email",
    "sms": "subscribed_sms",
    "push": "subscribed_push",
    "messenger": "subscribed_messenger",
}


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def subscription_changes_record(
    *, contact: Contact, before: dict[str, bool] | None, user: Any = None, source: str = ""
) -> None:
    """Record the channels whose subscription differs from `before` (None: a new contact, its subscriptions on)."""
    changes = []
    for channel, field in SUBSCRIPTION_FIELDS.items():
        now = bool(getattr(contact, field))
        was = None if before is None else before.get(field)
        if (before is None and now) or (before is not None and was is not None and was != now):
            changes.append(
                SubscriptionChange(contact=contact, channel=channel, subscribed=now, user=_actor(user), source=source)
            )
    if changes:
        SubscriptionChange.objects.bulk_create(changes)


def subscriptions_of(contact: Contact) -> dict[str, bool]:
    return {field: bool(getattr(contact, field)) for field in SUBSCRIPTION_FIELDS.values()}


@transaction.atomic
def contact_subscription_set(
    *, contact: Contact, channel: str, subscribed: bool, user: Any = None, source: str = ""
) -> bool:
    """Switch one channel's subscription (an unsubscribe link, a preference page); returns whether it changed."""
    field = SUBSCRIPTION_FIELDS[channel]
    changed = (
        Contact.objects.filter(pk=contact.pk)
        .exclude(**{field: subscribed})
        .update(**{field: subscribed, "updated_at": timezone.now()})
    )
    setattr(contact, field, subscribed)
    if changed:
        SubscriptionChange.objects.create(
            contact=contact, channel=channel, subscribed=subscribed, user=_actor(user), source=source
        )
        ContactAuditLog.objects.create(
            contact=contact, user=_actor(user), action=AuditAction.UPDATED, source=source, changes={field: subscribed}
        )
    return bool(changed)
