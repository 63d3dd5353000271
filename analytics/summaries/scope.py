"""What an analytics read covers: the user's brands (and the partner, stores and registers asked for) and a period
of whole days.

A period is whole local days, `first` to `last` included: a store's receipts count by its own calendar day, the
ledger's entries by the project's. `from` and `to` name those days (a date-time names its day in the project's
time zone; a `to` at midnight is the day before, as `to=2026-11-30` is read as the end of the 30th). Without them,
the last `window_days` (365) days up to today. The previous period is as many days just before.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.summaries.days import project_day
from common.errors import DomainError, InvalidInput
from common.scoping import user_scope
from loyalty.models import Brand, Partner, Register, Store

DEFAULT_WINDOW_DAYS = 365
MAX_WINDOW_DAYS = 3660


@dataclass(frozen=True)
class Period:
    """Local days `first` to `last`, both included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> "Period":
        return Period(first=self.first - timedelta(days=self.days), last=self.first - timedelta(days=1))

    @classmethod
    def of(
        cls,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        window_days: int | None = None,
        now: datetime | None = None,
    ) -> "Period":
        """The days from `start` to `end` (an end at midnight excluded); missing ones from `window_days` and now."""
        last = project_day(end - timedelta(microseconds=1)) if end is not None else project_day(now or timezone.now())
        window = window_days or DEFAULT_WINDOW_DAYS
        first = project_day(start) if start is not None else last - timedelta(days=window - 1)
        if first > last:
            message = _("Must be after `from`.")
            raise InvalidInput(_("`to` must be after `from`."), fields={"to": [message]})
        if (last - first).days >= MAX_WINDOW_DAYS:
            message = _("At most %(days)s days.") % {"days": MAX_WINDOW_DAYS}
            raise InvalidInput(message, fields={"from": [message]})
        return cls(first=first, last=last)


@dataclass(frozen=True)
class Scope:
    """The brands (None: every brand) and, when asked for, the partner, stores and registers a read covers."""

    brands: list[int] | None
    partner: int | None = None
    stores: list[int] | None = None
    registers: list[int] | None = None
    filters: dict[str, int] = field(default_factory=dict)

    def store_filter(self, prefix: str = "") -> dict[str, Any]:
        """Lookups limiting a store-keyed summary (its `store`, `brand` and `partner` fields) to the scope."""
        lookups: dict[str, Any] = {}
        if self.brands is not None:
            lookups[f"{prefix}brand_id__in"] = self.brands
        if self.stores is not None:
            lookups[f"{prefix}store_id__in"] = self.stores
        if self.registers is not None:
            lookups[f"{prefix}register_id__in"] = self.registers
        return lookups


def not_found(message: str) -> DomainError:
    """404 `not_found`: an object the user may not see is one that does not exist, for them."""
    return DomainError(message, code="not_found", status_code=404)


def brands_of(user: Any, brand_id: int | None, *, required: bool = True) -> list[int] | None:
    """The brands a read covers for the user: the one asked for (404 unless theirs); with none asked for, every brand
    (None) for unlimited staff, and for brand-limited staff their brands, or 400 `brand_required` when `required`
    (the API: "brand is required for brand-limited staff")."""
    if brand_id is not None:
        if not Brand.objects.for_user(user).filter(pk=brand_id).exists():
            raise not_found(_("Unknown brand."))
        return [brand_id]
    scope = user_scope(user)
    if scope.unlimited:
        return None
    if required:
        message = _("Choose the brand.")
        raise InvalidInput(message, code="brand_required", fields={"brand": [message]})
    return sorted(scope.brand_ids or ())


def scope_of(
    user: Any,
    *,
    brand: int | None = None,
    partner: int | None = None,
    store: int | None = None,
    register: int | None = None,
    brand_required: bool = True,
) -> Scope:
    """The scope of a read: the brands as `brands_of` says, narrowed to the partner, store and register asked for
    (each 404 unless the user sees it and it belongs to the brands)."""
    brands = brands_of(user, brand, required=brand_required and store is None and register is None)
    stores = Store.objects.for_user(user)
    if brands is not None:
        stores = stores.filter(brand_id__in=brands)
    narrowed: list[int] | None = None
    if partner is not None:
        if not Partner.objects.for_user(user).filter(pk=partner).exists():
            raise not_found(_("Unknown partner."))
        narrowed = list(stores.filter(partner_id=partner).values_list("pk", flat=True))
    if store is not None:
        found = stores.filter(pk=store).values_list("pk", "brand_id").first()
        if found is None:
            raise not_found(_("Unknown store."))
        narrowed = [store] if narrowed is None or store in narrowed else []
        brands = brands if brands is not None else [found[1]]
    registers: list[int] | None = None
    if register is not None:
        registers_seen = Register.objects.for_user(user).filter(store__in=stores)
        found = registers_seen.filter(pk=register).values_list("pk", "store__brand_id").first()
        if found is None:
            raise not_found(_("Unknown register."))
        registers = [register]
        brands = brands if brands is not None else [found[1]]
    filters = {key: value for key, value in (("brand", brand), ("partner", partner), ("store", store)) if value}
    if register:
        filters["register"] = register
    return Scope(brands=brands, partner=partner, stores=narrowed, registers=registers, filters=filters)
