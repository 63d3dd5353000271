"""Reads over contacts and the blacklist."""

from .models import BlacklistEntry, Contact


def blacklist_match(*, phone: str | None, email: str | None) -> BlacklistEntry | None:
    """The blacklist entry that matches a normalised phone or e-mail, if any."""
    if phone:
        entry = BlacklistEntry.objects.filter(phone=phone).first()
        if entry:
            return entry
    if email:
        return BlacklistEntry.objects.filter(email=email).first()
    return None


def contact_by_phone(phone: str) -> Contact | None:
    return Contact.objects.filter(phone=phone).first()
