"""The brand's other active campaigns that cover the same products as a campaign, and what the two give together on
a sample basket: the admin warns with it when a campaign is saved or activated, before customers get both. Reads
only.

The sample basket is one unit of up to `SAMPLE_PRODUCTS` shared products at list price, calculated by the engine the
checkout runs (`run_discounts`, `run_points`) with the two campaigns, then with this campaign alone. It asks what
the mechanics give together, so the rules are taken as if the customer, the store, the hour and the codes let both
apply; the basket's own conditions (minimum total and quantity) still count.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from campaigns.choices import CampaignStatus
from campaigns.engine import run_discounts, run_points
from campaigns.engine.types import Audience, CampaignRule, Customer, Limits, Line
from campaigns.models import Campaign
from campaigns.rules import RuleError
from campaigns.services.campaigns import product_segment_products
from campaigns.snapshot import campaign_entry
from common.money import ZERO, quantize
from loyalty.models import Product

# Units in the sample basket: enough for "buy 2, get 1" to show.
SAMPLE_PRODUCTS = 3
# Other active campaigns looked at (highest priority first) and named.
OVERLAPS_CHECKED = 50
OVERLAPS_SHOWN = 10

# The sample's customer, place and time: identified (points campaigns count), anywhere, any time.
_SAMPLE_CUSTOMER = Customer(identified=True)
_SAMPLE_WEEKDAY = 1
_SAMPLE_TIME = time(12, 0)


@dataclass(frozen=True)
class Given:
    """What campaigns give on the sample basket."""

    discount: Decimal = ZERO
    points: Decimal = ZERO


@dataclass(frozen=True)
class CampaignOverlap:
    """Another active campaign on some of the same products, and the sample basket's figures."""

    campaign: Campaign
    shared: int  # products both campaigns cover
    skus: list[str]  # the sample basket: one unit of each, at list price (empty: none has a list price)
    base: Decimal
    alone: Given  # this campaign alone
    together: Given  # this campaign and the other one


def campaign_products(campaign: Campaign) -> QuerySet[Product]:
    """The brand's products the campaign covers: its product segment's, or all of them without one."""
    segment = campaign.product_segment
    if segment is None:
        return Product.objects.filter(brand_id=campaign.brand_id)
    return product_segment_products(segment)


def campaign_overlaps(*, campaign: Campaign, user: Any, now: datetime) -> list[CampaignOverlap]:
    """The brand's other active campaigns not yet ended whose products overlap this one's, each with what the two
    give on a sample basket of shared products against this campaign alone (`CampaignOverlap`)."""
    if campaign.pk is None:
        return []
    own = _sample_rule(campaign)
    if own is None:
        return []
    others = (
        Campaign.objects.for_user(user)
        .filter(brand_id=campaign.brand_id, status=CampaignStatus.ACTIVE)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .exclude(pk=campaign.pk)
        .select_related("product_segment")
        .prefetch_related("product_segment__categories")
        .order_by("-priority", "pk")[:OVERLAPS_CHECKED]
    )
    mine = campaign_products(campaign)
    overlaps = []
    for other in others:
        rule = _sample_rule(other)
        if rule is None:
            continue
        shared = mine.filter(pk__in=campaign_products(other).values("pk"))
        count = shared.count()
        if not count:
            continue
        sample = list(
            shared.filter(price__isnull=False)
            .select_related("category")
            .order_by("sku")
            .only("sku", "price", "accrual_excluded", "category__path")[:SAMPLE_PRODUCTS]
        )
        overlaps.append(
            CampaignOverlap(
                campaign=other,
                shared=count,
                skus=[product.sku for product in sample],
                base=sum((quantize(product.price or ZERO) for product in sample), ZERO),
                alone=_give([own], sample),
                together=_give([own, rule], sample),
            )
        )
        if len(overlaps) == OVERLAPS_SHOWN:
            break
    return overlaps


def _sample_rule(campaign: Campaign) -> CampaignRule | None:
    """The campaign as the engine sees it, with nothing but the basket to stop it (see the module's note)."""
    try:
        rule = campaign_entry(campaign).rule
    except RuleError:
        return None  # saved before a rule changed: nothing to compute with
    return replace(
        rule,
        audience=Audience(),
        conditions=replace(rule.conditions, store_ids=frozenset(), weekdays=frozenset(), hours=None),
        requires_code=False,
        control_percent=0,
        limits=Limits(),
    )


def _category_ids(product: Product) -> frozenset[int]:
    path = product.category.path if product.category is not None else ""
    return frozenset(int(part) for part in (path or "").strip("/").split("/") if part)


def _give(rules: Sequence[CampaignRule], products: Sequence[Product]) -> Given:
    if not products:
        return Given()
    lines = [
        Line(
            index=index,
            sku=product.sku,
            quantity=Decimal(1),
            price=quantize(product.price or ZERO),
            base=quantize(product.price or ZERO),
            category_ids=_category_ids(product),
            accrual_excluded=product.accrual_excluded,
        )
        for index, product in enumerate(products)
    ]
    result = run_discounts(
        lines=lines,
        rules=rules,
        customer=_SAMPLE_CUSTOMER,
        store_id=0,
        weekday=_SAMPLE_WEEKDAY,
        local_time=_SAMPLE_TIME,
    )
    run_points(result=result)
    return Given(
        discount=quantize(sum((line.discount for line in lines), ZERO)),
        points=quantize(sum((line.points for line in lines), ZERO)),
    )
