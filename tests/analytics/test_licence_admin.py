"""The admin's "Licence use" page: the licence and its use now, the daily counts and their chart (Plotly served
from this installation), each for what the user may see; plotly.js itself as a static file."""

import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from analytics.finders import PLOTLY_JS
from analytics.services import licence_record
from contacts.services.events import event_record
from tests.factories import BrandFactory, ContactFactory, EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "admin:analytics_licenceusage_changelist"


@pytest.fixture
def brands():
    """Two brands of their own programs, with 2 and 1 active contacts; the day counted by the job."""
    found = []
    for name, active in (("Alpha", 2), ("Zulu", 1)):
        brand = BrandFactory(name=name)
        for _n in range(active):
            contact = ContactFactory()
            EnrollmentFactory(contact=contact, program=brand.program)
            event_record(contact_id=contact.pk, type="page_viewed", at=timezone.now(), brand_id=brand.pk)
        found.append(brand)
    licence_record(at=timezone.now())
    return found


def chart(page) -> dict:
    found = re.search(r'<script id="licence-chart-data" type="application/json">(.*?)</script>', page, re.S)
    assert found, "no chart data on the page"
    return json.loads(found.group(1))


def test_a_superuser_sees_every_brand_and_the_total(admin_client, brands):
    page = admin_client.get(reverse(PAGE)).content.decode()

    data = chart(page)
    assert [line["name"] for line in data["series"]] == ["All brands", "Alpha", "Zulu"]
    assert [line["values"] for line in data["series"]] == [[3], [2], [1]]
    assert data["days"] == [timezone.localdate().isoformat()]
    assert f'src="/static/{PLOTLY_JS}"' in page
    assert 'src="/static/analytics/licence_chart.js"' in page
    assert 'data-licence="active">3<' in page
    assert f'data-brand="{brands[0].pk}"><td>Alpha</td><td>2<' in page


def test_a_brand_manager_sees_only_their_brand(client, brands):
    alpha, _zulu = brands
    manager = UserFactory(username="alpha-manager", is_staff=True)
    manager.user_permissions.add(Permission.objects.get(codename="view_licenceusage"))
    alpha.managers.add(manager)
    client.force_login(manager)

    page = client.get(reverse(PAGE)).content.decode()

    data = chart(page)
    assert [(line["name"], line["values"]) for line in data["series"]] == [("Alpha", [2])]
    assert "Zulu" not in page
    assert "All brands" not in page
    assert 'data-licence="active"' not in page  # the installation's total is not theirs
    assert f'data-brand="{alpha.pk}"><td>Alpha</td><td>2<' in page


def test_before_the_first_count_the_page_says_so(admin_client):
    page = admin_client.get(reverse(PAGE)).content.decode()

    assert 'id="licence-chart-empty"' in page
    assert "licence-chart-data" not in page
    assert "The licence job counts the active contacts once a day" in page
    assert "manage.py" not in page  # a marketer does not run commands


def test_before_the_first_count_the_page_says_so_in_russian(admin_client):
    page = admin_client.get(reverse(PAGE), HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "Задача учёта лицензии раз в день подсчитывает активные контакты" in page
    assert "manage.py" not in page


def test_plotly_js_is_served_from_here(client):
    response = client.get(f"/static/{PLOTLY_JS}")

    assert response.status_code == 200
    assert b"plotly.js" in b"".join(response.streaming_content)[:2000]
