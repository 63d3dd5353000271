"""Short English words that mean different things in different places have a context each, so that Russian can say
each one right: a date range's "from"/"to" ("с"/"по"), a tier change's ("с уровня"/"на уровень"), a message's
recipient ("кому"), a trigger that is "active" ("активен") and a register ("активна")."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from analytics.dashboards.filters import DashboardFilterForm
from analytics.metrics.forms import MetricFilterForm
from campaigns.messaging.models import Delivery, Message, Trigger
from campaigns.models import ConflictNotice
from loyalty.models import TierChange
from tests.factories import UserFactory
from tests.i18n_scan import text_nodes
from tests.messaging.support import trigger

pytestmark = pytest.mark.django_db


def client_in(language: str) -> Client:
    client = Client()
    client.force_login(UserFactory(username="reader", is_staff=True, is_superuser=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def texts(response) -> list[str]:
    return [" ".join(text.split()) for text in text_nodes(response.content.decode())]


@pytest.mark.parametrize(("language", "first", "last"), [("ru", "с", "по"), ("en", "from", "to")])
def test_the_filters_period_reads_as_dates(language, first, last):
    # given
    user = UserFactory(is_staff=True, is_superuser=True)
    dashboard = DashboardFilterForm(None, user=user)
    metric = MetricFilterForm({}, user=user)
    # when
    with translation.override(language):
        labels = [str(form.fields[name].label) for form, name in ((dashboard, "from"), (dashboard, "to"))]
        labels += [str(metric.fields[name].label) for name in ("from_", "to")]
    # then
    assert labels == [first, last, first, last]


@pytest.mark.parametrize("page", ["admin:analytics_overview", "admin:metrics_rfmreport_changelist"])
def test_a_russian_dashboard_offers_the_period_from_and_to_a_day(page):
    # when
    response = client_in("ru").get(reverse(page))
    # then
    assert response.status_code == 200
    nodes = texts(response)
    assert {"С", "По"} <= set(nodes)
    assert "С уровня" not in nodes
    assert "На уровень" not in nodes


def test_the_registers_dashboard_says_a_register_is_active_in_the_feminine():
    # when
    response = client_in("ru").get(reverse("admin:analytics_registers"))
    # then
    assert response.status_code == 200
    assert '<th class="dash-bool">Активна</th>' in response.content.decode()


def test_the_trigger_list_says_a_trigger_is_active_in_the_masculine():
    # given
    trigger()
    # when
    response = client_in("ru").get(reverse("admin:messaging_trigger_changelist"))
    # then
    assert response.status_code == 200
    nodes = texts(response)
    assert "Активен" in nodes
    assert "Активны" not in nodes


@pytest.mark.parametrize(
    ("model", "field", "russian", "english"),
    [
        (Trigger, "active", "активен", "active"),
        (Message, "to", "кому", "to"),
        (Delivery, "to", "кому", "to"),
        (TierChange, "from_tier", "с уровня", "from"),
        (TierChange, "to_tier", "на уровень", "to"),
    ],
)
def test_each_field_is_named_for_what_it_is(model, field, russian, english):
    name = model._meta.get_field(field).verbose_name
    with translation.override("ru"):
        assert str(name) == russian
    with translation.override("en"):
        assert str(name) == english


def test_the_conflict_notice_has_a_name_for_the_permissions_page():
    meta = ConflictNotice._meta
    with translation.override("ru"):
        assert (str(meta.verbose_name), str(meta.verbose_name_plural)) == (
            "уведомление о конфликте акций",
            "уведомления о конфликтах акций",
        )
    with translation.override("en"):
        assert str(meta.verbose_name) == "campaign conflict notice"
