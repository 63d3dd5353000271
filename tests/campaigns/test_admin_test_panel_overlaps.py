"""The campaign page's test panel and its overlap warning: the product search (the campaign's brand's products
only), a blank price taken at the list price, and the warning about another active campaign on the same products
(on save and on activation) with what the two give together on a sample basket."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, ProductSegment
from campaigns.services.campaigns import product_segment_save
from campaigns.services.overlaps import campaign_overlaps
from tests.campaigns.test_admin_campaigns import ADD, change_url, form_data, make_campaign, messages_of
from tests.factories import BrandFactory, ContactFactory, EnrollmentFactory, ProductFactory, StoreFactory

pytestmark = pytest.mark.django_db

ONE_PLUS_ONE = {"type": "buy_n_get_m", "buy": 2, "get": 1}
FIFTEEN = {"type": "percent_discount", "percent": "15"}


@pytest.fixture
def shop():
    """A brand with three shampoos at 100, 200 and 300, a conditioner, a towel with no list price; another brand
    with its own shampoo under the same SKU."""
    brand = BrandFactory(name="Beauty")
    StoreFactory(brand=brand, name="Main street")
    for sku, name, price in [
        ("SH-1", "Mint shampoo", "100.00"),
        ("SH-2", "Kids shampoo", "200.00"),
        ("SH-3", "Argan shampoo", "300.00"),
        ("CO-1", "Conditioner", "500.00"),
    ]:
        ProductFactory(brand=brand, sku=sku, name=name, price=Decimal(price))
    ProductFactory(brand=brand, sku="TW-1", name="Towel", price=None)
    other = BrandFactory(name="Other brand")
    ProductFactory(brand=other, sku="SH-9", name="Foreign shampoo", price=Decimal("50.00"))
    return {"brand": brand, "other": other}


def with_segment(brand, skus: list[str], **fields) -> Campaign:
    segment = product_segment_save(segment=ProductSegment(brand=brand), data={"name": "Seg", "skus": skus})
    return make_campaign(brand, product_segment=segment, **fields)


def products_url(campaign: Campaign) -> str:
    return reverse("admin:campaigns_campaign_products", args=[campaign.pk])


def warnings_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"] if message.level_tag == "warning"]


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


# The product search


def test_the_product_search_finds_the_brands_products_by_name_or_sku_with_their_list_price(admin_client, shop):
    campaign = make_campaign(shop["brand"])

    by_name = admin_client.get(products_url(campaign), {"q": "shampoo"}).json()
    by_sku = admin_client.get(products_url(campaign), {"q": "tw-"}).json()

    assert by_name == {
        "results": [
            {"sku": "SH-3", "name": "Argan shampoo", "price": "300.00"},
            {"sku": "SH-2", "name": "Kids shampoo", "price": "200.00"},
            {"sku": "SH-1", "name": "Mint shampoo", "price": "100.00"},
        ]
    }
    assert by_sku == {"results": [{"sku": "TW-1", "name": "Towel", "price": None}]}


def test_the_product_search_answers_twenty_products_sku_matches_first(admin_client, shop):
    brand = shop["brand"]
    for number in range(25):
        ProductFactory(brand=brand, sku=f"X-{number:02d}", name=f"A soap with SH-{number:02d} inside")
    campaign = make_campaign(brand)

    results = admin_client.get(products_url(campaign), {"q": "SH-"}).json()["results"]

    assert len(results) == 20
    assert [row["sku"] for row in results[:3]] == ["SH-3", "SH-2", "SH-1"]


@pytest.fixture
def marketer(manager):
    """The brand-limited manager, also allowed to work with campaigns."""
    manager.user_permissions.add(*Permission.objects.filter(content_type__app_label="campaigns"))
    return manager


def test_a_brand_limited_manager_searches_only_their_campaigns_brand(marketer, manager_brand, shop):
    ProductFactory(brand=manager_brand, sku="SH-1", name="Managed shampoo", price=Decimal("80.00"))
    own = make_campaign(manager_brand)
    foreign = make_campaign(shop["brand"])
    client = Client()
    client.force_login(marketer)

    answer = client.get(products_url(own), {"q": "shampoo"})
    refused = client.get(products_url(foreign), {"q": "shampoo"})

    assert answer.json() == {"results": [{"sku": "SH-1", "name": "Managed shampoo", "price": "80.00"}]}
    assert refused.status_code == 404


def test_the_product_search_is_for_staff_who_may_see_campaigns(shop):
    campaign = make_campaign(shop["brand"])

    assert Client().get(products_url(campaign), {"q": "sh"}).status_code == 302  # to the login page


def test_the_page_gives_its_script_the_search_url_and_puts_the_search_box_in_the_panel(admin_client, shop):
    campaign = make_campaign(shop["brand"])

    html = admin_client.get(change_url(campaign)).content.decode()

    config = json.loads(re.search(r'<script id="campaign-ui" type="application/json">(.*?)</script>', html).group(1))
    assert config["productsUrl"] == products_url(campaign)
    assert 'id="test-product-search"' in html


# A blank price is the list price


def simulate(client, campaign, lines):
    return client.post(
        f"/api/v1/campaigns/{campaign.pk}/simulate", json.dumps({"lines": lines}), content_type="application/json"
    )


def test_a_line_without_a_price_takes_the_list_price_and_the_panel_shows_the_discount(admin_client, shop):
    campaign = with_segment(shop["brand"], ["SH-1", "SH-2", "SH-3"], mechanic=FIFTEEN)

    response = simulate(
        admin_client, campaign, [{"sku": "SH-2", "quantity": "2", "price": None}, {"sku": "SH-1", "quantity": "1"}]
    )

    assert response.status_code == 200, response.content
    answer = response.json()
    assert [(line["sku"], line["price"], line["discount"]) for line in answer["lines"]] == [
        ("SH-2", "200.00", "60.00"),
        ("SH-1", "100.00", "15.00"),
    ]
    assert answer["totals"]["discount"] == "75.00"
    assert answer["lines"][0]["applied"][0]["campaign_id"] == campaign.pk


def test_a_given_price_is_kept(admin_client, shop):
    campaign = with_segment(shop["brand"], ["SH-1"], mechanic=FIFTEEN)

    answer = simulate(admin_client, campaign, [{"sku": "SH-1", "quantity": "1", "price": "40.00"}]).json()

    assert answer["totals"]["discount"] == "6.00"


@pytest.mark.parametrize(
    ("sku", "message"),
    [
        ("TW-1", "TW-1 has no list price: enter the price."),
        ("SH-9", "SH-9 is not a product of the brand: enter the price."),  # the other brand's
    ],
)
def test_a_blank_price_without_a_list_price_is_refused_never_zero(admin_client, shop, sku, message):
    campaign = make_campaign(shop["brand"])

    response = simulate(admin_client, campaign, [{"sku": "SH-1", "quantity": "1"}, {"sku": sku, "quantity": "1"}])

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == message
    assert error["fields"] == {"lines": {"1": {"price": [message]}}}


def test_the_simulation_still_identifies_the_customer_with_list_prices(admin_client, shop):
    campaign = with_segment(shop["brand"], ["SH-3"], mechanic=FIFTEEN)
    contact = ContactFactory(phone=None)
    EnrollmentFactory(contact=contact, program=shop["brand"].program)

    response = admin_client.post(
        f"/api/v1/campaigns/{campaign.pk}/simulate",
        json.dumps({"customer": {"contact_id": contact.pk}, "lines": [{"sku": "SH-3", "quantity": "1"}]}),
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["customer"]["contact_id"] == contact.pk
    assert response.json()["totals"]["discount"] == "45.00"


# The overlap warning


def stacked_form(brand, **overrides) -> dict:
    """A new campaign of 15 % on the three shampoos."""
    return form_data(
        brand,
        name="Shampoo 15 %",
        segment_name="Shampoos 15",
        segment_skus="SH-1\nSH-2\nSH-3",
        mechanic=json.dumps(FIFTEEN),
        **overrides,
    )


def test_saving_a_campaign_that_stacks_on_an_active_one_warns_with_the_combined_figure(admin_client, shop):
    brand = shop["brand"]
    other = with_segment(brand, ["SH-1", "SH-2", "SH-3"], name="Shampoo 1+1=3", status="active", mechanic=ONE_PLUS_ONE)

    response = admin_client.post(ADD, stacked_form(brand, status="active"), follow=True)

    assert response.status_code == 200
    (warning,) = warnings_of(response)
    assert f'href="{change_url(other)}"' in warning
    # 1+1=3 gives the 100.00 shampoo; 15 % of the other two is 75.00; alone, 15 % of 600.00 is 90.00
    assert plain(warning) == (
        "“Shampoo 1+1=3” is also active on 3 of the same products. On a sample basket (SH-1, SH-2, SH-3, one of each "
        "at list price: 600.00) the two together give a discount of 175.00, against 90.00 for this campaign alone."
    )
    assert any("was added successfully" in message for message in messages_of(response))


def test_activating_a_draft_on_its_page_warns_too(admin_client, shop):
    brand = shop["brand"]
    with_segment(brand, ["SH-2"], name="Kids week", status="active", mechanic=FIFTEEN)
    drafted = admin_client.post(ADD, stacked_form(brand, status="draft"), follow=True)  # a draft is told already
    campaign = Campaign.objects.get(name="Shampoo 15 %")
    assert len(warnings_of(drafted)) == 1

    response = admin_client.post(
        change_url(campaign),
        stacked_form(brand, status="active", product_segment=str(campaign.product_segment_id)),
        follow=True,
    )

    (warning,) = warnings_of(response)
    assert "“Kids week” is also active on 1 of the same products." in plain(warning)
    assert "the two together give a discount of 60.00, against 30.00 for this campaign alone." in plain(warning)


def test_resuming_a_paused_campaign_warns(admin_client, shop):
    brand = shop["brand"]
    with_segment(brand, ["SH-1", "SH-2", "SH-3"], name="Shampoo 1+1=3", status="active", mechanic=ONE_PLUS_ONE)
    paused = with_segment(brand, ["SH-3"], name="Argan −15 %", status="paused", mechanic=FIFTEEN)

    response = admin_client.post(
        reverse("admin:campaigns_campaign_resume_detail", args=[paused.pk]), {"_form_submitted": "on"}, follow=True
    )

    (warning,) = warnings_of(response)
    assert "“Shampoo 1+1=3” is also active on 1 of the same products." in plain(warning)


@pytest.mark.parametrize(
    "other",
    [
        {"skus": ["CO-1"], "status": "active"},  # no shampoo in common
        {"skus": ["SH-1", "SH-2", "SH-3"], "status": "paused"},
        {"skus": ["SH-1", "SH-2", "SH-3"], "status": "draft"},
    ],
)
def test_no_warning_without_an_active_campaign_on_the_same_products(admin_client, shop, other):
    brand = shop["brand"]
    with_segment(brand, other["skus"], name="Other", status=other["status"], mechanic=ONE_PLUS_ONE)

    response = admin_client.post(ADD, stacked_form(brand, status="active"), follow=True)

    assert response.status_code == 200
    assert warnings_of(response) == []
    assert Campaign.objects.filter(name="Shampoo 15 %").exists()


def test_no_warning_for_another_brands_campaign_or_an_ended_one(admin_client, shop):
    brand = shop["brand"]
    foreign_segment = product_segment_save(
        segment=ProductSegment(brand=shop["other"]), data={"name": "Seg", "skus": ["SH-9"]}
    )
    make_campaign(shop["other"], product_segment=foreign_segment, name="Theirs", status="active")  # every product
    with_segment(
        brand,
        ["SH-1"],
        name="Ended",
        status="active",
        starts_at=timezone.now() - timedelta(days=9),
        ends_at=timezone.now() - timedelta(days=1),
    )

    response = admin_client.post(ADD, stacked_form(brand, status="active"), follow=True)

    assert warnings_of(response) == []


def test_a_campaign_on_every_product_overlaps_and_a_sample_without_list_prices_says_so(admin_user, shop):
    brand = shop["brand"]
    everything = make_campaign(
        brand, name="Everything −5 %", status="active", mechanic={"type": "percent_discount", "percent": "5"}
    )
    towels = with_segment(brand, ["TW-1"], name="Towels", mechanic=FIFTEEN)

    (overlap,) = campaign_overlaps(campaign=towels, user=admin_user, now=timezone.now())

    assert overlap.campaign == everything
    assert (overlap.shared, overlap.skus, overlap.base) == (1, [], Decimal("0"))
    assert overlap.together.discount == overlap.alone.discount == Decimal("0.00")


def test_the_overlap_counts_points_campaigns_too(admin_user, shop):
    brand = shop["brand"]
    points = with_segment(
        brand, ["SH-1"], name="Points", status="active", mechanic={"type": "points_percent", "percent": "10"}
    )
    campaign = with_segment(brand, ["SH-1", "SH-2"], mechanic=FIFTEEN)

    (overlap,) = campaign_overlaps(campaign=campaign, user=admin_user, now=timezone.now())

    assert overlap.campaign == points
    assert overlap.skus == ["SH-1"]
    assert (overlap.alone.discount, overlap.together.discount) == (Decimal("15.00"), Decimal("15.00"))
    assert (overlap.alone.points, overlap.together.points) == (Decimal("0.00"), Decimal("8.50"))
