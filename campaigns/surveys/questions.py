"""The five kinds of question, declared once: what a question of each kind needs (options or not) and what its answer
is (an option index, a list of them, a text, a rating 1–5, an NPS score 0–10). The API, the admin's builder, the
page and the results all read them from here. Plain Python over plain data: no ORM.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from campaigns.surveys.choices import QuestionKind
from common.errors import InvalidInput

MAX_QUESTIONS = 100
MAX_OPTIONS = 50
QUESTION_MAX_LENGTH = 500
OPTION_MAX_LENGTH = 200
TEXT_ANSWER_MAX_LENGTH = 2000


@dataclass(frozen=True)
class Kind:
    """A kind of question: whether it offers options, whether several may be chosen, the values it takes."""

    name: str
    has_options: bool = False
    many: bool = False
    values: range | None = None  # the fixed scale of a rating or an NPS question


KINDS: dict[str, Kind] = {
    QuestionKind.SINGLE: Kind(QuestionKind.SINGLE, has_options=True),
    QuestionKind.MULTIPLE: Kind(QuestionKind.MULTIPLE, has_options=True, many=True),
    QuestionKind.TEXT: Kind(QuestionKind.TEXT),
    QuestionKind.RATING: Kind(QuestionKind.RATING, values=range(1, 6)),
    QuestionKind.NPS: Kind(QuestionKind.NPS, values=range(0, 11)),
}
# NPS: promoters answer 9–10, detractors 0–6 (the passives 7–8 count in the total only).
NPS_PROMOTERS = range(9, 11)
NPS_DETRACTORS = range(0, 7)


@dataclass(frozen=True)
class QuestionSpec:
    """One question as saved: its text, kind and options (empty unless the kind has options)."""

    text: str
    kind: str
    options: tuple[str, ...] = ()

    def scale(self) -> range:
        """The values an answer takes: the option indexes, or the kind's scale; empty for a text question."""
        kind = KINDS[self.kind]
        if kind.has_options:
            return range(len(self.options))
        return kind.values or range(0)

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind, "options": list(self.options)}


@dataclass(frozen=True)
class AnswerValue:
    """A checked answer to question `question` (its index): the chosen options or value, or a text."""

    question: int
    choices: tuple[int, ...] = ()
    text: str = ""


def _question_errors(raw: Any) -> tuple[QuestionSpec | None, dict[str, list[str]]]:
    if not isinstance(raw, dict):
        return None, {"non_field_errors": [_("A question is an object with text, kind and options.")]}
    errors: dict[str, list[str]] = {}
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        errors["text"] = [_("Write the question.")]
    elif len(text.strip()) > QUESTION_MAX_LENGTH:
        errors["text"] = [_("At most %(max)d characters.") % {"max": QUESTION_MAX_LENGTH}]
    kind_name = raw.get("kind")
    kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        errors["kind"] = [_("One of: %(kinds)s.") % {"kinds": ", ".join(KINDS)}]
    options = raw.get("options")
    if options is None:
        options = []
    cleaned: list[str] = []
    if not isinstance(options, list):
        errors["options"] = [_("A list of options.")]
    elif kind is not None and not kind.has_options and options:
        errors["options"] = [_("Only questions of one or several options have options.")]
    elif kind is not None and kind.has_options:
        cleaned = [option.strip() if isinstance(option, str) else "" for option in options]
        if not cleaned:
            errors["options"] = [_("Give the options to choose from.")]
        elif len(cleaned) > MAX_OPTIONS:
            errors["options"] = [_("At most %(max)d options.") % {"max": MAX_OPTIONS}]
        elif not all(cleaned):
            errors["options"] = [_("An option is a text that is not empty.")]
        elif any(len(option) > OPTION_MAX_LENGTH for option in cleaned):
            errors["options"] = [_("An option is at most %(max)d characters.") % {"max": OPTION_MAX_LENGTH}]
        elif len(set(cleaned)) != len(cleaned):
            errors["options"] = [_("The options repeat one another.")]
    if errors or kind is None or not isinstance(text, str):
        return None, errors
    return QuestionSpec(text=text.strip(), kind=kind.name, options=tuple(cleaned)), {}


def questions_check(raw: Any) -> list[QuestionSpec]:
    """The questions of a survey from the API's JSON or the builder's rows, in order; InvalidInput under `questions`
    (a list-wide message, or per question index its fields' messages) when they are not right."""
    if not isinstance(raw, list | tuple):
        raise InvalidInput(_("The questions are a list."), fields={"questions": [_("The questions are a list.")]})
    if not raw:
        message = _("A survey has at least one question.")
        raise InvalidInput(message, fields={"questions": [message]})
    if len(raw) > MAX_QUESTIONS:
        message = _("A survey has at most %(max)d questions.") % {"max": MAX_QUESTIONS}
        raise InvalidInput(message, fields={"questions": [message]})
    specs: list[QuestionSpec] = []
    errors: dict[str, dict[str, list[str]]] = {}
    for index, item in enumerate(raw):
        spec, item_errors = _question_errors(item)
        if spec is None:
            errors[str(index)] = item_errors
        else:
            specs.append(spec)
    if errors:
        first_index, first = next(iter(errors.items()))
        field, messages = next(iter(first.items()))
        message = _("Question %(number)s, %(field)s: %(error)s") % {
            "number": int(first_index) + 1,
            "field": field,
            "error": messages[0],
        }
        raise InvalidInput(message, fields={"questions": errors})
    return specs


def same_structure(old: Sequence[QuestionSpec], new: Sequence[QuestionSpec]) -> bool:
    """Whether answers given to `old` still mean the same under `new`: as many questions, of the same kinds, with as
    many options (texts may be corrected)."""
    return [(q.kind, len(q.options)) for q in old] == [(q.kind, len(q.options)) for q in new]


def _integer(value: Any) -> int | None:
    """An integer answer: a JSON integer, or a string of digits (a form's value); never a boolean or a fraction."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value.strip()) <= 6:
        return int(value.strip())
    return None


def _answer_error(spec: QuestionSpec, value: Any) -> tuple[AnswerValue | None, str]:
    kind = KINDS[spec.kind]
    scale = spec.scale()
    if spec.kind == QuestionKind.TEXT:
        if not isinstance(value, str) or not value.strip():
            return None, _("Write an answer.")
        if len(value.strip()) > TEXT_ANSWER_MAX_LENGTH:
            return None, _("At most %(max)d characters.") % {"max": TEXT_ANSWER_MAX_LENGTH}
        return AnswerValue(question=-1, text=value.strip()), ""
    if kind.many:
        if not isinstance(value, list) or not value:
            return None, _("Choose at least one option (a list of option numbers from 0).")
        chosen = [_integer(item) for item in value]
        if any(item is None or item not in scale for item in chosen) or len(chosen) > len(scale):
            return None, _("Each choice is an option number from 0 to %(last)d.") % {"last": len(scale) - 1}
        if len(set(chosen)) != len(chosen):
            return None, _("An option is chosen once.")
        return AnswerValue(question=-1, choices=tuple(sorted(item for item in chosen if item is not None))), ""
    number = _integer(value)
    if number is None or number not in scale:
        if kind.has_options:
            return None, _("Choose one option: its number from 0 to %(last)d.") % {"last": len(scale) - 1}
        return None, _("A whole number from %(first)d to %(last)d.") % {"first": scale[0], "last": scale[-1]}
    return AnswerValue(question=-1, choices=(number,)), ""


def answers_check(questions: Sequence[QuestionSpec], raw: Any) -> list[AnswerValue]:
    """The answers of a response, one per question in the questions' order; InvalidInput under `answers` (per
    question index, or list-wide when the shape is wrong) unless every question is answered right."""
    shape = _('The answers are a list of {"question": index, "value": ...}.')
    if not isinstance(raw, list):
        raise InvalidInput(shape, fields={"answers": [shape]})
    errors: dict[str, list[str]] = {}
    given: dict[int, AnswerValue] = {}
    for item in raw:
        if not isinstance(item, dict) or "question" not in item:
            raise InvalidInput(shape, fields={"answers": [shape]})
        index = _integer(item.get("question"))
        if index is None or not 0 <= index < len(questions):
            key = str(item.get("question"))[:20]
            errors[key] = [_("There is no such question.")]
            continue
        if index in given or str(index) in errors:
            errors[str(index)] = [_("The question is answered twice.")]
            continue
        answer, error = _answer_error(questions[index], item.get("value"))
        if answer is None:
            errors[str(index)] = [error]
        else:
            given[index] = AnswerValue(question=index, choices=answer.choices, text=answer.text)
    for index in range(len(questions)):
        if index not in given and str(index) not in errors:
            errors[str(index)] = [_("This question needs an answer.")]
    if errors:
        first_key = min(errors, key=lambda key: (not key.isdigit(), int(key) if key.isdigit() else 0, key))
        message = _("Question %(number)s: %(error)s") % {
            "number": int(first_key) + 1 if first_key.isdigit() else first_key,
            "error": errors[first_key][0],
        }
        raise InvalidInput(message, fields={"answers": dict(sorted(errors.items(), key=lambda kv: kv[0].zfill(6)))})
    return [given[index] for index in range(len(questions))]
