"""Exactly once under concurrency (PostgreSQL, real threads): two relays racing over the same outbox, and two
dispatchers over the same events."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from campaigns.messaging.dispatcher import dispatch_pending
from campaigns.messaging.models import Delivery, Message
from campaigns.messaging.relay import relay_due
from contacts.models import ContactEvent
from contacts.services.events import events_record
from tests.concurrency import run_in_threads
from tests.factories import BrandFactory
from tests.messaging.support import subscribed_contact, trigger

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MESSAGES = 600


def event(contact, brand) -> ContactEvent:
    return ContactEvent(contact=contact, type="purchase_confirmed", at=timezone.now(), brand_id=brand.pk)


class CountingGateway:
    """The log gateway, counting every message it is handed (a double send shows as a count above one)."""

    deduplicates = True
    handed: list[int] = []
    lock = threading.Lock()

    def __init__(self, **options: object) -> None:
        pass

    def send_many(self, messages: list[Message]) -> dict[int, str | Exception]:
        from campaigns.messaging.gateways import LogGateway

        with self.lock:
            type(self).handed.extend(message.pk for message in messages)
        return LogGateway().send_many(messages)


@pytest.fixture
def skip_sqlite(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL")
    # no kicks after each commit: the test runs the dispatchers and relays itself
    monkeypatch.setattr("campaigns.messaging.jobs._queue", lambda _name: None)


def test_two_relays_racing_send_each_message_once(skip_sqlite, settings):
    # given: 600 queued messages
    settings.MESSAGING_GATEWAYS = {"sms": {"backend": "tests.messaging.test_relay_concurrency.CountingGateway"}}
    CountingGateway.handed = []
    brand = BrandFactory()
    trigger(brand)
    contacts = [subscribed_contact(brand) for _ in range(MESSAGES // 20)]
    events_record([event(contacts[index % len(contacts)], brand) for index in range(MESSAGES)])
    assert dispatch_pending() == MESSAGES

    # when: two relays run at once, in small batches so they interleave
    results = run_in_threads(2, lambda _i: relay_due(batch_size=25))

    # then: every message handed to the gateway once, all sent, one delivery each
    assert not [result for result in results if isinstance(result, Exception)], results
    assert sorted(CountingGateway.handed) == sorted(Message.objects.values_list("pk", flat=True))
    assert Message.objects.filter(status="sent").count() == MESSAGES
    assert Delivery.objects.count() == MESSAGES
    assert all(result.sent > 0 for result in results)  # both took part


def test_two_dispatchers_racing_make_each_message_once(skip_sqlite):
    brand = BrandFactory()
    trigger(brand)
    contacts = [subscribed_contact(brand) for _ in range(10)]
    events_record([event(contacts[index % 10], brand) for index in range(400)])

    results = run_in_threads(2, lambda _i: dispatch_pending(batch_size=20))

    assert not [result for result in results if isinstance(result, Exception)], results
    assert sum(results) == 400
    assert Message.objects.count() == 400
