"""The contract's conventions across every management resource: paths, pagination, errors, auth, schema."""

import re

import pytest
import yaml
from django.contrib.auth.models import Permission
from rest_framework.authtoken.models import Token

from loyalty.models import Partner
from tests.conftest import token_client
from tests.factories import API_RESOURCES, PASSWORD, PartnerFactory, UserFactory
from tests.helpers import assert_error, db_counts, ids, page, url

pytestmark = pytest.mark.django_db

RESOURCES = list(API_RESOURCES)


# --- paths -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slash", [False, True], ids=["no-slash", "slash"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_list_answers_with_and_without_trailing_slash(superuser_client, resource, slash):
    # given
    obj = API_RESOURCES[resource]()

    # when
    response = superuser_client.get(url(resource, slash=slash))

    # then
    body = page(response)
    assert body["count"] == 1
    assert body["next"] is None
    assert body["previous"] is None
    assert [item["id"] for item in body["results"]] == [obj.pk]


@pytest.mark.parametrize("slash", [False, True], ids=["no-slash", "slash"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_detail_answers_with_and_without_trailing_slash(superuser_client, resource, slash):
    # given
    obj = API_RESOURCES[resource]()

    # when
    response = superuser_client.get(url(resource, obj.pk, slash=slash))

    # then
    assert response.status_code == 200
    assert response.json()["id"] == obj.pk


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_unknown_id_is_404_in_error_shape(superuser_client, resource, method):
    # given
    obj = API_RESOURCES[resource]()
    before = db_counts()

    # when
    response = getattr(superuser_client, method)(url(resource, obj.pk + 1000), {}, format="json")

    # then
    assert_error(response, 404, "not_found", fields={})
    assert db_counts() == before


@pytest.mark.parametrize("lookup", ["abc", "1.5", "-1", "1e3", "0x1", "99999999999999999999999999"])
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_non_numeric_or_out_of_range_id_is_404(superuser_client, resource, method, lookup):
    # given
    API_RESOURCES[resource]()
    before = db_counts()

    # when
    response = getattr(superuser_client, method)(url(resource, lookup), {}, format="json")

    # then
    assert_error(response, 404, "not_found", fields={})
    assert db_counts() == before


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/no-such-thing/", "/api/v1/programs/1/nothing"])
def test_unknown_api_path_is_json_404(superuser_client, path):
    # when
    response = superuser_client.get(path)

    # then
    assert_error(response, 404, "not_found", fields={})


# --- pagination --------------------------------------------------------------------------------------------


def test_page_size_splits_the_list_into_pages(superuser_client):
    # given
    partners = PartnerFactory.create_batch(5)

    # when
    first = superuser_client.get(url("partners"), {"page_size": 2})
    last = superuser_client.get(url("partners"), {"page_size": 2, "page": 3})

    # then
    first_body = page(first)
    assert first_body["count"] == 5
    assert first_body["previous"] is None
    assert first_body["next"] == "http://testserver/api/v1/partners?page=2&page_size=2"
    assert [item["id"] for item in first_body["results"]] == [partners[0].pk, partners[1].pk]
    last_body = page(last)
    assert last_body["count"] == 5
    assert last_body["next"] is None
    assert last_body["previous"] == "http://testserver/api/v1/partners?page=2&page_size=2"
    assert [item["id"] for item in last_body["results"]] == [partners[4].pk]


def test_default_page_size_is_50(superuser_client):
    # given
    Partner.objects.bulk_create(Partner(name=f"P{i}") for i in range(51))

    # when
    response = superuser_client.get(url("partners"))

    # then
    body = page(response)
    assert body["count"] == 51
    assert len(body["results"]) == 50
    assert body["next"] == "http://testserver/api/v1/partners?page=2"


def test_page_size_is_capped_at_500(superuser_client):
    # given
    Partner.objects.bulk_create(Partner(name=f"P{i}") for i in range(501))

    # when
    response = superuser_client.get(url("partners"), {"page_size": 1000})

    # then
    body = page(response)
    assert body["count"] == 501
    assert len(body["results"]) == 500
    assert body["next"] == "http://testserver/api/v1/partners?page=2&page_size=1000"


def test_page_beyond_the_last_is_404(superuser_client):
    # given
    PartnerFactory()

    # when
    response = superuser_client.get(url("partners"), {"page": 2})

    # then
    assert_error(response, 404, "not_found", fields={})


# --- malformed input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        '{"name": "x"',
        "not json",
        '{"name": NaN}',
        '{"name": Infinity}',
        "\xff\xfe",
        '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"name": 1' + "0" * 5000 + "}",
    ],
    ids=["truncated", "text", "nan", "infinity", "bad-bytes", "nested-too-deeply", "integer-too-long"],
)
@pytest.mark.parametrize("resource", RESOURCES)
def test_malformed_json_is_400_parse_error_and_writes_nothing(superuser_client, resource, raw):
    # given
    before = db_counts()

    # when
    response = superuser_client.post(url(resource), data=raw.encode("latin-1"), content_type="application/json")

    # then
    assert_error(response, 400, "parse_error", fields={})
    assert db_counts() == before


@pytest.mark.parametrize(
    "body", ["[]", '"text"', "42", "null", "[{}]"], ids=["list", "string", "number", "null", "list-of-objects"]
)
@pytest.mark.parametrize("resource", RESOURCES)
def test_json_that_is_not_an_object_is_400(superuser_client, resource, body):
    # given
    before = db_counts()

    # when
    response = superuser_client.post(url(resource), data=body, content_type="application/json")

    # then
    assert_error(response, 400, "invalid")
    assert db_counts() == before


@pytest.mark.parametrize("resource", RESOURCES)
def test_form_encoded_body_is_415(superuser_client, resource):
    # given
    before = db_counts()

    # when
    response = superuser_client.post(url(resource), data="name=x", content_type="application/x-www-form-urlencoded")

    # then
    assert_error(response, 415, "unsupported_media_type", fields={})
    assert db_counts() == before


@pytest.mark.parametrize("resource", RESOURCES)
def test_surrogate_characters_are_400(superuser_client, resource):
    # given
    before = db_counts()
    raw = '{"name": "\\ud800", "phone": "\\udfff", "sku": "\\ud800", "code": "\\ud800", "number": "\\ud800"}'

    # when
    response = superuser_client.post(url(resource), data=raw, content_type="application/json")

    # then
    assert_error(response, 400, "invalid")
    assert db_counts() == before


# --- authentication ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_no_credentials_is_401(api_client, resource, method):
    # when
    response = getattr(api_client, method)(url(resource), {}, format="json")

    # then
    assert_error(response, 401, "not_authenticated", fields={})
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("header", ["Token wrong", "Token", "Token a b", "Bearer abc", "Api-Key nope"])
def test_bad_credentials_are_401(api_client, superuser, header):
    # given
    api_client.credentials(HTTP_AUTHORIZATION=header)

    # when
    response = api_client.get(url("programs"))

    # then
    expected = "not_authenticated" if header.startswith("Bearer") else "authentication_failed"
    assert_error(response, 401, expected, fields={})


@pytest.mark.parametrize("slash", [False, True], ids=["no-slash", "slash"])
def test_token_endpoint_returns_a_token_that_authenticates(api_client, slash):
    # given
    user = UserFactory(username="boss", is_staff=True, is_superuser=True)

    # when
    response = api_client.post(
        url("auth/token", slash=slash), {"username": "boss", "password": PASSWORD}, format="json"
    )

    # then
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user).key}
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert page(api_client.get(url("programs")))["count"] == 0


def test_token_endpoint_gives_the_same_token_twice(api_client):
    # given
    UserFactory(username="boss", is_staff=True)
    credentials = {"username": "boss", "password": PASSWORD}

    # when
    first = api_client.post(url("auth/token"), credentials, format="json")
    second = api_client.post(url("auth/token"), credentials, format="json")

    # then
    assert first.json() == second.json()


@pytest.mark.parametrize(
    ("username", "password", "active"),
    [("boss", "wrong", True), ("nobody", PASSWORD, True), ("boss", PASSWORD, False), ("BOSS", PASSWORD, True)],
    ids=["wrong-password", "unknown-user", "inactive-user", "username-case"],
)
def test_token_endpoint_refuses_bad_credentials_with_401(api_client, username, password, active):
    # given
    UserFactory(username="boss", is_staff=True, is_active=active)

    # when
    response = api_client.post(url("auth/token"), {"username": username, "password": password}, format="json")

    # then
    assert_error(response, 401, "authentication_failed", fields={})
    assert Token.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"username": ["This field is required."], "password": ["This field is required."]}),
        ({"username": "boss"}, {"password": ["This field is required."]}),
        ({"password": PASSWORD}, {"username": ["This field is required."]}),
        ({"username": ["boss"], "password": PASSWORD}, {"username": ["Not a valid string."]}),
        ({"username": "boss", "password": ""}, {"password": ["This field may not be blank."]}),
        ({"username": None, "password": PASSWORD}, {"username": ["This field may not be null."]}),
    ],
    ids=["empty", "no-password", "no-username", "username-list", "blank-password", "null-username"],
)
def test_token_endpoint_missing_fields_is_400(api_client, body, fields):
    # given
    UserFactory(username="boss", is_staff=True)

    # when
    response = api_client.post(url("auth/token"), body, format="json")

    # then
    assert_error(response, 400, "invalid", fields=fields)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_non_staff_user_is_403(resource, method):
    # given a non-staff user that even holds every model permission
    user = UserFactory(is_staff=False)
    user.user_permissions.add(*Permission.objects.all())
    client = token_client(user)
    before = db_counts()

    # when
    response = getattr(client, method)(url(resource), {}, format="json")

    # then
    assert_error(response, 403, "permission_denied", fields={})
    assert db_counts() == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_staff_without_model_permission_is_403(resource, method):
    # given
    client = token_client(UserFactory(is_staff=True))
    before = db_counts()

    # when
    response = getattr(client, method)(url(resource), {}, format="json")

    # then
    assert_error(response, 403, "permission_denied", fields={})
    assert db_counts() == before


def test_staff_with_view_permission_reads_but_cannot_change():
    # given
    user = UserFactory(is_staff=True, all_brands=True)
    user.user_permissions.add(Permission.objects.get(codename="view_partner"))
    client = token_client(user)
    partner = PartnerFactory(name="Old")

    # when
    listed = client.get(url("partners"))
    created = client.post(url("partners"), {"name": "New"}, format="json")
    changed = client.patch(url("partners", partner.pk), {"name": "Changed"}, format="json")
    deleted = client.delete(url("partners", partner.pk))

    # then
    assert ids(listed) == [partner.pk]
    assert_error(created, 403, "permission_denied")
    assert_error(changed, 403, "permission_denied")
    assert_error(deleted, 403, "permission_denied")
    partner.refresh_from_db()
    assert partner.name == "Old"
    assert Partner.objects.count() == 1


def test_staff_with_add_permission_creates():
    # given
    user = UserFactory(is_staff=True, all_brands=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_partner", "view_partner"]))
    client = token_client(user)

    # when
    response = client.post(url("partners"), {"name": "New"}, format="json")

    # then
    assert response.status_code == 201
    assert Partner.objects.get().name == "New"


# --- schema and docs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/schema/", "/api/schema"])
def test_openapi_schema_describes_every_resource(api_client, path):
    # when
    response = api_client.get(path)

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi; charset=utf-8"
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Loyalty CRM API"
    for resource in RESOURCES:
        assert f"/api/v1/{resource}/" in schema["paths"]
        assert f"/api/v1/{resource}/{{id}}/" in schema["paths"]
    assert "/api/v1/registers/{id}/rotate-key/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]


def test_openapi_schema_as_json(api_client):
    # when
    response = api_client.get("/api/schema/", {"format": "json"})

    # then
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.parametrize("path", ["/api/docs/", "/api/docs"])
def test_swagger_ui_uses_local_assets_only(api_client, path):
    # when
    response = api_client.get(path)

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert '<link rel="stylesheet" href="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css">' in html
    assert '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"></script>' in html
    assert re.findall(r"https?://", html) == []


@pytest.mark.parametrize(
    ("asset", "content_type"),
    [
        ("swagger-ui.css", 'text/css; charset="utf-8"'),
        ("swagger-ui-bundle.js", 'text/javascript; charset="utf-8"'),
        ("swagger-ui-standalone-preset.js", 'text/javascript; charset="utf-8"'),
        ("favicon-32x32.png", "image/png"),
    ],
)
def test_swagger_ui_assets_are_served(api_client, asset, content_type):
    # when
    response = api_client.get(f"/static/drf_spectacular_sidecar/swagger-ui-dist/{asset}")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert b"".join(response.streaming_content if response.streaming else [response.content])
