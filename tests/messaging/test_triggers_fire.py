"""Each event fires the active triggers of its type and brand: one message per trigger and event, rendered."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from campaigns.messaging.choices import MessageStatus
from campaigns.messaging.dispatcher import dispatch_pending
from campaigns.messaging.models import Delivery, Message
from contacts.models import ContactEvent
from tests.factories import BrandFactory, SegmentFactory
from tests.messaging.support import dispatch_and_send, record, subscribed_contact, trigger

pytestmark = pytest.mark.django_db

EVENTS = (
    "purchase_confirmed",
    "purchase_refunded",
    "points_accrued",
    "tier_changed",
    "contact_registered",
    "lead_captured",
    "survey_completed",
    "cart_abandoned",
    "product_viewed",
    "email_opened",
    "email_clicked",
    "my.custom_event",
)


@pytest.mark.parametrize("event", EVENTS)
def test_an_event_fires_its_trigger_and_the_message_is_sent(event):
    # given: a trigger on the event at the brand, and the contact's event there
    brand = BrandFactory()
    contact = subscribed_contact(brand, first_name="Olga")
    fired = trigger(brand, event=event, template="Hi {{ contact.first_name }}, {{ event.type }}")
    record(contact, event, brand=brand)

    # when
    result = dispatch_and_send()

    # then: one message, sent to the phone, rendered; the event marked dispatched
    message = Message.objects.get()
    assert (message.trigger_id, message.contact_id, message.event) == (fired.pk, contact.pk, event)
    assert (message.status, message.to, message.body) == (MessageStatus.SENT, contact.phone, f"Hi Olga, {event}")
    assert result.sent == 1
    assert Delivery.objects.get().key == message.key
    assert ContactEvent.objects.filter(dispatched_at__isnull=True).count() == 0


def test_another_brands_event_and_an_inactive_trigger_fire_nothing():
    brand, other = BrandFactory(), BrandFactory()
    contact = subscribed_contact(brand)
    trigger(brand, event="purchase_confirmed", active=False)
    trigger(other, event="purchase_confirmed")
    record(contact, "purchase_confirmed", brand=brand)

    assert dispatch_pending() == 0
    assert Message.objects.count() == 0


def test_an_event_without_a_brand_fires_the_triggers_of_the_contacts_brands():
    # given: the contact is enrolled in the brand's program, not in the other's
    brand, other = BrandFactory(), BrandFactory()
    contact = subscribed_contact(brand)
    mine = trigger(brand, event="contact_registered")
    trigger(other, event="contact_registered")
    record(contact, "contact_registered")

    dispatch_pending()

    assert list(Message.objects.values_list("trigger_id", flat=True)) == [mine.pk]


def test_dispatching_twice_makes_one_message_per_trigger_and_event():
    brand = BrandFactory()
    contact = subscribed_contact(brand)
    trigger(brand)
    event = record(contact, "purchase_confirmed", brand=brand)

    dispatch_pending()
    ContactEvent.objects.filter(pk=event.pk).update(dispatched_at=None)  # as if a kick came twice
    dispatch_pending()

    assert Message.objects.count() == 1


def test_the_template_sees_the_purchase_points_and_balance():
    brand = BrandFactory()
    contact = subscribed_contact(brand)
    trigger(
        brand,
        channel="email",
        subject="Receipt {{ purchase.receipt_number }}",
        template="{{ points }} points for {{ purchase.total }}; balance {{ balance }}; {{ unsubscribe_url }}",
    )
    record(
        contact,
        "purchase_confirmed",
        brand=brand,
        data={"points": "12.50", "purchase": {"receipt_number": "R-7", "total": "250.00"}},
    )

    dispatch_pending()

    message = Message.objects.get()
    assert message.subject == "Receipt R-7"
    assert message.body.startswith("12.50 points for 250.00; balance 0.00; http")
    assert "/u/" in message.body


def test_points_expiring_fires_days_before_the_expiry_with_enough_points():
    # given: default 7 days before; another trigger for 3 days before and at least 100 points
    brand = BrandFactory()
    contact = subscribed_contact(brand)
    week = trigger(brand, event="points_expiring", template="{{ points }} expire")
    three = trigger(brand, event="points_expiring", conditions={"days_before": 3, "min_points": 100})
    rich = trigger(brand, event="points_expiring", conditions={"min_points": 10})
    now = timezone.now()
    expires = now + timedelta(days=20)
    record(contact, "points_expiring", brand=brand, at=now, data={"points": "50.00", "expires_at": expires.isoformat()})

    # when
    dispatch_pending(now=now)

    # then: the week's message waits until 7 days before; 50 points are too few for the 3-day one
    by_trigger = {message.trigger_id: message for message in Message.objects.all()}
    assert set(by_trigger) == {week.pk, rich.pk}
    assert three.pk not in by_trigger
    assert by_trigger[week.pk].body == "50.00 expire"
    assert abs(by_trigger[week.pk].scheduled_at - (now + timedelta(days=13))) < timedelta(seconds=1)


def test_birthday_fires_on_the_day_or_days_before():
    brand = BrandFactory()
    today = timezone.localdate()
    contact = subscribed_contact(brand, birth_date=date(1990, today.month, min(today.day, 28)))
    on_the_day = trigger(brand, event="birthday")
    early = trigger(brand, event="birthday", conditions={"days_before": 2})
    now = timezone.now()
    birthday = today + timedelta(days=2)
    record(contact, "birthday", brand=brand, at=now, data={"birthday": birthday.isoformat()})

    dispatch_pending(now=now)

    by_trigger = {message.trigger_id: message.scheduled_at for message in Message.objects.all()}
    assert abs(by_trigger[early.pk] - now) < timedelta(seconds=1)
    assert abs(by_trigger[on_the_day.pk] - (now + timedelta(days=2))) < timedelta(seconds=1)


def test_segment_entered_fires_for_the_segment_in_its_conditions():
    brand = BrandFactory()
    contact = subscribed_contact(brand)
    wanted, other = SegmentFactory(program=brand.program), SegmentFactory(program=brand.program)
    trigger(brand, event="segment_entered", conditions={"segment": wanted.pk})
    record(contact, "segment_entered", brand=brand, data={"segment": other.pk})
    record(contact, "segment_entered", brand=brand, data={"segment": wanted.pk})

    dispatch_pending()

    assert Message.objects.count() == 1
    assert Message.objects.get().source_event.data == {"segment": wanted.pk}


def test_the_audience_limits_a_trigger_to_its_segments_members():
    brand = BrandFactory()
    member, stranger = subscribed_contact(brand), subscribed_contact(brand)
    audience = SegmentFactory(program=brand.program, members=[member])
    trigger(brand, segment=audience)
    record(member, "purchase_confirmed", brand=brand)
    record(stranger, "purchase_confirmed", brand=brand)

    dispatch_pending()

    assert list(Message.objects.values_list("contact_id", flat=True)) == [member.pk]


def test_a_contact_who_left_the_audience_gets_nothing():
    from django.utils import timezone

    from campaigns.models import SegmentMember

    brand = BrandFactory()
    former = subscribed_contact(brand)
    audience = SegmentFactory(program=brand.program, members=[former])
    SegmentMember.objects.filter(segment=audience, contact=former).update(left_at=timezone.now())
    trigger(brand, segment=audience)
    record(former, "purchase_confirmed", brand=brand)

    assert dispatch_pending() == 0
