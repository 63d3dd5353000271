"""Segment rules over purchases, points and events, every operator, on hand-made data (PostgreSQL and SQLite)."""

import pytest

from tests.campaigns.segment_support import (
    account,
    event,
    ids,
    leaf,
    lot,
    make_shop,
    matching,
    member,
    purchase,
    refund,
)
from tests.factories import MasterAccountFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return make_shop()


# --- purchases -------------------------------------------------------------------------------------------------


@pytest.fixture
def buyers(shop):
    """Last purchase 10 days ago (and one 300 days ago), 200 days ago, never; one who bought only elsewhere."""
    recent, sleeper, never, elsewhere = member(shop), member(shop), member(shop), member(shop)
    purchase(shop, recent, days_ago=300)
    purchase(shop, recent, days_ago=10.5)
    purchase(shop, sleeper, days_ago=200)
    purchase(shop, elsewhere, days_ago=1, program=ProgramFactory())
    purchase(shop, None, days_ago=1)  # an anonymous receipt
    return {"recent": recent, "sleeper": sleeper, "never": never, "elsewhere": elsewhere}


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("gte", 180, ["sleeper"]),
        ("gt", 10, ["sleeper"]),
        ("lt", 180, ["recent"]),
        ("lte", 10, ["recent"]),
        ("eq", 10, ["recent"]),
        ("ne", 10, ["sleeper"]),
        ("in", [10, 200], ["recent", "sleeper"]),
        ("eq", 10.5, []),
    ],
)
def test_days_since_last_purchase_never_matches_who_never_bought(shop, buyers, op, value, expected):
    assert matching(shop, leaf("days_since_last_purchase", op, value)) == ids(*(buyers[n] for n in expected))


def test_not_days_since_last_purchase_is_the_complement(shop, buyers):
    rules = {"not": {"all": [{"field": "days_since_last_purchase", "op": "gte", "value": 180}]}}
    assert matching(shop, rules) == ids(buyers["recent"], buyers["never"], buyers["elsewhere"])


@pytest.fixture
def counted(shop):
    """Purchases in the last 30 days: none, 1, 3; and one with a purchase 40 days ago only."""
    people = {"none": member(shop), "one": member(shop), "three": member(shop), "old": member(shop)}
    purchase(shop, people["one"], days_ago=5)
    for days in (1, 2, 3):
        purchase(shop, people["three"], days_ago=days)
    purchase(shop, people["old"], days_ago=40)
    return people


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", 0, ["none", "old"]),
        ("ne", 0, ["one", "three"]),
        ("gt", 1, ["three"]),
        ("gte", 1, ["one", "three"]),
        ("lt", 3, ["none", "one", "old"]),
        ("lte", 1, ["none", "one", "old"]),
        ("in", [0, 3], ["none", "three", "old"]),
    ],
)
def test_purchases_count_in_the_window(shop, counted, op, value, expected):
    rules = leaf("purchases_count", op, value, window_days=30)
    assert matching(shop, rules) == ids(*(counted[n] for n in expected))


def test_purchases_count_window_defaults_to_365_days(shop):
    # given
    within, before = member(shop), member(shop)
    purchase(shop, within, days_ago=364)
    purchase(shop, before, days_ago=366)

    # then
    assert matching(shop, leaf("purchases_count", "gte", 1)) == ids(within)


@pytest.fixture
def spenders(shop):
    """Spent in the window: 0, 300, 700 (1000 less 300 refunded), 2500 (two receipts)."""
    people = {"none": member(shop), "small": member(shop), "refunded": member(shop), "big": member(shop)}
    purchase(shop, people["small"], days_ago=3, payable="300.00")
    refund(purchase(shop, people["refunded"], days_ago=3, payable="1000.00"), "300.00")
    purchase(shop, people["big"], days_ago=3, payable="2000.00")
    purchase(shop, people["big"], days_ago=20, payable="500.00")
    purchase(shop, people["big"], days_ago=100, payable="9000.00")  # outside the 90 days
    return people


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", "700", ["refunded"]),
        ("ne", 700, ["none", "small", "big"]),
        ("gt", 700, ["big"]),
        ("gte", 700, ["refunded", "big"]),
        ("lt", 700, ["none", "small"]),
        ("lte", "300.00", ["none", "small"]),
        ("in", [0, 2500], ["none", "big"]),
    ],
)
def test_total_spent_less_refunds_in_the_window(shop, spenders, op, value, expected):
    rules = leaf("total_spent", op, value, window_days=90)
    assert matching(shop, rules) == ids(*(spenders[n] for n in expected))


def test_store(shop):
    # given
    main, mall, both, long_ago = member(shop), member(shop), member(shop), member(shop)
    purchase(shop, main, days_ago=1)
    purchase(shop, mall, days_ago=1, store=shop.other_store)
    purchase(shop, both, days_ago=1)
    purchase(shop, both, days_ago=2, store=shop.other_store)
    purchase(shop, long_ago, days_ago=60)

    # then
    assert matching(shop, leaf("store", "eq", shop.store.pk, window_days=30)) == ids(main, both)
    assert matching(shop, leaf("store", "ne", shop.store.pk, window_days=30)) == ids(mall, long_ago)
    assert matching(shop, leaf("store", "in", [shop.other_store.pk], window_days=30)) == ids(mall, both)


def test_bought_sku(shop):
    # given
    shampoo, cream, old = member(shop), member(shop), member(shop)
    purchase(shop, shampoo, days_ago=1, lines=(shop.shampoo_sku, shop.cream_sku))
    purchase(shop, cream, days_ago=1, lines=(shop.cream_sku,))
    purchase(shop, old, days_ago=100, lines=(shop.shampoo_sku,))

    # then
    assert matching(shop, leaf("bought_sku", "eq", "SHAMPOO-1", window_days=30)) == ids(shampoo)
    assert matching(shop, leaf("bought_sku", "ne", "SHAMPOO-1", window_days=30)) == ids(cream, old)
    assert matching(shop, leaf("bought_sku", "in", ["SHAMPOO-1", "CREAM-1"], window_days=30)) == ids(shampoo, cream)
    assert matching(shop, leaf("bought_sku", "eq", "SHAMPOO-1")) == ids(shampoo, old)


def test_bought_category_includes_its_descendants(shop):
    # given
    shampoo, cream = member(shop), member(shop)
    purchase(shop, shampoo, days_ago=1, lines=(shop.shampoo_sku,))
    purchase(shop, cream, days_ago=1, lines=(shop.cream_sku,))

    # then
    assert matching(shop, leaf("bought_category", "eq", shop.hair.pk)) == ids(shampoo)
    assert matching(shop, leaf("bought_category", "eq", shop.shampoo.pk)) == ids(shampoo)
    assert matching(shop, leaf("bought_category", "ne", shop.hair.pk)) == ids(cream)
    assert matching(shop, leaf("bought_category", "in", [shop.skin.pk, shop.hair.pk])) == ids(shampoo, cream)


# --- points ----------------------------------------------------------------------------------------------------


@pytest.fixture
def holders(shop):
    """Active points: no account, 0, 50, 500; and a master account's member, who sees the pool's 800."""
    people = {name: member(shop) for name in ("none", "zero", "few", "many", "pooled")}
    account(shop, people["zero"], "0")
    account(shop, people["few"], "50.00")
    account(shop, people["many"], "500.00")
    family = MasterAccountFactory(program=shop.program, members=[people["pooled"]])
    account(shop, people["pooled"], "5.00")  # their own, from before: the pool's is what they see
    account(shop, None, "800.00", master_account=family)
    return people


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", 0, ["none", "zero"]),
        ("ne", 0, ["few", "many", "pooled"]),
        ("gt", 50, ["many", "pooled"]),
        ("gte", 50, ["few", "many", "pooled"]),
        ("lt", 100, ["none", "zero", "few"]),
        ("lte", 500, ["none", "zero", "few", "many"]),
        ("in", [50, 800], ["few", "pooled"]),
    ],
)
def test_points_balance(shop, holders, op, value, expected):
    assert matching(shop, leaf("points_balance", op, value)) == ids(*(holders[n] for n in expected))


@pytest.fixture
def expiring(shop):
    """Points expiring within 30 days: none; 70 (100 less 30 redeemed; another 500 in 60 days); 200 (two lots)."""
    people = {name: member(shop) for name in ("none", "some", "more")}
    some = account(shop, people["some"], "570.00")
    lot(some, "100.00", expires_in_days=10, taken="30.00")
    lot(some, "500.00", expires_in_days=60)
    lot(some, "40.00", expires_in_days=-1)  # already expired
    more = account(shop, people["more"], "200.00")
    lot(more, "150.00", expires_in_days=3)
    lot(more, "50.00", expires_in_days=29)
    return people


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", 70, ["some"]),
        ("ne", 0, ["some", "more"]),
        ("gt", 70, ["more"]),
        ("gte", 70, ["some", "more"]),
        ("lt", 100, ["none", "some"]),
        ("lte", 0, ["none"]),
        ("in", [0, 200], ["none", "more"]),
    ],
)
def test_points_expiring_within_days(shop, expiring, op, value, expected):
    assert matching(shop, leaf("points_expiring", op, value, days=30)) == ids(*(expiring[n] for n in expected))


def test_points_expiring_days_default_to_30_and_widen(shop, expiring):
    assert matching(shop, leaf("points_expiring", "gte", 500)) == set()
    assert matching(shop, leaf("points_expiring", "gte", 500, days=90)) == ids(expiring["some"])


# --- events ----------------------------------------------------------------------------------------------------


def test_event_of_the_programs_brands_or_of_none_in_the_window(shop):
    # given
    here, there, anywhere, stale, foreign, other_type = (member(shop) for _ in range(6))
    event(here, "product_viewed", days_ago=3, brand=shop.brand)
    event(there, "product_viewed", days_ago=3, brand=shop.other_brand)
    event(anywhere, "product_viewed", days_ago=29)
    event(stale, "product_viewed", days_ago=31)
    event(foreign, "product_viewed", days_ago=1, brand=ProgramFactory().brands.create(name="Foreign"))
    event(other_type, "page_viewed", days_ago=1)
    everyone = {here, there, anywhere, stale, foreign, other_type}

    # then
    viewed = ids(here, there, anywhere)
    assert matching(shop, leaf("event", "eq", "product_viewed", window_days=30)) == viewed
    assert matching(shop, leaf("event", "ne", "product_viewed", window_days=30)) == ids(*everyone) - viewed
    in_rule = leaf("event", "in", ["product_viewed", "page_viewed"], window_days=30)
    assert matching(shop, in_rule) == viewed | ids(other_type)
    assert matching(shop, leaf("event", "eq", "product_viewed")) == viewed | ids(stale)


def test_event_with_a_sku(shop):
    # given
    shampoo, cream = member(shop), member(shop)
    event(shampoo, "product_viewed", days_ago=1, sku="SHAMPOO-1")
    event(cream, "product_viewed", days_ago=1, sku="CREAM-1")

    # then
    assert matching(shop, leaf("event", "eq", "product_viewed", sku="SHAMPOO-1")) == ids(shampoo)


@pytest.mark.parametrize(
    ("field", "event_type"), [("opened_email", "email_opened"), ("clicked_email", "email_clicked")]
)
@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", 0, ["none", "old"]),
        ("ne", 0, ["once", "twice"]),
        ("gt", 1, ["twice"]),
        ("gte", 1, ["once", "twice"]),
        ("lt", 2, ["none", "once", "old"]),
        ("lte", 2, ["none", "once", "twice", "old"]),
        ("in", [2], ["twice"]),
    ],
)
def test_email_opens_and_clicks_counted_in_the_window(shop, field, event_type, op, value, expected):
    # given
    people = {name: member(shop) for name in ("none", "once", "twice", "old")}
    event(people["once"], event_type, days_ago=1, brand=shop.brand)
    event(people["twice"], event_type, days_ago=1)
    event(people["twice"], event_type, days_ago=2)
    event(people["old"], event_type, days_ago=45)

    # then
    rules = leaf(field, op, value, window_days=30)
    assert matching(shop, rules) == ids(*(people[n] for n in expected))
