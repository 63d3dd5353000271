"""How the dashboards write a value of each kind (localised: a Russian page writes 1 234,50)."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import formats, timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def cell(value: Any, kind: str) -> str:
    """`value` written as a `kind` of figure: money, int, share (0.75 → 75.0 %), percent, date, datetime, bool."""
    if value is None or value == "":
        return "—" if kind in ("datetime", "date") else ""
    if kind == "money":
        return formats.number_format(Decimal(str(value)), 2, use_l10n=True, force_grouping=True)
    if kind == "int":
        return formats.number_format(int(value), 0, use_l10n=True, force_grouping=True)
    if kind in ("share", "percent"):
        return f"{formats.number_format(float(value) * 100, 1, use_l10n=True)} %"
    if kind == "datetime" and isinstance(value, datetime):
        return date_filter(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if kind == "date":
        return date_filter(value, "SHORT_DATE_FORMAT")
    if kind == "bool":
        return _("yes") if value else _("no")
    return str(value)


@register.filter
def signed_percent(value: float | None) -> str:
    """A change in percent with its sign (+12.5 %); nothing when there was nothing to compare with."""
    if value is None:
        return ""
    sign = "+" if value > 0 else ""
    return f"{sign}{formats.number_format(value, 1, use_l10n=True)} %"
