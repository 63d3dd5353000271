"""Bad input to the POS API: each a clear 400/404/409 in the contract's error shape, never a 500, nothing written.

Malformed JSON, wrong types, negative or absurd quantities and prices, baskets over the 1,000-line limit, times in
the future or too far back, a foreign register's purchase.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import TierFactory
from tests.helpers import assert_error
from tests.loyalty.pos_support import POS, calculate, confirm, line, make_shopper, make_till, ok, refund, written

pytestmark = pytest.mark.django_db

DROP = object()


@pytest.fixture
def till():
    till = make_till()
    TierFactory(program=till.program, min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    return till


@pytest.fixture
def shopper(till):
    return make_shopper(till, points="100")


def valid_body(shopper) -> dict:
    return {
        "customer": {"card": shopper.card.number},
        "lines": [line("A", "1", "100.00")],
        "redeem_points": "10",
        "receipt_number": "R-1",
    }


def patched(body: dict, patch) -> dict:
    if callable(patch):
        patch = patch()
    result = dict(body)
    for key, value in patch.items():
        if value is DROP:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def one_line(**fields) -> dict:
    return {"lines": [{**line("A", "1", "100.00"), **fields}]}


def at(delta: timedelta):
    """A patch computed when the test runs (not at import: the suite may run for minutes)."""
    return lambda: {"at": (timezone.now() + delta).isoformat()}


BAD_BODIES = {
    "no-lines": {"lines": DROP},
    "empty-lines": {"lines": []},
    "lines-not-a-list": {"lines": "A x 2"},
    "lines-an-object": {"lines": {"sku": "A", "quantity": "1", "price": "1"}},
    "line-not-an-object": {"lines": ["A"]},
    "line-null": {"lines": [None]},
    "line-without-sku": {"lines": [{"quantity": "1", "price": "1.00"}]},
    "line-without-quantity": {"lines": [{"sku": "A", "price": "1.00"}]},
    "line-without-price": {"lines": [{"sku": "A", "quantity": "1"}]},
    "blank-sku": one_line(sku=""),
    "sku-too-long": one_line(sku="S" * 65),
    "sku-an-object": one_line(sku={"id": 1}),
    "sku-a-list": one_line(sku=["A"]),
    "zero-quantity": one_line(quantity="0"),
    "negative-quantity": one_line(quantity="-1"),
    "quantity-four-places": one_line(quantity="1.0001"),
    "absurd-quantity": one_line(quantity="100001"),
    "quantity-1e9": one_line(quantity="1e9"),
    "quantity-text": one_line(quantity="two"),
    "quantity-nan": one_line(quantity="NaN"),
    "quantity-infinity": one_line(quantity="Infinity"),
    "quantity-bool": one_line(quantity=True),
    "quantity-null": one_line(quantity=None),
    "quantity-list": one_line(quantity=[1]),
    "negative-price": one_line(price="-0.01"),
    "price-three-places": one_line(price="1.001"),
    "absurd-price": one_line(price="1e12"),
    "price-text": one_line(price="cheap"),
    "price-null": one_line(price=None),
    "price-object": one_line(price={"amount": 1}),
    "over-1000-lines": {"lines": [line("A", "1", "1.00")] * 1001},
    "customer-a-string": {"customer": "7000000000017"},
    "customer-a-list": {"customer": ["card"]},
    "customer-empty": {"customer": {}},
    "customer-two-keys": {"customer": {"card": "1", "phone": "+79160000000"}},
    "contact-id-text": {"customer": {"contact_id": "me"}},
    "contact-id-huge": {"customer": {"contact_id": 2**63}},
    "negative-redeem": {"redeem_points": "-1"},
    "redeem-three-places": {"redeem_points": "1.001"},
    "redeem-text": {"redeem_points": "all"},
    "redeem-huge": {"redeem_points": "1e15"},
    "at-garbage": {"at": "yesterday"},
    "at-a-number": {"at": 1700000000},
    "at-2-minutes-ahead": at(timedelta(minutes=2)),
    "at-a-year-ahead": at(timedelta(days=365)),
    "at-91-days-back": at(-timedelta(days=91)),
    "at-10-years-back": at(-timedelta(days=3650)),
    "eleven-promo-codes": {"promo_codes": [f"CODE{i}" for i in range(11)]},
    "promo-codes-a-string": {"promo_codes": "CODE1"},
}

CONFIRM_ONLY = {
    "no-receipt-number": {"receipt_number": DROP},
    "blank-receipt-number": {"receipt_number": ""},
    "receipt-number-too-long": {"receipt_number": "R" * 65},
    "receipt-number-an-object": {"receipt_number": {"n": 1}},
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_bad_calculate_body_is_400_invalid(till, shopper, case):
    # given
    body = patched(valid_body(shopper), BAD_BODIES[case])
    body.pop("receipt_number")
    before = written()

    # when
    response = calculate(till.client, body)

    # then
    error = assert_error(response, 400, "invalid")
    assert error["fields"]
    assert written() == before


@pytest.mark.parametrize("case", [*BAD_BODIES, *CONFIRM_ONLY])
def test_bad_confirm_body_is_400_invalid_and_writes_nothing(till, shopper, case):
    # given
    body = patched(valid_body(shopper), {**BAD_BODIES, **CONFIRM_ONLY}[case])
    before = written()

    # when
    response = confirm(till.client, body)

    # then
    error = assert_error(response, 400, "invalid")
    assert error["fields"]
    assert written() == before
    assert active_points(shopper) == Decimal("100.00")


def active_points(shopper) -> Decimal:
    from loyalty.selectors import balance

    return balance(account=shopper.account)["active"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"lines": [', "parse_error"),
        (b'{"lines": [{"sku": "A", "quantity": 1, "price": 1}],}', "parse_error"),
        (b"\xff\xfe\x00", "parse_error"),
        (b"[" * 100_000 + b"]" * 100_000, "parse_error"),
        (b"null", "invalid"),
        (b"[]", "invalid"),
        (b"42", "invalid"),
        (b'"lines"', "invalid"),
        (b"", "invalid"),
    ],
    ids=["truncated", "trailing-comma", "not-utf8", "nested-too-deep", "null", "array", "number", "string", "empty"],
)
@pytest.mark.parametrize("endpoint", ["calculate", "purchases"])
def test_malformed_json_is_400_and_writes_nothing(till, shopper, raw, code, endpoint):
    # given
    before = written()

    # when
    response = till.client.post(f"{POS}/{endpoint}", raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")

    # then
    assert_error(response, 400, code)
    assert written() == before


@pytest.mark.parametrize(
    ("quantity", "price"),
    [("99999.999", "9999999999.99"), ("100000", "9999999999.99"), ("1000", "9999999999.99")],
)
def test_a_receipt_too_large_to_record_is_400_on_calculate_and_confirm(till, shopper, quantity, price):
    # given: within each field's limits, but the receipt's total is beyond what money fields hold
    body = {**valid_body(shopper), "lines": [line("A", quantity, price)], "redeem_points": "0"}
    before = written()

    # when
    calculated = calculate(till.client, body)
    confirmed = confirm(till.client, body)

    # then
    assert_error(calculated, 400, "invalid")
    assert_error(confirmed, 400, "invalid")
    assert written() == before


def test_a_thousand_lines_are_accepted(till, shopper):
    # given: exactly the limit, 1,000 lines of 1.00
    body = {**valid_body(shopper), "lines": [line("A", "1", "1.00")] * 1000}

    # when
    answer = ok(confirm(till.client, body), 201)

    # then: 10 points over 1,000 lines of 1.00: 0.01 each; 5 % of 0.99 paid = 0.0495 → 0.05 per line
    assert answer["totals"]["total"] == "1000.00"
    assert answer["totals"]["payable"] == "990.00"
    assert answer["totals"]["points"] == "50.00"


def test_foreign_registers_purchase_is_404_even_in_another_program(till, shopper):
    # given: a purchase at a register of another program
    other = make_till()
    stranger = make_shopper(other)
    purchase = ok(confirm(other.client, valid_body(stranger) | {"redeem_points": "0"}), 201)
    before = written()

    # when
    response = refund(till.client, purchase["purchase_id"], {"lines": [{"index": 0, "quantity": "1"}]})

    # then
    assert_error(response, 404, "not_found")
    assert written() == before


@pytest.mark.parametrize("path", ["purchases/abc/refund", "purchases/-1/refund", "purchases/1.5/refund"])
def test_malformed_purchase_id_in_the_path_is_404(till, path):
    # when
    response = till.client.post(f"{POS}/{path}", {}, format="json", HTTP_IDEMPOTENCY_KEY="k")

    # then
    assert_error(response, 404, "not_found")


def test_unknown_sku_is_not_an_error(till, shopper):
    # when
    answer = ok(calculate(till.client, {"customer": {"card": shopper.card.number}, "lines": [line("??", 1, "10")]}))

    # then
    assert answer["lines"][0]["points"] == "0.50"
