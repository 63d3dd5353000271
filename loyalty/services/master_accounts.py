"""Master accounts: the membership of contacts and the pooling of their points."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Conflict
from contacts.models import Contact
from loyalty.models import Account, MasterAccount, MasterAccountMember
from loyalty.services.cards import enrollment_ensure
from loyalty.services.ledger import master_account_points_account, transfer_into


@transaction.atomic
def master_account_set_members(*, account: MasterAccount, contacts: Iterable[Contact]) -> MasterAccount:
    """Make the account's members exactly these contacts; one master account per contact and program.

    A contact who joins brings its points: everything its own account of the program holds moves into the pool
    (`transfer` entries, expiry and activation kept). A contact who leaves takes nothing: the points stay in the
    pool, and the contact's own account earns again from its next purchase.
    """
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
