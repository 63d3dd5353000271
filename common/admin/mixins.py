"""Admin pieces every app uses: service errors shown on forms and as messages, read-only admins, deletion through
a service, and the answer to a detail action's dialog."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from unfold.admin import TabularInline

from common.admin.scoping import BrandScopedInlineMixin
from common.errors import DomainError


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Put a service's error on the form: under the fields it names, and its message on top."""
    placed = False
    for field, errors in exc.fields.items():
        if field in form.fields and field not in form.errors:
            form.add_error(field, errors if isinstance(errors, list) else [str(errors)])
            placed = True
    if not placed or exc.code != "invalid":
        form.add_error(None, exc.message)


def copy_saved_fields(source: Model, target: Model) -> None:
    """Make the object the admin holds match the one a service saved (pk, stamps, normalised values)."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False
    target._state.db = source._state.db


def redirect_after_dialog(request: HttpRequest, url: str) -> HttpResponse:
    """After a detail action: its dialog is sent by htmx, which loads the page in full on `HX-Redirect`; a plain
    form post gets an ordinary redirect."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class DomainErrorMessageMixin:
    """A service that refuses a save at the last moment (a race the form could not see) gives a message.

    Forms check the rules first, so the user normally sees errors on the form; this is the safety net. The
    admin's transaction is rolled back and the user is sent back to the page with the error on top.
    """

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)  # type: ignore[attr-defined]
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)  # type: ignore[attr-defined]
        return HttpResponseRedirect(request.get_full_path())


class ReadOnlyAdminMixin:
    """Nothing to add, change or delete: the page shows the object, the change list lists them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, BrandScopedInlineMixin, TabularInline):
    """Rows shown under their parent as they are (those of the user's brands): every field read-only, none added or
    deleted."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields or ()


class ServiceDeleteMixin:
    """Deletes one object at a time through its service (`delete_service`), which may refuse with a message; the
    bulk "delete selected" action is not offered (it could not say which objects were refused).

    `delete_refusal_service` (the service's own rule, the message it refuses with, or None) is asked before the
    confirmation page, so that a refused deletion is said at once, not after the user confirmed it.
    """

    delete_service: Callable[[Any], None]
    delete_refusal_service: Callable[[Any], str | None] | None = None

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        type(self).delete_service(obj)

    def delete_refusal(self, request: HttpRequest, object_id: str) -> Any:
        """Why the object may not be deleted (said before the confirmation page), or None."""
        check = type(self).delete_refusal_service
        if check is None:
            return None
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        return None if obj is None else check(obj)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        opts = self.model._meta  # type: ignore[attr-defined]
        back = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
        refusal = self.delete_refusal(request, object_id)
        if refusal is not None:
            self.message_user(request, refusal, messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(back)
        try:
            return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(back)
