"""The messaging admin: triggers saved through the service with their figures and a preview, the outbox filtered by
contact, trigger, status and reason, and a contact's messages on the contact's page."""

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.messaging.models import Trigger
from tests.factories import BrandFactory, UserFactory
from tests.messaging.support import dispatch_and_send, record, subscribed_contact, trigger

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_():
    client = Client()
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def form_data(brand, **changes):
    data = {
        "name": "Welcome",
        "brand": brand.pk,
        "event": "contact_registered",
        "channel": "sms",
        "subject": "",
        "template": "Hi {{ contact.first_name }}",
        "conditions": "{}",
        "segment": "",
        "delay_minutes": "0",
        "quiet_from": "",
        "quiet_to": "",
        "quiet_zone": "contact",
        "max_per_contact": "",
        "per_days": "",
        "active": "on",
    }
    return {**data, **changes}


def test_a_trigger_is_added_in_the_admin_and_a_bad_template_refused_on_the_form(admin_client_):
    brand = BrandFactory()
    url = reverse("admin:messaging_trigger_add")

    refused = admin_client_.post(url, form_data(brand, template="{% if %}"))
    saved = admin_client_.post(url, form_data(brand))

    assert refused.status_code == 200
    assert "does not compile" in refused.content.decode()
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert Trigger.objects.get().template == "Hi {{ contact.first_name }}"


def test_the_trigger_page_shows_its_figures_and_the_preview_renders_for_a_contact(admin_client_):
    brand = BrandFactory()
    contact, blocked = subscribed_contact(brand, first_name="Vera"), subscribed_contact(brand, subscribed_sms=False)
    made = trigger(brand, template="Dear {{ contact.first_name }}, {{ event.sku }}")
    record(contact, "purchase_confirmed", brand=brand, sku="SKU-9")
    record(blocked, "purchase_confirmed", brand=brand)
    dispatch_and_send()

    page = admin_client_.get(reverse("admin:messaging_trigger_change", args=[made.pk]))
    preview = admin_client_.get(reverse("admin:messaging_trigger_preview", args=[made.pk]) + f"?contact={contact.pk}")
    unknown = admin_client_.get(reverse("admin:messaging_trigger_preview", args=[made.pk]) + "?contact=999999")

    assert page.status_code == 200
    text = page.content.decode()
    assert "unsubscribed:</span> 1" in text
    assert preview.status_code == 200
    assert 'data-preview="body">Dear Vera, SKU-9' in preview.content.decode()
    assert 'data-preview="error"' in unknown.content.decode()


def test_the_outbox_list_filters_by_contact_trigger_status_and_reason(admin_client_):
    brand = BrandFactory()
    contact, blocked = subscribed_contact(brand), subscribed_contact(brand, subscribed_sms=False)
    made = trigger(brand)
    record(contact, "purchase_confirmed", brand=brand)
    record(blocked, "purchase_confirmed", brand=brand)
    dispatch_and_send()
    url = reverse("admin:messaging_message_changelist")

    for query in (
        "",
        f"?contact__id__exact={contact.pk}",
        f"?trigger__id__exact={made.pk}",
        "?status__exact=sent",
        "?reason=unsubscribed",
        "?reason=error",
    ):
        assert admin_client_.get(url + query).status_code == 200, query
    by_reason = admin_client_.get(url + "?reason=unsubscribed").context["cl"].result_list
    assert [message.contact_id for message in by_reason] == [blocked.pk]


def test_the_contact_page_lists_the_contacts_messages(admin_client_):
    brand = BrandFactory()
    contact = subscribed_contact(brand)
    trigger(brand, template="Hello there")
    record(contact, "purchase_confirmed", brand=brand)
    dispatch_and_send()

    page = admin_client_.get(reverse("admin:contacts_contact_change", args=[contact.pk]))

    assert page.status_code == 200
    assert "Hello" in page.content.decode() or "purchase_confirmed" in page.content.decode()
    assert any(formset.formset.model.__name__ == "Message" for formset in page.context["inline_admin_formsets"])
