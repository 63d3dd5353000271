"""`manage.py seed_demo` seeds the demo campaigns: exact counts, the birthday segment, a second run that changes
nothing, and the 1+1=3 at the till on the seeded data."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigns.models import Campaign, ProductSegment, Segment, SegmentMember
from campaigns.services.campaigns import product_segment_products
from contacts.models import Contact
from demo.campaigns import (
    BIRTHDAY_SEGMENT,
    CAMPAIGN_NAMES,
    SHAMPOO_CAMPAIGN,
    days_to_birthday,
)
from loyalty.models import Brand, Product, Program, Tier
from tests.demo.seeding import seed
from tests.factories import ProductFactory, RegisterFactory
from tests.loyalty.pos_support import calculate, line, ok, pos_client

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_six_campaigns_per_brand():
    # when
    output = seed()

    # then
    brands = list(Brand.objects.order_by("pk"))
    assert len(brands) == 3
    assert Campaign.objects.filter(requires_code=False).count() == 18
    for brand in brands:
        names = brand.campaigns.filter(requires_code=False).values_list("name", flat=True)
        assert sorted(names) == sorted(name.ru for name in CAMPAIGN_NAMES)
    assert ProductSegment.objects.count() == 9
    assert Segment.objects.count() == 2
    assert set(Campaign.objects.values_list("status", flat=True)) == {"active"}
    assert set(Campaign.objects.values_list("ends_at", flat=True)) == {None}
    starts = {campaign.starts_at for campaign in Campaign.objects.filter(requires_code=False)}
    assert len(starts) == 1
    assert abs(timezone.now() - timedelta(days=30) - starts.pop()) < timedelta(minutes=5)
    # the promo codes' demo adds two campaigns per brand that need a code (tests/promocodes/test_seed_promocodes.py)
    assert Campaign.objects.filter(requires_code=True).count() == 6
    assert "campaigns: 24, active campaigns: 24, product segments: 9, customer segments: 2" in output


def test_the_seeded_campaigns_are_the_ones_described():
    # when
    seed(language="en")

    # then
    brand = Brand.objects.order_by("pk").first()
    assert brand is not None
    campaigns = brand.campaigns.filter(requires_code=False).select_related("product_segment")
    by_name = {campaign.name: campaign for campaign in campaigns}
    gold = Tier.objects.get(program=brand.program, name="Gold")
    birthday = Segment.objects.get(program=brand.program, name=BIRTHDAY_SEGMENT.en)
    summary = {
        name: (campaign.mechanic, campaign.audience, campaign.combine, campaign.priority)
        for name, campaign in by_name.items()
    }
    assert summary == {
        "Shampoo 1+1=3": ({"type": "buy_n_get_m", "buy": 2, "get": 1}, {"type": "all"}, "sum", 20),
        "Every third item −50 %": ({"type": "nth_item_discount", "n": 3, "percent": 50}, {"type": "all"}, "sum", 10),
        "1 point per 100 ₽": ({"type": "points_per_amount", "points": 1, "per": 100}, {"type": "all"}, "sum", 0),
        "Double points for Gold": (
            {"type": "points_multiplier", "factor": 2},
            {"type": "tiers", "tiers": [gold.pk]},
            "sum",
            0,
        ),
        "Birthday week −15 %": (
            {"type": "percent_discount", "percent": 15},
            {"type": "segment", "segment": birthday.pk},
            "sum",
            15,
        ),
        "Clearance −30 %": ({"type": "percent_discount", "percent": 30}, {"type": "all"}, "exclusive", 100),
    }
    shampoo = by_name[SHAMPOO_CAMPAIGN.en]
    assert shampoo.hint == "Add {missing_quantity} more shampoo and the cheapest one is free"
    assert shampoo.product_segment is not None
    assert [category.name for category in shampoo.product_segment.categories.all()] == ["Shampoo"]
    clearance = by_name["Clearance −30 %"].product_segment
    assert clearance is not None
    assert product_segment_products(clearance).exists()


def test_the_birthday_segment_holds_exactly_the_coming_weeks_birthdays():
    # when
    seed()

    # then
    today = timezone.localdate()
    for program in Program.objects.all():
        segment = Segment.objects.get(program=program, name=BIRTHDAY_SEGMENT.ru)
        expected = {
            contact.pk
            for contact in Contact.objects.filter(enrollments__program=program, birth_date__isnull=False)
            if days_to_birthday(contact.birth_date, today) <= 6
        }
        members = set(SegmentMember.objects.filter(segment=segment).values_list("contact_id", flat=True))
        assert members == expected
        assert segment.size == len(expected)
        assert segment.recomputed_at is not None
        assert segment.rules == {"all": [{"field": "birthday_in_days", "op": "lte", "value": 6}]}
    assert SegmentMember.objects.exists()  # 300 contacts: some birthday falls in any week


@pytest.mark.parametrize(
    ("birth", "today", "days"),
    [
        (date(1990, 5, 10), date(2026, 5, 10), 0),
        (date(1990, 5, 16), date(2026, 5, 10), 6),
        (date(1990, 5, 9), date(2026, 5, 10), 364),
        (date(1990, 1, 2), date(2026, 12, 30), 3),
        (date(2000, 2, 29), date(2026, 2, 25), 3),
        (date(2000, 2, 29), date(2028, 2, 25), 4),
    ],
)
def test_days_to_birthday(birth, today, days):
    assert days_to_birthday(birth, today) == days


def test_a_second_seed_changes_no_campaign():
    # given
    seed()
    before = {
        "campaigns": list(Campaign.objects.order_by("pk").values_list("pk", "updated_at")),
        "product segments": ProductSegment.objects.count(),
        "segments": list(Segment.objects.order_by("pk").values_list("pk", "size")),
        "members": SegmentMember.objects.count(),
    }

    # when
    output = seed()

    # then
    after = {
        "campaigns": list(Campaign.objects.order_by("pk").values_list("pk", "updated_at")),
        "product segments": ProductSegment.objects.count(),
        "segments": list(Segment.objects.order_by("pk").values_list("pk", "size")),
        "members": SegmentMember.objects.count(),
    }
    assert after == before
    present = output.split("Already present, left as they were: ")[1].splitlines()[0].rstrip(".").split(", ")
    assert "campaigns" in present


def test_the_demo_manager_runs_campaigns_as_a_marketer():
    # when
    seed()

    # then
    manager = get_user_model().objects.get(username="manager")
    # a marketer and support, who also stands at the demo stands (demo.promoters)
    assert sorted(manager.groups.values_list("name", flat=True)) == ["marketer", "promoter", "support"]
    for codename in ("view_campaign", "add_campaign", "change_campaign", "view_segment", "change_productsegment"):
        assert manager.has_perm(f"campaigns.{codename}")


def test_the_seeded_shampoo_campaign_gives_one_in_three_free_at_the_till():
    # given: a seeded brand, one of its shampoos (or a new one in the seeded shampoo category) and a new register
    seed()
    campaign = Campaign.objects.select_related("brand", "product_segment").filter(name=SHAMPOO_CAMPAIGN.ru).first()
    assert campaign is not None
    assert campaign.product_segment is not None
    shampoos = product_segment_products(campaign.product_segment)
    if not shampoos.exists():
        leaf = campaign.product_segment.categories.get().children.order_by("pk").first()
        ProductFactory(brand=campaign.brand, sku="SH-DEMO", category=leaf)
    sku = shampoos.values_list("sku", flat=True).first()
    register = RegisterFactory(store=campaign.brand.stores.order_by("pk").first())
    client = pos_client(register)

    # when: three of them, and a bottle of something that is in no campaign's segment
    other = Product.objects.filter(brand=campaign.brand, category__isnull=True).first() or ProductFactory(
        brand=campaign.brand, sku="PLAIN-1"
    )
    answer = ok(calculate(client, {"lines": [line(sku, 3, "300.00"), line(other.sku, 1, "100.00")]}))

    # then: the cheapest of three units is free; the other line is untouched
    first, second = answer["lines"]
    assert (first["base"], first["discount"], first["total"]) == ("900.00", "300.00", "600.00")
    assert [item["name"] for item in first["applied"]] == [SHAMPOO_CAMPAIGN.ru]
    assert first["applied"][0]["discount"] == "300.00"
    assert (second["discount"], second["applied"]) == ("0.00", [])
    assert answer["totals"]["discount"] == "300.00"
    assert Decimal(answer["totals"]["payable"]) == Decimal("700.00")


@pytest.mark.parametrize(
    ("language", "hint"),
    [
        ("en", "Add 1 more shampoo and the cheapest one is free"),
        ("ru", "Добавьте ещё 1 шт. шампуня, и самый дешёвый будет бесплатно"),
    ],
)
def test_the_shampoo_hint_at_the_till(language, hint):
    # given
    seed(language=language)
    campaign = (
        Campaign.objects.select_related("brand", "product_segment").filter(name=SHAMPOO_CAMPAIGN(language)).first()
    )
    assert campaign is not None
    assert campaign.product_segment is not None
    leaf = campaign.product_segment.categories.get().children.order_by("pk").first()
    product = ProductFactory(brand=campaign.brand, sku="SH-HINT", category=leaf)
    client = pos_client(RegisterFactory(store=campaign.brand.stores.order_by("pk").first()))

    # when: two shampoos, one short of a free third
    answer = ok(calculate(client, {"lines": [line(product.sku, 2, "250.00")]}))

    # then
    assert answer["totals"]["discount"] == "0.00"
    assert answer["messages"] == [hint]
