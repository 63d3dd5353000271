"""Mechanics: one small class each. A discount mechanic maps eligible lines to discounts on a basis (the line's
base, or its total after earlier discounts); a points mechanic maps eligible lines to points on their paid amount.

A new mechanic is one subclass, registered with `@register`: its `kind`, `type`, `label`, its parameters
(`params`, see `params.Param`: the API's validation and schema and the admin's editor read them), an `__init__`
taking them by name, and `discounts()` or `points()`. `shortfall()` says what is missing for the mechanic to give
anything (for hints).
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext_lazy

from common.money import ZERO, distribute, quantize

from .params import (
    CHOICE,
    DECIMAL,
    INTEGER,
    LIFETIME,
    NO_TYPE,
    PERCENT_OFF,
    STEPS_PARAM,
    MechanicError,
    Param,
    check_magnitudes,
)
from .types import Line

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HUNDRED = Decimal(100)


def _step_percent(steps: Sequence[tuple[Decimal, Decimal]], reached: Decimal) -> Decimal | None:
    percent = None
    for start, step_percent in steps:
        if reached >= start:
            percent = step_percent
    return percent


@dataclass(frozen=True)
class Unit:
    line: Line
    price: Decimal


class WholeUnits:
    """The whole units of some lines, cheapest first, as runs of one line's units (line, count, unit price): what
    `len()`, a slice from the start (`units[:k]`, the k cheapest) and iteration (each `Unit`) see is the units one by
    one, without an object per unit (a basket of 20 lines holds ~200 units, and two mechanics ask on every receipt).
    """

    __slots__ = ("count", "runs")

    def __init__(self, runs: list[tuple[Line, int, Decimal]], count: int) -> None:
        self.runs, self.count = runs, count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Unit]:
        for line, count, price in self.runs:
            for _unit in range(count):
                yield Unit(line, price)

    def __getitem__(self, cut: slice) -> "WholeUnits":
        if not isinstance(cut, slice) or cut.start not in (None, 0) or cut.step not in (None, 1):
            raise TypeError("whole units are cut from the cheapest: units[:k]")
        left = (
            self.count
            if cut.stop is None
            else max(0, min(self.count, cut.stop if cut.stop >= 0 else self.count + cut.stop))
        )
        runs, taken = [], left
        for line, count, price in self.runs:
            if left <= 0:
                break
            runs.append((line, min(count, left), price))
            left -= count
        return WholeUnits(runs, taken)


def whole_units(lines: Sequence[Line], basis: Mapping[int, Decimal]) -> WholeUnits:
    """Lines with whole quantities expanded into units priced at their basis ÷ quantity; weighed goods left out.

    Sorted cheapest first; ties by SKU then line index, so the outcome does not depend on the basket's order.
    """
    runs: list[tuple[Decimal, str, int, Line, int]] = []
    units = 0
    for line in lines:
        quantity = line.quantity
        if quantity <= 0 or quantity != quantity.to_integral_value():
            continue
        count = int(quantity)
        units += count
        runs.append((basis[line.index] / count, line.sku, line.index, line, count))
    runs.sort()  # by price, SKU, index: a line's index is unique, so the line itself is never compared
    return WholeUnits([(line, count, price) for price, _sku, _index, line, count in runs], units)


def units_discount(units: WholeUnits, percent: Decimal) -> dict[int, Decimal]:
    """`percent` off the given units, summed (unit by unit) and rounded per line."""
    raw: dict[int, Decimal] = {}
    for line, count, price in units.runs:
        value = raw.get(line.index, ZERO)
        for _unit in range(count):
            value += price
        raw[line.index] = value
    return {index: quantize(value * percent / HUNDRED) for index, value in raw.items()}


class Mechanic:
    """A mechanic: `params` declares what it takes (each passed to `__init__` by name once valid)."""

    kind: ClassVar[str]  # "discount" | "points"
    type: ClassVar[str]
    label: ClassVar["StrOrPromise"]
    params: ClassVar[tuple[Param, ...]] = ()
    expires_in_days: int | None = None
    activation_days: int = 0

    @classmethod
    def declared(cls) -> tuple[Param, ...]:
        """Every parameter the mechanic takes, in the order they are checked and shown."""
        return cls.params

    @classmethod
    def validate(cls, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The declared parameters' values in `raw`, checked in order; MechanicError names the first wrong one."""
        return {param.name: param.parse(raw) for param in cls.declared()}

    def discounts(self, lines: Sequence[Line], basis: Mapping[int, Decimal]) -> dict[int, Decimal]:
        raise NotImplementedError

    def points(self, lines: Sequence[Line]) -> dict[int, Decimal]:
        raise NotImplementedError

    def shortfall(self, lines: Sequence[Line]) -> tuple[Decimal, Decimal] | None:
        """(missing amount, missing quantity) before the mechanic gives anything; None when nothing is missing."""
        return None


class PointsMechanic(Mechanic):
    """Points mechanics also take the lot's lifetime: `expires_in_days` (None = never) and `activation_days`."""

    kind = "points"

    def __init__(self, *, expires_in_days: int | None = None, activation_days: int = 0) -> None:
        self.expires_in_days, self.activation_days = expires_in_days, activation_days

    @classmethod
    def declared(cls) -> tuple[Param, ...]:
        return (*cls.params, *LIFETIME)


MECHANICS: dict[str, type[Mechanic]] = {}


def register[M: type[Mechanic]](mechanic: M) -> M:
    """Make a mechanic known to the engine, the API and the admin under its `type`."""
    MECHANICS[mechanic.type] = mechanic
    return mechanic


@register
class PercentDiscount(Mechanic):
    kind, type = "discount", "percent_discount"
    label = gettext_lazy("Percent off each eligible line")
    params = (PERCENT_OFF,)

    def __init__(self, *, percent: Decimal) -> None:
        self.percent = percent

    def discounts(self, lines: Sequence[Line], basis: Mapping[int, Decimal]) -> dict[int, Decimal]:
        return {line.index: quantize(basis[line.index] * self.percent / HUNDRED) for line in lines}


@register
class AmountDiscount(Mechanic):
    kind, type = "discount", "amount_discount"
    label = gettext_lazy("Amount off the receipt")
    params = (Param("amount", DECIMAL, gettext_lazy("amount off"), positive=True, maximum=Decimal(10**9), money=True),)

    def __init__(self, *, amount: Decimal) -> None:
        self.amount = amount

    def discounts(self, lines: Sequence[Line], basis: Mapping[int, Decimal]) -> dict[int, Decimal]:
        weights = [basis[line.index] for line in lines]
        amount = min(self.amount, sum(weights, ZERO))
        return {line.index: part for line, part in zip(lines, distribute(amount, weights), strict=True)}


@register
class BuyNGetM(Mechanic):
    """Buy `buy`, get `get` free: of every buy + get whole units, the `get` cheapest are free."""

    kind, type = "discount", "buy_n_get_m"
    label = gettext_lazy("Buy N, get M free")
    params = (
        Param("buy", INTEGER, gettext_lazy("buy (units)"), minimum=1),
        Param("get", INTEGER, gettext_lazy("get free (units)"), minimum=1),
    )

    def __init__(self, *, buy: int, get: int) -> None:
        self.buy, self.get = buy, get

    def discounts(self, lines: Sequence[Line], basis: Mapping[int, Decimal]) -> dict[int, Decimal]:
        units = whole_units(lines, basis)
        free = (len(units) // (self.buy + self.get)) * self.get
        return units_discount(units[:free], HUNDRED)

    def shortfall(self, lines: Sequence[Line]) -> tuple[Decimal, Decimal] | None:
        units = sum((int(line.quantity) for line in lines if line.quantity == line.quantity.to_integral_value()), 0)
        group = self.buy + self.get
        if units == 0 or units % group == 0:
            return None
        missing = group - units % group
        # Only a hint when the customer is one group short of a (next) free unit.
        return (ZERO, Decimal(missing)) if missing <= self.get else None


@register
class NthItemDiscount(Mechanic):
    """`percent` off k = floor(units / n) of the cheapest whole units ("50 % off every third item")."""

    kind, type = "discount", "nth_item_discount"
    label = gettext_lazy("Percent off every n-th item")
    params = (Param("n", INTEGER, gettext_lazy("every n-th item"), minimum=2), PERCENT_OFF)

    def __init__(self, *, n: int, percent: Decimal) -> None:
        self.n, self.percent = n, percent

    def discounts(self, lines: Sequence[Line], basis: Mapping[int, Decimal]) -> dict[int, Decimal]:
        units = whole_units(lines, basis)
        return units_discount(units[: len(units) // self.n], self.percent)

    def shortfall(self, lines: Sequence[Line]) -> tuple[Decimal, Decimal] | None:
        units = sum((int(line.quantity) for line in lines if line.quantity == line.quantity.to_integral_value()), 0)
        if units == 0 or units % self.n == 0:
            return None
        return (ZERO, Decimal(self.n - units % self.n)) if units < self.n else None


@register
class GradedDiscount(Mechanic):
    """The highest step reached by eligible units (or eligible base total) gives its percent on every line."""

    kind, type = "discount", "graded_discount"
    label = gettext_lazy("Graded discount: the more, the bigger")
    params = (
        Param(
            "by",
            CHOICE,
            gettext_lazy("steps by"),
            required=False,
            default="quantity",
            choices=(("quantity", gettext_lazy("units bought")), ("total", gettext_lazy("amount spent"))),
        ),
        STEPS_PARAM,
    )

    def __init__(self, *, by: str, steps: tuple[tuple[Decimal, Decimal], ...]) -> None:
        self.by, self.steps = by, steps

    def _reached(self, lines: Sequence[Line]) -> Decimal:
        if self.by == "quantity":
            return sum((line.quantity for line in lines), Decimal(0))
        return sum((line.base for line in lines), ZERO)

    def discounts(self, lines: Sequence[Line], basis: Mapping[int, Decimal]) -> dict[int, Decimal]:
        percent = _step_percent(self.steps, self._reached(lines))
        if not percent:
            return {}
        return {line.index: quantize(basis[line.index] * percent / HUNDRED) for line in lines}

    def shortfall(self, lines: Sequence[Line]) -> tuple[Decimal, Decimal] | None:
        reached = self._reached(lines)
        first = self.steps[0][0]
        if reached >= first or reached <= 0:
            return None
        missing = first - reached
        return (quantize(missing), ZERO) if self.by == "total" else (ZERO, missing)


@register
class PointsPercent(PointsMechanic):
    type = "points_percent"
    label = gettext_lazy("Points: percent of the amount paid")
    params = (Param("percent", DECIMAL, gettext_lazy("percent in points"), positive=True, maximum=Decimal(1000)),)

    def __init__(self, *, percent: Decimal, **lifetime: Any) -> None:
        super().__init__(**lifetime)
        self.percent = percent

    def points(self, lines: Sequence[Line]) -> dict[int, Decimal]:
        return {line.index: quantize(line.paid * self.percent / HUNDRED) for line in lines}


@register
class PointsPerAmount(PointsMechanic):
    """floor(paid total / per) × points, receipt level, distributed over the lines by paid amount."""

    type = "points_per_amount"
    label = gettext_lazy("Points per amount spent")
    params = (
        Param("points", DECIMAL, gettext_lazy("points"), positive=True),
        Param("per", DECIMAL, gettext_lazy("per amount paid"), positive=True),
    )

    def __init__(self, *, points: Decimal, per: Decimal, **lifetime: Any) -> None:
        super().__init__(**lifetime)
        self.points_each, self.per = points, per

    def points(self, lines: Sequence[Line]) -> dict[int, Decimal]:
        weights = [line.paid for line in lines]
        paid = sum(weights, ZERO)
        total = quantize((paid / self.per).to_integral_value(rounding=ROUND_FLOOR) * self.points_each)
        return {line.index: part for line, part in zip(lines, distribute(total, weights), strict=True)}


@register
class PointsFixed(PointsMechanic):
    type = "points_fixed"
    label = gettext_lazy("Fixed points per receipt")
    params = (Param("points", DECIMAL, gettext_lazy("points"), positive=True, money=True),)

    def __init__(self, *, points: Decimal, **lifetime: Any) -> None:
        super().__init__(**lifetime)
        self.points_total = points

    def points(self, lines: Sequence[Line]) -> dict[int, Decimal]:
        weights = [line.paid for line in lines]
        if sum(weights, ZERO) <= 0:
            weights = [line.base for line in lines]
        parts = distribute(self.points_total, weights)
        return {line.index: part for line, part in zip(lines, parts, strict=True)}


@register
class PointsMultiplier(PointsMechanic):
    """The tier's base accrual on the eligible lines × factor in total: adds base × (factor − 1)."""

    type = "points_multiplier"
    label = gettext_lazy("Tier points multiplied")
    params = (Param("factor", DECIMAL, gettext_lazy("factor"), minimum=Decimal(1), maximum=Decimal(100)),)

    def __init__(self, *, factor: Decimal, **lifetime: Any) -> None:
        super().__init__(**lifetime)
        self.factor = factor

    def points(self, lines: Sequence[Line]) -> dict[int, Decimal]:
        return {line.index: quantize(line.base_points * (self.factor - 1)) for line in lines}


@register
class GradedPoints(PointsMechanic):
    type = "graded_points"
    label = gettext_lazy("Graded points: the more, the bigger")
    params = (STEPS_PARAM,)

    def __init__(self, *, steps: tuple[tuple[Decimal, Decimal], ...], **lifetime: Any) -> None:
        super().__init__(**lifetime)
        self.steps = steps

    def points(self, lines: Sequence[Line]) -> dict[int, Decimal]:
        percent = _step_percent(self.steps, sum((line.paid for line in lines), ZERO))
        if not percent:
            return {}
        return {line.index: quantize(line.paid * percent / HUNDRED) for line in lines}

    def shortfall(self, lines: Sequence[Line]) -> tuple[Decimal, Decimal] | None:
        reached = sum((line.total for line in lines), ZERO)
        first = self.steps[0][0]
        if reached >= first or reached <= 0:
            return None
        return (quantize(first - reached), ZERO)


def validate_mechanic(raw: Any) -> dict[str, Any]:
    """A mechanic's JSON (`{"type": ..., params}`) checked against its declared parameters: `{"type": ...}` and
    each parameter's value (defaults filled in). MechanicError says what is wrong, the first mistake only."""
    mechanic = MECHANICS.get(str(raw.get("type"))) if isinstance(raw, dict) else None
    check_magnitudes(raw, {param.name: param.label for param in mechanic.declared()} if mechanic else None)
    if not isinstance(raw, dict):
        raise MechanicError("The mechanic is an object with a 'type'.", NO_TYPE)
    if mechanic is None:
        raise MechanicError(f"Unknown mechanic type; one of: {', '.join(sorted(MECHANICS))}.", NO_TYPE)
    return {"type": mechanic.type, **mechanic.validate(raw)}


def parse_mechanic(raw: Any) -> Mechanic:
    """A mechanic from its JSON, validated by `validate_mechanic`."""
    values = validate_mechanic(raw)
    return MECHANICS[values.pop("type")](**values)
