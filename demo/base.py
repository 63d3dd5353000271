"""What the demo's parts share: the options, the organisation they hang their data on, the users' names, seeded
randomness."""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet

from demo.data import Language, Text
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
    language: Language = "ru"  # the names of tiers, card types, categories, products, campaigns ...


@dataclass
class Org:
    """The organisation objects the later parts hang their data on, by the keys of `demo.data` (programs, tiers and
    card types: whatever their names' language) and brands by name."""

    programs: dict[str, Program]  # by program key
    brands: dict[str, Brand]
    partners: list[Partner]
    stores: list[Store]
    tiers: dict[tuple[str, str], Tier]  # by (program key, tier key)
    card_types: dict[tuple[str, str], CardType]  # by (program key, card type key)
    language: Language = "ru"


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


class Progress:
    """The progress lines of a long seed: one as each stage starts, and a count at most every `every` seconds (and
    at the end), so that the lines cost nothing and do not scroll away."""

    def __init__(
        self, write: Log = lambda _message: None, *, every: float = 3.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._write = write
        self._every = every
        self._clock = clock
        self._last = clock()

    def stage(self, text: str) -> None:
        self._write(f"{text}…")
        self._last = self._clock()

    def count(self, what: str, done: int, total: int) -> None:
        now = self._clock()
        if done < total and now - self._last < self._every:
            return
        self._write(f"{what} {done:,}/{total:,}…")
        self._last = now


def named[ModelT: Model](
    queryset: QuerySet[ModelT], *, name: Text, language: Language, defaults: dict[str, Any] | None = None, **lookup: Any
) -> ModelT:
    """The object a run made under either language's name (so a rerun in the other language adds nothing), else a
    new one under `language`'s."""
    found = queryset.filter(name__in=name.every, **lookup).first()
    if found is not None:
        return found
    return queryset.get_or_create(name=name(language), defaults=defaults or {}, **lookup)[0]
