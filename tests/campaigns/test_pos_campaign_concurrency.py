"""Campaign limits under real concurrency on PostgreSQL, through the whole HTTP stack: 32 threads confirm receipts
at once against a campaign whose budget (or number of uses) fits exactly 10 of them; a confirm never overruns it."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from campaigns.models import Campaign, CampaignCounter, CampaignUsage
from campaigns.services.campaigns import campaign_save
from loyalty.models import Purchase
from tests.concurrency import run_in_threads
from tests.loyalty.pos_support import Till, confirm, line, make_shopper, make_till, pos_client

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

THREADS = 32


def limited_campaign(till: Till, *, mechanic: dict[str, Any], limits: dict[str, Any]) -> Campaign:
    return campaign_save(
        campaign=Campaign(
            brand=till.brand,
            name="Limited",
            status="active",
            starts_at=timezone.now() - timedelta(days=1),
            mechanic=mechanic,
            limits=limits,
        )
    )


def confirm_all(till: Till) -> list[Any]:
    """32 receipts of 500.00 at once: even threads for distinct customers, odd ones anonymous; distinct keys."""
    shoppers = [make_shopper(till) for _ in range(THREADS // 2)]

    def work(index: int) -> tuple[int, dict[str, Any]]:
        body: dict[str, Any] = {"lines": [line("A", "1", "500.00")], "receipt_number": f"R-{index}"}
        if index % 2 == 0:
            body["customer"] = {"card": shoppers[index // 2].card.number}
        response = confirm(pos_client(till.register), body, key=f"k-{index}")
        return response.status_code, response.json()

    return run_in_threads(THREADS, work)


def test_32_concurrent_confirms_never_overrun_a_campaigns_budget(transactional_db):
    # given: 100.00 off each receipt, 1,000.00 in all: exactly 10 discounts fit
    till = make_till()
    campaign = limited_campaign(
        till, mechanic={"type": "amount_discount", "amount": "100.00"}, limits={"budget": "1000.00"}
    )

    # when
    results = confirm_all(till)

    # then: every receipt confirmed; exactly 10 carry the discount
    assert all(isinstance(result, tuple) and result[0] == 201 for result in results), results
    discounts = sorted(body["totals"]["discount"] for _status, body in results)
    assert discounts == ["0.00"] * 22 + ["100.00"] * 10
    assert Purchase.objects.count() == THREADS
    assert Purchase.objects.filter(discount=Decimal("100.00")).count() == 10
    counter = CampaignCounter.objects.get(campaign=campaign)
    assert (counter.uses, counter.spent) == (10, Decimal("1000.00"))
    assert CampaignUsage.objects.filter(campaign=campaign).count() == 10
    assert {usage.purchase_id for usage in CampaignUsage.objects.all()} == set(
        Purchase.objects.filter(discount=Decimal("100.00")).values_list("pk", flat=True)
    )


def test_32_concurrent_confirms_never_overrun_a_campaigns_uses(transactional_db):
    # given: 10 % off, 10 uses in all
    till = make_till()
    campaign = limited_campaign(till, mechanic={"type": "percent_discount", "percent": 10}, limits={"total_uses": 10})

    # when
    results = confirm_all(till)

    # then
    assert all(isinstance(result, tuple) and result[0] == 201 for result in results), results
    assert sorted(body["totals"]["discount"] for _status, body in results) == ["0.00"] * 22 + ["50.00"] * 10
    counter = CampaignCounter.objects.get(campaign=campaign)
    assert (counter.uses, counter.spent) == (10, Decimal("500.00"))
    assert CampaignUsage.objects.filter(campaign=campaign).count() == 10
