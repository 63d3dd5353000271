"""The contact's page on a laptop's screen: the balance is in sight without scrolling, in English and in Russian, and
a brand manager sees which brand they work in."""

import os
from decimal import Decimal
from pathlib import Path

import pytest

from tests.e2e.test_admin_browser import log_in, switch_language
from tests.loyalty.test_admin_contact_summary import member_with_points

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SCREENSHOTS = Path(os.environ.get("CONTACT_SCREENSHOTS", "/tmp"))
LAPTOP = {"width": 1280, "height": 800}


@pytest.mark.parametrize(("language", "brand_line"), [("en", "Brand: Managed brand"), ("ru", "Managed brand")])
def test_the_balance_is_in_sight_when_the_contact_opens(page, manager, manager_brand, language, brand_line):
    # given: a manager of one brand, and a customer of it with points, an expiry, two cards and a family account
    contact = member_with_points(manager_brand, phone="+79161230009")["contact"]
    page.set_viewport_size(LAPTOP)
    log_in(page, manager.username)
    if language != "en":
        switch_language(page, language)

    # when
    page.goto(f"/admin/contacts/contact/{contact.pk}/change/")

    # then: the balance is whole within the screen, above the form
    balance = page.locator('#contact-summary [data-summary="balance"]')
    box = balance.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["y"] >= 0
    assert box["x"] + box["width"] <= LAPTOP["width"]
    assert box["y"] + box["height"] <= LAPTOP["height"]
    assert page.evaluate("window.scrollY") == 0
    form_top = page.locator("#contact_form").bounding_box()
    assert form_top is not None
    assert form_top["y"] > box["y"]
    number = "1,734.50" if language == "en" else "1\N{NO-BREAK SPACE}734,50"
    assert number in balance.inner_text()
    assert page.locator("html").get_attribute("lang") == language
    page.screenshot(path=str(SCREENSHOTS / f"contact_{language}.png"))
    # and the manager's brand is named in the header
    label = page.locator("#header-inner").get_by_text(brand_line)
    assert label.is_visible()
    label_box = label.bounding_box()
    assert label_box is not None
    assert label_box["x"] + label_box["width"] <= LAPTOP["width"]


def test_the_figures_are_worth_their_currency(page, manager, manager_brand):
    # given: a point worth half a rouble
    manager_brand.program.point_value = Decimal("0.50")
    manager_brand.program.save()
    contact = member_with_points(manager_brand, phone="+79161230010")["contact"]
    log_in(page, manager.username)

    # when
    page.goto(f"/admin/contacts/contact/{contact.pk}/change/")

    # then
    assert "≈ 867.25\N{NO-BREAK SPACE}₽" in page.locator('#contact-summary [data-summary="balance"]').inner_text()
