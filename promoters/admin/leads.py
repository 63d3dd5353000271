"""Leads: read-only, filtered by stand, promoter, new or matched; above the list their figures (per stand, the
promoters' leaderboard, per hour or day on a Plotly chart) for exactly the leads the list shows."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from common.admin import BrandScopedAdminMixin, ReadOnlyAdminMixin, change_link
from contacts.models import Contact
from promoters.admin.panels import FIGURES_TEMPLATE, figures_context
from promoters.models import Lead
from promoters.selectors import leads_for_user, own_stands_only, stands_for_user


class PromoterFilter(admin.SimpleListFilter):
    """The promoters of the leads the user may see (no one else's name is offered)."""

    title = _("promoter")
    parameter_name = "promoter"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        rows = (
            leads_for_user(request.user)
            .exclude(promoter=None)
            .order_by("promoter__username")
            .values_list("promoter_id", "promoter__username")
            .distinct()
        )
        return [(str(pk), name) for pk, name in rows[:200]]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(promoter_id=int(value))
        return queryset


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdminMixin, BrandScopedAdminMixin, ModelAdmin):
    list_display = (
        "captured_at",
        "stand",
        "promoter",
        "contact_link",
        "phone",
        "first_name",
        "created",
        "consent_marketing",
        "welcome_points",
    )
    list_filter = ("stand", PromoterFilter, "created", "consent_marketing", "captured_at")
    list_select_related = ("stand", "promoter")
    search_fields = ("=phone", "=email", "first_name")
    date_hierarchy = "captured_at"
    ordering = ("-captured_at", "-pk")
    list_before_template = FIGURES_TEMPLATE
    fields = Lead.SHOWN_FIELDS
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        leads = super().get_queryset(request)
        if own_stands_only(request.user):
            leads = leads.filter(stand__in=stands_for_user(request.user).values("pk"))
        return leads

    @display(description=_("contact"), ordering="contact")
    def contact_link(self, obj: Lead) -> str:
        return change_link(Contact, obj.contact_id, obj.contact_id) if obj.contact_id else ""

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if isinstance(response, TemplateResponse) and response.context_data and "cl" in response.context_data:
            response.context_data.update(figures_context(response.context_data["cl"].queryset, per_stand=True))
        return response
