"""The survey builder's forms: the survey's fields and its questions as sortable rows (options one per line), both
checked by the services' own rules before anything is saved."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminTextareaWidget

from campaigns.surveys.models import Question, Survey
from campaigns.surveys.questions import questions_check
from campaigns.surveys.services.surveys import questions_change_refusal, survey_fields_check
from common.admin import add_domain_error
from common.errors import DomainError


class SurveyAdminForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = Survey.EDITABLE_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        candidate = Survey(pk=self.instance.pk, **{key: cleaned.get(key) for key in Survey.EDITABLE_FIELDS})
        if candidate.reward_points is None:
            candidate.reward_points = 0
        try:
            survey_fields_check(candidate)
        except DomainError as exc:
            add_domain_error(self, exc)
        return cleaned


class OptionsField(forms.CharField):
    """A question's options typed one per line; cleans to the list of the lines that are not blank."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", UnfoldAdminTextareaWidget(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(str(item) for item in value) if isinstance(value, list | tuple) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list | tuple):
            return [str(item).strip() for item in value if str(item).strip()]
        return [line.strip() for line in str(value or "").splitlines() if line.strip()]

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(initial) != self.to_python(data)


class QuestionForm(forms.ModelForm):
    options = OptionsField(
        label=_("options"), help_text=_("One option per line; for questions of one or several options only.")
    )

    class Meta:
        model = Question
        fields = ("position", "text", "kind", "options")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False  # a new row left unnumbered goes last

    def validate_unique(self) -> None:
        """Rows are never saved by the form: `survey_save` numbers them 0, 1, … in the order given."""


class QuestionFormSet(BaseInlineFormSet):
    """The questions in the order of their `position` (ties: as listed), checked as the API checks them; kept in
    `questions` for the admin's save, which hands them to `survey_save`."""

    questions: list[dict[str, Any]]

    def _kept_forms(self) -> list[forms.ModelForm]:
        kept = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or (self.can_delete and form.cleaned_data.get("DELETE")):
                continue
            if not form.has_changed() and form.instance.pk is None:
                continue  # an empty extra row
            kept.append(form)
        last = 2**15

        def place(form: forms.ModelForm) -> tuple[int, int]:
            position = form.cleaned_data.get("position")
            return (last if position is None else position, self.forms.index(form))

        return sorted(kept, key=place)

    def validate_unique(self) -> None:
        """Two rows may share a number while being reordered: the order given decides (see `_kept_forms`)."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = self._kept_forms()
        self.questions = [
            {
                "text": form.cleaned_data.get("text", ""),
                "kind": form.cleaned_data.get("kind", ""),
                "options": form.cleaned_data.get("options") or [],
            }
            for form in kept
        ]
        try:
            specs = questions_check(self.questions)
        except DomainError as exc:
            problems = exc.fields.get("questions")
            if not isinstance(problems, dict):
                raise ValidationError(problems or exc.message) from None
            for index, fields in problems.items():
                form = kept[int(index)]
                for field, messages in fields.items():
                    form.add_error(field if field in form.fields else None, messages)
            return
        refusal = questions_change_refusal(self.instance, specs)
        if refusal is not None:
            raise ValidationError(refusal.message)
