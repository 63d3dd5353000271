"""The metric pages in a real Chromium, as a brand manager: RFM, LTV, ABC/XYZ, BCG, fraud and churn open with their
Plotly charts (plotly.js served from here), their brand's figures only, no policy violation or console error; one
click on an RFM tile makes a customer segment. Screenshots under /tmp (METRICS_SCREENSHOTS)."""

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from analytics.metrics.models import ChurnModel
from analytics.metrics.scores import rfm_scores_refresh
from campaigns.models import Segment
from contacts.models import ContactScore
from loyalty.models import Brand
from tests.analytics.metrics.support import buy, contact, refund, shop
from tests.e2e.test_admin_browser import log_in
from tests.factories import CategoryFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SHOTS = os.environ.get("METRICS_SCREENSHOTS", "/tmp/metrics")
PAGES = {
    "rfmreport": "#metric-chart .main-svg",
    "ltvreport": "#metric-chart .main-svg",
    "abcxyzreport": "#metric-chart .main-svg",
    "bcgreport": "#metric-chart .main-svg",
    "fraudreport": ".fraud-kind",
    "churnmodel": "#churn-risks .main-svg",
}


@pytest.fixture
def manager():
    """Mine and Zebra, each with shoppers over a year in two categories, a card at three stores within an hour, the
    stored scores and a churn model; a manager of Mine who may read the metrics and add segments."""
    now = timezone.now()
    for name, sku in (("Mine", "MINE"), ("Zebra", "ZEBRA")):
        where = shop(name)
        hair, soap = CategoryFactory(name=f"{name} hair"), CategoryFactory(name=f"{name} soap")
        where.product(f"{sku}-1", category=hair)
        where.product(f"{sku}-2", category=soap)
        for n in range(12):
            person = contact()
            for k in range(n % 5 + 1):
                at = now - timedelta(days=3 + 17 * n + 40 * k, hours=2)
                bought = buy(where, person, at, [(f"{sku}-1", 1 + k, 100 + 10 * n), (f"{sku}-2", 1, 50)])
                if n == 11 and k == 0:
                    refund(bought, at + timedelta(days=1), [(0, 1, 100 + 10 * n)])
        registers = [where.register_in() for _ in range(3)]
        for minutes, register in zip((0, 15, 40), registers, strict=True):
            buy(where, None, now - timedelta(days=1, minutes=-minutes), register=register, card=f"{sku}-CARD-1")
    rfm_scores_refresh(at=now)
    model = ChurnModel.objects.create(
        trained_at=now,
        status="trained",
        horizon_days=90,
        training_cutoff=now - timedelta(days=180),
        validation_cutoff=now - timedelta(days=90),
        training_contacts=24,
        training_churned=6,
        validation_contacts=24,
        validation_churned=8,
        training_auc=0.91,
        auc=0.87,
        features=[{"name": "recency_days", "weight": 1.2, "mean": 3.0, "scale": 1.0}],
        intercept=-1.0,
    )
    for n, score in enumerate(ContactScore.objects.order_by("pk")):
        score.churn_risk = Decimal(n % 10) / 10
        score.save()
    model.scored_contacts = ContactScore.objects.count()
    model.save()
    user = UserFactory(username="metrics-manager", is_staff=True)
    codenames = [f"view_{name}" for name in PAGES] + ["add_segment", "view_segment"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    Brand.objects.get(name="Mine").managers.add(user)
    return user


def test_every_metric_page_for_a_brand_manager(watched, manager):
    page, problems = watched
    os.makedirs(SHOTS, exist_ok=True)

    log_in(page, "metrics-manager")
    for name, ready in PAGES.items():
        problems.current = name
        page.goto(f"/admin/metrics/{name}/")
        page.wait_for_selector(ready)
        page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 150))")
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
        content = page.content()
        # then: their brand only
        assert "Zebra" not in content, name
        assert "ZEBRA" not in content, name
        assert page.locator("#id_brand option").all_inner_texts() == ["Mine"], name

    # one click on a tile of the RFM map makes a customer segment of it
    page.goto("/admin/metrics/rfmreport/")
    page.wait_for_selector("#metric-chart .main-svg")
    first = page.locator("#rfm-segments form.rfm-make").first.get_attribute("data-segment")
    with page.expect_navigation():
        page.locator("#metric-chart g.slice").nth(1).click()
    assert "The customer segment" in page.content()
    segment = Segment.objects.get()
    assert segment.rules["all"][0]["field"] == "rfm"
    assert first
    assert problems.found == []
