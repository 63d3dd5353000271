"""`POST /api/v1/events`: batches from registers and staff, contacts found as the till finds them, deduplication by
the sender's id, rejection per event, validation that names the place, scoping."""

from datetime import datetime

import pytest
from django.contrib.auth.models import Permission

from contacts.models import ContactEvent
from tests.conftest import token_client
from tests.factories import CardFactory, ContactFactory, EnrollmentFactory, UserFactory
from tests.helpers import assert_error, db_counts
from tests.loyalty.pos_support import make_shopper, make_till, ok

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events"


def viewed(contact: dict, **extra) -> dict:
    return {"type": "product_viewed", "contact": contact, **extra}


def post(client, *events, slash: bool = False):
    return client.post(EVENTS + ("/" if slash else ""), {"events": list(events)}, format="json")


def test_a_register_posts_a_batch_stamped_with_its_brand_and_origin():
    # given
    till = make_till()
    shopper = make_shopper(till, email="shopper@example.com")

    # when
    response = post(
        till.client,
        viewed({"card": shopper.card.number}, id="e-1", sku="SKU-1", at="2026-03-01T09:00:00+03:00", data={"p": 1}),
        {"type": "cart_abandoned", "contact": {"phone": shopper.contact.phone}},
        {"type": "custom.thing_2", "contact": {"email": "SHOPPER@example.com"}},
        {"type": "page_viewed", "contact": {"contact_id": shopper.contact.pk}},
    )

    # then
    assert ok(response, 202) == {"accepted": 4, "duplicates": 0}
    events = list(ContactEvent.objects.order_by("pk"))
    assert [(event.type, event.contact_id, event.brand_id) for event in events] == [
        ("product_viewed", shopper.contact.pk, till.brand.pk),
        ("cart_abandoned", shopper.contact.pk, till.brand.pk),
        ("custom.thing_2", shopper.contact.pk, till.brand.pk),
        ("page_viewed", shopper.contact.pk, till.brand.pk),
    ]
    first = events[0]
    assert (first.origin, first.client_id, first.sku, first.data) == (
        f"register:{till.register.pk}",
        "e-1",
        "SKU-1",
        {"p": 1},
    )
    assert first.at == datetime.fromisoformat("2026-03-01T09:00:00+03:00")
    assert events[1].at is not None


def test_the_same_id_twice_is_counted_once():
    # given
    till = make_till()
    shopper = make_shopper(till)
    contact = {"card": shopper.card.number}

    # when
    first = post(till.client, viewed(contact, id="a"), viewed(contact, id="a"), viewed(contact, id=7))
    again = post(till.client, viewed(contact, id="a"), viewed(contact, id="7"), viewed(contact, id="b"), slash=True)

    # then
    assert ok(first, 202) == {"accepted": 2, "duplicates": 1}
    assert ok(again, 202) == {"accepted": 1, "duplicates": 2}
    assert ContactEvent.objects.count() == 3


def test_another_sender_may_use_the_same_id():
    # given
    program_till = make_till()
    other_till = make_till(program_till.program)
    shopper = make_shopper(program_till)

    # when
    post(program_till.client, viewed({"card": shopper.card.number}, id="a"))
    response = post(other_till.client, viewed({"card": shopper.card.number}, id="a"))

    # then
    assert ok(response, 202) == {"accepted": 1, "duplicates": 0}


def test_unknown_contacts_are_rejected_one_by_one():
    # given: what a register cannot find
    till = make_till()
    shopper = make_shopper(till)
    foreign = make_shopper(make_till())  # a card and an enrollment of another program
    blocked = CardFactory(card_type=till.card_type, contact=shopper.contact, status="blocked")
    unbound = CardFactory(card_type=till.card_type)
    loose = ContactFactory()  # in no program: findable by phone, not by id

    # when
    response = post(
        till.client,
        viewed({"card": foreign.card.number}),
        viewed({"card": shopper.card.number}),
        viewed({"card": blocked.number}),
        viewed({"card": unbound.number}),
        viewed({"contact_id": foreign.contact.pk}),
        viewed({"contact_id": loose.pk}),
        viewed({"phone": "+79990001122"}),
        viewed({"phone": "not a phone"}),
        viewed({"email": "nobody@example.com"}),
        viewed({"phone": loose.phone}),
        viewed({"phone": foreign.contact.phone}),
    )

    # then
    assert ok(response, 202) == {
        "accepted": 3,
        "duplicates": 0,
        "rejected": [
            {"index": 0, "code": "customer_not_found"},
            {"index": 2, "code": "card_blocked"},
            {"index": 3, "code": "customer_not_found"},
            {"index": 4, "code": "customer_not_found"},
            {"index": 5, "code": "customer_not_found"},
            {"index": 6, "code": "customer_not_found"},
            {"index": 7, "code": "customer_not_found"},
            {"index": 8, "code": "customer_not_found"},
        ],
    }
    assert sorted(ContactEvent.objects.values_list("contact_id", flat=True)) == sorted(
        [shopper.contact.pk, loose.pk, foreign.contact.pk]
    )


def test_staff_post_for_the_contacts_they_see(manager, manager_brand):
    # given
    manager.user_permissions.add(Permission.objects.get(codename="add_contactevent"))
    client = token_client(manager)
    mine = ContactFactory()
    EnrollmentFactory(contact=mine, program=manager_brand.program)
    theirs = make_shopper(make_till())

    # when
    response = post(
        client,
        viewed({"contact_id": mine.pk}),
        viewed({"phone": theirs.contact.phone}),
        viewed({"card": theirs.card.number}),
        viewed({"contact_id": theirs.contact.pk}),
    )

    # then
    assert ok(response, 202)["rejected"] == [{"index": i, "code": "customer_not_found"} for i in (1, 2, 3)]
    event = ContactEvent.objects.get()
    assert (event.contact_id, event.origin, event.brand_id) == (mine.pk, f"user:{manager.pk}", None)


def test_staff_need_the_permission_and_anonymous_callers_a_credential(manager_brand, api_client):
    # given
    user = UserFactory(is_staff=True)
    manager_brand.managers.add(user)

    # then
    assert_error(post(token_client(user), viewed({"phone": "+79161234567"})), 403, "permission_denied")
    assert_error(post(api_client, viewed({"phone": "+79161234567"})), 401, "not_authenticated")


def test_a_batch_of_500_is_taken_and_501_refused():
    # given
    till = make_till()
    shopper = make_shopper(till)
    event = viewed({"card": shopper.card.number})

    # then
    assert ok(post(till.client, *[event] * 500), 202) == {"accepted": 500, "duplicates": 0}
    assert_error(post(till.client, *[event] * 501), 400, "invalid", fields={"events": ["At most 500 events per call."]})


def test_an_empty_batch_accepts_nothing():
    assert ok(post(make_till().client), 202) == {"accepted": 0, "duplicates": 0}


@pytest.mark.parametrize(
    ("event", "fields"),
    [
        ({"contact": {"phone": "+79161234567"}}, {"type": ["1 to 64 of a-z, 0-9, '_' and '.'."]}),
        ({"type": "Product Viewed", "contact": {"phone": "1"}}, {"type": ["1 to 64 of a-z, 0-9, '_' and '.'."]}),
        ({"type": "x" * 65, "contact": {"phone": "1"}}, {"type": ["1 to 64 of a-z, 0-9, '_' and '.'."]}),
        ({"type": "a"}, {"contact": ['One of {"phone"}, {"email"}, {"card"} or {"contact_id"}.']}),
        (
            {"type": "a", "contact": {"phone": "1", "card": "2"}},
            {"contact": ['One of {"phone"}, {"email"}, {"card"} or {"contact_id"}.']},
        ),
        (
            {"type": "a", "contact": {"contact_id": "7"}},
            {"contact": ["'contact_id' is a contact's id (a whole number)."]},
        ),
        ({"type": "a", "contact": {"card": ""}}, {"contact": ["'card' is a text of up to 32 characters."]}),
        (
            {"type": "a", "contact": {"card": "1"}, "at": "yesterday"},
            {"at": ["An ISO 8601 time, e.g. 2026-03-01T09:00:00+03:00."]},
        ),
        ({"type": "a", "contact": {"card": "1"}, "id": ""}, {"id": ["A text or number of 1 to 64 characters."]}),
        ({"type": "a", "contact": {"card": "1"}, "sku": ["x"]}, {"sku": ["A text of 1 to 64 characters."]}),
        ({"type": "a", "contact": {"card": "1"}, "data": [1]}, {"data": ["An object."]}),
        (
            {"type": "a", "contact": {"card": "1"}, "data": {"k": "\x00"}},
            {"data": ["Texts of up to 1000 characters, without NUL."]},
        ),
        ({"type": "a", "contact": {"card": "1"}, "colour": 1}, {"non_field_errors": ["Unknown keys: colour."]}),
        ("event", {"non_field_errors": ["An event is an object."]}),
    ],
)
def test_a_malformed_event_refuses_the_batch_naming_the_place(event, fields):
    # given
    till = make_till()
    shopper = make_shopper(till)
    before = db_counts()

    # when
    response = post(till.client, viewed({"card": shopper.card.number}), event)

    # then
    assert_error(response, 400, "invalid", fields={"events": {"1": fields}})
    assert db_counts() == before
    assert not ContactEvent.objects.exists()


@pytest.mark.parametrize("body", [[], {"events": {}}, {"events": "x"}, {}, {"event": []}])
def test_a_body_without_a_list_of_events_is_400(body):
    response = make_till().client.post(EVENTS, body, format="json")

    assert_error(response, 400, "invalid", fields={"events": ['A body {"events": [...]}.']})
