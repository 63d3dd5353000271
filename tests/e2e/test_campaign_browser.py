"""A marketer in a real browser: creates a campaign with its product segment on the campaign page, tests it on a
contact, activates it; a till's calculate then applies it."""

import json
import os
import urllib.request
from decimal import Decimal

import pytest

from campaigns.models import Campaign
from loyalty.services.registers import register_create
from tests.e2e.test_admin_browser import log_in
from tests.factories import (
    BrandFactory,
    ContactFactory,
    EnrollmentFactory,
    ProductFactory,
    StoreFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SCREENSHOT = os.environ.get("CAMPAIGN_SCREENSHOT", "/tmp/campaign_page.png")


def pos_calculate(base_url: str, key: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{base_url}/api/v1/pos/calculate",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Api-Key {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_a_marketer_creates_tests_and_activates_a_campaign_that_the_till_then_applies(page, live_server):
    # given a brand with a store, a register, a product and a contact of its program without a phone
    UserFactory(username="marketer", is_staff=True, is_superuser=True)
    brand = BrandFactory(name="Beauty")
    store = StoreFactory(brand=brand, name="Main street")
    _register, key = register_create(data={"store": store, "code": "R1"})
    ProductFactory(brand=brand, sku="SH-1", name="Shampoo", price=Decimal("1000.00"))
    ProductFactory(brand=brand, sku="CO-1", name="Conditioner", price=Decimal("500.00"))
    contact = ContactFactory(phone=None, first_name="Nina")
    EnrollmentFactory(contact=contact, program=brand.program)

    # when the marketer adds a campaign with its product segment listed on the page
    log_in(page, "marketer")
    page.goto("/admin/campaigns/campaign/add/")
    page.fill("#id_name", "Shampoo 10 %")
    page.select_option("#id_brand", str(brand.pk))
    page.select_option("#id_status", "draft")
    page.select_option("#mechanic-type", "percent_discount")
    page.fill("#mechanic-percent", "10")
    page.fill("#id_segment_skus", "SH-1")

    # then the preview counts the one product
    preview = page.locator("#segment-preview [data-preview-count]")
    preview.wait_for()
    assert preview.get_attribute("data-preview-count") == "1"
    assert "SH-1" in page.locator("#segment-preview").inner_text()
    assert json.loads(page.input_value("#id_mechanic")) == {"type": "percent_discount", "percent": "10"}

    with page.expect_navigation():
        page.click("button[name=_continue]")
    campaign = Campaign.objects.get()
    assert campaign.product_segment is not None
    assert campaign.product_segment.skus == ["SH-1"]
    assert page.url.endswith(f"/admin/campaigns/campaign/{campaign.pk}/change/")

    # when the marketer tests it on the contact (by id) with a basket of one shampoo at 1000.00
    page.select_option("#test-customer-kind", "contact_id")
    page.fill("#test-customer", str(contact.pk))
    line = page.locator("#test-basket tr").first
    line.locator("[data-line=sku]").fill("SH-1")
    line.locator("[data-line=quantity]").fill("1")
    line.locator("[data-line=price]").fill("1000.00")
    page.click("#test-calculate")

    # then the calculation shows the discount
    total_discount = page.locator("#test-total-discount")
    total_discount.wait_for()
    assert total_discount.inner_text() == "100.00"
    assert "Shampoo 10 %" in page.locator("#test-result").inner_text()
    page.screenshot(path=SCREENSHOT, full_page=True)

    # when the marketer activates it
    page.select_option("#id_status", "active")
    with page.expect_navigation():
        page.click("button[name=_continue]")
    campaign.refresh_from_db()
    assert campaign.status == "active"

    # then a till's calculate applies it at once
    answer = pos_calculate(
        live_server.url,
        key,
        {"customer": None, "lines": [{"sku": "SH-1", "quantity": "1", "price": "1000.00"}]},
    )
    assert answer["totals"]["discount"] == "100.00"
    (applied,) = answer["lines"][0]["applied"]
    assert (applied["campaign_id"], applied["discount"]) == (campaign.pk, "100.00")
