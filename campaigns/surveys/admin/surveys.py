"""Surveys in the admin: the builder (the survey's fields and its questions as sortable rows), the invite action, and
the results page (`results.py`)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import display

from campaigns.surveys.admin.forms import QuestionForm, QuestionFormSet, SurveyAdminForm
from campaigns.surveys.admin.results import SurveyResultsMixin
from campaigns.surveys.models import Question, Survey
from campaigns.surveys.selectors import survey_figures
from campaigns.surveys.services import survey_delete, survey_invite, survey_save
from campaigns.surveys.services.surveys import survey_delete_refusal
from common.admin import (
    BrandScopedAdminMixin,
    BrandScopedInlineMixin,
    DomainErrorMessageMixin,
    ServiceDeleteMixin,
    copy_saved_fields,
)
from common.errors import DomainError

FIGURES_TEMPLATE = "admin/surveys/survey/figures.html"


def _delete_survey(survey: Survey) -> None:
    survey_delete(survey=survey)


def _survey_delete_refusal(survey: Survey) -> str | None:
    return survey_delete_refusal(survey=survey)


class QuestionInline(BrandScopedInlineMixin, TabularInline):
    """The questions, dragged into order (or numbered by hand: the keyboard's way); options one per line."""

    model = Question
    form = QuestionForm
    formset = QuestionFormSet
    fields = ("position", "text", "kind", "options")
    ordering_field = "position"
    extra = 0
    min_num = 0
    verbose_name = _("question")
    verbose_name_plural = _("questions")

    def get_extra(self, request: HttpRequest, obj: Survey | None = None, **kwargs: Any) -> int:
        return 1 if obj is None else 0


@admin.register(Survey)
class SurveyAdmin(SurveyResultsMixin, ServiceDeleteMixin, BrandScopedAdminMixin, DomainErrorMessageMixin, ModelAdmin):
    form = SurveyAdminForm
    list_display = ("name", "brand", "starts_at", "ends_at", "reward_points", "results_link")
    list_filter = ("brand",)
    list_select_related = ("brand",)
    search_fields = ("name",)
    autocomplete_fields = ("segment",)
    readonly_fields = ("figures", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "brand")}),
        (_("Audience, window and reward"), {"fields": ("segment", ("starts_at", "ends_at"), "reward_points")}),
        (_("Figures"), {"fields": ("figures", "created_at", "updated_at")}),
    )
    inlines = [QuestionInline]
    actions = ("invite_audiences",)
    actions_detail = ("invite_detail", "results_detail")
    ordering = ("-pk",)
    delete_service = staticmethod(_delete_survey)
    delete_refusal_service = staticmethod(_survey_delete_refusal)

    def save_model(self, request: HttpRequest, obj: Survey, form: forms.ModelForm, change: bool) -> None:
        """Nothing yet: the survey and its questions are saved together by `survey_save` in `save_related`."""

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        questions = None
        for formset in formsets:
            if formset.model is Question:
                formset.save(commit=False)  # fills the change message's lists; writes nothing
                questions = formset.questions
        target = Survey.objects.get(pk=form.instance.pk) if change else Survey()
        data = {key: form.cleaned_data[key] for key in Survey.EDITABLE_FIELDS if key in form.cleaned_data}
        copy_saved_fields(survey_save(survey=target, data=data, questions=questions), form.instance)

    @display(description=_("results"))
    def results_link(self, obj: Survey) -> str:
        url = reverse("admin:surveys_survey_results", args=[obj.pk])
        return format_html('<a class="text-primary-600" href="{}">{}</a>', url, _("results"))

    @display(description=_("figures"), wrapper_class="max-w-none min-w-0 grow")
    def figures(self, obj: Survey) -> str:
        if obj.pk is None:
            return "—"
        return render_to_string(FIGURES_TEMPLATE, {"figures": survey_figures(obj), "survey": obj})

    def invite_one(self, request: HttpRequest, survey: Survey) -> None:
        try:
            invited = survey_invite(survey=survey, base=request.build_absolute_uri("/").rstrip("/"))
        except DomainError as exc:
            self.message_user(request, f"“{survey}”: {exc.message}", messages.WARNING)
            return
        text = ngettext(
            "“%(name)s”: %(count)d contact invited.", "“%(name)s”: %(count)d contacts invited.", invited
        ) % {"name": survey.name, "count": invited}
        self.message_user(request, text, messages.SUCCESS)

    @admin.action(description=_("Invite the audience of the selected surveys"), permissions=["change"])
    def invite_audiences(self, request: HttpRequest, queryset: QuerySet) -> None:
        for survey in queryset.order_by("pk"):
            self.invite_one(request, survey)
