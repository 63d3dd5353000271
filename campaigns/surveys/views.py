"""The survey page a personal link opens (`/s/<token>/`): the questions as a form that works on a phone and without
JavaScript, posted here and recorded by the same service as the API (`survey_respond`); then a thank-you screen
that says the reward. In the visitor's language (Russian or English; `?lang=` switches)."""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from campaigns.surveys.choices import QuestionKind
from campaigns.surveys.models import Question, Response
from campaigns.surveys.questions import KINDS, QuestionSpec
from campaigns.surveys.services import survey_respond
from campaigns.surveys.services.invitations import survey_is_open
from campaigns.surveys.services.responses import Invited, invitation_by_token
from common.errors import DomainError, InvalidInput

TEMPLATE = "surveys/page.html"


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang")
    if wanted in ("ru", "en"):
        translation.activate(wanted)
        request.LANGUAGE_CODE = wanted
        return wanted
    return ""


def _questions(specs: list[QuestionSpec], values: dict[int, Any], errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """What the template draws per question: its input name, choices (index or value and label), what was chosen."""
    drawn = []
    for index, spec in enumerate(specs):
        kind = KINDS[spec.kind]
        chosen = values.get(index)
        chosen_set = {str(item) for item in chosen} if isinstance(chosen, list) else {str(chosen)}
        choices = [
            {
                "value": value,
                "label": spec.options[value] if kind.has_options else str(value),
                "checked": str(value) in chosen_set,
            }
            for value in spec.scale()
        ]
        drawn.append(
            {
                "index": index,
                "number": index + 1,
                "name": f"q{index}",
                "text": spec.text,
                "kind": spec.kind,
                "choices": choices,
                "many": kind.many,
                "scale": spec.kind in (QuestionKind.RATING, QuestionKind.NPS),
                "value": chosen if spec.kind == QuestionKind.TEXT and isinstance(chosen, str) else "",
                "errors": errors.get(str(index), []),
            }
        )
    return drawn


def _posted(request: HttpRequest, specs: list[QuestionSpec]) -> tuple[list[dict[str, Any]], dict[int, Any]]:
    """The answers as the API takes them, from the form (a question left blank is left out: the service says so)."""
    answers: list[dict[str, Any]] = []
    values: dict[int, Any] = {}
    for index, spec in enumerate(specs):
        name = f"q{index}"
        if KINDS[spec.kind].many:
            picked = request.POST.getlist(name)
            if picked:
                values[index] = picked
                answers.append({"question": index, "value": picked})
        elif request.POST.get(name, "") != "":
            values[index] = request.POST[name]
            answers.append({"question": index, "value": request.POST[name]})
    return answers, values


def _state_page(request: HttpRequest, invited: Invited, state: str, status: int = 200) -> HttpResponse:
    survey = invited.survey
    response = Response.objects.filter(survey=survey, contact_id=invited.invitation.contact_id).first()
    reward = response.reward.points if response is not None and response.reward_id else None  # type: ignore[union-attr]
    context = {"state": state, "survey": survey, "reward": reward}
    return render(request, TEMPLATE, context, status=status)


@csrf_exempt  # the signed personal link is the authority (as for the API's POST); no session is involved
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    lang = _language(request)
    try:
        invited = invitation_by_token(token)
    except DomainError:
        return render(request, TEMPLATE, {"state": "invalid"}, status=404)
    survey = invited.survey
    answered = Response.objects.filter(survey=survey, contact_id=invited.invitation.contact_id).exists()
    if answered:
        return _state_page(request, invited, "thanks" if request.GET.get("done") else "answered")
    if not survey_is_open(survey, timezone.now()):
        return _state_page(request, invited, "closed")
    specs = [question.spec() for question in Question.objects.filter(survey=survey).order_by("position")]
    errors: dict[str, list[str]] = {}
    values: dict[int, Any] = {}
    status = 200
    if request.method == "POST":
        answers, values = _posted(request, specs)
        try:
            survey_respond(token=token, answers=answers)
        except InvalidInput as exc:
            found = exc.fields.get("answers")
            errors = found if isinstance(found, dict) else {}
            status = 400
        except DomainError as exc:
            state = "answered" if exc.code == "already_answered" else "closed"
            return _state_page(request, invited, state, status=409)
        else:
            query = f"?done=1&lang={lang}" if lang else "?done=1"
            return HttpResponseRedirect(request.path + query)
    context = {
        "state": "form",
        "survey": survey,
        "questions": _questions(specs, values, errors),
        "error_count": len(errors),
        "lang": lang,
    }
    return render(request, TEMPLATE, context, status=status)
