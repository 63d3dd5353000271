"""The survey's page actions and its results page: invite the audience (a dialog), the results drawn by Plotly (served
from this installation), the NPS score, the latest text answers, and the CSV and XLSX exports."""

from functools import partial
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.forms import BaseDialogForm

from campaigns.surveys import exports
from campaigns.surveys.models import Survey
from campaigns.surveys.selectors import TEXT_ANSWERS_SHOWN, option_label, survey_figures, survey_results
from common.admin import change_url, redirect_after_dialog
from common.spreadsheets import csv_delimiter

RESULTS_TEMPLATE = "admin/surveys/survey/results.html"
# plotly.js as the analytics app serves it from this installation (its static finder; named here, not imported: an app
# of campaigns imports nothing from analytics).
PLOTLY_JS = "vendor/plotly/plotly.min.js"


def chart_data(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Per question with counts: the bars to draw (labels and counts), for results_chart.js."""
    charts = []
    for question in results["questions"]:
        if "counts" not in question:
            continue
        charts.append(
            {
                "id": f"chart-{question['index']}",
                "title": f"{question['index'] + 1}. {question['text']}",
                "kind": question["kind"],
                "labels": [option_label(question, value) for value in question["counts"]],
                "counts": list(question["counts"].values()),
            }
        )
    return charts


class SurveyResultsMixin:
    """For `SurveyAdmin`: the invite and results buttons on the survey's page, and the results page itself."""

    admin_site: Any
    opts: Any
    get_queryset: Any
    has_change_permission: Any
    has_view_permission: Any
    invite_one: Any

    def get_urls(self) -> list[Any]:
        results = self.admin_site.admin_view(self.results_view)
        csv = self.admin_site.admin_view(partial(self.results_export_view, fmt="csv"))
        xlsx = self.admin_site.admin_view(partial(self.results_export_view, fmt="xlsx"))
        return [
            path("<int:object_id>/results/", results, name="surveys_survey_results"),
            path("<int:object_id>/results/csv/", csv, name="surveys_survey_results_csv"),
            path("<int:object_id>/results/xlsx/", xlsx, name="surveys_survey_results_xlsx"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def _survey(self, request: HttpRequest, object_id: Any) -> Survey:
        survey = self.get_queryset(request).filter(pk=object_id).first()
        if survey is None or not self.has_view_permission(request, survey):
            raise Http404
        return survey

    def has_invite_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        if not self.has_change_permission(request):
            return False
        return object_id is None or self.get_queryset(request).filter(pk=object_id).exists()

    def has_results_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        return bool(self.has_view_permission(request))

    @action(
        description=_("Invite the audience"),
        url_path="invite",
        permissions=["invite"],
        icon="forward_to_inbox",
        dialog={
            "title": _("Invite the audience?"),
            "description": _(
                "Every member of the audience not yet invited gets a personal link: a “survey_invited” event each, "
                "which a trigger sends."
            ),
            "form_class": BaseDialogForm,
            "form_submit_text": _("Invite"),
        },
    )
    def invite_detail(self, request: HttpRequest, form: BaseDialogForm, object_id: str) -> HttpResponse:
        survey = get_object_or_404(self.get_queryset(request), pk=object_id)
        self.invite_one(request, survey)
        return redirect_after_dialog(request, change_url(survey))

    @action(description=_("Results"), url_path="results-page", permissions=["results"], icon="bar_chart")
    def results_detail(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return redirect_after_dialog(request, reverse("admin:surveys_survey_results", args=[object_id]))

    def results_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        survey = self._survey(request, object_id)
        results = survey_results(survey, text_limit=TEXT_ANSWERS_SHOWN)
        for question in results["questions"]:
            counts = question.get("counts", {})
            question["rows"] = [(option_label(question, value), count) for value, count in counts.items()]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Results: %(name)s") % {"name": survey.name},
            "survey": survey,
            "results": results,
            "figures": survey_figures(survey),
            "charts": chart_data(results),
            "shown": TEXT_ANSWERS_SHOWN,
            "plotly_js": PLOTLY_JS,
        }
        return render(request, RESULTS_TEMPLATE, context)

    def results_export_view(self, request: HttpRequest, object_id: int, fmt: str) -> HttpResponse:
        survey = self._survey(request, object_id)
        results = survey_results(survey)
        if fmt == "csv":
            content = exports.results_csv(results, delimiter=csv_delimiter())
            response = HttpResponse(content, content_type=exports.CSV_TYPE)
        else:
            response = HttpResponse(exports.results_xlsx(results), content_type=exports.XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{exports.export_name(results, fmt)}"'
        return response
