"""Every admin page a marketer uses, shown in Russian, holds no English text that the catalogues translate
(`tests.i18n_scan`): the index, each model's list, add and import page, the change page of its first object of a small
Russian demo (`seed_demo --language ru`), the analytics dashboards and the campaign page. The texts the campaign
page's script inserts are checked in a real browser (tests/e2e/test_i18n_browser.py)."""

import contextlib

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.demo.seeding import seed
from tests.factories import UserFactory
from tests.i18n_scan import english_msgids, text_nodes, untranslated

pytestmark = pytest.mark.django_db

DASHBOARDS = ("analytics_overview", "analytics_load", "analytics_registers", "analytics_program")
# Users and groups are not a marketer's pages, and their permissions' names are stored in English by Django at
# migrate ("Can add promo code"), a known limit of django.contrib.auth; their lists are still checked.
FORMS_NOT_CHECKED = ("auth",)
# A small demo: enough for one object of each model, quick to make.
DEMO = {"contacts": 40, "products": 20, "stores": 2, "registers": 2, "purchases": 40, "language": "ru"}


def admin_pages() -> list[str]:
    """The index, the dashboards, and each registered model's list, add page and first object's page."""
    pages = [reverse("admin:index"), *(reverse(f"admin:{name}") for name in DASHBOARDS)]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        if info[0] in FORMS_NOT_CHECKED:
            continue
        with contextlib.suppress(NoReverseMatch):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        if hasattr(admin.site._registry[model], "import_action"):  # django-import-export's page
            pages.append(reverse("admin:{}_{}_import".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return pages


def russian_client() -> Client:
    client = Client()
    client.force_login(UserFactory(username="marketer", is_staff=True, is_superuser=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    return client


def test_the_scanner_knows_the_catalogues_english():
    plain, patterns = english_msgids()
    assert {"save", "campaigns", "test this campaign", "add a product by name or sku"} <= plain
    assert untranslated(text_nodes("<p>Сохранить</p><p>Save</p><script>'Save'</script><code>Save</code>")) == ["Save"]
    assert untranslated(["Добавить еще один Карта", "Add another Card", "Ivan Petrov"]) == ["Add another Card"]
    assert len(patterns) > 50


def test_no_russian_admin_page_shows_english_from_the_catalogues():
    seed(**DEMO)
    client = russian_client()
    # data that happens to be an English word: the demo's user names ("admin") and the roles' groups ("promoter")
    data = {*User.objects.values_list("username", flat=True), *Group.objects.values_list("name", flat=True)}
    found: dict[str, list[str]] = {}
    statuses: dict[str, int] = {}
    for url in admin_pages():
        response = client.get(url)
        if response.status_code == 403 and url.endswith("/add/"):
            continue  # the model is not added by hand (read-only admins)
        if response.status_code != 200:
            statuses[url] = response.status_code
            continue
        assert response.headers["Content-Language"] == "ru"
        english = [text for text in untranslated(text_nodes(response.content.decode())) if text not in data]
        if english:
            found[url] = english
    for url, english in found.items():
        print(url, english)
    assert statuses == {}
    assert found == {}
