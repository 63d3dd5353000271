"""A brand manager in a real browser stays inside their brand: the shared category tree and blacklist are read-only
to them, and the campaign test panel does not show another brand's customer."""

import os
from decimal import Decimal

import pytest

from loyalty.services import ledger
from tests.conftest import grant_app_permissions
from tests.e2e.test_admin_browser import log_in
from tests.factories import (
    BlacklistEntryFactory,
    BrandFactory,
    CampaignFactory,
    CategoryFactory,
    ContactFactory,
    EnrollmentFactory,
    ProductFactory,
    StoreFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SCREENSHOT = os.environ.get("SCOPING_SCREENSHOT", "/tmp/scoping_test_panel.png")


@pytest.fixture
def manager():
    user = UserFactory(username="limited", is_staff=True)
    grant_app_permissions(user, ("contacts", "loyalty", "campaigns"))
    brand = BrandFactory(name="Mine")
    brand.managers.add(user)
    StoreFactory(brand=brand)
    ProductFactory(brand=brand, sku="SH-1", price=Decimal("1000.00"))
    return user


def test_a_brand_manager_reads_but_cannot_change_the_shared_category_tree(page, manager):
    # given: a category only another brand's products use
    category = CategoryFactory(name="Hair care")
    ProductFactory(category=category)

    # when
    log_in(page, "limited")
    page.goto(f"/admin/loyalty/category/{category.pk}/change/")

    # then: the page shows it, with nothing to save or delete
    assert "Hair care" in page.content()
    assert page.locator("button[name=_save]").count() == 0
    assert page.locator("a[href$='/delete/']").count() == 0
    response = page.goto(f"/admin/loyalty/category/{category.pk}/delete/")
    assert response is not None
    assert response.status == 403
    category.refresh_from_db()
    assert category.name == "Hair care"


def test_a_brand_manager_cannot_add_to_or_remove_from_the_blacklist(page, manager):
    # given
    entry = BlacklistEntryFactory(phone="+79255550000")

    # when
    log_in(page, "limited")
    page.goto("/admin/contacts/blacklistentry/")

    # then: listed, not addable, not removable
    assert "+79255550000" in page.content()
    assert page.locator("a[href$='/add/']").count() == 0
    response = page.goto("/admin/contacts/blacklistentry/add/")
    assert response is not None
    assert response.status == 403
    response = page.goto(f"/admin/contacts/blacklistentry/{entry.pk}/delete/")
    assert response is not None
    assert response.status == 403


def test_the_campaign_test_panel_does_not_show_another_brands_customer(page, manager):
    # given: a campaign of the manager's brand, and a customer with points known only to another brand
    brand = manager.managed_brands.get()
    campaign = CampaignFactory(brand=brand, name="Ten off")
    stranger = ContactFactory(first_name="Stranger")
    other = BrandFactory(name="Theirs")
    EnrollmentFactory(contact=stranger, program=other.program)
    account = ledger.account_for(program=other.program, contact=stranger)
    ledger.accrue(account=account, points=Decimal("777"), at=account.created_at)

    # when the manager tests the campaign on the stranger's id
    log_in(page, "limited")
    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    page.select_option("#test-customer-kind", "contact_id")
    page.fill("#test-customer", str(stranger.pk))
    row = page.locator("#test-basket tr").first
    row.locator("[data-line=sku]").fill("SH-1")
    row.locator("[data-line=quantity]").fill("1")
    row.locator("[data-line=price]").fill("1000.00")
    page.click("#test-calculate")

    # then the panel says the customer is unknown and shows none of theirs
    error = page.locator("#test-error")
    error.wait_for()
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert "customer_not_found" in error.inner_text()
    result = page.locator("#test-result").inner_text()
    assert "777" not in result
    assert "Stranger" not in result
