"""`manage.py seed_demo --language ru|en` (names in one language, the same codes in both, a rerun in either adds
nothing), `--print-keys` (a new demo register key and the demo codes, nothing seeded) and the progress lines."""

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from campaigns.messaging.models import Trigger
from campaigns.models import Campaign, ProductSegment, Segment
from demo.base import Progress
from demo.campaigns import BIRTHDAY_SEGMENT, CAMPAIGN_NAMES, SHAMPOO_SEGMENT
from demo.promocodes import FLYER_POOL, WELCOME_POOL
from demo.promoters import STAND_EVENT, WELCOME_TRIGGER
from loyalty.models import CardType, Category, Product, Program, Register, Store, Tier, hash_api_key
from loyalty.services.registers import register_by_key
from promocodes.choices import CodeStatus, PoolKind
from promocodes.models import PromoCode, PromoPool
from promoters.models import Stand
from tests.demo.seeding import seed

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
NAMES = {
    "ru": {
        "programs": {"Клуб", "Баллы красоты"},
        "tiers": {"Бронза", "Серебро", "Золото"},
        "card types": {"Стандартная", "VIP"},
        "roots": {
            "Уход за волосами", "Уход за кожей", "Макияж", "Парфюмерия", "Бытовая химия", "Продукты",
            "Подарочные карты",
        },
    },
    "en": {
        "programs": {"Club", "Beauty Points"},
        "tiers": {"Bronze", "Silver", "Gold"},
        "card types": {"Standard", "VIP"},
        "roots": {"Hair care", "Skin care", "Makeup", "Fragrance", "Household", "Groceries", "Gift cards"},
    },
}  # fmt: skip
NAMED: list[Any] = [
    Program, Tier, CardType, Category, Product, Campaign, ProductSegment, Segment, PromoPool, Stand, Trigger,
]  # fmt: skip


def names(model) -> set[str]:
    return set(model.objects.values_list("name", flat=True))


def every_name() -> dict[str, list[tuple[int, str]]]:
    return {model.__name__: list(model.objects.order_by("pk").values_list("pk", "name")) for model in NAMED}


def api_key(output: str) -> str:
    keys = [word for word in output.split() if word.startswith("rk_")]
    assert len(keys) == 1
    return keys[0]


# --language


@pytest.mark.parametrize("language", ["ru", "en"])
def test_seed_demo_names_everything_in_the_chosen_language(language):
    # when
    seed(language=language)

    # then
    expected = NAMES[language]
    assert names(Program) == expected["programs"]
    assert names(Tier) == expected["tiers"]
    assert names(CardType) == expected["card types"]
    assert set(Category.objects.filter(parent=None).values_list("name", flat=True)) == expected["roots"]
    assert set(Campaign.objects.filter(requires_code=False).values_list("name", flat=True)) == {
        name(language) for name in CAMPAIGN_NAMES
    }
    assert SHAMPOO_SEGMENT(language) in names(ProductSegment)
    assert names(Segment) == {BIRTHDAY_SEGMENT(language)}
    assert names(PromoPool) == {FLYER_POOL(language), WELCOME_POOL(language)}
    assert set(Stand.objects.values_list("event", flat=True)) == {STAND_EVENT(language)}
    assert names(Trigger) == {WELCOME_TRIGGER(language)}
    products = list(Product.objects.select_related("brand"))
    assert len(products) == 60
    if language == "ru":
        assert all(CYRILLIC.match(product.name) for product in products)
    else:  # only the brands' names (on gift cards) are in Russian
        russian = [item.name for item in products if CYRILLIC.search(item.name.replace(item.brand.name, ""))]
        assert russian == []
    # every product has its list price
    assert all(product.price is not None and product.price > 0 for product in products)


def test_the_same_seed_makes_the_same_products_and_codes_in_either_language():
    # given
    seed(language="ru", code_receipts=0)
    russian = list(Product.objects.order_by("brand_id", "sku").values_list("sku", "price", "name"))
    stores = list(Store.objects.order_by("pk").values_list("code", flat=True))
    registers = list(Register.objects.order_by("pk").values_list("code", flat=True))
    Product.objects.all().delete()

    # when
    seed(language="en", code_receipts=0)

    # then: the same SKUs at the same prices, under English names
    english = list(Product.objects.order_by("brand_id", "sku").values_list("sku", "price", "name"))
    assert [(sku, price) for sku, price, _name in english] == [(sku, price) for sku, price, _name in russian]
    assert all(ru != en for (_sku, _price, ru), (_sku2, _price2, en) in zip(russian, english, strict=True))
    assert list(Store.objects.order_by("pk").values_list("code", flat=True)) == stores
    assert list(Register.objects.order_by("pk").values_list("code", flat=True)) == registers


@pytest.mark.parametrize(("first", "second"), [("ru", "en"), ("en", "ru")])
def test_a_run_in_the_other_language_adds_and_renames_nothing(first, second):
    # given
    seed(language=first)
    before = every_name()

    # when
    output = seed(language=second)

    # then
    assert every_name() == before
    present = output.split("Already present, left as they were: ")[1].splitlines()[0].rstrip(".").split(", ")
    assert {"products", "contacts", "campaigns", "promo codes"} <= set(present)
    assert names(Tier) == NAMES[first]["tiers"]


# --print-keys


def test_print_keys_gives_the_demo_register_a_new_key_and_prints_the_codes_without_seeding():
    # given
    old_key = api_key(seed())
    before = every_name() | {"codes": list(PromoCode.objects.order_by("pk").values_list("pk", "status"))}

    # when
    out = StringIO()
    call_command("seed_demo", print_keys=True, stdout=out)
    output = out.getvalue()

    # then: a key that authenticates the demo register (its stored hash is the key's), the old one no longer does
    key = api_key(output)
    register = Register.objects.select_related("store").order_by("pk").first()
    assert register is not None
    assert register.api_key_hash == hash_api_key(key)
    assert register_by_key(key) == register
    assert register_by_key(old_key) is None
    assert f"register {register.code} at store {register.store.code}" in output
    # the codes: each brand's welcome code and an unused flyer code
    assert output.count("Promo codes of brand") == 3
    for pool in PromoPool.objects.filter(kind=PoolKind.MULTI_USE):
        line = next(text for text in output.splitlines() if text.startswith(f"Promo codes of brand {pool.brand_id}:"))
        assert f"welcome {pool.code} " in line
        flyer = line.split("flyer ")[1].split()[0]
        assert PromoCode.objects.get(code=flyer, pool__brand=pool.brand_id).status == CodeStatus.ACTIVE
    # nothing else: no stage ran, nothing was made or changed
    assert "…" not in output
    assert every_name() | {"codes": list(PromoCode.objects.order_by("pk").values_list("pk", "status"))} == before


def test_print_keys_without_a_demo_says_so():
    with pytest.raises(CommandError, match=r"run `manage\.py seed_demo` first"):
        call_command("seed_demo", print_keys=True, stdout=StringIO())


# progress


def test_seed_demo_prints_each_stage_and_the_counts_as_it_goes():
    # when
    output = seed(purchases=20, code_receipts=0)

    # then: in order, before the summary
    stages = [
        "Programs, brands, stores and registers…",
        "Catalogue…",
        "Contacts…",
        "Contacts 300/300…",
        "Saving contacts, enrollments and cards…",
        "Purchases…",
        "Purchases 20/20…",
        "Campaigns and segments…",
        "Promo codes…",
        "Receipts with the promo codes…",
        "Promoters' stands…",
    ]
    lines = output.splitlines()
    assert [line for line in lines if line.endswith("…")] == stages
    assert lines.index("Promoters' stands…") < next(i for i, line in enumerate(lines) if line.startswith("Demo data"))


def test_seed_demo_prints_no_progress_at_verbosity_0():
    # when
    output = seed(verbosity=0)

    # then
    assert not [line for line in output.splitlines() if line.endswith("…")]
    assert "/admin/" in output


def test_progress_counts_at_most_every_few_seconds_and_at_the_end():
    # given: a clock that moves a second per item
    lines: list[str] = []
    clock = iter(range(100))
    progress = Progress(lines.append, every=3, clock=lambda: next(clock))

    # when
    progress.stage("Contacts")
    for done in range(1000, 10001, 1000):
        progress.count("Contacts", done, 10000)

    # then
    assert lines == [
        "Contacts…",
        "Contacts 3,000/10,000…",
        "Contacts 6,000/10,000…",
        "Contacts 9,000/10,000…",
        "Contacts 10,000/10,000…",
    ]
