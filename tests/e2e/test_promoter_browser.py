"""The promoter's page in a real Chromium on a tablet's screen: logging in, the phone formatted as it is typed, a lead
captured and its welcome SMS in the outbox (the dispatcher and the relay run inline, as the eager default does),
three leads typed with the network cut and sent once it is back (exactly three contacts), a blacklisted phone
refused with a polite message and nothing stored; no policy violation, console error or uncaught exception."""

import os
from collections.abc import Iterator

import pytest

from campaigns.messaging.models import Message
from contacts.models import Contact
from promoters.models import Lead
from tests.e2e.test_csp_browser import REPORT_VIOLATIONS, Problems, on_console
from tests.factories import PASSWORD, BlacklistEntryFactory
from tests.messaging.support import trigger
from tests.promoters.support import brand_with_cards, promoter, stand

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SCREENSHOTS = os.environ.get("PROMO_SCREENSHOTS", "/tmp")
TABLET = {"width": 820, "height": 1180}


@pytest.fixture
def fair():
    brand = brand_with_cards("Fair brand")
    person = promoter(brand, "promo")
    fair = stand(brand, code="expo", name="Autumn fair stand", promoters=[person])
    trigger(brand, name="Welcome", event="lead_captured", template="Welcome, {{ contact.first_name }}!")
    return fair


@pytest.fixture
def tablet(browser, live_server) -> Iterator[tuple[object, object, Problems]]:
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=TABLET, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = Problems()
    page.expose_function("reportCspViolation", lambda text: problems.add("CSP violation", text))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: on_console(problems, message))
    page.on("pageerror", lambda error: problems.add("uncaught", str(error)))
    # answers of 400 and more, but the leads' own refusals (the blacklisted phone) which the page reads
    page.on(
        "response",
        lambda response: (
            problems.add(f"HTTP {response.status}", response.url)
            if response.status >= 400 and "/api/v1/leads" not in response.url
            else None
        ),
    )
    yield context, page, problems
    context.close()


def log_in(page) -> None:
    page.goto("/promo/expo/")
    page.get_by_label("Username").fill("promo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("#lead-form")


def type_lead(page, phone: str, name: str) -> None:
    page.locator("#phone").press_sequentially(phone)
    page.get_by_label("First name").fill(name)
    page.get_by_label("I accept the terms").check()
    page.get_by_label("I agree to receive news").check()
    page.get_by_role("button", name="Join").click()


def next_visitor(page) -> None:
    page.get_by_role("button", name="Next visitor").click()
    page.wait_for_selector("#lead-form:not([hidden])")


def test_a_lead_is_captured_and_welcomed_by_sms(fair, tablet):
    _context, page, problems = tablet

    # when: the promoter logs in and types a visitor's phone as people say it
    log_in(page)
    page.screenshot(path=f"{SCREENSHOTS}/promo_form.png", full_page=True)
    page.locator("#phone").press_sequentially("89161234567")
    assert page.locator("#phone").input_value() == "+7 (916) 123-45-67"
    page.get_by_label("First name").fill("Anna")
    page.get_by_label("E-mail", exact=True).fill("anna@example.com")
    page.get_by_label("I accept the terms").check()
    page.get_by_label("I agree to receive news").check()
    page.get_by_role("button", name="Join").click()

    # then: the thank-you screen with the card, the contact, and the welcome SMS sent through the outbox
    page.wait_for_selector("#thanks[data-state=sent]")
    page.screenshot(path=f"{SCREENSHOTS}/promo_thanks.png", full_page=True)
    assert page.locator("#thanks-title").inner_text() == "Thank you, Anna!"
    contact = Contact.objects.get(phone="+79161234567")
    card = contact.cards.get()
    assert card.number in page.locator("#thanks-card").inner_text()
    message = Message.objects.get(event="lead_captured")
    assert (message.contact_id, message.channel, message.body, message.status) == (
        contact.pk,
        "sms",
        "Welcome, Anna!",
        "sent",
    )
    # the next visitor gets an empty form
    next_visitor(page)
    assert page.locator("#phone").input_value() == ""
    assert not page.get_by_label("I accept the terms").is_checked()
    assert problems.found == []


def test_three_leads_typed_offline_are_sent_once_the_network_is_back(fair, tablet):
    context, page, problems = tablet
    log_in(page)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")  # the page's files kept for offline use

    # when: the network drops and three visitors are registered
    context.set_offline(True)
    for phone, name in (("9161110001", "Ivan"), ("9161110002", "Olga"), ("9161110003", "Pavel")):
        type_lead(page, phone, name)
        page.wait_for_selector("#thanks[data-state=queued]")
        next_visitor(page)
    page.wait_for_selector("#queue-status[data-count='3']")
    page.screenshot(path=f"{SCREENSHOTS}/promo_offline.png", full_page=True)
    assert "waiting to be sent: 3" in page.locator("#queue-status").inner_text()
    assert Lead.objects.count() == 0

    # then: back online, the queue is sent, each lead once
    context.set_offline(False)
    page.wait_for_selector("#queue-status[data-count='0']", state="attached", timeout=20_000)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")  # a second flush finds nothing to send
    page.wait_for_timeout(500)
    assert sorted(Contact.objects.values_list("phone", flat=True)) == ["+79161110001", "+79161110002", "+79161110003"]
    assert Lead.objects.count() == 3
    assert Message.objects.filter(event="lead_captured").count() == 3
    problems.found = [found for found in problems.found if "ERR_INTERNET_DISCONNECTED" not in found]
    assert problems.found == []


def test_a_blacklisted_phone_is_refused_politely_and_nothing_is_stored(fair, tablet):
    _context, page, problems = tablet
    BlacklistEntryFactory(phone="+79167770000", email=None)

    # when
    log_in(page)
    type_lead(page, "+7 916 777 00 00", "Spam")

    # then
    alert = page.locator("#form-error")
    alert.wait_for(state="visible")
    page.screenshot(path=f"{SCREENSHOTS}/promo_blacklisted.png", full_page=True)
    assert alert.inner_text().startswith("Sorry, we cannot register this phone number or e-mail.")
    assert page.locator("#thanks").is_hidden()
    assert Lead.objects.count() == 0
    assert Contact.objects.count() == 0
    assert problems.found == []
