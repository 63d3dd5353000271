"""Helpers of the messaging tests: a brand with a subscribed, enrolled contact; triggers saved through the service;
events recorded the way apps record them; gateways that fail on purpose."""

from datetime import datetime
from typing import Any

from django.utils import timezone

from campaigns.messaging.dispatcher import dispatch_pending
from campaigns.messaging.models import Message, Trigger
from campaigns.messaging.relay import Relayed, relay_due
from campaigns.messaging.services.triggers import trigger_save
from contacts.models import Contact
from contacts.services.events import event_record
from loyalty.models import Brand
from tests.factories import BrandFactory, ContactFactory, EnrollmentFactory


def subscribed_contact(brand: Brand | None = None, **fields: Any) -> Contact:
    values = {
        "subscribed_email": True,
        "subscribed_sms": True,
        "subscribed_push": True,
        "subscribed_messenger": True,
        "phone_confirmed": True,
        "email_confirmed": True,
        **fields,
    }
    contact = ContactFactory(**values)
    if brand is not None:
        EnrollmentFactory(contact=contact, program=brand.program)
    return contact


def trigger(brand: Brand | None = None, **fields: Any) -> Trigger:
    data: dict[str, Any] = {
        "name": "Thanks",
        "brand": brand or BrandFactory(),
        "event": "purchase_confirmed",
        "channel": "sms",
        "template": "Thank you, {{ contact.first_name }}!",
        **fields,
    }
    return trigger_save(trigger=Trigger(), data=data)


def record(contact: Contact, type: str, *, brand: Brand | None = None, at: datetime | None = None, **kw: Any) -> Any:
    return event_record(
        contact_id=contact.pk, type=type, at=at or timezone.now(), brand_id=brand.pk if brand else None, **kw
    )


def dispatch_and_send(now: datetime | None = None) -> Relayed:
    dispatch_pending(now=now)
    return relay_due(now=now)


def only_message(**filters: Any) -> Message:
    return Message.objects.get(**filters)


class FlakyGateway:
    """Fails its first `failures` calls (counted across instances), then records like the log gateway."""

    deduplicates = True
    failures = 2
    calls = 0

    def __init__(self, **options: Any) -> None:
        pass

    def send_many(self, messages: list[Message]) -> dict[int, str | Exception]:
        from campaigns.messaging.gateways import GatewayError, LogGateway

        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            return {message.pk: GatewayError(f"gateway down ({type(self).calls})") for message in messages}
        return LogGateway().send_many(messages)
