"""Links between admin pages: an object's page, a change list with filters."""

from typing import Any
from urllib.parse import urlencode

from django.db.models import Model
from django.urls import reverse
from django.utils.html import format_html


def change_url(model: type[Model] | Model, pk: Any = None) -> str:
    """The admin page of an object (`change_url(obj)`), or of a model's object by its key."""
    if pk is None and isinstance(model, Model):
        pk = model.pk
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


def changelist_url(model: type[Model], **filters: Any) -> str:
    """A model's change list with the given filters (lookups as the admin reads them from the URL)."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def changelist_link(model: type[Model], text: Any, **filters: Any) -> str:
    return format_html('<a class="text-primary-600 underline" href="{}">{}</a>', changelist_url(model, **filters), text)


def change_link(model: type[Model], pk: Any, text: Any) -> str:
    return format_html('<a class="text-primary-600 underline" href="{}">{}</a>', change_url(model, pk), text)
