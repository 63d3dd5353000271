"""Demo promo codes for `manage.py seed_demo`: for each demo brand, a flyer campaign (500 off a receipt of 2,000
or more) with a pool of 1,000 generated single-use codes, and a welcome campaign (10 % off) with one multi-use
code limited to one use per customer. Made through the same services as the admin and the API; the uses are
confirmed by the seed command through the checkout, as a till would send them."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from campaigns.services.campaigns import campaign_save
from demo.data import Language, Text
from loyalty.models import Brand
from promocodes.choices import CodeStatus, PoolKind
from promocodes.models import PromoCode, PromoPool
from promocodes.services.generation import codes_generate
from promocodes.services.pools import pool_save

Log = Callable[[str], None]

FLYER_CAMPAIGN = Text("Flyer: 500 ₽ off from 2,000 ₽", "Листовка: −500 ₽ от 2 000 ₽")
WELCOME_CAMPAIGN = Text("Welcome code −10 %", "Приветственный код −10 %")
FLYER_POOL = Text("Autumn flyer", "Осенняя листовка")
WELCOME_POOL = Text("Welcome code", "Приветственный код")
FLYER_HINT = Text(
    "Add {missing_amount} ₽ more to use your flyer code",
    "Добавьте товаров ещё на {missing_amount} ₽, чтобы применить код с листовки",
)
FLYER_CODES = 1_000
SHOWN_CODES = 5  # the flyer codes `demo_codes` gives per brand
DAYS_AGO = 30
VALID_DAYS = 60

# The demo brand managers run their brands' pools: view, add and change (no delete); they see codes and uses.


@dataclass
class PromoSeedResult:
    pools: int = 0
    codes: int = 0
    flyer_codes: dict[int, list[str]] = field(default_factory=dict)  # brand id → a few unused codes to try
    welcome_codes: dict[int, str] = field(default_factory=dict)  # brand id → its multi-use code


def _code_word(brand: Brand) -> str:
    letters = "".join(word[0] for word in brand.name.upper().split() if word[:1].isascii() and word[:1].isalpha())
    return f"WELCOME{letters or brand.pk}"


@transaction.atomic
def seed_promocodes(
    *,
    brands: Iterable[Brand],
    now: datetime | None = None,
    user: Any = None,
    language: Language = "ru",
    log: Log = lambda _message: None,
) -> PromoSeedResult:
    """The demo pools of `brands`, named in `language`; nothing is made when the brands already have them (in
    either language)."""
    brands = list(brands)
    result = PromoSeedResult()
    pools = PromoPool.objects.filter(brand__in=brands, name__in=FLYER_POOL.every + WELCOME_POOL.every)
    if not brands or pools.exists():
        log("Promo codes: demo pools exist, left as they are.")
        return result
    now = now or timezone.now()
    starts_at = (now - timedelta(days=DAYS_AGO)).replace(microsecond=0)
    for brand in brands:
        flyer = campaign_save(
            campaign=Campaign(
                brand=brand,
                name=FLYER_CAMPAIGN(language),
                status=CampaignStatus.ACTIVE,
                starts_at=starts_at,
                priority=5,
                audience={"type": "all"},
                conditions={"min_total": "2000.00"},
                requires_code=True,
                mechanic={"type": "amount_discount", "amount": "500.00"},
                hint=FLYER_HINT(language),
            ),
            user=user,
        )
        pool = pool_save(
            pool=PromoPool(
                name=FLYER_POOL(language),
                brand=brand,
                campaign=flyer,
                kind=PoolKind.SINGLE_USE,
                prefix="F",
                length=7,
                valid_from=starts_at,
                valid_to=starts_at + timedelta(days=VALID_DAYS),
            )
        )
        codes_generate(pool=pool, count=FLYER_CODES)
        result.flyer_codes[brand.pk] = list(
            PromoCode.objects.filter(pool=pool, status=CodeStatus.ACTIVE).order_by("pk").values_list("code", flat=True)
        )
        welcome = campaign_save(
            campaign=Campaign(
                brand=brand,
                name=WELCOME_CAMPAIGN(language),
                status=CampaignStatus.ACTIVE,
                starts_at=starts_at,
                priority=5,
                audience={"type": "identified"},
                requires_code=True,
                mechanic={"type": "percent_discount", "percent": 10},
            ),
            user=user,
        )
        code = pool_save(
            pool=PromoPool(
                name=WELCOME_POOL(language),
                brand=brand,
                campaign=welcome,
                kind=PoolKind.MULTI_USE,
                code=_code_word(brand),
                max_uses=None,
                max_uses_per_contact=1,
            )
        ).code
        result.welcome_codes[brand.pk] = code
        result.pools += 2
        result.codes += FLYER_CODES + 1
    log(f"Promo codes: {result.pools} pools, {result.codes} codes.")
    return result


def demo_codes(*, brands: Iterable[Brand]) -> PromoSeedResult:
    """The demo codes to try, as a seed gives them: per brand, its first unused flyer codes and its welcome code."""
    result = PromoSeedResult()
    pools = PromoPool.objects.filter(brand__in=list(brands), name__in=FLYER_POOL.every + WELCOME_POOL.every)
    for pool in pools.order_by("brand_id", "pk"):
        if pool.kind == PoolKind.MULTI_USE:
            result.welcome_codes[pool.brand_id] = pool.code
            continue
        result.flyer_codes[pool.brand_id] = list(
            PromoCode.objects.filter(pool=pool, status=CodeStatus.ACTIVE)
            .order_by("pk")
            .values_list("code", flat=True)[:SHOWN_CODES]
        )
    return result


def promo_counts() -> dict[str, int]:
    return {
        "promo pools": PromoPool.objects.count(),
        "promo codes": PromoCode.objects.count(),
        "promo codes used": PromoCode.objects.filter(status=CodeStatus.USED).count(),
    }
