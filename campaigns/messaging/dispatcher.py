"""The dispatcher: contact events not yet seen become messages of the triggers they fire, and are marked seen.

Events are claimed in batches with `SELECT ... FOR UPDATE SKIP LOCKED` (several dispatchers never take one event
twice), each active trigger of the event's type and brand whose conditions and audience match makes one message
(a unique constraint on trigger and event makes a repeat impossible), and the batch's events are marked dispatched
in the same transaction. An event recorded without a brand fires the triggers of the brands whose program the
contact is enrolled in.
"""

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from campaigns.messaging import conditions
from campaigns.messaging.audience import Audiences
from campaigns.messaging.choices import Channel, MessageStatus, Purpose
from campaigns.messaging.links import is_html, unsubscribe_url
from campaigns.messaging.models import Message, Trigger
from campaigns.messaging.scheduling import CapCounter, scheduled_time
from campaigns.messaging.suppression import Blacklist, address, suppression_reason
from campaigns.messaging.templating import message_context, render
from contacts.models import Contact, ContactEvent
from loyalty.models import Brand, Enrollment
from loyalty.selectors import account_find, balance_quick

BATCH_SIZE = 500


def dispatch_pending(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Dispatch every undispatched event, batch by batch; returns how many messages were made."""
    made = 0
    while True:
        batch_made, seen = _dispatch_batch(now or timezone.now(), batch_size)
        made += batch_made
        if seen < batch_size:
            return made


@transaction.atomic
def _dispatch_batch(now: datetime, batch_size: int) -> tuple[int, int]:
    events = _claim(batch_size)
    if not events:
        return 0, 0
    messages = _messages_for(events, now)
    Message.objects.bulk_create(messages, ignore_conflicts=True)
    ContactEvent.objects.filter(pk__in=[event.pk for event in events]).update(dispatched_at=now)
    return len(messages), len(events)


def _claim(batch_size: int) -> list[ContactEvent]:
    """The oldest undispatched events, locked (skipping those another dispatcher holds).

    On PostgreSQL the claim walks the undispatched index in order (bitmap scans off for this statement). Every
    dispatched event leaves a dead entry in that partial index until a vacuum, and a large events table is vacuumed
    rarely (autovacuum waits for a fifth of it to change). A bitmap scan, which the planner picks for a few
    expected rows, visits the heap for every dead entry, every time: 8.7 ms per claim after 30,000 confirms in the
    bench. An index scan marks the dead entries it meets as such, so the next claims skip them: 0.2 ms."""
    claim = ContactEvent.objects.filter(dispatched_at__isnull=True).order_by("pk").select_for_update(skip_locked=True)
    if connection.vendor != "postgresql":
        return list(claim[:batch_size])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        events = list(claim[:batch_size])
        cursor.execute("RESET enable_bitmapscan")
    return events


def _brands_of(contact_ids: set[int]) -> dict[int, set[int]]:
    """The brands of the programs each contact is enrolled in."""
    brands_by_program: dict[int, set[int]] = defaultdict(set)
    for brand_id, program_id in Brand.objects.values_list("pk", "program_id"):
        brands_by_program[program_id].add(brand_id)
    result: dict[int, set[int]] = defaultdict(set)
    for contact_id, program_id in Enrollment.objects.filter(contact_id__in=contact_ids).values_list(
        "contact_id", "program_id"
    ):
        result[contact_id] |= brands_by_program[program_id]
    return result


def _messages_for(events: list[ContactEvent], now: datetime) -> list[Message]:
    triggers: dict[tuple[str, int], list[Trigger]] = defaultdict(list)
    for trigger in Trigger.objects.filter(active=True, event__in={event.type for event in events}).select_related(
        "brand", "segment"
    ):
        triggers[(trigger.event, trigger.brand_id)].append(trigger)
    if not triggers:
        return []
    contacts = Contact.objects.in_bulk({event.contact_id for event in events})
    brandless = {event.contact_id for event in events if event.brand_id is None}
    enrolled = _brands_of(brandless) if brandless else {}
    audiences = Audiences(
        [trigger for group in triggers.values() for trigger in group], {event.contact_id for event in events}
    )
    fired: list[tuple[Trigger, ContactEvent, Contact, datetime | None]] = []
    for event in events:
        contact = contacts.get(event.contact_id)
        if contact is None:
            continue
        brand_ids = {event.brand_id} if event.brand_id is not None else enrolled.get(event.contact_id, set())
        for brand_id in sorted(brand_ids):
            for trigger in triggers.get((event.type, brand_id), ()):
                matched, not_before = conditions.match(trigger.conditions or {}, event, contact)
                if matched and audiences.includes(trigger, contact.pk):
                    fired.append((trigger, event, contact, not_before))
    if not fired:
        return []
    blacklist = Blacklist(contact for _t, _e, contact, _n in fired)
    caps = CapCounter({trigger for trigger, *_rest in fired}, {contact.pk for _t, _e, contact, _n in fired}, now)
    return [
        _message(trigger, event, contact, not_before, now, blacklist, caps)
        for trigger, event, contact, not_before in fired
    ]


def _message(
    trigger: Trigger,
    event: ContactEvent,
    contact: Contact,
    not_before: datetime | None,
    now: datetime,
    blacklist: Blacklist,
    caps: CapCounter,
) -> Message:
    message = Message(
        brand_id=trigger.brand_id,
        trigger=trigger,
        contact=contact,
        source_event=event,
        event=event.type,
        purpose=Purpose.TRIGGER,
        channel=trigger.channel,
        to=address(contact, trigger.channel),
        scheduled_at=now,
    )
    reason = suppression_reason(
        contact=contact,
        channel=trigger.channel,
        purpose=Purpose.TRIGGER,
        confirmed_only=trigger.confirmed_only,
        blacklist=blacklist,
    )
    if not reason and not caps.allows(trigger, contact.pk):
        reason = "frequency_cap"
    if reason:
        message.status, message.reason = MessageStatus.SUPPRESSED, reason
    else:
        caps.add(trigger, contact.pk)
        message.scheduled_at = scheduled_time(
            trigger=trigger, contact_id=contact.pk, event=event, now=now, not_before=not_before
        )
    try:
        message.subject, message.body = render_trigger(trigger, contact, event)
    except Exception as exc:  # a template that rendered on save may still fail on an event's data
        message.status, message.reason = MessageStatus.FAILED, f"template: {exc}"[:500]
    return message


def render_trigger(trigger: Trigger, contact: Contact, event: ContactEvent | None) -> tuple[str, str]:
    """The subject and body of a trigger's message to a contact (also the admin's preview)."""
    program = trigger.brand.program

    def balance() -> Any:
        return balance_quick(account=account_find(program=program, contact=contact))["active"]

    def tier() -> str:
        enrollment = Enrollment.objects.filter(contact=contact, program=program).select_related("tier").first()
        return enrollment.tier.name if enrollment is not None and enrollment.tier is not None else ""

    context = message_context(
        contact=contact,
        event=event,
        unsubscribe_url=lambda: unsubscribe_url(contact.pk, trigger.channel),
        balance=balance,
        tier=tier if event is None or "tier" not in (event.data or {}) else None,
    )
    escape = trigger.channel == Channel.EMAIL and is_html(trigger.template)
    subject = render(trigger.subject, context).strip()
    return subject, render(trigger.template, context, autoescape=escape)
