"""The demo organisation (programs, partners, brands, stores, registers, tiers, card types) and its catalogue."""

import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from demo import data
from demo.base import (
    BATCH_SIZE,
    Org,
    named,
)
from demo.catalogue import CATALOGUE, GIFT_CARD_NAME, LINES, MAKERS, PRODUCT_NAME, Maker, size
from demo.data import Language, Text
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


def seed_org(
    *, rng: random.Random, stores: int, registers: int, language: Language = "ru"
) -> tuple[Org, Register | None, str | None]:
    """Programs, partners, brands, tiers, card types, stores and registers; returns the org and, when the
    registers were made now, one register with its API key in clear (never stored). Named objects that a run made
    in either language are found by either name."""
    programs: dict[str, Program] = {}
    for key, name, point_value, max_redeem, expires, activation in data.PROGRAMS:
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
        programs[key] = named(Program.objects.all(), name=name, language=language, defaults=defaults)

    partners = [
        Partner.objects.get_or_create(name=name, defaults={"legal_name": legal})[0] for name, legal in data.PARTNERS
    ]
    brands = {
        name: Brand.objects.get_or_create(name=name, defaults={"program": programs[program], "currency": "RUB"})[0]
        for name, program, _prefix, _roots in data.BRANDS
    }
    tiers = {
        (program, key): named(
            Tier.objects.all(),
            program=programs[program],
            name=name,
            language=language,
            defaults={"min_spend": min_spend, "accrual_percent": percent},
        )
        for program in programs
        for key, name, min_spend, percent in data.TIERS
    }
    card_types = {
        (program, key): named(
            CardType.objects.all(),
            program=programs[program],
            name=name,
            language=language,
            defaults={"number_prefix": prefix},
        )
        for program, key, name, prefix in data.CARD_TYPES
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
        language=language,
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


def demo_register() -> Register | None:
    """The register whose key the demo shows: the first one made at the demo brands' stores."""
    brands = [name for name, _program, _prefix, _roots in data.BRANDS]
    return Register.objects.filter(store__brand__name__in=brands).select_related("store").order_by("pk").first()


# --- catalogue ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Leaf:
    category: Category
    root: Text
    middle: Text
    noun: Text
    price_range: tuple[int, int]
    sizes: list[str]
    excluded: bool

    @property
    def gift_card(self) -> bool:
        return self.price_range == (0, 0)


def _category(name: Text, parent: Category | None, language: Language) -> Category:
    existing = Category.objects.filter(name__in=name.every, parent=parent).first()
    return existing or category_save(category=Category(name=name(language), parent=parent))


def seed_categories(language: Language = "ru") -> list[_Leaf]:
    """The three-level category tree, saved through `category_save` so every node has its path."""
    leaves = []
    for root_name, middles in CATALOGUE.items():
        root = _category(root_name, None, language)
        for middle_name, leaf_specs in middles.items():
            middle = _category(middle_name, root, language)
            for name, noun, price_range, sizes, excluded in leaf_specs:
                leaves.append(
                    _Leaf(_category(name, middle, language), root_name, middle_name, noun, price_range, sizes, excluded)
                )
    return leaves


def _price(rng: random.Random, low: int, high: int) -> Decimal:
    """A shelf price such as 349.99: a multiple of ten less one kopeck."""
    tens = max(1, round(rng.uniform(low, high) / 10))
    return Decimal(tens * 10) - Decimal("0.01")


_Name = tuple[Text, Maker, Maker, str]  # noun, maker, line, size


def _product_name(rng: random.Random, leaf: _Leaf) -> _Name:
    """A product's name in parts, so that the same seed draws the same products in either language."""
    maker = rng.choice(MAKERS.get(leaf.middle) or MAKERS[leaf.root])
    line = rng.choice(LINES[leaf.root])
    return leaf.noun, maker, line, rng.choice(leaf.sizes)


def _render(name: _Name, language: Language) -> str:
    noun, maker, line, product_size = name
    return PRODUCT_NAME(language).format(
        noun=noun(language),
        maker=Text.pick(maker, language),
        line=Text.pick(line, language),
        size=size(product_size, language),
    )


def seed_catalogue(*, org: Org, rng: random.Random, products: int) -> int:
    """The category tree and `products` products split over the brands, each with its list price; returns how many
    were made (0 when the demo brands already have products)."""
    language = org.language
    leaves = seed_categories(language)
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
        gift_name = GIFT_CARD_NAME(language)
        items = [
            (leaf, gift_name.format(noun=leaf.noun(language), brand=brand.name, nominal=nominal), Decimal(nominal))
            for leaf, nominal in gift_cards
        ]
        names: set[_Name] = set()
        for _index in range(share - len(gift_cards)):
            leaf = rng.choices(goods, weights=goods_weights)[0]
            name = _product_name(rng, leaf)
            for _attempt in range(5):
                if name not in names:
                    break
                name = _product_name(rng, leaf)
            names.add(name)
            items.append((leaf, _render(name, language), _price(rng, *leaf.price_range)))
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
