"""Customer segments: their rules (made with the visual rule builder, `segment_builder`) and members."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display
from unfold.forms import PaginationInlineFormSet

from campaigns.admin.base import CampaignsModelAdmin, int_or_none
from campaigns.admin.segment_builder import builder_page_config, segment_uses
from campaigns.models import Segment, SegmentMember
from campaigns.segments.builder import builder_options
from campaigns.segments.references import segment_rules_references_check
from campaigns.segments.selectors import segment_history
from campaigns.services.segments import (
    segment_delete,
    segment_delete_refusal,
    segment_members_add,
    segment_members_remove,
    segment_recompute,
    segment_rules_check,
    segment_save,
)
from common.admin import BrandScopedInlineMixin, ServiceDeleteMixin, add_domain_error, copy_saved_fields
from common.errors import DomainError
from loyalty.models import Program

HISTORY_LIMIT = 50
HISTORY_TEMPLATE = "admin/campaigns/segment/history_panel.html"
USES_TEMPLATE = "admin/campaigns/segment/uses.html"


class SegmentAdminForm(forms.ModelForm):
    """The segment's fields; `rules` is the JSON the page's rule builder writes (shown on demand, editable). The
    rules are checked as the service checks them, so that a refusal comes back on the form with the marketer's
    rules kept (and the builder puts each error at its row)."""

    class Meta:
        model = Segment
        fields = ("name", "program", "rules", "recompute_minutes")
        help_texts = {
            "rules": _(
                "Conditions on the program's contacts, made with the builder above; the JSON is what is saved "
                '({"all"|"any": [...]}, {"not": {...}}, leaves {"field", "op", "value"}).'
            )
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "rules" in self.errors:
            return cleaned
        program = cleaned.get("program")
        try:
            rules = segment_rules_check(cleaned.get("rules"))
            if program is not None:
                segment = self.instance if self.instance.pk else None
                segment_rules_references_check(rules, program=program, segment=segment)
        except DomainError as exc:
            add_domain_error(self, exc)
        return cleaned


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

    form = SegmentAdminForm
    list_display = ("name", "program", "size", "recomputed_at")
    list_select_related = ("program",)
    list_filter = ("program",)
    search_fields = ("name",)
    readonly_fields = ("size", "recomputed_at", "uses", "history", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "program")}),
        (_("Rules"), {"fields": ("rules", "recompute_minutes")}),
        (_("Members"), {"fields": ("size", "recomputed_at", "uses", "history")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = [SegmentMemberInline]
    actions = ("recompute_segments",)
    ordering = ("program", "name")
    delete_service = staticmethod(_delete_segment)
    delete_refusal_service = staticmethod(_segment_delete_refusal)
    change_form_outer_after_template = "admin/campaigns/segment/builder_config.html"

    class Media:
        js = ("campaigns/segment_builder.js",)
        css = {"all": ("campaigns/segment_builder.css",)}

    def get_urls(self) -> list[URLPattern]:
        options = path(
            "builder-options/",
            self.admin_site.admin_view(self.builder_options_view),
            name="campaigns_segment_builder_options",
        )
        return [options, *super().get_urls()]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        programs = list(Program.objects.for_user(request.user).order_by("pk").values_list("pk", flat=True)[:2])
        if len(programs) == 1:
            initial.setdefault("program", programs[0])
        initial.setdefault("rules", {"all": []})
        return initial

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        segment = self.get_object(request, object_id) if object_id else None
        program = self._builder_program(request, segment)
        context = {**(extra_context or {}), "segment_builder": builder_page_config(request.user, segment, program)}
        return super().changeform_view(request, object_id, form_url, context)

    def _builder_program(self, request: HttpRequest, segment: Segment | None) -> Program | None:
        """The program whose lists the builder offers first: the one posted (a form sent back with errors), the
        segment's, or the add page's initial one; None when the user may not see it."""
        if request.method == "POST":
            wanted = int_or_none(request.POST.get("program"))
        elif segment is not None:
            wanted = segment.program_id
        else:
            wanted = int_or_none(self.get_changeform_initial_data(request).get("program"))
        return Program.objects.for_user(request.user).filter(pk=wanted).first() if wanted is not None else None

    def builder_options_view(self, request: HttpRequest) -> JsonResponse:
        """`?program=&segment=` → the program's tiers, stores, other segments and the category tree, as far as the user
        sees them: what the rule builder's lists offer."""
        if not self.has_view_or_change_permission(request) and not self.has_add_permission(request):
            raise PermissionDenied
        program = get_object_or_404(Program.objects.for_user(request.user), pk=int_or_none(request.GET.get("program")))
        options = builder_options(
            user=request.user, program=program, segment_id=int_or_none(request.GET.get("segment"))
        )
        return JsonResponse(options)

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

    @display(description=_("use it"))
    def uses(self, obj: Segment) -> str:
        """Shortcuts to a campaign for the members and a message the moment a contact enters (saved segments)."""
        if obj.pk is None:
            return "—"
        return render_to_string(USES_TEMPLATE, {"uses": segment_uses(obj)})

    @display(description=_("entered and left, latest first"), wrapper_class="max-w-none min-w-0 grow")
    def history(self, obj: Segment) -> str:
        """The latest `HISTORY_LIMIT` stays (who entered and left when): one indexed query, whatever the size."""
        if obj.pk is None:
            return "—"
        stays = segment_history(obj, limit=HISTORY_LIMIT)
        return render_to_string(HISTORY_TEMPLATE, {"stays": stays, "limit": HISTORY_LIMIT})
