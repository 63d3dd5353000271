"""Saving a survey and its questions (the API and the admin's builder both call `survey_save`)."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.surveys.models import Question, Response, Survey
from campaigns.surveys.questions import QuestionSpec, questions_check, same_structure
from campaigns.surveys.tallies import tallies_reset
from common.errors import Conflict, InvalidInput
from common.money import MAX_AMOUNT, quantize


def survey_questions(survey: Survey) -> list[QuestionSpec]:
    """The saved questions in order (none for an unsaved survey)."""
    if survey.pk is None:
        return []
    return [question.spec() for question in Question.objects.filter(survey=survey).order_by("position")]


def survey_fields_check(survey: Survey) -> None:
    """Check a survey's own fields before it is saved: its audience (a segment of the brand's program), its window
    and its reward. InvalidInput naming the field."""
    errors: dict[str, list[str]] = {}
    if survey.reward_points is None or survey.reward_points < 0:
        errors["reward_points"] = [_("The reward cannot be negative.")]
    elif survey.reward_points > MAX_AMOUNT:
        errors["reward_points"] = [_("The reward is too large.")]
    else:
        survey.reward_points = quantize(survey.reward_points)
    if survey.starts_at and survey.ends_at and survey.ends_at <= survey.starts_at:
        errors["ends_at"] = [_("The survey must end after it starts.")]
    segment_and_brand = survey.segment_id is not None and survey.brand_id is not None
    if segment_and_brand and survey.segment.program_id != survey.brand.program_id:  # type: ignore[union-attr]
        errors["segment"] = [_("The audience is a segment of the brand's program.")]
    try:
        survey.full_clean(exclude=["brand", "segment", *errors], validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if survey.brand_id is None:
        errors.setdefault("brand", [_("Choose the brand.")])
    if errors:
        field, messages = next(iter(errors.items()))
        raise InvalidInput(f"{field}: {messages[0]}", fields=errors)


def questions_change_refusal(survey: Survey, specs: Sequence[QuestionSpec]) -> Conflict | None:
    """Why the survey's questions cannot become `specs`, or None: once someone answered, the questions keep their
    number, kinds and number of options (texts may be corrected), since the answers refer to them."""
    if survey.pk is None:
        return None
    old = survey_questions(survey)
    if not old or same_structure(old, specs) or not Response.objects.filter(survey=survey).exists():
        return None
    return Conflict(
        _("The survey has responses: its questions keep their number, kinds and number of options."),
        code="survey_answered",
        fields={"questions": [_("Answered questions cannot be added, removed or changed in kind.")]},
    )


@transaction.atomic
def survey_save(*, survey: Survey, data: dict[str, Any], questions: Sequence[Any] | None = None) -> Survey:
    """Create or change a survey with `data` (of `Survey.EDITABLE_FIELDS`) and, when given, its questions in order
    (dicts of text, kind and options; a new survey needs them). 400 naming the field; 409 `survey_answered` for a
    change of the questions that answers given already would no longer fit (`questions_change_refusal`)."""
    if survey.pk is not None:
        survey = Survey.objects.select_for_update(of=("self",)).get(pk=survey.pk)
    for key, value in data.items():
        if key not in Survey.EDITABLE_FIELDS:
            raise InvalidInput(_("Unknown field."), fields={key: [_("Unknown field.")]})
        setattr(survey, key, value)
    survey_fields_check(survey)
    if questions is None and survey.pk is None:
        message = _("A survey has at least one question.")
        raise InvalidInput(message, fields={"questions": [message]})
    specs = questions_check(questions) if questions is not None else None
    if specs is not None and (refusal := questions_change_refusal(survey, specs)) is not None:
        raise refusal
    old = survey_questions(survey)
    survey.save()
    if specs is not None and specs != old:
        Question.objects.filter(survey=survey).delete()
        Question.objects.bulk_create(
            Question(survey=survey, position=index, text=spec.text, kind=spec.kind, options=list(spec.options))
            for index, spec in enumerate(specs)
        )
        if not old or not same_structure(old, specs):  # new questions: nobody answered them yet
            tallies_reset(survey, specs)
    return survey


def survey_delete_refusal(*, survey: Survey) -> str | None:
    """Why a survey cannot be deleted (it has responses, whose rewards were paid), or None."""
    if Response.objects.filter(survey=survey).exists():
        return _("The survey has responses; it can no longer be deleted (set an end instead).")
    return None


@transaction.atomic
def survey_delete(*, survey: Survey) -> None:
    refusal = survey_delete_refusal(survey=survey)
    if refusal:
        raise Conflict(refusal, code="protected")
    survey.delete()
