"""Money spent: a purchase's payment less its refunds, the one measure tiers and segment rules both count."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Expression, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from common.models import MoneyField
from common.money import ZERO, quantize
from loyalty.models import Purchase, Refund, SpendDay

_MONEY = MoneyField()


def net_paid() -> Expression:
    """Of the purchase the query is over: money paid (`payable`) less what its refunds gave back."""
    refunded = (
        Refund.objects.filter(purchase=OuterRef("pk"))
        .order_by()
        .values("purchase")
        .annotate(total=Sum("refund_amount"))
        .values("total")
    )
    return F("payable") - Coalesce(Subquery(refunded, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def spend_day(at: datetime) -> date:
    """The day a purchase at `at` counts on in `SpendDay`: its UTC date, whatever the server's or the store's zone."""
    return at.astimezone(UTC).date()


def _day_end(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), UTC)


@cache
def _window_sums_sql(vendor: str, windows: int) -> str:
    """`window_spends`' statement for `windows` windows (one text per database `vendor`): names from the models,
    every value bound. Its first column is the money of the purchases after `until` on `until`'s own day (counted by
    that day's figure, not in any window); then, per window, the figure's days after the start's day up to `until`'s,
    plus the money of the purchases from the start to the end of its day. Each "money of purchases" is their
    `payable` less their refunds (`net_paid`), the refunds summed from the refunds' side."""
    qn = connection.ops.quote_name
    purchase, refund, days = (qn(model._meta.db_table) for model in (Purchase, Refund, SpendDay))
    contact, program, at = qn("contact_id"), qn("program_id"), qn("at")

    def money(low: str) -> str:  # purchases with `at {low} %s` and `at < %s`: what they paid less their refunds
        paid = (
            f"SELECT COALESCE(SUM(p.{qn('payable')}), 0) FROM {purchase} p"  # noqa: S608
            f" WHERE p.{contact} = %s AND p.{program} = %s AND p.{at} {low} %s AND p.{at} < %s"
        )
        refunded = (
            f"SELECT COALESCE(SUM(r.{qn('refund_amount')}), 0) FROM {refund} r"  # noqa: S608
            f" JOIN {purchase} q ON q.{qn('id')} = r.{qn('purchase_id')}"
            f" WHERE q.{contact} = %s AND q.{program} = %s AND q.{at} {low} %s AND q.{at} < %s"
        )
        return f"({paid}) - ({refunded})"

    figure = (
        f"(SELECT COALESCE(SUM(d.{qn('spend')}), 0) FROM {days} d"  # noqa: S608
        f" WHERE d.{contact} = %s AND d.{program} = %s AND d.{qn('day')} > %s AND d.{qn('day')} <= %s)"
    )
    columns = [money(">"), *(f"{figure} + {money('>=')}" for _window in range(windows))]
    return "SELECT " + ", ".join(columns)


def window_spends(*, contact_id: int, program_id: int, starts: list[datetime], until: datetime) -> list[Decimal]:
    """The contact's money spent in the program (net of refunds, as `net_paid`) from each of `starts` to `until`,
    both included: one statement for every window, whatever the number of purchases in it.

    A window is the maintained figure (`SpendDay`) of the days after its start's day up to `until`'s day, less the
    purchases after `until` on that last day, plus the purchases from the start to the end of the first day: only
    the purchases of two days are read. Hand-written because a tier is judged by it on every confirm and on many
    calculates; the exact sum of `SpendDay` and `net_paid` agree on is proven by `spend_differences`."""
    if not starts:
        return []
    adapt_at, adapt_day = connection.ops.adapt_datetimefield_value, connection.ops.adapt_datefield_value
    last = spend_day(until)
    params: list[Any] = [contact_id, program_id, adapt_at(until), adapt_at(_day_end(last))] * 2
    for start in starts:
        first = spend_day(start)
        params += [contact_id, program_id, adapt_day(first), adapt_day(last)]
        params += [contact_id, program_id, adapt_at(start), adapt_at(_day_end(first))] * 2
    with connection.cursor() as cursor:
        cursor.execute(_window_sums_sql(connection.vendor, len(starts)), params)
        later, *sums = (_money(value) for value in cursor.fetchone())
    return [quantize(total - later) for total in sums]


def _money(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(value if isinstance(value, Decimal | int) else str(value))


def _day_sums(rows: QuerySet[Any], of: str, amount: str) -> Iterator[tuple[tuple[int, int, date], Decimal]]:
    """The sums of `amount` per (contact, program, UTC day) of the purchase that `of` leads to ("": the row's own)."""
    grouped = (
        rows.annotate(on=TruncDate(f"{of}at", tzinfo=UTC))
        .values_list(f"{of}contact_id", f"{of}program_id", "on")
        .annotate(total=Sum(amount))
        .order_by()
    )
    for contact_id, program_id, on, total in grouped:
        yield (contact_id, program_id, on), _money(total)


def derived_spend_days(*, contact_ids: list[int] | None = None) -> dict[tuple[int, int, date], Decimal]:
    """`SpendDay` as the purchases and refunds make it: {(contact, program, day): spend}, the days netting to zero
    included. Of `contact_ids` only, when given."""
    purchases = Purchase.objects.filter(contact__isnull=False)
    refunds = Refund.objects.filter(purchase__contact__isnull=False)
    if contact_ids is not None:
        purchases = purchases.filter(contact_id__in=contact_ids)
        refunds = refunds.filter(purchase__contact_id__in=contact_ids)
    days: dict[tuple[int, int, date], Decimal] = {}
    for key, total in _day_sums(purchases, "", "payable"):
        days[key] = days.get(key, ZERO) + total
    for key, total in _day_sums(refunds, "purchase__", "refund_amount"):
        days[key] = days.get(key, ZERO) - total
    return {key: quantize(spend) for key, spend in days.items()}


def spend_differences() -> list[dict[str, Any]]:
    """Every day on which the maintained figure (`SpendDay`) differs from the purchases and refunds:
    `[{"contact", "program", "day", "kept", "derived"}]`; empty when the figure is sound."""
    derived = derived_spend_days()
    kept = {
        (contact_id, program_id, day): quantize(_money(spend))
        for contact_id, program_id, day, spend in SpendDay.objects.values_list(
            "contact_id", "program_id", "day", "spend"
        ).iterator()
    }
    return [
        {"contact": key[0], "program": key[1], "day": key[2], "kept": kept.get(key, ZERO), "derived": value}
        for key in sorted(derived.keys() | kept.keys())
        if (value := derived.get(key, ZERO)) != kept.get(key, ZERO)
    ]
