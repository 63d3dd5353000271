"""Who may get a message over which channel: decided when the message is made and again just before it is sent.

The reasons, in the order they are checked: `blacklisted` (the phone or e-mail is on the blacklist), `no_address`
(nothing to send to on that channel), `unsubscribed` (the contact's subscription to the channel is off),
`unconfirmed` (the trigger sends to confirmed addresses only), `frequency_cap` (the trigger's cap, see
`campaigns.messaging.scheduling`). A confirmation the product sends itself (a phone code, an e-mail link) is not
marketing: only the blacklist and a missing address stop it.
"""

from collections.abc import Iterable

from django.db.models import Q

from campaigns.messaging.choices import Channel, Purpose, Suppression
from contacts.models import BlacklistEntry, Contact

SUBSCRIPTION_FIELD = {
    Channel.EMAIL: "subscribed_email",
    Channel.SMS: "subscribed_sms",
    Channel.PUSH: "subscribed_push",
    Channel.MESSENGER: "subscribed_messenger",
}


def address(contact: Contact, channel: str) -> str:
    """Where a message of `channel` goes: the e-mail, the phone, or for push the contact's id (the app's push
    service knows the devices of a contact)."""
    if channel == Channel.EMAIL:
        return contact.email or ""
    if channel == Channel.PUSH:
        return f"contact:{contact.pk}"
    return contact.phone or ""


class Blacklist:
    """The blacklisted phones and e-mails among some contacts (and addresses of no contact), read in one query."""

    def __init__(self, contacts: Iterable[Contact], addresses: Iterable[str] = ()) -> None:
        contacts = list(contacts)
        extra = {value for value in addresses if value}
        phones = {contact.phone for contact in contacts if contact.phone} | extra
        emails = {contact.email for contact in contacts if contact.email} | extra
        self.values: set[str] = set()
        if phones or emails:
            rows = BlacklistEntry.objects.filter(Q(phone__in=phones) | Q(email__in=emails)).values_list(
                "phone", "email"
            )
            self.values = {value for row in rows for value in row if value}

    def has(self, contact: Contact) -> bool:
        return bool({contact.phone, contact.email} & self.values)


def address_suppression_reason(to: str, blacklist: Blacklist) -> str:
    """A message the product sends to an address of no contact (a login code to a new phone): only the blacklist
    and a missing address stop it."""
    if not to:
        return Suppression.NO_ADDRESS
    return Suppression.BLACKLISTED if to in blacklist.values else ""


def suppression_reason(
    *, contact: Contact, channel: str, purpose: str, confirmed_only: bool, blacklist: Blacklist
) -> str:
    """The reason the message may not go to the contact, or "" when it may (the frequency cap aside)."""
    if blacklist.has(contact):
        return Suppression.BLACKLISTED
    if not address(contact, channel):
        return Suppression.NO_ADDRESS
    if purpose != Purpose.TRIGGER:
        return ""
    if not getattr(contact, SUBSCRIPTION_FIELD[Channel(channel)], False):
        return Suppression.UNSUBSCRIBED
    if confirmed_only:
        confirmed = contact.email_confirmed if channel == Channel.EMAIL else contact.phone_confirmed
        if channel != Channel.PUSH and not confirmed:
            return Suppression.UNCONFIRMED
    return ""
