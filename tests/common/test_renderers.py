"""`FastJSONRenderer` writes exactly DRF's `JSONRenderer` bytes, on random answers and the awkward values."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

import orjson
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer

from common.api.renderers import FastJSONRenderer, StoredJSON

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(),
    st.text(alphabet='\u2028\u2029\x00\x1f\x7f"\\/é€😀 \n\t'),
)
ANSWERS = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=40,
)


@given(answer=ANSWERS)
def test_the_same_bytes_as_drf_on_random_answers(answer):
    assert FastJSONRenderer().render(answer) == JSONRenderer().render(answer)


def test_the_same_bytes_for_values_drf_encodes_itself():
    answer = {
        "at": datetime(2026, 12, 5, 8, 30, 15, 123456, tzinfo=UTC),
        "day": date(2026, 12, 5),
        "hour": time(8, 30),
        "after": timedelta(days=1, seconds=5),
        "points": Decimal("10.50"),
        "id": UUID("12345678-1234-5678-1234-567812345678"),
        "message": gettext_lazy("A number is expected."),
        "line\u2028separator": ["\u2029"],
        1: "an integer key",
    }
    fast = FastJSONRenderer().render(answer)
    assert fast == JSONRenderer().render(answer)
    assert b'"at":"2026-12-05T08:30:15.123456Z"' in fast


def test_nothing_is_empty_and_indented_is_left_to_drf():
    assert FastJSONRenderer().render(None) == b""
    indented = FastJSONRenderer().render({"a": [1]}, "application/json; indent=2")
    assert indented == JSONRenderer().render({"a": [1]}, "application/json; indent=2")
    assert indented.startswith(b"{\n  ")


@given(answer=ANSWERS.filter(lambda answer: answer is not None))  # None is no body at all, never an answer kept
def test_a_stored_answer_is_sent_as_the_first_one_was(answer):
    # given: an answer kept as the idempotency record keeps it (orjson's text), then sent again as that text
    stored = StoredJSON(orjson.dumps(answer).decode())

    # then: the same bytes as the first answer, and as DRF's; read back, the same data
    assert FastJSONRenderer().render(stored) == FastJSONRenderer().render(answer) == JSONRenderer().render(answer)
    assert stored.data == answer


def test_a_stored_answer_asked_for_indented_is_read_and_indented():
    stored = StoredJSON('{"lines":[{"sku":"A","paid":"1.00"}]}')
    context = {"indent": 2}
    assert FastJSONRenderer().render(stored, "application/json", context) == JSONRenderer().render(
        {"lines": [{"sku": "A", "paid": "1.00"}]}, "application/json", context
    )
