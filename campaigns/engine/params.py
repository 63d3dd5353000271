"""A mechanic's parameters, declared once on its class (`Mechanic.params`): the validation below, the API's
schema and the admin's mechanic editor all read these declarations.

Labels are lazy translations: `gettext_lazy` reads no settings when imported, so the engine stays plain Python.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from common.money import quantize

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DECIMAL, INTEGER, CHOICE, STEPS = "decimal", "integer", "choice", "steps"
MAX_WHOLE = 1_000_000
# No number in a mechanic beyond a billion: such a campaign could only overflow the receipts it touches.
MAX_NUMBER = Decimal("1000000000")


def gettext_noop(message: str) -> str:
    """Marks a message for translation (makemessages finds it by this name) without reading Django's settings, as
    Django's own `gettext_noop` does: the engine imports without them."""
    return message


class MechanicError(ValueError):
    """A mechanic's parameters are invalid; the message says which (by its key: the API's word) and why.
    `for_people` says the same naming the parameter by its label (the admin's word): `problem` is one of the
    templates below, translated and filled when asked (the labels stay lazy until then)."""

    def __init__(self, message: str, problem: str | None = None, **values: Any) -> None:
        super().__init__(message)
        self.problem = problem
        self.values = values

    @property
    def for_people(self) -> str:
        if self.problem is None:
            return str(self)
        return gettext(self.problem) % {key: str(value) for key, value in self.values.items()}


# What can be wrong with a parameter, `%(name)s` being its key ('percent') for the API or its label for people.
REQUIRED = gettext_noop("%(name)s is required.")
NOT_A_NUMBER = gettext_noop("%(name)s must be a number.")
NOT_ABOVE_ZERO = gettext_noop("%(name)s must be above zero.")
BELOW_MINIMUM = gettext_noop("%(name)s must be at least %(min)s.")
ABOVE_MAXIMUM = gettext_noop("%(name)s must be at most %(max)s.")
NOT_WHOLE = gettext_noop("%(name)s must be a whole number.")
OUT_OF_RANGE = gettext_noop("%(name)s must be between %(min)s and %(max)s.")
TOO_BIG = gettext_noop("%(name)s is beyond 1,000,000,000.")
NOT_A_CHOICE = gettext_noop("%(name)s is one of: %(choices)s.")
NO_STEPS = gettext_noop("%(name)s: add at least one step.")
STEP_FIELDS = gettext_noop("Each step has %(fields)s.")
SAME_STEPS = gettext_noop("Two steps start at the same value.")
NO_TYPE = gettext_noop("Choose the mechanic's type.")


def labelled(*labels: "StrOrPromise") -> "StrOrPromise":
    """Labels in quotes, capitalised, joined by commas; lazy (translated when shown)."""
    return format_lazy(", ".join(["“{}”"] * len(labels)), *(capfirst(label) for label in labels))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


@dataclass(frozen=True)
class Param:
    """One parameter: `kind` is decimal, integer, choice or steps; bounds are inclusive, `positive` means above
    zero; an optional parameter left out (or null, or "") takes `default`. A steps parameter is a non-empty list
    of objects of `fields`, ordered by the first field, which no two steps share."""

    name: str
    kind: str
    label: "StrOrPromise"
    required: bool = True
    default: Any = None
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    positive: bool = False
    money: bool = False  # rounded to cents (common.money) once valid
    choices: tuple[tuple[str, "StrOrPromise"], ...] = ()
    fields: tuple["Param", ...] = ()
    help: "StrOrPromise" = ""

    def bounds(self) -> tuple[Decimal | int | None, Decimal | int | None]:
        """The inclusive bounds as checked: a whole number is within 0 to MAX_WHOLE unless declared otherwise."""
        if self.kind == INTEGER:
            return (self.minimum if self.minimum is not None else 0, self.maximum or MAX_WHOLE)
        return self.minimum, self.maximum

    def error(self, problem: str, **values: Any) -> MechanicError:
        """`problem` (one of the templates above) about this parameter: by its key, and by its label for people."""
        return MechanicError(
            problem % {"name": f"'{self.name}'", **values}, problem, name=labelled(self.label), **values
        )

    def parse(self, params: Mapping[str, Any]) -> Any:
        """This parameter's value in `params`, checked; MechanicError says what is wrong."""
        parser = {DECIMAL: self._decimal, INTEGER: self._integer, CHOICE: self._choice, STEPS: self._steps}[self.kind]
        return parser(params)

    def _decimal(self, params: Mapping[str, Any]) -> Decimal | None:
        key = self.name
        if key not in params or _blank(params[key]):
            if not self.required:
                return self.default  # type: ignore[no-any-return]
            raise self.error(REQUIRED)
        try:
            value = Decimal(str(params[key]))
        except ArithmeticError as exc:
            raise self.error(NOT_A_NUMBER) from exc
        if not value.is_finite():
            raise self.error(NOT_A_NUMBER)
        if self.positive and value <= 0:
            raise self.error(NOT_ABOVE_ZERO)
        if self.minimum is not None and value < self.minimum:
            raise self.error(BELOW_MINIMUM, min=self.minimum)
        if self.maximum is not None and value > self.maximum:
            raise self.error(ABOVE_MAXIMUM, max=self.maximum)
        return quantize(value) if self.money else value

    def _integer(self, params: Mapping[str, Any]) -> int | None:
        key = self.name
        value = params.get(key)
        if not self.required and _blank(value):
            return self.default  # type: ignore[no-any-return]
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self.error(NOT_WHOLE)
        try:
            number = int(value)
        except ValueError as exc:
            raise self.error(NOT_WHOLE) from exc
        low, high = self.bounds()
        if (low is not None and number < low) or (high is not None and number > high):
            raise self.error(OUT_OF_RANGE, min=low, max=high)
        return number

    def _choice(self, params: Mapping[str, Any]) -> str:
        value = params.get(self.name, self.default)
        allowed = [choice for choice, _label in self.choices]
        if value not in allowed:
            raise MechanicError(
                f"'{self.name}' is {' or '.join(repr(choice) for choice in allowed)}.",
                NOT_A_CHOICE,
                name=labelled(self.label),
                choices=labelled(*(label for _choice, label in self.choices)),
            )
        return str(value)

    def _steps(self, params: Mapping[str, Any]) -> tuple[tuple[Any, ...], ...]:
        shape = "{" + ", ".join(field.name for field in self.fields) + "}"
        raw = params.get(self.name)
        if not isinstance(raw, list) or not raw:
            raise MechanicError(
                f"'{self.name}' must be a non-empty list of {shape}.",
                NO_STEPS,
                name=labelled(self.label),
            )
        steps = []
        for step in raw:
            if not isinstance(step, dict):
                raise MechanicError(
                    f"Each step is {shape}.",
                    STEP_FIELDS,
                    fields=labelled(*(field.label for field in self.fields)),
                )
            steps.append(tuple(field.parse(step) for field in self.fields))
        steps.sort()
        if len({step[0] for step in steps}) != len(steps):
            raise MechanicError(SAME_STEPS, SAME_STEPS)
        return tuple(steps)


def check_magnitudes(raw: Any, labels: Mapping[str, "StrOrPromise"] | None = None) -> None:
    """Every number anywhere in `raw` (but its type) within ±MAX_NUMBER; the message names where it is (for people,
    a top-level parameter by its label in `labels`)."""
    stack: list[tuple[str, Any]] = [("", raw)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{path}.{key}" if path else str(key), item) for key, item in value.items() if key != "type")
            continue
        if isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            continue
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            continue  # not a number: the parameter's own check says what it should be
        if number.is_finite() and abs(number) > MAX_NUMBER:
            top = path.split(".", 1)[0].split("[", 1)[0]
            label = (labels or {}).get(top)
            name = labelled(label) if label is not None and top == path else f"'{path}'"
            raise MechanicError(TOO_BIG % {"name": f"'{path}'"}, TOO_BIG, name=name)


# The parameters several mechanics share.
PERCENT_OFF = Param("percent", DECIMAL, gettext_lazy("percent off"), positive=True, maximum=Decimal(100))
STEPS_PARAM = Param(
    "steps",
    STEPS,
    gettext_lazy("steps"),
    fields=(
        Param("from", DECIMAL, pgettext_lazy("graded step threshold", "from"), minimum=Decimal(0)),
        Param("percent", DECIMAL, gettext_lazy("percent"), minimum=Decimal(0), maximum=Decimal(100)),
    ),
)
LIFETIME = (
    Param(
        "expires_in_days",
        INTEGER,
        gettext_lazy("points expire after (days, empty = never)"),
        required=False,
        default=None,
        minimum=0,
    ),
    Param(
        "activation_days",
        INTEGER,
        gettext_lazy("points become active after (days)"),
        required=False,
        default=0,
        minimum=0,
    ),
)
