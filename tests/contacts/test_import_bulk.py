"""The import's bulk path: a batch of contacts written with its audit rows, subscription changes and events (COPY on
PostgreSQL, `bulk_create` elsewhere), the batch's checks one query per chunk, and a query count that does not grow
with the rows."""

from datetime import date

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.errors import Conflict, InvalidInput
from contacts.models import Contact, ContactAuditLog, ContactEvent, SubscriptionChange
from contacts.resources import ContactResource
from contacts.services import imports
from contacts.services.imports import contact_bulk_create
from tests.factories import BlacklistEntryFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "phone,email,first_name,birth_date,subscribed_email,subscribed_sms\n"


def test_a_batch_is_written_with_its_audit_rows_subscriptions_and_events():
    user = UserFactory(username="importer")
    anna = Contact(
        phone="+79160000001",
        email="anna@example.com",
        first_name="Анна",
        birth_date=date(1990, 5, 31),
        subscribed_email=True,
        subscribed_sms=True,
    )
    only_email = Contact(email="only@example.com")

    created = contact_bulk_create(contacts=[anna, only_email], user=user)

    assert created == [anna, only_email]
    assert all(contact.pk and not contact._state.adding for contact in created)
    stored = Contact.objects.get(pk=anna.pk)
    assert (stored.phone, stored.first_name, stored.birth_date, stored.source) == (
        "+79160000001",
        "Анна",
        date(1990, 5, 31),
        "import",
    )
    assert stored.created_at == anna.created_at
    audit = ContactAuditLog.objects.order_by("contact_id")
    assert [(row.contact_id, row.user_id, row.action, row.source, row.changes) for row in audit] == [
        (
            anna.pk,
            user.pk,
            "created",
            "import",
            {
                "phone": "+79160000001",
                "email": "anna@example.com",
                "first_name": "Анна",
                "birth_date": "1990-05-31",
                "subscribed_email": True,
                "subscribed_sms": True,
                "source": "import",
            },
        ),
        (only_email.pk, user.pk, "created", "import", {"email": "only@example.com", "source": "import"}),
    ]
    changes = SubscriptionChange.objects.order_by("contact_id", "channel")
    assert [(row.contact_id, row.channel, row.subscribed, row.user_id, row.source) for row in changes] == [
        (anna.pk, "email", True, user.pk, "import"),
        (anna.pk, "sms", True, user.pk, "import"),
    ]
    events = ContactEvent.objects.order_by("contact_id")
    assert [
        (
            row.contact_id,
            row.type,
            row.at,
            row.data,
            row.sku,
            row.brand_id,
            row.origin,
            row.client_id,
            row.dispatched_at,
        )
        for row in events
    ] == [
        (contact.pk, "contact_registered", contact.created_at, {"source": "import"}, "", None, "system", "", None)
        for contact in (anna, only_email)
    ]


def test_a_rehearsal_inserts_the_contacts_alone():
    created = contact_bulk_create(contacts=[Contact(phone="+79160000001", subscribed_sms=True)], rehearsal=True)

    assert created[0].pk is not None
    assert Contact.objects.filter(pk=created[0].pk).exists()
    assert not ContactAuditLog.objects.exists()
    assert not SubscriptionChange.objects.exists()
    assert not ContactEvent.objects.exists()


@pytest.mark.parametrize(
    ("given", "error", "code", "message"),
    [
        ({"phone": "+79160000009"}, InvalidInput, "blacklisted", "+79160000009 is on the blacklist."),
        ({"email": "spam@example.com"}, InvalidInput, "blacklisted", "spam@example.com is on the blacklist."),
        (
            {"phone": "+79162220001"},
            Conflict,
            "duplicate_contact",
            "The phone +79162220001 belongs to another contact.",
        ),
    ],
)
def test_a_batch_with_a_refused_contact_writes_nothing(given, error, code, message):
    BlacklistEntryFactory(phone="+79160000009")
    BlacklistEntryFactory(phone=None, email="spam@example.com")
    taken = ContactFactory(phone="+79162220001")
    batch = [Contact(phone="+79160000001"), Contact(**given), Contact(phone="+79160000002")]

    with pytest.raises(error) as raised:
        contact_bulk_create(contacts=batch)

    assert (raised.value.code, raised.value.message) == (code, message)
    if code == "duplicate_contact":
        assert raised.value.fields["existing_id"] == taken.pk
    assert list(Contact.objects.values_list("pk", flat=True)) == [taken.pk]
    assert not ContactAuditLog.objects.exists()
    assert not ContactEvent.objects.exists()


def mixed_file(rows: int) -> str:
    """`rows` new contacts, with a taken phone, two blacklisted phones, a blacklisted e-mail, a repeat and a bad
    phone among them."""
    lines = [f"8916{n:07d},person{n}@example.com,Name{n},31.05.1990,да,0\n" for n in range(rows)]
    lines[1] = "+7 925 000-00-01,,Taken,,,\n"
    lines[2] = "89260000001,,Black,,,\n"
    lines[3] = ",SPAM1@example.com,Spam,,,\n"
    lines[4] = "+79260000002,,Black,,,\n"
    lines[5] = "89160000000,,Again,,,\n"
    lines[6] = "12345,,Bad,,,\n"
    return HEADER + "".join(lines)


@pytest.fixture
def refusals():
    ContactFactory(phone="+79250000001")
    for phone in ("+79260000001", "+79260000002"):
        BlacklistEntryFactory(phone=phone)
    BlacklistEntryFactory(phone=None, email="spam1@example.com")


def outcome(result) -> tuple[dict[str, int], dict[int, dict[str, list[str]]]]:
    errors = {
        row.number: {key: [str(e) for e in value] for key, value in row.error_dict.items()}
        for row in result.invalid_rows
    }
    return {key: result.totals[key] for key in ("new", "invalid")}, errors


def test_lookups_in_small_chunks_find_the_same_refusals(refusals, monkeypatch):
    whole = outcome(ContactResource().import_data(tablib.Dataset().load(mixed_file(30), format="csv"), dry_run=True))
    monkeypatch.setattr(imports, "LOOKUP_CHUNK", 2)

    chunked = ContactResource().import_data(tablib.Dataset().load(mixed_file(30), format="csv"), dry_run=False)

    assert outcome(chunked) == whole
    totals, errors = whole
    assert totals == {"new": 24, "invalid": 6}
    assert sorted(errors) == [2, 3, 4, 5, 6, 7]
    assert errors[4] == {"email": ["Blacklisted: the e-mail spam1@example.com is on the blacklist."]}
    assert errors[6] == {"phone": ["Duplicate phone: +79160000000 is already in row 1 of this file."]}
    assert Contact.objects.filter(source="import").count() == ContactAuditLog.objects.count() == 24
    assert Contact.objects.get(phone="+79160000007").birth_date == date(1990, 5, 31)


def test_the_queries_of_an_import_do_not_grow_with_its_rows(refusals):
    counts = []
    for rows in (10, 200):
        with CaptureQueriesContext(connection) as captured:
            result = ContactResource().import_data(tablib.Dataset().load(mixed_file(rows), format="csv"), dry_run=False)
        assert result.totals["new"] == rows - 6
        Contact.objects.filter(source="import").delete()
        counts.append(len(captured.captured_queries))

    assert counts[0] == counts[1]
