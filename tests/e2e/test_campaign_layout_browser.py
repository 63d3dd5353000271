"""The campaign page's layout in a real Chromium at 1280×800: the mechanic first, the rest in sections that fold
(each saying what it holds; one with an error opens by itself), the test panel a right column that stays in view,
under the form on a narrow screen. The marketer's most common flow, timed in steps (run with -s to see them): create
a campaign on a product segment, see the overlap warning, test it on a contact with list prices filled in."""

import pytest

from campaigns.models import Campaign
from tests.e2e.test_admin_browser import log_in
from tests.e2e.test_campaign_test_panel_browser import Steps, shampoos
from tests.e2e.test_csp_browser import settle
from tests.factories import (
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

LAPTOP = {"width": 1280, "height": 800}
NARROW = {"width": 1024, "height": 800}
FOLDED = ["Schedule", "Audience and control group", "Basket conditions", "Promo codes", "Stacking with other campaigns"]


def section_open(page, title: str) -> bool:
    return page.locator("details.cmp-fold", has=page.locator("summary", has_text=title)).evaluate("d => d.open")


def test_a_marketer_creates_a_campaign_sees_the_overlap_and_tests_it_on_a_contact(watched):
    page, problems = watched
    page.set_viewport_size(LAPTOP)
    steps = Steps()
    UserFactory(username="marketer", is_staff=True, is_superuser=True)
    brand, other, contact = shampoos()
    log_in(page, "marketer")
    steps.done("log in")

    # when the marketer opens a new campaign
    page.goto("/admin/campaigns/campaign/add/")
    # then the mechanic is at the top, the brand (the only one) chosen, the rest folded with what it holds
    assert page.locator("#id_brand").input_value() == str(brand.pk)
    mechanic = page.locator("#mechanic-type").bounding_box()
    assert mechanic["y"] + mechanic["height"] < LAPTOP["height"]
    assert [section_open(page, title) for title in FOLDED] == [False] * len(FOLDED)
    assert section_open(page, "Products") is True
    schedule = page.locator("summary", has_text="Schedule").inner_text()
    assert "from now, with no end" in schedule
    assert "every day, all day" in schedule
    steps.done("open the new campaign")

    # when it fills in only the name, the mechanic, its products and the status, and saves
    page.fill("#id_name", "Shampoo 15 %")
    page.select_option("#mechanic-type", "percent_discount")
    page.fill("#mechanic-percent", "15")
    page.fill("#id_segment_skus", "SH-1, SH-2, SH-3")
    page.locator("#segment-preview [data-preview-count='3']").wait_for()
    page.select_option("#id_status", "active")
    with page.expect_navigation():
        page.click("button[name=_continue]")
    campaign = Campaign.objects.get(name="Shampoo 15 %")
    assert page.url.endswith(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    assert (campaign.status, campaign.mechanic, campaign.audience) == (
        "active",
        {"type": "percent_discount", "percent": "15"},
        {"type": "all"},
    )
    assert campaign.product_segment.skus == ["SH-1", "SH-2", "SH-3"]
    steps.done("fill in and save")

    # then the page warns that "Shampoo 1+1=3" is active on the same products, with what the two give together
    warning = " ".join(page.locator("a", has_text="“Shampoo 1+1=3”").locator("xpath=..").inner_text().split())
    assert "is also active on 3 of the same products" in warning
    assert "the two together give a discount of 175.00, against 90.00 for this campaign alone" in warning
    assert page.locator(f"a[href='/admin/campaigns/campaign/{other.pk}/change/']").count() >= 1
    steps.done("read the overlap warning")

    # and the test panel is a right column beside the form, still in view when the form is scrolled
    panel = page.locator("#campaign-test")
    form = page.locator("#campaign_form").bounding_box()
    assert panel.bounding_box()["x"] >= form["x"] + form["width"]
    page.mouse.wheel(0, 1200)
    page.wait_for_function("window.scrollY > 0 || document.scrollingElement.scrollTop > 0")
    box = panel.bounding_box()
    assert 0 <= box["y"] < LAPTOP["height"] / 2

    # when it tests the campaign on the contact with two shampoos found by name, their list prices filled in
    page.select_option("#test-customer-kind", "contact_id")
    page.fill("#test-customer", str(contact.pk))
    for query, sku in (("argan", "SH-3"), ("mint", "SH-1")):
        page.fill("#test-product-search", query)
        page.locator(f"#test-product-results [role=option][data-sku='{sku}']").click()
        if sku == "SH-3":
            page.click("#test-add-line")
    prices = [row.locator("[data-line=price]").input_value() for row in page.locator("#test-basket tr").all()]
    assert prices == ["300.00", "100.00"]
    steps.done("fill the test basket")
    page.click("#test-calculate")
    page.locator("#test-verdict").wait_for()
    steps.done("calculate")

    # then the panel names the contact and its tier, and the campaign's discount: 15 % of 400.00
    result = page.locator("#test-result").inner_text()
    assert f"#{contact.pk}" in result
    assert "tier: Silver" in result
    assert page.locator("#test-total-discount").inner_text() == "60.00"
    assert "gives a discount of 60.00" in page.locator("#test-verdict").inner_text()
    settle(page)
    assert problems.found == []
    print(f"steps total: {sum(steps.times.values()):.2f} s")


def test_a_folded_section_with_an_error_opens_with_the_message_at_its_field(watched):
    page, problems = watched
    page.set_viewport_size(LAPTOP)
    UserFactory(username="marketer", is_staff=True, is_superuser=True)
    shampoos()
    log_in(page, "marketer")
    page.goto("/admin/campaigns/campaign/add/")

    page.fill("#id_name", "Evening")
    page.select_option("#mechanic-type", "percent_discount")
    page.fill("#mechanic-percent", "5")
    page.locator("summary", has_text="Schedule").click()
    page.fill("#id_hours_from", "25:00")
    page.fill("#id_hours_to", "23:00")
    page.locator("summary", has_text="Schedule").click()  # folded again before saving
    with page.expect_navigation():
        page.click("button[name=_continue]")

    assert Campaign.objects.filter(name="Evening").count() == 0
    assert section_open(page, "Schedule") is True
    assert section_open(page, "Limits") is False
    error = page.locator(".errorlist", has_text="A time of day HH:MM")
    assert error.is_visible()
    settle(page)
    assert problems.found == []


def test_on_a_narrow_screen_the_test_panel_is_under_the_form(watched):
    page, problems = watched
    page.set_viewport_size(NARROW)
    UserFactory(username="marketer", is_staff=True, is_superuser=True)
    _brand, other, _contact = shampoos()
    log_in(page, "marketer")

    page.goto(f"/admin/campaigns/campaign/{other.pk}/change/")

    form = page.locator("#campaign_form").bounding_box()
    panel = page.locator("#campaign-test").bounding_box()
    assert panel["y"] >= form["y"] + form["height"]
    assert panel["width"] > NARROW["width"] / 2
    settle(page)
    assert problems.found == []
