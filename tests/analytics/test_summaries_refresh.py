"""The summaries written by a refresh, checked against the hand-computed world of `summaries_support`."""

from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db.models import Sum
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from analytics.summaries.freshness import Freshness, summaries_catch_up
from analytics.summaries.job import summaries_job
from analytics.summaries.models import (
    BrandDay,
    CampaignDay,
    ContactDay,
    ContactFirst,
    LedgerDay,
    ProductDay,
    RegisterDay,
    RegisterHour,
    StoreDay,
    SummaryState,
)
from analytics.summaries.refresh import SETTLE, summaries_refresh
from common.jobs import job_names
from tests.analytics.summaries_support import MOSCOW, build_world, buy, moscow_time
from tests.loyalty.pos_support import line, ok, pos_client, refund

pytestmark = pytest.mark.django_db


def test_a_refresh_writes_each_register_store_and_brand_day():
    # given
    world = build_world()
    day, next_day = world.day, world.day + timedelta(days=1)
    # when
    summaries_refresh()
    # then
    registers = {
        (row.register_id, row.day): (row.receipts, row.identified, row.revenue, row.points_accrued, row.points_redeemed)
        for row in RegisterDay.objects.filter(brand=world.brand)
    }
    assert registers == {
        (world.m1.pk, day): (2, 2, Decimal("1300.00"), Decimal("130.00"), Decimal("0.00")),
        (world.m2.pk, day): (1, 1, Decimal("400.00"), Decimal("40.00"), Decimal("100.00")),
        (world.e1.pk, next_day): (1, 0, Decimal("630.00"), Decimal("0.00"), Decimal("0.00")),
        (world.m1.pk, day - timedelta(days=1)): (1, 1, Decimal("250.00"), Decimal("25.00"), Decimal("0.00")),
    }
    brand_days = {
        row.day: (row.receipts, row.revenue, row.buyers, row.discount)
        for row in BrandDay.objects.filter(brand=world.brand)
    }
    assert brand_days == {
        day: (3, Decimal("1700.00"), 2, Decimal("0.00")),
        next_day: (1, Decimal("630.00"), 0, Decimal("70.00")),
        day - timedelta(days=1): (1, Decimal("250.00"), 1, Decimal("0.00")),
    }
    assert StoreDay.objects.get(store=world.moscow, day=day).buyers == 2
    hours = {(row.register_id, row.hour) for row in RegisterHour.objects.filter(day=day, brand=world.brand)}
    assert hours == {(world.m1.pk, 10), (world.m1.pk, 11), (world.m2.pk, 15)}
    assert ContactFirst.objects.get(contact_id=world.ids["ann"]).register_id == world.m1.pk
    assert ContactDay.objects.filter(brand=world.brand).count() == 4


def test_the_products_campaigns_and_ledger_days():
    # given
    world = build_world()
    # when
    summaries_refresh()
    # then: SKU A sold 1000 (Ann), 300 (Bob) and 630 (Ural) units 1 each; C refunded in full is no sale
    products = {
        (row.day, row.sku): (row.units, row.revenue, row.receipts)
        for row in ProductDay.objects.filter(brand=world.brand)
    }
    day, next_day = world.day, world.day + timedelta(days=1)
    assert products == {
        (day, "A"): (Decimal("2.000"), Decimal("1300.00"), 2),
        (day, "B"): (Decimal("1.000"), Decimal("400.00"), 1),
        (next_day, "A"): (Decimal("1.000"), Decimal("630.00"), 1),
        (day - timedelta(days=1), "B"): (Decimal("1.000"), Decimal("250.00"), 1),
    }
    campaign = CampaignDay.objects.get(brand=world.brand)
    assert (campaign.day, campaign.receipts, campaign.discount, campaign.value) == (
        next_day,
        1,
        Decimal("70.00"),
        Decimal("70.00"),
    )
    kinds = dict(
        LedgerDay.objects.filter(program=world.till.program)
        .values("kind")
        .annotate(points=Sum("points"))
        .values_list("kind", "points")
    )
    assert {kind: Decimal(str(points)).quantize(Decimal("0.01")) for kind, points in kinds.items()} == {
        "accrual": Decimal("1225.00"),
        "redemption": Decimal("-100.00"),
        "revoke": Decimal("-30.00"),
    }


def test_a_second_refresh_writes_nothing_and_a_new_receipt_only_its_store_day():
    # given
    world = build_world()
    summaries_refresh()
    before = list(RegisterDay.objects.order_by("pk").values())
    other_products = list(ProductDay.objects.filter(brand=world.other).order_by("pk").values())
    # when
    again = {result.stream: result.days for result in summaries_refresh()}
    buy(world.m2, "8", moscow_time(world.day, 18), [line("B", 1, "80.00")])
    after = {result.stream: result.days for result in summaries_refresh()}
    # then
    assert again == {"days": 0, "products": 0, "ledger": 0}
    assert after == {"days": 1, "products": 2, "ledger": 0}  # a product's day is its brand's: both stores
    untouched = RegisterDay.objects.exclude(store=world.moscow, day=world.day).order_by("pk")
    assert list(untouched.values()) == [
        row for row in before if not (row["store_id"] == world.moscow.pk and row["day"] == world.day)
    ]
    m2 = RegisterDay.objects.get(register=world.m2, day=world.day)
    assert (m2.receipts, m2.identified, m2.revenue) == (2, 1, Decimal("480.00"))
    # the products' day read again (on PostgreSQL through runs of purchase ids, which span the other brand's receipt
    # of that day): its B sold twice, the other brand's products as they were
    b = ProductDay.objects.get(brand=world.brand, day=world.day, sku="B")
    assert (b.units, b.revenue, b.receipts) == (Decimal("2.000"), Decimal("480.00"), 2)
    assert list(ProductDay.objects.filter(brand=world.other).order_by("pk").values()) == other_products


def test_a_refund_writes_its_purchase_s_day_again():
    # given
    world = build_world()
    summaries_refresh()
    # when: Ann returns her 1000.00
    ok(refund(pos_client(world.m1), world.ids["p1"], {}, key="refund-1"))
    summaries_refresh()
    # then: her receipt is gone from that day, and Ann's first receipt is now the one at M2
    brand_day = BrandDay.objects.get(brand=world.brand, day=world.day)
    assert (brand_day.receipts, brand_day.revenue, brand_day.buyers) == (2, Decimal("700.00"), 2)
    first = ContactFirst.objects.get(contact_id=world.ids["ann"], brand=world.brand)
    assert (first.register_id, first.first_at.astimezone(MOSCOW).hour) == (world.m2.pk, 15)


def test_a_receipt_committed_after_a_refresh_passed_its_id_is_found_by_the_next():
    # given: a refresh whose marks already passed the id of a receipt it could not see yet (still uncommitted then)
    world = build_world()
    summaries_refresh()
    late = buy(world.m2, "9", moscow_time(world.day, 19), [line("B", 1, "90.00")])
    state = SummaryState.objects.get(stream="days")
    older = dict(state.marks)
    state.marks = {**older, "purchase": late}
    state.history = [
        {"marks": older, "at": (timezone.now() - SETTLE * 2).isoformat()},
        {"marks": state.marks, "at": timezone.now().isoformat()},
    ]
    state.save()
    # when
    summaries_refresh(streams=("days",))
    # then
    assert RegisterDay.objects.get(register=world.m2, day=world.day).revenue == Decimal("490.00")


def test_reads_catch_up_with_a_few_new_receipts_and_say_when_there_are_too_many(settings):
    # given
    world = build_world()
    summaries_refresh()
    buy(world.m2, "10", moscow_time(world.day, 20), [line("B", 1, "50.00")])
    # when, then: a catch-up that fits writes the store-day again
    assert summaries_catch_up() == Freshness(as_of=SummaryState.objects.get(stream="days").refreshed_at, behind=0)
    assert RegisterDay.objects.get(register=world.m2, day=world.day).revenue == Decimal("450.00")
    # when, then: more rows than allowed wait for the job, and the reader is told how many
    settings.ANALYTICS_CATCH_UP_ROWS = 1
    buy(world.m2, "11", moscow_time(world.day, 21), [line("B", 1, "50.00")])
    buy(world.m2, "12", moscow_time(world.day, 21), [line("B", 1, "50.00")])
    assert summaries_catch_up().behind == 2
    assert RegisterDay.objects.get(register=world.m2, day=world.day).revenue == Decimal("450.00")


def test_the_analytics_job_is_registered_and_refreshes_the_summaries():
    build_world()
    assert "analytics" in job_names()
    assert summaries_job(timezone.now()).startswith("days: ")
    assert RegisterDay.objects.exists()


def test_the_schedule_is_made_by_the_data_migration():
    migration = import_module("analytics.migrations.0004_analytics_schedule")
    migration.forwards(django_apps, None)
    task = PeriodicTask.objects.get(name="Analytics: refresh the summaries and the scores")
    assert (task.task, task.args, task.interval.every, task.interval.period) == (
        "common.tasks.run_job",
        '["analytics"]',
        10,
        "minutes",
    )
