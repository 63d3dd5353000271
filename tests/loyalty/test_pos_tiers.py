"""Tiers through the POS: qualification by spend net of refunds within `window_days`, upgrade at once, downgrade
only when `valid_days` lapse (`tiers_lapsed`), the tier's `accrual_percent`, and the tier history per contact."""

from datetime import timedelta
from decimal import Decimal

import pytest

from loyalty.models import Enrollment, TierChange
from loyalty.services.tiers import tiers_lapsed
from tests.factories import TierFactory
from tests.loyalty.ledger_support import frozen_clock
from tests.loyalty.pos_support import calculate, confirm, customer, line, make_shopper, make_till, ok, refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with frozen_clock() as frozen:
        yield frozen


def shop(*, gold_window: int = 365, gold_valid: int = 30):
    """Bronze from 0 at 5 %, Gold from 10,000.00 at 10 %."""
    till = make_till()
    TierFactory(program=till.program, name="Bronze", min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    TierFactory(
        program=till.program,
        name="Gold",
        min_spend=Decimal("10000"),
        accrual_percent=Decimal("10"),
        window_days=gold_window,
        valid_days=gold_valid,
    )
    return till, make_shopper(till)


def buy(till, shopper, quantity, price, number, **extra):
    body = {
        "customer": {"card": shopper.card.number},
        "lines": [line("A", quantity, price)],
        "receipt_number": number,
        **extra,
    }
    return ok(confirm(till.client, body, key=number), 201)


def history(shopper):
    return list(
        TierChange.objects.filter(enrollment__contact=shopper.contact)
        .order_by("at", "pk")
        .values_list("from_tier__name", "to_tier__name", "reason")
    )


def tier_now(till, shopper):
    return ok(customer(till.client, card=shopper.card.number))["tier"]


def test_a_big_purchase_upgrades_at_once_and_the_next_receipt_earns_the_new_percent(clock):
    # given: a Bronze shopper (the entry tier)
    till, shopper = shop()
    assert tier_now(till, shopper) == "Bronze"

    # when: 12,000.00 spent
    first = buy(till, shopper, 12, "1000.00", "R-1")

    # then: the receipt itself earns Bronze's 5 % (600.00); the shopper is Gold from now on, valid 30 days
    assert first["totals"]["points"] == "600.00"
    assert history(shopper) == [(None, "Gold", "purchase")]
    enrollment = Enrollment.objects.get(contact=shopper.contact, program=till.program)
    assert enrollment.tier_valid_until == clock.now + timedelta(days=30)
    assert tier_now(till, shopper) == "Gold"
    answer = ok(calculate(till.client, {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "1000")]}))
    assert (answer["customer"]["tier"], answer["totals"]["points"]) == ("Gold", "100.00")


@pytest.mark.parametrize(
    ("amount", "tier"),
    [("9999.99", "Bronze"), ("10000.00", "Gold")],
)
def test_the_threshold_is_reached_at_exactly_min_spend(amount, tier):
    # given
    till, shopper = shop()

    # when
    buy(till, shopper, 1, amount, "R-1")

    # then
    assert tier_now(till, shopper) == tier


def test_a_refund_below_the_threshold_keeps_the_tier_until_validity_lapses_then_the_job_downgrades(clock):
    # given: Gold after 12 × 1,000.00
    till, shopper = shop()
    purchase = buy(till, shopper, 12, "1000.00", "R-1")

    # when: 3 units refunded, the spend falls to 9,000.00
    ok(refund(till.client, purchase["purchase_id"], {"lines": [{"index": 0, "quantity": "3"}]}))

    # then: still Gold while valid
    assert tier_now(till, shopper) == "Gold"
    clock.advance(days=30, minutes=-1)
    assert tier_now(till, shopper) == "Gold"
    assert tiers_lapsed(now=clock.now) == 0

    # when: the validity lapses and the job runs
    clock.advance(minutes=1)
    assert tier_now(till, shopper) == "Bronze"  # as of the request, before the job
    changed = tiers_lapsed(now=clock.now)

    # then
    assert changed == 1
    assert history(shopper) == [(None, "Gold", "purchase"), ("Gold", "Bronze", "validity lapsed")]
    assert tier_now(till, shopper) == "Bronze"
    assert tiers_lapsed(now=clock.now) == 0  # idempotent


def test_a_lapsed_tier_still_earned_by_the_spend_stays_even_before_the_job_renews_it(clock):
    # given: Gold (valid 30 days) after 12,000.00; the spend counts for 365 days
    till, shopper = shop()
    buy(till, shopper, 12, "1000.00", "R-1")

    # when: the validity lapses
    clock.advance(days=31)

    # then: the spend of the window still qualifies: Gold, as the job will decide
    assert tier_now(till, shopper) == "Gold"
    answer = ok(calculate(till.client, {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "100")]}))
    assert answer["totals"]["points"] == "10.00"
    assert tiers_lapsed(now=clock.now) == 0
    enrollment = Enrollment.objects.get(contact=shopper.contact, program=till.program)
    assert (enrollment.tier.name, enrollment.tier_valid_until) == ("Gold", clock.now + timedelta(days=30))
    assert history(shopper) == [(None, "Gold", "purchase")]


def test_spend_outside_the_window_does_not_count(clock):
    # given: Gold needs 10,000.00 within 30 days; 6,000.00 spent, then 31 days pass
    till, shopper = shop(gold_window=30)
    buy(till, shopper, 6, "1000.00", "R-1")
    clock.advance(days=31)

    # when: another 6,000.00
    buy(till, shopper, 6, "1000.00", "R-2")

    # then: 6,000.00 in the window: no upgrade; 4,000.00 more the same day makes 10,000.00
    assert tier_now(till, shopper) == "Bronze"
    buy(till, shopper, 4, "1000.00", "R-3")
    assert tier_now(till, shopper) == "Gold"
    assert history(shopper) == [(None, "Bronze", "purchase"), ("Bronze", "Gold", "purchase")]


def test_spend_counts_net_of_refunds(clock):
    # given: 8,000.00 spent, 1,000.00 of it refunded
    till, shopper = shop()
    first = buy(till, shopper, 8, "1000.00", "R-1")
    ok(refund(till.client, first["purchase_id"], {"lines": [{"index": 0, "quantity": "1"}]}))

    # when: 2,500.00 more (9,500.00 net)
    buy(till, shopper, 1, "2500.00", "R-2")

    # then
    assert tier_now(till, shopper) == "Bronze"

    # when: 500.00 more (10,000.00 net)
    buy(till, shopper, 1, "500.00", "R-3")

    # then
    assert tier_now(till, shopper) == "Gold"


def test_tier_history_is_kept_per_contact(clock):
    # given: two shoppers of one program
    till, anna = shop()
    boris = make_shopper(till)

    # when: Anna reaches Gold, Boris stays Bronze
    buy(till, anna, 10, "1000.00", "R-1")
    buy(till, boris, 1, "100.00", "R-2")

    # then
    assert history(anna) == [(None, "Gold", "purchase")]
    assert history(boris) == [(None, "Bronze", "purchase")]
