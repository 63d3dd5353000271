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
from demo.data import MANAGER_BRAND
from loyalty.models import Brand
from promoters.models import Stand
from promoters.services import stand_save

PROMOTER_USERNAME = PROMOTER_PASSWORD = "promoter"
WELCOME_TRIGGER = "Welcome SMS at the stand"
WELCOME_SMS = (
    "{% if contact.first_name %}{{ contact.first_name }}, д{% else %}Д{% endif %}обро пожаловать в программу "
    "лояльности! На вашем счёте {{ balance }} баллов."
)


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


def seed_promoters(*, brands: Iterable[Brand], log: Log = lambda _message: None) -> PromoterSeed:
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
                    "name": f"{brand.name}: стенд на ярмарке",
                    "code": code,
                    "event": "Осенняя ярмарка",
                    "place": "Павильон 3, место 12",
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
                    "name": WELCOME_TRIGGER,
                    "brand": brand,
                    "event": "lead_captured",
                    "channel": "sms",
                    "template": WELCOME_SMS,
                },
            )
    return result
