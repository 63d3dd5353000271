"""Subscription history: every switch of a channel's subscription, from the API, the admin, an import or a link,
kept with who, when and source by the contact services."""

import pytest
from django.test import Client
from django.urls import reverse

from contacts.models import Contact, ContactAuditLog, SubscriptionChange
from contacts.services import contact_create, contact_update
from contacts.services.imports import contact_bulk_create
from contacts.services.subscriptions import contact_subscription_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def history(contact: Contact) -> list[tuple[str, bool, str]]:
    rows = SubscriptionChange.objects.filter(contact=contact).order_by("pk")
    return [(row.channel, row.subscribed, row.source) for row in rows]


def test_a_new_contact_records_the_subscriptions_it_starts_with():
    contact = contact_create(data={"phone": "+79160000001", "subscribed_sms": True}, source="api")

    assert history(contact) == [("sms", True, "api")]


def test_an_update_records_only_what_switched():
    contact = contact_create(data={"phone": "+79160000001", "subscribed_sms": True}, source="api")

    contact_update(contact=contact, data={"subscribed_sms": True, "first_name": "Ann"}, source="api")
    contact_update(contact=contact, data={"subscribed_sms": False, "subscribed_messenger": True}, source="admin")

    assert history(contact)[1:] == [("sms", False, "admin"), ("messenger", True, "admin")]


def test_an_import_records_the_subscriptions_of_each_contact():
    contacts = contact_bulk_create(
        contacts=[
            Contact(phone="+79160000002", subscribed_email=True, email="a@example.com"),
            Contact(phone="+79160000003"),
        ]
    )

    assert history(contacts[0]) == [("email", True, "import")]
    assert history(contacts[1]) == []


def test_a_switch_by_link_is_recorded_once_with_an_audit_row():
    contact = contact_create(data={"email": "b@example.com", "subscribed_email": True}, source="api")

    first = contact_subscription_set(contact=contact, channel="email", subscribed=False, source="unsubscribe_link")
    again = contact_subscription_set(contact=contact, channel="email", subscribed=False, source="unsubscribe_link")

    assert (first, again) == (True, False)
    assert history(contact)[1:] == [("email", False, "unsubscribe_link")]
    assert ContactAuditLog.objects.filter(contact=contact, source="unsubscribe_link").count() == 1


def test_the_admin_records_its_changes_with_the_user():
    user = UserFactory(username="boss", is_staff=True, is_superuser=True)
    contact = contact_create(data={"phone": "+79160000004"}, source="api")
    client = Client()
    client.force_login(user)
    url = reverse("admin:contacts_contact_change", args=[contact.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data |= {"phone": "+79160000004", "subscribed_push": "on", "gender": ""}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data |= {f"{management.prefix}-{key}": value for key, value in management.initial.items()}

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    change = SubscriptionChange.objects.get(contact=contact)
    assert (change.channel, change.subscribed, change.source, change.user) == ("push", True, "admin", user)
