"""The dashboards and the home page in the admin: each opens for a brand manager with only their brands' figures,
filters by brand, store and period, downloads every table as CSV and XLSX, and reads a bounded number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from analytics.summaries.refresh import summaries_refresh
from tests.access.world import brand_manager
from tests.analytics.summaries_support import build_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ("admin:analytics_overview", "admin:analytics_load", "admin:analytics_registers", "admin:analytics_program")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def days(world, first=-1, last=1):
    return {
        "from": (world.day + timedelta(days=first)).isoformat(),
        "to": (world.day + timedelta(days=last)).isoformat(),
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_dashboard_shows_a_brand_manager_their_brand_only(page):
    # given
    world = build_world()
    world.other.name = "Zebra"
    world.other.save(update_fields=["name"])
    other_store = world.other.stores.get()
    other_store.name = "Zebra store"
    other_store.save(update_fields=["name"])
    client = logged_in(brand_manager(world.brand))
    # when
    answer = client.get(reverse(page), days(world))
    # then
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "Zebra" not in text
    assert world.brand.name in text


def test_the_overview_page_figures_for_the_period_chosen():
    world = build_world()
    client = logged_in(UserFactory(is_staff=True, is_superuser=True))
    answer = client.get(reverse("admin:analytics_overview"), {"brand": world.brand.pk, **days(world, 0, 1)})
    text = answer.content.decode()
    assert 'data-figure="revenue">2,330.00<' in text
    assert 'data-figure="receipts">4<' in text
    assert 'data-figure="identified_share">75.0 %<' in text
    assert "dash-revenue-data" in text


def test_a_store_of_another_brand_is_refused_by_the_filters():
    world = build_world()
    client = logged_in(brand_manager(world.brand))
    answer = client.get(reverse("admin:analytics_overview"), {"store": world.other.stores.get().pk})
    assert answer.status_code == 200
    assert "Select a valid choice" in answer.content.decode()


@pytest.mark.parametrize(
    ("page", "table"),
    [
        ("admin:analytics_overview", "stores"),
        ("admin:analytics_overview", "registers"),
        ("admin:analytics_load", "quiet_hours"),
        ("admin:analytics_load", "load"),
        ("admin:analytics_registers", "registers"),
        ("admin:analytics_program", "partners"),
        ("admin:analytics_program", "settlements"),
    ],
)
def test_every_table_downloads_as_csv_and_xlsx(page, table):
    world = build_world()
    client = logged_in(brand_manager(world.brand))
    csv = client.get(reverse(page), {**days(world), "export": table, "format": "csv"})
    xlsx = client.get(reverse(page), {**days(world), "export": table, "format": "xlsx"})
    assert csv.status_code == 200
    assert csv.content.startswith("\ufeff".encode())
    assert f'filename="{table}.csv"' in csv["Content-Disposition"]
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


def test_a_table_downloaded_in_russian_is_semicolon_separated():
    world = build_world()
    client = logged_in(brand_manager(world.brand))

    response = client.get(
        reverse("admin:analytics_program"),
        {**days(world), "export": "settlements", "format": "csv"},
        headers={"accept-language": "ru"},
    )

    assert response.content.startswith("\ufeff".encode())
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert ";" in header
    assert "," not in header


def test_the_register_load_shows_the_quiet_hours_of_the_store():
    world = build_world()
    client = logged_in(brand_manager(world.brand))
    answer = client.get(reverse("admin:analytics_load"), {"store": world.moscow.pk, **days(world)})
    text = answer.content.decode()
    assert "dash-heatmap-data" in text
    assert "10:00–11:00" in text


@pytest.mark.parametrize(
    ("page", "queries"),
    [
        # A brand manager's distinct contacts of the period, its previous one and its groups are counted from the
        # brand-days' packs: 2 queries on both databases (were 3 statements on PostgreSQL, 10 on SQLite), in a
        # transaction of their own (a savepoint here, and its release).
        ("admin:analytics_overview", 24),
        ("admin:analytics_load", 17),
        ("admin:analytics_registers", 16),
        ("admin:analytics_program", 23),
        ("admin:index", 18),
    ],
)
def test_each_page_reads_a_bounded_number_of_queries(page, queries, django_assert_max_num_queries):
    if isinstance(queries, dict):
        queries = queries[connection.vendor]
    # given: the summaries current (a catch-up adds its own few)
    world = build_world()
    summaries_refresh()
    client = logged_in(brand_manager(world.brand))
    client.get(reverse(page))  # the session and the permissions warmed up
    # when, then
    with django_assert_max_num_queries(queries):
        assert client.get(reverse(page), days(world)).status_code == 200


def test_refresh_now_brings_the_summaries_up_to_date_and_goes_back():
    world = build_world()
    client = logged_in(brand_manager(world.brand))
    back = reverse("admin:analytics_load") + "?store=1"
    answer = client.post(reverse("admin:analytics_refresh"), {"next": back})
    assert (answer.status_code, answer["Location"]) == (302, back)
    assert client.post(reverse("admin:analytics_refresh"), {"next": "https://evil.example/"})["Location"] == reverse(
        "admin:analytics_overview"
    )


def test_staff_without_the_analytics_permission_get_the_plain_home_page():
    world = build_world()
    user = UserFactory(is_staff=True)
    world.brand.managers.add(user)
    client = logged_in(user)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:analytics_overview")).status_code == 403


def test_the_home_page_is_the_overview_of_the_managers_brands():
    world = build_world()
    client = logged_in(brand_manager(world.brand))
    text = client.get(reverse("admin:index")).content.decode()
    assert 'id="home"' in text
    assert 'data-figure="revenue">2,580.00<' in text  # the last 30 days: every receipt of the world
    assert "Ural ten off" in text  # the running campaign, 1 receipt, 70.00 off
