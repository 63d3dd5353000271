"""Values as the admin shows them in Python-made text (messages, list columns): dates in the current time zone,
numbers localised. Templates use the `date` and `floatformat` filters for the same."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, number_format


def display_value(value: Any) -> Any:
    """A value as shown: dates in the current time zone, numbers localised with two places, blanks as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2)
    return value


def window_end(value: datetime | None) -> str:
    """One end of a validity window (a campaign's, a pool's): in the current time zone; an open end as "…"."""
    if value is None:
        return "…"
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def count_text(value: int) -> str:
    """A count with its thousands grouped (codes are counted in millions)."""
    return number_format(value, force_grouping=True)
