"""Customer segments: their rules and members."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display
from unfold.forms import PaginationInlineFormSet

from campaigns.admin.base import CampaignsModelAdmin
from campaigns.models import Segment, SegmentMember
from campaigns.segments.selectors import segment_history
from campaigns.services.segments import (
    segment_delete,
    segment_delete_refusal,
    segment_members_add,
    segment_members_remove,
    segment_recompute,
    segment_save,
)
from common.admin import BrandScopedInlineMixin, ServiceDeleteMixin, copy_saved_fields

HISTORY_LIMIT = 50
HISTORY_TEMPLATE = "admin/campaigns/segment/history_panel.html"


def _delete_segment(segment: Segment) -> None:
    segment_delete(segment=segment)


def _segment_delete_refusal(segment: Segment) -> str | None:
    return segment_delete_refusal(segment=segment)


class SegmentMemberInline(BrandScopedInlineMixin, TabularInline):
    """The current members, paginated; a contact added here is added by hand (kept whatever the rules say), one
    deleted here leaves the segment (its stay ends; the history panel keeps it)."""

    model = SegmentMember
    formset = PaginationInlineFormSet
    per_page = 20
    fields = ("contact", "entered_at", "manual")
    readonly_fields = ("entered_at", "manual")
    autocomplete_fields = ("contact",)
    extra = 0
    verbose_name = _("member")
    verbose_name_plural = _("members")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(left_at__isnull=True).select_related("contact").order_by("-pk")


@admin.register(Segment)
class SegmentAdmin(ServiceDeleteMixin, CampaignsModelAdmin):
    """Customer segments: their rules and members (as last recomputed, or added by hand)."""

    list_display = ("name", "program", "size", "recomputed_at")
    list_select_related = ("program",)
    list_filter = ("program",)
    search_fields = ("name",)
    readonly_fields = ("size", "recomputed_at", "history", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "program")}),
        (_("Rules"), {"fields": ("rules", "recompute_minutes")}),
        (_("Members"), {"fields": ("size", "recomputed_at", "history")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = [SegmentMemberInline]
    actions = ("recompute_segments",)
    ordering = ("program", "name")
    delete_service = staticmethod(_delete_segment)
    delete_refusal_service = staticmethod(_segment_delete_refusal)

    def save_model(self, request: HttpRequest, obj: Segment, form: forms.ModelForm, change: bool) -> None:
        data: dict[str, Any] = {
            key: form.cleaned_data[key]
            for key in ("name", "program", "rules", "recompute_minutes")
            if key in form.cleaned_data
        }
        target = Segment.objects.get(pk=obj.pk) if change else Segment()
        saved = segment_save(segment=target, data=data)
        copy_saved_fields(saved, obj)

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        if formset.model is not SegmentMember:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)  # fills new/changed/deleted_objects for the change message; writes nothing
        segment = form.instance
        removed = [member.contact for member in formset.deleted_objects]
        added = [member.contact for member in formset.new_objects]
        for member, _fields in formset.changed_objects:
            previous = SegmentMember.objects.filter(pk=member.pk).select_related("contact").first()
            if previous is not None:
                removed.append(previous.contact)
            added.append(member.contact)
        if removed:
            segment_members_remove(segment=segment, contacts=removed)
        if added:
            segment_members_add(segment=segment, contacts=added)

    @admin.action(description=_("Recompute selected segments"), permissions=["change"])
    def recompute_segments(self, request: HttpRequest, queryset: QuerySet) -> None:
        for segment in queryset.order_by("pk"):
            size = segment_recompute(segment=segment)
            self.message_user(
                request,
                _("“%(name)s”: %(size)s members.") % {"name": segment.name, "size": size},
                messages.SUCCESS,
            )

    @display(description=_("entered and left, latest first"), wrapper_class="max-w-none min-w-0 grow")
    def history(self, obj: Segment) -> str:
        """The latest `HISTORY_LIMIT` stays (who entered and left when): one indexed query, whatever the size."""
        if obj.pk is None:
            return "—"
        stays = segment_history(obj, limit=HISTORY_LIMIT)
        return render_to_string(HISTORY_TEMPLATE, {"stays": stays, "limit": HISTORY_LIMIT})
