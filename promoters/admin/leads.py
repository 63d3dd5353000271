"""Leads: read-only, filtered by stand, promoter, new or matched, period; above the list their figures (per stand,
the promoters' leaderboard, per hour or day on a Plotly chart) for the leads the list shows, of the last 30 days
unless a period is chosen."""

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display
from unfold.paginator import InfinitePaginator

from common.admin import BrandScopedAdminMixin, ReadOnlyAdminMixin, change_link
from contacts.models import Contact
from promoters.admin.panels import FIGURES_TEMPLATE, figures_context
from promoters.models import Lead, Stand
from promoters.selectors import own_stands_only, stands_for_user

# The figures above an unfiltered list cover this many days.
FIGURES_DAYS = 30


class PromoterFilter(admin.SimpleListFilter):
    """The promoters of the stands the user sees (no one else's name is offered)."""

    title = _("promoter")
    parameter_name = "promoter"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        # The promoters of the stands the user sees (read from the stands, not from a million leads).
        people = (
            get_user_model()
            .objects.filter(
                pk__in=Stand.promoters.through.objects.filter(
                    stand__in=stands_for_user(request.user).values("pk")
                ).values("user_id")
            )
            .order_by("username")
            .values_list("pk", "username")
        )
        return [(str(pk), name) for pk, name in people[:200]]

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
    ordering = ("-captured_at", "-pk")
    list_before_template = FIGURES_TEMPLATE
    # No count of every lead (the figures above count the window they show).
    show_full_result_count = False
    paginator = InfinitePaginator
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
            leads = response.context_data["cl"].queryset
            days = None
            if not any(key.startswith("captured_at__") for key in request.GET):
                # Unless a period is chosen, the figures cover the latest days (a season's leads stay one index range).
                days = FIGURES_DAYS
                leads = leads.filter(captured_at__gte=timezone.now() - timedelta(days=days))
            response.context_data.update(figures_context(leads, per_stand=True))
            response.context_data["lead_figures_days"] = days
        return response
