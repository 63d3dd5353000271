"""Which campaigns a confirm counts: only those with limits move a counter (the others' uses are their
`CampaignUsage` rows); limits given to a running campaign count its earlier uses, including those of confirms in
flight when the limits were saved (PostgreSQL: the save waits for them)."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import CampaignCounter, CampaignUsage
from campaigns.selectors import campaign_spent
from campaigns.services.campaigns import campaign_save
from campaigns.snapshot import snapshot_version
from tests.campaigns.test_pos_campaigns import receipt, save_campaign
from tests.loyalty.pos_support import confirm, line, make_till, ok

pytestmark = pytest.mark.django_db


def buy(till, number: int) -> str:  # type: ignore[no-untyped-def]
    body = receipt(line("A", 1, "500.00"), receipt_number=str(number))
    return ok(confirm(till.client, body, f"k{number}"), 201)["totals"]["discount"]


def test_a_campaign_without_limits_keeps_no_counter_and_its_uses_are_its_rows():
    till = make_till()
    campaign = save_campaign(till.brand)  # 10 % off, no limits

    assert [buy(till, n) for n in range(3)] == ["50.00"] * 3

    assert not CampaignCounter.objects.filter(campaign=campaign).exists()
    spent = campaign_spent(campaign, now=timezone.now())
    assert (spent["uses"], spent["receipts"], spent["discount"]) == (3, 3, Decimal("150.00"))


def test_limits_given_to_a_running_campaign_count_its_earlier_uses():
    till = make_till()
    campaign = save_campaign(till.brand)
    assert [buy(till, n) for n in range(2)] == ["50.00", "50.00"]

    campaign.limits = {"total_uses": 3, "budget": "1000.00"}
    campaign_save(campaign=campaign)

    counter = CampaignCounter.objects.get(campaign=campaign)
    assert (counter.uses, counter.spent) == (2, Decimal("100.00"))
    assert [buy(till, n) for n in range(2, 4)] == ["50.00", "0.00"]  # one use was left of three
    counter.refresh_from_db()
    assert (counter.uses, counter.spent) == (3, Decimal("150.00"))
    campaign.limits = {}
    campaign_save(campaign=campaign)
    assert buy(till, 4) == "50.00"  # no limits again: counted no more
    counter.refresh_from_db()
    assert counter.uses == 3


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_a_save_giving_limits_waits_for_the_confirms_that_read_the_campaign_unlimited(transactional_db):
    till = make_till()
    campaign = save_campaign(till.brand)
    read, finished = threading.Event(), []

    def in_flight_confirm() -> None:
        try:
            with transaction.atomic():
                snapshot_version(till.brand.pk, counting=True)  # what a confirm reads: the campaign, unlimited
                read.set()
                time.sleep(0.5)
                CampaignUsage.objects.create(
                    campaign=campaign, purchase_id=1, at=timezone.now(), discount=Decimal("7.00"), value=Decimal("7.00")
                )
            finished.append("confirm")
        finally:
            connection.close()

    def save_with_limits() -> None:
        try:
            assert read.wait(10)
            campaign.limits = {"total_uses": 10}
            campaign_save(campaign=campaign)
            finished.append("save")
        finally:
            connection.close()

    threads = [threading.Thread(target=in_flight_confirm), threading.Thread(target=save_with_limits)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert finished == ["confirm", "save"]
    counter = CampaignCounter.objects.get(campaign=campaign)
    assert (counter.uses, counter.spent) == (1, Decimal("7.00"))
