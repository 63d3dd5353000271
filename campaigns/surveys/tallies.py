"""A survey's running counts (`Tally`): made at zero with its questions, raised in the transaction of each response and
invitation, read by the results in one query of a few dozen rows, however many answered.

Every answer raises its option's or value's count by one (a multiple choice names each option once; a text question
counts under `Tally.TEXT`), so a response is one UPDATE of the rows it touches, locked first in the order of their
ids: two responses at once wait for each other on the rows they share and never deadlock.
"""

from collections.abc import Iterable, Sequence

from django.db.models import F, Q

from campaigns.surveys.choices import QuestionKind
from campaigns.surveys.models import Survey, Tally
from campaigns.surveys.questions import AnswerValue, QuestionSpec


def tallies_reset(survey: Survey, questions: Sequence[QuestionSpec]) -> None:
    """Zero counts for every option or value of the questions (after they were written anew: nobody answered them
    yet), and the survey's responses and invitations counts if it has none yet."""
    Tally.objects.filter(survey=survey, question__gte=0).delete()
    rows = [Tally(survey=survey, question=q, choice=c) for q, c in (Tally.RESPONSES, Tally.INVITED)]
    for index, spec in enumerate(questions):
        choices: Iterable[int] = [Tally.TEXT] if spec.kind == QuestionKind.TEXT else spec.scale()
        rows.extend(Tally(survey=survey, question=index, choice=choice) for choice in choices)
    Tally.objects.bulk_create(rows, ignore_conflicts=True)


def tallies_count_response(survey: Survey, values: Sequence[AnswerValue]) -> None:
    """Count one response and its answers (in the caller's transaction)."""
    condition = Q(question=Tally.RESPONSES[0], choice=Tally.RESPONSES[1])
    for value in values:
        for choice in value.choices or (Tally.TEXT,):
            condition |= Q(question=value.question, choice=choice)
    rows = Tally.objects.filter(condition, survey=survey)
    ids = list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
    Tally.objects.filter(pk__in=ids).update(count=F("count") + 1)


def tallies_count_invited(survey: Survey, invited: int) -> None:
    if invited:
        Tally.objects.filter(survey=survey, question=Tally.INVITED[0], choice=Tally.INVITED[1]).update(
            count=F("count") + invited
        )


def tally_counts(survey: Survey) -> dict[tuple[int, int], int]:
    """Every count of the survey: {(question, choice): count}, with the responses and invitations under
    `Tally.RESPONSES` and `Tally.INVITED`."""
    return {
        (question, choice): count
        for question, choice, count in Tally.objects.filter(survey=survey).values_list("question", "choice", "count")
    }
