"""Refusals under /api/ found by trying the running product: each one the contract's JSON error, never a 500 or
Django's HTML page; negative zero read as zero; no ambiguous `oneOf` in the schema."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from loyalty.models import Tier
from tests.helpers import assert_error, db_counts
from tests.loyalty.pos_support import POS, calculate, line, make_shopper, make_till, ok

pytestmark = pytest.mark.django_db

DOCS = ["/api/docs/", "/api/docs"]
TOO_BIG = 5 * 1024 * 1024


@pytest.fixture
def client() -> APIClient:
    # Django's handlers, not the test client, answer what a view raises: the way gunicorn serves it.
    return APIClient(raise_request_exception=False)


@pytest.fixture
def till():
    return make_till()


# --- the docs page and the schema ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", DOCS)
def test_docs_answer_options_with_their_methods(client, path):
    # when
    response = client.options(path)

    # then
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.content == b""


@pytest.mark.parametrize("path", DOCS)
def test_docs_answer_head_like_get_without_a_body(client, path):
    # when
    response = client.head(path)

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content == b""


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", [*DOCS, "/api/schema/", "/api/schema"])
def test_docs_and_schema_refuse_other_methods_in_the_error_shape(client, path, method):
    # when
    response = getattr(client, method)(path, {}, format="json")

    # then
    assert response["Content-Type"] == "application/json"
    assert_error(response, 405, "method_not_allowed", fields={})


def test_docs_in_an_unknown_format_is_a_json_404(client):
    # when
    response = client.get("/api/docs/", {"format": "json"})

    # then
    assert_error(response, 404, "not_found", fields={})


# --- Django's refusals: body too large, too many fields, a host not allowed ---------------------------------------


def big_body() -> bytes:
    return b'{"lines": [], "note": "' + b"x" * TOO_BIG + b'"}'


@pytest.mark.parametrize("path", [f"{POS}/calculate", f"{POS}/purchases"])
def test_a_body_past_the_upload_limit_is_a_json_400_at_the_till(till, path):
    # given
    till.client.raise_request_exception = False
    before = db_counts()

    # when
    response = till.client.generic(
        "POST", path, big_body(), content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    # then
    error = assert_error(response, 400, "too_large", fields={})
    assert "2621440 bytes" in error["message"]
    assert db_counts() == before


def test_a_body_past_the_upload_limit_is_a_json_400_for_staff(superuser_client):
    # given
    superuser_client.raise_request_exception = False
    before = db_counts()

    # when
    response = superuser_client.generic("POST", "/api/v1/contacts", big_body(), content_type="application/json")

    # then
    assert_error(response, 400, "too_large", fields={})
    assert db_counts() == before


def test_too_many_query_fields_is_a_json_400(superuser_client):
    # given
    superuser_client.raise_request_exception = False
    query = "&".join(f"f{i}=1" for i in range(1500))

    # when
    response = superuser_client.get(f"/api/v1/contacts?{query}")

    # then
    assert_error(response, 400, "too_large", fields={})


@pytest.mark.parametrize("path", ["/api/v1/contacts", f"{POS}/calculate", "/api/docs/", "/api/nowhere"])
def test_a_host_not_allowed_is_a_json_400_under_api(client, settings, path):
    # given
    settings.ALLOWED_HOSTS = ["testserver"]

    # when
    response = client.get(path, HTTP_HOST="evil.example")

    # then
    assert response["Content-Type"] == "application/json"
    assert_error(response, 400, "bad_request", fields={})


def test_a_host_not_allowed_is_still_an_html_400_outside_api(client, settings):
    # given
    settings.ALLOWED_HOSTS = ["testserver"]

    # when
    response = client.get("/admin/login/", HTTP_HOST="evil.example")

    # then
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize("body", [b'{"lines": "\xff\xfe"}', b"\xef\xbb\xbf\xc3(", b'{"sku": "\xed\xa0\x80"}'])
def test_a_body_of_invalid_utf8_is_a_parse_error(till, body):
    # when
    response = till.client.generic("POST", f"{POS}/calculate", body, content_type="application/json")

    # then
    assert_error(response, 400, "parse_error", fields={})


# --- negative zero ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("price", ["-0.00", "-0", "-0.0", -0.0])
def test_a_price_of_negative_zero_comes_back_as_zero(till, price):
    # given
    shopper = make_shopper(till, points="100")

    # when
    response = calculate(
        till.client,
        {"customer": {"card": shopper.card.number}, "lines": [line("A", "2", price)], "redeem_points": "-0.00"},
    )

    # then
    answer = ok(response)
    (only,) = answer["lines"]
    assert {key: only[key] for key in ("quantity", "price", "base", "total", "paid", "redeemed_points")} == {
        "quantity": "2",
        "price": "0.00",
        "base": "0.00",
        "total": "0.00",
        "paid": "0.00",
        "redeemed_points": "0.00",
    }
    assert answer["totals"]["redeemed_points"] == "0.00"


@pytest.mark.parametrize("quantity", ["-0", "-0.000", -0.0])
def test_a_quantity_of_negative_zero_is_refused_as_zero(till, quantity):
    # when
    response = calculate(till.client, {"lines": [line("A", quantity, "10.00")]})

    # then
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]["lines"]["0"]) == ["quantity"]


def test_a_management_decimal_of_negative_zero_is_stored_and_answered_as_zero(superuser_client, till):
    # when
    response = superuser_client.post(
        "/api/v1/tiers",
        {"program": till.program.pk, "name": "Base", "min_spend": "-0.00", "accrual_percent": "-0"},
        format="json",
    )

    # then
    body = ok(response, 201)
    assert (body["min_spend"], body["accrual_percent"]) == ("0.00", "0.00")
    tier = Tier.objects.get(pk=body["id"])
    assert str(tier.min_spend) == "0.00"
    assert tier.accrual_percent == Decimal("0")


# --- the schema ---------------------------------------------------------------------------------------------------


def one_of_with_a_blank_string(node, path="#"):
    """Every `oneOf`/`anyOf` that offers an empty string beside another string: ambiguous for ""."""
    found = []
    if isinstance(node, dict):
        for key in ("oneOf", "anyOf"):
            branches = node.get(key) or []
            if any(branch == {"type": "string", "maxLength": 0} for branch in branches):
                found.append(f"{path}/{key}")
        for key, value in node.items():
            found += one_of_with_a_blank_string(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += one_of_with_a_blank_string(value, f"{path}/{index}")
    return found


def test_schema_has_no_ambiguous_blank_string_alternatives(client):
    # when
    schema = client.get("/api/schema/", {"format": "json"}).json()

    # then
    assert one_of_with_a_blank_string(schema) == []
    components = schema["components"]["schemas"]
    for name in ("CardType", "CardTypeRequest", "PatchedCardTypeRequest"):
        assert components[name]["properties"]["number_prefix"] == {
            "type": "string",
            "pattern": "^\\d*$",
            "maxLength": 8,
        }
    assert components["SegmentMember"]["properties"]["email"] == {
        "type": "string",
        "maxLength": 254,
        "nullable": True,
        "title": "E-mail",
    }
