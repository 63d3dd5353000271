"""Abstract bases and fields shared by every app's models."""

from typing import Any

from django.db import models
from django.db.models.fields.mixins import FieldCacheMixin
from django.utils.translation import gettext_lazy as _

from common.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


class TimeStampedModel(models.Model):
    """Adds creation and last-change times to a model."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class MoneyField(models.DecimalField):
    """Money or points, with the precision of `common.money` (here, not there: the engine imports that module and
    has no ORM). Migrations see a plain DecimalField with its digits spelled out, so they never import this."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


def loaded(instance: models.Model, name: str) -> Any:
    """The object the relation `name` of `instance` points to if it is already in memory (`select_related`, an
    earlier access), else None: for a `__str__` that names a related object without a query per row."""
    field = instance._meta.get_field(name)
    if isinstance(field, FieldCacheMixin) and field.is_cached(instance):
        return field.get_cached_value(instance)
    return None
