"""Segment rules combined: all, any, not, nested; limited to the program's contacts; one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.segments.compiler import segment_contacts
from tests.campaigns.segment_support import NOW, event, ids, make_shop, matching, member, purchase
from tests.factories import ContactFactory, EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return make_shop()


@pytest.fixture
def people(shop):
    """Moscow or Kazan, female or male."""
    return {
        "moscow_f": member(shop, city="Moscow", gender="female"),
        "moscow_m": member(shop, city="Moscow", gender="male"),
        "kazan_f": member(shop, city="Kazan", gender="female"),
        "kazan_m": member(shop, city="Kazan", gender="male"),
    }


MOSCOW = {"field": "city", "op": "eq", "value": "Moscow"}
FEMALE = {"field": "gender", "op": "eq", "value": "female"}


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({"all": [MOSCOW, FEMALE]}, ["moscow_f"]),
        ({"any": [MOSCOW, FEMALE]}, ["moscow_f", "moscow_m", "kazan_f"]),
        ({"not": MOSCOW}, ["kazan_f", "kazan_m"]),
        ({"not": {"all": [MOSCOW, FEMALE]}}, ["moscow_m", "kazan_f", "kazan_m"]),
        ({"all": [MOSCOW, {"not": FEMALE}]}, ["moscow_m"]),
        ({"any": [{"all": [MOSCOW, FEMALE]}, {"not": {"any": [MOSCOW, FEMALE]}}]}, ["moscow_f", "kazan_m"]),
        ({"all": []}, ["moscow_f", "moscow_m", "kazan_f", "kazan_m"]),
        ({"any": []}, []),
        ({"not": {"any": []}}, ["moscow_f", "moscow_m", "kazan_f", "kazan_m"]),
    ],
    ids=["all", "any", "not", "not-all", "all-not", "nested", "empty-all", "empty-any", "not-empty-any"],
)
def test_groups(shop, people, rules, expected):
    assert matching(shop, rules) == ids(*(people[name] for name in expected))


def test_only_the_programs_contacts(shop):
    # given: the same city everywhere
    mine = member(shop, city="Moscow")
    stranger = ContactFactory(city="Moscow")
    EnrollmentFactory(contact=stranger, program=ProgramFactory())

    # then
    assert matching(shop, {"all": [MOSCOW]}) == ids(mine)
    assert matching(shop, {"not": {"any": [MOSCOW]}}) == set()


def test_empty_rules_match_nobody(shop, people):
    assert matching(shop, {}) == set()


def test_three_kinds_of_rule_are_one_query(shop):
    # given: no purchase in 180 days, viewed a product in the last 30, subscribed to e-mail
    wanted = member(shop, subscribed_email=True)
    purchase(shop, wanted, days_ago=200)
    event(wanted, "product_viewed", days_ago=3)
    unsubscribed = member(shop, subscribed_email=False)
    purchase(shop, unsubscribed, days_ago=200)
    event(unsubscribed, "product_viewed", days_ago=3)
    rules = {
        "all": [
            {"field": "days_since_last_purchase", "op": "gte", "value": 180},
            {"field": "event", "op": "eq", "value": "product_viewed", "window_days": 30},
            {"field": "subscribed_email", "op": "eq", "value": True},
        ]
    }
    contacts = segment_contacts(rules, program=shop.program, now=NOW)

    # when
    with CaptureQueriesContext(connection) as queries:
        found = list(contacts.values_list("pk", flat=True))

    # then
    assert found == [wanted.pk]
    assert len(queries.captured_queries) == 1
