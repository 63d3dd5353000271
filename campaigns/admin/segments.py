"""Customer segments: their rules and members."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.forms import PaginationInlineFormSet

from campaigns.admin.base import CampaignsModelAdmin
from campaigns.models import Segment, SegmentMember
from campaigns.services.segments import (
    segment_delete,
    segment_delete_refusal,
    segment_members_add,
    segment_members_remove,
    segment_recompute,
    segment_save,
)
from common.admin import BrandScopedInlineMixin, ServiceDeleteMixin, copy_saved_fields


def _delete_segment(segment: Segment) -> None:
    segment_delete(segment=segment)


def _segment_delete_refusal(segment: Segment) -> str | None:
    return segment_delete_refusal(segment=segment)


class SegmentMemberInline(BrandScopedInlineMixin, TabularInline):
    model = SegmentMember
    formset = PaginationInlineFormSet
    per_page = 20
    fields = ("contact", "added_at")
    readonly_fields = ("added_at",)
    autocomplete_fields = ("contact",)
    extra = 0
    verbose_name = _("member")
    verbose_name_plural = _("members")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("contact").order_by("-pk")


@admin.register(Segment)
class SegmentAdmin(ServiceDeleteMixin, CampaignsModelAdmin):
    """Customer segments: their rules and members (as last recomputed, or added by hand)."""

    list_display = ("name", "program", "size", "recomputed_at")
    list_select_related = ("program",)
    list_filter = ("program",)
    search_fields = ("name",)
    readonly_fields = ("size", "recomputed_at", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "program")}),
        (_("Rules"), {"fields": ("rules",)}),
        (_("Members"), {"fields": ("size", "recomputed_at")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = [SegmentMemberInline]
    actions = ("recompute_segments",)
    ordering = ("program", "name")
    delete_service = staticmethod(_delete_segment)
    delete_refusal_service = staticmethod(_segment_delete_refusal)

    def save_model(self, request: HttpRequest, obj: Segment, form: forms.ModelForm, change: bool) -> None:
        data: dict[str, Any] = {
            key: form.cleaned_data[key] for key in ("name", "program", "rules") if key in form.cleaned_data
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
