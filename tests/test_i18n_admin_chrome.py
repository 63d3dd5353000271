"""The admin's own phrases around the models' names read as grammatical Russian (and English) whatever the name and
the count: the change lists' footer, the delete button, the link under an inline, the page that refuses access."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.access.world import brand_manager
from tests.campaigns.test_pos_campaigns import save_campaign
from tests.factories import BrandFactory, CardFactory, ContactFactory, UserFactory
from tests.i18n_scan import text_nodes
from tests.messaging.support import trigger

pytestmark = pytest.mark.django_db


def client_in(language: str, user=None) -> Client:
    client = Client()
    client.force_login(user or UserFactory(username="reader", is_staff=True, is_superuser=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def texts(response) -> list[str]:
    return [" ".join(text.split()) for text in text_nodes(response.content.decode())]


@pytest.mark.parametrize(("language", "footer"), [("ru", "Триггеры: 3"), ("en", "Triggers: 3")])
def test_the_change_list_footer_puts_the_count_after_the_name(language, footer):
    # given
    brand = BrandFactory()
    for name in ("One", "Two", "Three"):
        trigger(brand, name=name)
    # when
    response = client_in(language).get(reverse("admin:messaging_trigger_changelist"))
    # then
    assert response.status_code == 200
    assert footer in texts(response)
    assert "3 триггеры" not in texts(response)


@pytest.mark.parametrize(("language", "delete"), [("ru", "Удалить"), ("en", "Delete")])
def test_the_delete_button_says_delete_alone(language, delete):
    # given
    item = trigger(name="Thanks")
    # when
    response = client_in(language).get(reverse("admin:messaging_trigger_change", args=[item.pk]))
    # then
    nodes = texts(response)
    assert delete in nodes
    assert [text for text in nodes if text.startswith(f"{delete} ")] == []


@pytest.mark.parametrize(("language", "add"), [("ru", "Добавить ещё"), ("en", "Add another")])
def test_the_link_under_an_inline_leaves_the_name_to_its_heading(language, add):
    # given: a contact with a card, whose page lists cards in an inline
    contact = ContactFactory()
    CardFactory(contact=contact)
    # when
    response = client_in(language).get(reverse("admin:contacts_contact_change", args=[contact.pk]))
    # then
    assert response.status_code == 200
    nodes = texts(response)
    assert add in nodes
    assert [text for text in nodes if "еще один" in text or "Add another Card" in text] == []


def test_a_refused_admin_page_is_russian_in_the_admins_frame():
    # given: a brand manager, who may not manage the staff's users
    manager = brand_manager(BrandFactory())
    # when
    response = client_in("ru", manager).get(reverse("admin:auth_user_changelist"))
    # then
    assert response.status_code == 403
    assert response.headers["Content-Language"] == "ru"
    page = response.content.decode()
    assert '<html lang="ru"' in page
    assert "Доступ запрещён" in texts(response)
    assert "У вас нет прав на эту страницу." in page
    assert f'href="{reverse("admin:index")}"' in page
    assert "403 Forbidden" not in page


def test_a_refused_admin_page_is_english_in_english():
    manager = brand_manager(BrandFactory())
    response = client_in("en", manager).get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 403
    assert "Access denied" in texts(response)
    assert "You do not have permission to open this page." in response.content.decode()


@pytest.mark.parametrize(
    ("language", "add", "change"),
    [("ru", "Добавление: акция", "Изменение: акция"), ("en", "Add campaign", "Change campaign")],
)
def test_the_add_and_change_pages_name_the_model_in_a_form_that_agrees(language, add, change):
    # given: Django's own "Добавить %s" would read "Добавить акция"
    campaign = save_campaign(BrandFactory(), name="Уход −15 %")
    client = client_in(language)
    # when
    added = client.get(reverse("admin:campaigns_campaign_add"))
    changed = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    # then
    assert re.search(rf"<title>\s*{re.escape(add)} \|", added.content.decode())
    assert re.search(rf"<title>[^<]*\| {re.escape(change)} \|", changed.content.decode())  # the campaign's name first
