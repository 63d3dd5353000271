"""The demo organisation (programs, partners, brands, stores, registers, tiers, card types) and its catalogue."""

import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from demo import data
from demo.base import (
    BATCH_SIZE,
    Org,
)
from loyalty.models import (
    Brand,
    CardType,
    Category,
    Partner,
    Product,
    Program,
    Register,
    Store,
    Tier,
)
from loyalty.services.catalogue import category_save
from loyalty.services.registers import register_create

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
