"""Admin pages a marketer stumbled on, in Russian, in a real Chromium at 1280×800: the contact list fits the screen
with the brands on one line; the purchase page's lines show each applied campaign on a line of its own, inside
the screen; the campaign page's mechanic select has its chevron in the box, not on the label's row; the trigger
page picks an event by its label and shows the text input for a custom type only after "other…". Screenshots go
to ADMIN_FIT_SCREENSHOTS (a folder, /tmp/h13b by default)."""

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from loyalty.models import Purchase, PurchaseLine
from tests.e2e.test_admin_browser import log_in, switch_language
from tests.e2e.test_csp_browser import settle
from tests.factories import BrandFactory, ContactFactory, EnrollmentFactory, RegisterFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

LAPTOP = {"width": 1280, "height": 800}
SCREENSHOTS = Path(os.environ.get("ADMIN_FIT_SCREENSHOTS", "/tmp/h13b"))


def russian_marketer(page) -> None:
    page.set_viewport_size(LAPTOP)
    UserFactory(username="marketer", is_staff=True, is_superuser=True)
    log_in(page, "marketer")
    switch_language(page, "ru")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


def fits(page, selector: str) -> bool:
    """The element is no wider than its box: nothing of it is cut or scrolled sideways."""
    return page.locator(selector).evaluate("(e) => e.scrollWidth <= e.parentElement.clientWidth + 1")


def test_the_contact_list_fits_with_the_brands_on_one_line(watched):
    page, problems = watched
    brands = [BrandFactory(name=name) for name in ("Бьюти Лайн", "Ромашка", "Свежий Рынок", "Аптека у дома")]
    for number in range(5):
        contact = ContactFactory(
            first_name="Виктория",
            last_name=f"Плотникова{number}",
            email=f"viktoriya.plotnikova{number}@example.com",
            city="Ростов-на-Дону",
            phone_confirmed=True,
            email_confirmed=number % 2 == 0,
        )
        for brand in brands:
            EnrollmentFactory(contact=contact, program=brand.program)
    russian_marketer(page)

    page.goto("/admin/contacts/contact/")

    page.screenshot(path=str(SCREENSHOTS / "contacts_list.png"))
    assert fits(page, "#result_list")
    row = page.locator("#result_list tbody tr").first
    cell = row.locator("[data-brands]")
    assert cell.get_attribute("title") == "Аптека у дома, Бьюти Лайн, Ромашка, Свежий Рынок"
    badge = cell.locator("span").first.bounding_box()
    assert cell.bounding_box()["height"] <= badge["height"] + 1  # one line
    assert row.locator("[data-confirmed]").count() >= 1
    settle(page)
    assert problems.found == []


def test_the_purchase_lines_show_each_campaign_on_a_line_within_the_screen(watched):
    page, problems = watched
    register = RegisterFactory()
    store = register.store
    money = {name: Decimal("2629.99") for name in ("base", "total")}
    purchase = Purchase.objects.create(
        register=register,
        store=store,
        brand=store.brand,
        program=store.brand.program,
        receipt_number="R-1",
        at=timezone.now(),
        discount=Decimal("800.00"),
        redeemed_points=Decimal("0"),
        payable=Decimal("2629.99"),
        points=Decimal("21.00"),
        **money,
    )
    PurchaseLine.objects.create(
        purchase=purchase,
        index=0,
        sku="BL-00005",
        quantity=Decimal("3"),
        price=Decimal("1000.00"),
        discount=Decimal("800.00"),
        redeemed_points=Decimal("0"),
        paid=Decimal("2200.00"),
        points=Decimal("21.00"),
        applied=[
            {"campaign_id": 23, "name": "Листовка: −500 ₽ от 2 000 ₽", "discount": "500.00", "points": "0.00"},
            {"campaign_id": 24, "name": "Приветственный код −10 %", "discount": "300.00", "points": "0.00"},
            {"campaign_id": 15, "name": "1 балл за каждые 100 ₽", "discount": "0.00", "points": "21.00"},
        ],
        **money,
    )
    russian_marketer(page)

    page.goto(f"/admin/loyalty/purchase/{purchase.pk}/change/")

    lines = page.locator("#lines-group")
    lines.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "purchase_lines.png"))
    assert fits(page, "#lines-group table")
    campaigns = page.locator("[data-applied-campaign]")
    assert [re.sub(r"\s*\n\s*", " ", text) for text in campaigns.all_inner_texts()] == [
        "Листовка: −500 ₽ от 2 000 ₽ · скидка 500,00",
        "Приветственный код −10 % · скидка 300,00",
        "1 балл за каждые 100 ₽ · баллы 21,00",
    ]
    first = campaigns.first.bounding_box()
    for campaign in campaigns.all():
        box = campaign.bounding_box()
        assert box["height"] <= first["height"] + 1  # one line each
        assert box["x"] + box["width"] <= LAPTOP["width"]
    settle(page)
    assert problems.found == []


def test_the_mechanic_select_has_its_chevron_in_its_box(watched):
    page, problems = watched
    russian_marketer(page)

    page.goto("/admin/campaigns/campaign/add/")

    select = page.locator("#mechanic-type").bounding_box()
    chevron = page.locator("#mechanic-editor .cmp-select > .material-symbols-outlined").bounding_box()
    assert select["y"] < chevron["y"]
    assert chevron["y"] + chevron["height"] < select["y"] + select["height"]
    assert select["x"] + select["width"] - 40 < chevron["x"] < select["x"] + select["width"]
    # and the JSON's fold keeps its chevron beside its own text, below the select
    raw = page.locator(".cmp-raw > summary").bounding_box()
    assert raw["y"] > select["y"] + select["height"]
    page.locator("fieldset", has=page.locator("#id_mechanic")).screenshot(path=str(SCREENSHOTS / "mechanic.png"))
    settle(page)
    assert problems.found == []


def test_the_trigger_event_is_picked_by_its_label_or_typed_after_other(watched):
    page, problems = watched
    brand = BrandFactory(name="Красота")
    russian_marketer(page)

    page.goto("/admin/messaging/trigger/add/")
    other = page.locator("input[name=event_other]")
    assert not other.is_visible()
    page.select_option("select[name=event]", label="регистрация на стенде")
    assert not other.is_visible()
    page.select_option("select[name=event]", "__other__")
    assert other.is_visible()
    other.fill("order.shipped")
    page.fill("#id_name", "Заказ отправлен")
    page.select_option("#id_brand", str(brand.pk))
    page.select_option("#id_channel", "sms")
    page.fill("#id_template", "Ваш заказ отправлен")
    page.locator("fieldset").first.screenshot(path=str(SCREENSHOTS / "trigger_event.png"))
    with page.expect_navigation():
        page.click("button[name=_save]")

    page.goto("/admin/messaging/trigger/")
    assert "order.shipped" in page.locator("#result_list").inner_text()
    settle(page)
    assert problems.found == []
