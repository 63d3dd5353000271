"""Manual corrections of points by staff: one service for the API (`POST /contacts/{id}/adjustments`) and the
admin ("Adjust points" on an account's page)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from contacts.models import Contact
from loyalty.models import Account, LedgerEntry, MasterAccount, Program
from loyalty.services.cards import enrollment_ensure
from loyalty.services.ledger import account_for, adjust, master_account_points_account


@dataclass(frozen=True)
class Adjustment:
    """The account the correction went to (a member's: its master account's pool) and the entries written."""

    account: Account
    entries: list[LedgerEntry]


@transaction.atomic
def points_adjust(
    *,
    program: Program,
    contact: Contact | None = None,
    master_account: MasterAccount | None = None,
    points: Decimal | int | str,
    reason: str,
    user: Any,
    expires_in_days: int | None = None,
) -> Adjustment:
    """Correct the points of a contact, or of a master account's pool, in a program (see `ledger.adjust`).

    A contact is enrolled in the program if it was not (it now holds points there), and a member of a master
    account has the pool corrected: for a member, balance, ledger and adjustments are the pool's (API.md). One
    transaction: a refused correction leaves no enrollment and no account behind.
    """
    if (contact is None) == (master_account is None):
        raise ValueError("points_adjust needs a contact or a master account, not both")
    if contact is not None:
        enrollment_ensure(contact=contact, program=program)
        account = account_for(program=program, contact=contact)
    else:
        assert master_account is not None
        if master_account.program_id != program.pk:
            raise ValueError("the master account is in another program")
        account = master_account_points_account(master_account=master_account)
    entries = adjust(account=account, points=points, reason=reason, user=user, expires_in_days=expires_in_days)
    return Adjustment(account=account, entries=entries)
