"""What the demo's parts share: the options, the organisation they hang their data on, the users' names, seeded
randomness."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from loyalty.models import (
    Brand,
    CardType,
    Partner,
    Program,
    Register,
    Store,
    Tier,
)

BATCH_SIZE = 2000
BLACKLIST_PHONES = 20
BLACKLIST_EMAILS = 10

ADMIN_USERNAME = ADMIN_PASSWORD = "admin"
MANAGER_USERNAME = MANAGER_PASSWORD = "manager"
# The demo manager's roles (access.roles): campaigns, codes and the catalogue; contacts and points.
MANAGER_ROLES = ("marketer", "support")

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
