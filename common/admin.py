"""Shared admin pieces: brand scoping, domain errors shown as messages, imports that keep the good rows.

It also re-registers the framework's models (users, groups, API tokens, periodic tasks) with unfold's
`ModelAdmin` so that every page of the admin has one look. That happens when this module is first imported:
every app's `admin.py` imports it, and Django's autodiscovery has imported the admin modules of
`django.contrib.auth`, `rest_framework.authtoken` and `django_celery_beat` before ours (they come first in
`INSTALLED_APPS`).
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, quote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Field, Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_celery_beat.admin import ClockedScheduleAdmin as BaseClockedScheduleAdmin
from django_celery_beat.admin import CrontabScheduleAdmin as BaseCrontabScheduleAdmin
from django_celery_beat.admin import PeriodicTaskAdmin as BasePeriodicTaskAdmin
from django_celery_beat.admin import PeriodicTaskForm, TaskSelectWidget
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from import_export.admin import ImportExportModelAdmin
from import_export.results import Result, RowResult
from rest_framework.authtoken.admin import TokenAdmin as BaseTokenAdmin
from rest_framework.authtoken.models import TokenProxy
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import RelatedDropdownFilter
from unfold.contrib.import_export.forms import ExportForm, ImportForm
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from unfold.views import ChangeList
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from common.errors import DomainError
from common.scoping import allowed_brand_ids, scope_queryset

# How many rows with errors an import lists in its closing message (the rest are counted).
IMPORT_ERRORS_SHOWN = 20


def is_brand_scoped(model: type[Model] | None) -> bool:
    return bool(model is not None and getattr(model, "BRAND_SCOPE", ()))


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


class ScopedRelatedDropdownFilter(RelatedDropdownFilter):
    """A related-field filter that offers only the objects of the user's brands."""

    def field_choices(self, field: Field, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        related_model = field.related_model
        assert related_model is not None
        queryset = scope_queryset(related_model._default_manager.all(), request.user)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class BrandScopedFormfieldsMixin:
    """Choices of related objects (select boxes, autocompletes) limited to the user's brands."""

    def _scoped_choices(self, db_field: Field, request: HttpRequest, kwargs: dict[str, Any]) -> None:
        related_model = db_field.related_model
        if "queryset" in kwargs or related_model is None or not is_brand_scoped(related_model):
            return
        if allowed_brand_ids(request.user) is None:
            return
        queryset = self.get_field_queryset(None, db_field, request)  # type: ignore[attr-defined]
        if queryset is None:
            queryset = related_model._default_manager.all()
        kwargs["queryset"] = scope_queryset(queryset, request.user)

    def formfield_for_foreignkey(self, db_field: Field, request: HttpRequest, **kwargs: Any) -> Any:
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Field, request: HttpRequest, **kwargs: Any) -> Any:
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class BrandScopedInlineMixin(BrandScopedFormfieldsMixin):
    """For inlines: rows and choices limited to the user's brands (the parent admin checks the parent)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scope_queryset(super().get_queryset(request), request.user)  # type: ignore[misc]


class BrandScopedAdminMixin(BrandScopedFormfieldsMixin):
    """A staff user limited to some brands sees, picks and changes only objects of those brands.

    Superusers and staff in no brand are not limited (`allowed_brand_ids` gives None). An object outside the
    user's brands is missing from the change list, and its pages answer as for an unknown object.
    """

    list_filter_submit = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scope_queryset(super().get_queryset(request), request.user)  # type: ignore[misc]

    def get_list_filter(self, request: HttpRequest) -> Any:
        result = []
        for item in super().get_list_filter(request):  # type: ignore[misc]
            if isinstance(item, str) and self._filters_scoped_relation(item):
                result.append((item, ScopedRelatedDropdownFilter))
            else:
                result.append(item)
        return result

    def _filters_scoped_relation(self, path: str) -> bool:
        try:
            field = get_fields_from_path(self.model, path)[-1]  # type: ignore[attr-defined]
        except (FieldDoesNotExist, NotRelationField):
            return False
        return bool(getattr(field, "is_relation", False)) and is_brand_scoped(field.related_model)

    def object_in_scope(self, request: HttpRequest, obj: Model | None) -> bool:
        if obj is None or obj.pk is None or not is_brand_scoped(type(obj)):
            return True
        if allowed_brand_ids(request.user) is None:
            return True
        cache: dict[tuple[str, Any], bool] = request.__dict__.setdefault("_brand_scope_objects", {})
        key = (obj._meta.label, obj.pk)
        if key not in cache:
            queryset = type(obj)._default_manager.filter(pk=obj.pk)
            cache[key] = scope_queryset(queryset, request.user).exists()
        return cache[key]

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_view_permission(request, obj) and self.object_in_scope(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and self.object_in_scope(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self.object_in_scope(request, obj)  # type: ignore[misc]


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


class PartialImportMixin(ImportExportModelAdmin):
    """django-import-export with unfold's forms, where rows with errors do not block the good ones.

    The library shows the "Confirm import" button only when every row is valid. Here the preview lists the
    rows with errors (they will be skipped) next to the valid rows, and confirming imports the valid ones;
    the closing message counts and names the skipped rows. The resource gets the user (`user=`) so that it
    can limit references to the user's brands.
    """

    import_form_class = ImportForm
    export_form_class = ExportForm
    import_template_name = "admin/import_export/import_partial.html"

    def get_resource_kwargs(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        resource_kwargs = super().get_resource_kwargs(request, *args, **kwargs)
        resource_kwargs.pop("form", None)
        resource_kwargs["user"] = request.user
        return resource_kwargs

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if isinstance(response, TemplateResponse) and context is not None:
            result: Result | None = context.get("result")
            if result is not None and "confirm_form" not in context and self._can_import_valid_rows(result):
                context["confirm_form"] = self.create_confirm_form(request, import_form=context["form"])
            if result is not None:
                context["valid_count"] = len(result.valid_rows())
                context["invalid_count"] = len(result.invalid_rows)
        return response

    @staticmethod
    def _can_import_valid_rows(result: Result) -> bool:
        if result.has_errors() or not result.has_validation_errors():
            return False
        return any(row.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE) for row in result)

    def add_success_message(self, result: Result, request: HttpRequest) -> None:
        super().add_success_message(result, request)
        if not result.invalid_rows:
            return
        count = len(result.invalid_rows)
        self.message_user(
            request,
            ngettext(
                "%(count)d row was not imported because of errors.",
                "%(count)d rows were not imported because of errors.",
                count,
            )
            % {"count": count},
            messages.WARNING,
        )
        for invalid in result.invalid_rows[:IMPORT_ERRORS_SHOWN]:
            texts = [
                f"{field}: {' '.join(str(error) for error in errors)}"
                if field != "__all__"
                else " ".join(str(error) for error in errors)
                for field, errors in invalid.error_dict.items()
            ]
            self.message_user(
                request,
                _("Row %(number)s: %(errors)s") % {"number": invalid.number, "errors": "; ".join(texts)},
                messages.WARNING,
            )
        if count > IMPORT_ERRORS_SHOWN:
            self.message_user(
                request,
                _("… and %(count)d more rows with errors.") % {"count": count - IMPORT_ERRORS_SHOWN},
                messages.WARNING,
            )


# The framework's models, re-registered with unfold's ModelAdmin (unfold's docs show the same pattern).

User = get_user_model()
for _model in (
    User,
    Group,
    TokenProxy,
    PeriodicTask,
    IntervalSchedule,
    CrontabSchedule,
    SolarSchedule,
    ClockedSchedule,
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_filter_submit = True


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin, ModelAdmin):
    pass


class TokenChangeList(ChangeList):
    """Tokens are keyed by their user in the admin's URLs (as DRF's own admin does)."""

    def url_for_result(self, result: Any) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(quote(result.user.pk),),
            current_app=self.model_admin.admin_site.name,
        )


@admin.register(TokenProxy)
class TokenAdmin(BaseTokenAdmin, ModelAdmin):
    autocomplete_fields = ("user",)
    list_select_related = ("user",)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return TokenChangeList


class UnfoldTaskSelectWidget(UnfoldAdminSelectWidget, TaskSelectWidget):
    pass


class UnfoldPeriodicTaskForm(PeriodicTaskForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].widget = UnfoldAdminTextInputWidget()
        self.fields["regtask"].widget = UnfoldTaskSelectWidget()


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(BasePeriodicTaskAdmin, ModelAdmin):
    form = UnfoldPeriodicTaskForm


@admin.register(IntervalSchedule)
class IntervalScheduleAdmin(ModelAdmin):
    pass


@admin.register(CrontabSchedule)
class CrontabScheduleAdmin(BaseCrontabScheduleAdmin, ModelAdmin):
    pass


@admin.register(SolarSchedule)
class SolarScheduleAdmin(ModelAdmin):
    pass


@admin.register(ClockedSchedule)
class ClockedScheduleAdmin(BaseClockedScheduleAdmin, ModelAdmin):
    pass
