"""The contact with its cards, enrollments and, per program, the points.

The contacts app defines `ContactAdmin` and does not register it (it knows nothing of loyalty); the contact is
registered here, once, with loyalty's subclass."""

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display
from unfold.views import ChangeList

from common.admin import BrandScopedInlineMixin
from contacts.admin import ContactAdmin, ContactAuditLogInline
from contacts.models import Contact
from loyalty.admin.base import entry_status
from loyalty.admin.contact_import import ContactImportProgramMixin
from loyalty.models import Card, Enrollment, Program
from loyalty.resources import BrandContactResource, card_save_instance, programs_of_limited_user
from loyalty.selectors import ProgramPoints, contact_points
from loyalty.selectors.summary import contact_brand_names, contact_brands_prefetch, contact_summary
from loyalty.services.cards import enrollment_ensure

# entries, purchases, lots and tier changes shown per program; the change lists have the rest
CONTACT_PANEL_LIMIT = 50
POINTS_PANEL_TEMPLATE = "admin/loyalty/contact/points_panel.html"
SUMMARY_CARD_TEMPLATE = "admin/loyalty/contact/summary_card.html"
BRANDS_CELL_TEMPLATE = "admin/loyalty/contact/brands_cell.html"
# brands named in a row of the contact list; the others are counted ("+2") and named in the cell's title
BRANDS_SHOWN = 2


class CardInline(BrandScopedInlineMixin, TabularInline):
    model = Card
    fields = ("number", "card_type", "status", "bound_at")
    readonly_fields = ("bound_at",)
    autocomplete_fields = ("card_type",)
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("card_type__program")


class EnrollmentInline(BrandScopedInlineMixin, TabularInline):
    """Programs the contact is in, with the tier; tiers are changed in the enrollment's own page."""

    model = Enrollment
    fields = ("program", "tier", "tier_valid_until")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("program", "tier")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ContactChangeList(ChangeList):
    """The list of contacts with their brands (the brand column): two more queries for the page, whatever its size.
    Only the page's rows are prefetched: an export (which reads the list's query, not its page) streams as before."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        page: QuerySet[Contact] = self.result_list  # type: ignore[has-type]
        self.result_list = page.prefetch_related(contact_brands_prefetch(request.user))


@admin.register(Contact)
class LoyaltyContactAdmin(ContactImportProgramMixin, ContactAdmin):
    """The contact with cards, enrollments and, per program, the points: balance, lots, entries, purchases, tiers."""

    inlines = [CardInline, EnrollmentInline, ContactAuditLogInline]
    resource_classes = [BrandContactResource]
    # The contact at a glance (balance, tier, expiries, cards) comes first; the form follows.
    change_form_outer_before_template = SUMMARY_CARD_TEMPLATE

    def get_list_display(self, request: HttpRequest) -> Any:
        columns = list(super().get_list_display(request))
        columns.insert(columns.index("display_name") + 1, "brands")  # after the name: whose contact this is
        return columns

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return ContactChangeList

    @display(description=_("brands"))
    def brands(self, obj: Contact) -> str:
        """On one line: the first `BRANDS_SHOWN` names as badges, "+N" for the others, all of them in the title."""
        names = contact_brand_names(obj)
        return render_to_string(
            BRANDS_CELL_TEMPLATE,
            {"names": names, "shown": names[:BRANDS_SHOWN], "more": max(len(names) - BRANDS_SHOWN, 0)},
        )

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Contact | None = None,
    ) -> Any:
        if obj is not None and obj.pk is not None:
            context["contact_summary"] = contact_summary(contact=obj, user=request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Contact | None:
        contact = super().get_object(request, object_id, from_field)
        if contact is not None:
            contact._admin_user = request.user  # type: ignore[attr-defined]
        return contact

    def get_readonly_fields(self, request: HttpRequest, obj: Contact | None = None) -> Any:
        return (*super().get_readonly_fields(request, obj), "points_panel")

    def get_fieldsets(self, request: HttpRequest, obj: Contact | None = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append((_("Points"), {"fields": ("points_panel",)}))
        return fieldsets

    @display(description=_("points by program"), wrapper_class="max-w-none min-w-0 grow")
    def points_panel(self, obj: Contact) -> str:
        """Per program the contact is in (of the user's brands): bounded queries, `CONTACT_PANEL_LIMIT` rows each."""
        if obj.pk is None:
            return "—"
        # The user comes with the object (`get_object`): the panel shows only the programs of the user's brands.
        programs = Program.objects.for_user(getattr(obj, "_admin_user", None))
        now = timezone.now()
        items = contact_points(contact=obj, programs=programs, now=now, limit=CONTACT_PANEL_LIMIT)
        return render_to_string(
            POINTS_PANEL_TEMPLATE, {"programs": [points_panel_context(item, now) for item in items]}
        )

    def after_contact_saved(self, request: HttpRequest, contact: Contact, *, created: bool) -> None:
        # A contact made by a brand manager joins the manager's programs; otherwise it would be out of sight.
        if created:
            for program in programs_of_limited_user(request.user):
                enrollment_ensure(contact=contact, program=program)

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        if formset.model is not Card:
            super().save_formset(request, form, formset, change)
            return
        for card in formset.save(commit=False):
            card_save_instance(card)


def points_panel_context(item: ProgramPoints, now: datetime) -> dict[str, Any]:
    """One program's part of the panel: the selector's figures, the entries' statuses as of `now`, and the count of
    lots when not all of them are listed."""
    lots_count = None
    if item.lots_total > len(item.lots):
        lots_count = _("%(shown)d of %(total)d") % {"shown": len(item.lots), "total": item.lots_total}
    return {
        "points": item,
        "next_expiry": next(iter(item.balance["expiring"]), None),
        "entries": [(entry, entry_status(entry, now)) for entry in item.entries],
        "lots_count": lots_count,
    }
