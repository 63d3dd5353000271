"""The relay: due messages out to their gateways, each exactly once.

1. Claim (one short transaction): queued messages that are due and not claimed by a live worker, taken with
   `SELECT ... FOR UPDATE SKIP LOCKED` (two relays never take one message), checked again for suppression, and
   marked `claimed_at` with one more attempt. The claim is committed before any gateway is called.
2. Send, outside any transaction, with the message's idempotency key.
3. Mark: `sent`; or, on an error, queued again after a backoff, and `failed` with the error after the last attempt.

A worker that dies between 1 and 3 leaves its messages claimed; once the claim is older than
`MESSAGING_CLAIM_TIMEOUT` seconds another relay takes them again: with a gateway that deduplicates by the key
(log, HTTP) it sends again with the same key, which the gateway answers without delivering twice; with one that
cannot (SMTP) the message is marked `failed` ("interrupted") rather than risk a second copy.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from campaigns.messaging.choices import MessageStatus, Purpose, Suppression
from campaigns.messaging.gateways import Gateway, gateway_for
from campaigns.messaging.models import Message, Trigger
from campaigns.messaging.scheduling import cap_reached_at_send
from campaigns.messaging.suppression import Blacklist, address, address_suppression_reason, suppression_reason
from contacts.models import Contact

BATCH_SIZE = 200
INTERRUPTED = "interrupted: the worker stopped while sending, and this gateway cannot tell whether it was delivered"


@dataclass
class Relayed:
    sent: int = 0
    failed: int = 0
    suppressed: int = 0
    retried: int = 0
    claimed: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.retried} to retry, {self.failed} failed, {self.suppressed} suppressed"


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt: the base, doubled with each attempt made."""
    return timedelta(seconds=settings.MESSAGING_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def relay_due(*, now: datetime | None = None, batch_size: int = BATCH_SIZE, max_batches: int | None = None) -> Relayed:
    """Send what is due at `now`, batch by batch, until nothing due is left unclaimed."""
    result = Relayed()
    batches = 0
    gateways: dict[str, Gateway] = {}
    while max_batches is None or batches < max_batches:
        claimed, took = _claim(now or timezone.now(), batch_size, gateways, result)
        batches += 1
        if not took:
            break
        if claimed:
            _send(claimed, gateways, result)
    return result


def _gateway(gateways: dict[str, Gateway], channel: str) -> Gateway:
    if channel not in gateways:
        gateways[channel] = gateway_for(channel)
    return gateways[channel]


@transaction.atomic
def _claim(now: datetime, batch_size: int, gateways: dict[str, Gateway], result: Relayed) -> tuple[list[Message], bool]:
    """The messages to send now (claimed and committed), and whether any due message was found at all."""
    clock = timezone.now()
    stale = clock - timedelta(seconds=settings.MESSAGING_CLAIM_TIMEOUT)
    rows = list(
        Message.objects.filter(status=MessageStatus.QUEUED, scheduled_at__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .order_by("scheduled_at", "pk")
        .select_for_update(skip_locked=True, of=("self",))[:batch_size]
    )
    if not rows:
        return [], False
    result.claimed += len(rows)
    contacts = Contact.objects.in_bulk({message.contact_id for message in rows if message.contact_id is not None})
    triggers = Trigger.objects.in_bulk({message.trigger_id for message in rows if message.trigger_id})
    blacklist = Blacklist(contacts.values(), [message.to for message in rows if message.contact_id is None])
    claimed: list[Message] = []
    done: dict[tuple[str, str], list[int]] = defaultdict(list)
    for message in rows:
        contact = contacts[message.contact_id] if message.contact_id is not None else None
        trigger = triggers.get(message.trigger_id or 0)
        if contact is None:
            reason = address_suppression_reason(message.to, blacklist)
        else:
            reason = suppression_reason(
                contact=contact,
                channel=message.channel,
                purpose=message.purpose,
                confirmed_only=bool(trigger and trigger.confirmed_only),
                blacklist=blacklist,
            )
        if not reason and message.purpose == Purpose.TRIGGER and trigger and cap_reached_at_send(message, trigger, now):
            reason = Suppression.FREQUENCY_CAP
        if reason:
            done[(MessageStatus.SUPPRESSED, reason)].append(message.pk)
            result.suppressed += 1
        elif message.claimed_at is not None and not _gateway(gateways, message.channel).deduplicates:
            done[(MessageStatus.FAILED, INTERRUPTED)].append(message.pk)
            result.failed += 1
        else:
            to = address(contact, message.channel) if contact is not None else message.to
            if to != message.to:  # the contact's address changed since the message was made
                Message.objects.filter(pk=message.pk).update(to=to)
                message.to = to
            message.claimed_at, message.attempts = clock, message.attempts + 1
            claimed.append(message)
    for (status, reason), ids in done.items():
        Message.objects.filter(pk__in=ids).update(status=status, reason=reason, claimed_at=None)
    if claimed:
        Message.objects.filter(pk__in=[message.pk for message in claimed]).update(
            claimed_at=clock, attempts=F("attempts") + 1
        )
    return claimed, True


def _send(claimed: list[Message], gateways: dict[str, Gateway], result: Relayed) -> None:
    by_channel: dict[str, list[Message]] = defaultdict(list)
    for message in claimed:
        by_channel[message.channel].append(message)
    outcomes: dict[int, str | Exception] = {}
    for channel, messages in by_channel.items():
        try:
            outcomes |= _gateway(gateways, channel).send_many(messages)
        except Exception as exc:  # the gateway as a whole failed (its table, a connection): every message retries
            outcomes |= {message.pk: exc for message in messages}
    _mark(claimed, outcomes, result)


def _mark(claimed: list[Message], outcomes: dict[int, str | Exception], result: Relayed) -> None:
    """Record each outcome, only where the claim is still ours (a claim taken over meanwhile is the other's)."""
    now = timezone.now()
    plain_sent = []
    for message in claimed:
        outcome = outcomes.get(message.pk, Exception("no answer from the gateway"))
        if isinstance(outcome, Exception) or outcome:
            mine = Message.objects.filter(pk=message.pk, claimed_at=message.claimed_at)
        if isinstance(outcome, Exception):
            error = f"{type(outcome).__name__}: {outcome}"[:450]
            result.errors.append(error)
            if message.attempts >= settings.MESSAGING_MAX_ATTEMPTS:
                mine.update(status=MessageStatus.FAILED, reason=error, claimed_at=None)
                result.failed += 1
            else:
                retry_at = now + backoff(message.attempts)
                mine.update(reason=f"attempt {message.attempts}: {error}", claimed_at=None, scheduled_at=retry_at)
                result.retried += 1
        elif outcome:
            mine.update(status=MessageStatus.SENT, sent_at=now, reason="", claimed_at=None, provider_id=outcome)
            result.sent += 1
        else:
            plain_sent.append(message)
    if plain_sent:
        claimed_at = plain_sent[0].claimed_at
        Message.objects.filter(pk__in=[message.pk for message in plain_sent], claimed_at=claimed_at).update(
            status=MessageStatus.SENT, sent_at=now, reason="", claimed_at=None
        )
        result.sent += len(plain_sent)
