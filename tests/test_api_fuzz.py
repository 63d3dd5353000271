"""Property: no JSON body posted to a collection endpoint makes the server answer 500.

Bodies are random dictionaries, optionally laid over a valid body, of real field names and random keys with
random JSON values: huge and negative numbers, floats, unicode, nulls, nested lists and objects.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.models import Contact
from tests.factories import (
    API_RESOURCES,
    BrandFactory,
    CardTypeFactory,
    CategoryFactory,
    ContactFactory,
    PartnerFactory,
    StoreFactory,
)
from tests.helpers import url

pytestmark = pytest.mark.django_db

FIELDS = {
    "programs": ["name", "point_value", "max_redeem_percent", "activation_days", "expires_in_days"],
    "partners": ["name", "legal_name"],
    "brands": ["name", "program", "currency"],
    "stores": ["brand", "partner", "name", "code", "timezone", "city"],
    "registers": ["store", "code", "model", "serial_number", "software_version", "is_active", "api_key"],
    "categories": ["name", "parent"],
    "products": ["brand", "sku", "name", "category", "price", "accrual_excluded", "redemption_excluded"],
    "tiers": ["program", "name", "min_spend", "accrual_percent", "valid_days", "window_days"],
    "card-types": ["program", "name", "number_prefix", "number_length"],
    "cards": ["number", "card_type", "contact", "status"],
    "contacts": [*Contact.EDITABLE_FIELDS, "issue_card", "program", "cards", "tier", "source"],
    "blacklist": ["phone", "email", "reason"],
    "master-accounts": ["name", "program", "members"],
}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, -1, 1, 2**31, 2**63, -(2**63) - 1, 10**30, 10**400]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "1e400",
            "-0",
            "NaN",
            "Infinity",
            "1.005",
            "99999999999999999999.99",
            "+79161234567",
            "8 (916) 123-45-67",
            "a@example.com",
            "2026-02-30",
            "1990-01-01",
            "Europe/Moscow",
            "active",
            "female",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ Юникод",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def valid_bodies(world: dict[str, int]) -> dict[str, dict[str, object]]:
    return {
        "programs": {"name": "P"},
        "partners": {"name": "P"},
        "brands": {"name": "B", "program": world["program"]},
        "stores": {"brand": world["brand"], "partner": world["partner"], "name": "S"},
        "registers": {"store": world["store"], "code": "K"},
        "categories": {"name": "C", "parent": world["category"]},
        "products": {"brand": world["brand"], "sku": "SKU", "name": "P"},
        "tiers": {"program": world["program"], "name": "T", "min_spend": "0", "accrual_percent": "5"},
        "card-types": {"program": world["program"], "name": "T"},
        "cards": {"number": "2000000000008", "card_type": world["card_type"]},
        "contacts": {"phone": "+79161234567", "issue_card": True},
        "blacklist": {"phone": "+79990000000"},
        "master-accounts": {"name": "F", "program": world["program"], "members": [world["contact"]]},
    }


@pytest.mark.parametrize("resource", list(FIELDS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_bodies_never_cause_a_500(superuser_client, resource, data):
    # given a small organisation to point references at (re-made per example: the database persists across them)
    store = StoreFactory(brand=BrandFactory(), partner=PartnerFactory())
    world = {
        "program": store.brand.program_id,
        "brand": store.brand_id,
        "partner": store.partner_id,
        "store": store.pk,
        "category": CategoryFactory().pk,
        "card_type": CardTypeFactory(program=store.brand.program).pk,
        "contact": ContactFactory().pk,
    }
    keys = st.one_of(st.sampled_from(FIELDS[resource]), st.text(max_size=12))
    overrides = data.draw(st.dictionaries(keys, json_values, max_size=6), label="overrides")
    base = data.draw(st.sampled_from([{}, valid_bodies(world)[resource]]), label="base")
    body = json.dumps({**base, **overrides})

    # when
    response = superuser_client.post(url(resource), data=body, content_type="application/json")

    # then
    assert response.status_code in {201, 400, 409}, (response.status_code, body, response.content)
    if response.status_code != 201:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "fields"}


@pytest.mark.parametrize("resource", list(FIELDS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(overrides=st.dictionaries(st.text(max_size=12), json_values, max_size=6))
def test_random_patches_never_cause_a_500(superuser_client, resource, overrides):
    # given
    obj = API_RESOURCES[resource]()
    keys = dict(zip(FIELDS[resource], overrides.values(), strict=False))
    body = json.dumps({**overrides, **keys})

    # when
    response = superuser_client.patch(url(resource, obj.pk), data=body, content_type="application/json")

    # then
    assert response.status_code in {200, 400, 409}, (response.status_code, body, response.content)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    resource=st.sampled_from(list(FIELDS)),
    params=st.dictionaries(
        st.sampled_from(
            ["brand", "program", "phone", "email", "status", "sku", "card", "page", "page_size", "ordering", "contact"]
        ),
        st.text(max_size=30) | st.integers().map(str),
        max_size=4,
    ),
)
def test_random_query_parameters_never_cause_a_500(superuser_client, resource, params):
    # when
    response = superuser_client.get(url(resource), params)

    # then
    assert response.status_code in {200, 400, 404}, (response.status_code, params, response.content)
