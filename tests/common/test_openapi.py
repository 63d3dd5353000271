"""The schema an integrator reads: every operation under a declared area with a summary, POS first, the error
responses each answers in the contract's shape, and plausible examples for money and the POS calls."""

import pytest
from rest_framework.test import APIClient

from common.api.openapi.errors import SPECIFIC
from common.api.openapi.tags import TAG_NAMES, tag_for

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}
POS_CALLS = [
    ("/api/v1/pos/customer/", "get"),
    ("/api/v1/pos/calculate/", "post"),
    ("/api/v1/pos/purchases/", "post"),
    ("/api/v1/pos/purchases/{purchase_id}/refund/", "post"),
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def error_codes(operation, status):
    return list(operation["responses"][status]["content"]["application/json"]["examples"])


def test_every_operation_has_a_declared_tag_and_a_summary(schema):
    # given
    declared = [tag["name"] for tag in schema["tags"]]

    # then
    assert declared == list(TAG_NAMES)
    assert declared[0] == "POS"
    unsorted = [
        f"{method.upper()} {path}: {operation.get('tags')!r} {operation.get('summary')!r}"
        for path, method, operation in operations(schema)
        if len(operation.get("tags", [])) != 1
        or operation["tags"][0] not in declared
        or not operation.get("summary", "").strip()
    ]
    assert unsorted == []


def test_every_declared_tag_has_operations_and_pos_comes_first(schema):
    # when
    used = [operation["tags"][0] for _path, _method, operation in operations(schema)]

    # then
    assert set(used) == set(TAG_NAMES)
    assert used[: len(POS_CALLS)] == ["POS"] * len(POS_CALLS)
    assert [(path, method) for path, method, _operation in operations(schema)][: len(POS_CALLS)] == POS_CALLS


def test_summaries_name_the_operation(schema):
    # when
    summaries = {operation["operationId"]: operation["summary"] for _path, _method, operation in operations(schema)}

    # then
    assert summaries["v1_pos_purchases_create"] == "Confirm a purchase (idempotent)"
    assert summaries["v1_brands_list"] == "List brands"
    assert summaries["v1_stores_partial_update"] == "Update a store"
    assert summaries["v1_staff_users_create"] == "Create a staff user"
    assert summaries["v1_blacklist_destroy"] == "Delete a blacklist entry"


def test_every_specific_error_names_a_real_operation(schema):
    # when
    ids = {operation["operationId"] for _path, _method, operation in operations(schema)}

    # then
    assert sorted(set(SPECIFIC) - ids) == []


@pytest.mark.parametrize(
    ("path", "method", "expected"),
    [
        (
            "/api/v1/pos/customer/",
            "get",
            {"400": ["invalid"], "404": ["customer_not_found"], "409": ["card_blocked"]},
        ),
        (
            "/api/v1/pos/calculate/",
            "post",
            {"404": ["customer_not_found"], "409": ["card_blocked"], "429": ["too_many_attempts"]},
        ),
        (
            "/api/v1/pos/purchases/",
            "post",
            {
                "400": ["invalid", "idempotency_key_required"],
                "409": [
                    "idempotency_key_reused",
                    "duplicate_receipt",
                    "insufficient_points",
                    "redeem_limit_exceeded",
                    "code_used",
                    "card_blocked",
                ],
                "429": ["too_many_attempts"],
            },
        ),
        (
            "/api/v1/pos/purchases/{purchase_id}/refund/",
            "post",
            {
                "400": ["invalid", "idempotency_key_required", "refund_exceeds_purchase"],
                "404": ["not_found"],
                "409": ["idempotency_key_reused"],
            },
        ),
        ("/api/v1/auth/token/", "post", {"401": ["authentication_failed"], "429": ["too_many_attempts"]}),
        ("/api/v1/leads/", "post", {"403": ["permission_denied", "stand_closed"], "429": ["too_many_requests"]}),
        ("/api/v1/account/otp/", "post", {"400": ["invalid"], "429": ["too_many_attempts"]}),
        ("/api/v1/account/login/", "post", {"400": ["invalid", "invalid_code"]}),
        (
            "/api/v1/events/",
            "post",
            {"400": ["invalid", "too_large"], "401": ["not_authenticated", "authentication_failed"]},
        ),
        ("/api/v1/brands/{id}/", "delete", {"404": ["not_found"], "409": ["protected"]}),
    ],
)
def test_operations_document_the_errors_they_answer(schema, path, method, expected):
    # when
    operation = schema["paths"][path][method]

    # then
    for status, codes in expected.items():
        assert error_codes(operation, status) == codes
        content = operation["responses"][status]["content"]["application/json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Error"}
        for code in codes:
            assert content["examples"][code]["value"]["error"]["code"] == code
            assert set(content["examples"][code]["value"]["error"]) == {"code", "message", "fields"}


def test_pos_calls_answer_401_and_403_and_public_calls_do_not(schema):
    # then
    for path, method in POS_CALLS:
        assert {"400", "401", "403", "404", "409"} <= set(schema["paths"][path][method]["responses"])
    assert "403" not in schema["paths"]["/api/v1/account/otp/"]["post"]["responses"]
    assert "401" not in schema["paths"]["/api/v1/account/otp/"]["post"]["responses"]
    assert "403" not in schema["paths"]["/api/v1/account/me/"]["get"]["responses"]
    assert "401" in schema["paths"]["/api/v1/account/me/"]["get"]["responses"]


def test_the_error_component_is_the_contracts_shape(schema):
    # when
    error = schema["components"]["schemas"]["Error"]

    # then
    assert error["required"] == ["error"]
    assert list(error["properties"]["error"]["properties"]) == ["code", "message", "fields"]


def test_money_reads_as_money_not_as_a_pattern_match(schema):
    # given
    components = schema["components"]["schemas"]

    # then
    assert components["LineRequest"]["properties"]["price"]["example"] == "1250.00"
    assert components["LineRequest"]["properties"]["price"]["pattern"] == r"^\d{0,10}(?:\.\d{0,2})?$"
    assert components["LineRequest"]["properties"]["quantity"]["example"] == "1.500"
    assert components["Totals"]["properties"]["payable"]["example"] == "1250.00"
    assert components["CalculateRequest"]["properties"]["redeem_points"]["example"] == "1250.00"


def test_pos_answers_spell_out_their_objects(schema):
    # given
    components = schema["components"]["schemas"]

    # then
    assert components["LineAnswer"]["properties"]["applied"]["items"] == {
        "$ref": "#/components/schemas/AppliedCampaign"
    }
    assert list(components["AppliedCampaign"]["properties"]) == ["campaign_id", "name", "discount", "points"]
    assert components["CalculationAnswer"]["properties"]["promo_codes"]["items"] == {
        "$ref": "#/components/schemas/PromoCodeCheck"
    }
    assert "first_name" not in components["ReceiptCustomer"]["properties"]
    assert "expiring" in components["CustomerBalance"]["properties"]


def test_pos_calls_show_the_contracts_worked_examples(schema):
    # when
    calculate = schema["paths"]["/api/v1/pos/calculate/"]["post"]
    confirm = schema["paths"]["/api/v1/pos/purchases/"]["post"]

    # then
    [by_card, by_phone, anonymous] = calculate["requestBody"]["content"]["application/json"]["examples"].values()
    assert by_card["value"]["customer"] == {"card": "7000000000017"}
    assert by_card["value"]["lines"] == [{"sku": "SH-1", "quantity": "2", "price": "300.00"}]
    assert by_phone["value"]["customer"] == {"phone": "+79001234567"}
    assert anonymous["value"]["customer"] is None
    answers = calculate["responses"]["200"]["content"]["application/json"]["examples"]
    capped = answers["ByPhone,MorePointsThanTheReceiptTakes"]["value"]["totals"]
    assert (capped["redeemable_max"], capped["redeemed_points"], capped["payable"]) == ("300.00", "300.00", "300.00")
    [confirm_body] = confirm["requestBody"]["content"]["application/json"]["examples"].values()
    assert confirm_body["value"]["receipt_number"] == "R-000123"
    [confirmed] = confirm["responses"]["201"]["content"]["application/json"]["examples"].values()
    assert confirmed["value"]["purchase_id"] == 1842
    assert confirmed["value"]["totals"]["payable"] == "500.00"


@pytest.mark.parametrize(
    ("path", "tag"),
    [
        ("/api/v1/pos/calculate/", "POS"),
        ("/api/v1/contacts/{id}/ledger/", "Loyalty"),
        ("/api/v1/contacts/{id}/confirm-phone/", "Contacts"),
        ("/api/v1/campaigns/{id}/simulate/", "Campaigns"),
        ("/api/v1/product-segments/", "Catalogue"),
        ("/api/v1/segments/preview/", "Segments"),
        ("/api/v1/auth/token/", "Access"),
        ("/api/v1/nowhere/", None),
        ("/admin/", None),
    ],
)
def test_tag_for_a_path(path, tag):
    assert tag_for(path) == tag
