"""Demo purchases confirmed through the checkout as a till sends them (so the ledger, tiers and settlements are
real), refunds, and receipts that carry the demo promo codes."""

import heapq
import math
import random
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from itertools import accumulate
from typing import Any

from django.utils import timezone

from common.errors import Conflict
from demo.base import (
    Org,
    Progress,
    _rng,
    _weighted,
)
from loyalty.choices import CardStatus
from loyalty.models import (
    Card,
    Product,
    Purchase,
    Register,
    Store,
)
from loyalty.pos import checkout
from loyalty.pos.refunds import refund

# --- purchases ------------------------------------------------------------------------------------------------

PURCHASE_DAYS = 548  # about 18 months of history
ANONYMOUS_SHARE = 0.2  # receipts without a card
REDEEM_SHARE = 0.3  # identified receipts paid partly with points, when the customer has enough
MIN_REDEEM = Decimal("50")  # fewer points than this are not worth asking for
REFUND_SHARE = 0.02
AWAY_SHARE = 0.15  # a customer's receipts at another store of the program than their usual one
RECEIPT_PREFIX = "DEMO-"
LINE_COUNTS = [(1, 25), (2, 22), (3, 17), (4, 12), (5, 9), (6, 6), (7, 4), (8, 3), (10, 2)]
QUANTITIES = [(1, 75), (2, 17), (3, 6), (5, 2)]
# Local opening hours and how busy each is.
HOURS = [(9, 3), (10, 5), (11, 6), (12, 8), (13, 8), (14, 6), (15, 6), (16, 7), (17, 9), (18, 11), (19, 10)]
HOURS += [(20, 8), (21, 5)]


@dataclass
class _Receipt:
    """A planned receipt; `card` and `contact_id` are None for an anonymous one."""

    at: datetime
    register: Register
    card: str | None
    contact_id: int | None
    lines: list[dict[str, Any]]
    number: str


@dataclass
class _Shop:
    """What the purchase generator needs of the organisation: registers per store, goods per brand, customers
    per program (each with a usual store and a weight: a few customers buy far more often than most)."""

    registers: dict[int, list[Register]]
    stores: dict[int, list[Store]]  # per program, the stores that have a register
    goods: dict[int, list[tuple[str, Decimal]]]  # per brand: (sku, price)
    customers: dict[int, list[tuple[str, int, Store]]]  # per program: (card number, contact id, usual store)
    weights: dict[int, list[float]]  # per program, cumulative


def _shop(*, org: Org, rng: random.Random) -> _Shop | None:
    registers: dict[int, list[Register]] = {}
    for register in (
        Register.objects.filter(store__in=org.stores, is_active=True)
        .select_related("store__brand__program", "store__partner")
        .order_by("pk")
    ):
        registers.setdefault(register.store_id, []).append(register)
    stores: dict[int, list[Store]] = {}
    for store_id in sorted(registers):
        store = registers[store_id][0].store
        stores.setdefault(store.brand.program_id, []).append(store)
    goods: dict[int, list[tuple[str, Decimal]]] = {}
    for brand_id, sku, price in (
        Product.objects.filter(brand__in=org.brands.values(), price__gt=0)
        .order_by("pk")
        .values_list("brand_id", "sku", "price")
    ):
        goods.setdefault(brand_id, []).append((sku, price or Decimal(0)))
    stores = {
        program: [store for store in program_stores if goods.get(store.brand_id)]
        for program, program_stores in stores.items()
    }
    stores = {program: program_stores for program, program_stores in stores.items() if program_stores}
    if not stores:
        return None
    customers: dict[int, list[tuple[str, int, Store]]] = {}
    seen: set[tuple[int, int]] = set()
    cards = (
        Card.objects.filter(card_type__program__in=list(stores), status=CardStatus.ACTIVE, contact__isnull=False)
        .order_by("pk")
        .values_list("card_type__program_id", "contact_id", "number")
    )
    for program_id, contact_id, number in cards:
        if (program_id, contact_id) in seen:
            continue
        seen.add((program_id, contact_id))
        customers.setdefault(program_id, []).append((number, contact_id, rng.choice(stores[program_id])))
    weights = {
        program: list(accumulate(min(rng.paretovariate(1.3), 100.0) for _customer in people))
        for program, people in customers.items()
    }
    return _Shop(registers=registers, stores=stores, goods=goods, customers=customers, weights=weights)


def _receipt_time(rng: random.Random, store: Store, start: datetime, days: int) -> datetime:
    """A moment in the store's opening hours; business grows, so recent days are busier."""
    day = start.date() + timedelta(days=int(days * math.sqrt(rng.random())))
    hour = _weighted(rng, HOURS)
    local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), zoneinfo.ZoneInfo(store.timezone))
    return local.astimezone(UTC)


def _plan_receipts(*, shop: _Shop, rng: random.Random, count: int, now: datetime) -> list[_Receipt]:
    start = now - timedelta(days=PURCHASE_DAYS)
    programs = sorted(shop.stores)
    receipts = []
    for index in range(count):
        program = rng.choice(programs)
        card = contact_id = None
        if shop.customers.get(program) and rng.random() >= ANONYMOUS_SHARE:
            card, contact_id, store = rng.choices(shop.customers[program], cum_weights=shop.weights[program])[0]
            if rng.random() < AWAY_SHARE or store not in shop.stores[program]:
                store = rng.choice(shop.stores[program])
        else:
            store = rng.choice(shop.stores[program])
        at = _receipt_time(rng, store, start, PURCHASE_DAYS)
        if at >= now - timedelta(minutes=10):
            at = now - timedelta(minutes=rng.randint(10, 600))
        goods = shop.goods[store.brand_id]
        lines = []
        for _line in range(_weighted(rng, LINE_COUNTS)):
            sku, price = rng.choice(goods)
            lines.append({"sku": sku, "quantity": Decimal(_weighted(rng, QUANTITIES)), "price": price})
        register = rng.choice(shop.registers[store.pk])
        receipts.append(_Receipt(at, register, card, contact_id, lines, f"{RECEIPT_PREFIX}{index + 1:07d}"))
    receipts.sort(key=lambda receipt: (receipt.at, receipt.number))
    return receipts


def _redeem_points(*, rng: random.Random, register: Register, data: dict[str, Any], now: datetime) -> Decimal:
    """What the customer asks to pay with points: most of what the till offers (its calculation), in whole points."""
    offered = checkout.calculate(register=register, data=data, now=now).redeemable_max
    if offered < MIN_REDEEM:
        return Decimal(0)
    return (offered * Decimal(rng.choice([1, 1, 0.5, 0.3]))).to_integral_value(rounding=ROUND_DOWN)


def _confirm(*, register: Register, data: dict[str, Any], now: datetime) -> Purchase:
    try:
        purchase, _answer = checkout.confirm(register=register, data=data, now=now)
    except Conflict as exc:
        if exc.code not in {"insufficient_points", "redeem_limit_exceeded"}:
            raise
        # The till's offer was out of date; the customer pays in money.
        purchase, _answer = checkout.confirm(register=register, data={**data, "redeem_points": Decimal(0)}, now=now)
    return purchase


def seed_purchases(
    *, org: Org, rng: random.Random, count: int, now: datetime | None = None, progress: Progress | None = None
) -> tuple[int, int]:
    """`count` receipts over the last 18 months through the checkout service, as the tills would have sent them
    (so the ledger, tiers and settlements are real), a fifth of them anonymous, some paid partly with points, a
    few refunded days later. Returns (purchases, refunds); (0, 0) when the demo brands already have purchases.

    Receipts are confirmed in time order with the service's clock set to the receipt's time (so a receipt older
    than `MAX_BACKDATE_DAYS` is not refused); the ledger counts expiry from the real now, so points earned more
    than their lifetime ago expire at once.
    """
    if count <= 0 or Purchase.objects.filter(brand__in=org.brands.values()).exists():
        return 0, 0
    now = now or timezone.now()
    progress = progress or Progress()
    shop = _shop(org=org, rng=rng)
    if shop is None:
        return 0, 0
    refunds: list[tuple[datetime, int, Register, dict[str, Any]]] = []  # a heap by time
    made = refunded = 0

    def refund_due(until: datetime) -> int:
        done = 0
        while refunds and refunds[0][0] <= until:
            at, purchase_id, register, data = heapq.heappop(refunds)
            refund(register=register, purchase_id=purchase_id, data=data, now=at)
            done += 1
        return done

    for receipt in _plan_receipts(shop=shop, rng=rng, count=count, now=now):
        refunded += refund_due(receipt.at)
        clock = min(receipt.at + timedelta(seconds=rng.randint(1, 90)), now)
        data: dict[str, Any] = {
            "customer": {"card": receipt.card} if receipt.card else None,
            "lines": receipt.lines,
            "promo_codes": [],
            "redeem_points": Decimal(0),
            "at": receipt.at,
            "receipt_number": receipt.number,
        }
        if receipt.card and rng.random() < REDEEM_SHARE:
            data["redeem_points"] = _redeem_points(rng=rng, register=receipt.register, data=data, now=clock)
        purchase = _confirm(register=receipt.register, data=data, now=clock)
        made += 1
        if rng.random() < REFUND_SHARE:
            at = receipt.at + timedelta(hours=rng.randint(1, 14 * 24), minutes=rng.randrange(60))
            if at < now:
                line = rng.randrange(len(receipt.lines))
                partial = {"lines": [{"index": line, "quantity": Decimal(1)}]}
                heapq.heappush(refunds, (at, purchase.pk, receipt.register, partial if rng.random() < 0.5 else {}))
        progress.count("Purchases", made, count)
    refunded += refund_due(now)
    return made, refunded


CODE_RECEIPT_PREFIX = "DEMO-CODE-"
CODE_RECEIPT_DAYS = 25


def seed_code_receipts(
    *,
    org: Org,
    flyer_codes: dict[int, list[str]],
    welcome_codes: dict[int, str],
    per_brand: int = 30,
    seed: int = 0,
    now: datetime | None = None,
) -> int:
    """Receipts of the last few weeks that carry promo codes, confirmed through the checkout as a till sends them:
    per brand, flyer codes on baskets of 2,000 and more (some customers anonymous) and the welcome code once per
    customer. Returns how many were confirmed; none when code receipts exist already."""
    if per_brand <= 0:
        return 0
    if Purchase.objects.filter(brand__in=org.brands.values(), receipt_number__startswith=CODE_RECEIPT_PREFIX).exists():
        return 0
    rng = _rng(seed, "code receipts")
    shop = _shop(org=org, rng=rng)
    if shop is None:
        return 0
    now = now or timezone.now()
    made = 0
    for brand in org.brands.values():
        stores = [store for stores in shop.stores.values() for store in stores if store.brand_id == brand.pk]
        customers = [item for item in shop.customers.get(brand.program_id, []) if item[2].brand_id == brand.pk]
        flyers = list(flyer_codes.get(brand.pk, []))
        if not stores or not flyers:
            continue
        goods = shop.goods[brand.pk]
        for index in range(per_brand):
            store = rng.choice(stores)
            at = now - timedelta(days=rng.uniform(0.1, CODE_RECEIPT_DAYS))
            lines: list[dict[str, Any]] = []
            while sum((line["price"] * line["quantity"] for line in lines), Decimal(0)) < 2000:
                sku, price = rng.choice(goods)
                lines.append({"sku": sku, "quantity": Decimal(rng.randint(1, 3)), "price": max(price, Decimal(300))})
            card = rng.choice(customers)[0] if customers and rng.random() < 0.7 else None
            codes = [flyers.pop()] if flyers else []
            if card and brand.pk in welcome_codes and rng.random() < 0.4:
                codes.append(welcome_codes[brand.pk])
            data: dict[str, Any] = {
                "customer": {"card": card} if card else None,
                "lines": lines,
                "promo_codes": codes,
                "redeem_points": Decimal(0),
                "at": at,
                "receipt_number": f"{CODE_RECEIPT_PREFIX}{brand.pk}-{index + 1:04d}",
            }
            try:
                checkout.confirm(register=rng.choice(shop.registers[store.pk]), data=data, now=at)
            except Conflict:  # the customer had used a code of the pool already: the till sells without codes
                data["promo_codes"] = []
                checkout.confirm(register=rng.choice(shop.registers[store.pk]), data=data, now=at)
            made += 1
    return made
