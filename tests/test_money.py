"""Money and points: one precision (`common.money`), one model field and one serializer field built on it."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from rest_framework import serializers

from common.api.fields import MoneyField as MoneySerializerField
from common.models import MoneyField
from common.money import CENT, MAX_AMOUNT, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, ZERO


def test_zero_and_the_largest_amount_have_the_stored_precision():
    assert (ZERO, ZERO.as_tuple().exponent) == (Decimal("0.00"), -MONEY_DECIMAL_PLACES)
    assert (str(MAX_AMOUNT), len(MAX_AMOUNT.as_tuple().digits)) == ("999999999999.99", MONEY_MAX_DIGITS)


def test_the_model_field_migrates_as_a_plain_decimal_field():
    assert MoneyField("points").deconstruct() == (
        None,
        "django.db.models.DecimalField",
        [],
        {"verbose_name": "points", "max_digits": MONEY_MAX_DIGITS, "decimal_places": MONEY_DECIMAL_PLACES},
    )


def test_every_field_of_the_money_precision_is_a_money_field():
    plain = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.DecimalField)
        and (field.max_digits, field.decimal_places) == (MONEY_MAX_DIGITS, MONEY_DECIMAL_PLACES)
        and not isinstance(field, MoneyField)
    ]
    assert plain == []


@pytest.mark.parametrize(
    ("value", "read"),
    [(str(MAX_AMOUNT), "999999999999.99"), (str(MAX_AMOUNT + CENT), None), ("0.001", None), ("-0.00", "0.00")],
)
def test_the_serializer_field_takes_what_the_model_field_stores(value, read):
    field = MoneySerializerField()
    if read is not None:
        assert str(field.to_internal_value(value)) == read
    else:
        with pytest.raises(serializers.ValidationError):
            field.to_internal_value(value)
