"""Recording a response from a personal link: every question answered, once per contact, inside the window; the
reward accrued through the ledger once, and `survey_completed` recorded, in the response's transaction."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.surveys.models import Answer, Invitation, Question, Response, Survey
from campaigns.surveys.questions import answers_check
from campaigns.surveys.services.invitations import survey_is_open
from campaigns.surveys.tallies import tallies_count_response
from campaigns.surveys.tokens import read_token
from common.errors import Conflict, DomainError
from contacts.services.events import event_record
from loyalty.choices import EntryKind
from loyalty.services import ledger


class UnknownLink(DomainError):
    """A token that is forged, or of an invitation that does not exist (any more)."""

    status_code = 404
    code = "not_found"


def already_answered() -> Conflict:
    return Conflict(_("You have already answered this survey."), code="already_answered")


def survey_closed() -> Conflict:
    return Conflict(_("The survey is closed."), code="survey_closed")


@dataclass(frozen=True)
class Invited:
    """What a personal link opens: the invitation with its survey (and the survey's brand and program)."""

    invitation: Invitation
    survey: Survey


def invitation_by_token(token: str) -> Invited:
    """The invitation a link's token names, or UnknownLink (404)."""
    found = read_token(token)
    invitation = None
    if found is not None:
        survey_id, contact_id = found
        invitation = (
            Invitation.objects.filter(survey_id=survey_id, contact_id=contact_id)
            .select_related("survey__brand__program", "contact")
            .first()
        )
    if invitation is None:
        raise UnknownLink(_("This survey link is not valid."))
    return Invited(invitation=invitation, survey=invitation.survey)


def _answer_rows(survey: Survey, response: Response, values: list[Any]) -> list[Answer]:
    rows = []
    for value in values:
        if value.text:
            rows.append(Answer(response=response, survey=survey, question=value.question, text=value.text))
        for choice in value.choices:
            rows.append(Answer(response=response, survey=survey, question=value.question, choice=choice))
    return rows


def survey_respond(*, token: str, answers: Any, now: datetime | None = None) -> Response:
    """Record the response of the link's contact: 404 for a bad link, 409 `already_answered` for a second response
    (also when two arrive at once: the unique constraint decides, the second waits for the first and gets 409),
    409 `survey_closed` outside the window, 400 with the errors per question index unless every question is
    answered right. The reward (if any) is a `reward` lot of the brand's program, active at once, expiring as the
    program's base points do."""
    now = now or timezone.now()
    invited = invitation_by_token(token)
    survey, contact_id = invited.survey, invited.invitation.contact_id
    if Response.objects.filter(survey=survey, contact_id=contact_id).exists():
        raise already_answered()
    if not survey_is_open(survey, now):
        raise survey_closed()
    questions = [question.spec() for question in Question.objects.filter(survey=survey).order_by("position")]
    values = answers_check(questions, answers)
    with transaction.atomic():
        try:
            with transaction.atomic():
                response = Response.objects.create(survey=survey, contact_id=contact_id, answered_at=now)
        except IntegrityError:
            raise already_answered() from None
        Answer.objects.bulk_create(_answer_rows(survey, response, values))
        tallies_count_response(survey, values)
        if survey.reward_points > 0:
            program = survey.brand.program
            response.reward = ledger.accrue(
                account=ledger.account_for(program=program, contact=invited.invitation.contact),
                points=survey.reward_points,
                at=now,
                kind=EntryKind.REWARD,
                expires_in_days=program.expires_in_days,
                reason=f"survey {survey.pk}: {survey.name}"[:500],  # stored data: not translated
            )
            response.save(update_fields=["reward", "updated_at"])
        event_record(
            contact_id=contact_id,
            type="survey_completed",
            at=now,
            data={
                "survey": survey.pk,
                "survey_name": survey.name,
                "response": response.pk,
                "points": str(survey.reward_points),
            },
            brand_id=survey.brand_id,
        )
    return response
