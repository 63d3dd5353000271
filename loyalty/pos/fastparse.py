"""The calculate and confirm bodies read without DRF's per-field machinery, for the bodies a till sends every second.

`receipt_body` answers exactly the `validated_data` that `CalculateSerializer` (or `ConfirmSerializer`) would, or
None when the body is anything but plainly valid: then the view runs the serializer, which answers the same data or
the contract's error. So this path can only be faster, never different (a property test compares the two on random
bodies). Plainly valid: known keys only; the customer by card; SKUs, codes and receipt numbers as trimmed, non-empty
strings of at most 64 characters; quantities and prices as plain decimal strings or integers within their bounds;
no `at` (an offline receipt's time goes through the serializer).
"""

import re
from decimal import Decimal
from typing import Any

from common.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from loyalty.pos.serializers import MAX_CODES, MAX_LINES

QUANTITY = re.compile(r"[0-9]{1,9}(\.[0-9]{1,3})?")
PRICE = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?")
MONEY = re.compile(rf"[0-9]{{1,{MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES}}}(\.[0-9]{{1,{MONEY_DECIMAL_PLACES}}})?")
QUANTITY_STEP, PRICE_STEP, MONEY_STEP = Decimal("0.001"), Decimal("0.01"), Decimal(1).scaleb(-MONEY_DECIMAL_PLACES)
MIN_QUANTITY, MAX_QUANTITY = Decimal("0.001"), Decimal("100000")
LINE_KEYS = frozenset({"sku", "quantity", "price"})
CALCULATE_KEYS = frozenset({"customer", "lines", "promo_codes", "redeem_points"})
CONFIRM_KEYS = CALCULATE_KEYS | {"receipt_number"}


def _text(value: Any) -> str | None:
    """A CharField(max_length=64) value that DRF would keep as it is."""
    if type(value) is not str or not 0 < len(value) <= 64 or value != value.strip() or "\x00" in value:
        return None
    try:
        value.encode()
    except UnicodeEncodeError:  # a lone surrogate: DRF refuses it
        return None
    return value


def _decimal(value: Any, pattern: re.Pattern[str], step: Decimal) -> Decimal | None:
    if type(value) is int:
        if value < 0 or len(str(value)) > 9:
            return None
        return Decimal(value).quantize(step)
    if type(value) is str and pattern.fullmatch(value):
        return Decimal(value).quantize(step)
    return None


def _lines(raw: Any) -> list[dict[str, Any]] | None:
    if type(raw) is not list or not 0 < len(raw) <= MAX_LINES:
        return None
    lines = []
    for item in raw:
        if type(item) is not dict or item.keys() != LINE_KEYS:
            return None
        sku = _text(item["sku"])
        quantity = _decimal(item["quantity"], QUANTITY, QUANTITY_STEP)
        price = _decimal(item["price"], PRICE, PRICE_STEP)
        if sku is None or quantity is None or price is None or not MIN_QUANTITY <= quantity <= MAX_QUANTITY:
            return None
        lines.append({"sku": sku, "quantity": quantity, "price": price})
    return lines


def receipt_body(data: Any, *, confirm: bool = False) -> dict[str, Any] | None:
    """The validated body of a plainly valid calculate (or confirm) request; None: let the serializer decide."""
    if type(data) is not dict or not data.keys() <= (CONFIRM_KEYS if confirm else CALCULATE_KEYS):
        return None
    body: dict[str, Any] = {}
    if "customer" in data:
        customer = data["customer"]
        if customer is None:
            body["customer"] = None
        elif type(customer) is dict and customer.keys() == {"card"} and (card := _text(customer["card"])):
            body["customer"] = {"card": card}
        else:
            return None
    lines = _lines(data.get("lines"))
    if lines is None:
        return None
    body["lines"] = lines
    codes = data.get("promo_codes", [])
    if type(codes) is not list or len(codes) > MAX_CODES:
        return None
    body["promo_codes"] = [_text(code) for code in codes]
    if None in body["promo_codes"]:
        return None
    if "redeem_points" in data:
        redeem = _decimal(data["redeem_points"], MONEY, MONEY_STEP)
        if redeem is None:
            return None
        body["redeem_points"] = redeem
    else:
        body["redeem_points"] = Decimal("0")
    if confirm:
        number = _text(data.get("receipt_number"))
        if number is None:
            return None
        body["receipt_number"] = number
    return body
