"""An account's entries, the account a contact sees, and what partners owe each other."""

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet, Sum

from common.money import ZERO, quantize
from contacts.models import Contact
from loyalty.choices import EntryKind
from loyalty.models import Account, LedgerEntry, MasterAccountMember, Program


def account_find(*, program: Program, contact: Contact) -> Account | None:
    """The account whose balance the contact sees in the program (the pool, for a master account's member).

    A read: it creates nothing (see `loyalty.services.ledger.account_for` for the write side).
    """
    membership = MasterAccountMember.objects.filter(contact=contact, program=program).first()
    if membership is not None:
        return Account.objects.filter(master_account_id=membership.master_account_id).first()
    return Account.objects.filter(program=program, contact=contact).first()


def ledger(*, account: Account | None, filters: Mapping[str, Any] | None = None) -> QuerySet[LedgerEntry]:
    """The account's entries, latest first. Filters: `kind` (one or a list), `from` (at ≥), `to` (at <)."""
    if account is None or account.pk is None:
        return LedgerEntry.objects.none()
    queryset = LedgerEntry.objects.filter(account=account)
    filters = filters or {}
    kind = filters.get("kind")
    if kind:
        queryset = queryset.filter(kind__in=[kind] if isinstance(kind, str) else list(kind))
    if filters.get("from") is not None:
        queryset = queryset.filter(at__gte=filters["from"])
    if filters.get("to") is not None:
        queryset = queryset.filter(at__lt=filters["to"])
    return queryset.order_by("-at", "-pk")


def settlements(
    *, program: Program, start: datetime | None = None, end: datetime | None = None
) -> list[dict[str, Any]]:
    """What partners owe each other for points earned at one and redeemed at another, netted per pair.

    Every redemption in [start, end) that took from a lot earned at another partner makes the earning partner owe
    the redeeming partner the points × `point_value`; a return (a refund giving redeemed points back) in the
    window reverses its share. Lots without a partner (manual adjustments) and redemptions without one settle
    nothing. Answer: `[{"debtor", "creditor", "amount"}]`, sorted, amounts above zero.
    """
    queryset = LedgerEntry.objects.filter(
        account__program=program,
        kind__in=[EntryKind.REDEMPTION, EntryKind.RETURN],
        partner__isnull=False,
        lot__partner__isnull=False,
    ).exclude(partner=F("lot__partner"))
    if start is not None:
        queryset = queryset.filter(at__gte=start)
    if end is not None:
        queryset = queryset.filter(at__lt=end)
    rows = queryset.values("lot__partner", "partner").annotate(points=Sum("points")).order_by()
    owed: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        earner, redeemer = row["lot__partner"], row["partner"]
        # Redemptions are negative entries: the earner owes their absolute value.
        owed[(earner, redeemer)] -= quantize(row["points"] or ZERO)
    result = []
    pairs = {tuple(sorted(pair)) for pair in owed}
    for low, high in sorted(pairs):
        net = owed.get((low, high), ZERO) - owed.get((high, low), ZERO)
        if net == 0:
            continue
        debtor, creditor = (low, high) if net > 0 else (high, low)
        result.append({"debtor": debtor, "creditor": creditor, "amount": quantize(abs(net) * program.point_value)})
    result.sort(key=lambda row: (row["debtor"], row["creditor"]))
    return result
