"""Helpers of the campaign-effect tests: a campaign saved as the API saves it, shoppers picked by the group the
till's hash puts them in, receipts confirmed through the POS API at a given time."""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from campaigns.engine.control import in_control_group
from campaigns.models import Campaign
from campaigns.services.campaigns import campaign_save
from loyalty.models import Brand
from tests.loyalty.pos_support import Shopper, Till, confirm, line, make_shopper, ok


def save_campaign(brand: Brand, **fields: Any) -> Campaign:
    """An active campaign of the brand started ten days ago: 10 % off everything for everyone, unless told."""
    values: dict[str, Any] = {
        "name": "Ten off",
        "status": "active",
        "starts_at": timezone.now() - timedelta(days=10),
        "audience": {"type": "all"},
        "mechanic": {"type": "percent_discount", "percent": 10},
        **fields,
    }
    return campaign_save(campaign=Campaign(brand=brand, **values))


def shoppers_by_group(till: Till, campaign: Campaign, *, target: int, control: int) -> tuple[list, list]:
    """Enrolled shoppers of the till's program until there are `target` outside and `control` inside the campaign's
    control group (the extra ones made on the way stay enrolled: they are part of the audience)."""
    inside: list[Shopper] = []
    outside: list[Shopper] = []
    while len(inside) < control or len(outside) < target:
        shopper = make_shopper(till)
        held_out = in_control_group(campaign.pk, shopper.contact.pk, campaign.control_percent)
        (inside if held_out else outside).append(shopper)
    return outside[:target], inside[:control]


def buy(
    till: Till, shopper: Shopper | None, price: str, *, at: datetime, quantity: int = 1, number: str
) -> dict[str, Any]:
    """A confirmed receipt of one line at `at` (the shopper's card, or anonymous)."""
    body: dict[str, Any] = {"lines": [line("A", quantity, price)], "at": at.isoformat(), "receipt_number": number}
    if shopper is not None:
        body["customer"] = {"card": shopper.card.number}
    return ok(confirm(till.client, body, key=number), 201)
