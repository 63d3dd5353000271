"""Normalisation of phones (E.164) and e-mails, shared by the API, the admin and import."""

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import to_python

# A Russian number as people type it: +7, 8 or nothing, then ten digits (not starting with 0), spaced with blanks,
# dashes or brackets. Such a text needs no parsing (a file import has 100,000 of them).
RUSSIAN_SPELLING = re.compile(r"(?:\+7|8)?([1-9]\d{9})")
SEPARATORS = re.compile(r"[ ()\-]")


def _russian_fast(text: str) -> str | None:
    """The E.164 form of a valid number spelt as RUSSIAN_SPELLING, else None (then `normalize_phone` parses)."""
    match = RUSSIAN_SPELLING.fullmatch(SEPARATORS.sub("", text))
    if match is None:
        return None
    number = phonenumbers.PhoneNumber(country_code=7, national_number=int(match[1]))
    return f"+7{match[1]}" if phonenumbers.is_valid_number(number) else None


def normalize_phone(value: object) -> str | None:
    """A phone in E.164 (`+79161234567`), None for an empty value; ValidationError for a bad one."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if settings.PHONENUMBER_DEFAULT_REGION == "RU":
        fast = _russian_fast(text)
        if fast is not None:
            return fast
    if text.isdigit() and len(text) == 11 and text[0] == "8" and settings.PHONENUMBER_DEFAULT_REGION == "RU":
        text = "+7" + text[1:]
    number = to_python(text, region=settings.PHONENUMBER_DEFAULT_REGION)
    if number is None or not getattr(number, "is_valid", lambda: False)():
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(value: object) -> str | None:
    """A trimmed, lower-cased e-mail, None for an empty value; ValidationError for a bad one."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    validate_email(text)
    return text
