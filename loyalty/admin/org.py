"""Programs, partners, brands, stores and cash registers."""

import zoneinfo
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import display
from unfold.widgets import UnfoldAdminSelectWidget

from common.admin import copy_saved_fields
from common.scoping import user_scope
from loyalty.admin.base import ScopedModelAdmin
from loyalty.models import Brand, Partner, Program, Register, Store
from loyalty.services.registers import register_create, register_rotate_key


@admin.register(Program)
class ProgramAdmin(ScopedModelAdmin):
    list_display = ("name", "point_value", "max_redeem_percent", "activation_days", "expires_in_days")
    search_fields = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name",)}),
        (
            _("Points"),
            {"fields": ("point_value", "max_redeem_percent", "activation_days", "expires_in_days")},
        ),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    ordering = ("name",)


@admin.register(Partner)
class PartnerAdmin(ScopedModelAdmin):
    list_display = ("name", "legal_name", "created_at")
    search_fields = ("name", "legal_name")
    readonly_fields = ("created_at", "updated_at")
    fields = ("name", "legal_name", "created_at", "updated_at")
    ordering = ("name",)


@admin.register(Brand)
class BrandAdmin(ScopedModelAdmin):
    list_display = ("name", "program", "currency", "created_at")
    list_select_related = ("program",)
    list_filter = ("program", "currency")
    search_fields = ("name",)
    filter_horizontal = ("managers",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "program", "currency")}),
        (_("Managers"), {"fields": ("managers",)}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    ordering = ("name",)

    def get_readonly_fields(self, request: HttpRequest, obj: Brand | None = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if not user_scope(request.user).unlimited:
            # Who works in which brand is decided by unlimited staff: a manager could otherwise add a colleague.
            readonly.append("managers")
        return readonly


TIMEZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class StoreAdminForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("time zone"), choices=TIMEZONE_CHOICES, initial="Europe/Moscow", widget=UnfoldAdminSelectWidget
    )

    class Meta:
        model = Store
        fields = ("brand", "partner", "name", "code", "timezone", "city")


@admin.register(Store)
class StoreAdmin(ScopedModelAdmin):
    form = StoreAdminForm
    list_display = ("name", "code", "brand", "partner", "city", "timezone")
    list_select_related = ("brand", "partner")
    list_filter = ("brand", "partner", "timezone")
    search_fields = ("name", "code", "city")
    autocomplete_fields = ("partner",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("brand", "partner", "name", "code")}),
        (_("Place"), {"fields": ("city", "timezone")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    ordering = ("brand", "name")


ROTATE_CONFIRMATION_TEMPLATE = "admin/loyalty/register/rotate_confirmation.html"
REGISTER_FIELDS = ("store", "code", "model", "serial_number", "software_version", "is_active")
REGISTER_KEY_MESSAGE = _(
    "The API key of register “{register}” is <code>{key}</code>. Copy it now: it is not shown again."
)


@admin.register(Register)
class RegisterAdmin(ScopedModelAdmin):
    """Cash registers; the API key is shown once, when the register is made or its key is rotated."""

    list_display = ("code", "store", "store_brand", "model", "is_active", "api_key_prefix", "last_seen_at")
    list_select_related = ("store__brand",)
    list_filter = ("is_active", "store__brand", ("store", AutocompleteSelectFilter))
    search_fields = ("code", "serial_number", "store__name", "store__code")
    autocomplete_fields = ("store",)
    readonly_fields = ("api_key_prefix", "last_seen_at", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("store", "code", "is_active")}),
        (_("Device"), {"fields": ("model", "serial_number", "software_version")}),
        (_("API"), {"fields": ("api_key_prefix", "last_seen_at")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    actions = ("rotate_api_key",)
    ordering = ("store", "code")

    @display(description=_("brand"), ordering="store__brand__name")
    def store_brand(self, obj: Register) -> str:
        return str(obj.store.brand)

    def save_model(self, request: HttpRequest, obj: Register, form: forms.ModelForm, change: bool) -> None:
        if change:
            obj.save()
            return
        data = {field: form.cleaned_data[field] for field in REGISTER_FIELDS if field in form.cleaned_data}
        register, key = register_create(data=data)
        copy_saved_fields(register, obj)
        self._show_key(request, register, key)

    def _show_key(self, request: HttpRequest, register: Register, key: str) -> None:
        self.message_user(
            request,
            format_html(str(REGISTER_KEY_MESSAGE), register=register, key=key),
            messages.SUCCESS,
        )

    @admin.action(description=_("Rotate API key"), permissions=["change"])
    def rotate_api_key(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        """Asks first, naming the registers (a rotated key takes a live till offline), then shows each new key."""
        registers = list(queryset.select_related("store"))
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "registers": registers,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            }
            return TemplateResponse(request, ROTATE_CONFIRMATION_TEMPLATE, context)
        for register in registers:
            key = register_rotate_key(register=register)
            self._show_key(request, register, key)
        return None
