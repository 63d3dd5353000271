"""Segment rules over the contact themself, every operator, on hand-made contacts (PostgreSQL and SQLite)."""

from datetime import date, timedelta

import pytest

from tests.campaigns.segment_support import NOW, ids, in_segment, leaf, make_shop, matching, member, score
from tests.factories import SegmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return make_shop()


def test_gender(shop):
    # given
    woman, man, unknown = member(shop, gender="female"), member(shop, gender="male"), member(shop, gender="")

    # then
    assert matching(shop, leaf("gender", "eq", "female")) == ids(woman)
    assert matching(shop, leaf("gender", "ne", "female")) == ids(man, unknown)
    assert matching(shop, leaf("gender", "in", ["male", ""])) == ids(man, unknown)


def test_city_ignores_case(shop):
    # given
    moscow, shouting, kazan, nowhere = (
        member(shop, city="Moscow"),
        member(shop, city="MOSCOW"),
        member(shop, city="Kazan"),
        member(shop, city=""),
    )

    # then
    assert matching(shop, leaf("city", "eq", "moscow")) == ids(moscow, shouting)
    assert matching(shop, leaf("city", "ne", "Moscow")) == ids(kazan, nowhere)
    assert matching(shop, leaf("city", "in", ["kazan", ""])) == ids(kazan, nowhere)


def test_source(shop):
    # given
    till, site = member(shop, source="pos"), member(shop, source="site")

    # then
    assert matching(shop, leaf("source", "eq", "pos")) == ids(till)
    assert matching(shop, leaf("source", "ne", "pos")) == ids(site)
    assert matching(shop, leaf("source", "in", ["pos", "site"])) == ids(till, site)


def test_has_email(shop):
    # given
    written, missing = member(shop, email="a@example.com"), member(shop, email=None)

    # then
    assert matching(shop, leaf("has_email", "eq", True)) == ids(written)
    assert matching(shop, leaf("has_email", "eq", False)) == ids(missing)
    assert matching(shop, leaf("has_email", "ne", True)) == ids(missing)
    assert matching(shop, leaf("has_email", "ne", False)) == ids(written)


@pytest.mark.parametrize("field", ["subscribed_email", "subscribed_sms"])
def test_subscriptions(shop, field):
    # given
    yes, no = member(shop, **{field: True}), member(shop, **{field: False})

    # then
    assert matching(shop, leaf(field, "eq", True)) == ids(yes)
    assert matching(shop, leaf(field, "eq", False)) == ids(no)
    assert matching(shop, leaf(field, "ne", True)) == ids(no)


@pytest.fixture
def ages(shop):
    """NOW is 15 June 2026: 29 (30 tomorrow), 30 (today), 31, and no birth date."""
    return {
        29: member(shop, birth_date=date(1996, 6, 16)),
        30: member(shop, birth_date=date(1996, 6, 15)),
        31: member(shop, birth_date=date(1995, 1, 1)),
        None: member(shop, birth_date=None),
    }


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", 30, [30]),
        ("ne", 30, [29, 31]),
        ("gt", 30, [31]),
        ("gte", 30, [30, 31]),
        ("lt", 30, [29]),
        ("lte", 30, [29, 30]),
        ("in", [29, 31], [29, 31]),
        ("gt", 29.5, [30, 31]),
        ("eq", 29.5, []),
        ("lt", 200, [29, 30, 31]),
        ("gt", 100000, []),
    ],
)
def test_age_in_whole_years_and_never_without_a_birth_date(shop, ages, op, value, expected):
    assert matching(shop, leaf("age", op, value)) == ids(*(ages[age] for age in expected))


@pytest.fixture
def birthdays(shop):
    """Days to the next birthday from 15 June 2026."""
    return {
        0: member(shop, birth_date=date(1990, 6, 15)),
        6: member(shop, birth_date=date(1980, 6, 21)),
        7: member(shop, birth_date=date(2001, 6, 22)),
        364: member(shop, birth_date=date(1999, 6, 14)),
        None: member(shop, birth_date=None),
    }


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", 0, [0]),
        ("ne", 0, [6, 7, 364]),
        ("lte", 6, [0, 6]),
        ("lt", 7, [0, 6]),
        ("gt", 6, [7, 364]),
        ("gte", 7, [7, 364]),
        ("in", [0, 7], [0, 7]),
    ],
)
def test_birthday_in_days(shop, birthdays, op, value, expected):
    assert matching(shop, leaf("birthday_in_days", op, value)) == ids(*(birthdays[day] for day in expected))


def test_a_29_february_birthday_is_on_the_28th_in_other_years(shop):
    # given: 2027 is not a leap year
    leap = member(shop, birth_date=date(2000, 2, 29))
    now = NOW.replace(year=2027, month=2, day=25)

    # then
    assert matching(shop, leaf("birthday_in_days", "eq", 3), now=now) == ids(leap)
    assert matching(shop, leaf("birthday_in_days", "eq", 4), now=now) == set()


def test_registered_days_ago_in_whole_days(shop):
    # given
    fresh = member(shop, created_at=NOW - timedelta(days=10, hours=12))
    older = member(shop, created_at=NOW - timedelta(days=40))

    # then
    assert matching(shop, leaf("registered_days_ago", "eq", 10)) == ids(fresh)
    assert matching(shop, leaf("registered_days_ago", "ne", 10)) == ids(older)
    assert matching(shop, leaf("registered_days_ago", "lt", 30)) == ids(fresh)
    assert matching(shop, leaf("registered_days_ago", "lte", 10)) == ids(fresh)
    assert matching(shop, leaf("registered_days_ago", "gt", 10)) == ids(older)
    assert matching(shop, leaf("registered_days_ago", "gte", 40)) == ids(older)
    assert matching(shop, leaf("registered_days_ago", "in", [40, 41])) == ids(older)


def test_tier_by_id_or_name(shop):
    # given
    gold, bronze, none = member(shop, tier=shop.gold), member(shop, tier=shop.bronze), member(shop)

    # then
    assert matching(shop, leaf("tier", "eq", shop.gold.pk)) == ids(gold)
    assert matching(shop, leaf("tier", "eq", "gold")) == ids(gold)
    assert matching(shop, leaf("tier", "ne", "Gold")) == ids(bronze, none)
    assert matching(shop, leaf("tier", "in", [shop.bronze.pk, "Gold"])) == ids(gold, bronze)


def test_in_segment_reads_the_stored_members(shop):
    # given
    regulars = SegmentFactory(program=shop.program)
    inside, outside, gone = member(shop), member(shop), member(shop)
    in_segment(regulars, inside, gone)
    regulars.members.filter(contact=gone).update(left_at=NOW)

    # then
    assert matching(shop, leaf("in_segment", "eq", regulars.pk)) == ids(inside)
    assert matching(shop, leaf("in_segment", "ne", regulars.pk)) == ids(outside, gone)
    assert matching(shop, leaf("in_segment", "in", [regulars.pk])) == ids(inside)


def test_rfm_matches_only_scored_contacts(shop):
    # given
    champion, sleeper, unscored = member(shop), member(shop), member(shop)
    score(champion, rfm="champions")
    score(sleeper, rfm="hibernating")
    score(unscored, churn_risk="0.5")

    # then
    assert matching(shop, leaf("rfm", "eq", "champions")) == ids(champion)
    assert matching(shop, leaf("rfm", "ne", "champions")) == ids(sleeper)
    assert matching(shop, leaf("rfm", "in", ["champions", "hibernating"])) == ids(champion, sleeper)


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", 0.2, ["low"]),
        ("ne", 0.2, ["high"]),
        ("gt", 0.5, ["high"]),
        ("gte", "0.9", ["high"]),
        ("lt", 0.9, ["low"]),
        ("lte", 0.9, ["low", "high"]),
        ("in", [0.2, 0.9], ["low", "high"]),
    ],
)
def test_churn_risk_matches_only_scored_contacts(shop, op, value, expected):
    # given
    people = {"low": member(shop), "high": member(shop), "unscored": member(shop)}
    score(people["low"], churn_risk="0.2")
    score(people["high"], churn_risk="0.9")

    # then
    assert matching(shop, leaf("churn_risk", op, value)) == ids(*(people[name] for name in expected))
