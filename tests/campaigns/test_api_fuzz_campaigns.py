"""Property: no input to the campaigns, product segments and segments API makes the server answer 500, and no
campaign the API accepts makes the next POS calculate fail.

In the style of tests/test_api_fuzz.py: random JSON over valid bodies, with the campaign's parts (mechanic,
audience, conditions, limits, rules) drawn from their real keys so that most examples get deep into validation.
"""

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.engine.mechanics import MECHANICS
from campaigns.segments.fields import FIELDS as FIELDS_OF_RULES
from tests.factories import (
    CampaignFactory,
    CategoryFactory,
    ContactFactory,
    ProductFactory,
    ProductSegmentFactory,
    SegmentFactory,
    TierFactory,
)
from tests.helpers import url
from tests.loyalty.pos_support import calculate, line, make_shopper, make_till
from tests.test_api_fuzz import json_values, scalars

pytestmark = pytest.mark.django_db

FIELDS = {
    "campaigns": [
        "name",
        "brand",
        "status",
        "starts_at",
        "ends_at",
        "priority",
        "combine",
        "audience",
        "product_segment",
        "conditions",
        "requires_code",
        "mechanic",
        "hint",
        "limits",
        "owner",
        "stats",
    ],
    "product-segments": ["brand", "name", "skus", "categories", "exclude_skus"],
    "segments": ["name", "program", "rules", "recompute_minutes", "size", "recomputed_at"],
}
MECHANIC_KEYS = ["percent", "amount", "buy", "get", "n", "by", "steps", "points", "per", "factor"]
MECHANIC_KEYS += ["expires_in_days", "activation_days", "from"]
RULE_FIELDS = [*sorted(FIELDS_OF_RULES), "nope"]

small_numbers = st.one_of(
    st.integers(min_value=-3, max_value=12),
    st.sampled_from(["0", "0.5", "2", "10", "50", "99.99", "100", "100.01", "1e3", "-1", "abc"]),
    st.floats(min_value=-5, max_value=200, allow_nan=False),
)
values = st.one_of(small_numbers, small_numbers, json_values)
steps = st.lists(st.fixed_dictionaries({"from": small_numbers, "percent": small_numbers}), max_size=4)
mechanics = st.builds(
    lambda kind, params: {"type": kind, **params},
    st.sampled_from([*sorted(MECHANICS), "nothing"]),
    st.dictionaries(st.sampled_from(MECHANIC_KEYS), st.one_of(values, steps, st.sampled_from(["quantity", "total"]))),
)
hours = st.one_of(
    st.none(),
    st.lists(st.sampled_from(["09:00", "21:00", "00:00", "23:59", "24:00", "9:00", "", "x"]), max_size=3),
    json_values,
)
conditions = st.dictionaries(
    st.sampled_from(["min_total", "min_quantity", "stores", "weekdays", "hours", "extra"]),
    st.one_of(small_numbers, st.lists(st.integers(min_value=-1, max_value=9), max_size=4), hours, json_values),
    max_size=5,
)
limits = st.dictionaries(
    st.sampled_from(["per_customer", "per_customer_days", "total_uses", "budget", "daily_budget", "extra"]),
    values,
    max_size=4,
)
hints = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["{missing_amount}", "{missing_quantity} more", "{", "}", "{}", "{0}", "{missing_amount!r}", "%s"]),
)


leaves = st.fixed_dictionaries(
    {
        "field": st.sampled_from(RULE_FIELDS),
        "op": st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte", "in", "like"]),
        "value": values,
    },
    optional={"window_days": values, "days": values, "sku": values},
)
rules = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.dictionaries(st.sampled_from(["all", "any"]), st.lists(children, max_size=3), min_size=1),
        st.builds(lambda child: {"not": child}, children),
    ),
    max_leaves=8,
)


def world() -> dict[str, Any]:
    """A till of a brand with products in a category, a tier, a product segment, a segment and a contact."""
    till = make_till()
    category = CategoryFactory()
    for sku in ("A", "B"):
        ProductFactory(brand=till.brand, sku=sku, category=category)
    shopper = make_shopper(till, points="500")
    return {
        "till": till,
        "shopper": shopper,
        "brand": till.brand.pk,
        "program": till.program.pk,
        "store": till.store.pk,
        "category": category.pk,
        "tier": TierFactory(program=till.program).pk,
        "product_segment": ProductSegmentFactory(brand=till.brand, skus=["A"]).pk,
        "segment": SegmentFactory(program=till.program, members=[shopper.contact]).pk,
        "contact": shopper.contact.pk,
    }


def part_strategies(w: dict[str, Any]) -> dict[str, st.SearchStrategy[Any]]:
    ids = st.sampled_from([w["brand"], w["program"], w["store"], w["tier"], w["segment"], 0, -1, 10**12])
    audience = st.one_of(
        st.fixed_dictionaries(
            {"type": st.sampled_from(["all", "identified", "tiers", "segment", "vip"])},
            optional={"tiers": st.lists(ids, max_size=3), "segment": ids},
        ),
        json_values,
    )
    return {
        "mechanic": mechanics,
        "audience": audience,
        "conditions": conditions,
        "limits": limits,
        "hint": hints,
        "status": st.sampled_from(["draft", "active", "paused", "finished", "other"]),
        "combine": st.sampled_from(["sum", "sequential", "exclusive", "other"]),
        "starts_at": st.sampled_from(
            ["2020-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]
        ),
        "ends_at": st.sampled_from([None, "2020-01-02T00:00:00Z", "9999-12-31T23:59:59-12:00", "2019-01-01"]),
        "product_segment": st.sampled_from([None, w["product_segment"], 0, 10**30]),
        "rules": st.one_of(rules, json_values),
        "skus": st.lists(st.one_of(st.text(max_size=70), scalars), max_size=4),
        "exclude_skus": st.lists(st.one_of(st.text(max_size=70), scalars), max_size=4),
        "categories": st.lists(st.sampled_from([w["category"], 0, -1, 2**63, "x"]), max_size=3),
    }


def valid_body(resource: str, w: dict[str, Any]) -> dict[str, Any]:
    return {
        "campaigns": {
            "name": "C",
            "brand": w["brand"],
            "status": "active",
            "starts_at": "2020-01-01T00:00:00Z",
            "mechanic": {"type": "percent_discount", "percent": 10},
        },
        "product-segments": {"brand": w["brand"], "name": "P", "skus": ["A"], "categories": [w["category"]]},
        "segments": {"name": "S", "program": w["program"], "rules": {"all": []}},
    }[resource]


def draw_body(data: st.DataObject, resource: str, w: dict[str, Any]) -> dict[str, Any]:
    parts = part_strategies(w)
    keys = st.one_of(st.sampled_from(FIELDS[resource]), st.text(max_size=12))
    chosen = data.draw(st.lists(keys, max_size=5, unique=True), label="keys")
    overrides = {key: data.draw(parts.get(key, json_values), label=key) for key in chosen}
    base = data.draw(st.sampled_from([{}, valid_body(resource, w)]), label="base")
    return {**base, **overrides}


def assert_the_till_still_calculates(w: dict[str, Any]) -> None:
    till, shopper = w["till"], w["shopper"]
    body = {
        "customer": {"card": shopper.card.number},
        "lines": [line("A", 3, "199.90"), line("B", "1.5", "80.00"), line("UNKNOWN", 1, "10")],
        "redeem_points": "50",
    }
    response = calculate(till.client, body)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("resource", list(FIELDS))
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_bodies_never_cause_a_500(superuser_client, resource, data):
    # given
    w = world()
    body = json.dumps(draw_body(data, resource, w))

    # when
    response = superuser_client.post(url(resource), data=body, content_type="application/json")

    # then
    assert response.status_code in {201, 400, 409}, (response.status_code, body, response.content)
    if response.status_code != 201:
        assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert_the_till_still_calculates(w)


@pytest.mark.parametrize("resource", list(FIELDS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_patches_never_cause_a_500(superuser_client, resource, data):
    # given
    w = world()
    obj = {
        "campaigns": lambda: CampaignFactory(brand=w["till"].brand, status="active"),
        "product-segments": lambda: ProductSegmentFactory(brand=w["till"].brand),
        "segments": lambda: SegmentFactory(program=w["till"].program),
    }[resource]()
    body = json.dumps(draw_body(data, resource, w))

    # when
    response = superuser_client.patch(url(resource, obj.pk), data=body, content_type="application/json")

    # then
    assert response.status_code in {200, 400, 409}, (response.status_code, body, response.content)
    assert_the_till_still_calculates(w)


MEMBER_BODIES = st.one_of(
    st.fixed_dictionaries({"contacts": st.lists(st.one_of(st.integers(), scalars), max_size=4)}),
    st.dictionaries(st.sampled_from(["contacts", "x"]), json_values, max_size=2),
    json_values,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(action=st.sampled_from(["members", "members/remove"]), body=MEMBER_BODIES)
def test_random_member_lists_never_cause_a_500(superuser_client, action, body):
    # given
    segment = SegmentFactory(members=[ContactFactory()])
    raw = json.dumps(body)

    # when
    response = superuser_client.post(
        url("segments", segment.pk, action=action), data=raw, content_type="application/json"
    )

    # then
    assert response.status_code in {200, 400}, (response.status_code, raw, response.content)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    action=st.sampled_from(["duplicate", "pause", "resume", "simulate"]),
    status=st.sampled_from(["draft", "active", "paused", "finished"]),
    body=json_values,
)
def test_campaign_actions_never_cause_a_500(superuser_client, action, status, body):
    # given
    campaign = CampaignFactory(status=status)
    raw = json.dumps(body)

    # when
    response = superuser_client.post(
        url("campaigns", campaign.pk, action=action), data=raw, content_type="application/json"
    )

    # then
    assert response.status_code in {200, 201, 400, 409}, (response.status_code, raw, response.content)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    resource=st.sampled_from([*FIELDS, "segments/1/members", "product-segments/1/preview"]),
    params=st.dictionaries(
        st.sampled_from(
            [
                "brand",
                "program",
                "status",
                "combine",
                "requires_code",
                "name",
                "active_at",
                "product_segment",
                "category",
                "member",
                "page",
                "page_size",
                "ordering",
            ]
        ),
        st.text(max_size=30) | st.integers().map(str) | st.sampled_from(["2026-11-01T00:00:00+03:00", "9999-12-31"]),
        max_size=4,
    ),
)
def test_random_query_parameters_never_cause_a_500(superuser_client, resource, params):
    # given
    segment = SegmentFactory(members=[ContactFactory()])
    product_segment = ProductSegmentFactory()
    path = {
        "segments/1/members": f"segments/{segment.pk}/members",
        "product-segments/1/preview": f"product-segments/{product_segment.pk}/preview",
    }.get(resource, resource)

    # when
    response = superuser_client.get(url(path), params)

    # then
    assert response.status_code in {200, 400, 404}, (response.status_code, params, response.content)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_previews_never_cause_a_500(superuser_client, data):
    # given
    w = world()
    body = data.draw(
        st.one_of(
            st.fixed_dictionaries({"program": st.sampled_from([w["program"], 0, "x"]), "rules": rules}),
            st.dictionaries(st.sampled_from(["program", "rules", "x"]), json_values, max_size=3),
            json_values,
        ),
        label="body",
    )
    raw = json.dumps(body)

    # when
    response = superuser_client.post(url("segments") + "/preview", data=raw, content_type="application/json")

    # then
    assert response.status_code in {200, 400}, (response.status_code, raw, response.content)
    if response.status_code == 200:
        assert set(response.json()) == {"count", "sample"}
