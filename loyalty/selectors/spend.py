"""Money spent: a purchase's payment less its refunds, the one measure tiers and segment rules both count."""

from django.db.models import Expression, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from common.models import MoneyField
from common.money import ZERO
from loyalty.models import Refund

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
