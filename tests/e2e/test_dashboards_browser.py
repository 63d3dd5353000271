"""The home page and every analytics dashboard in a real Chromium, as a brand manager with the marketer's role: each
opens, draws its Plotly charts (served from here), shows only the manager's brand and logs no policy violation or
console error; the home page's figures are the API's overview for the same days; "Refresh now" writes every stream
(side by side on PostgreSQL) and comes back. Screenshots go to /tmp."""

import os
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from access.roles import sync_roles
from tests.analytics.summaries_support import build_world
from tests.e2e.test_admin_browser import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SHOTS = os.environ.get("DASHBOARD_SCREENSHOTS", "/tmp")
DASHBOARDS = {
    "overview": ("/admin/analytics/dashboards/overview/", "#dash-revenue-chart .main-svg"),
    "load": ("/admin/analytics/dashboards/register-load/", "#dash-heatmap .main-svg"),
    "registers": ("/admin/analytics/dashboards/registers/", "#table-registers"),
    "program": ("/admin/analytics/dashboards/program/", "#table-partners"),
}


@pytest.fixture
def world():
    """The summaries' hand-computed world; the other brand is "Zebra" with a "Zebra store", for the leak search."""
    world = build_world()
    world.other.name = "Zebra"
    world.other.save(update_fields=["name"])
    world.other.stores.update(name="Zebra store")
    sync_roles()
    manager = UserFactory(username="north-manager", is_staff=True)
    manager.groups.add(Group.objects.get(name="marketer"))
    world.brand.managers.add(manager)
    return world


def number(text: str) -> Decimal:
    """A figure as the page writes it (1,234.50 or 75.0 %) as a number."""
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


def test_the_home_page_shows_the_api_s_overview(watched, world):
    page, problems = watched
    # when
    log_in(page, "north-manager")
    problems.current = "home"
    page.wait_for_selector("#dash-revenue-chart .main-svg")
    page.screenshot(path=f"{SHOTS}/dashboards_home.png", full_page=True)
    # then: every figure is the API's for the same days and brand
    home = page.locator("#home")
    query = {"brand": world.brand.pk, "from": home.get_attribute("data-from"), "to": home.get_attribute("data-to")}
    answer = page.request.get("/api/v1/analytics/overview", params=query)
    assert answer.status == 200
    api = answer.json()
    shown = {figure.get_attribute("data-figure"): figure.inner_text() for figure in page.locator("[data-figure]").all()}
    assert set(shown) == {key for key in api if key not in ("previous", "from", "to")}
    for key, text in shown.items():
        expected = Decimal(str(api[key])) * (100 if key == "identified_share" else 1)
        assert number(text) == expected, key
    assert "Ural ten off" in page.locator("#home-campaigns").inner_text()
    assert "Zebra" not in page.content()
    assert "Periodic tasks" not in page.content()  # the technical section is for unlimited staff only
    assert problems.found == []


@pytest.mark.parametrize("name", list(DASHBOARDS))
def test_every_dashboard_opens_for_the_manager_with_their_brand_only(watched, world, name):
    page, problems = watched
    url, drawn = DASHBOARDS[name]
    first = (world.day.replace(day=1)).isoformat()
    # when
    log_in(page, "north-manager")
    problems.current = name
    page.goto(f"{url}?from={first}&store={world.moscow.pk}" if name == "load" else f"{url}?from={first}")
    page.wait_for_selector(drawn)
    page.screenshot(path=f"{SHOTS}/dashboards_{name}.png", full_page=True)
    # then
    content = page.content()
    assert "Zebra" not in content
    brands = page.locator("#dash-filters select[name=brand] option").all_inner_texts()
    assert brands == ["All my brands", "North"]
    with page.expect_download() as download:
        page.locator(".dash-downloads a", has_text="CSV").first.click()
    assert download.value.suggested_filename.endswith(".csv")
    assert problems.found == []


def test_refresh_now_writes_every_stream_and_comes_back(watched, world, monkeypatch):
    # given: the refresh's streams watched (on PostgreSQL they run side by side, a thread each, inside the request)
    import threading

    from django.db import connection

    from analytics.summaries import refresh
    from analytics.summaries.models import SummaryState

    threads: dict[str, str] = {}
    real = refresh.refresh_stream

    def spy(stream, **kwargs):
        threads[stream] = threading.current_thread().name
        return real(stream, **kwargs)

    monkeypatch.setattr(refresh, "refresh_stream", spy)
    page, problems = watched
    log_in(page, "north-manager")
    page.goto(DASHBOARDS["overview"][0])
    page.wait_for_selector(DASHBOARDS["overview"][1])
    threads.clear()  # the page's catch-up before it read
    SummaryState.objects.update(refreshed_at=None)
    # when
    with page.expect_navigation():
        page.get_by_role("button", name="Refresh now").click()
    page.wait_for_selector(DASHBOARDS["overview"][1])
    # then: back on the dashboard, every stream written, each in a thread of its own on PostgreSQL
    assert page.url.endswith(DASHBOARDS["overview"][0])
    assert set(threads) == {"days", "products", "ledger"}
    assert SummaryState.objects.filter(refreshed_at__isnull=False).count() == 3
    if connection.vendor == "postgresql":
        assert all(name.startswith("summaries") for name in threads.values()), threads
    assert problems.found == []
