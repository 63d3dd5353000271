"""The framework's models (groups, API tokens, periodic tasks, login attempts) re-registered with unfold's
`ModelAdmin`, so that every page of the admin has one look, and shown to unlimited staff only: they belong to no
brand, and a brand manager who could edit groups or tokens could widen their own reach. (Users are the staff app's:
`access.admin`.)

This is the one place where the project unregisters an admin it did not write and registers its own: unfold's
documentation shows exactly this for `User` and `Group`, and there is no other way to give a third-party model the
theme. The base admins are imported below, which registers them first whatever the order of `INSTALLED_APPS`;
`common.admin` imports this module, and Django's autodiscovery imports `common.admin` (common is an installed app).
"""

from typing import Any

from axes.admin import AccessAttemptAdmin as BaseAccessAttemptAdmin
from axes.admin import AccessFailureLogAdmin as BaseAccessFailureLogAdmin
from axes.admin import AccessLogAdmin as BaseAccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.urls import reverse
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
from rest_framework.authtoken.admin import TokenAdmin as BaseTokenAdmin
from rest_framework.authtoken.models import TokenProxy
from unfold.admin import ModelAdmin
from unfold.views import ChangeList
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from common.admin.permissions import TranslatedPermissionsMixin
from common.scoping import user_scope


class UnlimitedStaffOnlyMixin:
    """The admin of a model that belongs to no brand: superusers and `all_brands` staff only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_scope(request.user).unlimited and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_scope(request.user).unlimited and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return user_scope(request.user).unlimited and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)  # type: ignore[misc]
        return user_scope(request.user).unlimited and allowed

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)  # type: ignore[misc]
        return user_scope(request.user).unlimited and allowed


for _model in (
    Group,
    TokenProxy,
    PeriodicTask,
    IntervalSchedule,
    CrontabSchedule,
    SolarSchedule,
    ClockedSchedule,
    AccessAttempt,
    AccessLog,
    AccessFailureLog,
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(Group)
class GroupAdmin(UnlimitedStaffOnlyMixin, TranslatedPermissionsMixin, BaseGroupAdmin, ModelAdmin):
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
class TokenAdmin(UnlimitedStaffOnlyMixin, BaseTokenAdmin, ModelAdmin):
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
class PeriodicTaskAdmin(UnlimitedStaffOnlyMixin, BasePeriodicTaskAdmin, ModelAdmin):
    form = UnfoldPeriodicTaskForm


@admin.register(IntervalSchedule)
class IntervalScheduleAdmin(UnlimitedStaffOnlyMixin, ModelAdmin):
    pass


@admin.register(CrontabSchedule)
class CrontabScheduleAdmin(UnlimitedStaffOnlyMixin, BaseCrontabScheduleAdmin, ModelAdmin):
    pass


@admin.register(SolarSchedule)
class SolarScheduleAdmin(UnlimitedStaffOnlyMixin, ModelAdmin):
    pass


@admin.register(ClockedSchedule)
class ClockedScheduleAdmin(UnlimitedStaffOnlyMixin, BaseClockedScheduleAdmin, ModelAdmin):
    pass


@admin.register(AccessAttempt)
class AccessAttemptAdmin(UnlimitedStaffOnlyMixin, BaseAccessAttemptAdmin, ModelAdmin):
    pass


@admin.register(AccessLog)
class AccessLogAdmin(UnlimitedStaffOnlyMixin, BaseAccessLogAdmin, ModelAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(UnlimitedStaffOnlyMixin, BaseAccessFailureLogAdmin, ModelAdmin):
    pass
