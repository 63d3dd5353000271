"""Distinct contacts counted from the contact-days' previous days (`contact_counts`, through the packs) against the
COUNT(DISTINCT …) of a query per group (`counted_per_group`): hand-computed on a small week, and as a property over
random receipts at three brands, refreshed step by step (later days, then earlier ones, receipts refunded in full),
for random periods and scopes of every kind. The refresh's `prev_*` and `first_overall` are also
checked against the same values computed in Python from the rows."""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.summaries.contacts import contact_counts
from analytics.summaries.days import zone
from analytics.summaries.models import ContactDay, ContactFirst
from analytics.summaries.refresh import refresh_stream
from analytics.summaries.scope import Period, Scope
from loyalty.models import Purchase, Refund
from tests.analytics.distinct_reference import counted_per_group
from tests.factories import BrandFactory, ContactFactory, RegisterFactory, StoreFactory

MOSCOW = zone("Europe/Moscow")
GROUPS = ("store", "register", "day")
DAYS = 8
# Every way the statements are built: no group, one, the day with one of the others (PostgreSQL's GROUPING SETS), all.
GROUPINGS = [(), ("day",), ("store",), ("register",), ("register", "day"), GROUPS]
RECEIPT_NUMBERS = itertools.count(1)


@dataclass
class Shop:
    """Brands A (stores s0 with registers r0, r1, and s1 with r2), B (s2: r3) and C (s3: r4); four contacts."""

    base: date
    brands: list
    stores: list
    registers: list
    contacts: list


def make_shop() -> Shop:
    brands = [BrandFactory(name=name) for name in "ABC"]
    stores = [StoreFactory(brand=brands[b]) for b in (0, 0, 1, 2)]
    registers = [RegisterFactory(store=stores[s], code=f"T{n}") for n, s in enumerate((0, 0, 1, 2, 3))]
    contacts = [ContactFactory() for _n in range(4)]
    return Shop(timezone.localdate() - timedelta(days=40), brands, stores, registers, contacts)


def buy(shop: Shop, register: int, contact: int | None, day: int, hour: int = 12) -> Purchase:
    number = next(RECEIPT_NUMBERS)
    till = shop.registers[register]
    at = datetime.combine(shop.base + timedelta(days=day), time(hour), tzinfo=MOSCOW)
    money = Decimal("100.00")
    return Purchase.objects.create(
        register=till,
        store=till.store,
        brand=till.store.brand,
        program=till.store.brand.program,
        contact=shop.contacts[contact] if contact is not None else None,
        receipt_number=f"P{number}",
        at=at,
        base=money,
        discount=Decimal("0.00"),
        total=money,
        redeemed_points=Decimal("0.00"),
        payable=money,
        points=Decimal("0.00"),
    )


def refund_in_full(purchase: Purchase) -> None:
    Refund.objects.create(
        purchase=purchase,
        at=purchase.at + timedelta(hours=1),
        refund_amount=purchase.payable,
        points_revoked=Decimal("0.00"),
        points_returned=Decimal("0.00"),
    )


def refresh() -> None:
    refresh_stream("days", catch_up=True)


def expected_previous_days() -> dict[int, tuple]:
    """Each contact-day's previous days, computed in Python from the rows (order: day, store, register)."""
    rows = sorted(
        ContactDay.objects.values_list("pk", "contact_id", "day", "store_id", "register_id", "brand_id"),
        key=lambda row: (row[2], row[3], row[4]),
    )
    last: dict[tuple, date] = {}
    expected = {}
    for pk, contact, day, store, register, brand in rows:
        keys = [("register", contact, register), ("store", contact, store), ("brand", contact, brand), ("any", contact)]
        expected[pk] = tuple(last.get(key) for key in keys)
        for key in keys:
            last[key] = day
    return expected


def stored_previous_days() -> dict[int, tuple]:
    columns = ("prev_register", "prev_store", "prev_brand", "prev_any")
    return {pk: tuple(rest) for pk, *rest in ContactDay.objects.values_list("pk", *columns)}


def expected_first_overall() -> dict[int, bool]:
    firsts = sorted(ContactFirst.objects.values_list("pk", "contact_id", "first_at", "brand_id"), key=lambda r: r[2:])
    seen: set[int] = set()
    expected = {}
    for pk, contact, _at, _brand in firsts:
        expected[pk] = contact not in seen
        seen.add(contact)
    return expected


def expected_firsts() -> set[tuple]:
    """Each contact's first receipt at each brand, computed in Python from the contact-days (the earliest, the lower
    register on a tie)."""
    first: dict[tuple, tuple] = {}
    for brand, contact, at, day, store, register in ContactDay.objects.values_list(
        "brand_id", "contact_id", "first_at", "day", "store_id", "register_id"
    ):
        if (brand, contact) not in first or (at, register) < (first[(brand, contact)][0], first[(brand, contact)][3]):
            first[(brand, contact)] = (at, day, store, register)
    return {(*key, *value) for key, value in first.items()}


def stored_firsts() -> set[tuple]:
    columns = ("brand_id", "contact_id", "first_at", "day", "store_id", "register_id")
    return set(ContactFirst.objects.values_list(*columns))


def nonzero(counts: dict) -> dict:
    return {key: n for key, n in counts.items() if n}


def assert_same_counts(scope: Scope, period: Period, groups: tuple[str, ...] = GROUPS) -> None:
    plain = contact_counts(scope, period, groups)
    distinct = counted_per_group(scope, period, groups)
    assert nonzero(plain.active) == nonzero(distinct.active), (scope, period, groups)
    assert plain.active[(None, None)] == distinct.active[(None, None)]
    assert nonzero(plain.new) == nonzero(distinct.new), (scope, period, groups)
    assert (plain.previous_active, plain.previous_new) == (distinct.previous_active, distinct.previous_new)


def scopes(shop: Shop) -> list[Scope]:
    stores = [store.pk for store in shop.stores]
    return [
        Scope(brands=None),
        *(Scope(brands=[brand.pk]) for brand in shop.brands),
        Scope(brands=[shop.brands[0].pk], stores=[stores[0]]),
        Scope(brands=[shop.brands[0].pk], stores=[stores[1]]),
        Scope(brands=None, stores=[stores[2]]),
        Scope(brands=[shop.brands[0].pk], registers=[shop.registers[1].pk]),
        Scope(brands=[shop.brands[1].pk], registers=[shop.registers[3].pk]),
        # no level of their own: the contact ids (and for several brands of many, the new contacts in SQL)
        Scope(brands=[shop.brands[0].pk], stores=stores[:2]),  # a partner's stores
        Scope(brands=None, stores=[stores[0], stores[2]]),
        Scope(brands=[shop.brands[0].pk], registers=[shop.registers[0].pk, shop.registers[2].pk]),
        Scope(brands=[shop.brands[0].pk, shop.brands[1].pk]),  # a manager of two brands of three
        Scope(brands=[shop.brands[0].pk, shop.brands[2].pk], stores=[stores[1], stores[3]]),
        Scope(brands=[brand.pk for brand in shop.brands]),  # every brand, named: counted as every brand
    ]


@pytest.mark.django_db
def test_a_hand_counted_week():
    # given: Ann at r0 and r1 (store s0) on day 0, s1 on day 2, brand B on day 1, r0 again on day 3;
    # Bob at brand B on day 2 and at r1 on day 3, written day 3 first, then days 0 to 2 (a backfill)
    shop = make_shop()
    buy(shop, 0, 0, 3)
    buy(shop, 1, 1, 3)
    refresh()
    buy(shop, 1, 0, 0, hour=9)
    buy(shop, 0, 0, 0, hour=10)
    buy(shop, 2, 0, 2)
    buy(shop, 3, 0, 1)
    buy(shop, 3, 1, 2)
    buy(shop, 4, None, 2)
    refresh()
    s0, s1 = shop.stores[0].pk, shop.stores[1].pk
    r0, r1 = shop.registers[0].pk, shop.registers[1].pk
    day = [shop.base + timedelta(days=n) for n in range(4)]
    ann = shop.contacts[0].pk
    rows = {
        (row.day, row.register_id): (row.prev_register, row.prev_store, row.prev_brand, row.prev_any)
        for row in ContactDay.objects.filter(contact_id=ann)
    }
    # then: Ann's rows in the order (day, store, register): d0 s0 r0, d0 s0 r1, d1 B, d2 s1, d3 s0 r0
    assert rows == {
        (day[0], r0): (None, None, None, None),
        (day[0], r1): (None, day[0], day[0], day[0]),
        (day[1], shop.registers[3].pk): (None, None, None, day[0]),
        (day[2], shop.registers[2].pk): (None, None, day[0], day[1]),
        (day[3], r0): (day[0], day[0], day[2], day[2]),
    }
    brand_a = Scope(brands=[shop.brands[0].pk])
    counts = contact_counts(brand_a, Period(day[2], day[3]), GROUPS)
    # days 2-3 at brand A: Ann (s1, s0) and Bob (s0 r1)
    assert counts.active == {
        (None, None): 2,
        ("store", s0): 2,
        ("store", s1): 1,
        ("register", r0): 1,
        ("register", r1): 1,
        ("register", shop.registers[2].pk): 1,
        ("day", day[2]): 1,
        ("day", day[3]): 2,
    }
    # new at brand A in days 2-3: Bob only (Ann's first was day 0); the previous period (days 0-1): Ann
    assert counts.new == {(None, None): 1, ("store", s0): 1, ("register", r1): 1, ("day", day[3]): 1}
    assert (counts.previous_active, counts.previous_new) == (1, 1)
    every = contact_counts(Scope(brands=None), Period(day[1], day[2]), GROUPS)
    # every brand, days 1-2: Ann (B, s1) and Bob (B); new: Bob on day 2 (his first anywhere, at B)
    assert every.active[(None, None)] == 2
    assert every.active[("day", day[1])] == 1
    assert every.active[("day", day[2])] == 2
    b_store, b_register = shop.stores[2].pk, shop.registers[3].pk
    assert every.new == {(None, None): 1, ("store", b_store): 1, ("register", b_register): 1, ("day", day[2]): 1}
    assert (every.previous_active, every.previous_new) == (1, 1)  # day 0: Ann, new
    assert ContactFirst.objects.get(contact_id=ann, brand=shop.brands[1]).first_overall is False
    assert ContactFirst.objects.get(contact_id=ann, brand=shop.brands[0]).first_overall is True


@pytest.mark.django_db
def test_a_refund_in_full_takes_a_day_out_and_the_later_days_move_back():
    # given: Ann at r0 on days 0, 2 and 4; day 2 refunded in full after the refresh
    shop = make_shop()
    buy(shop, 0, 0, 0)
    middle = buy(shop, 0, 0, 2)
    buy(shop, 0, 0, 4)
    refresh()
    ann = shop.contacts[0].pk
    assert ContactDay.objects.get(contact_id=ann, day=shop.base + timedelta(days=4)).prev_register == (
        shop.base + timedelta(days=2)
    )
    # when
    refund_in_full(middle)
    refresh()
    # then: day 4's previous day is day 0 everywhere; days 1 to 4 count Ann once, and not as new
    last = ContactDay.objects.get(contact_id=ann, day=shop.base + timedelta(days=4))
    assert (last.prev_register, last.prev_store, last.prev_brand, last.prev_any) == (shop.base,) * 4
    assert stored_previous_days() == expected_previous_days()
    later = Period(shop.base + timedelta(days=1), shop.base + timedelta(days=4))
    counts = contact_counts(Scope(brands=None), later)
    assert counts.active[(None, None)] == 1
    assert counts.new == {}


@pytest.mark.django_db
def test_several_brands_of_many_still_count_distinct():
    # given: Ann at brands A and B on day 0, Bob at C; a scope of A and B (not every brand)
    shop = make_shop()
    buy(shop, 0, 0, 0)
    buy(shop, 3, 0, 0)
    buy(shop, 4, 1, 0)
    refresh()
    scope = Scope(brands=[shop.brands[0].pk, shop.brands[1].pk])
    # when
    counts = contact_counts(scope, Period(shop.base, shop.base), GROUPS)
    # then: Ann once
    assert counts.active[(None, None)] == 1
    assert counts.new[(None, None)] == 1


RECEIPT = st.tuples(
    st.integers(0, 4),  # register
    st.one_of(st.none(), st.integers(0, 3)),  # contact
    st.integers(0, DAYS - 1),  # day
    st.integers(0, 23),  # hour (Moscow)
)
STEP = st.tuples(st.lists(RECEIPT, max_size=6), st.lists(st.integers(0, 30), max_size=2))
PERIOD = st.tuples(st.integers(0, DAYS - 1), st.integers(0, DAYS - 1))


def refreshed_steps(shop: Shop, steps: list[tuple[list, list[int]]]) -> Iterator[None]:
    """Given each step's receipts (any day, earlier ones too) and refunds in full of earlier receipts, when the days
    are refreshed: yields after each step's refresh, for its checks."""
    bought: list[Purchase] = []
    for receipts, refunds in steps:
        bought += [buy(shop, *receipt) for receipt in receipts]
        for index in refunds:
            if index < len(bought) and not bought[index].refunds.exists():
                refund_in_full(bought[index])
        refresh()
        yield


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(steps=st.lists(STEP, min_size=1, max_size=4), periods=st.lists(PERIOD, min_size=1, max_size=3))
def test_property_plain_counts_equal_the_distinct_counts(db, steps, periods):
    with transaction.atomic():
        shop = make_shop()
        for _step in refreshed_steps(shop, steps):
            # then: the refresh kept every row's previous days, every first receipt and its mark exact
            assert stored_previous_days() == expected_previous_days()
            assert stored_firsts() == expected_firsts()
            flags = dict(ContactFirst.objects.values_list("pk", "first_overall"))
            assert flags == expected_first_overall()
        for first, length in periods:
            period = Period(shop.base + timedelta(days=first), shop.base + timedelta(days=first + length))
            for scope in scopes(shop):
                for groups in GROUPINGS:
                    assert_same_counts(scope, period, groups)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_tie_of_first_receipts_goes_to_the_lower_brand_as_the_anti_join_has_it():
    # given: Bob's first receipts at brands C and B at the same moment (C's summarised first)
    shop = make_shop()
    buy(shop, 4, 1, 1, hour=10)
    refresh()
    buy(shop, 3, 1, 1, hour=10)
    refresh()
    bob = shop.contacts[1].pk
    # then: B's is the first at any brand, and every brand's new contact of that day is counted at B's store
    flags = dict(ContactFirst.objects.filter(contact_id=bob).values_list("brand_id", "first_overall"))
    assert flags == {shop.brands[1].pk: True, shop.brands[2].pk: False}
    day = Period(shop.base + timedelta(days=1), shop.base + timedelta(days=1))
    counts = contact_counts(Scope(brands=None), day, ("store",))
    assert counts.new == {(None, None): 1, ("store", shop.stores[2].pk): 1}
    assert counts.new == nonzero(counted_per_group(Scope(brands=None), day, ("store",)).new)
