"""What every metric shares: the period asked for, the brands it covers, and money from confirmed purchases net of
refunds.

Money is what the customer paid (`payable`, a line's `paid`) less what refunds made before the period's end gave
back: the measure tiers and the `total_spent` rule count (`loyalty.selectors.spend`). A purchase refunded in full
(its refunds gave back all it was paid) is no purchase: it counts neither as a visit nor as a buyer. Only
identified purchases (with a contact) make RFM, LTV and churn; ABC/XYZ and BCG count every receipt.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError, InvalidInput
from common.money import ZERO
from common.scoping import user_scope
from loyalty.models import Brand, Purchase, PurchaseLine, Refund, RefundLine

DEFAULT_WINDOW_DAYS = 365
MAX_WINDOW_DAYS = 3660
_MONEY = DecimalField(max_digits=14, decimal_places=2)
_UNITS = DecimalField(max_digits=14, decimal_places=3)


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


# A metric's statement over millions of rows hashes and sorts hundreds of thousands of groups: in the default 4 MB
# of work_mem they spill to disk. And JIT compiles ~140 functions for it (measured: 6 s of CPU), more than it saves.
STATEMENT_SETTINGS = ("SET LOCAL work_mem = '256MB'", "SET LOCAL jit = off")


def big_statement(cursor: Any) -> None:
    """Settings for one big read, for the transaction it runs in (the caller holds one: `transaction.atomic`)."""
    for setting in STATEMENT_SETTINGS:
        cursor.execute(setting)


def day_start(day: date) -> datetime:
    """Midnight at the start of a local day (the project's time zone)."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Period:
    """[start, end): purchases at or after `start` and before `end`. `end` is the moment figures are taken at
    (refunds made after it are not yet known); `last_day`, the local day before it, is what recency counts back from
    in whole calendar days. The API's periods are whole local days, as the dashboards' are: `from` and `to` name
    days (a date-time names its day; `to=2026-11-30` ends with the 30th), and without them the last `window_days`
    (365) days up to today."""

    start: datetime
    end: datetime

    @property
    def last_day(self) -> date:
        return timezone.localdate(self.end - timedelta(microseconds=1))

    @classmethod
    def of_days(cls, first: date, last: date) -> "Period":
        return cls(start=day_start(first), end=day_start(last + timedelta(days=1)))

    @classmethod
    def last_days(cls, days: int = DEFAULT_WINDOW_DAYS, end: datetime | None = None) -> "Period":
        """The `days` local days up to the day of `end` (now), that day included."""
        last = timezone.localdate(end or timezone.now())
        return cls.of_days(last - timedelta(days=days - 1), last)

    @classmethod
    def of(
        cls, *, start: datetime | None = None, end: datetime | None = None, window_days: int | None = None
    ) -> "Period":
        """The days from `start` to `end` (an end at midnight excluded); missing ones from `window_days` and now."""
        last = timezone.localdate(end - timedelta(microseconds=1) if end is not None else timezone.now())
        first = timezone.localdate(start) if start is not None else last - timedelta(days=(window_days or 365) - 1)
        if first > last:
            raise InvalidInput(_("`to` must be after `from`."), fields={"to": [_("Must be after `from`.")]})
        if (last - first).days >= MAX_WINDOW_DAYS:
            message = _("At most %(days)s days.") % {"days": MAX_WINDOW_DAYS}
            raise InvalidInput(message, fields={"from": [message]})
        return cls.of_days(first, last)


def brands_for(user: Any, brand_id: int | None) -> list[int] | None:
    """The brands a metric covers for the user: the one asked for (404 unless the user sees it), or, when none is
    asked for, every brand (None) for unlimited staff; brand-limited staff must name one (400)."""
    scope = user_scope(user)
    if brand_id is None:
        if scope.unlimited:
            return None
        message = _("Choose the brand.")
        raise InvalidInput(message, code="brand_required", fields={"brand": [message]})
    if not Brand.objects.for_user(user).filter(pk=brand_id).exists():
        raise DomainError(_("Unknown brand."), code="not_found", status_code=404)
    return [brand_id]


def by_brands(brand_ids: list[int] | None, path: str = "brand_id") -> Q:
    return Q() if brand_ids is None else Q(**{f"{path}__in": brand_ids})


def refunded_before(end: datetime, purchase: str = "pk") -> Subquery:
    """Money the purchase's refunds made before `end` gave back (NULL when none)."""
    rows = (
        Refund.objects.filter(purchase_id=OuterRef(purchase), at__lt=end)
        .order_by()
        .values("purchase_id")
        .annotate(total=Sum("refund_amount"))
        .values("total")
    )
    return Subquery(rows, output_field=_MONEY)


def counted_purchases(brand_ids: list[int] | None, period: Period, *, identified: bool = True) -> QuerySet[Purchase]:
    """The period's purchases of the brands that count, each with `net` (paid less refunds before the end)."""
    purchases = Purchase.objects.filter(by_brands(brand_ids), at__gte=period.start, at__lt=period.end)
    if identified:
        purchases = purchases.filter(contact_id__isnull=False)
    refunded = refunded_before(period.end)
    return (
        purchases.order_by()
        .annotate(refunded=refunded, net=F("payable") - Coalesce(refunded, Value(ZERO), output_field=_MONEY))
        .filter(Q(refunded__isnull=True) | Q(net__gt=0))
    )


def counted_lines(brand_ids: list[int] | None, period: Period) -> QuerySet[PurchaseLine]:
    """The period's purchase lines of the brands, each with `net` (paid less refunded) and `units` (quantity less
    refunded), refunds made before the end; lines refunded in full are left out."""
    parts = RefundLine.objects.filter(line_id=OuterRef("pk"), refund__at__lt=period.end).order_by().values("line_id")
    money = Subquery(parts.annotate(total=Sum("amount")).values("total"), output_field=_MONEY)
    units = Subquery(parts.annotate(total=Sum("quantity")).values("total"), output_field=_UNITS)
    lines = PurchaseLine.objects.filter(
        by_brands(brand_ids, "purchase__brand_id"), purchase__at__gte=period.start, purchase__at__lt=period.end
    )
    return (
        lines.order_by()
        .annotate(
            net=F("paid") - Coalesce(money, Value(ZERO), output_field=_MONEY),
            units=F("quantity") - Coalesce(units, Value(ZERO), output_field=_UNITS),
        )
        .filter(units__gt=0)
    )


def any_refund(end: datetime) -> Exists:
    return Exists(Refund.objects.filter(purchase_id=OuterRef("pk"), at__lt=end))
