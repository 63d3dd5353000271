"""The demo data set behind `manage.py seed_demo`: a realistic, working CRM for a new user to explore.

Each part is one function (`seed_org`, `seed_catalogue`, `seed_contacts`, `seed_users`, `seed_purchases`) so later
parts of the product (campaigns, promo codes) can add theirs. Purchases go through the checkout service, as a till
sends them, so the ledger, tiers and settlements are real; `seed_purchases_fast` writes big data sets in bulk
(`seed_demo --fast`, for benchmarks). Every part is idempotent: small objects are
`get_or_create`d on their natural keys and bulk parts are skipped when the demo programs or brands already have
them, so a second run changes nothing. Each part draws from its own `random.Random`, seeded from `--seed` and
the part's name, so skipping one part does not change what another generates.
"""

import heapq
import math
import random
import zoneinfo
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_DOWN, Decimal
from itertools import accumulate
from typing import Any

import phonenumbers
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.errors import Conflict
from contacts.models import BlacklistEntry, Contact
from loyalty import demo_data as data
from loyalty.choices import CardStatus, EntryKind
from loyalty.models import (
    Account,
    Brand,
    Card,
    CardType,
    Category,
    Enrollment,
    LedgerEntry,
    MasterAccount,
    MasterAccountMember,
    Partner,
    Product,
    Program,
    Purchase,
    PurchaseLine,
    Refund,
    Register,
    Store,
    Tier,
    TierChange,
)
from loyalty.pos import checkout
from loyalty.pos.receipt import ReceiptLine, apply_base_accrual, price_lines
from loyalty.services.cards import card_numbers_reserve
from loyalty.services.catalogue import category_save
from loyalty.services.registers import register_create
from loyalty.services.tiers import program_tiers, qualified_tier

BATCH_SIZE = 2000
BLACKLIST_PHONES = 20
BLACKLIST_EMAILS = 10

ADMIN_USERNAME = ADMIN_PASSWORD = "admin"
MANAGER_USERNAME = MANAGER_PASSWORD = "manager"
MANAGERS_GROUP = "Brand managers"
# Brand managers see these but may not add or change them: the organisation is the owner's business.
VIEW_ONLY_MODELS = {"program", "partner", "brand", "contactauditlog"}

Log = Callable[[str], None]


@dataclass(frozen=True)
class DemoOptions:
    contacts: int = 20000
    products: int = 2000
    stores: int = 12
    registers: int = 40
    purchases: int = 3000
    fast: bool = False  # purchases written in bulk (`seed_purchases_fast`) instead of through the checkout
    seed: int = 42


@dataclass
class Org:
    """The organisation objects the later parts hang their data on."""

    programs: dict[str, Program]
    brands: dict[str, Brand]
    partners: list[Partner]
    stores: list[Store]
    tiers: dict[tuple[str, str], Tier]
    card_types: dict[tuple[str, str], CardType]


@dataclass
class DemoResult:
    org: Org
    # The one register whose API key is shown, and the key: only on the run that created the registers.
    demo_register: Register | None = None
    demo_register_key: str | None = None
    skipped: list[str] = field(default_factory=list)


def _rng(seed: int, part: str) -> random.Random:
    return random.Random(f"{seed}:{part}")


def _weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


# --- organisation ---------------------------------------------------------------------------------------------


def seed_org(*, rng: random.Random, stores: int, registers: int) -> tuple[Org, Register | None, str | None]:
    """Programs, partners, brands, tiers, card types, stores and registers; returns the org and, when the
    registers were made now, one register with its API key in clear (never stored)."""
    programs: dict[str, Program] = {}
    for name, point_value, max_redeem, expires, activation in data.PROGRAMS:
        defaults = {
            key: value
            for key, value in (
                ("point_value", point_value),
                ("max_redeem_percent", max_redeem),
                ("expires_in_days", expires),
                ("activation_days", activation),
            )
            if value is not None
        }
        programs[name], _created = Program.objects.get_or_create(name=name, defaults=defaults)

    partners = [
        Partner.objects.get_or_create(name=name, defaults={"legal_name": legal})[0] for name, legal in data.PARTNERS
    ]
    brands = {
        name: Brand.objects.get_or_create(name=name, defaults={"program": programs[program], "currency": "RUB"})[0]
        for name, program, _prefix, _roots in data.BRANDS
    }
    tiers = {
        (program, name): Tier.objects.get_or_create(
            program=programs[program],
            name=name,
            defaults={"min_spend": min_spend, "accrual_percent": percent},
        )[0]
        for program in programs
        for name, min_spend, percent in data.TIERS
    }
    card_types = {
        (program, name): CardType.objects.get_or_create(
            program=programs[program], name=name, defaults={"number_prefix": prefix}
        )[0]
        for program, name, prefix in data.CARD_TYPES
    }

    brand_list = list(brands.values())
    store_list = []
    for index in range(stores):
        city, tz, address = data.STORE_SITES[index % len(data.STORE_SITES)]
        lap = index // len(data.STORE_SITES)
        brand = brand_list[index % len(brand_list)]
        store, _created = Store.objects.get_or_create(
            brand=brand,
            code=f"S{index + 1:03d}",
            defaults={
                "partner": partners[0] if tz.startswith("Europe/") else partners[-1],
                "name": f"{brand.name}, {city}, {address}" + (f" ({lap + 1})" if lap else ""),
                "timezone": tz,
                "city": city,
            },
        )
        store_list.append(store)

    demo_register, demo_key = _seed_registers(rng=rng, stores=store_list, count=registers)
    org = Org(
        programs=programs,
        brands=brands,
        partners=partners,
        stores=store_list,
        tiers=tiers,
        card_types=card_types,
    )
    return org, demo_register, demo_key


def _seed_registers(*, rng: random.Random, stores: list[Store], count: int) -> tuple[Register | None, str | None]:
    """Registers spread round-robin over the stores, each made by `register_create` with its own key."""
    if not stores:
        return None, None
    existing = set(Register.objects.filter(store__in=stores).values_list("store_id", "code"))
    per_store: Counter[int] = Counter()
    demo_register, demo_key = None, None
    for index in range(count):
        store = stores[index % len(stores)]
        per_store[store.pk] += 1
        code = f"POS-{per_store[store.pk]:02d}"
        serial = f"{rng.randrange(10**13):013d}"  # drawn even when skipped, so the sequence stays stable
        model = rng.choice(data.REGISTER_MODELS)
        software = rng.choice(data.REGISTER_SOFTWARE)
        if (store.pk, code) in existing:
            continue
        register, key = register_create(
            data={
                "store": store,
                "code": code,
                "model": model,
                "serial_number": serial,
                "software_version": software,
            }
        )
        if demo_register is None:
            demo_register, demo_key = register, key
    return demo_register, demo_key


# --- catalogue ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Leaf:
    category: Category
    root: str
    middle: str
    noun: str
    price_range: tuple[int, int]
    sizes: list[str]
    excluded: bool

    @property
    def gift_card(self) -> bool:
        return self.price_range == (0, 0)


def _category(name: str, parent: Category | None) -> Category:
    existing = Category.objects.filter(name=name, parent=parent).first()
    return existing or category_save(category=Category(name=name, parent=parent))


def seed_categories() -> list[_Leaf]:
    """The three-level category tree, saved through `category_save` so every node has its path."""
    leaves = []
    for root_name, middles in data.CATALOGUE.items():
        root = _category(root_name, None)
        for middle_name, leaf_specs in middles.items():
            middle = _category(middle_name, root)
            for name, noun, price_range, sizes, excluded in leaf_specs:
                leaves.append(
                    _Leaf(_category(name, middle), root_name, middle_name, noun, price_range, sizes, excluded)
                )
    return leaves


def _price(rng: random.Random, low: int, high: int) -> Decimal:
    """A shelf price such as 349.99: a multiple of ten less one kopeck."""
    tens = max(1, round(rng.uniform(low, high) / 10))
    return Decimal(tens * 10) - Decimal("0.01")


def _product_name(rng: random.Random, leaf: _Leaf) -> str:
    maker = rng.choice(data.MAKERS.get(leaf.middle) or data.MAKERS[leaf.root])
    line = rng.choice(data.LINES[leaf.root])
    return f"{leaf.noun} {maker} «{line}», {rng.choice(leaf.sizes)}"


def seed_catalogue(*, org: Org, rng: random.Random, products: int) -> int:
    """The category tree and `products` products split over the brands; returns how many were made
    (0 when the demo brands already have products)."""
    leaves = seed_categories()
    brands = list(org.brands.values())
    if products <= 0 or Product.objects.filter(brand__in=brands).exists():
        return 0
    prefixes = {name: prefix for name, _program, prefix, _roots in data.BRANDS}
    roots = {name: set(brand_roots) for name, _program, _prefix, brand_roots in data.BRANDS}
    weights = [4, 3, 3][: len(brands)]
    shares = [products * weight // sum(weights) for weight in weights]
    shares[0] += products - sum(shares)

    batch: list[Product] = []
    for brand, share in zip(brands, shares, strict=True):
        brand_leaves = [leaf for leaf in leaves if leaf.root in roots[brand.name]]
        gift_leaves = [leaf for leaf in brand_leaves if leaf.gift_card]
        goods = [leaf for leaf in brand_leaves if not leaf.gift_card]
        # Alcohol and tobacco are a small part of a shelf.
        goods_weights = [1 if leaf.excluded else 6 for leaf in goods]
        gift_cards = [(leaf, nominal) for leaf in gift_leaves for nominal in leaf.sizes][: share // 10]
        items = [(leaf, f"{leaf.noun} «{brand.name}» на {nominal} ₽", Decimal(nominal)) for leaf, nominal in gift_cards]
        names: set[str] = set()
        for _index in range(share - len(gift_cards)):
            leaf = rng.choices(goods, weights=goods_weights)[0]
            name = _product_name(rng, leaf)
            for _attempt in range(5):
                if name not in names:
                    break
                name = _product_name(rng, leaf)
            names.add(name)
            items.append((leaf, name, _price(rng, *leaf.price_range)))
        batch += [
            Product(
                brand=brand,
                sku=f"{prefixes[brand.name]}-{serial:05d}",
                name=name,
                category=leaf.category,
                price=price,
                accrual_excluded=leaf.excluded,
                redemption_excluded=leaf.excluded,
            )
            for serial, (leaf, name, price) in enumerate(items, start=1)
        ]
    Product.objects.bulk_create(batch, batch_size=BATCH_SIZE)
    return len(batch)


# --- contacts, enrollments, cards -----------------------------------------------------------------------------


def _phones(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """`count` distinct valid Russian mobiles in E.164, none of them in `taken`."""
    phones: list[str] = []
    seen = set(taken)
    while len(phones) < count:
        phone = f"+7{rng.choice(data.MOBILE_CODES)}{rng.randrange(10**7):07d}"
        if phone in seen or not phonenumbers.is_valid_number(phonenumbers.parse(phone)):
            continue
        seen.add(phone)
        phones.append(phone)
    return phones


def _family_name(surname: str) -> str:
    """Иванов -> Семья Ивановых, Островский -> Семья Островских."""
    plural = surname[:-2] + "их" if surname.endswith("ий") else surname + "ых"
    return f"Семья {plural}"


@dataclass
class _Person:
    contact: Contact
    surname: str
    female: bool
    programs: list[str]


def _person(rng: random.Random, index: int, phone: str | None, today: date) -> _Person:
    roll = rng.random()
    gender = "female" if roll < 0.6 else ("male" if roll < 0.98 else "")
    female = gender == "female" or (gender == "" and rng.random() < 0.5)
    first = rng.choice(data.FEMALE_NAMES if female else data.MALE_NAMES)
    surname = rng.choice(data.SURNAMES)
    last = data.female_surname(surname) if female else surname
    email = None
    if phone is None or rng.random() < 0.55:
        local = rng.choice(
            [
                f"{data.translit(first)}.{data.translit(last)}",
                f"{data.translit(first)[0]}.{data.translit(last)}",
                f"{data.translit(last)}.{data.translit(first)}",
            ]
        )
        email = f"{local}{index}@{rng.choice(data.EMAIL_DOMAINS)}"
    birth_date = None
    if rng.random() < 0.9:
        age = int(rng.triangular(18, 76, 34))
        birth_date = date(today.year - age, 1, 1) + timedelta(days=rng.randrange(365))
    city_roll = rng.random()
    city = "" if city_roll < 0.08 else rng.choice(data.STORE_SITES)[0]
    phone_confirmed = phone is not None and rng.random() < 0.7
    email_confirmed = email is not None and rng.random() < 0.5
    now = timezone.now()
    contact = Contact(
        phone=phone,
        email=email,
        first_name=first,
        last_name=last,
        birth_date=birth_date,
        gender=gender,
        city=city,
        phone_confirmed=phone_confirmed,
        phone_confirmed_at=now - timedelta(days=rng.randrange(1000)) if phone_confirmed else None,
        email_confirmed=email_confirmed,
        email_confirmed_at=now - timedelta(days=rng.randrange(1000)) if email_confirmed else None,
        subscribed_sms=phone is not None and rng.random() < 0.65,
        subscribed_email=email is not None and rng.random() < 0.45,
        source=_weighted(rng, data.CONTACT_SOURCES),
    )
    # Women join the beauty program more often.
    club, beauty = ("Club", "Beauty Points")
    roll = rng.random()
    if female:
        programs = [club] if roll < 0.45 else ([beauty] if roll < 0.65 else [club, beauty])
    else:
        programs = [club] if roll < 0.8 else ([beauty] if roll < 0.85 else [club, beauty])
    return _Person(contact, surname, female, programs)


def _tier_name(rng: random.Random, vip: bool) -> str:
    roll = rng.random()
    if vip:
        return "Gold" if roll < 0.6 else "Silver"
    return "Bronze" if roll < 0.85 else ("Silver" if roll < 0.97 else "Gold")


def seed_contacts(*, org: Org, rng: random.Random, contacts: int) -> int:
    """Contacts with enrollments and bound cards, a few blocked and unbound cards, families (master
    accounts) and the blacklist; returns how many contacts were made (0 when the demo programs already
    have members)."""
    programs = list(org.programs.values())
    if contacts <= 0 or Enrollment.objects.filter(program__in=programs).exists():
        return 0
    now = timezone.now()
    today = timezone.localdate()
    taken: set[str] = set()
    for model in (Contact, BlacklistEntry):
        taken.update(phone for phone in model.objects.values_list("phone", flat=True) if phone)
    phones = _phones(rng, contacts + BLACKLIST_PHONES, taken)
    blacklist_phones, phones = phones[:BLACKLIST_PHONES], phones[BLACKLIST_PHONES:]

    people = []
    for index in range(contacts):
        email_only = rng.random() < 0.05
        people.append(_person(rng, index + 1, None if email_only else phones[index], today))

    # Families: 2-4 people sharing a surname, all in the first program.
    club = data.PROGRAMS[0][0]
    family_count = max(2, min(20, contacts // 1000)) if contacts >= 8 else 0
    sizes = [rng.randint(2, 4) for _family in range(family_count)]
    chosen = rng.sample(range(contacts), sum(sizes))
    families: list[tuple[str, list[_Person]]] = []
    for size in sizes:
        members = [people[chosen.pop()] for _member in range(size)]
        surname = members[0].surname
        for person in members:
            person.surname = surname
            person.contact.last_name = data.female_surname(surname) if person.female else surname
            if club not in person.programs:
                person.programs.insert(0, club)
        families.append((_family_name(surname), members))

    Contact.objects.bulk_create([person.contact for person in people], batch_size=BATCH_SIZE)

    # Enrollments with a tier, each with a bound card: Standard mostly, VIP for about 5 %.
    enrollments: list[Enrollment] = []
    planned: list[tuple[tuple[str, str], Contact | None, str, Any]] = []
    for person in people:
        joined = now - timedelta(days=rng.randrange(1, 1100))
        for program_name in person.programs:
            vip = rng.random() < 0.05
            tier_name = _tier_name(rng, vip)
            tier = org.tiers[(program_name, tier_name)]
            enrollments.append(
                Enrollment(
                    contact=person.contact,
                    program=org.programs[program_name],
                    tier=tier,
                    tier_valid_until=(
                        now + timedelta(days=rng.randint(30, tier.valid_days)) if tier_name != "Bronze" else None
                    ),
                )
            )
            kind = (program_name, "VIP" if vip else "Standard")
            planned.append((kind, person.contact, CardStatus.ACTIVE, joined))
    Enrollment.objects.bulk_create(enrollments, batch_size=BATCH_SIZE)

    # A few contacts lost a card: the old one is blocked, still bound to them.
    for enrollment in rng.sample(enrollments, min(len(enrollments), max(2, contacts // 1000))):
        joined = now - timedelta(days=rng.randrange(200, 1500))
        kind = (enrollment.program.name, "Standard")
        planned.append((kind, enrollment.contact, CardStatus.BLOCKED, joined))
    # Cards handed to stores but not yet given to anyone.
    for program_name in org.programs:
        for _card in range(max(2, contacts // 800)):
            planned.append(((program_name, "Standard"), None, CardStatus.ACTIVE, None))

    numbers = {
        kind: iter(card_numbers_reserve(card_type=org.card_types[kind], count=count))
        for kind, count in Counter(kind for kind, *_rest in planned).items()
    }
    cards = [
        Card(
            number=next(numbers[kind]),
            card_type=org.card_types[kind],
            contact=contact,
            status=status,
            bound_at=bound_at,
        )
        for kind, contact, status, bound_at in planned
    ]
    Card.objects.bulk_create(cards, batch_size=BATCH_SIZE)

    accounts = MasterAccount.objects.bulk_create(
        [MasterAccount(name=name, program=org.programs[club]) for name, _members in families]
    )
    MasterAccountMember.objects.bulk_create(
        [
            MasterAccountMember(master_account=account, contact=person.contact, program=account.program)
            for account, (_name, members) in zip(accounts, families, strict=True)
            for person in members
        ]
    )
    _seed_blacklist(rng, blacklist_phones)
    return contacts


BLACKLIST_REASONS = [
    "Просьба клиента не беспокоить",
    "Жалоба на рассылку",
    "Мошенничество с баллами",
    "Номер сменил владельца",
    "Служебный номер сотрудника",
]


def _seed_blacklist(rng: random.Random, phones: list[str]) -> None:
    entries = [BlacklistEntry(phone=phone, reason=rng.choice(BLACKLIST_REASONS)) for phone in phones]
    entries += [
        BlacklistEntry(
            email=f"no-mail{index + 1}@{rng.choice(data.EMAIL_DOMAINS)}", reason=rng.choice(BLACKLIST_REASONS)
        )
        for index in range(BLACKLIST_EMAILS)
    ]
    BlacklistEntry.objects.bulk_create(entries, ignore_conflicts=True)


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
    *, org: Org, rng: random.Random, count: int, now: datetime | None = None, log: Log = lambda _message: None
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
    shop = _shop(org=org, rng=rng)
    if shop is None:
        return 0, 0
    refunds: list[tuple[datetime, int, Register, dict[str, Any]]] = []  # a heap by time
    made = refunded = 0

    def refund_due(until: datetime) -> int:
        done = 0
        while refunds and refunds[0][0] <= until:
            at, purchase_id, register, data = heapq.heappop(refunds)
            checkout.refund(register=register, purchase_id=purchase_id, data=data, now=at)
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
        if made % 1000 == 0:
            log(f"Purchases: {made} of {count}.")
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


FAST_BATCH = 2000  # receipts per round of bulk inserts on the fast path


def _fast_accounts(*, keys: set[tuple[int, int]], now: datetime) -> dict[tuple[int, int], int]:
    """The points account of each (program, contact), as `account_for` would give it (the master account's pool
    for a member), made in bulk where missing."""
    contact_ids = {contact_id for _program_id, contact_id in keys}
    pools = {
        (program_id, contact_id): master_account_id
        for program_id, contact_id, master_account_id in MasterAccountMember.objects.filter(
            contact_id__in=contact_ids
        ).values_list("program_id", "contact_id", "master_account_id")
    }
    by_pool = dict(
        Account.objects.filter(master_account_id__in=set(pools.values())).values_list("master_account_id", "pk")
    )
    by_contact = {
        (program_id, contact_id): pk
        for program_id, contact_id, pk in Account.objects.filter(contact_id__in=contact_ids).values_list(
            "program_id", "contact_id", "pk"
        )
    }
    missing_pools = {pools[key]: key[0] for key in keys if key in pools and pools[key] not in by_pool}
    missing_own = sorted(key for key in keys if key not in pools and key not in by_contact)
    made = Account.objects.bulk_create(
        [Account(master_account_id=pool, program_id=program, balance_at=now) for pool, program in missing_pools.items()]
        + [Account(program_id=program, contact_id=contact, balance_at=now) for program, contact in missing_own],
        batch_size=BATCH_SIZE,
    )
    for account in made:
        if account.master_account_id is not None:
            by_pool[account.master_account_id] = account.pk
        else:
            by_contact[(account.program_id, account.contact_id)] = account.pk  # type: ignore[index]
    return {key: by_pool[pools[key]] if key in pools else by_contact[key] for key in keys}


def _fast_cache(*, account_ids: set[int], now: datetime) -> None:
    """Set the accounts' cached balance from their entries as of `now`, as `manage.py ledger_check` derives it."""
    active_now = Q(activation_at__isnull=True) | Q(activation_at__lte=now)

    def total(condition: Q) -> Coalesce:
        entries = LedgerEntry.objects.filter(condition, account=OuterRef("pk")).order_by().values("account")
        field = Account._meta.get_field("active")
        return Coalesce(Subquery(entries.annotate(sum=Sum("points")).values("sum"), output_field=field), Value(0))

    ids = sorted(account_ids)
    for start in range(0, len(ids), BATCH_SIZE):
        Account.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).update(
            active=total(active_now), pending=total(~active_now), balance_at=now, updated_at=now
        )


def seed_purchases_fast(
    *, org: Org, rng: random.Random, count: int, now: datetime | None = None, log: Log = lambda _message: None
) -> int:
    """The bulk path for big data sets (`seed_demo --fast`, for benchmarks): the same receipts as `seed_purchases`
    plans, written straight to the tables, about a hundred times faster than through the checkout service.

    Consistent but simpler: no redemptions, refunds or tier changes (each receipt earns at the tier its customer's
    enrollment has). Each identified receipt's points are one accrual lot on the customer's account (the pool of
    their master account), pending and expiring by the program's rules counted from the receipt's time; lots already
    expired get their expiry entry; the cached balances are then set from the entries, so `ledger_check` is clean.
    On PostgreSQL the tables are analysed at the end, so that the admin's and the benchmarks' queries are planned
    for their real size. Returns how many purchases were made; 0 when the demo brands already have purchases.
    """
    if count <= 0 or Purchase.objects.filter(brand__in=org.brands.values()).exists():
        return 0
    now = now or timezone.now()
    shop = _shop(org=org, rng=rng)
    if shop is None:
        return 0
    receipts = _plan_receipts(shop=shop, rng=rng, count=count, now=now)
    programs = {program.pk: program for program in Program.objects.filter(pk__in=list(shop.stores))}
    tiers = {program_id: {tier.pk: tier for tier in program_tiers(program_id)} for program_id in programs}
    entry_tiers = {program_id: qualified_tier(list(by_pk.values()), Decimal(0)) for program_id, by_pk in tiers.items()}
    keys = {
        (receipt.register.store.brand.program_id, receipt.contact_id)
        for receipt in receipts
        if receipt.contact_id is not None
    }
    accounts = _fast_accounts(keys=keys, now=now)
    contact_ids = {contact_id for _program_id, contact_id in keys}
    enrolled = {
        (program_id, contact_id): tier_id
        for program_id, contact_id, tier_id in Enrollment.objects.filter(contact_id__in=contact_ids).values_list(
            "program_id", "contact_id", "tier_id"
        )
    }
    products = {
        (product.brand_id, product.sku): product
        for product in Product.objects.filter(brand__in=org.brands.values()).only(
            "pk", "brand_id", "sku", "accrual_excluded", "redemption_excluded"
        )
    }
    touched: set[int] = set()
    for start in range(0, len(receipts), FAST_BATCH):
        batch = receipts[start : start + FAST_BATCH]
        purchases: list[Purchase] = []
        batch_lines: list[list[ReceiptLine]] = []
        for receipt in batch:
            store = receipt.register.store
            program = programs[store.brand.program_id]
            key = (program.pk, receipt.contact_id or 0)
            tier = tiers[program.pk].get(enrolled.get(key) or 0, entry_tiers[program.pk])
            lines = [
                ReceiptLine(
                    index=index,
                    sku=line["sku"],
                    quantity=line["quantity"],
                    price=line["price"],
                    accrual_excluded=products[(store.brand_id, line["sku"])].accrual_excluded,
                    redemption_excluded=products[(store.brand_id, line["sku"])].redemption_excluded,
                )
                for index, line in enumerate(receipt.lines)
            ]
            price_lines(lines)
            if receipt.contact_id is not None and tier is not None:
                apply_base_accrual(lines, tier.accrual_percent)
            total = sum((line.total for line in lines), Decimal(0))
            identified = receipt.contact_id is not None
            purchases.append(
                Purchase(
                    register=receipt.register,
                    store=store,
                    brand_id=store.brand_id,
                    program=program,
                    contact_id=receipt.contact_id,
                    account_id=accounts[key] if identified else None,
                    card_number=receipt.card or "",
                    receipt_number=receipt.number,
                    at=receipt.at,
                    base=sum((line.base for line in lines), Decimal(0)),
                    discount=Decimal(0),
                    total=total,
                    redeemed_points=Decimal(0),
                    payable=sum((line.paid for line in lines), Decimal(0)),
                    points=sum((line.points for line in lines), Decimal(0)),
                    tier_name=tier.name if identified and tier is not None else "",
                )
            )
            batch_lines.append(lines)
        Purchase.objects.bulk_create(purchases, batch_size=BATCH_SIZE)
        PurchaseLine.objects.bulk_create(
            [
                PurchaseLine(
                    purchase=purchase,
                    index=line.index,
                    sku=line.sku,
                    product_id=products[(purchase.brand_id, line.sku)].pk,
                    quantity=line.quantity,
                    price=line.price,
                    base=line.base,
                    discount=line.discount,
                    total=line.total,
                    redeemed_points=line.redeemed_points,
                    paid=line.paid,
                    points=line.points,
                    applied=[],
                )
                for purchase, lines in zip(purchases, batch_lines, strict=True)
                for line in lines
            ],
            batch_size=BATCH_SIZE,
        )
        lots = [
            LedgerEntry(
                account_id=purchase.account_id,
                kind=EntryKind.ACCRUAL,
                points=purchase.points,
                at=purchase.at,
                activation_at=(
                    purchase.at + timedelta(days=purchase.program.activation_days)
                    if purchase.program.activation_days
                    else None
                ),
                expires_at=(
                    purchase.at + timedelta(days=purchase.program.expires_in_days)
                    if purchase.program.expires_in_days is not None
                    else None
                ),
                partner_id=purchase.store.partner_id,
                purchase_id=purchase.pk,
            )
            for purchase in purchases
            if purchase.account_id is not None and purchase.points > 0
        ]
        LedgerEntry.objects.bulk_create(lots, batch_size=BATCH_SIZE)
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    account_id=lot.account_id,
                    kind=EntryKind.EXPIRY,
                    points=-lot.points,
                    lot=lot,
                    activation_at=lot.activation_at,
                    at=lot.expires_at,
                )
                for lot in lots
                if lot.expires_at is not None and lot.expires_at <= now
            ],
            batch_size=BATCH_SIZE,
        )
        touched.update(lot.account_id for lot in lots)
        log(f"Purchases: {start + len(batch)} of {count}.")
    _fast_cache(account_ids=touched, now=now)
    if connection.vendor == "postgresql":
        # The planner's statistics still describe the empty tables until autovacuum comes round.
        tables = [model._meta.db_table for model in (Purchase, PurchaseLine, LedgerEntry, Account)]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
    return len(receipts)


# --- users ----------------------------------------------------------------------------------------------------


def seed_users(*, org: Org) -> None:
    """The demo superuser and a staff manager limited to one brand, in the "Brand managers" group."""
    user_model = get_user_model()
    if not user_model.objects.filter(username=ADMIN_USERNAME).exists():
        user_model.objects.create_superuser(ADMIN_USERNAME, "admin@example.com", ADMIN_PASSWORD)

    permissions = [
        permission
        for permission in Permission.objects.filter(content_type__app_label__in=["contacts", "loyalty"]).select_related(
            "content_type"
        )
        if permission.codename.split("_", 1)[0] == "view"
        or (
            permission.codename.split("_", 1)[0] in {"add", "change"}
            and permission.content_type.model not in VIEW_ONLY_MODELS
        )
    ]
    group, _created = Group.objects.get_or_create(name=MANAGERS_GROUP)
    group.permissions.set(permissions)

    manager = user_model.objects.filter(username=MANAGER_USERNAME).first()
    if manager is None:
        manager = user_model.objects.create_user(
            MANAGER_USERNAME,
            "manager@example.com",
            MANAGER_PASSWORD,
            is_staff=True,
            first_name="Мария",
            last_name="Соколова",
        )
    manager.groups.add(group)
    org.brands[data.MANAGER_BRAND].managers.add(manager)


# --- all of it ------------------------------------------------------------------------------------------------


@transaction.atomic
def demo_seed(*, options: DemoOptions, log: Log = lambda _message: None) -> DemoResult:
    """Seed every part in one transaction; parts that already exist are left as they are."""
    org, register, key = seed_org(rng=_rng(options.seed, "org"), stores=options.stores, registers=options.registers)
    result = DemoResult(org=org, demo_register=register, demo_register_key=key)
    log(f"Organisation: {len(org.stores)} stores, {options.registers} registers wanted.")

    made = seed_catalogue(org=org, rng=_rng(options.seed, "catalogue"), products=options.products)
    log(f"Catalogue: {made} products made." if made else "Catalogue: products exist, left as they are.")
    if not made:
        result.skipped.append("products")

    made = seed_contacts(org=org, rng=_rng(options.seed, "contacts"), contacts=options.contacts)
    log(f"Contacts: {made} made." if made else "Contacts: members exist, left as they are.")
    if not made:
        result.skipped.append("contacts")

    seed_users(org=org)

    rng = _rng(options.seed, "purchases")
    if options.fast:
        made, refunded = seed_purchases_fast(org=org, rng=rng, count=options.purchases, log=log), 0
    else:
        made, refunded = seed_purchases(org=org, rng=rng, count=options.purchases, log=log)
    log(f"Purchases: {made} made, {refunded} refunded." if made else "Purchases: exist, left as they are.")
    if not made:
        result.skipped.append("purchases")
    return result


def demo_counts() -> dict[str, int]:
    """Figures for the summary, over the whole database."""
    cards = Card.objects
    return {
        "programs": Program.objects.count(),
        "partners": Partner.objects.count(),
        "brands": Brand.objects.count(),
        "stores": Store.objects.count(),
        "registers": Register.objects.count(),
        "categories": Category.objects.count(),
        "products": Product.objects.count(),
        "card types": CardType.objects.count(),
        "tiers": Tier.objects.count(),
        "contacts": Contact.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "cards": cards.count(),
        "cards unbound": cards.filter(contact=None).count(),
        "cards blocked": cards.filter(status=CardStatus.BLOCKED).count(),
        "master accounts": MasterAccount.objects.count(),
        "blacklist entries": BlacklistEntry.objects.count(),
        "purchases": Purchase.objects.count(),
        "refunds": Refund.objects.count(),
        "ledger entries": LedgerEntry.objects.count(),
        "tier changes": TierChange.objects.count(),
    }
