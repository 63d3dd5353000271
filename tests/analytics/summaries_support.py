"""A small fixed world for the summaries and the analytics reads, every figure of which is computed by hand.

Brand North (program with a 10 % tier, point value 1.00) has store Moscow (registers M1, M2; Europe/Moscow) and
store Yekaterinburg (register E1; two hours ahead, a 10 % campaign there only); brand Other (its own program) one
store. D is ten days ago. Receipts, all confirmed through the POS API:

| # | where | when (Moscow) | who | lines | then |
|---|---|---|---|---|---|
| 1 | M1 | D 10:00 | Ann | 1000.00 | |
| 2 | M2 | D 15:00 | Ann | 500.00, redeems 100 points | |
| 3 | M1 | D 11:00 | Bob | 300.00 + 200.00 | the 200.00 line refunded |
| 4 | E1 | D 23:30 (D+1 01:30 local) | nobody | 700.00, 10 % off: 630.00 | |
| 5 | M1 | D+1 12:00 | Bob | 100.00 | refunded in full |
| 6 | M1 | D-1 09:00 | Carl | 250.00 | |
| 7 | Other's store | D 12:00 | Dan | 999.00 | |

Ann holds 1,000 points before (an adjustment-free accrual, not a receipt). Points: 10 % of what is paid per line.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from analytics.summaries.days import zone
from loyalty.models import Brand, Register, Store
from tests.campaigns.test_pos_campaigns import save_campaign
from tests.factories import RegisterFactory, StoreFactory, TierFactory
from tests.loyalty.pos_support import Till, confirm, line, make_shopper, make_till, ok, pos_client, refund

MOSCOW = zone("Europe/Moscow")


@dataclass
class World:
    day: Any  # D
    brand: Brand
    other: Brand
    moscow: Store
    yekaterinburg: Store
    m1: Register
    m2: Register
    e1: Register
    till: Till
    ids: dict[str, Any] = field(default_factory=dict)


def moscow_time(day: Any, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=MOSCOW)


def buy(
    register: Register, number: str, at: datetime, lines: list[dict[str, Any]], card: str | None = None, **extra: Any
) -> int:
    body: dict[str, Any] = {"lines": lines, "receipt_number": number, "at": at.isoformat(), **extra}
    if card is not None:
        body["customer"] = {"card": card}
    return ok(confirm(pos_client(register), body, key=f"key-{number}"), 201)["purchase_id"]


def build_world() -> World:
    day = timezone.localdate() - timedelta(days=10)
    till = make_till(name="North program")
    brand = till.brand
    brand.name = "North"
    brand.save(update_fields=["name"])
    TierFactory(program=till.program, name="Base", min_spend=Decimal("0"), accrual_percent=Decimal("10"))
    moscow = till.store
    m1 = till.register
    m2 = RegisterFactory(store=moscow, code="M2")
    yekaterinburg = StoreFactory(brand=brand, partner=till.partner, name="Yekaterinburg", timezone="Asia/Yekaterinburg")
    e1 = RegisterFactory(store=yekaterinburg, code="E1")
    save_campaign(brand, name="Ural ten off", conditions={"stores": [yekaterinburg.pk]})
    other_till = make_till(name="Other program")
    ann = make_shopper(till, points="1000.00", first_name="Ann")
    bob = make_shopper(till, first_name="Bob")
    carl = make_shopper(till, first_name="Carl")
    dan = make_shopper(other_till, first_name="Dan")
    ids = {
        "ann": ann.contact.pk,
        "bob": bob.contact.pk,
        "carl": carl.contact.pk,
        "p1": buy(m1, "1", moscow_time(day, 10), [line("A", 1, "1000.00")], ann.card.number),
        "p2": buy(m2, "2", moscow_time(day, 15), [line("B", 1, "500.00")], ann.card.number, redeem_points="100.00"),
        "p3": buy(m1, "3", moscow_time(day, 11), [line("A", 1, "300.00"), line("C", 1, "200.00")], bob.card.number),
        "p4": buy(e1, "4", moscow_time(day, 23, 30), [line("A", 1, "700.00")]),
        "p5": buy(m1, "5", moscow_time(day + timedelta(days=1), 12), [line("B", 1, "100.00")], bob.card.number),
        "p6": buy(m1, "6", moscow_time(day - timedelta(days=1), 9), [line("B", 1, "250.00")], carl.card.number),
        "p7": buy(other_till.register, "7", moscow_time(day, 12), [line("A", 1, "999.00")], dan.card.number),
    }
    ok(refund(pos_client(m1), ids["p3"], {"lines": [{"index": 1, "quantity": "1"}]}, key="refund-3"))
    ok(refund(pos_client(m1), ids["p5"], {}, key="refund-5"))
    return World(
        day=day,
        brand=brand,
        other=other_till.brand,
        moscow=moscow,
        yekaterinburg=yekaterinburg,
        m1=m1,
        m2=m2,
        e1=e1,
        till=till,
        ids=ids,
    )
