"""The promoters' admin: a stand's page (promoters, the page's link and QR code, its figures), the leads' list with
the leaderboard, saves through the service, and a promoter's view limited to their stands."""

import pytest
from django.test import Client

from promoters.models import Stand
from tests.conftest import token_client
from tests.factories import UserFactory
from tests.promoters.support import brand_with_cards, lead_body, promoter, stand

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    brand = brand_with_cards()
    anna, boris = promoter(brand, "anna"), promoter(brand, "boris")
    fair = stand(brand, promoters=[anna, boris])
    for user, phone in ((anna, "+79165550001"), (anna, "+79165550002"), (boris, "+79165550003")):
        assert token_client(user).post("/api/v1/leads", lead_body(phone=phone), format="json").status_code == 201
    return brand, fair, anna, boris


def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_stands_page_shows_its_link_qr_code_and_figures(world):
    _brand, fair, _anna, _boris = world

    page = admin_client().get(f"/admin/promoters/stand/{fair.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "http://testserver/promo/expo/" in html
    assert 'src="data:image/svg+xml' in html
    assert 'data-figure="leads">3<' in html
    assert 'data-figure="new_contacts">3<' in html
    assert "promo-chart-data" in html
    assert "anna" in html
    assert "boris" in html


def test_the_leads_list_shows_the_leaderboard_of_what_it_lists(world):
    _brand, _fair, anna, _boris = world
    client = admin_client()

    listed = client.get("/admin/promoters/lead/")
    assert listed.status_code == 200
    html = listed.content.decode()
    assert 'class="w-full text-sm promo-leaderboard"' in html
    board = html[html.index("promo-leaderboard") :]
    assert board.index("anna") < board.index("boris")

    assert 'id="promo-figures-window"' in html  # the latest 30 days unless a period is chosen

    filtered = client.get("/admin/promoters/lead/", {"promoter": anna.pk})
    assert 'data-figure="leads">2<' in filtered.content.decode()
    # the date filter's own form of a period's start: an aware datetime (Django's DateFieldListFilter)
    this_year = client.get("/admin/promoters/lead/", {"captured_at__gte": "2000-01-01 00:00:00+00:00"}).content.decode()
    assert 'id="promo-figures-window"' not in this_year
    assert 'data-figure="leads">3<' in this_year


def test_the_stands_list_shows_each_stands_leads(world):
    _brand, fair, _anna, _boris = world

    html = admin_client().get("/admin/promoters/stand/").content.decode()

    assert f'href="/admin/promoters/lead/?stand__id__exact={fair.pk}">3</a>' in html


def test_a_stand_saved_in_the_admin_goes_through_the_service(world):
    brand, _fair, anna, _boris = world
    other_brand = brand_with_cards("Other")
    outsider = promoter(other_brand, "outsider")
    client = admin_client()
    form = {"brand": brand.pk, "name": "Hall A", "code": "hall-a", "welcome_points": "10", "consent_version": ""}

    refused = client.post("/admin/promoters/stand/add/", {**form, "promoters": [outsider.pk]})
    assert refused.status_code == 200
    assert "works in the stand" in refused.content.decode()
    assert not Stand.objects.filter(code="hall-a").exists()

    saved = client.post("/admin/promoters/stand/add/", {**form, "promoters": [anna.pk]})
    assert saved.status_code == 302
    assert list(Stand.objects.get(code="hall-a").promoters.all()) == [anna]


def test_a_promoter_sees_their_stands_and_leads_only_in_the_admin(world):
    brand, _fair, _anna, _boris = world
    carl = promoter(brand, "carl")
    stand(brand, code="hall-c", promoters=[carl])
    client = Client()
    client.force_login(carl)

    stands = client.get("/admin/promoters/stand/").content.decode()
    leads = client.get("/admin/promoters/lead/").content.decode()

    assert "hall-c" in stands
    assert "/promo/expo/" not in stands
    assert "+79165550001" not in leads
    assert client.get("/admin/promoters/stand/add/").status_code == 403
