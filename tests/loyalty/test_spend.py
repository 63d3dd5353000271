"""Money spent by a contact in tier windows (`window_spends`, the one statement tiers are judged by), against
hand-worked sums and the ORM's `net_paid` aggregate it replaced."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from loyalty.models import Purchase
from loyalty.selectors.spend import net_paid, window_spends
from loyalty.services.tiers import contact_spends
from tests.campaigns.segment_support import NOW, make_shop, purchase, refund
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_each_window_sums_what_was_paid_in_it_less_its_refunds():
    here = make_shop()
    buyer, other = ContactFactory(), ContactFactory()
    purchase(here, buyer, days_ago=1, payable="100.00")
    refund(purchase(here, buyer, days_ago=10, payable="80.50"), "30.25")
    twice = purchase(here, buyer, days_ago=40, payable="200.00")
    refund(twice, "50.00")
    refund(twice, "25.10")
    purchase(here, buyer, days_ago=400, payable="999.00")  # outside every window
    purchase(here, other, days_ago=1, payable="500.00")  # someone else
    purchase(here, buyer, days_ago=-1, payable="7.00")  # after `until`
    spends = contact_spends(contact_id=buyer.pk, program_id=here.program.pk, windows={7, 30, 365}, until=NOW)
    assert spends == {7: Decimal("100.00"), 30: Decimal("150.25"), 365: Decimal("275.15")}
    for days, spent in spends.items():
        orm = Purchase.objects.filter(
            contact=buyer, program=here.program, at__gte=NOW - timedelta(days=days), at__lte=NOW
        ).aggregate(total=Sum(net_paid()))["total"]
        assert Decimal(orm).quantize(Decimal("0.01")) == spent


def test_no_purchase_is_zero_in_every_window_and_no_window_is_no_query():
    here = make_shop()
    nobody = ContactFactory()
    assert contact_spends(contact_id=nobody.pk, program_id=here.program.pk, windows={30, 90}, until=NOW) == {
        30: Decimal("0.00"),
        90: Decimal("0.00"),
    }
    assert window_spends(contact_id=nobody.pk, program_id=here.program.pk, starts=[], until=NOW) == []
