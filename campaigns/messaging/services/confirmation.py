"""Confirming a contact's phone (a 6-digit code by SMS) and e-mail (a signed link), through the outbox.

The code is kept only as a keyed hash, lives 10 minutes and dies after 5 wrong tries; a new one voids the
previous. Its SMS is a message like any other (a row first, sent by the relay), but not marketing: an unconfirmed
phone or a switched-off subscription does not stop it, only the blacklist does.
"""

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from campaigns.messaging.choices import Channel, MessageStatus, Purpose
from campaigns.messaging.links import confirm_email_url
from campaigns.messaging.models import Message, PhoneCode
from campaigns.messaging.suppression import Blacklist, address, address_suppression_reason, suppression_reason
from common.errors import Conflict, InvalidInput
from contacts.models import Contact
from contacts.services import contact_update

CODE_LIFETIME = timedelta(minutes=10)
MAX_WRONG_CODES = 5


def _code_hash(contact_id: int, code: str) -> str:
    return salted_hmac("messaging.phone_code", f"{contact_id}:{code}", algorithm="sha256").hexdigest()


def service_message_queue(
    *, contact: Contact | None, channel: str, purpose: str, subject: str, body: str, to: str = ""
) -> Message:
    """A message the product sends itself (no trigger, no brand), queued now and relayed after the commit. With no
    contact it goes to `to` (a login code to a phone no contact has yet), stopped only by the blacklist."""
    from campaigns.messaging.jobs import kick_relay

    message = Message(
        contact=contact,
        event=purpose,
        purpose=purpose,
        channel=channel,
        to=address(contact, channel) if contact is not None else to,
        subject=subject,
        body=body,
        scheduled_at=timezone.now(),
    )
    if contact is None:
        reason = address_suppression_reason(to, Blacklist([], [to]))
    else:
        reason = suppression_reason(
            contact=contact, channel=channel, purpose=purpose, confirmed_only=False, blacklist=Blacklist([contact])
        )
    if reason:
        message.status, message.reason = MessageStatus.SUPPRESSED, reason
    message.save()
    transaction.on_commit(kick_relay)
    return message


@transaction.atomic
def phone_code_send(*, contact: Contact, now: datetime | None = None) -> tuple[Message, PhoneCode]:
    """A new code for the contact's phone, by SMS (InvalidInput `no_phone` when there is none)."""
    if not contact.phone:
        raise InvalidInput(_("The contact has no phone."), code="no_phone", fields={"phone": [_("No phone.")]})
    now = now or timezone.now()
    code = f"{secrets.randbelow(10**6):06d}"
    PhoneCode.objects.filter(contact=contact, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    phone_code = PhoneCode.objects.create(
        contact=contact, phone=contact.phone, code_hash=_code_hash(contact.pk, code), expires_at=now + CODE_LIFETIME
    )
    body = _("Your confirmation code: %(code)s. It is valid for 10 minutes.") % {"code": code}
    message = service_message_queue(
        contact=contact, channel=Channel.SMS, purpose=Purpose.CONFIRM_PHONE, subject="", body=body
    )
    return message, phone_code


@transaction.atomic
def _phone_code_try(contact: Contact, code: str, now: datetime) -> str:
    latest = PhoneCode.objects.select_for_update().filter(contact=contact).order_by("-created_at", "-pk").first()
    if (
        latest is None
        or latest.used_at is not None
        or latest.expires_at <= now
        or latest.wrong_attempts >= MAX_WRONG_CODES
        or latest.phone != contact.phone
    ):
        return "expired"
    if not constant_time_compare(_code_hash(contact.pk, str(code).strip()), latest.code_hash):
        latest.wrong_attempts += 1
        latest.save(update_fields=["wrong_attempts"])
        return "expired" if latest.wrong_attempts >= MAX_WRONG_CODES else "wrong"
    latest.used_at = now
    latest.save(update_fields=["used_at"])
    return "ok"


def phone_code_check(*, contact: Contact, code: str, user: object = None, now: datetime | None = None) -> Contact:
    """Confirm the phone with the code: InvalidInput `invalid_code` for a wrong one, Conflict `code_expired` once
    it expired, was used, or was given wrong 5 times (the wrong tries are kept, whatever is answered)."""
    outcome = _phone_code_try(contact, code, now or timezone.now())
    if outcome == "wrong":
        raise InvalidInput(_("The code is wrong."), code="invalid_code", fields={"code": [_("Wrong code.")]})
    if outcome == "expired":
        raise Conflict(_("The code has expired: ask for a new one."), code="code_expired")
    contact.refresh_from_db()
    if contact.phone_confirmed:
        return contact
    return contact_update(contact=contact, data={"phone_confirmed": True}, user=user)


@transaction.atomic
def email_confirmation_send(*, contact: Contact) -> Message:
    """An e-mail with a signed link that confirms the address when opened (valid 7 days)."""
    if not contact.email:
        raise InvalidInput(_("The contact has no e-mail."), code="no_email", fields={"email": [_("No e-mail.")]})
    url = confirm_email_url(contact.pk, contact.email)
    body = _("Please confirm your e-mail address by opening this link: %(url)s") % {"url": url}
    return service_message_queue(
        contact=contact,
        channel=Channel.EMAIL,
        purpose=Purpose.CONFIRM_EMAIL,
        subject=_("Confirm your e-mail"),
        body=body,
    )


def email_confirm_by_link(*, contact_id: object, email: object) -> bool:
    """The link's contact still has the link's address: confirmed (again is harmless). False otherwise."""
    if not isinstance(contact_id, int) or not isinstance(email, str):
        return False
    contact = Contact.objects.filter(pk=contact_id, email=email).first()
    if contact is None:
        return False
    if not contact.email_confirmed:
        contact_update(contact=contact, data={"email_confirmed": True})
    return True
