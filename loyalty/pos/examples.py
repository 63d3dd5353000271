"""The POS calls' examples in the schema: the contract's worked examples (API.md), so an integrator sees a basket
as a register sends it and the answer it gets. Program: `point_value` 1.00, `max_redeem_percent` 50; the
customer's tier (Silver) accrues 5 %."""

from drf_spectacular.utils import OpenApiExample

CARD = "7000000000017"
AT = "2026-11-22T10:00:00+03:00"

_BY_CARD = {
    "customer": {"card": CARD},
    "lines": [{"sku": "SH-1", "quantity": "2", "price": "300.00"}],
    "promo_codes": ["X7K2QPRM"],
    "redeem_points": "100.00",
    "at": AT,
}
_BY_PHONE = {
    "customer": {"phone": "+79001234567"},
    "lines": [{"sku": "SH-1", "quantity": "1", "price": "400.00"}, {"sku": "SH-2", "quantity": "1", "price": "200.00"}],
    "redeem_points": "500.00",
}
_ANONYMOUS = {"customer": None, "lines": [{"sku": "MILK-1L", "quantity": "1.250", "price": "89.90"}]}

_CARD_ANSWER = {
    "customer": {
        "contact_id": 5,
        "card": CARD,
        "tier": "Silver",
        "balance": {"active": "500.00", "pending": "0.00"},
    },
    "lines": [
        {
            "index": 0,
            "sku": "SH-1",
            "quantity": "2",
            "price": "300.00",
            "base": "600.00",
            "discount": "0.00",
            "total": "600.00",
            "redeemed_points": "100.00",
            "paid": "500.00",
            "points": "25.00",
            "applied": [{"campaign_id": 3, "name": "Autumn points", "discount": "0.00", "points": "25.00"}],
        }
    ],
    "totals": {
        "base": "600.00",
        "discount": "0.00",
        "total": "600.00",
        "redeemable_max": "300.00",
        "redeemed_points": "100.00",
        "payable": "500.00",
        "points": "25.00",
    },
    "promo_codes": [{"code": "X7K2QPRM", "status": "applied"}],
    "messages": [],
}


def _line(index: int, sku: str, price: str, redeemed: str, paid: str, points: str) -> dict[str, object]:
    return {
        "index": index,
        "sku": sku,
        "quantity": "1",
        "price": price,
        "base": price,
        "discount": "0.00",
        "total": price,
        "redeemed_points": redeemed,
        "paid": paid,
        "points": points,
        "applied": [],
    }


# Worked example 4: 500 points asked, 300.00 at most on a 600.00 receipt (50 %), spread over the lines by total.
_PHONE_ANSWER = {
    "customer": {
        "contact_id": 8,
        "card": "7000000000024",
        "tier": "Silver",
        "balance": {"active": "1000.00", "pending": "0.00"},
    },
    "lines": [
        _line(0, "SH-1", "400.00", "200.00", "200.00", "10.00"),
        _line(1, "SH-2", "200.00", "100.00", "100.00", "5.00"),
    ],
    "totals": {
        "base": "600.00",
        "discount": "0.00",
        "total": "600.00",
        "redeemable_max": "300.00",
        "redeemed_points": "300.00",
        "payable": "300.00",
        "points": "15.00",
    },
    "promo_codes": [],
    "messages": [],
}

CUSTOMER = [
    OpenApiExample(
        "A customer found by card",
        value={
            "contact_id": 5,
            "first_name": "Anna",
            "card": CARD,
            "tier": "Silver",
            "balance": {
                "active": "500.00",
                "pending": "0.00",
                "expiring": [{"date": "2026-12-31", "points": "120.00"}],
            },
        },
        response_only=True,
    ),
]

CALCULATE = [
    OpenApiExample(
        "By card, with a promo code and points",
        value=_BY_CARD,
        request_only=True,
        description="The customer's card, a basket of one line, a promo code and 100 points to redeem.",
    ),
    OpenApiExample(
        "By phone, more points than the receipt takes",
        value=_BY_PHONE,
        request_only=True,
        description="500 points asked on a 600.00 receipt: calculate caps them at `redeemable_max` (50 %).",
    ),
    OpenApiExample(
        "Anonymous, weighed goods",
        value=_ANONYMOUS,
        request_only=True,
        description="No customer: discounts for everyone only, no points. A quantity takes up to three decimals.",
    ),
    OpenApiExample("By card, with a promo code and points", value=_CARD_ANSWER, response_only=True),
    OpenApiExample("By phone, more points than the receipt takes", value=_PHONE_ANSWER, response_only=True),
]

CONFIRM = [
    OpenApiExample(
        "By card, with a promo code and points",
        value={**_BY_CARD, "receipt_number": "R-000123"},
        request_only=True,
        description="The calculate body plus the receipt number; the points are redeemed exactly or not at all.",
    ),
    OpenApiExample(
        "By card, with a promo code and points",
        value={**_CARD_ANSWER, "purchase_id": 1842},
        response_only=True,
        status_codes=["201"],
    ),
]

REFUND = [
    OpenApiExample(
        "One unit of line 0",
        value={"lines": [{"index": 0, "quantity": "1"}]},
        request_only=True,
        description="Leave `lines` out to refund everything not yet refunded.",
    ),
    OpenApiExample(
        "One unit of line 0",
        value={
            "refund_amount": "250.00",
            "points_revoked": "12.50",
            "points_returned": "50.00",
            "balance": {"active": "462.50", "pending": "0.00"},
        },
        response_only=True,
    ),
]
