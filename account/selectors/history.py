"""A customer's history: their purchases and the entries of their points accounts, one timeline, newest first.

`AccountHistory` is a sequence the paginator slices: a page of the timeline is the first rows of each list up to the
page's end, merged by time (a customer's own history is short, and each list is read from its (contact or account,
time) index).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.db.models import Sum

from account.selectors.overview import account_programs
from contacts.models import Contact
from loyalty.models import Account, LedgerEntry, Purchase
from loyalty.selectors import account_find

Kind = Literal["purchase", "entry"]
KINDS: tuple[Kind, ...] = ("purchase", "entry")


@dataclass
class HistoryItem:
    type: Kind
    at: datetime
    item: Any  # a Purchase (with `refunded`) or a LedgerEntry


class AccountHistory:
    """The contact's purchases and ledger entries (of the accounts whose balance they see), newest first."""

    def __init__(self, contact: Contact, kind: str | None = None) -> None:
        accounts: list[Account] = [
            account
            for program in account_programs(contact)
            if (account := account_find(program=program, contact=contact)) is not None
        ]
        self.purchases = (
            Purchase.objects.filter(contact=contact)
            .select_related("store", "brand")
            .annotate(refunded=Sum("refunds__refund_amount"))
            .order_by("-at", "-pk")
        )
        self.entries = LedgerEntry.objects.filter(account__in=accounts).select_related("account").order_by("-at", "-pk")
        if kind == "purchase":
            self.entries = self.entries.none()
        elif kind == "entry":
            self.purchases = self.purchases.none()
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.purchases.count() + self.entries.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[HistoryItem]:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("the history is read a page (a slice) at a time")
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        rows = [HistoryItem("purchase", purchase.at, purchase) for purchase in self.purchases[:stop]]
        rows += [HistoryItem("entry", entry.at, entry) for entry in self.entries[:stop]]
        rows.sort(key=lambda row: (row.at, row.type == "entry", row.item.pk), reverse=True)
        return rows[start:stop]
