"""Licence use in the admin: the daily counts as a list, and above it the licence, the latest day's counts and a chart
of the active contacts per brand over time (Plotly, from this installation's static files). The page reads what the
daily `licence` job stored (a few rows), never counts a million contacts itself; the API counts live."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from analytics.finders import PLOTLY_JS
from analytics.models import LicenceUsage
from analytics.selectors import licence_history, licence_latest
from common.admin import BrandScopedAdminMixin, ReadOnlyAdminMixin, ScopedRelatedDropdownFilter

CHART_DAYS = 365


@admin.register(LicenceUsage)
class LicenceUsageAdmin(ReadOnlyAdminMixin, BrandScopedAdminMixin, ModelAdmin):
    list_display = ("day", "brand_or_total", "active", "licence", "told")
    list_select_related = ("brand",)
    list_filter = (("brand", ScopedRelatedDropdownFilter),)
    date_hierarchy = "day"
    ordering = ("-day", "brand_id")
    list_before_template = "admin/analytics/licenceusage/chart.html"
    fields = ("day", "brand", "active", "licensed", "alerted", "created_at", "updated_at")
    readonly_fields = fields

    @admin.display(description=_("brand"), ordering="brand__name")
    def brand_or_total(self, obj: LicenceUsage) -> Any:
        return obj.brand or _("All brands")

    @admin.display(description=_("licensed active contacts"))
    def licence(self, obj: LicenceUsage) -> Any:
        if obj.brand_id is not None:
            return ""  # the licence is the installation's: on the day's total only
        return obj.licensed or _("unlimited")

    @admin.display(description=_("e-mail sent"), boolean=True)
    def told(self, obj: LicenceUsage) -> bool | None:
        return obj.alerted if obj.brand_id is None else None

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        latest = licence_latest(user=request.user)
        history = licence_history(user=request.user, since=timezone.localdate() - timedelta(days=CHART_DAYS))
        chart = {
            "days": [day.isoformat() for day in history.days],
            "series": [
                {
                    "name": line["name"] or str(_("All brands")),
                    "values": [line["points"].get(day.isoformat()) for day in history.days],
                }
                for line in history.series
            ],
            "title": str(_("Active contacts")),
        }
        context = {
            "licensed": settings.LICENSED_ACTIVE_CONTACTS,
            "latest": latest,
            "licence_percent": None if latest.share is None else round(latest.share * 100, 1),
            "licence_chart": chart,
            "active_days": settings.ACTIVE_CONTACT_DAYS,
            "plotly_js": PLOTLY_JS,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)
