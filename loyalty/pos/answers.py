"""The contract's answers of the till: amounts as two-place strings, the customer and the calculation."""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from common.money import ZERO, quantize
from loyalty.pos.identification import Customer

if TYPE_CHECKING:
    from loyalty.pos.checkout import Calculation


def money_text(value: Decimal) -> str:
    """Two places as text. Most values come already at two places (`x.yz`, never in E notation at that exponent):
    their text is the answer as it is, without rounding again (an answer writes ~700 of them)."""
    text = str(value)
    if len(text) > 3 and text[-3] == "." and "E" not in text:
        return text
    return str(quantize(value))


def quantity_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def customer_answer(customer: Customer, *, with_expiring: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contact_id": customer.contact.pk,
        "card": customer.card.number if customer.card else None,
        "tier": customer.tier.name if customer.tier else None,
        "balance": {
            "active": money_text(customer.balance.get("active", ZERO)),
            "pending": money_text(customer.balance.get("pending", ZERO)),
        },
    }
    if with_expiring:
        body["first_name"] = customer.contact.first_name
        body["balance"]["expiring"] = [
            {"date": item["date"].isoformat(), "points": money_text(item["points"])}
            for item in customer.balance.get("expiring", [])
        ]
    return body


def calculation_answer(calc: "Calculation") -> dict[str, Any]:
    """The calculate answer of the contract."""
    lines = []
    totals = {"base": ZERO, "discount": ZERO, "total": ZERO, "redeemed_points": ZERO, "payable": ZERO, "points": ZERO}
    for line in calc.lines:
        lines.append(
            {
                "index": line.index,
                "sku": line.sku,
                "quantity": quantity_text(line.quantity),
                "price": money_text(line.price),
                "base": money_text(line.base),
                "discount": money_text(line.discount),
                "total": money_text(line.total),
                "redeemed_points": money_text(line.redeemed_points),
                "paid": money_text(line.paid),
                "points": money_text(line.points),
                "applied": [
                    {
                        "campaign_id": item["campaign_id"],
                        "name": item["name"],
                        "discount": money_text(item["discount"]),  # type: ignore[arg-type]
                        "points": money_text(item["points"]),  # type: ignore[arg-type]
                    }
                    for item in line.applied
                ],
            }
        )
        totals["base"] += line.base
        totals["discount"] += line.discount
        totals["total"] += line.total
        totals["redeemed_points"] += line.redeemed_points
        totals["payable"] += line.paid
        totals["points"] += line.points
    return {
        "customer": customer_answer(calc.customer) if calc.customer else None,
        "lines": lines,
        "totals": {
            "base": money_text(totals["base"]),
            "discount": money_text(totals["discount"]),
            "total": money_text(totals["total"]),
            "redeemable_max": money_text(calc.redeemable_max),
            "redeemed_points": money_text(totals["redeemed_points"]),
            "payable": money_text(totals["payable"]),
            "points": money_text(totals["points"]),
        },
        "promo_codes": calc.promo_codes,
        "messages": calc.messages,
    }
