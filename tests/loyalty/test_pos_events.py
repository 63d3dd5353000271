"""The checkout's events: a confirm records `purchase_confirmed`, `points_accrued` and `tier_changed` in one insert,
a refund `purchase_refunded`; in the receipt's transaction (nothing when it fails), with the register's brand; a
trigger on them makes its message once the receipt is committed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.messaging.models import Message
from contacts.models import ContactEvent
from tests.factories import TierFactory
from tests.loyalty.pos_support import confirm, line, make_shopper, make_till, ok, refund
from tests.messaging.support import trigger

pytestmark = pytest.mark.django_db


def shop():
    """Bronze from 0 at 5 %, Gold from 1,000.00 at 10 %; a shopper with 100 points."""
    till = make_till()
    TierFactory(program=till.program, name="Bronze", min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    TierFactory(program=till.program, name="Gold", min_spend=Decimal("1000"), accrual_percent=Decimal("10"))
    return till, make_shopper(till, points="100")


def body(shopper, number, price="300.00", quantity="2", **extra):
    return {
        "customer": {"card": shopper.card.number},
        "lines": [line("A", quantity, price)],
        "receipt_number": number,
        **extra,
    }


def events(contact, *types):
    found = ContactEvent.objects.filter(contact=contact).order_by("pk")
    if types:
        found = found.filter(type__in=types)
    return list(found)


def test_a_confirm_records_its_events_with_the_receipts_figures():
    # given
    till, shopper = shop()

    # when: 600.00 paid with 50 points, the first purchase (the entry tier, Bronze)
    answer = ok(confirm(till.client, body(shopper, "R-1", redeem_points="50.00"), key="R-1"), 201)

    # then: the purchase, the points it earned and the first tier, each at the register's brand
    confirmed, accrued, tiered = events(shopper.contact)
    assert [e.type for e in (confirmed, accrued, tiered)] == ["purchase_confirmed", "points_accrued", "tier_changed"]
    assert {e.brand_id for e in (confirmed, accrued, tiered)} == {till.brand.pk}
    totals = answer["totals"]
    assert confirmed.data == {
        "purchase_id": answer["purchase_id"],
        "receipt_number": "R-1",
        "total": "600.00",
        "payable": "550.00",
        "points": totals["points"],
        "redeemed_points": "50.00",
        "store": till.store.pk,
        "brand": till.brand.pk,
        "purchase": {
            "id": answer["purchase_id"],
            "receipt_number": "R-1",
            "total": "600.00",
            "payable": "550.00",
            "points": totals["points"],
            "redeemed_points": "50.00",
            "store": till.store.name,
            "at": confirmed.at.isoformat(),
        },
    }
    assert totals["points"] == "27.50"
    assert accrued.data["points"] == "27.50"
    assert accrued.data["purchase_id"] == answer["purchase_id"]
    bronze = till.program.tiers.get(name="Bronze")
    assert tiered.data == {
        "from_tier": None,
        "from_tier_id": None,
        "to_tier": "Bronze",
        "to_tier_id": bronze.pk,
        "tier": "Bronze",
        "reason": "purchase",
        "program": till.program.pk,
    }


def test_a_confirm_that_earns_nothing_and_keeps_the_tier_records_the_purchase_only():
    till, shopper = shop()
    ok(confirm(till.client, body(shopper, "R-1", price="10.00", quantity="1"), key="R-1"), 201)
    before = len(events(shopper.contact))

    # when: a receipt paid wholly with points earns nothing, and Bronze stays
    ok(confirm(till.client, body(shopper, "R-2", price="10.00", quantity="1", redeem_points="10.00"), key="R-2"), 201)

    # then
    assert [e.type for e in events(shopper.contact)[before:]] == ["purchase_confirmed"]


def test_a_confirm_writes_all_its_events_in_one_insert():
    till, shopper = shop()

    with CaptureQueriesContext(connection) as captured:
        ok(confirm(till.client, body(shopper, "R-1"), key="R-1"), 201)

    inserts = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "contacts_contactevent"')
    ]
    assert len(inserts) == 1
    assert len(events(shopper.contact)) == 3


def test_an_upgrade_records_tier_changed_from_and_to():
    till, shopper = shop()
    ok(confirm(till.client, body(shopper, "R-1"), key="R-1"), 201)

    ok(confirm(till.client, body(shopper, "R-2", price="250.00"), key="R-2"), 201)

    upgrade = events(shopper.contact, "tier_changed")[-1]
    assert (upgrade.data["from_tier"], upgrade.data["to_tier"], upgrade.data["tier"]) == ("Bronze", "Gold", "Gold")
    assert upgrade.data["reason"] == "purchase"


def test_an_anonymous_receipt_records_nothing():
    till = make_till()

    ok(confirm(till.client, {"customer": None, "lines": [line("A", 1, "100")], "receipt_number": "A-1"}), 201)

    assert ContactEvent.objects.count() == 0


def test_a_refused_confirm_records_nothing():
    till, shopper = shop()
    before = ContactEvent.objects.count()

    answer = confirm(till.client, body(shopper, "R-1", redeem_points="500.00"), key="R-1")

    assert answer.status_code == 409
    assert ContactEvent.objects.count() == before


def test_a_replayed_confirm_records_nothing_more():
    till, shopper = shop()
    ok(confirm(till.client, body(shopper, "R-1"), key="R-1"), 201)
    count = ContactEvent.objects.count()

    ok(confirm(till.client, body(shopper, "R-1"), key="R-1"), 201)

    assert ContactEvent.objects.count() == count


def test_a_refund_records_purchase_refunded_and_a_tier_it_takes_away():
    # given: Gold reached with one receipt of 1,000.00
    till, shopper = shop()
    purchase_id = ok(confirm(till.client, body(shopper, "R-1", price="500.00"), key="R-1"), 201)["purchase_id"]
    assert events(shopper.contact, "tier_changed")[-1].data["tier"] == "Gold"

    # when: half of it comes back
    answer = ok(refund(till.client, purchase_id, {"lines": [{"index": 0, "quantity": "1"}]}))

    # then
    refunded = events(shopper.contact, "purchase_refunded")
    assert len(refunded) == 1
    assert refunded[0].brand_id == till.brand.pk
    assert refunded[0].data | {"purchase": None} == {
        "purchase_id": purchase_id,
        "refund_id": answer["refund_id"],
        "receipt_number": "R-1",
        "refund_amount": "500.00",
        "points_revoked": answer["points_revoked"],
        "points_returned": "0.00",
        "store": till.store.pk,
        "brand": till.brand.pk,
        "purchase": None,
    }
    assert refunded[0].data["purchase"]["total"] == "1000.00"
    # Gold is still valid (a downgrade waits for the validity to lapse): no tier event from the refund
    assert [e.type for e in events(shopper.contact)][-1] == "purchase_refunded"


def test_a_trigger_on_purchase_confirmed_makes_its_message_after_the_commit(django_capture_on_commit_callbacks):
    till, shopper = shop()
    shopper.contact.subscribed_sms = True
    shopper.contact.save(update_fields=["subscribed_sms"])
    trigger(till.brand, template="Receipt {{ purchase.receipt_number }}: {{ points }} points")

    with django_capture_on_commit_callbacks(execute=True):
        ok(confirm(till.client, body(shopper, "R-9"), key="R-9"), 201)

    message = Message.objects.get()
    assert (message.contact_id, message.event, message.body) == (
        shopper.contact.pk,
        "purchase_confirmed",
        "Receipt R-9: 30.00 points",
    )


def test_with_no_trigger_the_events_are_written_dispatched_and_nothing_runs_after_the_commit(
    django_capture_on_commit_callbacks,
):
    # given: the brand has a trigger, but on another event, and another brand has one on purchases
    till, shopper = shop()
    trigger(till.brand, event="contact_registered")
    trigger(make_till().brand, event="purchase_confirmed")

    with django_capture_on_commit_callbacks() as callbacks:
        ok(confirm(till.client, body(shopper, "R-1"), key="R-1"), 201)

    # then: the three events are kept, born dispatched at their recording, and no dispatcher is kicked
    recorded = events(shopper.contact)
    assert [e.type for e in recorded] == ["purchase_confirmed", "points_accrued", "tier_changed"]
    assert all(
        e.dispatched_at is not None and abs(e.dispatched_at - e.created_at) < timedelta(seconds=5) for e in recorded
    )
    assert callbacks == []


def test_a_trigger_on_one_of_the_events_leaves_that_one_to_the_dispatcher(django_capture_on_commit_callbacks):
    till, shopper = shop()
    trigger(till.brand, event="points_accrued")
    trigger(till.brand, event="tier_changed", active=False)

    with django_capture_on_commit_callbacks() as callbacks:
        ok(confirm(till.client, body(shopper, "R-1"), key="R-1"), 201)

    waiting = {e.type: e.dispatched_at is None for e in events(shopper.contact)}
    assert waiting == {"purchase_confirmed": False, "points_accrued": True, "tier_changed": False}
    assert len(callbacks) == 1  # the dispatcher's kick


def test_a_trigger_saved_just_before_a_confirm_is_heard_by_it(django_capture_on_commit_callbacks):
    # given: a confirm with no trigger, then a trigger on purchases in another process's transaction (the admin)
    till, shopper = shop()
    shopper.contact.subscribed_sms = True
    shopper.contact.save(update_fields=["subscribed_sms"])
    ok(confirm(till.client, body(shopper, "R-1"), key="R-1"), 201)
    trigger(till.brand, template="Receipt {{ purchase.receipt_number }}")

    # when: the next receipt
    with django_capture_on_commit_callbacks(execute=True):
        ok(confirm(till.client, body(shopper, "R-2"), key="R-2"), 201)

    # then: its message is made (nothing cached the brand's triggers), and none for the receipt before
    assert list(Message.objects.values_list("body", flat=True)) == ["Receipt R-2"]
