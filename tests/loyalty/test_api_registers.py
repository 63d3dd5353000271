"""Cash registers over the management API: the one-time key, key rotation, register-key authentication."""

import pytest
from django.contrib.auth.models import Permission

from loyalty.models import Register, hash_api_key
from tests.conftest import token_client
from tests.factories import RegisterFactory, StoreFactory, UserFactory
from tests.helpers import assert_error, assert_timestamps, db_counts, ids, url

pytestmark = pytest.mark.django_db


def key_client(api_client, key: str):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return api_client


@pytest.mark.parametrize("slash", [False, True], ids=["no-slash", "slash"])
def test_create_returns_the_api_key_once(superuser_client, slash):
    # given
    store = StoreFactory()

    # when
    response = superuser_client.post(
        url("registers", slash=slash),
        {"store": store.pk, "code": "K1", "model": "Atol", "serial_number": "SN1", "software_version": "5.2"},
        format="json",
    )

    # then
    assert response.status_code == 201, response.content
    body = assert_timestamps(response.json())
    register = Register.objects.get()
    key = body.pop("api_key")
    assert body == {
        "id": register.pk,
        "store": store.pk,
        "brand": store.brand_id,
        "code": "K1",
        "model": "Atol",
        "serial_number": "SN1",
        "software_version": "5.2",
        "is_active": True,
        "last_seen_at": None,
    }
    assert key.startswith("rk_")
    assert len(key) > 40
    assert register.api_key_hash == hash_api_key(key)
    assert register.api_key_prefix == key[:8]


def test_create_with_only_the_required_fields(superuser_client):
    # given
    store = StoreFactory()

    # when
    response = superuser_client.post(url("registers"), {"store": store.pk, "code": "K1"}, format="json")

    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["model"], body["serial_number"], body["software_version"]) == ("", "", "")


def test_the_api_key_is_not_shown_again(superuser_client):
    # given
    register = RegisterFactory()

    # when
    detail = superuser_client.get(url("registers", register.pk))
    listing = superuser_client.get(url("registers"))
    changed = superuser_client.patch(url("registers", register.pk), {"model": "Evotor"}, format="json")

    # then
    assert "api_key" not in detail.json()
    assert "api_key" not in listing.json()["results"][0]
    assert "api_key" not in changed.json()
    assert register.api_key not in detail.content.decode()


def test_api_key_and_last_seen_at_cannot_be_written(superuser_client):
    # given
    store = StoreFactory()

    # when
    response = superuser_client.post(
        url("registers"),
        {"store": store.pk, "code": "K1", "api_key": "rk_mine", "last_seen_at": "2026-01-01T00:00:00+03:00"},
        format="json",
    )

    # then
    assert response.status_code == 201
    assert response.json()["api_key"] != "rk_mine"
    assert response.json()["last_seen_at"] is None


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"store": ["This field is required."], "code": ["This field is required."]}),
        ({"code": "K1"}, {"store": ["This field is required."]}),
        ({"store": 999999, "code": "K1"}, {"store": ['Invalid pk "999999" - object does not exist.']}),
        ({"code": ""}, {"store": ["This field is required."], "code": ["This field may not be blank."]}),
    ],
    ids=["empty", "no-store", "unknown-store", "blank-code"],
)
def test_invalid_register_is_400(superuser_client, body, fields):
    # given
    before = db_counts()

    # when
    response = superuser_client.post(url("registers"), body, format="json")

    # then
    assert_error(response, 400, "invalid", fields=fields)
    assert db_counts() == before


def test_a_duplicate_code_in_the_store_is_400(superuser_client):
    # given
    register = RegisterFactory(code="K1")
    before = db_counts()

    # when
    response = superuser_client.post(url("registers"), {"store": register.store_id, "code": "K1"}, format="json")

    # then
    assert_error(
        response,
        400,
        "invalid",
        fields={"non_field_errors": ["A register with this code already exists in the store."]},
    )
    assert db_counts() == before


@pytest.mark.parametrize("slash", [False, True], ids=["no-slash", "slash"])
def test_rotate_key_returns_a_new_key_and_the_old_one_stops_working(superuser_client, api_client, slash):
    # given
    register = RegisterFactory()
    old_key = register.api_key

    # when
    response = superuser_client.post(url("registers", register.pk, action="rotate-key", slash=slash))

    # then
    assert response.status_code == 200
    new_key = response.json()["api_key"]
    assert set(response.json()) == {"api_key"}
    assert new_key != old_key
    assert new_key.startswith("rk_")
    register.refresh_from_db()
    assert register.api_key_hash == hash_api_key(new_key)
    assert_error(key_client(api_client, old_key).get(url("programs")), 401, "authentication_failed")
    assert_error(key_client(api_client, new_key).get(url("programs")), 403, "permission_denied")


@pytest.mark.parametrize("lookup", ["999999", "abc"])
def test_rotate_key_of_an_unknown_register_is_404(superuser_client, lookup):
    # given
    RegisterFactory()

    # when
    response = superuser_client.post(url("registers", lookup, action="rotate-key"))

    # then
    assert_error(response, 404, "not_found", fields={})


@pytest.mark.parametrize(
    "codenames",
    [[], ["view_register"], ["view_register", "add_register"]],
    ids=["none", "view", "view-add"],
)
def test_rotate_key_needs_the_change_permission(codenames):
    # given
    register = RegisterFactory()
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    old_hash = register.api_key_hash

    # when
    response = token_client(user).post(url("registers", register.pk, action="rotate-key"))

    # then
    assert_error(response, 403, "permission_denied", fields={})
    register.refresh_from_db()
    assert register.api_key_hash == old_hash


def test_rotate_key_with_add_and_change_permissions():
    # given
    register = RegisterFactory()
    user = UserFactory(is_staff=True, all_brands=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_register", "add_register", "change_register"])
    )

    # when
    response = token_client(user).post(url("registers", register.pk, action="rotate-key"))

    # then
    assert response.status_code == 200
    register.refresh_from_db()
    assert register.api_key_hash == hash_api_key(response.json()["api_key"])


@pytest.mark.parametrize("resource", ["programs", "registers", "contacts", "cards", "blacklist"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_register_key_on_a_staff_endpoint_is_403(api_client, resource, method):
    # given
    register = RegisterFactory()
    before = db_counts()

    # when
    response = getattr(key_client(api_client, register.api_key), method)(url(resource), {}, format="json")

    # then
    assert_error(response, 403, "permission_denied", fields={})
    assert db_counts() == before


@pytest.mark.parametrize("header", ["Api-Key rk_unknown", "Api-Key", "Api-Key a b", "api-key rk_unknown"])
def test_an_unknown_or_malformed_register_key_is_401(api_client, header):
    # given
    RegisterFactory()
    api_client.credentials(HTTP_AUTHORIZATION=header)

    # when
    response = api_client.get(url("programs"))

    # then
    assert_error(response, 401, "authentication_failed", fields={})


def test_the_key_of_an_inactive_register_is_401(api_client):
    # given
    register = RegisterFactory(is_active=False)

    # when
    response = key_client(api_client, register.api_key).get(url("programs"))

    # then
    assert_error(response, 401, "authentication_failed", fields={})


def test_a_request_with_the_key_stamps_last_seen_at(api_client, superuser_client):
    # given
    register = RegisterFactory()

    # when
    key_client(api_client, register.api_key).get(url("programs"))

    # then
    register.refresh_from_db()
    assert register.last_seen_at is not None
    assert superuser_client.get(url("registers", register.pk)).json()["last_seen_at"] is not None


def test_registers_list_shows_brand_of_the_store(superuser_client):
    # given
    register = RegisterFactory()

    # when
    response = superuser_client.get(url("registers"))

    # then
    assert ids(response) == [register.pk]
    assert response.json()["results"][0]["brand"] == register.store.brand_id
