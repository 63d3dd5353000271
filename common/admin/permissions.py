"""Permissions named in the reader's language on the user and group pages.

Django stores a model permission's name once, in English ("Can view contact"), when the permission is made; the
admin's choices show that stored text. Here a model's own permission (add, change, delete or view) is named at
display time from the model's translated name; any other permission by its stored name, through the catalogue."""

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import ManyToManyField
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "add": _("Can add %(name)s"),
    "change": _("Can change %(name)s"),
    "delete": _("Can delete %(name)s"),
    "view": _("Can view %(name)s"),
}
PERMISSION_FIELDS = ("permissions", "user_permissions")


def permission_label(permission: Permission) -> str:
    """ "<app> | <model> | <what it allows>", each part in the active language."""
    content_type = permission.content_type
    model = content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is not None and action in ACTIONS and permission.codename == f"{action}_{model._meta.model_name}":
        name = ACTIONS[action] % {"name": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{content_type} | {name}"


class TranslatedPermissionsMixin:
    """For a model admin with a many-to-many field of permissions (a group's, a user's)."""

    def formfield_for_manytomany(
        self, db_field: "ManyToManyField[Any, Any]", request: HttpRequest | None = None, **kwargs: Any
    ) -> "ModelMultipleChoiceField[Any] | None":
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if db_field.name in PERMISSION_FIELDS and isinstance(field, ModelMultipleChoiceField):
            field.label_from_instance = permission_label  # type: ignore[method-assign,assignment]
        return field
