"""The cheapest-units helpers and the money spread, against their plain one-unit-at-a-time definitions: the engine
keeps a line's units as one run and sorts the remainders without a tuple per weight, and must answer the same."""

from decimal import ROUND_DOWN, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.engine.mechanics import HUNDRED, units_discount, whole_units
from campaigns.engine.types import Line
from common.money import CENT, ZERO, distribute, quantize

QUANTITIES = st.one_of(st.integers(min_value=1, max_value=12).map(Decimal), st.sampled_from([Decimal("0.5")]))
PRICES = st.decimals(min_value=Decimal("0"), max_value=Decimal("999.99"), places=2)
LINES = st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), QUANTITIES, PRICES), min_size=0, max_size=8)


def reference_units(lines: list[Line], basis: dict[int, Decimal]) -> list[tuple[Decimal, str, int]]:
    """Every whole unit as (unit price, sku, line index), cheapest first: the definition."""
    units = []
    for line in lines:
        if line.quantity == line.quantity.to_integral_value() and line.quantity > 0:
            units += [(basis[line.index] / int(line.quantity), line.sku, line.index)] * int(line.quantity)
    return sorted(units)


def reference_discount(units: list[tuple[Decimal, str, int]], percent: Decimal) -> dict[int, Decimal]:
    raw: dict[int, Decimal] = {}
    for price, _sku, index in units:
        raw[index] = raw.get(index, ZERO) + price
    return {index: quantize(value * percent / HUNDRED) for index, value in raw.items()}


@settings(max_examples=300, deadline=None)
@given(LINES, st.integers(min_value=-3, max_value=40), st.sampled_from([HUNDRED, Decimal("33.3"), Decimal("50")]))
def test_the_cheapest_units_and_their_discount_are_the_unit_by_unit_ones(raw, cut, percent):
    lines = [Line(index=i, sku=sku, quantity=quantity, price=price) for i, (sku, quantity, price) in enumerate(raw)]
    basis = {line.index: quantize(line.price * line.quantity) for line in lines}
    expected = reference_units(lines, basis)

    units = whole_units(lines, basis)

    assert len(units) == len(expected)
    assert [(unit.price, unit.line.sku, unit.line.index) for unit in units] == expected
    assert len(units[:cut]) == len(expected[:cut])
    assert [(unit.price, unit.line.index) for unit in units[:cut]] == [(p, i) for p, _s, i in expected[:cut]]
    assert units_discount(units[:cut], percent) == reference_discount(expected[:cut], percent)


def reference_distribute(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    total = sum(weights, Decimal(0))
    if total <= 0:
        return [ZERO for _weight in weights]
    exact = [amount * weight / total for weight in weights]
    parts = [value.quantize(CENT, rounding=ROUND_DOWN) for value in exact]
    cents = int(((amount - sum(parts, Decimal(0))) / CENT).to_integral_value())
    for i in sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))[:cents]:
        parts[i] += CENT
    return parts


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("5000"), places=2),
    st.lists(st.sampled_from([Decimal("0"), Decimal("1.00"), Decimal("3.33"), Decimal("10.00")]) | PRICES, max_size=9),
)
def test_the_spread_is_the_largest_remainder_one_with_ties_to_the_earlier(amount, weights):
    parts = distribute(amount, weights)

    assert parts == reference_distribute(amount, weights)
    if sum(weights, Decimal(0)) > 0:
        assert sum(parts, ZERO) == amount
