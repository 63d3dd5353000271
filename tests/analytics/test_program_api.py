"""`GET /api/v1/analytics/program`: points accrued, redeemed, expired, revoked and the liability, in all and per
partner, hand-computed on the world of `summaries_support`; expiries the job has not written yet count as the
balances show them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.summaries.program import program_report
from analytics.summaries.refresh import summaries_refresh
from analytics.summaries.scope import Period
from loyalty.services import ledger
from loyalty.services.ledger.jobs import expire_due
from tests.analytics.summaries_support import build_world
from tests.analytics.test_overview_api import manager_client, staff_client
from tests.loyalty.pos_support import make_shopper

pytestmark = pytest.mark.django_db

URL = "/api/v1/analytics/program"


def figures(row):
    return {key: row[key] for key in ("accrued", "redeemed", "expired", "revoked", "liability_points", "liability")}


def test_the_program_in_all_and_per_partner():
    # given
    world = build_world()
    partner = world.till.partner
    # when
    answer = staff_client().get(URL, {"program": world.till.program.pk})
    # then
    assert answer.status_code == 200, answer.content
    body = answer.json()
    # Ann's 1000 given by hand (no partner); at the till 100 + 40 (Ann), 50 + 10 (Bob), 25 (Carl); 100 redeemed from
    # Ann's first lot; Bob's refunds revoke 20 and 10.
    assert figures(body) == {
        "accrued": "1225.00",
        "redeemed": "100.00",
        "expired": "0.00",
        "revoked": "30.00",
        "liability_points": "1095.00",
        "liability": "1095.00",
    }
    rows = {row["partner"]: figures(row) for row in body["by_partner"]}
    assert rows[partner.pk] == {
        "accrued": "225.00",
        "redeemed": "100.00",
        "expired": "0.00",
        "revoked": "30.00",
        "liability_points": "195.00",
        "liability": "195.00",
    }
    assert rows[None]["liability_points"] == "900.00"


def test_liability_is_points_times_the_point_value():
    world = build_world()
    world.till.program.point_value = Decimal("0.50")
    world.till.program.save(update_fields=["point_value"])
    body = staff_client().get(URL, {"brand": world.brand.pk}).json()
    assert (body["liability_points"], body["liability"]) == ("1095.00", "547.50")


def test_expiries_count_before_the_job_writes_them_and_the_same_after():
    # given: 200 points that expire tomorrow, read the day after
    world = build_world()
    eve = make_shopper(world.till, first_name="Eve")
    now = timezone.now()
    ledger.accrue(account=eve.account, points=Decimal("200"), at=now - timedelta(hours=1), expires_in_days=1)
    later = now + timedelta(days=2)
    period = Period(first=timezone.localdate() - timedelta(days=30), last=timezone.localdate(later))
    summaries_refresh()
    # when
    before = program_report(program=world.till.program, period=period, user=None, now=later)
    expire_due(now=later)
    summaries_refresh()
    after = program_report(program=world.till.program, period=period, user=None, now=later)
    # then
    assert (before["expired"], before["liability_points"]) == (Decimal("200.00"), Decimal("1095.00"))
    assert (after["expired"], after["liability_points"]) == (Decimal("200.00"), Decimal("1095.00"))


def test_a_brand_manager_reads_their_program_only():
    world = build_world()
    client = manager_client(world.brand)
    assert client.get(URL).status_code == 200  # their only program
    assert client.get(URL, {"program": world.other.program_id}).status_code == 404


def test_the_partners_as_csv():
    world = build_world()
    answer = staff_client().get(URL, {"program": world.till.program.pk, "format": "csv"})
    lines = answer.content.decode("utf-8").splitlines()
    assert lines[0] == "\ufeffpartner,name,accrued,redeemed,expired,revoked,adjusted,liability_points,liability"
    assert lines[1].startswith(",All partners,1225.00,100.00,0.00,30.00")
