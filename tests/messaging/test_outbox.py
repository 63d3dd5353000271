"""The outbox: suppression when a message is made and just before it is sent, delay, quiet hours, the frequency
cap, retries with backoff, failure after the last attempt, and the idempotency key at the gateway."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from campaigns.messaging.choices import MessageStatus
from campaigns.messaging.dispatcher import dispatch_pending
from campaigns.messaging.models import Delivery, Message
from campaigns.messaging.relay import INTERRUPTED, relay_due
from campaigns.messaging.scheduling import after_quiet_hours
from contacts.models import BlacklistEntry
from tests.factories import BrandFactory, StoreFactory
from tests.messaging.support import FlakyGateway, dispatch_and_send, record, subscribed_contact, trigger

pytestmark = pytest.mark.django_db
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("channel", "contact_fields", "trigger_fields", "reason"),
    [
        ("sms", {"subscribed_sms": False}, {}, "unsubscribed"),
        ("email", {"subscribed_email": False}, {}, "unsubscribed"),
        ("push", {"subscribed_push": False}, {}, "unsubscribed"),
        ("messenger", {"subscribed_messenger": False}, {}, "unsubscribed"),
        ("email", {"email": None}, {}, "no_address"),
        ("sms", {"phone": None}, {}, "no_address"),
        ("sms", {"phone_confirmed": False}, {"confirmed_only": True}, "unconfirmed"),
        ("messenger", {"phone_confirmed": False}, {"confirmed_only": True}, "unconfirmed"),
        ("email", {"email_confirmed": False}, {"confirmed_only": True}, "unconfirmed"),
    ],
)
def test_a_message_is_suppressed_with_its_reason_when_made(channel, contact_fields, trigger_fields, reason):
    brand = BrandFactory()
    contact = subscribed_contact(brand, **contact_fields)
    trigger(brand, channel=channel, **trigger_fields)
    record(contact, "purchase_confirmed", brand=brand)

    result = dispatch_and_send()

    message = Message.objects.get()
    assert (message.status, message.reason) == (MessageStatus.SUPPRESSED, reason)
    assert result.sent == 0
    assert Delivery.objects.count() == 0


def test_an_unconfirmed_phone_gets_the_message_when_the_trigger_does_not_ask():
    brand = BrandFactory()
    contact = subscribed_contact(brand, phone_confirmed=False)
    trigger(brand, confirmed_only=False)
    record(contact, "purchase_confirmed", brand=brand)

    dispatch_and_send()

    assert Message.objects.get().status == MessageStatus.SENT


def test_a_blacklisted_phone_is_suppressed_when_made():
    brand = BrandFactory()
    contact = subscribed_contact(brand)
    BlacklistEntry.objects.create(phone=contact.phone, reason="asked")
    trigger(brand)
    record(contact, "purchase_confirmed", brand=brand)

    dispatch_and_send()

    assert (Message.objects.get().status, Message.objects.get().reason) == ("suppressed", "blacklisted")


@pytest.mark.parametrize("change", ["blacklist", "unsubscribe", "cap"])
def test_suppression_is_decided_again_just_before_sending(change):
    # given: a message queued for later (delay), then the contact is blacklisted, unsubscribes, or the cap fills
    brand = BrandFactory()
    contact = subscribed_contact(brand)
    delayed = trigger(brand, delay_minutes=30, max_per_contact=1, per_days=1)
    now = timezone.now()
    record(contact, "purchase_confirmed", brand=brand, at=now)
    dispatch_pending(now=now)
    message = Message.objects.get()
    assert message.status == MessageStatus.QUEUED
    if change == "blacklist":
        BlacklistEntry.objects.create(email=contact.email)
    elif change == "unsubscribe":
        contact.subscribed_sms = False
        contact.save()
    else:
        Message.objects.create(
            brand=brand, trigger=delayed, contact=contact, channel="sms", status="sent", sent_at=now, scheduled_at=now
        )

    # when: the relay runs after the delay
    relay_due(now=now + timedelta(minutes=31))

    # then
    message.refresh_from_db()
    expected = {"blacklist": "blacklisted", "unsubscribe": "unsubscribed", "cap": "frequency_cap"}[change]
    assert (message.status, message.reason) == (MessageStatus.SUPPRESSED, expected)


def test_the_delay_postpones_the_message():
    brand = BrandFactory()
    contact = subscribed_contact(brand)
    trigger(brand, delay_minutes=45)
    now = timezone.now()
    record(contact, "purchase_confirmed", brand=brand, at=now)
    dispatch_pending(now=now)

    early = relay_due(now=now + timedelta(minutes=44))
    late = relay_due(now=now + timedelta(minutes=46))

    message = Message.objects.get()
    assert message.scheduled_at == now + timedelta(minutes=45)
    assert (early.sent, late.sent, message.status) == (0, 1, MessageStatus.SENT)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ((2026, 3, 10, 23, 30), (2026, 3, 11, 9, 0)),  # inside, before midnight: the next morning
        ((2026, 3, 11, 3, 0), (2026, 3, 11, 9, 0)),  # inside, after midnight: this morning
        ((2026, 3, 10, 22, 0), (2026, 3, 11, 9, 0)),  # the start is inside
        ((2026, 3, 10, 12, 0), (2026, 3, 10, 12, 0)),  # outside: as it is
        ((2026, 3, 10, 9, 0), (2026, 3, 10, 9, 0)),  # the end is outside
    ],
)
def test_quiet_hours_across_midnight(at, expected):
    result = after_quiet_hours(datetime(*at, tzinfo=MOSCOW), time(22, 0), time(9, 0), MOSCOW)
    assert result == datetime(*expected, tzinfo=MOSCOW)


def test_quiet_hours_within_a_day():
    at = datetime(2026, 3, 10, 13, 30, tzinfo=MOSCOW)
    assert after_quiet_hours(at, time(13, 0), time(14, 0), MOSCOW) == datetime(2026, 3, 10, 14, 0, tzinfo=MOSCOW)


def test_quiet_hours_in_the_stores_time_zone_hold_the_message_until_they_end():
    # given: quiet 22:00-09:00 in the store's time (Vladivostok), the event at 23:00 there
    brand = BrandFactory()
    store = StoreFactory(brand=brand, timezone="Asia/Vladivostok")
    contact = subscribed_contact(brand)
    trigger(brand, quiet_from=time(22, 0), quiet_to=time(9, 0), quiet_zone="store")
    vladivostok = ZoneInfo("Asia/Vladivostok")
    at = datetime(2026, 3, 10, 23, 0, tzinfo=vladivostok)
    record(contact, "purchase_confirmed", brand=brand, at=at, data={"store": store.pk})

    dispatch_pending(now=at)

    message = Message.objects.get()
    assert message.scheduled_at == datetime(2026, 3, 11, 9, 0, tzinfo=vladivostok)
    assert relay_due(now=datetime(2026, 3, 11, 8, 59, tzinfo=vladivostok)).sent == 0
    assert relay_due(now=datetime(2026, 3, 11, 9, 0, tzinfo=vladivostok)).sent == 1


def test_quiet_hours_in_the_contacts_time_use_the_project_zone_without_purchases():
    brand = BrandFactory()
    contact = subscribed_contact(brand)
    trigger(brand, quiet_from=time(21, 0), quiet_to=time(8, 30))
    at = datetime(2026, 3, 10, 22, 15, tzinfo=MOSCOW)
    record(contact, "purchase_confirmed", brand=brand, at=at)

    dispatch_pending(now=at)

    assert Message.objects.get().scheduled_at == datetime(2026, 3, 11, 8, 30, tzinfo=MOSCOW)


def test_the_frequency_cap_suppresses_beyond_the_limit():
    # given: at most 2 per 7 days; 3 events
    brand = BrandFactory()
    contact, other = subscribed_contact(brand), subscribed_contact(brand)
    trigger(brand, max_per_contact=2, per_days=7)
    for _ in range(3):
        record(contact, "purchase_confirmed", brand=brand)
    record(other, "purchase_confirmed", brand=brand)

    dispatch_and_send()

    statuses = list(Message.objects.filter(contact=contact).order_by("pk").values_list("status", "reason"))
    assert statuses == [("sent", ""), ("sent", ""), ("suppressed", "frequency_cap")]
    assert Message.objects.get(contact=other).status == "sent"


def test_the_frequency_cap_counts_only_its_window():
    brand = BrandFactory()
    contact = subscribed_contact(brand)
    capped = trigger(brand, max_per_contact=1, per_days=1)
    old = Message.objects.create(
        brand=brand, trigger=capped, contact=contact, channel="sms", scheduled_at=timezone.now()
    )
    Message.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2), status="sent")
    record(contact, "purchase_confirmed", brand=brand)

    dispatch_pending()

    assert Message.objects.exclude(pk=old.pk).get().status == MessageStatus.QUEUED


def test_a_gateway_that_fails_twice_then_succeeds(settings):
    # given: the SMS gateway fails its first two calls
    settings.MESSAGING_GATEWAYS = {"sms": {"backend": "tests.messaging.support.FlakyGateway"}}
    settings.MESSAGING_RETRY_BASE_SECONDS = 30
    FlakyGateway.calls, FlakyGateway.failures = 0, 2
    brand = BrandFactory()
    contact = subscribed_contact(brand)
    trigger(brand)
    now = timezone.now()
    record(contact, "purchase_confirmed", brand=brand, at=now)
    dispatch_pending(now=now)

    # when: the relay runs now, then at each retry
    first = relay_due(now=now)
    message = Message.objects.get()
    after_first = (message.status, message.attempts, message.scheduled_at - now)
    second = relay_due(now=now + timedelta(seconds=31))
    message.refresh_from_db()
    after_second = (message.status, message.attempts)
    third = relay_due(now=message.scheduled_at + timedelta(seconds=1))

    # then: retried with a doubling backoff, sent on the third attempt, delivered once
    assert (first.retried, second.retried, third.sent) == (1, 1, 1)
    assert after_first[:2] == ("queued", 1)
    assert timedelta(seconds=29) < after_first[2] < timedelta(seconds=40)
    assert after_second == ("queued", 2)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.reason) == ("sent", 3, "")
    assert Delivery.objects.filter(key=message.key).count() == 1


def test_after_the_last_attempt_the_message_is_failed_with_the_error(settings):
    settings.MESSAGING_GATEWAYS = {"sms": {"backend": "tests.messaging.support.FlakyGateway"}}
    settings.MESSAGING_MAX_ATTEMPTS = 3
    FlakyGateway.calls, FlakyGateway.failures = 0, 100
    brand = BrandFactory()
    trigger(brand)
    record(subscribed_contact(brand), "purchase_confirmed", brand=brand)
    dispatch_pending()

    for hours in range(4):
        relay_due(now=timezone.now() + timedelta(hours=hours))

    message = Message.objects.get()
    assert (message.status, message.attempts) == ("failed", 3)
    assert message.reason == "GatewayError: gateway down (3)"


def test_a_message_claimed_by_a_dead_worker_is_sent_again_with_its_key_and_delivered_once(settings):
    # given: the worker recorded the delivery at the log gateway and died before marking the message
    settings.MESSAGING_CLAIM_TIMEOUT = 60
    brand = BrandFactory()
    trigger(brand)
    record(subscribed_contact(brand), "purchase_confirmed", brand=brand)
    dispatch_pending()
    message = Message.objects.get()
    Delivery.objects.create(key=message.key, message=message, channel="sms", to=message.to, body=message.body)
    Message.objects.filter(pk=message.pk).update(claimed_at=timezone.now() - timedelta(seconds=61), attempts=1)

    # when: a relay comes later
    result = relay_due()

    # then: sent with the same key, and the gateway has it once
    message.refresh_from_db()
    assert (result.sent, message.status, message.attempts) == (1, "sent", 2)
    assert Delivery.objects.filter(key=message.key).count() == 1


def test_a_live_claim_is_left_alone(settings):
    settings.MESSAGING_CLAIM_TIMEOUT = 300
    brand = BrandFactory()
    trigger(brand)
    record(subscribed_contact(brand), "purchase_confirmed", brand=brand)
    dispatch_pending()
    Message.objects.update(claimed_at=timezone.now())

    assert relay_due().claimed == 0
    assert Message.objects.get().status == "queued"


def test_an_email_claimed_by_a_dead_worker_is_never_sent_twice(settings, mailoutbox):
    # given: SMTP cannot deduplicate; the worker died after claiming
    settings.MESSAGING_CLAIM_TIMEOUT = 60
    brand = BrandFactory()
    trigger(brand, channel="email", subject="Hi")
    record(subscribed_contact(brand), "purchase_confirmed", brand=brand)
    dispatch_pending()
    Message.objects.update(claimed_at=timezone.now() - timedelta(seconds=61), attempts=1)

    relay_due()

    message = Message.objects.get()
    assert (message.status, message.reason) == ("failed", INTERRUPTED)
    assert mailoutbox == []
