"""What this app's admins share: the base class and the searches by phone that the big tables use."""

from typing import Any

from unfold.admin import ModelAdmin

from common.admin import BrandScopedAdminMixin, DomainErrorMessageMixin
from contacts.admin import phone_search_condition
from contacts.models import Contact
from loyalty.choices import EntryStatus
from loyalty.models import Account, LedgerEntry, MasterAccountMember


class ScopedModelAdmin(BrandScopedAdminMixin, DomainErrorMessageMixin, ModelAdmin):
    """The base of this app's admins: brand scoping, service errors as messages, unfold's look."""


def entry_status(entry: LedgerEntry, now: Any) -> str:
    return str(EntryStatus(entry.status(now)).label)


# A search term of up to this many digits is a purchase id; a longer one, a phone.
PURCHASE_ID_MAX_DIGITS = 9
# A phone search by a number's beginning finds at most this many contacts.
PHONE_SEARCH_CONTACTS = 1000


def contact_ids_by_phone(term: str) -> list[int] | None:
    """The contacts a phone-like search term finds (None when the term is not a phone): ids first, so that the
    big tables are then searched by an indexed `contact_id IN (...)` instead of a join."""
    condition = phone_search_condition(term)
    if condition is None:
        return None
    return list(Contact.objects.filter(condition).order_by("pk").values_list("pk", flat=True)[:PHONE_SEARCH_CONTACTS])


def account_ids_of_contacts(contacts: list[int]) -> list[int]:
    """The contacts' own points accounts and the pools of their master accounts (where a member's points are)."""
    pools = list(
        MasterAccountMember.objects.filter(contact_id__in=contacts).values_list("master_account_id", flat=True)
    )
    own = list(Account.objects.filter(contact_id__in=contacts).values_list("pk", flat=True))
    if pools:
        own += Account.objects.filter(master_account_id__in=pools).values_list("pk", flat=True)
    return own
