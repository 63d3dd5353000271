"""Contact events: recorded one at a time or in batches, each client id once per sender, listeners told on commit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common import events_bus
from contacts.events import ContactEvent
from contacts.services.events import event_record, events_ingest
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_a_batch_keeps_each_client_id_once_within_it_and_across_batches():
    # given
    contact = ContactFactory()
    now = timezone.now()

    def batch(*ids: str) -> list[ContactEvent]:
        return [ContactEvent(contact=contact, type="product_viewed", at=now, client_id=client_id) for client_id in ids]

    # when
    first = events_ingest(origin="register:1", events=batch("a", "b", "a"))
    second = events_ingest(origin="register:1", events=batch("b", "c"))
    elsewhere = events_ingest(origin="register:2", events=batch("a"))

    # then
    assert (first.accepted, first.duplicates) == (2, 1)
    assert (second.accepted, second.duplicates) == (1, 1)
    assert (elsewhere.accepted, elsewhere.duplicates) == (1, 0)
    assert ContactEvent.objects.count() == 4


def test_listeners_hear_of_recorded_events_once_the_transaction_commits(django_capture_on_commit_callbacks):
    # given
    heard: list[str] = []

    def listener() -> None:
        heard.append("events")

    events_bus.listen(listener)
    contact = ContactFactory()

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event_record(contact_id=contact.pk, type="tier_changed", at=timezone.now() - timedelta(minutes=1))
        assert heard == []

    # then
    assert heard == ["events"]
    assert len(callbacks) >= 1
    events_bus._listeners.remove(listener)
