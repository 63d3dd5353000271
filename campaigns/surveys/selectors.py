"""Reading surveys: the results (from the running counts), the personal links, and a contact's open surveys (for the
personal account)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from campaigns.surveys import tokens
from campaigns.surveys.choices import QuestionKind
from campaigns.surveys.models import Answer, Invitation, Question, Response, Survey, Tally
from campaigns.surveys.questions import KINDS, NPS_DETRACTORS, NPS_PROMOTERS, QuestionSpec
from campaigns.surveys.tallies import tally_counts

# Text answers on the admin's results page (all of them in the API and the exports).
TEXT_ANSWERS_SHOWN = 50


def nps_score(counts: dict[int, int]) -> float | None:
    """% promoters (9–10) − % detractors (0–6) of the NPS answers, two places; None without answers."""
    total = sum(counts.values())
    if not total:
        return None
    promoters = sum(counts.get(value, 0) for value in NPS_PROMOTERS)
    detractors = sum(counts.get(value, 0) for value in NPS_DETRACTORS)
    score = (Decimal(promoters) - Decimal(detractors)) * 100 / Decimal(total)
    return float(score.quantize(Decimal("0.01")))


def _question_result(
    index: int, spec: QuestionSpec, counts: dict[int, int], texts: list[str], text_count: int
) -> dict[str, Any]:
    result: dict[str, Any] = {"index": index, "text": spec.text, "kind": spec.kind, "options": list(spec.options)}
    if spec.kind == QuestionKind.TEXT:
        result["answers"] = texts
        result["answers_count"] = text_count
        return result
    result["counts"] = {str(value): counts.get(value, 0) for value in spec.scale()}
    if spec.kind == QuestionKind.NPS:
        result["score"] = nps_score(counts)
        result["promoters"] = sum(counts.get(value, 0) for value in NPS_PROMOTERS)
        result["detractors"] = sum(counts.get(value, 0) for value in NPS_DETRACTORS)
        result["passives"] = sum(counts.values()) - result["promoters"] - result["detractors"]
    if spec.kind == QuestionKind.RATING:
        total = sum(counts.get(value, 0) for value in spec.scale())
        weighted = sum(value * counts.get(value, 0) for value in spec.scale())
        result["average"] = float((Decimal(weighted) / total).quantize(Decimal("0.01"))) if total else None
    return result


def survey_results(survey: Survey, *, text_limit: int | None = None) -> dict[str, Any]:
    """Per question (in order): the counts per option or value (every one, zeros too), the text answers (the
    latest `text_limit` first when limited, else all in the order given) and their number, for NPS the score and
    its parts, for a rating the average. The counts are the survey's tallies (one query of a few dozen rows); the
    texts one query per text question (the latest ones read backwards from an index)."""
    questions = [question.spec() for question in Question.objects.filter(survey=survey).order_by("position")]
    tallies = tally_counts(survey)
    counts: dict[int, dict[int, int]] = {}
    for (question, choice), count in tallies.items():
        if question >= 0 and choice != Tally.TEXT:
            counts.setdefault(question, {})[choice] = count
    texts: dict[int, list[str]] = {}
    for index, spec in enumerate(questions):
        if spec.kind != QuestionKind.TEXT:
            continue
        chosen = Answer.objects.filter(survey=survey, question=index, choice__isnull=True)
        chosen = chosen.order_by("-pk")[:text_limit] if text_limit is not None else chosen.order_by("pk")
        texts[index] = list(chosen.values_list("text", flat=True))
    return {
        "survey": survey.pk,
        "name": survey.name,
        "responses": tallies.get(Tally.RESPONSES, 0),
        "questions": [
            _question_result(
                index, spec, counts.get(index, {}), texts.get(index, []), tallies.get((index, Tally.TEXT), 0)
            )
            for index, spec in enumerate(questions)
        ],
    }


def option_label(spec: dict[str, Any], value: str) -> str:
    """What a counted value is called: the option's text, or the value itself on a scale."""
    if KINDS[spec["kind"]].has_options:
        return spec["options"][int(value)]
    return value


def survey_links(survey: Survey, *, base: str | None = None, contact_id: int | None = None) -> list[dict[str, Any]]:
    """`[{"contact", "url"}]`: the personal links of the invited contacts (or of the one contact, if invited)."""
    invitations = Invitation.objects.filter(survey=survey)
    if contact_id is not None:
        invitations = invitations.filter(contact_id=contact_id)
    site = tokens.site_base(base)
    return [
        {"contact": contact, "url": tokens.link(survey.pk, contact, base=site)}
        for contact in invitations.order_by("contact_id").values_list("contact_id", flat=True)
    ]


def survey_figures(survey: Survey) -> dict[str, int]:
    """How many were invited and how many answered (the tallies: one query)."""
    tallies = tally_counts(survey)
    return {"invited": tallies.get(Tally.INVITED, 0), "responses": tallies.get(Tally.RESPONSES, 0)}


@dataclass(frozen=True)
class OpenSurvey:
    """A survey a contact was invited to and may answer now: its page is `path` on this site."""

    survey_id: int
    name: str
    brand_id: int
    brand_name: str
    reward_points: Decimal
    ends_at: datetime | None
    path: str


def surveys_open_for(contact: Any, *, now: datetime | None = None) -> list[OpenSurvey]:
    """The surveys the contact (a Contact or its id) was invited to, has not answered, and whose window is open now,
    the earliest to end first (for the personal account)."""
    now = now or timezone.now()
    contact_id = contact if isinstance(contact, int) else contact.pk
    invitations = (
        Invitation.objects.filter(contact_id=contact_id)
        .filter(Q(survey__starts_at__isnull=True) | Q(survey__starts_at__lte=now))
        .filter(Q(survey__ends_at__isnull=True) | Q(survey__ends_at__gt=now))
        .exclude(survey_id__in=Response.objects.filter(contact_id=contact_id).values("survey_id"))
        .select_related("survey__brand")
        .order_by(F("survey__ends_at").asc(nulls_last=True), "survey_id")
    )
    return [
        OpenSurvey(
            survey_id=invitation.survey_id,
            name=invitation.survey.name,
            brand_id=invitation.survey.brand_id,
            brand_name=invitation.survey.brand.name,
            reward_points=invitation.survey.reward_points,
            ends_at=invitation.survey.ends_at,
            path=tokens.page_path(tokens.make_token(invitation.survey_id, contact_id)),
        )
        for invitation in invitations
    ]
