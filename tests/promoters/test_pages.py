"""The promoter's pages: login, the list of their stands, the stand's form (CSP, languages), the service worker and
the web manifest."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD
from tests.promoters.support import brand_with_cards, promoter, stand

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    brand = brand_with_cards()
    user = promoter(brand)
    stand(brand, code="expo", promoters=[user])
    stand(brand, code="hall-a")
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_anonymous_visitor_is_sent_to_the_login_and_back(person):
    client = Client()

    page = client.get("/promo/expo/")
    assert page.status_code == 302
    assert page["Location"] == "/promo/login/?next=%2Fpromo%2Fexpo%2F"

    form = client.get(page["Location"])
    assert form.status_code == 200
    assert b'name="username"' in form.content

    logged = client.post(page["Location"], {"username": "promo", "password": PASSWORD, "next": "/promo/expo/"})
    assert (logged.status_code, logged["Location"]) == (302, "/promo/expo/")
    assert client.get("/promo/expo/").status_code == 200


def test_the_login_refuses_a_wrong_password_and_non_staff(person):
    client = Client()
    wrong = client.post("/promo/login/", {"username": "promo", "password": "nope"})
    assert wrong.status_code == 200
    assert b'role="alert"' in wrong.content


def test_the_stand_page_has_the_form_the_consent_version_and_no_inline_script(person):
    page = logged_in(person).get("/promo/expo/")

    assert page.status_code == 200
    html = page.content.decode()
    for field in ("phone", "first_name", "email", "birth_date", "consent_terms", "consent_marketing", "website"):
        assert f'id="{field}"' in html
        assert f'for="{field}"' in html  # every field labelled
    assert "Consent text version 1" in html
    assert 'rel="manifest"' in html
    # scripts only from files, or data (not run); no inline style
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "style=" not in html
    assert "<style" not in html
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_another_stand_of_the_brand_is_refused_to_its_non_promoter(person):
    page = logged_in(person).get("/promo/hall-a/")

    assert page.status_code == 403
    assert b"Not your stand" in page.content


def test_the_list_shows_the_promoters_stands(person):
    page = logged_in(person).get("/promo/")

    assert page.status_code == 200
    assert b"/promo/expo/" in page.content
    assert b"/promo/hall-a/" not in page.content


def test_the_language_switch_changes_the_page_and_is_remembered(person):
    client = logged_in(person)

    russian = client.get("/promo/expo/?lang=ru")
    assert '<html lang="ru">' in russian.content.decode()
    assert russian.cookies["django_language"].value == "ru"
    assert '<html lang="ru">' in client.get("/promo/expo/").content.decode()
    assert '<html lang="en">' in client.get("/promo/expo/?lang=en").content.decode()


def test_a_closed_stand_says_so_and_hides_the_form(person):
    from promoters.models import Stand

    Stand.objects.filter(code="expo").update(ends_at=timezone.now())

    html = logged_in(person).get("/promo/expo/").content.decode()

    assert 'id="stand-closed"' in html
    assert '<form id="lead-form" class="card" novalidate autocomplete="off" hidden>' in html


def test_the_service_worker_is_served_under_promo_with_its_scope():
    response = Client().get("/promo/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/promo/"
    assert b"caches.open" in response.content


def test_the_manifest_and_the_icons_are_static_files():
    client = Client()
    manifest = client.get("/static/promoters/manifest.webmanifest")
    assert manifest.status_code == 200
    body = b"".join(manifest.streaming_content) if manifest.streaming else manifest.content
    import json

    data = json.loads(body)
    assert (data["start_url"], data["scope"], data["display"]) == ("/promo/", "/promo/", "standalone")
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200
