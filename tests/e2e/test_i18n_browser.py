"""The texts the pages' scripts insert, in Russian, in a real Chromium: the campaign page's mechanic editor, product
preview and test panel (with a calculation and an error), and the customer segment builder, hold no English text
that the catalogues translate (`tests.i18n_scan`). The server-rendered pages are scanned by tests/test_i18n_pages.py.
"""

from decimal import Decimal

import pytest

from campaigns.models import Campaign, ProductSegment
from campaigns.services.campaigns import product_segment_save
from tests.e2e.test_admin_browser import log_in, switch_language
from tests.e2e.test_csp_browser import settle
from tests.factories import BrandFactory, ContactFactory, EnrollmentFactory, ProductFactory, StoreFactory, UserFactory
from tests.i18n_scan import untranslated_on

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_the_campaign_page_and_its_panels_are_russian_throughout(watched):
    page, problems = watched
    UserFactory(username="marketer", is_staff=True, is_superuser=True)
    brand = BrandFactory(name="Красота")
    StoreFactory(brand=brand, name="Тверская")
    ProductFactory(brand=brand, sku="SH-1", name="Шампунь мятный", price=Decimal("100.00"))
    ProductFactory(brand=brand, sku="SH-2", name="Шампунь детский", price=Decimal("200.00"))
    segment = product_segment_save(segment=ProductSegment(brand=brand), data={"name": "Шампуни", "skus": ["SH-1"]})
    campaign = Campaign.objects.create(
        brand=brand,
        name="Шампунь −15 %",
        status="active",
        starts_at="2026-01-01T00:00:00Z",
        mechanic={"type": "percent_discount", "percent": "15"},
        audience={"type": "all"},
        product_segment=segment,
    )
    contact = ContactFactory(phone=None, first_name="Нина", last_name="Иванова")
    EnrollmentFactory(contact=contact, program=brand.program)
    log_in(page, "marketer")
    switch_language(page, "ru")
    found: dict[str, list[str]] = {}

    # the new campaign: every mechanic's editor, and the product preview
    page.goto("/admin/campaigns/campaign/add/")
    for kind in page.locator("#mechanic-type option[value]:not([value=''])").evaluate_all(
        "(options) => options.map((option) => option.value)"
    ):
        page.select_option("#mechanic-type", kind)
        found |= {f"mechanic {kind}": untranslated_on(page)}
    page.locator("summary", has_text="Расписание").click()
    page.select_option("#id_brand", str(brand.pk))
    page.fill("#id_segment_skus", "SH-1, SH-2")
    page.locator("#segment-preview [data-preview-count='2']").wait_for()
    found["add page"] = untranslated_on(page)

    # the saved campaign: its effect, the test panel's search, an error and a calculation
    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    page.locator("[data-effect-ready]").wait_for()
    page.click("#test-calculate")  # an empty basket
    page.locator("#test-result").filter(has_text="артикул").wait_for()
    found["empty basket"] = untranslated_on(page)
    page.fill("#test-product-search", "Шампунь")  # SQLite matches Cyrillic case-sensitively
    page.locator("#test-product-results [role=option]").first.wait_for()
    found["product search"] = untranslated_on(page)
    page.locator("#test-product-results [data-sku='SH-1']").click()
    page.select_option("#test-customer-kind", "contact_id")
    page.fill("#test-customer", str(contact.pk))
    page.click("#test-calculate")
    page.locator("#test-verdict").wait_for()
    found["calculation"] = untranslated_on(page)

    # the customer segment builder with a condition
    page.goto("/admin/campaigns/segment/add/")
    page.locator(".sb-root > .sb-actions [data-add=condition]").click()
    page.locator(".sb-root > .sb-actions [data-add=group]").click()
    found["segment builder"] = untranslated_on(page)

    assert {where: texts for where, texts in found.items() if texts} == {}
    settle(page)
    assert problems.found == []
