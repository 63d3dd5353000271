"""Mechanics: one small class each. A discount mechanic maps eligible lines to discounts on a basis (the line's
base, or its total after earlier discounts); a points mechanic maps eligible lines to points on their paid amount.

A new mechanic is a subclass with `kind`, `type`, `parse()` and `discounts()` or `points()`, registered in
`MECHANICS`. `shortfall()` says what is missing for the mechanic to give anything (for hints).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any, ClassVar

from common.money import ZERO, distribute, quantize

from .types import Line

HUNDRED = Decimal(100)


class MechanicError(ValueError):
    """A mechanic's parameters are invalid; the message says which and why."""


def _decimal(
    params: Mapping[str, Any],
    key: str,
    *,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    positive: bool = False,
) -> Decimal:
    if key not in params or params[key] in (None, ""):
        raise MechanicError(f"'{key}' is required.")
    try:
        value = Decimal(str(params[key]))
    except ArithmeticError as exc:
        raise MechanicError(f"'{key}' must be a number.") from exc
    if not value.is_finite():
        raise MechanicError(f"'{key}' must be a number.")
    if positive and value <= 0:
        raise MechanicError(f"'{key}' must be above zero.")
    if minimum is not None and value < minimum:
        raise MechanicError(f"'{key}' must be at least {minimum}.")
    if maximum is not None and value > maximum:
        raise MechanicError(f"'{key}' must be at most {maximum}.")
    return value


def _whole(params: Mapping[str, Any], key: str, *, minimum: int) -> int:
    value = params.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MechanicError(f"'{key}' must be a whole number.")
    try:
        number = int(value)
    except ValueError as exc:
        raise MechanicError(f"'{key}' must be a whole number.") from exc
    if number < minimum or number > 1_000_000:
        raise MechanicError(f"'{key}' must be between {minimum} and 1000000.")
    return number


def _steps(params: Mapping[str, Any]) -> tuple[tuple[Decimal, Decimal], ...]:
    raw = params.get("steps")
    if not isinstance(raw, list) or not raw:
        raise MechanicError("'steps' must be a non-empty list of {from, percent}.")
    steps = []
    for step in raw:
        if not isinstance(step, dict):
            raise MechanicError("Each step is {from, percent}.")
        steps.append(
            (_decimal(step, "from", minimum=Decimal(0)), _decimal(step, "percent", minimum=Decimal(0), maximum=HUNDRED))
        )
    steps.sort()
    if len({start for start, _percent in steps}) != len(steps):
        raise MechanicError("Two steps start at the same value.")
    return tuple(steps)


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


def whole_units(lines: Sequence[Line], basis: Mapping[int, Decimal]) -> list[Unit]:
    """Lines with whole quantities expanded into units priced at their basis ÷ quantity; weighed goods left out.

    Sorted cheapest first; ties by SKU then line index, so the outcome does not depend on the basket's order.
    """
    units: list[Unit] = []
    for line in lines:
        if line.quantity != line.quantity.to_integral_value() or line.quantity <= 0:
            continue
        count = int(line.quantity)
        unit_price = basis[line.index] / count
        units.extend(Unit(line, unit_price) for _ in range(count))
    units.sort(key=lambda unit: (unit.price, unit.line.sku, unit.line.index))
    return units


def units_discount(units: Sequence[Unit], percent: Decimal) -> dict[int, Decimal]:
    """`percent` off the given units, summed and rounded per line."""
    raw: dict[int, Decimal] = {}
    for unit in units:
        raw[unit.line.index] = raw.get(unit.line.index, ZERO) + unit.price
    return {index: quantize(value * percent / HUNDRED) for index, value in raw.items()}


class Mechanic:
    kind: ClassVar[str]  # "discount" | "points"
    type: ClassVar[str]
    expires_in_days: int | None = None
    activation_days: int = 0

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> "Mechanic":
        raise NotImplementedError

    def discounts(self, lines: Sequence[Line], basis: Mapping[int, Decimal]) -> dict[int, Decimal]:
        raise NotImplementedError

    def points(self, lines: Sequence[Line]) -> dict[int, Decimal]:
        raise NotImplementedError

    def shortfall(self, lines: Sequence[Line]) -> tuple[Decimal, Decimal] | None:
        """(missing amount, missing quantity) before the mechanic gives anything; None when nothing is missing."""
        return None


class PointsMechanic(Mechanic):
    kind = "points"

    def _lifetime(self, params: Mapping[str, Any]) -> None:
        expires = params.get("expires_in_days")
        self.expires_in_days = None if expires in (None, "") else _whole(params, "expires_in_days", minimum=0)
        activation = params.get("activation_days")
        self.activation_days = 0 if activation in (None, "") else _whole(params, "activation_days", minimum=0)


class PercentDiscount(Mechanic):
    kind, type = "discount", "percent_discount"

    def __init__(self, percent: Decimal) -> None:
        self.percent = percent

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> "PercentDiscount":
        return cls(_decimal(params, "percent", positive=True, maximum=HUNDRED))

    def discounts(self, lines: Sequence[Line], basis: Mapping[int, Decimal]) -> dict[int, Decimal]:
        return {line.index: quantize(basis[line.index] * self.percent / HUNDRED) for line in lines}


class AmountDiscount(Mechanic):
    kind, type = "discount", "amount_discount"

    def __init__(self, amount: Decimal) -> None:
        self.amount = amount

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> "AmountDiscount":
        return cls(quantize(_decimal(params, "amount", positive=True, maximum=Decimal("1000000000"))))

    def discounts(self, lines: Sequence[Line], basis: Mapping[int, Decimal]) -> dict[int, Decimal]:
        weights = [basis[line.index] for line in lines]
        amount = min(self.amount, sum(weights, ZERO))
        return {line.index: part for line, part in zip(lines, distribute(amount, weights), strict=True)}


class BuyNGetM(Mechanic):
    """Buy `buy`, get `get` free: of every buy + get whole units, the `get` cheapest are free."""

    kind, type = "discount", "buy_n_get_m"

    def __init__(self, buy: int, get: int) -> None:
        self.buy, self.get = buy, get

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> "BuyNGetM":
        return cls(_whole(params, "buy", minimum=1), _whole(params, "get", minimum=1))

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


class NthItemDiscount(Mechanic):
    """`percent` off k = floor(units / n) of the cheapest whole units ("50 % off every third item")."""

    kind, type = "discount", "nth_item_discount"

    def __init__(self, n: int, percent: Decimal) -> None:
        self.n, self.percent = n, percent

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> "NthItemDiscount":
        return cls(_whole(params, "n", minimum=2), _decimal(params, "percent", positive=True, maximum=HUNDRED))

    def discounts(self, lines: Sequence[Line], basis: Mapping[int, Decimal]) -> dict[int, Decimal]:
        units = whole_units(lines, basis)
        return units_discount(units[: len(units) // self.n], self.percent)

    def shortfall(self, lines: Sequence[Line]) -> tuple[Decimal, Decimal] | None:
        units = sum((int(line.quantity) for line in lines if line.quantity == line.quantity.to_integral_value()), 0)
        if units == 0 or units % self.n == 0:
            return None
        return (ZERO, Decimal(self.n - units % self.n)) if units < self.n else None


class GradedDiscount(Mechanic):
    """The highest step reached by eligible units (or eligible base total) gives its percent on every line."""

    kind, type = "discount", "graded_discount"

    def __init__(self, by: str, steps: tuple[tuple[Decimal, Decimal], ...]) -> None:
        self.by, self.steps = by, steps

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> "GradedDiscount":
        by = params.get("by", "quantity")
        if by not in ("quantity", "total"):
            raise MechanicError("'by' is 'quantity' or 'total'.")
        return cls(by, _steps(params))

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


class PointsPercent(PointsMechanic):
    type = "points_percent"

    def __init__(self, percent: Decimal) -> None:
        self.percent = percent

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> "PointsPercent":
        mechanic = cls(_decimal(params, "percent", positive=True, maximum=Decimal(1000)))
        mechanic._lifetime(params)
        return mechanic

    def points(self, lines: Sequence[Line]) -> dict[int, Decimal]:
        return {line.index: quantize(line.paid * self.percent / HUNDRED) for line in lines}


class PointsPerAmount(PointsMechanic):
    """floor(paid total / per) × points, receipt level, distributed over the lines by paid amount."""

    type = "points_per_amount"

    def __init__(self, points: Decimal, per: Decimal) -> None:
        self.points_each, self.per = points, per

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> "PointsPerAmount":
        mechanic = cls(_decimal(params, "points", positive=True), _decimal(params, "per", positive=True))
        mechanic._lifetime(params)
        return mechanic

    def points(self, lines: Sequence[Line]) -> dict[int, Decimal]:
        weights = [line.paid for line in lines]
        paid = sum(weights, ZERO)
        total = quantize((paid / self.per).to_integral_value(rounding=ROUND_FLOOR) * self.points_each)
        return {line.index: part for line, part in zip(lines, distribute(total, weights), strict=True)}


class PointsFixed(PointsMechanic):
    type = "points_fixed"

    def __init__(self, points: Decimal) -> None:
        self.points_total = points

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> "PointsFixed":
        mechanic = cls(quantize(_decimal(params, "points", positive=True)))
        mechanic._lifetime(params)
        return mechanic

    def points(self, lines: Sequence[Line]) -> dict[int, Decimal]:
        weights = [line.paid for line in lines]
        if sum(weights, ZERO) <= 0:
            weights = [line.base for line in lines]
        parts = distribute(self.points_total, weights)
        return {line.index: part for line, part in zip(lines, parts, strict=True)}


class PointsMultiplier(PointsMechanic):
    """The tier's base accrual on the eligible lines × factor in total: adds base × (factor − 1)."""

    type = "points_multiplier"

    def __init__(self, factor: Decimal) -> None:
        self.factor = factor

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> "PointsMultiplier":
        mechanic = cls(_decimal(params, "factor", minimum=Decimal(1), maximum=Decimal(100)))
        mechanic._lifetime(params)
        return mechanic

    def points(self, lines: Sequence[Line]) -> dict[int, Decimal]:
        return {line.index: quantize(line.base_points * (self.factor - 1)) for line in lines}


class GradedPoints(PointsMechanic):
    type = "graded_points"

    def __init__(self, steps: tuple[tuple[Decimal, Decimal], ...]) -> None:
        self.steps = steps

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> "GradedPoints":
        mechanic = cls(_steps(params))
        mechanic._lifetime(params)
        return mechanic

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


MECHANICS: dict[str, type[Mechanic]] = {
    mechanic.type: mechanic
    for mechanic in (
        PercentDiscount,
        AmountDiscount,
        BuyNGetM,
        NthItemDiscount,
        GradedDiscount,
        PointsPercent,
        PointsPerAmount,
        PointsFixed,
        PointsMultiplier,
        GradedPoints,
    )
}


def parse_mechanic(raw: Any) -> Mechanic:
    """A mechanic from its JSON (`{"type": ..., params}`); MechanicError explains what is wrong."""
    if not isinstance(raw, dict):
        raise MechanicError("The mechanic is an object with a 'type'.")
    mechanic = MECHANICS.get(str(raw.get("type")))
    if mechanic is None:
        raise MechanicError(f"Unknown mechanic type; one of: {', '.join(sorted(MECHANICS))}.")
    return mechanic.parse(raw)
