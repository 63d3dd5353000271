"""A marketer in a real browser: adds a pool of promo codes from the campaign's page, generates codes on the pool's
page (within the request, and above the limit by a background job whose progress bar the page polls), reads the
pool's totals (also in Russian) and finds a code typed in lower case with spaces."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import expect

import promocodes.tasks
from campaigns.models import Campaign
from campaigns.services.campaigns import campaign_save
from promocodes.models import GenerationJob, PromoCode, PromoPool
from promocodes.services.pools import pool_save
from tests.e2e.test_admin_browser import log_in, switch_language
from tests.factories import BrandFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

TOTALS = ("generated", "used", "remaining", "expired")
POLL_WAIT_MS = 10_000  # the pool's page polls its jobs every 2 seconds


def coded_campaign(brand, name: str) -> Campaign:
    """An active campaign of the brand, 10 % off everything, that only a promo code unlocks."""
    return campaign_save(
        campaign=Campaign(
            brand=brand,
            name=name,
            status="active",
            starts_at=timezone.now() - timedelta(days=1),
            priority=0,
            combine="sum",
            audience={"type": "all"},
            conditions={},
            mechanic={"type": "percent_discount", "percent": 10},
            limits={},
            requires_code=True,
        )
    )


def totals_on(page) -> dict[str, str]:
    return {name: page.locator(f"[data-total={name}]").inner_text() for name in TOTALS}


def total_labels_on(page) -> dict[str, str]:
    """The caption above each figure of the pool's totals."""
    return {
        name: page.locator(f"[data-total={name}]").locator("xpath=preceding-sibling::div").inner_text()
        for name in TOTALS
    }


def bar_width(row) -> str:
    return row.locator("[data-job-bar]").evaluate("(bar) => bar.style.width")


def generate(page, count: int) -> None:
    """Posts the pool page's generate form (its field and button sit in the pool's form, joined to it by their form
    attribute) and waits for the pool's page it redirects back to."""
    page.locator("input[name=count][form=promo-generate]").fill(str(count))
    with page.expect_navigation():
        page.locator("button[type=submit][form=promo-generate]").click()


def test_a_brand_manager_adds_a_pool_from_the_campaign_generates_codes_and_finds_one(page):
    # given a manager of one brand, allowed to work with campaigns and promo codes, and a campaign that needs a code
    brand = BrandFactory(name="Beauty")
    marketer = UserFactory(username="marketer", is_staff=True)
    marketer.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["campaigns", "promocodes"]))
    brand.managers.add(marketer)
    campaign = coded_campaign(brand, "Spring flyer")

    # when the marketer opens the campaign and follows its link to add a pool
    log_in(page, "marketer")
    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    assert "No pool yet" in page.content()
    with page.expect_navigation():
        page.get_by_role("link", name="Add a pool of codes for this campaign").click()

    # then the pool's form already names the campaign and its brand
    assert "/admin/promocodes/promopool/add/" in page.url
    assert page.input_value("#id_campaign") == str(campaign.pk)
    assert page.input_value("#id_brand") == str(brand.pk)

    # when the marketer names a single-use pool with a prefix typed in lower case and saves it
    page.fill("#id_name", "Spring flyers")
    page.select_option("#id_kind", "single_use")
    page.fill("#id_prefix", "spr-")
    with page.expect_navigation():
        page.click("button[name=_continue]")

    # then the pool is saved for the campaign (prefix upper-cased), empty, with its page open
    pool = PromoPool.objects.get()
    assert (pool.name, pool.campaign_id, pool.brand_id, pool.kind, pool.prefix) == (
        "Spring flyers",
        campaign.pk,
        brand.pk,
        "single_use",
        "SPR-",
    )
    # (Django's admin keeps the add page's query, ?campaign=…&brand=…, on the page it continues to)
    assert urlsplit(page.url).path == f"/admin/promocodes/promopool/{pool.pk}/change/"
    assert totals_on(page) == {"generated": "0", "used": "0", "remaining": "0", "expired": "0"}

    # when the marketer generates 50 codes from the pool's page
    generate(page, 50)

    # then they are made within the request, and the page shows the totals
    assert urlsplit(page.url).path == f"/admin/promocodes/promopool/{pool.pk}/change/"
    assert "50 codes generated; the pool has 50." in page.content()
    assert totals_on(page) == {"generated": "50", "used": "0", "remaining": "50", "expired": "0"}
    codes = list(PromoCode.objects.filter(pool=pool).values_list("code", flat=True))
    assert len(codes) == 50
    assert all(code.startswith("SPR-") and len(code) == len("SPR-") + 8 for code in codes)
    assert not GenerationJob.objects.exists()

    # when the marketer opens the pool's codes and searches one of them typed in lower case with spaces around
    wanted = codes[17]
    with page.expect_navigation():
        page.get_by_role("link", name="the pool's codes").click()
    assert f"pool={pool.pk}" in page.url
    search = page.locator("input[name=q]")
    search.fill(f"  {wanted.lower()}  ")
    with page.expect_navigation():
        search.press("Enter")

    # then exactly that code is listed
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td, th").first.inner_text().strip() == wanted
    assert wanted in page.content()

    # when the marketer goes back to the campaign
    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")

    # then it lists the pool with its 50 codes
    assert page.get_by_role("link", name="Spring flyers").get_attribute("href") == (
        f"/admin/promocodes/promopool/{pool.pk}/change/"
    )
    assert "50 codes" in page.content()

    # when the marketer opens the pool's page in Russian
    page.goto(f"/admin/promocodes/promopool/{pool.pk}/change/")
    switch_language(page, "ru")

    # then the totals keep their figures under Russian captions
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.url.endswith(f"/admin/promocodes/promopool/{pool.pk}/change/")
    assert total_labels_on(page) == {
        "generated": "создано",
        "used": "использовано",
        "remaining": "осталось",
        "expired": "просрочено",
    }
    assert totals_on(page) == {"generated": "50", "used": "0", "remaining": "50", "expired": "0"}


class HeldWorker:
    """Stands in for `promocodes.tasks.generate_codes` while no Celery worker has picked the jobs up yet (tests run
    Celery eagerly, which would finish a job before the page shows it): `delay` only notes the job; `run` does then
    what the worker would."""

    def __init__(self) -> None:
        self.task = promocodes.tasks.generate_codes
        self.queued: list[int] = []

    def delay(self, job_id: int) -> None:
        self.queued.append(job_id)

    def run(self) -> None:
        while self.queued:
            self.task(self.queued.pop(0))


def test_codes_above_the_sync_limit_are_generated_by_a_job_whose_progress_bar_the_page_follows(
    page, settings, monkeypatch
):
    # given a superuser, a single-use pool of a campaign that needs a code, and a limit of 10 codes per request
    # (pytest-django's `settings` changes the process's settings, which the live server's threads read)
    settings.PROMO_GENERATE_SYNC_LIMIT = 10
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    brand = BrandFactory(name="Beauty")
    pool = pool_save(
        pool=PromoPool(
            brand=brand, campaign=coded_campaign(brand, "Spring flyer"), name="Spring flyers", kind="single_use"
        )
    )
    log_in(page, "admin")
    page.goto(f"/admin/promocodes/promopool/{pool.pk}/change/")
    assert "Up to 10 codes are generated at once" in page.locator("#promo-generate-fields").inner_text()
    assert "No codes were generated in the background yet." in page.content()

    # when the admin asks for 30 codes (Celery is eager here: the job runs once the request commits)
    generate(page, 30)

    # then a job made them, and the pool's page shows it done at 100 % with the totals
    assert "30 codes are being generated in the background; the progress is shown below." in page.content()
    (done,) = GenerationJob.objects.filter(pool=pool)
    assert (done.status, done.requested, done.generated) == ("done", 30, 30)
    row = page.locator(f"[data-job='{done.pk}']")
    assert row.locator("[data-job-status]").inner_text() == "done"
    assert row.locator("[data-job-count]").inner_text() == "30 of 30 (100%)"
    assert bar_width(row) == "100%"
    assert page.locator("[data-promo-jobs]").get_attribute("data-running") == "0"
    assert totals_on(page) == {"generated": "30", "used": "0", "remaining": "30", "expired": "0"}

    # when the admin asks for 40 more while no worker has taken the job yet
    worker = HeldWorker()
    monkeypatch.setattr(promocodes.tasks, "generate_codes", worker)
    generate(page, 40)

    # then the page shows the job queued at 0 %, the totals as they were, and follows the job
    (queued,) = GenerationJob.objects.filter(pool=pool).exclude(pk=done.pk)
    assert worker.queued == [queued.pk]
    row = page.locator(f"[data-job='{queued.pk}']")
    assert row.locator("[data-job-status]").inner_text() == "queued"
    assert row.locator("[data-job-count]").inner_text() == "0 of 40 (0%)"
    assert bar_width(row) == "0%"
    assert page.locator("[data-promo-jobs]").get_attribute("data-running") == "1"
    assert totals_on(page)["generated"] == "30"
    page.evaluate("window.notReloaded = true")  # gone if the page were loaded again
    jobs_url = f"**/admin/promocodes/promopool/{pool.pk}/jobs/"
    with page.expect_response(jobs_url) as first_poll:  # the page asks every 2 seconds
        pass
    assert first_poll.value.json()["running"] is True

    # when the worker runs the job, the page's polls held meanwhile (on SQLite the live server shares the test's
    # database connection; a held request reaches the server once the test is back in Playwright)
    page.route(jobs_url, lambda route: route.continue_())
    worker.run()

    # then, without a reload, the bar reaches 100 % and the totals count the new codes
    expect(row.locator("[data-job-status]")).to_have_text("done", timeout=POLL_WAIT_MS)
    assert row.locator("[data-job-count]").inner_text() == "40 of 40 (100%)"
    assert bar_width(row) == "100%"
    expect(page.locator("[data-total=generated]")).to_have_text("70", timeout=POLL_WAIT_MS)
    assert totals_on(page) == {"generated": "70", "used": "0", "remaining": "70", "expired": "0"}
    assert page.locator("[data-promo-jobs]").get_attribute("data-running") == "0"
    assert page.evaluate("window.notReloaded") is True
    queued.refresh_from_db()
    assert (queued.status, queued.generated) == ("done", 40)
    assert PromoCode.objects.filter(pool=pool).count() == 70
