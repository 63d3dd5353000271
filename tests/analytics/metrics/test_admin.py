"""The metric pages in the admin for a brand manager: their brand's figures only, files, one click to a segment."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from analytics.metrics.churn import churn_train
from analytics.metrics.scores import churn_scores_write
from campaigns.models import Segment
from loyalty.models import Category, Product
from tests.analytics.metrics.support import buy, contact, shop
from tests.analytics.metrics.test_churn import synthetic  # noqa: F401  (the fixture)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ("rfmreport", "ltvreport", "abcxyzreport", "bcgreport", "fraudreport", "churnmodel")
# The queries each page makes (the most of SQLite's and PostgreSQL's: there a metric's statement also sets its
# transaction's work_mem and JIT), whatever the number of receipts.
QUERY_BOUNDS = {
    "rfmreport": 13,
    "ltvreport": 9,
    "abcxyzreport": 14,
    "bcgreport": 13,
    "fraudreport": 16,
    "churnmodel": 13,
}


@pytest.fixture
def manager_client():
    mine, theirs = shop("Mine"), shop("Zebra")
    now = timezone.now()
    for where, sku in ((mine, "MINE-1"), (theirs, "ZEBRA-1")):
        for n in range(5):
            person = contact()
            for k in range(n + 1):
                buy(where, person, now - timedelta(days=n + 1 + 20 * k, hours=1), [(sku, 1, 100 + n)])
    user = UserFactory(username="metrics-manager", is_staff=True)
    codenames = [f"view_{page}" for page in PAGES] + ["add_segment", "view_segment"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    mine.brand.managers.add(user)
    client = Client()
    client.force_login(user)
    return client, mine, theirs


@pytest.mark.parametrize("page", PAGES)
def test_each_page_opens_with_the_managers_brand_only(manager_client, page):
    client, mine, _theirs = manager_client

    response = client.get(f"/admin/metrics/{page}/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "Zebra" not in text
    assert "ZEBRA" not in text
    assert f'<option value="{mine.brand.pk}" selected>Mine</option>' in text


def test_the_other_brand_is_refused_and_files_are_the_table(manager_client):
    client, mine, theirs = manager_client

    other = client.get("/admin/metrics/abcxyzreport/", {"brand": theirs.brand.pk})
    csv = client.get("/admin/metrics/abcxyzreport/", {"brand": mine.brand.pk, "format": "csv"})
    xlsx = client.get("/admin/metrics/rfmreport/", {"brand": mine.brand.pk, "format": "xlsx"})

    assert other.status_code == 200
    assert "ZEBRA" not in other.content.decode()
    assert 'data-error="brand"' in other.content.decode()
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "product,sku,name,category,revenue,share,abc,units,cv,xyz"
    assert lines[1].split(",")[1:3] == ["MINE-1", "Product MINE-1"]
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_one_click_makes_a_customer_segment_of_an_rfm_segment(manager_client):
    client, mine, theirs = manager_client

    made = client.post("/admin/metrics/rfmreport/", {"brand": mine.brand.pk, "segment": "champions"})
    refused = client.post("/admin/metrics/rfmreport/", {"brand": theirs.brand.pk, "segment": "champions"})

    assert made.status_code == 302
    segment = Segment.objects.get()
    assert segment.program == mine.brand.program
    assert segment.rules == {"all": [{"field": "rfm", "op": "eq", "value": "champions"}]}
    assert refused.status_code == 302
    assert Segment.objects.count() == 1


def test_the_churn_page_shows_the_models_figures(synthetic, admin_client):  # noqa: F811
    at, _loyal, _churners = synthetic
    churn_scores_write(model=churn_train(at=at), at=at)

    response = admin_client.get("/admin/metrics/churnmodel/")

    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-churn="auc"' in text
    assert "recency_days" in text
    assert '<div class="text-lg font-semibold" data-churn="scored">60</div>' in text


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the session and the permissions warmed up
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("page", PAGES)
def test_each_metric_page_reads_a_bounded_number_of_queries(manager_client, page):
    # given: the pages' queries counted over the fixture's receipts
    client, mine, _theirs = manager_client
    url = f"/admin/metrics/{page}/"
    before = _queries(client, url)
    # when: as many buyers and receipts again, of another product
    now = timezone.now()
    for n in range(5):
        person = contact()
        for k in range(n + 1):
            buy(mine, person, now - timedelta(days=n + 2 + 20 * k, hours=3), [("MINE-2", 2, 50 + n)])
    # then: the same number of queries, within the pinned bound
    assert _queries(client, url) == before
    assert before <= QUERY_BOUNDS[page]


def test_the_abc_xyz_table_names_each_category_and_its_file_keeps_the_id(manager_client):
    client, mine, _theirs = manager_client
    category = Category.objects.create(name="Шампуни")
    Product.objects.filter(brand=mine.brand, sku="MINE-1").update(category=category)

    page = client.get("/admin/metrics/abcxyzreport/", {"brand": mine.brand.pk}).content.decode()
    csv = client.get("/admin/metrics/abcxyzreport/", {"brand": mine.brand.pk, "format": "csv"})

    assert "<td>Шампуни</td>" in page
    assert csv.content.decode("utf-8-sig").splitlines()[1].split(",")[3] == str(category.pk)
