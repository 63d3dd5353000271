"""The contact-day packs (`analytics/summaries/packs.py`): after every refresh, each brand-day's pack holds exactly
its contact-days (register, store and the days since each previous day), as computed in Python from the rows;
the migration's backfill writes the same packs; the counts they give are checked against COUNT(DISTINCT …) by the
property test of `test_contact_counts.py` (one brand and every brand are counted from the packs)."""

import importlib
from collections import defaultdict
from datetime import date, timedelta
from types import SimpleNamespace

import numpy as np
import pytest
from django.apps import apps
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.summaries.contacts import contact_counts
from analytics.summaries.models import ContactDay, ContactDayPack, ContactFirst
from analytics.summaries.pack_counts import level_of, new_from_packs
from analytics.summaries.packs import NONE
from analytics.summaries.scope import Period, Scope
from tests.analytics.test_contact_counts import STEP, buy, make_shop, refresh, refreshed_steps, refund_in_full

backfill = importlib.import_module("analytics.migrations.0008_contact_day_packs")


def gap(day: date, previous: date | None) -> int:
    return NONE if previous is None else (day - previous).days


Packs = dict[tuple[int, date], tuple[list[tuple], dict[int, tuple[int, int]]]]


def expected_packs() -> Packs:
    """Per brand-day: its contact-days as (register, store, gap × 4), sorted, and its first receipts per register
    (at the brand, at any brand), computed from the rows."""
    rows: dict[tuple[int, date], list[tuple]] = defaultdict(list)
    columns = ("brand_id", "day", "register_id", "store_id", "prev_register", "prev_store", "prev_brand", "prev_any")
    for brand, day, register, store, *previous in ContactDay.objects.values_list(*columns):
        rows[(brand, day)].append((register, store, *(gap(day, one) for one in previous)))
    firsts: dict[tuple[int, date], dict[int, tuple[int, int]]] = defaultdict(dict)
    for brand, day, register, overall in ContactFirst.objects.values_list(
        "brand_id", "day", "register_id", "first_overall"
    ):
        n, n_overall = firsts[(brand, day)].get(register, (0, 0))
        firsts[(brand, day)][register] = (n + 1, n_overall + int(overall))
    assert set(firsts) <= set(rows)  # a first receipt is one of the contact-days
    return {key: (sorted(day_rows), firsts.get(key, {})) for key, day_rows in rows.items()}


def stored_packs() -> Packs:
    """The packs as the same rows and first receipts, unpacked."""
    packs = {}
    for pack in ContactDayPack.objects.all():
        sizes = np.frombuffer(bytes(pack.sizes), "<i4")
        runs = np.frombuffer(bytes(pack.registers), "<i8")
        registers = np.repeat(runs, sizes)
        stores = np.repeat(np.frombuffer(bytes(pack.stores), "<i8"), sizes)
        levels = [bytes(getattr(pack, f"gap_{level}")) for level in ("register", "store", "brand", "any")]
        gaps = [np.frombuffer(level, "<i2") for level in levels]
        rows = sorted(tuple(int(value) for value in row) for row in zip(registers, stores, *gaps, strict=True))
        new = zip(
            np.frombuffer(bytes(pack.new_brand), "<i4"), np.frombuffer(bytes(pack.new_overall), "<i4"), strict=True
        )
        firsts = {int(register): (int(n), int(overall)) for register, (n, overall) in zip(runs, new, strict=True) if n}
        packs[(pack.brand_id, pack.day)] = (rows, firsts)
    return packs


@pytest.mark.django_db
def test_a_pack_holds_its_brand_days_rows_with_the_days_since_each_previous():
    # given: Ann at r0 on day 0 and at r1 (same store) on day 3; Bob at r1 on day 3; Ann at brand B on day 1
    shop = make_shop()
    buy(shop, 0, 0, 0)
    buy(shop, 1, 0, 3)
    buy(shop, 1, 1, 3)
    buy(shop, 3, 0, 1)
    # when
    refresh()
    # then: brand A's day 3 has two rows at r1: Ann (3 days since s0 and brand A, 2 since brand B), Bob (no previous)
    r1, s0 = shop.registers[1].pk, shop.stores[0].pk
    day3 = shop.base + timedelta(days=3)
    rows, firsts = stored_packs()[(shop.brands[0].pk, day3)]
    assert rows == [(r1, s0, NONE, 3, 3, 2), (r1, s0, NONE, NONE, NONE, NONE)]
    # Bob's first receipt anywhere; Ann's at brand A was day 0
    assert firsts == {r1: (1, 1)}
    assert stored_packs() == expected_packs()
    assert len(stored_packs()) == 3


@pytest.mark.django_db
def test_a_refund_in_full_rewrites_the_packs_of_the_later_days_it_moved():
    # given: Ann at r0 on days 0, 2 and 4, day 2 refunded in full after the refresh
    shop = make_shop()
    buy(shop, 0, 0, 0)
    middle = buy(shop, 0, 0, 2)
    buy(shop, 0, 0, 4)
    refresh()
    day4 = (shop.brands[0].pk, shop.base + timedelta(days=4))
    assert stored_packs()[day4][0][0][2:] == (2, 2, 2, 2)
    # when
    refund_in_full(middle)
    refresh()
    # then: day 2's pack is gone and day 4's counts 4 days back
    assert stored_packs()[day4][0][0][2:] == (4, 4, 4, 4)
    assert (shop.brands[0].pk, shop.base + timedelta(days=2)) not in stored_packs()
    assert stored_packs() == expected_packs()


@pytest.mark.django_db
def test_a_first_receipt_that_moves_or_stops_being_first_anywhere_rewrites_the_pack_of_its_day():
    # given: Ann at brand B (r3) on day 1, at brand A (r0) on day 3 then day 5
    shop = make_shop()
    buy(shop, 3, 0, 1)
    third = buy(shop, 0, 0, 3)
    buy(shop, 0, 0, 5)
    refresh()
    a, b = shop.brands[0].pk, shop.brands[1].pk
    r0, r3 = shop.registers[0].pk, shop.registers[3].pk
    day = [shop.base + timedelta(days=n) for n in range(6)]
    assert stored_packs()[(b, day[1])][1] == {r3: (1, 1)}
    # when: day 3 is refunded in full (A's first moves to day 5), and a receipt at A on day 0 is summarised late
    refund_in_full(third)
    buy(shop, 0, 0, 0)
    refresh()
    # then: day 5 and day 0 packs hold A's first (the one of day 0), B's day 1 is no longer first anywhere
    assert stored_packs()[(b, day[1])][1] == {r3: (1, 0)}
    assert stored_packs()[(a, day[0])][1] == {r0: (1, 1)}
    assert stored_packs()[(a, day[5])][1] == {}
    assert stored_packs() == expected_packs()


@pytest.mark.django_db
def test_the_migration_writes_the_packs_of_the_contact_days_already_there(monkeypatch):
    # given: contact-days of two brands over several days, their packs deleted
    shop = make_shop()
    for register, contact, day in ((0, 0, 0), (1, 1, 0), (3, 0, 2), (0, 0, 30), (4, 2, 31)):
        buy(shop, register, contact, day)
    refresh()
    written = stored_packs()
    ContactDayPack.objects.all().delete()
    # when: the migration's backfill, two days at a time (days 0 and 2, then 30 and 31)
    monkeypatch.setattr(backfill, "CHUNK_DAYS", 2)
    backfill.write_packs(apps, SimpleNamespace(connection=connection))
    # then
    assert stored_packs() == written == expected_packs()
    assert len(written) == 4


@pytest.mark.django_db
def test_a_manager_of_every_brand_is_counted_as_every_brand_and_of_some_brands_distinctly(django_assert_num_queries):
    # given: Ann at brands A and B on day 0, Bob at C
    shop = make_shop()
    buy(shop, 0, 0, 0)
    buy(shop, 3, 0, 0)
    buy(shop, 4, 1, 0)
    refresh()
    period = Period(shop.base, shop.base)
    # when: every brand, named one by one (the brands' ids, then the packs of the period and of the previous one,
    # in the counting's transaction: a savepoint here, and its release)
    with django_assert_num_queries(5):
        every = contact_counts(Scope(brands=[brand.pk for brand in shop.brands]), period, ("store",))
    # then: Ann once, Bob; counted at her two stores
    assert every.active == {
        (None, None): 2,
        ("store", shop.stores[0].pk): 1,
        ("store", shop.stores[2].pk): 1,
        ("store", shop.stores[3].pk): 1,
    }
    assert every.new == {(None, None): 2, ("store", shop.stores[0].pk): 1, ("store", shop.stores[3].pk): 1}
    # and two brands of three count each contact once, new at the first of them: Ann once
    some = contact_counts(Scope(brands=[shop.brands[0].pk, shop.brands[1].pk]), period)
    assert (some.active[(None, None)], some.new[(None, None)]) == (1, 1)


def test_a_scope_is_counted_at_its_level_or_by_contact_ids():
    assert level_of(Scope(brands=None)) == "any"
    assert level_of(Scope(brands=[1])) == "brand"
    assert level_of(Scope(brands=[1], stores=[5])) == "store"
    assert level_of(Scope(brands=None, registers=[7])) == "register"
    assert level_of(Scope(brands=[1, 2])) is None
    assert level_of(Scope(brands=[1], stores=[5, 6])) is None
    assert new_from_packs(Scope(brands=[1], stores=[5, 6]))
    assert not new_from_packs(Scope(brands=[1, 2]))


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(steps=st.lists(STEP, min_size=1, max_size=4))
def test_property_the_packs_stay_the_rows_through_any_refreshes(db, steps):
    # (the counts they give, against COUNT(DISTINCT), for scopes of every kind: test_contact_counts' property test)
    with transaction.atomic():
        shop = make_shop()
        for _step in refreshed_steps(shop, steps):
            assert stored_packs() == expected_packs()
        transaction.set_rollback(True)
