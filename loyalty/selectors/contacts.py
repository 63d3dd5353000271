"""What a contact has in each program, for the staff's view of the contact."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone

from common.money import ZERO, quantize
from contacts.models import Contact
from loyalty.models import Account, Enrollment, LedgerEntry, Program, Purchase, TierChange
from loyalty.selectors.accounts import account_find, ledger
from loyalty.selectors.balances import (
    account_roots,
    balance,
    balance_from_roots,
)


@dataclass
class ProgramPoints:
    """What a contact has in one program, for the staff's view of the contact (`contact_points`)."""

    program: Program
    enrollment: Enrollment | None
    account: Account | None
    balance: dict[str, Any]
    expiring_soon: Decimal
    lots: list[LedgerEntry]  # lots still holding points and debts, in the order redemptions take them
    lots_total: int
    entries: list[LedgerEntry]  # the latest first
    purchases: list[Purchase]  # the contact's own, the latest first
    tier_changes: list[TierChange]


def contact_points(
    *,
    contact: Contact,
    programs: QuerySet[Program] | None = None,
    now: datetime | None = None,
    limit: int = 50,
    soon_days: int = 30,
) -> list[ProgramPoints]:
    """Per program the contact is in (of `programs`, all if None): the balance as of `now` with the points
    expiring within `soon_days`, the lots, the latest `limit` entries and purchases, the tier history.

    A member of a master account sees the pool's balance, lots and entries. A bounded number of queries per
    program, whatever the history's length (the lots are an account's roots still holding points).
    """
    now = now or timezone.now()
    queryset = programs if programs is not None else Program.objects.all()
    enrollments = {
        enrollment.program_id: enrollment
        for enrollment in Enrollment.objects.filter(contact=contact).select_related("tier")
    }
    own_accounts = set(Account.objects.filter(contact=contact).values_list("program_id", flat=True))
    result = []
    for program in queryset.filter(pk__in=set(enrollments) | own_accounts).order_by("pk"):
        account = account_find(program=program, contact=contact)
        roots = account_roots(account=account) if account is not None else []
        prefetch_related_objects(roots[:limit], "partner")
        current = balance_from_roots(roots, now=now) if account is not None else balance(account=None)
        horizon = timezone.localdate(now) + timedelta(days=soon_days)
        soon = sum((item["points"] for item in current["expiring"] if item["date"] <= horizon), ZERO)
        enrollment = enrollments.get(program.pk)
        entries = list(ledger(account=account).select_related("partner")[:limit])
        purchases = list(
            Purchase.objects.filter(contact=contact, program=program)
            .select_related("store", "register", "brand")  # the brand: its currency beside the amounts
            .order_by("-at", "-pk")[:limit]
        )
        changes = (
            list(TierChange.objects.filter(enrollment=enrollment).select_related("from_tier", "to_tier")[:limit])
            if enrollment is not None
            else []
        )
        result.append(
            ProgramPoints(
                program=program,
                enrollment=enrollment,
                account=account,
                balance=current,
                expiring_soon=quantize(soon),
                lots=roots[:limit],
                lots_total=len(roots),
                entries=entries,
                purchases=purchases,
                tier_changes=changes,
            )
        )
    return result
