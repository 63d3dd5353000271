"""The metrics in the admin: RFM (a segment map, one click to make a customer segment of a segment), LTV and retention
by cohort, ABC/XYZ, the BCG matrix, fraud signals, and the churn model (its validation figures, weights and the
spread of risks). Each page is filtered by brand (the user's) and period, drawn by Plotly from this installation's
static files with data from `json_script`, and its table is exported as CSV or XLSX (`?format=`).
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from unfold.admin import ModelAdmin

from analytics.exports import FORMATS, file_response
from analytics.finders import PLOTLY_JS
from analytics.metrics import pages
from analytics.metrics.forms import MetricFilterForm
from analytics.metrics.fraud import KIND_LABELS
from analytics.metrics.models import AbcXyzReport, BcgReport, ChurnModel, FraudReport, LtvReport, RfmReport
from analytics.metrics.rfm import SEGMENT_LABELS
from analytics.metrics.services import rfm_segment_create
from analytics.metrics.table_labels import column_labels, shown_rows
from common.admin import BrandScopedAdminMixin, ReadOnlyAdminMixin
from common.errors import DomainError
from loyalty.models import Brand, Category

LINKS = {
    "card": "admin:loyalty_card_change",
    "contact": "admin:contacts_contact_change",
    "register": "admin:loyalty_register_change",
    "user": "admin:auth_user_change",
}


class ReportAdmin(ReadOnlyAdminMixin, BrandScopedAdminMixin, ModelAdmin):
    """A metric's page in place of a change list: the filters, the chart, the table (its first rows) and the files."""

    template = ""
    build: Any = None
    filters: tuple[str, ...] = ("brand", "from_", "to", "window_days")

    def page(self, request: HttpRequest, form: MetricFilterForm) -> pages.Page:
        return self.build(form.brands(), form.period())

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = MetricFilterForm(request.GET, user=request.user, keep=self.filters)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": self.opts.verbose_name_plural}
        context |= {"form": form, "plotly_js": PLOTLY_JS, "cl": None}
        if form.is_valid():
            page = self.page(request, form)
            fmt = request.GET.get("format")
            if fmt in FORMATS:
                return file_response(page.table, fmt)
            rows = list(page.table.rows)
            context |= {
                "page": page,
                "columns": column_labels(page.table.columns),
                "rows": shown_rows(page.table.columns, _category_names(request.user, rows[: pages.SHOWN_ROWS])),
                "total_rows": len(rows),
                "shown_rows": pages.SHOWN_ROWS,
                "exports": {fmt: self._with(request, format=fmt) for fmt in FORMATS},
                **self.page_context(request, form, page),
            }
        return TemplateResponse(request, self.template, {**context, **(extra_context or {})})

    def page_context(self, request: HttpRequest, form: MetricFilterForm, page: pages.Page) -> dict[str, Any]:
        return {}

    @staticmethod
    def _with(request: HttpRequest, **values: str) -> str:
        query = request.GET.copy()
        for key, value in values.items():
            query[key] = value
        return f"?{query.urlencode()}"


@admin.register(RfmReport)
class RfmReportAdmin(ReportAdmin):
    template = "admin/metrics/rfm.html"
    build = staticmethod(pages.rfm_page)

    def page_context(self, request: HttpRequest, form: MetricFilterForm, page: pages.Page) -> dict[str, Any]:
        brand = form.cleaned_data.get("brand")
        can_make = brand is not None and request.user.has_perm("campaigns.add_segment")
        return {"can_make_segment": can_make, "brand": brand}

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "POST":
            return self.make_segment(request)
        return super().changelist_view(request, extra_context)

    def make_segment(self, request: HttpRequest) -> HttpResponse:
        """One click on a segment of the map: a customer segment of it in the brand's program."""
        if not (self.has_view_permission(request) and request.user.has_perm("campaigns.add_segment")):
            raise PermissionDenied
        back = request.POST.get("next") or reverse("admin:metrics_rfmreport_changelist")
        brand = Brand.objects.for_user(request.user).filter(pk=request.POST.get("brand") or 0).first()
        segment = request.POST.get("segment", "")
        if brand is None or segment not in SEGMENT_LABELS:
            self.message_user(request, _("Choose a brand and an RFM segment."), messages.ERROR)
            return HttpResponseRedirect(back)
        try:
            made = rfm_segment_create(brand=brand, segment=segment)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(back)
        link = reverse("admin:campaigns_segment_change", args=[made.pk])
        note = _("The customer segment “%(name)s” was made: %(size)s contacts.") % {
            "name": made.name,
            "size": made.size,
        }
        self.message_user(request, format_html('<a href="{}">{}</a>', link, note), messages.SUCCESS)
        return HttpResponseRedirect(back if back.startswith("/") and not back.startswith("//") else link)


@admin.register(LtvReport)
class LtvReportAdmin(ReportAdmin):
    template = "admin/metrics/ltv.html"
    filters = (*ReportAdmin.filters, "months")

    def page(self, request: HttpRequest, form: MetricFilterForm) -> pages.Page:
        return pages.ltv_page(form.brands(), form.period(), months=form.cleaned_data.get("months") or 12)


@admin.register(AbcXyzReport)
class AbcXyzReportAdmin(ReportAdmin):
    template = "admin/metrics/abc_xyz.html"
    filters = (*ReportAdmin.filters, "by")

    def page(self, request: HttpRequest, form: MetricFilterForm) -> pages.Page:
        return pages.abc_xyz_page(form.brands(), form.period(), by=form.cleaned_data.get("by") or "product")


@admin.register(BcgReport)
class BcgReportAdmin(ReportAdmin):
    template = "admin/metrics/bcg.html"
    filters = ("brand", "to")
    build = staticmethod(pages.bcg_page)


@admin.register(FraudReport)
class FraudReportAdmin(ReportAdmin):
    template = "admin/metrics/fraud.html"
    build = staticmethod(pages.fraud_page)

    def page_context(self, request: HttpRequest, form: MetricFilterForm, page: pages.Page) -> dict[str, Any]:
        groups: dict[str, list[dict[str, Any]]] = {}
        for signal in page.extra["signals"]:
            target = signal.object
            ids = target.get("ids") or ([target["id"]] if target.get("id") else [])
            view = LINKS.get("contact" if target["type"] == "contacts" else target["type"])
            links = [(reverse(view, args=[pk]), f"#{pk}") for pk in ids] if view else []
            if len(links) == 1:
                links = [(links[0][0], target["label"])]
            groups.setdefault(str(KIND_LABELS[signal.kind]), []).append({"signal": signal, "links": links})
        return {"groups": groups}


@admin.register(ChurnModel)
class ChurnModelAdmin(ReadOnlyAdminMixin, BrandScopedAdminMixin, ModelAdmin):
    list_display = ("trained_at", "status", "auc", "training_auc", "validation_contacts", "scored_contacts")
    list_filter = ("status",)
    ordering = ("-trained_at", "-pk")
    list_before_template = "admin/metrics/churn.html"
    readonly_fields = [field.name for field in ChurnModel._meta.fields]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        form = MetricFilterForm(request.GET, user=request.user, keep=("brand",))
        brand = form.cleaned_data.get("brand") if form.is_valid() else None
        context = {"form": form, "plotly_js": PLOTLY_JS, **pages.churn_page(request.user, brand)}
        return super().changelist_view(request, extra_context={**context, **(extra_context or {})})

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        # the brand filter above the list is the page's own, not a lookup of the list
        query = request.GET.copy()
        query.pop("brand", None)
        request.GET = query  # type: ignore[assignment]
        return super().get_changelist_instance(request)


def _category_names(user: Any, rows: list[Any]) -> list[Any]:
    """The shown rows with their categories by name, not id (the files and the API keep the ids): one query, through
    the user's scope."""
    ids = {row["category"] for row in rows if isinstance(row.get("category"), int)}
    if not ids:
        return rows
    names = dict(Category.objects.for_user(user).filter(pk__in=ids).values_list("pk", "name"))
    return [{**row, "category": names.get(row.get("category"), row.get("category"))} for row in rows]
