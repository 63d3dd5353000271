"""Logging in by a one-time SMS code: the code sent through the outbox, its limits, the check, and the customer
registered on their first login (a contact of the site or app, enrolled with a virtual card).

The code lives 5 minutes and is kept only as a keyed hash; 5 wrong tries spend it; a new code voids the one before.
At most 3 codes go to one phone in 10 minutes and 20 to one address in an hour: the phone's and the address's rows
(`LoginThrottle`) are locked while their codes are counted, so requests at the same moment queue up and never pass
a limit together. Asking for a code answers the same whether the phone is known or not; a phone no contact has yet
gets its SMS as a message of no contact, and becomes a contact only when its code is given back.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from account.models import CustomerToken, LoginCode, LoginThrottle
from account.services.tokens import customer_token_create
from campaigns.messaging.choices import Channel, Purpose
from campaigns.messaging.services.confirmation import service_message_queue
from common.errors import Conflict, DomainError, InvalidInput
from contacts.choices import ContactSource
from contacts.models import Contact
from contacts.normalize import normalize_phone
from contacts.services import contact_create, contact_update
from loyalty.models import Program
from loyalty.services.cards import card_issue, enrollment_ensure

CODE_LIFETIME = timedelta(minutes=5)
MAX_WRONG_CODES = 5
CODES_PER_PHONE = (3, timedelta(minutes=10))
CODES_PER_ADDRESS = (20, timedelta(hours=1))
SOURCES = (ContactSource.SITE, ContactSource.APP)


class TooManyAttempts(DomainError):
    status_code = 429
    code = "too_many_attempts"


def _invalid_code(message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_code", fields={"code": [_("Wrong code.")]})


def login_phone(value: object) -> str:
    """The phone in E.164, or InvalidInput naming the field."""
    try:
        phone = normalize_phone(value if isinstance(value, str) else "")
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], fields={"phone": list(exc.messages)}) from exc
    if not phone:
        raise InvalidInput(_("Give a phone number."), fields={"phone": [_("This field is required.")]})
    return phone


def _code_hash(phone: str, code: str) -> str:
    return salted_hmac("account.login_code", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _lock(keys: list[str]) -> None:
    """Lock the throttle rows of `keys` (made if missing), always in the same order."""
    LoginThrottle.objects.bulk_create([LoginThrottle(key=key) for key in keys], ignore_conflicts=True)
    list(LoginThrottle.objects.filter(key__in=keys).order_by("key").select_for_update().values_list("pk"))


@transaction.atomic
def login_code_send(*, phone: object, ip: str | None, now: datetime | None = None) -> LoginCode:
    """Send a new login code to the phone (known or not) through the outbox; TooManyAttempts past a limit."""
    phone = login_phone(phone)
    now = now or timezone.now()
    _lock([f"phone:{phone}", *([f"ip:{ip}"] if ip else [])])
    limit, window = CODES_PER_PHONE
    refused = LoginCode.objects.filter(phone=phone, sent_at__gt=now - window).count() >= limit
    if not refused and ip:
        limit, window = CODES_PER_ADDRESS
        refused = LoginCode.objects.filter(ip=ip, sent_at__gt=now - window).count() >= limit
    if refused:
        raise TooManyAttempts(_("Too many codes asked for: try again later."))
    code = f"{secrets.randbelow(10**6):06d}"
    LoginCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    login_code = LoginCode.objects.create(
        phone=phone, code_hash=_code_hash(phone, code), ip=ip, sent_at=now, expires_at=now + CODE_LIFETIME
    )
    body = _("Your login code: %(code)s. It is valid for 5 minutes.") % {"code": code}
    service_message_queue(
        contact=Contact.objects.filter(phone=phone).first(),
        channel=Channel.SMS,
        purpose=Purpose.LOGIN_CODE,
        subject="",
        body=body,
        to=phone,
    )
    return login_code


@transaction.atomic
def _code_try(phone: str, code: str, now: datetime) -> str:
    """`ok` (the code is used up now), `wrong` (counted) or `spent` (expired, used, voided or tried 5 times)."""
    latest = LoginCode.objects.select_for_update().filter(phone=phone).order_by("-sent_at", "-pk").first()
    if latest is None or latest.used_at is not None or latest.expires_at <= now:
        return "spent"
    if latest.wrong_attempts >= MAX_WRONG_CODES:
        return "spent"
    if not constant_time_compare(_code_hash(phone, code), latest.code_hash):
        latest.wrong_attempts += 1
        latest.save(update_fields=["wrong_attempts", "updated_at"])
        return "wrong"
    latest.used_at = now
    latest.save(update_fields=["used_at", "updated_at"])
    return "ok"


def account_program() -> Program | None:
    """The program a phone registering here joins: `ACCOUNT_PROGRAM_ID` (the brand's, when the site serves one
    brand), else the first program; None when there is none yet."""
    programs = Program.objects.order_by("pk")
    if settings.ACCOUNT_PROGRAM_ID:
        return programs.filter(pk=settings.ACCOUNT_PROGRAM_ID).first()
    return programs.first()


def _register(phone: str, source: str) -> Contact:
    """A new contact of the phone (confirmed: the code proved it), enrolled in the account's program with a virtual
    card of its first card type (none while the program has no card type). `contact_registered` is recorded."""
    contact = contact_create(data={"phone": phone, "phone_confirmed": True}, source=source)
    program = account_program()
    if program is not None:
        if program.card_types.exists():
            card_issue(contact=contact, program=program)
        else:
            enrollment_ensure(contact=contact, program=program)
    return contact


@dataclass
class Login:
    token: CustomerToken
    key: str
    contact: Contact
    registered: bool


def customer_login(*, phone: object, code: object, source: str = "", now: datetime | None = None) -> Login:
    """Give back the phone's code: a customer token (and a contact made on the first login). A wrong code is
    InvalidInput `invalid_code` (the try is kept, whatever is answered); so is a spent, expired or missing one."""
    phone = login_phone(phone)
    # Anything given counts as a try (a malformed code too), so that 5 of them spend the code whatever they were.
    code = (code.strip() if isinstance(code, str) else "" if code is None else str(code))[:64]
    source = source if source in SOURCES else ContactSource.SITE
    outcome = _code_try(phone, code, now or timezone.now())
    if outcome == "wrong":
        raise _invalid_code(_("The code is wrong."))
    if outcome == "spent":
        raise _invalid_code(_("The code is no longer valid: ask for a new one."))
    with transaction.atomic():
        contact = Contact.objects.select_for_update().filter(phone=phone).first()
        registered = contact is None
        if contact is None:
            try:
                with transaction.atomic():
                    contact = _register(phone, source)
            except Conflict:  # the phone became a contact a moment ago (an import, the till): log that one in
                contact = Contact.objects.get(phone=phone)
                registered = False
        elif not contact.phone_confirmed:
            contact = contact_update(contact=contact, data={"phone_confirmed": True}, source="account")
        token, key = customer_token_create(contact=contact, source=source, now=now)
    return Login(token=token, key=key, contact=contact, registered=registered)
