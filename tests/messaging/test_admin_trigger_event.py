"""The trigger page's event: the known types picked by their labels in the user's language, a custom type typed after
"other…" (the API's pattern), the code saved either way; the list shows and filters by the label. The API's
contract is unchanged: it takes and returns codes (tests/messaging/test_api.py)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from campaigns.messaging.admin.triggers import EVENT_LABELS, EventTypeWidget
from campaigns.messaging.models import Trigger
from contacts.services.events import SYSTEM_EVENTS
from tests.factories import BrandFactory, UserFactory
from tests.messaging.support import trigger
from tests.messaging.test_admin import form_data

pytestmark = pytest.mark.django_db

ADD = reverse("admin:messaging_trigger_add")
OTHER = EventTypeWidget.OTHER


@pytest.fixture
def boss() -> Client:
    client = Client()
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def options(html: str, name: str) -> dict[str, str]:
    """The options of the select `name` on the page: value → label."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, f"no select {name}"
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1)))


def selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    found = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return found.group(1) if found else ""


def test_every_system_event_has_a_label() -> None:
    assert set(SYSTEM_EVENTS) - set(EVENT_LABELS) == set()


def test_the_add_page_offers_the_known_events_by_their_russian_labels_and_other(boss):
    boss.cookies["django_language"] = "ru"

    html = boss.get(ADD).content.decode()

    offered = options(html, "event")
    assert offered["lead_captured"] == "регистрация на стенде"
    assert offered["purchase_confirmed"] != "purchase_confirmed"
    with translation.override("ru"):
        assert offered == {
            "": "---------",
            **{code: str(label) for code, label in EVENT_LABELS.items()},
            OTHER: str(EventTypeWidget().widgets[0].choices[-1][1]),
        }
    assert 'name="event_other"' in html
    assert "messaging/trigger_admin.css" in html


@pytest.mark.parametrize(
    ("posted", "saved"),
    [
        ({"event": "lead_captured"}, "lead_captured"),
        ({"event": OTHER, "event_other": " order.shipped_2 "}, "order.shipped_2"),
        ({"event": "page_viewed", "event_other": "ignored"}, "page_viewed"),
        ({"event": "custom.from_a_script"}, "custom.from_a_script"),  # the code posted alone, as before
    ],
)
def test_the_event_is_saved_as_its_code(boss, posted, saved):
    brand = BrandFactory()

    response = boss.post(ADD, {**form_data(brand), **posted})

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Trigger.objects.get().event == saved


@pytest.mark.parametrize("other", ["", "Order Shipped", "a" * 65, "заказ"])
def test_a_custom_event_outside_the_apis_pattern_is_refused_on_the_form(boss, other):
    brand = BrandFactory()

    response = boss.post(ADD, {**form_data(brand), "event": OTHER, "event_other": other})

    assert response.status_code == 200
    assert "event" in response.context["adminform"].form.errors
    assert not Trigger.objects.exists()
    html = response.content.decode()
    if other:  # the choice and the typed text come back as they were
        assert selected(html, "event") == OTHER
        assert re.search(rf'name="event_other"[^>]*value="{re.escape(other)}"', html)
    else:  # nothing typed: nothing chosen
        assert selected(html, "event") == ""


def test_the_change_page_shows_a_known_event_selected_and_a_custom_one_under_other(boss):
    brand = BrandFactory()
    known = trigger(brand, event="tier_changed")
    custom = trigger(brand, event="order.shipped")

    known_html = boss.get(reverse("admin:messaging_trigger_change", args=[known.pk])).content.decode()
    custom_html = boss.get(reverse("admin:messaging_trigger_change", args=[custom.pk])).content.decode()

    assert selected(known_html, "event") == "tier_changed"
    assert re.search(r'<input[^>]*name="event_other"(?![^>]*value=)', known_html)
    assert selected(custom_html, "event") == OTHER
    assert re.search(r'<input[^>]*name="event_other"[^>]*value="order.shipped"', custom_html)


def test_the_segment_pages_link_presets_the_event(boss):
    html = boss.get(ADD + "?event=segment_entered").content.decode()

    assert selected(html, "event") == "segment_entered"


def test_the_list_shows_and_filters_by_the_label(boss):
    brand = BrandFactory()
    trigger(brand, name="Stand", event="lead_captured")
    trigger(brand, name="Shipped", event="order.shipped")
    boss.cookies["django_language"] = "ru"
    url = reverse("admin:messaging_trigger_changelist")

    page = boss.get(url)
    filtered = boss.get(url, {"event": "lead_captured"})

    html = page.content.decode()
    assert "регистрация на стенде" in html
    assert "order.shipped" in html  # a custom type is shown as it is
    assert ">lead_captured<" not in html
    assert [row.name for row in filtered.context["cl"].result_list] == ["Stand"]
