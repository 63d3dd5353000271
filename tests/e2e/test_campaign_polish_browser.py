"""The campaign and pool pages in a real browser: no time-zone warning by the date fields of a user hours away from
the server (the date widgets still work, day-month-year), Pause or Resume as the status allows, and the pool's
multi-use code shown only for a multi-use pool."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Campaign
from promocodes.models import PromoCode, PromoPool
from promocodes.services.pools import pool_save
from tests.e2e.test_admin_browser import log_in
from tests.factories import BrandFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def far_page(browser, live_server) -> Iterator[object]:
    """A browser in New York (the server's clock is Moscow's: 8 hours ahead)."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", timezone_id="America/New_York")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def campaign(status: str) -> Campaign:
    return Campaign.objects.create(
        brand=BrandFactory(name="Beauty"),
        name="Ten off",
        status=status,
        starts_at=timezone.now() - timedelta(days=1),
        mechanic={"type": "percent_discount", "percent": "10"},
        audience={"type": "all"},
    )


def test_a_user_hours_away_sees_no_time_zone_warning_and_working_date_fields(far_page):
    page = far_page
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    log_in(page, "admin")

    page.goto(reverse("admin:campaigns_campaign_add"))

    # the note is made by Django's script (the offsets differ) but not shown
    page.wait_for_selector(".timezonewarning", state="attached")
    warnings = page.locator(".timezonewarning")
    assert warnings.count() > 0
    assert [warnings.nth(index).is_visible() for index in range(warnings.count())] == [False] * warnings.count()
    # the calendar is there, and its "Today" writes day-month-year in the server's calendar
    page.locator("details:has(#id_starts_at_0) > summary").click()  # the schedule's section is folded
    start = page.locator("#id_starts_at_0")
    start.fill("")
    page.locator("#calendarlink0").click()
    page.locator("#calendarbox0 .calendar-shortcuts a", has_text="Today").click()
    expect(start).to_have_value(timezone.localdate().strftime("%d.%m.%Y"))


@pytest.mark.parametrize(("status", "shown", "hidden"), [("active", "pause", "resume"), ("paused", "resume", "pause")])
def test_the_page_shows_pause_or_resume_as_the_status_allows(page, status, shown, hidden):
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    item = campaign(status)
    log_in(page, "admin")

    page.goto(reverse("admin:campaigns_campaign_change", args=[item.pk]))

    expect(page.locator(f'a[href*="{item.pk}/{shown}"]').first).to_be_visible()
    assert page.locator(f'a[href*="{item.pk}/{hidden}"]').count() == 0


def test_the_pool_form_shows_the_multi_use_code_only_for_a_multi_use_pool(watched):
    page, problems = watched
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    log_in(page, "admin")

    page.goto(reverse("admin:promocodes_promopool_add"))

    code = page.locator("#id_code")
    expect(code).to_be_hidden()
    page.select_option("#id_kind", "multi_use")
    expect(code).to_be_visible()
    page.select_option("#id_kind", "single_use")
    expect(code).to_be_hidden()
    assert problems.found == []


def test_the_pool_page_offers_to_add_codes_right_after_its_main_fields(watched):
    page, problems = watched
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    item = campaign("active")
    Campaign.objects.filter(pk=item.pk).update(requires_code=True)
    item.refresh_from_db()
    pool = pool_save(pool=PromoPool(brand=item.brand, campaign=item, name="Flyers"))
    log_in(page, "admin")

    page.goto(reverse("admin:promocodes_promopool_change", args=[pool.pk]))

    # then the count is above the pool's validity and figures, and generating posts to its own view
    count = page.locator("input[name=count][form=promo-generate]")
    count_top = count.bounding_box()["y"]
    assert count_top < page.locator("#id_valid_from_0").bounding_box()["y"]
    assert count_top < page.locator("[data-total=generated]").bounding_box()["y"]
    count.fill("5")
    with page.expect_navigation():
        page.locator("button[type=submit][form=promo-generate]").click()
    expect(page.locator("[data-total=generated]")).to_have_text("5")
    assert PromoCode.objects.filter(pool=pool).count() == 5
    assert problems.found == []
