"""The campaign index's own figure (an info row of `inprocess`): the engine alone on many narrow campaigns, as a
chain with a campaign per few products has them, evaluated through the index (as the till does) and all of them.

The bench brand's 50 campaigns are half on every product and half on segments of 50 to 200 of its 2,000 SKUs, so
most can touch a 20-line basket and the index changes little there; here 500 campaigns of 3 SKUs each meet a
20-line basket of the same 2,000 SKUs. Pure data, no database.
"""

import random
import time
from datetime import time as clock
from decimal import Decimal
from typing import Any

CAMPAIGNS = 500
SKUS_EACH = 3


def narrow_campaigns(seconds: float = 1.0) -> dict[str, Any]:
    from campaigns.engine import CampaignRule, Customer, ProductFilter, run_discounts
    from campaigns.engine.index import CampaignIndex
    from campaigns.engine.mechanics import parse_mechanic
    from loyalty.pos.receipt import ReceiptLine, price_lines

    rng = random.Random(5)
    skus = [f"SKU-{n}" for n in range(2000)]
    mechanic = parse_mechanic({"type": "percent_discount", "percent": "5"})
    rules = [
        CampaignRule(
            id=n + 1,
            name=f"Campaign {n + 1}",
            priority=0,
            order=n + 1,
            combine="sum",
            mechanic=mechanic,
            products=ProductFilter(skus=frozenset(rng.sample(skus, SKUS_EACH))),
        )
        for n in range(CAMPAIGNS)
    ]
    index = CampaignIndex.of(rules)
    baskets = [rng.sample(skus, 20) for _ in range(64)]
    customer = Customer(identified=True, tier_id=1, contact_id=1)

    def rate(indexed: bool) -> int:
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            for basket in baskets:
                lines = [
                    ReceiptLine(index=i, sku=sku, quantity=Decimal(1), price=Decimal("100.00"))
                    for i, sku in enumerate(basket)
                ]
                price_lines(lines)
                chosen = index.narrowed(rules, lines) if indexed else rules
                run_discounts(lines=lines, rules=chosen, customer=customer, store_id=1, weekday=1, local_time=clock(12))
            done += len(baskets)
        return round(done / (time.perf_counter() - started))

    return {"campaigns": CAMPAIGNS, "indexed_per_s": rate(True), "all_per_s": rate(False)}
