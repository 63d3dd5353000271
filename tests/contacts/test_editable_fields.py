"""The contact's editable fields are declared once (`Contact.EDITABLE_FIELDS`): the service, the admin's page, the
import and export columns and the API read them, each with its own extras."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from contacts.models import Contact
from contacts.resources import ContactResource
from contacts.services import prepare_contact_data
from loyalty.api.serializers import ContactSerializer

pytestmark = pytest.mark.django_db

CONFIRMATIONS = ("phone_confirmed", "email_confirmed")


def test_the_admin_page_edits_exactly_the_editable_fields(admin_user):
    # given
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = admin.site._registry[Contact]

    # when
    form = model_admin.get_form(request, Contact(phone="+79161234567"))

    # then
    assert tuple(form.base_fields) == Contact.EDITABLE_FIELDS


def test_the_api_writes_the_editable_fields_and_its_own_extras():
    # when
    fields = ContactSerializer().fields
    writable = [name for name, field in fields.items() if not field.read_only]

    # then
    assert writable == [*Contact.EDITABLE_FIELDS, "issue_card", "program"]
    assert {"cards", "tier", "source"} <= {name for name, field in fields.items() if field.read_only}


def test_the_import_and_export_columns_are_the_editable_fields_but_the_confirmations():
    # when
    resource = ContactResource()
    headers = resource.get_export_headers()
    imported = [field.column_name for field in resource.get_user_visible_fields()]

    # then
    editable = [name for name in Contact.EDITABLE_FIELDS if name not in CONFIRMATIONS]
    assert imported == editable
    assert headers == [*editable, "created_at"]  # when the contact was added: exported only


def test_the_service_keeps_the_editable_fields_and_the_source_and_drops_the_rest():
    # given
    data = {"phone": "+7 916 123-45-67", "first_name": "Anna", "source": "api", "phone_confirmed_at": "now", "id": 5}

    # when
    cleaned = prepare_contact_data(data)

    # then
    assert cleaned == {"phone": "+79161234567", "first_name": "Anna", "source": "api"}
