"""Reads for the staff's pages that are more than one line of ORM: a product segment's preview, what a campaign
has spent and what its limits leave."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from campaigns.models import Campaign, CampaignCounter, ProductSegment
from campaigns.rules import RuleError
from campaigns.services.campaigns import product_segment_products
from campaigns.services.limits import campaign_stats, limits_left
from campaigns.snapshot import campaign_entry

# Products listed by the segment preview (the count covers them all).
PREVIEW_SAMPLE = 10


def products_preview(products: QuerySet, *, sample: int = PREVIEW_SAMPLE) -> dict[str, Any]:
    """`{"count", "sample": [{"sku", "name"}]}`: how many products match, and the first few."""
    return {"count": products.count(), "sample": list(products.values("sku", "name")[:sample])}


def segment_preview(segment: ProductSegment | None) -> dict[str, Any]:
    """The products a saved segment matches (`products_preview`); no segment: `{"count": None, "sample": []}`, every
    product of the brand."""
    if segment is None or segment.pk is None:
        return {"count": None, "sample": []}
    return products_preview(product_segment_products(segment))


def campaign_spent(campaign: Campaign, *, now: datetime) -> dict[str, Any]:
    """What the campaign gave: `uses`, `receipts`, `discount`, `points`, `value`; and, for the limits it has, the
    `uses_left`, the `budget` and `daily_budget`, and the `budget_left` (today's when the budget is daily, None
    when not known)."""
    stats = campaign_stats([campaign.pk]).get(campaign.pk) or {}
    counter = CampaignCounter.objects.filter(campaign=campaign).first()
    uses = counter.uses if counter else stats.get("uses", 0)  # counted when it has limits, else its uses' rows
    spent: dict[str, Any] = {
        "uses": uses,
        "receipts": stats.get("receipts", 0),
        "discount": Decimal(stats.get("discount") or 0),
        "points": Decimal(stats.get("points") or 0),
        "value": Decimal(stats.get("value") or 0),
    }
    try:
        entry = campaign_entry(campaign)
    except RuleError:
        entry = None
    limits = entry.limits if entry is not None else {}
    if "total_uses" in limits:
        spent["uses_left"] = max(limits["total_uses"] - uses, 0)
    if entry is not None and ("budget" in limits or "daily_budget" in limits):
        left = limits_left([entry], contact_id=None, at=now).get(campaign.pk)
        if "budget" in limits:
            spent["budget"] = Decimal(limits["budget"] or 0)
        if "daily_budget" in limits:
            spent["daily_budget"] = Decimal(limits["daily_budget"] or 0)
        if left is not None and left.budget_left is not None:
            spent["budget_left"] = Decimal(left.budget_left or 0)
    return spent
