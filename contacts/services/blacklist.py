"""The blacklist: phones and e-mails that may not register and never receive messages."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput
from contacts.models import BlacklistEntry
from contacts.normalize import normalize_email, normalize_phone


def blacklist_clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {"reason": data.get("reason") or ""}
    for field, normalizer in (("phone", normalize_phone), ("email", normalize_email)):
        try:
            cleaned[field] = normalizer(data.get(field))
        except ValidationError as exc:
            errors[field] = list(exc.messages)
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    if not cleaned["phone"] and not cleaned["email"]:
        raise InvalidInput(_("Give a phone or an e-mail."), fields={"phone": [_("Give a phone or an e-mail.")]})
    return cleaned


@transaction.atomic
def blacklist_add(*, data: dict[str, Any], user: Any = None, instance: BlacklistEntry | None = None) -> BlacklistEntry:
    cleaned = blacklist_clean(data)
    entry = instance or BlacklistEntry(created_by=user if getattr(user, "is_authenticated", False) else None)
    for key, value in cleaned.items():
        setattr(entry, key, value)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise Conflict(_("This phone or e-mail is already on the blacklist."), code="duplicate") from exc
    return entry
