"""A survey answered from its personal link in a real Chromium on a phone: the questions as a person meets them, a
question left out caught before sending, the thank-you screen with the reward, the points on the contact's balance;
in Russian too; and the marketer's results page with its Plotly charts. No policy violation, no console error."""

import os
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from campaigns.surveys.models import Survey
from campaigns.surveys.selectors import survey_links
from campaigns.surveys.services import survey_invite, survey_respond
from tests.e2e.test_admin_browser import log_in
from tests.e2e.test_csp_browser import REPORT_VIOLATIONS, Problems, on_console, on_response, settle
from tests.factories import BrandFactory, UserFactory
from tests.surveys.support import ANSWERS, enrolled, points, survey

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SHOTS = os.environ.get("SURVEY_SCREENSHOTS", "/tmp")
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(browser, live_server) -> Iterator[tuple[object, Problems]]:
    """A phone-sized page (390 × 844, touch) and what goes wrong on it."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", **PHONE)
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


def invited(live_server, **fields):
    brand = BrandFactory(name="Mine")
    [contact] = enrolled(brand)
    saved = survey(brand, **fields)
    survey_invite(survey=saved, base=live_server.url)
    [link] = survey_links(saved, base=live_server.url, contact_id=contact.pk)
    return brand, contact, saved, link["url"]


def test_a_survey_is_answered_on_a_phone_and_the_reward_lands_on_the_balance(phone, live_server):
    page, problems = phone
    # given: a contact invited to a survey worth 50 points, with no points yet
    brand, contact, _saved, link = invited(live_server)
    assert points(brand, contact) == Decimal("0.00")

    # when: the link is opened and all but the NPS question answered
    problems.current = "survey page"
    page.goto(link)
    page.screenshot(path=f"{SHOTS}/survey_phone_form.png", full_page=True)
    page.get_by_label("Internet").check()
    page.get_by_label("Shampoo").check()
    page.get_by_label("Cream").check()
    page.get_by_label("What should we improve?").fill("More stores near me")
    page.locator("#question-3 label.choice", has_text="5").click()
    page.get_by_role("button", name="Send answers").click()

    # then: the left-out question is named before anything is sent
    nps_error = page.locator("#error-4")
    assert nps_error.inner_text() == "Please answer this question."
    assert page.evaluate("document.activeElement.name") == "q4"
    page.screenshot(path=f"{SHOTS}/survey_phone_missing.png", full_page=True)

    # when: it is answered (with the keyboard: the focus is on the scale) and the answers sent
    page.locator("#question-4 label.choice", has_text="10").click()
    assert nps_error.inner_text() == ""
    page.get_by_role("button", name="Send answers").click()

    # then: the thank-you screen says the reward, and the points are on the balance
    page.wait_for_selector("[data-state=thanks]")
    assert page.locator("h1").inner_text() == "Thank you for your answers!"
    assert page.locator(".reward").inner_text() == "50 points have been added to your balance."
    page.screenshot(path=f"{SHOTS}/survey_phone_thanks.png", full_page=True)
    assert points(brand, contact) == Decimal("50.00")

    # when: the link is opened again
    page.goto(link)
    # then: no second response
    assert page.locator("h1").inner_text() == "You have already answered this survey"
    settle(page)
    assert problems.found == []


def test_the_survey_page_speaks_russian_and_fits_the_phone(phone, live_server):
    page, problems = phone
    # given
    _brand, _contact, _saved, link = invited(live_server)
    # when
    problems.current = "survey page (ru)"
    page.goto(link + "?lang=ru")
    page.screenshot(path=f"{SHOTS}/survey_phone_ru.png", full_page=True)
    # then: Russian, and nothing wider than the screen
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    settle(page)
    assert problems.found == []


def test_the_marketer_reads_the_results_with_charts(watched, live_server):
    page, problems = watched
    # given: one response
    brand, _contact, saved, link = invited(live_server)
    survey_respond(token=link.rstrip("/").rsplit("/", 1)[1], answers=ANSWERS)
    user = UserFactory(username="marketer", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="surveys"))
    brand.managers.add(user)
    # when
    log_in(page, "marketer")
    problems.current = "results"
    page.goto(f"/admin/surveys/survey/{saved.pk}/results/")
    page.wait_for_selector("#chart-4 .main-svg")
    settle(page)
    page.screenshot(path=f"{SHOTS}/survey_results_admin.png", full_page=True)
    # then: a chart per counted question, the NPS score, the text answer
    assert page.locator(".survey-chart .main-svg").count() >= 4
    assert page.locator("[data-nps]").inner_text() == "100.0"
    assert "More stores" in page.locator("[data-texts]").inner_text()
    assert problems.found == []


def test_the_marketer_builds_a_survey_in_the_admin(watched):
    page, problems = watched
    # given: a marketer of one brand
    brand = BrandFactory(name="Mine")
    user = UserFactory(username="builder", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="surveys"))
    brand.managers.add(user)
    log_in(page, "builder")
    problems.current = "builder"
    # when: the name, the brand, the reward and one question of one option of two
    page.goto("/admin/surveys/survey/add/")
    page.fill("#id_name", "After the visit")
    page.select_option("#id_brand", str(brand.pk))
    page.fill("#id_reward_points", "30")
    page.fill("#id_questions-0-text", "Did you find what you wanted?")
    page.select_option("#id_questions-0-kind", "single")
    page.fill("#id_questions-0-options", "Yes\nNo")
    page.screenshot(path=f"{SHOTS}/survey_builder.png", full_page=True)
    page.locator("button[name=_continue]").click()
    page.wait_for_selector(".messagelist, [data-figure=invited]")
    page.screenshot(path=f"{SHOTS}/survey_builder_saved.png", full_page=True)
    # then
    saved = Survey.objects.get()
    assert [(q.text, q.kind, q.options) for q in saved.questions.all()] == [
        ("Did you find what you wanted?", "single", ["Yes", "No"])
    ]
    assert saved.reward_points == Decimal("30.00")
    settle(page)
    assert problems.found == []
