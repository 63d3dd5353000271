"""The Content-Security-Policy in a real Chromium: a superuser walks the admin (the index, every registered model's
change list, add page and first object, the campaign editor and a promo pool's page with their own JS), the login
page and Swagger UI; not one policy violation, console error, uncaught exception or failed request."""

import os
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from campaigns.models import Campaign
from loyalty.models import Product
from promocodes.models import PromoPool
from tests.e2e.test_admin_browser import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

# A folder to save screenshots of the admin and Swagger UI in, to look at them (none by default).
SCREENSHOTS = os.environ.get("CSP_SCREENSHOTS", "")

# Every document reports its violations to the test as they happen (a list kept in the page would go with it).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.reportCspViolation(
        `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`
    );
});
"""


@dataclass
class Problems:
    """What went wrong on which page."""

    current: str = ""
    found: list[str] = field(default_factory=list)

    def add(self, kind: str, text: str) -> None:
        self.found.append(f"{self.current}: {kind}: {text}")


def on_console(problems: Problems, message) -> None:
    # (a resource that failed to load is reported with its address by on_response)
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        problems.add("console error", message.text)


def on_response(problems: Problems, response) -> None:
    # Chromium asks for /favicon.ico by itself when a page names no icon, as the admin's pages do not.
    if response.status >= 400 and not response.url.endswith("/favicon.ico"):
        problems.add(f"HTTP {response.status}", response.url)


def settle(page) -> None:
    """A violation's event is queued as a task: one more turn of the page's loop lets the last ones arrive."""
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")


def visit(page, problems: Problems, path: str) -> None:
    problems.current = path
    page.goto(path)
    settle(page)


def screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"))


def admin_pages(superuser) -> list[str]:
    """The index, then every registered model's change list, add page (when it may add) and first object."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    paths = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"{name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths.append(reverse(f"{name}_change", args=[first.pk]))
    # django-import-export's pages and the password form
    for name in ("admin:contacts_contact_import", "admin:contacts_contact_export", "admin:password_change"):
        paths.append(reverse(name))
    return paths


def test_every_page_works_under_the_content_security_policy(watched):
    # given the demo's data (programs, contacts, purchases, campaigns, promo pools) and a superuser
    page, problems = watched
    call_command(
        "seed_demo", contacts=20, products=10, stores=2, registers=2, purchases=10, code_receipts=0, verbosity=0
    )
    superuser = UserFactory(username="csp-admin", is_staff=True, is_superuser=True)
    campaign = Campaign.objects.order_by("pk").first()
    pool = PromoPool.objects.order_by("pk").first()
    product = Product.objects.order_by("pk").first()
    assert campaign is not None
    assert pool is not None
    assert product is not None

    # when the login page is opened, the superuser logs in and walks the admin
    visit(page, problems, "/admin/login/")
    screenshot(page, "admin-login")
    log_in(page, "csp-admin")
    for path in admin_pages(superuser):
        visit(page, problems, path)
    visit(page, problems, "/admin/contacts/contact/")
    screenshot(page, "admin-contacts")
    visit(page, problems, f"/admin/promocodes/promopool/{pool.pk}/change/")
    screenshot(page, "admin-promo-pool")
    visit(page, problems, f"/admin/campaigns/campaign/{campaign.pk}/change/")
    screenshot(page, "admin-campaign")

    # and builds a campaign in the editor, whose script previews the product segment from the server
    visit(page, problems, "/admin/campaigns/campaign/add/")
    page.select_option("#id_brand", str(product.brand_id))
    page.select_option("#mechanic-type", "percent_discount")
    page.fill("#mechanic-percent", "10")
    page.fill("#id_segment_skus", product.sku)
    page.locator("#segment-preview [data-preview-count]").wait_for()
    settle(page)
    screenshot(page, "admin-campaign-add")

    # and opens Swagger UI, which renders the schema's operations, and unfolds one
    visit(page, problems, "/api/docs/")
    page.locator(".opblock-summary").first.click()
    page.locator(".opblock-body").first.wait_for()
    settle(page)
    screenshot(page, "swagger")

    # then nothing was refused and nothing failed
    assert problems.found == []
