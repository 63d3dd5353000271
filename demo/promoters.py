"""The demo's promoters: a stand per brand, open for the next month, where the demo manager captures leads at their
brand's stand and a demo promoter at every stand, and a `lead_captured` trigger per brand that sends a welcome SMS.
Safe to run again: stands and triggers that exist are left as they are."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from access.services import staff_user_set_roles
from campaigns.messaging.models import Trigger
from campaigns.messaging.services.triggers import trigger_save
from demo.base import MANAGER_USERNAME, Log
from demo.data import MANAGER_BRAND, Language, Text
from loyalty.models import Brand
from promoters.models import Stand
from promoters.services import stand_save

PROMOTER_USERNAME = PROMOTER_PASSWORD = "promoter"
WELCOME_TRIGGER = Text("Welcome SMS at the stand", "Приветственное SMS на стенде")
WELCOME_SMS = Text(
    "{% if contact.first_name %}{{ contact.first_name }}, w{% else %}W{% endif %}elcome to our loyalty program! "
    "Your balance is {{ balance }} points.",
    "{% if contact.first_name %}{{ contact.first_name }}, д{% else %}Д{% endif %}обро пожаловать в программу "
    "лояльности! На вашем счёте {{ balance }} баллов.",
)
STAND_NAME = Text("{brand}: stand at the fair", "{brand}: стенд на ярмарке")
STAND_EVENT = Text("Autumn fair", "Осенняя ярмарка")
STAND_PLACE = Text("Hall 3, stand 12", "Павильон 3, место 12")


@dataclass
class PromoterSeed:
    stands: dict[int, str] = field(default_factory=dict)  # brand id -> stand code


def _promoter(brands: list[Brand]) -> Any:
    """The demo promoter: the promoter role, in every demo brand (so that it may stand at each brand's stand)."""
    users = get_user_model().objects
    user = users.filter(username=PROMOTER_USERNAME).first()
    if user is None:  # (a demo password, as the admin's and the manager's: made without the validators)
        user = users.create_user(
            PROMOTER_USERNAME, "promoter@example.com", PROMOTER_PASSWORD, is_staff=True, first_name="Пётр"
        )
    staff_user_set_roles(user=user, roles=["promoter"])
    user.managed_brands.add(*brands)
    return user


def seed_promoters(
    *, brands: Iterable[Brand], language: Language = "ru", log: Log = lambda _message: None
) -> PromoterSeed:
    brands = list(brands)
    result = PromoterSeed()
    promoter = _promoter(brands)
    manager = get_user_model().objects.filter(username=MANAGER_USERNAME).first()
    if manager is not None:
        manager.groups.add(Group.objects.get(name="promoter"))  # a marketer and support who also stands at a stand
    now = timezone.now()
    for number, brand in enumerate(sorted(brands, key=lambda brand: brand.pk), start=1):
        code = f"fair-{number}"
        result.stands[brand.pk] = code
        if not Stand.objects.filter(code=code).exists():
            people = [promoter] + ([manager] if manager is not None and brand.name == MANAGER_BRAND else [])
            stand_save(
                stand=Stand(),
                data={
                    "brand": brand,
                    "name": STAND_NAME(language).format(brand=brand.name),
                    "code": code,
                    "event": STAND_EVENT(language),
                    "place": STAND_PLACE(language),
                    "starts_at": now - timedelta(days=1),
                    "ends_at": now + timedelta(days=30),
                    "promoters": people,
                    "welcome_points": Decimal("200"),
                    "consent_version": "2025-09",
                },
            )
            log(f"Stand {code} of {brand.name}.")
        if not Trigger.objects.filter(brand=brand, event="lead_captured").exists():
            trigger_save(
                trigger=Trigger(),
                data={
                    "name": WELCOME_TRIGGER(language),
                    "brand": brand,
                    "event": "lead_captured",
                    "channel": "sms",
                    "template": WELCOME_SMS(language),
                },
            )
    return result
