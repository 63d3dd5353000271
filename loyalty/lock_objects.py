"""Row locks, always taken in one order (accounts by pk) so that two operations cannot deadlock."""

from django.db.models import QuerySet

from loyalty.models import Account


def account_qs_select_for_update() -> QuerySet[Account]:
    """Accounts ordered by pk and locked (only the account rows, not joined ones) until the transaction ends."""
    return Account.objects.order_by("pk").select_for_update(of=("self",))
