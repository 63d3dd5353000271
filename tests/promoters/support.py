"""Helpers of the promoters' tests: a brand with a card type, a stand open now, promoters with the role, a lead."""

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from access.services import staff_user_create
from loyalty.models import Brand
from promoters.models import Stand
from promoters.services import stand_save
from tests.factories import BrandFactory, CardTypeFactory


def brand_with_cards(name: str = "Fair brand") -> Brand:
    brand = BrandFactory(name=name)
    CardTypeFactory(program=brand.program, name="Standard", number_prefix="2777")
    return brand


def promoter(brand: Brand, username: str = "promo") -> Any:
    """A staff user with the promoter role who works in the brand (as `staff-users` makes one)."""
    return staff_user_create(
        data={
            "username": username,
            "password": "correct-horse-battery-staple",
            "brands": [brand.pk],
            "roles": ["promoter"],
        }
    )


def stand(brand: Brand, *, code: str = "expo", promoters: list[Any] | None = None, **fields: Any) -> Stand:
    now = timezone.now()
    data: dict[str, Any] = {
        "brand": brand,
        "name": f"Stand {code}",
        "code": code,
        "event": "Autumn fair",
        "place": "Hall B",
        "starts_at": now - timedelta(hours=2),
        "ends_at": now + timedelta(hours=6),
        "welcome_points": Decimal("100"),
        "promoters": promoters or [],
        **fields,
    }
    return stand_save(stand=Stand(), data=data)


def lead_body(stand_code: str = "expo", **fields: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "stand": stand_code,
        "phone": "+7 (916) 555-12-34",
        "first_name": "Anna",
        "email": "anna@example.com",
        "birth_date": "1990-05-17",
        "consent_terms": True,
        "consent_marketing": True,
        "consent_version": "2025-03",
        **fields,
    }
