"""Demo campaigns for `manage.py seed_demo`: the promotions a beauty and household chain would run.

For each demo brand, through the same services as the admin and the API (`product_segment_save`, `campaign_save`):
1+1=3 on shampoos, 50 % off every third item of a category, 1 point per 100 roubles, double points for Gold, a
birthday-week discount for the segment "Birthday this week" (its rule: the contacts whose birthday falls in the
coming seven days) and an exclusive clearance sale (hair colour, or a few SKUs). All active from
30 days ago, with no end.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from campaigns.choices import CampaignStatus, Combine
from campaigns.models import Campaign, ProductSegment, Segment
from campaigns.segments.membership import segment_recompute_counts
from campaigns.services.campaigns import campaign_save, product_segment_save
from campaigns.services.segments import segment_save
from demo import data
from demo.catalogue import CATALOGUE
from demo.data import Language, Text
from loyalty.models import Brand, Category, Product, Program, Tier

Log = Callable[[str], None]

CAMPAIGN_DAYS_AGO = 30
BIRTHDAY_SEGMENT = Text("Birthday this week", "День рождения на этой неделе")
BIRTHDAY_WINDOW_DAYS = 7  # today and the six days after it
BIRTHDAY_RULES = {"all": [{"field": "birthday_in_days", "op": "lte", "value": BIRTHDAY_WINDOW_DAYS - 1}]}

SHAMPOO = (data.HAIR_CARE, data.SHAMPOO)
CLEARANCE = (data.HAIR_CARE, data.HAIR_COLOUR)
CLEARANCE_FALLBACK_SKUS = 5  # when the brand sells no hair colour: its first SKUs outside the shampoos
# Every third item at half price: the first of these categories the brand sells.
NTH_ITEM_CATEGORIES = [(data.MAKEUP, data.LIPS), (data.SKIN_CARE, data.BODY), (data.HOUSEHOLD, data.LAUNDRY)]

SHAMPOO_CAMPAIGN = Text("Shampoo 1+1=3", "Шампуни 1+1=3")
NTH_ITEM_CAMPAIGN = Text("Every third item −50 %", "Каждый третий товар −50 %")
POINTS_CAMPAIGN = Text("1 point per 100 ₽", "1 балл за каждые 100 ₽")
GOLD_CAMPAIGN = Text("Double points for Gold", "Двойные баллы для уровня «Золото»")
BIRTHDAY_CAMPAIGN = Text("Birthday week −15 %", "Неделя дня рождения −15 %")
CLEARANCE_CAMPAIGN = Text("Clearance −30 %", "Распродажа −30 %")
SHAMPOO_HINT = Text(
    "Add {missing_quantity} more shampoo and the cheapest one is free",
    "Добавьте ещё {missing_quantity} шт. шампуня, и самый дешёвый будет бесплатно",
)
NTH_ITEM_HINT = Text(
    "Add {missing_quantity} more and the cheapest is half price",
    "Добавьте ещё {missing_quantity} шт., и самый дешёвый будет за полцены",
)
SHAMPOO_SEGMENT = Text("Shampoos", "Шампуни")
NTH_ITEM_SEGMENT = Text("{category}: every third item", "{category}: каждый третий товар")
CLEARANCE_SEGMENT = Text("Clearance: hair colour", "Распродажа: краски для волос")
CLEARANCE_FALLBACK_SEGMENT = Text("Clearance: last items", "Распродажа: последние штуки")
CAMPAIGN_NAMES = [
    SHAMPOO_CAMPAIGN,
    NTH_ITEM_CAMPAIGN,
    POINTS_CAMPAIGN,
    GOLD_CAMPAIGN,
    BIRTHDAY_CAMPAIGN,
    CLEARANCE_CAMPAIGN,
]

# The demo brand managers run their brand's campaigns: view, add and change (no delete).


@dataclass
class CampaignSeedResult:
    campaigns: int = 0
    product_segments: int = 0
    segments: int = 0
    birthday_members: int = 0


def days_to_birthday(birth_date: date, today: date) -> int:
    """Days from `today` to the next birthday (0 = today); 29 February is celebrated on the 28th in other years."""

    def in_year(year: int) -> date:
        try:
            return birth_date.replace(year=year)
        except ValueError:
            return date(year, 2, 28)

    upcoming = in_year(today.year)
    if upcoming < today:
        upcoming = in_year(today.year + 1)
    return (upcoming - today).days


def _category(root: Text, middle: Text) -> Category | None:
    """The demo category, whichever language the catalogue was seeded in."""
    return Category.objects.filter(
        name__in=middle.every, parent__name__in=root.every, parent__parent__isnull=True
    ).first()


def _product_segment(
    brand: Brand, name: str, category: Category | None = None, skus: list[str] | None = None
) -> ProductSegment:
    return product_segment_save(
        segment=ProductSegment(),
        data={"brand": brand, "name": name, "skus": skus or []},
        categories=[category] if category else [],
    )


def _clearance_segment(brand: Brand, roots: set[Text], language: Language) -> ProductSegment | None:
    """Hair colour when the brand sells it, else a few of its SKUs (not shampoos, not excluded goods)."""
    products = Product.objects.filter(brand=brand)
    category = _category(*CLEARANCE) if CLEARANCE[0] in roots else None
    if category is not None and products.filter(category__path__startswith=category.path).exists():
        return _product_segment(brand, CLEARANCE_SEGMENT(language), category)
    shampoo = _category(*SHAMPOO)
    if shampoo is not None:
        products = products.exclude(category__path__startswith=shampoo.path)
    skus = list(
        products.filter(accrual_excluded=False, redemption_excluded=False)
        .order_by("sku")
        .values_list("sku", flat=True)[:CLEARANCE_FALLBACK_SKUS]
    )
    return _product_segment(brand, CLEARANCE_FALLBACK_SEGMENT(language), skus=skus) if skus else None


def birthday_segment(*, program: Program, now: datetime, language: Language = "ru") -> tuple[Segment, int]:
    """The program's "Birthday this week" segment, recomputed from its rule: the contacts whose birthday is in the
    coming week enter it (and its weekly schedule keeps it current)."""
    segment = Segment.objects.filter(program=program, name__in=BIRTHDAY_SEGMENT.every).first()
    if segment is None:
        segment = segment_save(
            segment=Segment(),
            data={
                "name": BIRTHDAY_SEGMENT(language),
                "program": program,
                "rules": BIRTHDAY_RULES,
                "recompute_minutes": 60,
            },
        )
    entered = segment_recompute_counts(segment=segment, now=now).entered
    segment.refresh_from_db()
    return segment, entered


def _brand_campaigns(
    *, brand: Brand, roots: set[Text], birthday: Segment, starts_at: datetime, user: Any, language: Language
) -> tuple[list[Campaign], int]:
    """The six campaigns of one brand (those whose goods the brand sells); returns them and the segments made."""
    made: list[Campaign] = []
    segments = 0

    def add(name: Text, mechanic: dict[str, Any], **fields: Any) -> None:
        campaign = Campaign(
            brand=brand,
            name=name(language),
            status=CampaignStatus.ACTIVE,
            starts_at=starts_at,
            ends_at=None,
            audience=fields.pop("audience", {"type": "all"}),
            mechanic=mechanic,
            **fields,
        )
        made.append(campaign_save(campaign=campaign, user=user))

    shampoo = _category(*SHAMPOO) if SHAMPOO[0] in roots else None
    if shampoo is not None:
        segments += 1
        add(
            SHAMPOO_CAMPAIGN,
            {"type": "buy_n_get_m", "buy": 2, "get": 1},
            priority=20,
            product_segment=_product_segment(brand, SHAMPOO_SEGMENT(language), shampoo),
            hint=SHAMPOO_HINT(language),
        )
    nth = next(
        (category for root, middle in NTH_ITEM_CATEGORIES if root in roots and (category := _category(root, middle))),
        None,
    )
    if nth is not None:
        segments += 1
        add(
            NTH_ITEM_CAMPAIGN,
            {"type": "nth_item_discount", "n": 3, "percent": 50},
            priority=10,
            product_segment=_product_segment(brand, NTH_ITEM_SEGMENT(language).format(category=nth.name), nth),
            hint=NTH_ITEM_HINT(language),
        )
    add(POINTS_CAMPAIGN, {"type": "points_per_amount", "points": 1, "per": 100})
    gold = Tier.objects.filter(program_id=brand.program_id, name__in=data.TIER_NAMES[data.GOLD].every).first()
    if gold is not None:
        add(GOLD_CAMPAIGN, {"type": "points_multiplier", "factor": 2}, audience={"type": "tiers", "tiers": [gold.pk]})
    add(
        BIRTHDAY_CAMPAIGN,
        {"type": "percent_discount", "percent": 15},
        priority=15,
        audience={"type": "segment", "segment": birthday.pk},
    )
    clearance = _clearance_segment(brand, roots, language)
    if clearance is not None:
        segments += 1
        add(
            CLEARANCE_CAMPAIGN,
            {"type": "percent_discount", "percent": 30},
            priority=100,
            combine=Combine.EXCLUSIVE,
            product_segment=clearance,
        )
    return made, segments


@transaction.atomic
def seed_campaigns(
    *,
    brands: Iterable[Brand],
    roots: dict[str, list[Text]] | None = None,
    now: datetime | None = None,
    user: Any = None,
    language: Language = "ru",
    log: Log = lambda _message: None,
) -> CampaignSeedResult:
    """The demo campaigns of `brands`, named in `language` (`roots`: the catalogue roots each brand sells, by brand
    name; all by default). Nothing is made when the brands already have any of the demo campaigns, in either
    language."""
    brands = list(brands)
    result = CampaignSeedResult()
    names = [name for text in CAMPAIGN_NAMES for name in text.every]
    if not brands or Campaign.objects.filter(brand__in=brands, name__in=names).exists():
        log("Campaigns: demo campaigns exist, left as they are.")
        return result
    now = now or timezone.now()
    starts_at = (now - timedelta(days=CAMPAIGN_DAYS_AGO)).replace(microsecond=0)
    all_roots = set(CATALOGUE)
    birthdays: dict[int, Segment] = {}
    for brand in brands:
        if brand.program_id not in birthdays:
            segment, added = birthday_segment(program=brand.program, now=now, language=language)
            birthdays[brand.program_id] = segment
            result.segments += 1
            result.birthday_members += added
        brand_roots = set(roots[brand.name]) if roots and brand.name in roots else all_roots
        made, segments = _brand_campaigns(
            brand=brand,
            roots=brand_roots,
            birthday=birthdays[brand.program_id],
            starts_at=starts_at,
            user=user,
            language=language,
        )
        result.campaigns += len(made)
        result.product_segments += segments
    log(
        f"Campaigns: {result.campaigns} made, {result.product_segments} product segments, "
        f"{result.birthday_members} contacts with a birthday this week."
    )
    return result


def campaign_counts() -> dict[str, int]:
    """Figures for the seed summary, over the whole database."""
    return {
        "campaigns": Campaign.objects.count(),
        "active campaigns": Campaign.objects.filter(status=CampaignStatus.ACTIVE).count(),
        "product segments": ProductSegment.objects.count(),
        "customer segments": Segment.objects.count(),
    }
