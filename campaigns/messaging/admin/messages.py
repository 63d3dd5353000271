"""The outbox in the admin: read-only, filterable by contact, trigger, status and reason; the contact's messages."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.paginator import InfinitePaginator

from campaigns.messaging.choices import MessageStatus, Suppression
from campaigns.messaging.models import Message
from common.admin import BrandScopedAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline
from contacts.admin import CONTACT_PAGE_INLINES

FIELDS = (*Message.SHOWN_FIELDS, "claimed_at", "key")


class ReasonFilter(admin.SimpleListFilter):
    """Why a message was suppressed, or that it failed with an error."""

    title = _("reason")
    parameter_name = "reason"
    FAILED = "error"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*((value, str(label)) for value, label in Suppression.choices), (self.FAILED, str(_("failed")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == self.FAILED:
            return queryset.filter(status=MessageStatus.FAILED)
        if value in Suppression.values:
            return queryset.filter(status=MessageStatus.SUPPRESSED, reason=value)
        return queryset


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, BrandScopedAdminMixin, ModelAdmin):
    list_display = ("id", "created_at", "contact", "trigger", "channel", "event", "status", "reason", "sent_at")
    list_select_related = ("contact", "trigger")
    list_filter = (
        "status",
        ReasonFilter,
        "channel",
        ("trigger", AutocompleteSelectFilter),
        ("contact", AutocompleteSelectFilter),
    )
    search_fields = ("=to", "=event")
    readonly_fields = FIELDS
    fields = FIELDS
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = InfinitePaginator


class ContactMessageInline(ReadOnlyInline):
    """The contact's messages on the contact's page, newest first."""

    model = Message
    fields = ("created_at", "channel", "event", "trigger", "status", "reason", "subject", "sent_at")
    ordering = ("-created_at", "-pk")
    per_page = 10
    show_change_link = True
    verbose_name_plural = _("messages")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("trigger")


CONTACT_PAGE_INLINES.append(ContactMessageInline)
