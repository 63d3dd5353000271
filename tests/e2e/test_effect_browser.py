"""A brand manager in a real browser: gives a campaign a control group on its page, and reads its effect there (the
panel filled after the page opens, under the project's Content-Security-Policy, no console error); a campaign
without a control group says so in a sentence."""

import os
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from campaigns.models import Campaign
from tests.campaigns.effect_support import buy, save_campaign, shoppers_by_group
from tests.e2e.test_admin_browser import log_in
from tests.factories import UserFactory
from tests.loyalty.pos_support import make_shopper, make_till

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SCREENSHOTS = os.environ.get("EFFECT_SCREENSHOTS", "/tmp/h11c_effect")


def brand_manager(brand) -> None:
    user = UserFactory(username="marketer", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="campaigns"))
    brand.managers.add(user)


def test_a_manager_sets_a_control_group_and_reads_the_uplift_on_the_campaign_page(watched):
    page, problems = watched
    # given: a running campaign of the manager's brand, as yet without a control group
    till = make_till()
    brand_manager(till.brand)
    campaign = save_campaign(till.brand, name="Ten off")
    log_in(page, "marketer")

    # when: the manager holds 50 % out on the campaign page
    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    problems.current = page.url
    page.locator("[data-effect-ready]").wait_for()
    assert "No control group" in page.locator(".cmp-effect").inner_text()
    page.locator("details:has(#id_control_percent) > summary").click()  # the audience's section is folded
    page.fill("#id_control_percent", "50")
    with page.expect_navigation():
        page.click("button[name=_continue]")
    campaign.refresh_from_db()
    assert campaign.control_percent == 50

    # and receipts come in: target shoppers buy 200 and 100 (10 % off), a control shopper 100, another nothing
    (t1, t2), (c1, c2) = shoppers_by_group(till, campaign, target=2, control=2)
    till.program.enrollments.exclude(contact__in=[s.contact for s in (t1, t2, c1, c2)]).delete()
    day = timezone.now() - timedelta(days=1)
    buy(till, t1, "200.00", at=day, number="T1")
    buy(till, t2, "100.00", at=day, number="T2")
    buy(till, c1, "100.00", at=day, number="C1")
    page.reload()

    # then: the panel shows what was touched, the two groups and the uplift with its interval
    panel = page.locator("[data-effect-ready]")
    panel.wait_for()
    panel.scroll_into_view_if_needed()
    text = panel.inner_text()
    assert "Uplift: +170.0 %" in text
    assert "95 % interval" in text
    assert page.locator('[data-total="receipts"]').inner_text() == "2"
    assert page.locator('[data-total="revenue"]').inner_text() == "270.00"
    assert page.locator('[data-group="control"] td').nth(1).inner_text() == "2"
    page.screenshot(path=f"{SCREENSHOTS}_uplift.png", full_page=True)
    panel.screenshot(path=f"{SCREENSHOTS}_uplift_panel.png")
    assert problems.found == []


def test_the_panel_says_plainly_that_there_is_no_control_group(watched):
    page, problems = watched
    till = make_till()
    brand_manager(till.brand)
    campaign = save_campaign(till.brand, name="Ten off")
    buy(till, make_shopper(till), "100.00", at=timezone.now() - timedelta(hours=1), number="N1")
    log_in(page, "marketer")

    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    problems.current = page.url
    panel = page.locator("[data-effect-ready]")
    panel.wait_for()
    panel.scroll_into_view_if_needed()

    assert "No control group: the campaign holds nobody out" in panel.inner_text()
    assert "Uplift" not in panel.inner_text()
    assert page.locator('[data-total="discount"]').inner_text() == "10.00"
    panel.screenshot(path=f"{SCREENSHOTS}_no_control.png")
    assert problems.found == []
    assert Campaign.objects.get().control_percent == 0
