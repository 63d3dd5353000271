"""Master accounts: the account itself (its program), the membership of contacts and the pooling of their points."""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput
from contacts.models import Contact
from loyalty.models import Account, MasterAccount, MasterAccountMember, Program
from loyalty.services.cards import enrollment_ensure
from loyalty.services.ledger import master_account_points_account, transfer_into


def master_account_program_check(*, account: MasterAccount, program: Program) -> None:
    """The program of a saved account changes only while nothing is in it: no members (their enrollments and
    memberships are the program's) and no points in its pool (they stay in the program they were earned in).

    Read from the database, not from `account` (a form may already have put the new program on it).
    """
    if account.pk is None:
        return
    stored = MasterAccount.objects.filter(pk=account.pk).values_list("program_id", flat=True).first()
    if stored is None or stored == program.pk:
        return
    if MasterAccountMember.objects.filter(master_account_id=account.pk).exists():
        raise InvalidInput(
            _("The program of an account with members cannot change."),
            fields={"program": [_("Remove the members first.")]},
        )
    if Account.objects.filter(master_account_id=account.pk, entries__isnull=False).exists():
        message = _("The account's pool holds points of its program: the program cannot change.")
        raise InvalidInput(message, fields={"program": [message]})


@transaction.atomic
def master_account_create(*, data: dict[str, Any], members: Iterable[Contact] = ()) -> MasterAccount:
    """A new master account (`name`, `program`) with its members (see `master_account_set_members`)."""
    account = MasterAccount.objects.create(**data)
    return master_account_set_members(account=account, contacts=members)


@transaction.atomic
def master_account_update(
    *, account: MasterAccount, data: dict[str, Any], members: Iterable[Contact] | None = None
) -> MasterAccount:
    """Change an account's `name` or `program` (see `master_account_program_check`) and, if given, its members.

    The account's row is locked first, so that no member joins between the check and the change. An empty pool
    follows the account into its new program.
    """
    locked = MasterAccount.objects.select_for_update().get(pk=account.pk)
    program = data.get("program")
    if program is not None and program.pk != locked.program_id:
        master_account_program_check(account=locked, program=program)
        Account.objects.filter(master_account_id=locked.pk).update(program=program)
    for key, value in data.items():
        setattr(locked, key, value)
    locked.save()
    if members is not None:
        master_account_set_members(account=locked, contacts=members)
    return locked


@transaction.atomic
def master_account_set_members(*, account: MasterAccount, contacts: Iterable[Contact]) -> MasterAccount:
    """Make the account's members exactly these contacts; one master account per contact and program.

    A contact who joins brings its points: everything its own account of the program holds moves into the pool
    (`transfer` entries, expiry and activation kept). A contact who leaves takes nothing: the points stay in the
    pool, and the contact's own account earns again from its next purchase. The account's row is locked, so that
    its program cannot change meanwhile (`master_account_update`).
    """
    account.program_id = (
        MasterAccount.objects.select_for_update().filter(pk=account.pk).values_list("program_id", flat=True).get()
    )
    wanted = {contact.pk: contact for contact in contacts}
    account.memberships.exclude(contact_id__in=wanted).delete()
    existing = set(account.memberships.values_list("contact_id", flat=True))
    for contact_id, contact in wanted.items():
        if contact_id in existing:
            continue
        try:
            with transaction.atomic():
                MasterAccountMember.objects.create(
                    master_account=account, contact=contact, program_id=account.program_id
                )
        except IntegrityError as exc:
            raise Conflict(
                _("Contact %(id)s already belongs to another master account in this program.") % {"id": contact_id},
                code="already_member",
                fields={"members": [contact_id]},
            ) from exc
        enrollment_ensure(contact=contact, program=account.program)
        own = Account.objects.filter(program_id=account.program_id, contact=contact).first()
        if own is not None and own.entries.exists():
            pool = master_account_points_account(master_account=account)
            transfer_into(source=own, target=pool, at=timezone.now())
    return account
