"""The purchase page's lines: the campaigns applied to a line read as one line each (the name, then the discount
and the points it gave, in the page's language), not as the JSON the till was answered with."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from loyalty.admin.purchases import line_applied_campaigns
from loyalty.models import Purchase, PurchaseLine
from tests.factories import RegisterFactory

pytestmark = pytest.mark.django_db

APPLIED = [
    {"campaign_id": 3, "name": "Осенние баллы", "discount": "0.00", "points": "25.00"},
    {"campaign_id": 7, "name": "Шампунь −15 %", "discount": "1234.50", "points": "0.00"},
    {"campaign_id": 9, "name": "Both", "discount": "10.00", "points": "5.94"},
]


def purchase_with_line(applied: list) -> Purchase:
    register = RegisterFactory()
    store = register.store
    money = {name: Decimal("100.00") for name in ("base", "discount", "total", "redeemed_points", "points")}
    purchase = Purchase.objects.create(
        register=register,
        store=store,
        brand=store.brand,
        program=store.brand.program,
        receipt_number="R-1",
        at=timezone.now(),
        payable=Decimal("100.00"),
        **money,
    )
    PurchaseLine.objects.create(
        purchase=purchase,
        index=0,
        sku="SH-1",
        quantity=Decimal("1"),
        price=Decimal("100.00"),
        paid=Decimal("100.00"),
        applied=applied,
        **money,
    )
    return purchase


def plain(html: str) -> str:
    """The text of `html`, its ASCII spaces collapsed (a no-break space, the Russian thousands' separator, kept)."""
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_applied_campaigns_are_read_as_names_and_amounts():
    line = PurchaseLine(applied=[*APPLIED, "not a campaign", {"campaign_id": 4, "discount": "x"}])

    assert line_applied_campaigns(line) == [
        {"name": "Осенние баллы", "discount": Decimal("0.00"), "points": Decimal("25.00")},
        {"name": "Шампунь −15 %", "discount": Decimal("1234.50"), "points": Decimal("0.00")},
        {"name": "Both", "discount": Decimal("10.00"), "points": Decimal("5.94")},
        {"name": "#4", "discount": Decimal("0"), "points": Decimal("0")},
    ]


def test_the_purchase_page_shows_each_campaign_on_a_line_in_russian(admin_client):
    purchase = purchase_with_line(APPLIED)
    admin_client.cookies["django_language"] = "ru"

    html = admin_client.get(reverse("admin:loyalty_purchase_change", args=[purchase.pk])).content.decode()

    campaigns = [plain(block) for block in re.findall(r"<div[^>]*data-applied-campaign[^>]*>(.*?)</div>", html, re.S)]
    assert campaigns == [
        "Осенние баллы · баллы 25,00",
        "Шампунь −15 % · скидка 1\xa0234,50",
        "Both · скидка 10,00 · баллы 5,94",
    ]
    assert "campaign_id" not in html
    assert json.dumps(APPLIED[0]["name"]) not in html  # not as JSON with \u escapes


def test_the_purchase_page_in_english_and_a_line_without_campaigns(admin_client):
    purchase = purchase_with_line(APPLIED[1:2])
    empty = purchase_with_line([])

    html = admin_client.get(reverse("admin:loyalty_purchase_change", args=[purchase.pk])).content.decode()
    empty_html = admin_client.get(reverse("admin:loyalty_purchase_change", args=[empty.pk])).content.decode()

    campaigns = [plain(block) for block in re.findall(r"<div[^>]*data-applied-campaign[^>]*>(.*?)</div>", html, re.S)]
    assert campaigns == ["Шампунь −15 % · discount 1,234.50"]
    assert "data-applied-campaign" not in empty_html
