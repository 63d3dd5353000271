"""Control groups: the hash that holds a share of a campaign's audience out (its share within tolerance, stable for a
contact across calls and processes, independent between campaigns, the same split in SQL on either database), and
the till leaving the campaign out for a held-out contact (calculate and confirm, no hint, no use recorded; anonymous
receipts never held out), with a property over random baskets: a held-out contact's result is the result without
that campaign."""

import hashlib
import math
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from campaigns.effect.population import ControlPrefix
from campaigns.engine import Customer
from campaigns.engine.control import control_bucket, control_cutoff_hex, in_control_group
from campaigns.models import CampaignUsage
from contacts.models import Contact
from tests.campaigns.effect_support import buy, save_campaign, shoppers_by_group
from tests.campaigns.test_engine_properties import (
    PROPERTY,
    baskets,
    build_lines,
    campaign_sets,
    checkout,
    outcome,
    scenarios,
)
from tests.factories import ContactFactory
from tests.loyalty.pos_support import calculate, line, make_till, ok

IDS = range(1, 10_001)


# --- the split -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("percent", [1, 5, 10, 25, 50])
def test_the_control_share_of_10000_contacts_is_the_percent_within_four_standard_errors(percent):
    held_out = sum(in_control_group(7, contact_id, percent) for contact_id in IDS)

    share, expected = held_out / len(IDS), percent / 100
    assert abs(share - expected) <= 4 * math.sqrt(expected * (1 - expected) / len(IDS))


def test_no_control_group_and_anonymous_receipts_hold_nobody_out():
    assert not any(in_control_group(7, contact_id, 0) for contact_id in IDS)
    assert not in_control_group(7, None, 50)


def test_buckets_are_pinned_so_the_split_never_moves_between_versions():
    # sha256(b"1:1") starts d6b5915c: 3602223452 × 10000 // 2**32 = 8387
    assert hashlib.sha256(b"1:1").hexdigest()[:8] == "d6b5915c"
    assert control_bucket(1, 1) == 8387
    assert [control_bucket(42, contact_id) for contact_id in (1, 2, 3)] == [
        int(hashlib.sha256(f"42:{contact_id}".encode()).hexdigest()[:8], 16) * 10_000 // 2**32
        for contact_id in (1, 2, 3)
    ]


def test_a_contact_keeps_its_group_across_calls_and_processes():
    here = [control_bucket(3, contact_id) for contact_id in range(1, 201)]
    code = (
        "from campaigns.engine.control import control_bucket; "
        "print(','.join(str(control_bucket(3, c)) for c in range(1, 201)))"
    )
    # another interpreter, with another hash seed: Python's hash() would differ, this does not
    there = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": "123"}
    ).stdout
    assert here == [control_bucket(3, contact_id) for contact_id in range(1, 201)]
    assert [int(value) for value in there.strip().split(",")] == here


def test_different_campaigns_split_the_same_contacts_differently():
    first = {contact_id for contact_id in IDS if in_control_group(1, contact_id, 50)}
    second = {contact_id for contact_id in IDS if in_control_group(2, contact_id, 50)}

    # independent halves overlap on about a quarter of the contacts
    assert first != second
    assert abs(len(first & second) / len(IDS) - 0.25) <= 4 * math.sqrt(0.25 * 0.75 / len(IDS))


def test_a_larger_control_percent_keeps_the_smaller_ones_control_group():
    ten = {contact_id for contact_id in IDS if in_control_group(5, contact_id, 10)}
    twenty = {contact_id for contact_id in IDS if in_control_group(5, contact_id, 20)}
    assert ten < twenty


@pytest.mark.parametrize("percent", range(0, 51))
def test_the_hex_cutoff_splits_exactly_as_the_bucket(percent):
    cutoff = control_cutoff_hex(percent)
    for contact_id in range(1, 2001):
        prefix = hashlib.sha256(f"9:{contact_id}".encode()).hexdigest()[:8]
        assert (prefix < cutoff) == in_control_group(9, contact_id, percent)


@pytest.mark.django_db
def test_the_database_computes_the_same_split_as_the_engine():
    # given: contacts with ids the database chose
    ContactFactory.create_batch(300)

    # when: the database computes each contact's digest prefix for two campaigns
    for campaign_id in (1, 123456789):
        rows = Contact.objects.annotate(prefix=ControlPrefix(campaign_id, "pk")).values_list("pk", "prefix")
        cutoff = control_cutoff_hex(30)
        # then: the prefix is Python's, and comparing it with the cutoff gives the engine's group
        for contact_id, prefix in rows:
            assert prefix == hashlib.sha256(f"{campaign_id}:{contact_id}".encode()).hexdigest()[:8]
        held_out = set(
            Contact.objects.annotate(prefix=ControlPrefix(campaign_id, "pk"))
            .filter(prefix__lt=cutoff)
            .values_list("pk", flat=True)
        )
        assert held_out == {pk for pk, _prefix in rows if in_control_group(campaign_id, pk, 30)}


# --- the till ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_held_out_contact_never_gets_the_campaign_at_calculate_or_confirm_and_is_not_told():
    # given: 10 % off with a hint, half held out; one shopper in each group
    till = make_till()
    campaign = save_campaign(
        till.brand,
        control_percent=50,
        conditions={"min_total": "100.00"},
        hint="Add {missing_amount} more for 10 % off",
    )
    (target,), (control,) = shoppers_by_group(till, campaign, target=1, control=1)
    small = {"lines": [line("A", 1, "50.00")]}

    # when / then: the target shopper gets the discount and the hint; the held-out one neither
    assert ok(calculate(till.client, {**small, "customer": {"card": target.card.number}}))["messages"] == [
        "Add 50.00 more for 10 % off"
    ]
    held_out = ok(calculate(till.client, {**small, "customer": {"card": control.card.number}}))
    assert held_out["messages"] == []
    at = timezone.now() - timedelta(minutes=5)
    got = buy(till, target, "200.00", at=at, number="T1")
    kept = buy(till, control, "200.00", at=at, number="C1")
    assert (got["totals"]["discount"], [a["campaign_id"] for a in got["lines"][0]["applied"]]) == (
        "20.00",
        [campaign.pk],
    )
    assert (kept["totals"]["discount"], kept["lines"][0]["applied"]) == ("0.00", [])
    assert list(CampaignUsage.objects.values_list("contact_id", flat=True)) == [target.contact.pk]


@pytest.mark.django_db
def test_an_anonymous_receipt_is_never_in_a_control_group():
    till = make_till()
    save_campaign(till.brand, control_percent=50)

    answer = ok(calculate(till.client, {"lines": [line("A", 1, "200.00")]}))

    assert answer["totals"]["discount"] == "20.00"


@PROPERTY
@given(
    basket=baskets(),
    rules=campaign_sets(),
    scenario=scenarios,
    contact_id=st.integers(1, 10**9),
    tier_id=st.sampled_from([None, 1, 2]),
    segment_ids=st.frozensets(st.sampled_from([1, 2])),
    percents=st.lists(st.sampled_from([10, 25, 50]), min_size=6, max_size=6),
)
def test_a_held_out_contacts_result_is_the_result_without_the_campaigns_holding_them_out(
    basket, rules, scenario, contact_id, tier_id, segment_ids, percents
):
    # given: every campaign with a control group, an identified customer (anonymous ones are never held out)
    rules = [replace(rule, control_percent=percent) for rule, percent in zip(rules, percents, strict=False)]
    customer = Customer(identified=True, tier_id=tier_id, segment_ids=segment_ids, contact_id=contact_id)
    scenario = replace(scenario, customer=customer)
    without = [rule for rule in rules if not in_control_group(rule.id, contact_id, rule.control_percent)]

    # when
    lines_all, lines_without = build_lines(basket), build_lines(basket)
    result_all = checkout(lines_all, rules, scenario)
    result_without = checkout(lines_without, without, scenario)

    # then
    assert outcome(lines_all, result_all) == outcome(lines_without, result_without)
