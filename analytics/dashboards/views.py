"""The dashboards' admin pages (registered in `UNFOLD["SITE_VIEWS"]`): each reads its filters, brings the summaries up
to date when that is cheap, reads them (on the replica, if any) through `pages.py`, and draws them, or sends one of
its tables as CSV or XLSX (`?export=<table>&format=csv|xlsx`). "Refresh now" runs the summaries' refresh."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from unfold.views import UnfoldSiteViewMixin

from analytics.dashboards import pages
from analytics.dashboards.filters import DashboardFilterForm
from analytics.exports import FORMATS, file_response
from analytics.finders import PLOTLY_JS
from analytics.router import analytics_reads
from analytics.summaries.freshness import summaries_catch_up
from analytics.summaries.refresh import summaries_refresh

PERMISSION = "analytics.view_brandday"
DASHBOARDS = (
    ("admin:analytics_overview", gettext_lazy("Brand overview"), "dashboard"),
    ("admin:analytics_load", gettext_lazy("Register load"), "schedule"),
    ("admin:analytics_registers", gettext_lazy("Registers"), "point_of_sale"),
    ("admin:analytics_program", gettext_lazy("Program report"), "loyalty"),
)


def dashboard_links() -> list[dict[str, Any]]:
    return [{"url": reverse(name), "title": title, "icon": icon, "name": name} for name, title, icon in DASHBOARDS]


class DashboardView(UnfoldSiteViewMixin, TemplateView):
    """A dashboard: filters, freshness, figures and tables; `build` returns the page's data from the filters."""

    permission_required = (PERMISSION,)
    template_name = "admin/analytics/dashboards/base.html"
    url_name = ""
    streams: tuple[str, ...] = ("days",)
    with_program = False

    def build(self, form: DashboardFilterForm) -> dict[str, Any]:
        raise NotImplementedError

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = DashboardFilterForm(request.GET or None, user=request.user, with_program=self.with_program)
        freshness = summaries_catch_up(self.streams)
        with analytics_reads():
            data = self.build(form)
        export, fmt = request.GET.get("export"), request.GET.get("format", "csv")
        if export:
            table = next((table for table in data.get("tables", []) if table.name == export), None)
            if table is None or fmt not in FORMATS:
                raise Http404
            return file_response(table.export(), fmt)
        query = request.GET.copy()
        query.pop("export", None)
        query.pop("format", None)
        context = self.get_context_data(
            form=form,
            data=data,
            freshness=freshness,
            dashboards=dashboard_links(),
            current=self.url_name,
            query=query.urlencode(),
            plotly_js=PLOTLY_JS,
            refresh_url=reverse("admin:analytics_refresh"),
        )
        return self.render_to_response(context)


class OverviewDashboard(DashboardView):
    template_name = "admin/analytics/dashboards/overview.html"
    title = gettext_lazy("Brand overview")
    url_name = "admin:analytics_overview"

    def build(self, form: DashboardFilterForm) -> dict[str, Any]:
        return {**pages.overview_page(form.scope(), form.period()), "period": form.period()}


class LoadDashboard(DashboardView):
    template_name = "admin/analytics/dashboards/load.html"
    title = gettext_lazy("Register load")
    url_name = "admin:analytics_load"

    def build(self, form: DashboardFilterForm) -> dict[str, Any]:
        return {**pages.load_page(form.scope(), form.period()), "period": form.period()}


class InventoryDashboard(DashboardView):
    template_name = "admin/analytics/dashboards/registers.html"
    title = gettext_lazy("Registers")
    url_name = "admin:analytics_registers"

    def build(self, form: DashboardFilterForm) -> dict[str, Any]:
        return {**pages.inventory_page(form.scope(), form.period()), "period": form.period()}


class ProgramDashboard(DashboardView):
    template_name = "admin/analytics/dashboards/program.html"
    title = gettext_lazy("Program report")
    url_name = "admin:analytics_program"
    streams = ("ledger",)
    with_program = True

    def build(self, form: DashboardFilterForm) -> dict[str, Any]:
        page = pages.program_page(form.program(), form.period(), form.user, partner=form.partner_id())
        return {**page, "period": form.period()}


class RefreshView(UnfoldSiteViewMixin, View):
    """POST: bring every summary up to date now, then back to the page it was asked from."""

    permission_required = (PERMISSION,)
    title = gettext_lazy("Refresh the summaries")
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        results = summaries_refresh()
        days = sum(result.days for result in results)
        messages.success(request, _("The summaries are up to date (%(days)s days written again).") % {"days": days})
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = str(reverse_lazy("admin:analytics_overview"))
        return HttpResponseRedirect(back)
