"""Helpers of the promo code tests: a campaign that needs a code, pools saved through `pool_save`, codes made by
`codes_generate` or imported, and row counts of everything the promo code app writes."""

import time
from typing import Any

from django.db.models import Model
from django.utils import timezone

from campaigns.models import Campaign
from loyalty.models import Brand
from promocodes.models import AttemptBlock, AttemptCounter, CodeUse, GenerationJob, PromoCode, PromoPool
from promocodes.services.generation import codes_generate
from promocodes.services.pools import pool_save
from promocodes.services.transfer import codes_import
from tests.campaigns.test_pos_campaigns import save_campaign

PROMO_MODELS: tuple[type[Model], ...] = (PromoPool, PromoCode, CodeUse, GenerationJob, AttemptCounter, AttemptBlock)


def coded_campaign(brand: Brand, **fields: Any) -> Campaign:
    """An active campaign of the brand that only a code unlocks: 10 % off everything unless told otherwise."""
    return save_campaign(brand, **{"name": "Code ten off", "requires_code": True, **fields})


def single_pool(campaign: Campaign, *, codes: list[str] | None = None, generate: int = 0, **fields: Any) -> PromoPool:
    """A single-use pool of the campaign; `codes` imported as they are, `generate` more drawn at random."""
    values: dict[str, Any] = {"name": "Flyers", "kind": "single_use", "length": 8, **fields}
    pool = pool_save(pool=PromoPool(brand=campaign.brand, campaign=campaign, **values))
    if codes:
        report = codes_import(pool=pool, content="\n".join(codes))
        assert report["error_count"] == 0, report
    if generate:
        codes_generate(pool=pool, count=generate)
    pool.refresh_from_db()
    return pool


def multi_pool(campaign: Campaign, code: str = "WELCOME10", **fields: Any) -> PromoPool:
    """A multi-use pool of the campaign with its one code."""
    values: dict[str, Any] = {"name": "Welcome", "kind": "multi_use", "code": code, **fields}
    return pool_save(pool=PromoPool(brand=campaign.brand, campaign=campaign, **values))


def code_of(code: str) -> PromoCode:
    return PromoCode.objects.get(code=code)


def promo_written() -> dict[str, int]:
    """Row counts of every model of the promo code app."""
    return {model.__name__: model._default_manager.count() for model in PROMO_MODELS}


def within_one_minute(seconds: int = 10) -> None:
    """Wait for the next clock minute unless `seconds` are left of this one: unknown codes are counted per clock
    minute, so a test's requests must not straddle two."""
    now = timezone.now()
    left = 60 - now.second - now.microsecond / 1_000_000
    if left < seconds:
        time.sleep(left + 0.05)
