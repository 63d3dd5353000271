"""Figures in admin templates: `{{ value|points }}` (1 234,50 on a Russian page) and `{{ value|money:currency }}`
(1 234,50 ₽). Kept apart from `common.admin` (a template library must not import the admin while unfold loads)."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()

# The sign written after an amount of a currency (ISO 4217); another currency is written with its code.
CURRENCY_SIGNS = {"RUB": "₽", "USD": "$", "EUR": "€", "KZT": "₸", "BYN": "Br", "UAH": "₴"}


def points_text(value: Decimal) -> str:
    """Points with their thousands grouped and two places."""
    return number_format(value, decimal_pos=2, force_grouping=True)


def money_text(value: Decimal, currency: str | None) -> str:
    """An amount with its thousands grouped, two places and its currency's sign after it; without a currency, the
    number alone."""
    number = number_format(value, decimal_pos=2, force_grouping=True)
    if not currency:
        return number
    return f"{number}\N{NO-BREAK SPACE}{CURRENCY_SIGNS.get(currency, currency)}"


@register.filter
def points(value: Decimal | None) -> str:
    return "—" if value is None else points_text(value)


@register.filter
def money(value: Decimal | None, currency: str | None = None) -> str:
    return "—" if value is None else money_text(value, currency)
