"""The campaign page's mechanic editor in a real browser: drawn from the mechanics' declared parameters, graded
steps and a points mechanic's lifetime included, and written into the mechanic's JSON."""

import json

import pytest

from tests.e2e.test_admin_browser import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_the_editor_writes_graded_steps_and_a_points_lifetime_into_the_json(page, live_server):
    # given
    UserFactory(username="marketer", is_staff=True, is_superuser=True)
    log_in(page, "marketer")
    page.goto("/admin/campaigns/campaign/add/")

    # when the marketer picks a graded discount by amount spent with two steps
    page.select_option("#mechanic-type", "graded_discount")
    page.select_option("#mechanic-by", "total")
    page.locator("#mechanic-steps [data-step=from]").first.fill("1000")
    page.locator("#mechanic-steps [data-step=percent]").first.fill("5")
    page.click("#mechanic-editor button:has-text('Add a step')")
    page.locator("#mechanic-steps [data-step=from]").nth(1).fill("3000")
    page.locator("#mechanic-steps [data-step=percent]").nth(1).fill("10")

    # then each step's inputs are labelled by the step's declared fields
    assert page.locator("#mechanic-steps .cmp-step").first.locator("span").all_inner_texts() == ["From", "Percent"]
    assert json.loads(page.input_value("#id_mechanic")) == {
        "type": "graded_discount",
        "by": "total",
        "steps": [{"from": "1000", "percent": "5"}, {"from": "3000", "percent": "10"}],
    }

    # when they switch to fixed points that expire after 30 days
    page.select_option("#mechanic-type", "points_fixed")
    page.fill("#mechanic-points", "50")
    page.fill("#mechanic-expires_in_days", "30")

    # then the lifetime's whole number goes as a number; its default shows as a placeholder
    written = json.loads(page.input_value("#id_mechanic"))
    assert written == {"type": "points_fixed", "points": "50", "expires_in_days": 30}
    assert page.locator("#mechanic-activation_days").get_attribute("placeholder") == "0"
