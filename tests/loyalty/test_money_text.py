"""`money_text` writes every amount exactly as rounding it to two places and writing that would."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from common.money import quantize
from loyalty.pos.answers import money_text

AMOUNTS = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, allow_infinity=False)


@given(
    value=st.one_of(AMOUNTS, AMOUNTS.map(quantize), st.integers(-(10**6), 10**6).map(lambda n: Decimal(n).scaleb(-2)))
)
def test_the_same_text_as_rounding_then_writing(value):
    assert money_text(value) == str(quantize(value))


def test_awkward_spellings():
    for text in ("1E+2", "-0.00", "0E-2", "1.2E-3", "0.10", "-5.005", "12", "0.1", "1E-2"):
        assert money_text(Decimal(text)) == str(quantize(Decimal(text))), text
