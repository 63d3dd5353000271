"""Contact events: recorded one at a time or in batches, each client id once per sender, listeners told on commit;
a service's events stored exactly as the ORM stores them (PostgreSQL writes them by hand)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common import events_bus
from contacts.events import ContactEvent
from contacts.services.events import event_record, events_ingest, events_record
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


FIELDS = ("contact_id", "type", "at", "sku", "data", "brand_id", "origin", "client_id", "dispatched_at")


def test_a_services_events_are_stored_field_for_field_as_the_orm_stores_them(
    django_capture_on_commit_callbacks,
):
    # given: events of every shape a service makes (data nested, none, an SKU, a brand or none, a sender's id)
    contact, other = ContactFactory(), ContactFactory()
    at = timezone.now().replace(microsecond=123456) - timedelta(days=2)

    def made() -> list[ContactEvent]:
        return [
            ContactEvent(
                contact=contact,
                type="purchase_confirmed",
                at=at,
                data={"total": "1 000.50", "purchase": {"id": 7, "store": "Тверская"}},
                brand_id=5,
            ),
            ContactEvent(contact=other, type="tier_changed", at=at + timedelta(seconds=1), data={"tier": None}),
            ContactEvent(
                contact_id=contact.pk, type="product_viewed", at=at, sku="SH-1", origin="register:3", client_id="c-1"
            ),
            ContactEvent(contact=other, type="points_accrued", at=at, data={}, brand_id=None),
        ]

    def stored() -> list[tuple]:
        rows = ContactEvent.objects.order_by("pk").values_list(*FIELDS)
        return [tuple(row) for row in rows]

    ContactEvent.objects.bulk_create(made())
    expected = stored()
    ContactEvent.objects.all().delete()
    before = timezone.now()

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        events_record(made())

    # then: the same rows, recorded now, and the listeners told once the transaction commits
    assert stored() == expected
    assert all(
        before <= created <= timezone.now() for created in ContactEvent.objects.values_list("created_at", flat=True)
    )
    assert len(callbacks) == len(events_bus._listeners)
    events_record([])
    assert ContactEvent.objects.count() == 4
