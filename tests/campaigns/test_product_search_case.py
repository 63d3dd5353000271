"""The test panel's product search ignores the case of Cyrillic names on both databases (SQLite's LIKE folds ASCII
only; `common.textsearch` folds both sides there), and still treats % and _ as plain characters."""

from decimal import Decimal

import pytest
from django.urls import reverse

from common.textsearch import contains_text
from loyalty.models import Product
from tests.campaigns.test_admin_campaigns import make_campaign
from tests.factories import BrandFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    brand = BrandFactory(name="Красота")
    for sku, name in [
        ("SH-1", "Шампунь мятный"),
        ("SH-2", "Детский шампунь"),
        ("SH-3", "ШАМПУНЬ АРГАНОВЫЙ"),
        ("CO-1", "Кондиционер 100% натуральный"),
        ("CO-2", "Кондиционер 1000 мл"),
    ]:
        ProductFactory(brand=brand, sku=sku, name=name, price=Decimal("100.00"))
    ProductFactory(brand=BrandFactory(), sku="SH-9", name="Шампунь чужой")
    return make_campaign(brand)


def found(client, campaign, query: str) -> list[str]:
    url = reverse("admin:campaigns_campaign_products", args=[campaign.pk])
    return [row["sku"] for row in client.get(url, {"q": query}).json()["results"]]


@pytest.mark.parametrize("query", ["шампунь", "Шампунь", "ШАМПУНЬ", "шАМПУНь", " шампунь "])
def test_a_cyrillic_name_is_found_in_any_case(admin_client, campaign, query):
    assert found(admin_client, campaign, query) == ["SH-2", "SH-3", "SH-1"]  # by name; another brand's not


@pytest.mark.parametrize(
    ("query", "skus"),
    [
        ("детский ШАМПУНЬ", ["SH-2"]),
        ("аргановый", ["SH-3"]),
        ("100%", ["CO-1"]),  # % is a character, not a wildcard
        ("кондиционер 1_", []),  # nor is _
        ("sh-", ["SH-2", "SH-3", "SH-1"]),  # SKUs as before: ASCII, any case
    ],
)
def test_the_search_matches_substrings_case_blind_and_literally(admin_client, campaign, query, skus):
    assert found(admin_client, campaign, query) == skus


def test_contains_text_on_the_queryset(campaign):
    products = Product.objects.filter(brand=campaign.brand).order_by("sku")

    assert list(products.filter(contains_text("name", "МЯТНЫЙ")).values_list("sku", flat=True)) == ["SH-1"]
    assert products.exclude(contains_text("name", "шампунь")).count() == 2
