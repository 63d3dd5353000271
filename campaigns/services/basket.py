"""A campaign's test basket (the "test this campaign" panel): the brand's products found by name or SKU, and list
prices for the lines given without a price. Reads only."""

from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from common.errors import InvalidInput
from common.money import quantize
from common.textsearch import contains_text
from loyalty.models import Product

# Products the test panel's search answers at once.
PRODUCT_SEARCH_LIMIT = 20
# Characters of a search taken into account (a SKU is at most 64, a name at most 300).
PRODUCT_SEARCH_MAX = 100


def campaign_product_search(
    *, campaign: Campaign, user: Any, query: str, limit: int = PRODUCT_SEARCH_LIMIT
) -> list[dict[str, Any]]:
    """`[{"sku", "name", "price"}]`: the campaign's brand's products that the user may see whose name or SKU holds
    `query` in any case (all of them when it is blank), SKU matches first, at most `limit`; `price` is the list
    price as a two-place string, or None when the product has none."""
    text = query.strip()[:PRODUCT_SEARCH_MAX]
    products = Product.objects.for_user(user).filter(brand_id=campaign.brand_id).order_by("name", "sku", "pk")
    fields = ("pk", "sku", "name", "price")
    if text:
        rows = list(products.filter(sku__istartswith=text).values(*fields)[:limit])
        found = [row["pk"] for row in rows]
        # a name in any case on either database ("шампунь" finds "Шампунь"; SQLite's LIKE folds ASCII only)
        others = products.filter(Q(sku__icontains=text) | contains_text("name", text)).exclude(pk__in=found)
        rows += list(others.values(*fields)[: limit - len(rows)]) if len(rows) < limit else []
    else:
        rows = list(products.values(*fields)[:limit])
    return [
        {"sku": row["sku"], "name": row["name"], "price": None if row["price"] is None else str(quantize(row["price"]))}
        for row in rows
    ]


def lines_with_list_prices(*, brand_id: int, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines, each given without a price (None) priced at its product's list price. A line whose product is
    unknown to the brand or has no list price is refused, naming the line: a blank price never counts as 0.00."""
    missing = {line["sku"] for line in lines if line.get("price") is None}
    if not missing:
        return lines
    prices: dict[str, Decimal | None] = dict(
        Product.objects.filter(brand_id=brand_id, sku__in=missing).values_list("sku", "price")
    )
    priced = []
    errors: dict[str, dict[str, list[str]]] = {}
    for index, line in enumerate(lines):
        if line.get("price") is not None:
            priced.append(line)
            continue
        price = prices.get(line["sku"])
        if price is None:
            message = (
                _("%(sku)s has no list price: enter the price.")
                if line["sku"] in prices
                else _("%(sku)s is not a product of the brand: enter the price.")
            ) % {"sku": line["sku"]}
            errors[str(index)] = {"price": [message]}
            continue
        priced.append({**line, "price": quantize(price)})
    if errors:
        first = next(iter(errors.values()))["price"][0]
        raise InvalidInput(first, fields={"lines": errors})
    return priced
