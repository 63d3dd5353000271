"""The benchmark database: created afresh from DATABASE_URL, migrated, filled with one program's worth of data.

What it holds: one program (max_redeem_percent 50, point_value 1), brand, partner, store, one register (made
through `register_create`, so its key is a real one), three tiers, one card type, `products` products, `contacts`
contacts each with a bound card, an enrollment and a points account holding `CONTACT_POINTS` points (accrued
through `ledger.accrue`), one "shared" contact with `SHARED_POINTS` points for the one-account scenarios,
50 active campaigns of every mechanic (`seed_campaigns`, through `campaign_save`), and three more active campaigns
that apply only with a promo code of their pool (`seed_code_campaigns`, through `campaign_save` and `pool_save`).
"""

import random
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import psycopg
from psycopg import sql

REGISTER_CODE = "BENCH-1"
PROGRAM_NAME = "Bench program"
CONTACT_POINTS = Decimal("5000.00")
SHARED_POINTS = Decimal("10000000.00")
SHARED_PHONE = "+79990000000"
CARD_PREFIX = "7000"
SHARED_CARD_SERIAL = 999_999


@dataclass
class BenchData:
    """What the scenarios need to know of the seeded data."""

    api_key: str
    register_id: int
    program_id: int
    brand_id: int
    store_id: int
    cards: list[str]
    shared_card: str
    shared_contact_id: int
    skus: list[str]
    seconds: dict[str, float] = field(default_factory=dict)


def database_name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


def maintenance_url(url: str) -> str:
    return urllib.parse.urlsplit(url)._replace(path="/postgres").geturl()


def database_exists(url: str) -> bool:
    with psycopg.connect(maintenance_url(url), autocommit=True, connect_timeout=5) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database_name(url)]).fetchone()
    return row is not None


def recreate_database(url: str) -> None:
    """DROP (forcing other sessions off) and CREATE the database named in the URL."""
    name = database_name(url)
    if not name or name in {"postgres", "template0", "template1"}:
        raise SystemExit(f"refusing to drop the database {name!r}: give the bench its own database")
    with psycopg.connect(maintenance_url(url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def card_number(serial: int) -> str:
    from tests.factories import card_number_for

    return card_number_for(serial, CARD_PREFIX)


def seed(*, contacts: int, products: int, progress: Any = print) -> dict[str, float]:
    """Fill the (migrated, empty) database; returns the seconds each part took."""
    from django.db import transaction
    from django.utils import timezone

    from contacts.models import Contact
    from loyalty.models import Account, Brand, Card, CardType, Enrollment, Partner, Product, Program, Store, Tier
    from loyalty.services import ledger
    from loyalty.services.registers import register_create
    from tests.factories import russian_mobile

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    now = timezone.now()
    rng = random.Random(7)
    with transaction.atomic():
        program = Program.objects.create(
            name=PROGRAM_NAME,
            point_value=Decimal("1.00"),
            max_redeem_percent=Decimal("50.00"),
            activation_days=0,
            expires_in_days=None,
        )
        partner = Partner.objects.create(name="Bench partner", legal_name="LLC Bench partner")
        brand = Brand.objects.create(name="Bench brand", program=program, currency="RUB")
        store = Store.objects.create(
            brand=brand, partner=partner, name="Bench store", code="B001", timezone="Europe/Moscow", city="Moscow"
        )
        register_create(
            data={
                "store": store,
                "code": REGISTER_CODE,
                "model": "Atol 30F",
                "serial_number": "BENCH0001",
                "software_version": "1.0",
            }
        )
        tiers = [
            Tier.objects.create(program=program, name="Base", min_spend=Decimal("0"), accrual_percent=Decimal("3")),
            Tier.objects.create(
                program=program, name="Silver", min_spend=Decimal("30000"), accrual_percent=Decimal("5")
            ),
            Tier.objects.create(
                program=program, name="Gold", min_spend=Decimal("150000"), accrual_percent=Decimal("7")
            ),
        ]
        card_type = CardType.objects.create(
            program=program, name="Standard", number_prefix=CARD_PREFIX, number_length=13, next_serial=1_000_000
        )
        Product.objects.bulk_create(
            [
                Product(
                    brand=brand,
                    sku=f"SKU-{n:05d}",
                    name=f"Product {n}",
                    price=Decimal(rng.randrange(3000, 150000)) / 100,
                    # A few excluded products, as a real catalogue has (tobacco, gift cards).
                    accrual_excluded=n % 40 == 0,
                    redemption_excluded=n % 50 == 0,
                )
                for n in range(1, products + 1)
            ],
            batch_size=1000,
        )
        people = Contact.objects.bulk_create(
            [
                Contact(
                    phone=russian_mobile(n),
                    email=f"bench{n}@example.com",
                    first_name="Ivan",
                    last_name=f"Bench{n}",
                    source="admin",
                )
                for n in range(1, contacts + 1)
            ]
            + [Contact(phone=SHARED_PHONE, email="shared@example.com", first_name="Shared", last_name="Family")],
            batch_size=1000,
        )
        serials = [*range(1, contacts + 1), SHARED_CARD_SERIAL]
        Card.objects.bulk_create(
            [
                Card(number=card_number(serial), card_type=card_type, contact=person, status="active", bound_at=now)
                for serial, person in zip(serials, people, strict=True)
            ],
            batch_size=1000,
        )
        # Tiers spread over the contacts, still valid; the rest at the entry tier (min spend 0) implicitly.
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    contact=person,
                    program=program,
                    tier=tiers[n % 3] if n % 3 else None,
                    tier_valid_until=now + timedelta(days=365) if n % 3 else None,
                )
                for n, person in enumerate(people)
            ],
            batch_size=1000,
        )
        # The accounts `ledger.account_for` would make (one per contact and program).
        accounts = Account.objects.bulk_create(
            [Account(program=program, contact=person, balance_at=now) for person in people], batch_size=1000
        )
    seconds["organisation, catalogue, contacts, cards"] = time.perf_counter() - started
    progress(f"    {products} products, {contacts} contacts with cards: {seconds[next(iter(seconds))]:.1f} s")

    started = time.perf_counter()
    for account in accounts[:-1]:
        ledger.accrue(account=account, points=CONTACT_POINTS, at=now, partner=partner, reason="bench")
    ledger.accrue(account=accounts[-1], points=SHARED_POINTS, at=now, partner=partner, reason="bench")
    seconds["ledger.accrue per account"] = time.perf_counter() - started
    progress(f"    {len(accounts)} accruals through ledger.accrue: {seconds['ledger.accrue per account']:.1f} s")

    started = time.perf_counter()
    count = seed_campaigns(brand=brand, tiers=tiers, skus=[f"SKU-{n:05d}" for n in range(1, products + 1)], now=now)
    seconds["campaigns"] = time.perf_counter() - started
    progress(f"    {count} active campaigns through campaign_save: {seconds['campaigns']:.1f} s")

    started = time.perf_counter()
    seed_code_campaigns(brand_id=brand.pk, now=now)
    seconds["promo-code campaigns and pools"] = time.perf_counter() - started
    progress(
        f"    {len(CODE_CAMPAIGNS)} campaigns that need a promo code, their pools ({CODES_PER_POOL:,} codes each"
        f" single-use): {seconds['promo-code campaigns and pools']:.1f} s"
    )
    with psycopg.connect(_django_dsn(), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return seconds


MECHANICS = (
    "percent_discount",
    "amount_discount",
    "buy_n_get_m",
    "nth_item_discount",
    "graded_discount",
    "points_percent",
    "points_per_amount",
    "points_fixed",
    "points_multiplier",
    "graded_points",
)
EXCLUSIVE = {7, 22, 44}  # three exclusive campaigns, each on a small product segment, at the highest priorities
ALL_WEEK = {"weekdays": [1, 2, 3, 4, 5, 6, 7], "hours": ["00:00", "23:59"]}


def _mechanic(kind: str, rng: random.Random) -> dict[str, Any]:
    """Parameters of a common size for each mechanic."""
    if kind == "percent_discount":
        return {"type": kind, "percent": rng.choice((3, 5, 7, 10))}
    if kind == "amount_discount":
        return {"type": kind, "amount": rng.choice((50, 100, 200, 300))}
    if kind == "buy_n_get_m":
        return {"type": kind, "buy": rng.choice((2, 3)), "get": 1}
    if kind == "nth_item_discount":
        return {"type": kind, "n": rng.choice((2, 3)), "percent": rng.choice((30, 50))}
    if kind == "graded_discount":
        if rng.random() < 0.5:
            return {"type": kind, "by": "quantity", "steps": [{"from": 2, "percent": 3}, {"from": 5, "percent": 7}]}
        return {"type": kind, "by": "total", "steps": [{"from": 1000, "percent": 2}, {"from": 10000, "percent": 5}]}
    if kind == "points_percent":
        return {"type": kind, "percent": rng.choice((1, 2, 5))}
    if kind == "points_per_amount":
        return {"type": kind, "points": rng.choice((5, 10)), "per": rng.choice((100, 500))}
    if kind == "points_fixed":
        return {"type": kind, "points": rng.choice((50, 100, 200)), "expires_in_days": 30}
    if kind == "points_multiplier":
        return {"type": kind, "factor": rng.choice((2, 3))}
    return {
        "type": kind,
        "steps": [{"from": 0, "percent": 1}, {"from": 5000, "percent": 2}, {"from": 20000, "percent": 3}],
    }


def seed_campaigns(*, brand: Any, tiers: list[Any], skus: list[str], now: Any, count: int = 50) -> int:
    """`count` active campaigns on the brand through the services, the mix the budget's "50 active campaigns" means.

    Five of each of the ten mechanics; combine mostly sum, a third sequential, three exclusive (on small
    segments, highest priorities); varied priorities; half on a product segment of 50–200 bench SKUs (the bench
    products have no categories), the other half on every product; some with a min total, some with all seven
    weekdays and 00:00–23:59 hours (so they stay live), some for Silver and Gold only or identified customers.
    No limits (they would lock counters on confirm: a separate cost) and no promo code (the three campaigns that
    need one are `seed_code_campaigns`).
    """
    from campaigns.choices import CampaignStatus, Combine
    from campaigns.models import Campaign, ProductSegment
    from campaigns.services.campaigns import campaign_save, product_segment_save

    rng = random.Random(50)
    starts_at = now - timedelta(days=1)
    for i in range(count):
        kind = MECHANICS[i % len(MECHANICS)]
        exclusive = i in EXCLUSIVE
        segmented = exclusive or (i + i // 10) % 2 == 0
        segment = None
        if segmented:
            size = 50 if exclusive else rng.randrange(50, 201)
            segment = product_segment_save(
                segment=ProductSegment(),
                data={"brand": brand, "name": f"Bench segment {i + 1}", "skus": rng.sample(skus, min(size, len(skus)))},
            )
        conditions: dict[str, Any] = {}
        if i % 3 == 0:
            conditions["min_total"] = 300 if segmented else 5000
        if i % 4 == 1:
            conditions |= ALL_WEEK
        audience: dict[str, Any] = {"type": "all"}
        if i % 7 == 3:
            audience = {"type": "tiers", "tiers": [tiers[1].pk, tiers[2].pk]}
        elif i % 7 == 5:
            audience = {"type": "identified"}
        if exclusive:
            combine, priority = Combine.EXCLUSIVE, 200 + i
        else:
            combine = Combine.SEQUENTIAL if i % 3 == 1 else Combine.SUM
            priority = rng.choice((0, 0, 10, 20, 50, 100))
        campaign_save(
            campaign=Campaign(
                name=f"Bench {kind} {i + 1}",
                brand=brand,
                status=CampaignStatus.ACTIVE,
                starts_at=starts_at,
                priority=priority,
                combine=combine,
                audience=audience,
                product_segment=segment,
                conditions=conditions,
                mechanic=_mechanic(kind, rng),
            )
        )
    return count


# Campaigns that need a promo code (`requires_code`), each with one pool: (campaign, mechanic, pool, kind, prefix or
# the multi-use code). Sum, every product, everyone, no conditions: a basket with the code gets them.
CODE_CAMPAIGNS: tuple[tuple[str, dict[str, Any], str, str, str], ...] = (
    (
        "Bench code: 10 % off",
        {"type": "percent_discount", "percent": 10},
        "Bench codes: 10 % off",
        "single_use",
        "PCT-",
    ),
    (
        "Bench code: 200 points",
        {"type": "points_fixed", "points": 200, "expires_in_days": 30},
        "Bench codes: 200 points",
        "single_use",
        "PTS-",
    ),
    (
        "Bench code: 300 off",
        {"type": "amount_discount", "amount": 300},
        "Bench code: multi-use 300 off",
        "multi_use",
        "BENCH-300",
    ),
)
CODES_PER_POOL = 5_000  # generated into each single-use pool of CODE_CAMPAIGNS


@dataclass
class CodeData:
    """The promo codes the calculate scenarios send: each single-use pool's codes, and the multi-use code."""

    single: list[list[str]]
    multi: str
    campaign_ids: list[int]


def seed_code_campaigns(*, brand_id: int, now: Any) -> None:
    """The CODE_CAMPAIGNS (active, started a day ago, no limits), their pools, and CODES_PER_POOL codes in each
    single-use pool (`codes_generate`). The codes are not used up: calculate only reads them. All or nothing."""
    from django.db import transaction

    from campaigns.choices import CampaignStatus, Combine
    from campaigns.models import Campaign
    from campaigns.services.campaigns import campaign_save
    from promocodes.choices import PoolKind
    from promocodes.models import PromoPool
    from promocodes.services.generation import codes_generate
    from promocodes.services.pools import pool_save

    with transaction.atomic():
        for name, mechanic, pool_name, kind, text in CODE_CAMPAIGNS:
            campaign = campaign_save(
                campaign=Campaign(
                    name=name,
                    brand_id=brand_id,
                    status=CampaignStatus.ACTIVE,
                    starts_at=now - timedelta(days=1),
                    priority=30,
                    combine=Combine.SUM,
                    audience={"type": "all"},
                    conditions={},
                    mechanic=mechanic,
                    requires_code=True,
                )
            )
            if kind == PoolKind.MULTI_USE:
                pool_save(pool=PromoPool(name=pool_name, brand_id=brand_id, campaign=campaign, kind=kind, code=text))
            else:
                pool = pool_save(
                    pool=PromoPool(
                        name=pool_name, brand_id=brand_id, campaign=campaign, kind=kind, prefix=text, length=8
                    )
                )
                codes_generate(pool=pool, count=CODES_PER_POOL)


def load_codes(brand_id: int) -> CodeData:
    """The codes of the CODE_CAMPAIGNS' pools; seeds them first in a database seeded before they existed."""
    from django.utils import timezone

    from campaigns.models import Campaign
    from promocodes.choices import PoolKind
    from promocodes.models import PromoCode, PromoPool

    names = [name for name, *_rest in CODE_CAMPAIGNS]
    if Campaign.objects.filter(brand_id=brand_id, name__in=names, requires_code=True).count() < len(names):
        seed_code_campaigns(brand_id=brand_id, now=timezone.now())
    single: list[list[str]] = []
    multi = ""
    campaign_ids = []
    for _name, _mechanic, pool_name, kind, _text in CODE_CAMPAIGNS:
        pool = PromoPool.objects.get(brand_id=brand_id, name=pool_name)
        campaign_ids.append(pool.campaign_id)
        codes = list(PromoCode.objects.filter(pool=pool).order_by("pk").values_list("code", flat=True))
        if kind == PoolKind.MULTI_USE:
            multi = codes[0]
        else:
            single.append(codes)
    return CodeData(single=single, multi=multi, campaign_ids=campaign_ids)


def analyze(progress: Any = print) -> None:
    """ANALYZE every table, not timed: what autovacuum's analyze would have done by now on a deployment, after the
    in-process stage added tens of thousands of ledger entries, lots with expiries among them (the seeded lots
    have none). This machine's PostgreSQL runs with autovacuum off; statistics left from the seeding (every lot's
    expiry and activation empty) make the planner's generic plans read a whole account's entries where an index
    range would do (the balance's staleness test, the activation sum)."""
    started = time.perf_counter()
    with psycopg.connect(_django_dsn(), autocommit=True) as conn:
        conn.execute("ANALYZE")
    progress(f"  ANALYZE, as autovacuum would (not timed): {time.perf_counter() - started:.1f} s")


def _django_dsn() -> str:
    from django.db import connection

    params = connection.get_connection_params()
    keys = ("host", "port", "dbname", "user", "password")
    return " ".join(f"{key}={params[key]}" for key in keys if params.get(key))


def load() -> BenchData:
    """The seeded data; the register gets a new key (its clear key is shown only once, at creation or rotation)."""
    from contacts.models import Contact
    from loyalty.models import Card, Product, Program, Register
    from loyalty.services.registers import register_rotate_key

    program = Program.objects.get(name=PROGRAM_NAME)
    register = Register.objects.get(code=REGISTER_CODE, store__brand__program=program)
    api_key = register_rotate_key(register=register)
    shared = Contact.objects.get(phone=SHARED_PHONE)
    shared_card = card_number(SHARED_CARD_SERIAL)
    cards = list(
        Card.objects.filter(card_type__program=program, contact__isnull=False)
        .exclude(contact=shared)
        .order_by("pk")
        .values_list("number", flat=True)
    )
    skus = list(Product.objects.filter(brand__program=program).order_by("pk").values_list("sku", flat=True))
    return BenchData(
        api_key=api_key,
        register_id=register.pk,
        program_id=program.pk,
        brand_id=register.store.brand_id,
        store_id=register.store_id,
        cards=cards,
        shared_card=shared_card,
        shared_contact_id=shared.pk,
        skus=skus,
    )


def baskets(skus: list[str], *, count: int = 64, lines: int = 20, seed: int = 11) -> list[list[dict[str, str]]]:
    """`count` different baskets of `lines` distinct products each: mostly one unit, some several, a weighed one."""
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        basket = []
        for index, sku in enumerate(rng.sample(skus, lines)):
            if index == 0:
                quantity = f"{rng.randrange(200, 2500) / 1000:.3f}"  # weighed goods
            else:
                quantity = str(rng.choice((1, 1, 1, 1, 2, 2, 3)))
            basket.append({"sku": sku, "quantity": quantity, "price": f"{rng.randrange(3000, 150000) / 100:.2f}"})
        result.append(basket)
    return result
