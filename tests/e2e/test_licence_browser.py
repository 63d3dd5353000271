"""The "Licence use" page in a real Chromium, as a brand manager: their brand's figures and its line on the Plotly
chart (plotly.js served from here), nothing of the other brand, no policy violation or console error."""

import os
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from analytics.services import licence_record
from contacts.services.events import event_record
from tests.e2e.test_admin_browser import log_in
from tests.factories import BrandFactory, ContactFactory, EnrollmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SCREENSHOT = os.environ.get("LICENCE_SCREENSHOT", "/tmp/licence_use_manager.png")


def active_contacts(brand, count: int, at) -> None:
    for _n in range(count):
        contact = ContactFactory()
        EnrollmentFactory(contact=contact, program=brand.program)
        event_record(contact_id=contact.pk, type="product_viewed", at=at, brand_id=brand.pk)


@pytest.fixture
def manager(settings):
    """A manager of "Mine" who may read licence use; "Mine" and "Theirs" counted on three days."""
    settings.LICENSED_ACTIVE_CONTACTS = 50
    mine, theirs = BrandFactory(name="Mine"), BrandFactory(name="Theirs")
    now = timezone.now()
    for days_ago, (ours, others) in zip((2, 1, 0), ((3, 7), (5, 8), (6, 12)), strict=True):
        at = now - timedelta(days=days_ago)
        active_contacts(mine, ours, at - timedelta(minutes=1))
        active_contacts(theirs, others, at - timedelta(minutes=1))
        licence_record(at=at)
    user = UserFactory(username="licence-manager", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_licenceusage"))
    mine.managers.add(user)
    return user


def test_a_brand_manager_sees_their_brands_licence_use_only(watched, manager):
    page, problems = watched

    # when
    log_in(page, "licence-manager")
    problems.current = "licence use"
    page.goto("/admin/analytics/licenceusage/")
    page.wait_for_selector("#licence-chart .main-svg")
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 100))")
    page.screenshot(path=SCREENSHOT, full_page=True)

    # then: the licence, the brand's latest count, its line on the chart (three days), the other brand nowhere
    legend = page.locator("#licence-chart .legendtext").all_text_contents()
    assert legend == ["Mine"]
    assert page.locator("#licence-chart .scatterlayer .point").count() == 3
    assert page.locator("[data-licence=licensed]").inner_text() == "50"
    assert page.locator("[data-licence=active]").count() == 0  # the installation's total is not theirs
    assert page.locator(".licence-brands tbody tr").all_inner_texts() == ["Mine\t14"]
    content = page.content()
    assert "Theirs" not in content
    assert "All brands" not in content
    assert problems.found == []
