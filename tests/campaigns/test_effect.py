"""`GET /campaigns/{id}/effect` on hand-made receipts: what the campaign touched and cost, the audience split by the
till's hash into target and control, revenue per contact over every contact of a group, the uplift and its
interval computed by hand, and no uplift (with the reason) where there is nothing to compare with."""

import math
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from loyalty.models import TierChange
from tests.campaigns.effect_support import buy, save_campaign, shoppers_by_group
from tests.conftest import grant_app_permissions
from tests.factories import BrandFactory, SegmentFactory, TierFactory
from tests.helpers import assert_error, url
from tests.loyalty.pos_support import Till, make_shopper, make_till, ok, refund

pytestmark = pytest.mark.django_db


def effect(client, campaign: Campaign, **query) -> dict:
    return ok(client.get(url("campaigns", campaign.pk, action="effect"), query))


def hand_shop() -> tuple[Till, Campaign, list, list]:
    """10 % off for everyone, half held out; three target shoppers and two control shoppers (and any more the
    search made on the way, who bought nothing but belong to the audience)."""
    till = make_till()
    campaign = save_campaign(till.brand, control_percent=50)
    target, control = shoppers_by_group(till, campaign, target=3, control=2)
    return till, campaign, target, control


def test_the_effect_on_hand_made_receipts(superuser_client):
    # given: target t1 buys 2 × 500 (900 paid after 10 % off) and returns one (450 back), t2 buys 500 (450 paid),
    # t3 buys nothing; control c1 buys 400 (no discount: held out), c2 nothing; an anonymous receipt of 1000 (900
    # paid); a control purchase before the campaign and one at another brand of the program are out of the period
    till, campaign, (t1, t2, _t3), (c1, _c2) = hand_shop()
    other_brand = make_till(brand=BrandFactory(program=till.program))
    day = timezone.now() - timedelta(days=2)
    first = buy(till, t1, "500.00", quantity=2, at=day, number="R1")
    ok(refund(till.client, first["purchase_id"], {"lines": [{"index": 0, "quantity": "1"}]}))
    assert buy(till, t2, "500.00", at=day, number="R2")["totals"]["discount"] == "50.00"
    assert buy(till, c1, "400.00", at=day, number="R3")["totals"]["discount"] == "0.00"
    buy(till, None, "1000.00", at=day, number="R4")
    buy(till, c1, "999.00", at=campaign.starts_at - timedelta(days=1), number="R5")
    buy(other_brand, c1, "999.00", at=day, number="R6")
    audience = till.program.enrollments.count()  # the five, and the search's extras who bought nothing

    # when
    answer = effect(superuser_client, campaign)

    # then: touched: t1's, t2's and the anonymous receipt
    assert (answer["receipts"], answer["revenue"], answer["discount"], answer["points"]) == (
        3,
        "1800.00",
        "250.00",
        "0.00",
    )
    target, control = answer["target"], answer["control"]
    assert (target["buyers"], target["revenue"]) == (2, "900.00")
    assert (control["buyers"], control["revenue"]) == (1, "400.00")
    assert target["contacts"] + control["contacts"] == audience
    n_t, n_c = target["contacts"], control["contacts"]
    assert target["revenue_per_contact"] == f"{900 / n_t:.2f}"
    assert control["revenue_per_contact"] == f"{400 / n_c:.2f}"
    # the uplift and its interval by hand: revenues per contact [450, 450, 0, ...] against [400, 0, ...]
    m_t, m_c = 900 / n_t, 400 / n_c
    v_t = (2 * 450**2 - n_t * m_t**2) / (n_t - 1)
    v_c = (400**2 - n_c * m_c**2) / (n_c - 1)
    se = math.sqrt(v_t / (n_t * m_t**2) + v_c / (n_c * m_c**2))
    assert answer["uplift"] == round(m_t / m_c - 1, 4)
    assert answer["uplift_low"] == pytest.approx(math.exp(math.log(m_t / m_c) - 1.959964 * se) - 1, abs=1e-4)
    assert answer["uplift_high"] == pytest.approx(math.exp(math.log(m_t / m_c) + 1.959964 * se) - 1, abs=1e-4)
    assert answer["uplift_low"] < answer["uplift"] < answer["uplift_high"]
    assert (answer["confidence"], answer["reason"], answer["control_percent"]) == (0.95, None, 50)


def test_the_groups_are_the_audience_split_as_the_till_split_it(superuser_client):
    # given: exactly three target and two control shoppers (the search's extras removed from the program)
    till, campaign, target, control = hand_shop()
    keep = {shopper.contact.pk for shopper in target + control}
    till.program.enrollments.exclude(contact_id__in=keep).delete()
    day = timezone.now() - timedelta(days=1)
    buy(till, target[0], "100.00", at=day, number="T1")
    buy(till, control[0], "100.00", at=day, number="C1")

    # when
    answer = effect(superuser_client, campaign)

    # then: 90 paid over 3 target contacts, 100 over 2 control contacts: uplift 30 / 50 − 1
    assert answer["target"] == {"contacts": 3, "buyers": 1, "revenue": "90.00", "revenue_per_contact": "30.00"}
    assert answer["control"] == {"contacts": 2, "buyers": 1, "revenue": "100.00", "revenue_per_contact": "50.00"}
    assert answer["uplift"] == -0.4


def test_without_a_control_group_there_is_no_uplift_and_the_answer_says_why(superuser_client):
    # given: a campaign that holds nobody out, used by a receipt
    till = make_till()
    campaign = save_campaign(till.brand)
    shopper = make_shopper(till)
    buy(till, shopper, "100.00", at=timezone.now() - timedelta(hours=1), number="N1")

    # when
    answer = effect(superuser_client, campaign)

    # then: everyone is the target; no effect is invented
    assert answer["target"] == {"contacts": 1, "buyers": 1, "revenue": "90.00", "revenue_per_contact": "90.00"}
    assert answer["control"] == {"contacts": 0, "buyers": 0, "revenue": "0.00", "revenue_per_contact": "0.00"}
    assert (answer["uplift"], answer["uplift_low"], answer["uplift_high"]) == (None, None, None)
    assert answer["reason"] == "no_control_group"
    assert "control group" in answer["reason_message"]


def test_a_control_group_that_bought_nothing_gives_no_uplift(superuser_client):
    till, campaign, target, _control = hand_shop()
    buy(till, target[0], "100.00", at=timezone.now() - timedelta(hours=1), number="T1")

    answer = effect(superuser_client, campaign)

    assert (answer["uplift"], answer["reason"]) == (None, "no_control_revenue")
    assert answer["target"]["revenue"] == "90.00"


def test_the_period_can_be_narrowed_and_a_date_end_covers_its_day(superuser_client):
    # given: a target receipt three days ago and one today
    till, campaign, target, _control = hand_shop()
    now = timezone.localtime()
    buy(till, target[0], "100.00", at=now - timedelta(days=3), number="T1")
    buy(till, target[0], "200.00", at=now - timedelta(minutes=1), number="T2")

    # when: the period ends with the day three days ago, then starts today
    before = effect(superuser_client, campaign, to=(now - timedelta(days=3)).date().isoformat())
    today = effect(superuser_client, campaign, **{"from": now.replace(hour=0, minute=0, second=0).isoformat()})

    # then
    assert (before["receipts"], before["target"]["revenue"]) == (1, "90.00")
    assert (today["receipts"], today["target"]["revenue"]) == (1, "180.00")


def test_a_period_that_ends_before_it_starts_is_refused(superuser_client):
    till = make_till()
    campaign = save_campaign(till.brand)
    response = superuser_client.get(
        url("campaigns", campaign.pk, action="effect"), {"from": "2026-11-02", "to": "2026-11-01"}
    )
    assert_error(response, 400, "invalid", {"to": ["The end must be after the start."]})
    assert_error(superuser_client.get(url("campaigns", campaign.pk, action="effect"), {"from": "soon"}), 400, "invalid")


def test_a_segment_audience_is_its_members_and_those_who_left_during_the_period(superuser_client):
    # given: a segment with two current members, one who left during the campaign and one who left before it
    till = make_till()
    segment = SegmentFactory(program=till.program)
    members = [make_shopper(till) for _ in range(4)]
    for shopper in members:
        segment.members.create(contact=shopper.contact, entered_at=timezone.now() - timedelta(days=30))
    segment.members.filter(contact=members[2].contact).update(left_at=timezone.now() - timedelta(days=5))
    segment.members.filter(contact=members[3].contact).update(left_at=timezone.now() - timedelta(days=20))
    earlier = {"entered_at": timezone.now() - timedelta(days=40), "left_at": timezone.now() - timedelta(days=8)}
    segment.members.create(contact=members[0].contact, **earlier)  # an earlier stay: still one contact
    campaign = save_campaign(till.brand, audience={"type": "segment", "segment": segment.pk})

    answer = effect(superuser_client, campaign)

    assert answer["target"]["contacts"] == 3


def test_a_tiers_audience_is_those_in_the_tiers_and_those_who_left_them_during_the_period(superuser_client):
    # given: one shopper in Gold, one in Silver who left Gold during the campaign, one in Silver all along
    till = make_till()
    gold, silver = TierFactory(program=till.program), TierFactory(program=till.program)
    shoppers = [make_shopper(till) for _ in range(3)]
    enrollments = [till.program.enrollments.get(contact=shopper.contact) for shopper in shoppers]
    till.program.enrollments.filter(pk=enrollments[0].pk).update(tier=gold)
    till.program.enrollments.filter(pk__in=[enrollments[1].pk, enrollments[2].pk]).update(tier=silver)
    TierChange.objects.create(
        enrollment=enrollments[1], at=timezone.now() - timedelta(days=2), from_tier=gold, to_tier=silver
    )
    TierChange.objects.create(
        enrollment=enrollments[2], at=timezone.now() - timedelta(days=60), from_tier=gold, to_tier=silver
    )
    campaign = save_campaign(till.brand, audience={"type": "tiers", "tiers": [gold.pk]})

    answer = effect(superuser_client, campaign)

    assert answer["target"]["contacts"] == 2


def test_another_brands_campaign_is_not_found_for_a_brand_manager(manager, manager_client):
    grant_app_permissions(manager, ("campaigns",))
    till = make_till()
    campaign = save_campaign(till.brand)
    assert_error(manager_client.get(url("campaigns", campaign.pk, action="effect")), 404, "not_found")


# --- control_percent in the API ------------------------------------------------------------------------------------


def test_control_percent_defaults_to_zero_and_is_kept_as_given(superuser_client):
    brand = BrandFactory()
    body = {"name": "Ten", "brand": brand.pk, "mechanic": {"type": "percent_discount", "percent": 10}}

    created = ok(superuser_client.post(url("campaigns"), body, format="json"), 201)
    changed = ok(superuser_client.patch(url("campaigns", created["id"]), {"control_percent": 50}, format="json"))

    assert (created["control_percent"], changed["control_percent"]) == (0, 50)
    assert Campaign.objects.get(pk=created["id"]).control_percent == 50


@pytest.mark.parametrize("value", [51, -1, 12.5, "ten", True, None])
def test_control_percent_outside_0_to_50_is_refused_on_its_field(superuser_client, value):
    campaign = save_campaign(BrandFactory())

    response = superuser_client.patch(url("campaigns", campaign.pk), {"control_percent": value}, format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["control_percent"]
    campaign.refresh_from_db()
    assert campaign.control_percent == 0
