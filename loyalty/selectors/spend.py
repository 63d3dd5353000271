"""Money spent: a purchase's payment less its refunds, the one measure tiers and segment rules both count."""

from datetime import datetime
from decimal import Decimal
from functools import cache

from django.db import connection
from django.db.models import Expression, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from common.models import MoneyField
from common.money import ZERO, quantize
from loyalty.models import Purchase, Refund

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


@cache
def _window_sums_sql(vendor: str, windows: int) -> str:
    """`window_spends`' statement for `windows` windows (one text per database `vendor`): names from the models,
    every value bound. Each window's sum is the money paid (`payable`) of the purchases at or after its start, less
    the refunds of those purchases (`net_paid`). The refunds are summed from the refunds' side (few, against every
    purchase of a frequent customer), not probed for each purchase: 0.9 -> 0.3 ms at 700 purchases."""
    qn = connection.ops.quote_name
    purchase, refund = qn(Purchase._meta.db_table), qn(Refund._meta.db_table)
    refunded = (
        f"(SELECT SUM(r.{qn('refund_amount')}) FROM {refund} r"  # noqa: S608
        f" JOIN {purchase} q ON q.{qn('id')} = r.{qn('purchase_id')}"
        f" WHERE q.{qn('contact_id')} = %s AND q.{qn('program_id')} = %s AND q.{qn('at')} >= %s AND q.{qn('at')} <= %s)"
    )
    sums = ", ".join(
        f"COALESCE(SUM(CASE WHEN p.{qn('at')} >= %s THEN p.{qn('payable')} END), 0) - COALESCE({refunded}, 0)"
        for _window in range(windows)
    )
    return (
        f"SELECT {sums} FROM {purchase} p WHERE p.{qn('contact_id')} = %s AND p.{qn('program_id')} = %s"  # noqa: S608
        f" AND p.{qn('at')} >= %s AND p.{qn('at')} <= %s"
    )


def window_spends(*, contact_id: int, program_id: int, starts: list[datetime], until: datetime) -> list[Decimal]:
    """The contact's money spent in the program (net of refunds, as `net_paid`) from each of `starts` to `until`,
    both included: one statement for every window. Hand-written because a tier is judged by it on every confirm
    and on many calculates, and the ORM's compilation of the same aggregate took ten times the query's own time."""
    if not starts:
        return []
    adapt = connection.ops.adapt_datetimefield_value
    params = [
        *(value for start in starts for value in (adapt(start), contact_id, program_id, adapt(start), adapt(until))),
        *(contact_id, program_id, adapt(min(starts)), adapt(until)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_window_sums_sql(connection.vendor, len(starts)), params)
        row = cursor.fetchone()
    return [
        ZERO if value is None else quantize(value if isinstance(value, Decimal | int) else str(value)) for value in row
    ]
