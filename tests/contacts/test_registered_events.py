"""`contact_registered`: recorded by the contact services when a contact is made, one by one (the API, the admin)
or in bulk (an import: one insert for the batch); in the same transaction, so a refused or dry-run import records
nothing."""

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.errors import InvalidInput
from contacts.models import Contact, ContactEvent
from contacts.resources import ContactResource
from contacts.services import contact_create
from tests.factories import BlacklistEntryFactory

pytestmark = pytest.mark.django_db

HEADER = "phone,email,first_name\n"


def registered():
    return list(ContactEvent.objects.filter(type="contact_registered").order_by("contact_id"))


def test_a_new_contact_is_registered_with_its_source():
    contact = contact_create(data={"phone": "+79161234567"}, source="api")

    (event,) = registered()
    assert (event.contact_id, event.at, event.brand_id, event.data) == (
        contact.pk,
        contact.created_at,
        None,
        {"source": "api"},
    )


def test_a_refused_contact_is_not_registered():
    BlacklistEntryFactory(phone="+79161234567")

    with pytest.raises(InvalidInput, match="blacklist"):
        contact_create(data={"phone": "+79161234567"})

    assert registered() == []


def test_an_import_registers_every_new_contact_in_one_insert():
    rows = "".join(f"+7916123{n:04d},,Name{n}\n" for n in range(30))

    with CaptureQueriesContext(connection) as captured:
        result = ContactResource().import_data(tablib.Dataset().load(HEADER + rows, format="csv"), dry_run=False)

    assert not result.has_errors()
    assert not result.has_validation_errors()
    contacts = list(Contact.objects.order_by("pk").values_list("pk", flat=True))
    assert [event.contact_id for event in registered()] == contacts
    assert {event.data["source"] for event in registered()} == {"import"}
    writes = ('INSERT INTO "contacts_contactevent"', 'COPY "contacts_contactevent"')  # COPY on PostgreSQL
    inserts = [q for q in captured.captured_queries if q["sql"].startswith(writes)]
    assert len(inserts) == 1


def test_a_dry_run_import_registers_nobody():
    ContactResource().import_data(tablib.Dataset().load(HEADER + "+79161230001,,Anna\n", format="csv"), dry_run=True)

    assert registered() == []
