"""A marketer in a real browser stacks a campaign on an active one: the page warns with what the two give together;
the test panel, beside the form, finds products by name and fills their list price; a blank price is the
list price on the server too. In Russian on a laptop's screen, the panel's answer fits in it, its numbers in
Russian. Each step's time is printed (run with -s to see them)."""

import os
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest

from campaigns.models import Campaign, ProductSegment
from campaigns.services.campaigns import product_segment_save
from loyalty.services.ledger import account_for, accrue
from tests.e2e.test_admin_browser import log_in, switch_language
from tests.e2e.test_csp_browser import settle
from tests.factories import (
    BrandFactory,
    ContactFactory,
    EnrollmentFactory,
    ProductFactory,
    StoreFactory,
    TierFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SCREENSHOT = os.environ.get("CAMPAIGN_TEST_PANEL_SCREENSHOT", "/tmp/h13_campaign.png")
SCREENSHOT_RU = os.environ.get("CAMPAIGN_TEST_PANEL_RU_SCREENSHOT", "/tmp/h13b/campaign_test_panel_ru.png")
LAPTOP = {"width": 1280, "height": 800}
# An amount in Russian: groups of three apart (a no-break space), a decimal comma, two places.
RUSSIAN_AMOUNT = re.compile(r"^\d{1,3}(\u00a0\d{3})*,\d{2}$")


class Steps:
    """Prints how long each step took."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.times: dict[str, float] = {}

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.times[name] = now - self.last
        print(f"step {name}: {self.times[name]:.2f} s")
        self.last = now


def shampoos():
    """A brand with three shampoos at list prices, "Shampoo 1+1=3" active on them, and a Silver contact."""
    brand = BrandFactory(name="Beauty")
    StoreFactory(brand=brand, name="Main street")
    ProductFactory(brand=brand, sku="SH-1", name="Mint shampoo", price=Decimal("100.00"))
    ProductFactory(brand=brand, sku="SH-2", name="Kids shampoo", price=Decimal("200.00"))
    ProductFactory(brand=brand, sku="SH-3", name="Argan shampoo", price=Decimal("300.00"))
    segment = product_segment_save(
        segment=ProductSegment(brand=brand), data={"name": "Shampoos", "skus": ["SH-1", "SH-2", "SH-3"]}
    )
    other = Campaign.objects.create(
        brand=brand,
        name="Shampoo 1+1=3",
        status="active",
        starts_at="2026-01-01T00:00:00Z",
        mechanic={"type": "buy_n_get_m", "buy": 2, "get": 1},
        audience={"type": "all"},
        product_segment=segment,
    )
    contact = ContactFactory(phone=None, first_name="Nina")
    EnrollmentFactory(contact=contact, program=brand.program, tier=TierFactory(program=brand.program, name="Silver"))
    return brand, other, contact


def test_a_stacked_campaign_is_warned_about_and_tested_with_products_found_by_name(watched):
    page, problems = watched
    steps = Steps()
    # given a brand with three shampoos and the demo's "Shampoo 1+1=3" active on them
    UserFactory(username="marketer", is_staff=True, is_superuser=True)
    brand, one_plus_one, _contact = shampoos()
    log_in(page, "marketer")
    steps.done("log in")

    # when the marketer adds an active 15 % campaign on the same shampoos
    page.goto("/admin/campaigns/campaign/add/")
    page.fill("#id_name", "Shampoo 15 %")
    page.select_option("#id_brand", str(brand.pk))
    page.select_option("#id_status", "active")
    page.select_option("#mechanic-type", "percent_discount")
    page.fill("#mechanic-percent", "15")
    page.fill("#id_segment_skus", "SH-1\nSH-2\nSH-3")
    page.locator("#segment-preview [data-preview-count='3']").wait_for()
    steps.done("fill the new campaign")
    with page.expect_navigation():
        page.click("button[name=_continue]")
    campaign = Campaign.objects.get(name="Shampoo 15 %")
    assert page.url.endswith(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    steps.done("save")

    # then the page warns about "Shampoo 1+1=3", linked, with the two together against this one alone
    warning = page.locator("a", has_text="“Shampoo 1+1=3”").locator("xpath=..")
    assert page.locator(f"a[href='/admin/campaigns/campaign/{one_plus_one.pk}/change/']").count() >= 1
    text = " ".join(warning.inner_text().split())
    assert "is also active on 3 of the same products" in text
    assert "the two together give a discount of 175.00, against 90.00 for this campaign alone" in text

    # and the test panel sits beside the form, level with the mechanic's section (a right column)
    panel = page.locator("#campaign-test")
    mechanic_section = page.locator("fieldset", has=page.locator("#id_mechanic")).bounding_box()
    assert panel.bounding_box()["x"] >= mechanic_section["x"] + mechanic_section["width"]
    assert panel.bounding_box()["y"] < mechanic_section["y"] + mechanic_section["height"]
    steps.done("read the warning and find the panel")

    # when the marketer searches "argan" and picks it
    page.fill("#test-product-search", "argan")
    option = page.locator("#test-product-results [role=option][data-sku='SH-3']")
    option.wait_for()
    assert "list price: 300.00" in option.inner_text()
    panel.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT.replace(".png", "_search.png"))
    option.click()
    first = page.locator("#test-basket tr").nth(0)
    # then the line has its SKU and list price
    assert first.locator("[data-line=sku]").input_value() == "SH-3"
    assert first.locator("[data-line=price]").input_value() == "300.00"
    steps.done("search a product by name and pick it")

    # when a second product is picked by SKU and its price left blank
    page.click("#test-add-line")
    page.fill("#test-product-search", "SH-1")
    page.locator("#test-product-results [data-sku='SH-1']").wait_for()
    page.press("#test-product-search", "Enter")  # the first match
    second = page.locator("#test-basket tr").nth(1)
    assert second.locator("[data-line=price]").input_value() == "100.00"
    second.locator("[data-line=price]").fill("")
    page.click("#test-calculate")
    page.locator("#test-verdict").wait_for()
    steps.done("calculate")

    # then the blank price was taken at the list price and the panel shows the discount
    result = page.locator("#test-result")
    assert result.locator("[data-line-index='1'] [data-field=price]").inner_text() == "100.00"
    assert page.locator("#test-total-discount").inner_text() == "60.00"  # 15 % of 300 and 100; no third shampoo
    assert "gives a discount of 60.00" in page.locator("#test-verdict").inner_text()

    panel.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT, full_page=True)
    panel.screenshot(path=SCREENSHOT.replace(".png", "_panel.png"))
    steps.done("screenshot")
    settle(page)
    assert problems.found == []
    print(f"steps total: {sum(steps.times.values()):.2f} s")


def inside(box: dict, outer: dict) -> bool:
    return box["x"] >= outer["x"] - 0.5 and box["x"] + box["width"] <= outer["x"] + outer["width"] + 0.5


# The width of an input's text (its value, or its placeholder in the placeholder's font) and the room it has.
TEXT_AND_ROOM = """(input) => {
    const style = getComputedStyle(input);
    const shown = input.value ? style : getComputedStyle(input, "::placeholder");
    const context = document.createElement("canvas").getContext("2d");
    context.font = `${shown.fontWeight} ${shown.fontSize} ${shown.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return [context.measureText(input.value || input.placeholder).width, room];
}"""


def test_in_russian_on_a_laptop_the_panels_answer_fits_in_it_with_russian_numbers(watched):
    page, problems = watched
    page.set_viewport_size(LAPTOP)
    # given a brand's balm and shampoo, a 15 % campaign on both, and a contact with 2,782.43 points
    UserFactory(username="marketer", is_staff=True, is_superuser=True)
    brand = BrandFactory(name="Красота")
    StoreFactory(brand=brand, name="Тверская")
    ProductFactory(brand=brand, sku="BL-0049", name="Бальзам для волос", price=Decimal("1234.50"))
    ProductFactory(brand=brand, sku="SH-1", name="Шампунь мятный", price=Decimal("609.99"))
    segment = product_segment_save(
        segment=ProductSegment(brand=brand), data={"name": "Уход", "skus": ["BL-0049", "SH-1"]}
    )
    campaign = Campaign.objects.create(
        brand=brand,
        name="Уход −15 %",
        status="draft",
        starts_at="2026-01-01T00:00:00Z",
        mechanic={"type": "percent_discount", "percent": "15"},
        audience={"type": "all"},
        product_segment=segment,
    )
    Campaign.objects.create(
        brand=brand,
        name="Баллы за уход",
        status="active",
        starts_at="2026-01-01T00:00:00Z",
        mechanic={"type": "points_percent", "percent": "1"},
        audience={"type": "all"},
        product_segment=segment,
    )
    contact = ContactFactory(phone=None, first_name="Нина")
    EnrollmentFactory(contact=contact, program=brand.program)
    accrue(account=account_for(program=brand.program, contact=contact), points="2782.43", at=contact.created_at)
    log_in(page, "marketer")
    switch_language(page, "ru")

    # when the marketer finds the shampoo by its name in lower case, adds two balms by SKU, and calculates
    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    page.fill("#test-product-search", "шампунь")
    option = page.locator("#test-product-results [role=option][data-sku='SH-1']")
    option.wait_for()
    assert "цена по прайс-листу: 609,99" in option.inner_text()
    option.click()
    page.click("#test-add-line")
    second = page.locator("#test-basket tr").nth(1)
    second.locator("[data-line=sku]").fill("BL-0049")
    second.locator("[data-line=quantity]").fill("2")
    # then the SKU and the price's placeholder ("blank: the list price") are whole in their boxes
    for input_ in (second.locator("[data-line=sku]"), second.locator("[data-line=price]")):
        text, room = input_.evaluate(TEXT_AND_ROOM)
        assert text <= room, (input_.get_attribute("data-line"), text, room)
    page.select_option("#test-customer-kind", "contact_id")
    page.fill("#test-customer", str(contact.pk))
    page.click("#test-calculate")
    page.locator("#test-verdict").wait_for()

    # then every figure of every line and the totals are inside the panel, nothing scrolls sideways
    panel = page.locator("#campaign-test")
    panel_box = panel.bounding_box()
    cards = page.locator("#test-lines .cmp-line-card")
    assert cards.count() == 2
    for field in ("sku", "quantity", "price", "base", "discount", "total", "points", "applied"):
        for card in cards.all():
            box = card.locator(f"[data-field={field}]").bounding_box()
            assert box is not None, field
            assert box["width"] > 0, field
            assert inside(box, panel_box), (field, box, panel_box)
    for total in page.locator("#test-result [id^=test-total-]").all():
        assert inside(total.bounding_box(), panel_box), total.get_attribute("id")
    assert page.locator("#test-result").evaluate("(box) => box.scrollWidth <= box.clientWidth")

    # and the numbers are Russian: grouped thousands, decimal commas
    balm = page.locator("[data-line-index='1']")
    assert balm.locator("[data-field=quantity]").inner_text() == "2"
    assert balm.locator("[data-field=price]").inner_text() == "1\u00a0234,50"
    assert balm.locator("[data-field=base]").inner_text() == "2\u00a0469,00"
    assert balm.locator("[data-field=discount]").inner_text() == "370,35"
    for card in cards.all():
        for field in ("price", "base", "discount", "total", "points"):
            assert RUSSIAN_AMOUNT.match(card.locator(f"[data-field={field}]").inner_text()), field
    assert page.locator("#test-total-base").inner_text() == "3\u00a0078,99"
    assert page.locator("#test-total-discount").inner_text() == "461,85"
    assert "баланс: 2\u00a0782,43" in page.locator("#test-customer-found").inner_text()
    assert "скидку 461,85" in page.locator("#test-verdict").inner_text()
    applied = balm.locator("[data-field=applied]").inner_text()
    assert "Уход −15 %: скидка 370,35" in applied
    assert re.search(r"Баллы за уход: баллы \d+,\d\d", applied)
    assert "−0" not in page.locator("#test-result").inner_text()

    Path(SCREENSHOT_RU).parent.mkdir(parents=True, exist_ok=True)
    panel.screenshot(path=SCREENSHOT_RU)
    page.locator("#test-verdict").scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT_RU.replace(".png", "_page.png"))

    # when the basket is emptied and calculated, the error reads "Ошибка: …" (no status, no stray space)
    for remove in page.locator("#test-basket .cmp-remove").all()[::-1]:
        remove.click()
    page.click("#test-calculate")
    assert page.locator("#test-error strong").inner_text().startswith("Ошибка: ")
    settle(page)
    assert problems.found == []
