"""The personal account and the store assistant's page in a real Chromium on a phone's screen: a customer logs in
with the code read from the outbox, sees the balance and the card's barcode and QR code, and blocks the card; a
store assistant logs in and finds a customer by phone, sees the offers for them and keeps a note. Not one policy
violation, console error or failed request on the way. Screenshots go to ACCOUNT_SCREENSHOTS (/tmp by default)."""

import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from account.models import ContactNote
from loyalty.models import Card
from loyalty.services import ledger
from tests.account.support import account_brand, sent_code
from tests.campaigns.test_pos_campaigns import save_campaign
from tests.e2e.test_csp_browser import REPORT_VIOLATIONS, Problems, on_console, on_response
from tests.factories import PASSWORD, UserFactory
from tests.loyalty.pos_support import make_shopper, make_till

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SCREENSHOTS = Path(os.environ.get("ACCOUNT_SCREENSHOTS", "/tmp"))
PHONE = "+79161234567"
# An iPhone 12/13's screen.
PHONE_SCREEN = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def phone(browser, live_server) -> Iterator[tuple[object, Problems]]:
    """A page on a phone's screen, and what goes wrong on it."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", **PHONE_SCREEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = Problems()
    page.expose_function("reportCspViolation", lambda text: problems.add("CSP violation", text))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: on_console(problems, message))
    page.on("pageerror", lambda error: problems.add("uncaught", str(error)))
    page.on("response", lambda response: on_response(problems, response))
    yield page, problems
    context.close()


@pytest.fixture
def shopper():
    till = make_till(brand=account_brand(name="Fresh Market"))
    shopper = make_shopper(till, phone=PHONE, first_name="Anna", last_name="Ivanova")
    ledger.accrue(account=shopper.account, points=Decimal("1250"), at=timezone.now())
    ledger.accrue(account=shopper.account, points=Decimal("150"), at=timezone.now(), expires_in_days=20)
    shopper.till = till  # type: ignore[attr-defined]
    return shopper


def test_a_customer_logs_in_with_the_code_from_the_outbox_sees_the_balance_and_blocks_the_card(phone, shopper):
    page, problems = phone

    # when: the phone typed as people type it, the code read from the SMS in the outbox
    problems.current = "login"
    page.goto("/account/")
    page.get_by_label("Phone number").fill("8 916 123-45-67")
    page.get_by_role("button", name="Send me a code").click()
    code_field = page.get_by_label("Code from the SMS")
    code_field.wait_for()
    page.screenshot(path=str(SCREENSHOTS / "account_code.png"))
    code_field.fill(sent_code(PHONE))
    page.get_by_role("button", name="Log in").click()

    # then: the balance, the tier and the card to show at the till
    problems.current = "account"
    balance = page.locator('[data-balance="active"]')
    balance.wait_for()
    assert balance.inner_text() == "1400.00"
    assert page.locator("[data-tier]").inner_text() == "Base"
    assert page.get_by_role("img", name=f"Barcode of card {shopper.card.number}").is_visible()
    assert page.get_by_role("img", name=f"QR code of card {shopper.card.number}").is_visible()
    assert page.evaluate("() => [...document.images].every((image) => image.complete && image.naturalWidth > 0)")
    page.screenshot(path=str(SCREENSHOTS / "account_balance.png"), full_page=True)

    # when: the card is lost
    problems.current = "block"
    page.get_by_text("Lost the card? Block it").click()
    page.get_by_role("button", name=f"Block card {shopper.card.number}").click()

    # then
    page.locator('[data-status="blocked"]').wait_for()
    assert page.get_by_role("status").first.inner_text() == f"Card {shopper.card.number} is blocked."
    assert Card.objects.get(pk=shopper.card.pk).status == "blocked"
    page.screenshot(path=str(SCREENSHOTS / "account_blocked.png"), full_page=True)
    assert problems.found == []


def test_the_assistant_finds_a_customer_by_phone_and_keeps_a_note(phone, shopper):
    page, problems = phone
    till = shopper.till
    save_campaign(till.brand, name="Weekend 10% off")
    user = UserFactory(username="assistant", first_name="Olga", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_contactnote", "view_contact"]))
    till.brand.managers.add(user)

    # when: the assistant logs in on their phone and types the customer's phone
    problems.current = "assistant login"
    page.goto("/assistant/")
    page.fill("input[name=username]", "assistant")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/assistant/")
    problems.current = "assistant"
    page.get_by_label("Card, phone or scanned code").fill("+7 916 123 45 67")
    page.get_by_role("button", name="Find", exact=True).click()

    # then
    page.get_by_role("heading", name="Anna Ivanova").wait_for()
    assert page.locator('[data-balance="active"]').inner_text() == "1400.00"
    assert page.locator("[data-tier]").inner_text() == "Base"
    assert page.get_by_text("Weekend 10% off").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "assistant_customer.png"), full_page=True)

    # when: a note of the conversation
    page.get_by_label("What did you talk about?").fill("Asked about the loyalty card for her son")
    page.get_by_role("button", name="Keep the note").click()

    # then
    page.get_by_text("Asked about the loyalty card for her son").wait_for()
    assert ContactNote.objects.get().author_id == user.pk
    page.screenshot(path=str(SCREENSHOTS / "assistant_note.png"), full_page=True)
    assert problems.found == []
