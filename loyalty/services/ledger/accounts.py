"""Points accounts: a contact's own, a master account's pool, and moving a member's points into the pool."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput
from contacts.models import Contact
from loyalty.models import Account, LedgerEntry, MasterAccount, MasterAccountMember, Program
from loyalty.services.ledger.core import (
    _copy_cache,
    _lock,
    _move_all,
    _save,
    _sync,
)

# --- accounts ----------------------------------------------------------------------------------------------------


@transaction.atomic
def account_for(*, program: Program, contact: Contact) -> Account:
    """The account the contact's points go to in the program: its master account's pool if it is a member of one
    in that program, else its own; made if missing (safe under concurrency: get_or_create on a unique constraint).
    """
    membership = (
        MasterAccountMember.objects.filter(contact=contact, program=program).select_related("master_account").first()
    )
    if membership is not None:
        return master_account_points_account(master_account=membership.master_account)
    account, _created = Account.objects.get_or_create(
        program=program, contact=contact, defaults={"balance_at": timezone.now()}
    )
    return account


@transaction.atomic
def master_account_points_account(*, master_account: MasterAccount) -> Account:
    """The pool of a master account, made if missing."""
    account, _created = Account.objects.get_or_create(
        master_account=master_account,
        defaults={"program_id": master_account.program_id, "balance_at": timezone.now()},
    )
    if account.program_id != master_account.program_id:
        raise Conflict(
            _("The master account's points are kept in another program."), code="master_account_program_changed"
        )
    return account


def _pool_of_member(account: Account) -> Account | None:
    """The master account pool of a contact account's owner, if the contact is now a member in that program."""
    if account.contact_id is None:
        return None
    membership = (
        MasterAccountMember.objects.filter(contact_id=account.contact_id, program_id=account.program_id)
        .select_related("master_account")
        .first()
    )
    return None if membership is None else master_account_points_account(master_account=membership.master_account)


@transaction.atomic
def transfer_into(*, source: Account, target: Account, at: datetime | None = None) -> list[LedgerEntry]:
    """Move everything `source` holds into `target` (a contact joining a master account).

    Each lot leaves by a transfer entry naming it and arrives as a new lot with the same points, activation, expiry,
    partner, purchase and campaign (`source` names the lot it came from); debts move the same way.
    """
    if source.pk == target.pk:
        raise InvalidInput(_("An account cannot be moved into itself."))
    if source.program_id != target.program_id:
        raise InvalidInput(_("Points move only between accounts of one program."))
    now = timezone.now()
    at = at or now
    locked_source, locked_target = _lock(source, target)
    roots = _sync(locked_source, now)
    _sync(locked_target, now)
    outgoing, written = _move_all(locked_source, locked_target, roots, at)
    _save(locked_source)
    _save(locked_target)
    _copy_cache(locked_source, source)
    _copy_cache(locked_target, target)
    return [*outgoing, *written]
