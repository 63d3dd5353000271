"""Staff users in the admin: unlimited staff only; each user's brands, `all_brands` and roles (groups) on their page.

Django's own user admin is replaced by this one (the theme's documented way, as `common.admin.framework` does for
the other framework models); saves of brands and `all_brands` go through `access.services` like the API's.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from access.models import StaffProfile
from access.services import staff_user_update, staff_users_visible_to
from common.admin.framework import UnlimitedStaffOnlyMixin
from common.admin.permissions import TranslatedPermissionsMixin
from loyalty.models import Brand

User = get_user_model()


class StaffUserChangeForm(UserChangeForm):
    brands = forms.ModelMultipleChoiceField(
        label=_("brands"),
        queryset=Brand.objects.order_by("name"),
        required=False,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        help_text=_("A user limited to brands sees and changes only their objects; in no brand, nothing."),
    )
    all_brands = forms.BooleanField(
        label=_("all brands"),
        required=False,
        help_text=_("Sees and changes the objects of every brand, and what all brands share (categories, blacklist)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["brands"].initial = list(self.instance.managed_brands.values_list("pk", flat=True))
            profile = StaffProfile.objects.filter(user=self.instance).first()
            self.fields["all_brands"].initial = bool(profile and profile.all_brands)


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UnlimitedStaffOnlyMixin, TranslatedPermissionsMixin, BaseUserAdmin, ModelAdmin):
    form = StaffUserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ("username", "first_name", "last_name", "is_staff", "is_superuser", "is_active", "last_login")
    list_filter_submit = True
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Brands"), {"fields": ("all_brands", "brands")}),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Staff other than superusers never see (and so never take over) a superuser.
        if request.user.is_superuser:
            return super().get_queryset(request)
        return super().get_queryset(request).filter(pk__in=staff_users_visible_to(request.user).values("pk"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if "brands" in form.cleaned_data:
            staff_user_update(
                user=form.instance,
                data={"brands": form.cleaned_data["brands"], "all_brands": form.cleaned_data.get("all_brands", False)},
            )
