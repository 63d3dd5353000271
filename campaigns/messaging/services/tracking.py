"""Opens and clicks of e-mails: the message remembers the first of each, and each is an event of the contact
(`email_opened` once per message, `email_clicked` per click) for segment rules and triggers."""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce

from campaigns.messaging.models import Message
from contacts.services.events import event_record


def _event(message: Message, type: str, at: datetime, **data: object) -> None:
    if message.contact_id is None:  # a login code to a phone of no contact: nobody to record it for
        return
    event_record(
        contact_id=message.contact_id,
        type=type,
        at=at,
        data={"message": message.pk, "trigger": message.trigger_id, **data},
        brand_id=message.brand_id,
        origin="tracking",
    )


@transaction.atomic
def message_opened(*, message_id: int, at: datetime) -> bool:
    """The first open of a message is recorded (later ones change nothing); returns whether this was it."""
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return False
    first = Message.objects.filter(pk=message_id, opened_at__isnull=True).update(opened_at=at) == 1
    if first:
        _event(message, "email_opened", at)
    return first


@transaction.atomic
def message_clicked(*, message_id: int, url: str, at: datetime) -> None:
    """A click: counted, the first remembered, an event recorded; a click is an open too (images may be off)."""
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return
    message_opened(message_id=message_id, at=at)
    Message.objects.filter(pk=message_id).update(clicks=F("clicks") + 1, clicked_at=Coalesce("clicked_at", at))
    _event(message, "email_clicked", at, url=url[:2000])
