"""The JSON parser reads bodies with orjson and gives exactly what DRF's parser gives: the same data on random
documents, and the same 400 `ParseError` (DRF's message) on what orjson refuses."""

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import parsers as drf
from rest_framework.exceptions import ParseError

from common.api.parsers import JSONParser

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=40,
)
CONTEXT = {"encoding": "utf-8"}


def ours(body: bytes):
    return JSONParser().parse(io.BytesIO(body), "application/json", CONTEXT)


def drfs(body: bytes):
    return drf.JSONParser().parse(io.BytesIO(body), "application/json", CONTEXT)


@given(document=DOCUMENTS)
def test_the_same_data_as_drf_on_random_documents(document):
    body = json.dumps(document, ensure_ascii=False).encode()
    assert repr(ours(body)) == repr(drfs(body)) == repr(document)


def test_the_same_data_for_what_orjson_leaves_to_drf():
    # Past 64 bits, and a lone surrogate: orjson refuses both, DRF's decoder reads them.
    bodies = [
        b'{"n": 123456789012345678901234567890}',
        b"[18446744073709551616, -9223372036854775809, 18446744073709551615]",
        b"[1e400, -1e400, 1.0000000000000000001]",
        b'{"s": "\\ud800"}',
        b'{"a": 1, "a": 2}',
    ]
    for body in bodies:
        assert repr(ours(body)) == repr(drfs(body))


@pytest.mark.parametrize(
    "body", [b"", b"{", b'{"a": NaN}', b'{"a": Infinity}', b"\xff\xfe", b"[" * 5000 + b"]" * 5000, b'{"a": 1,}']
)
def test_the_same_error_as_drf_on_bad_bodies(body):
    with pytest.raises(ParseError) as raised:
        ours(body)
    with pytest.raises((ParseError, RecursionError)) as expected:
        drfs(body)
    if isinstance(expected.value, ParseError):
        assert str(raised.value.detail) == str(expected.value.detail)
    else:
        assert "nested too deeply" in str(raised.value.detail)


def test_floats_read_to_the_same_bits():
    body = b"[0.1, 1e308, 5e-324, 2.5, -0.0, 123456.789, 0.30000000000000004]"
    assert [x.hex() for x in ours(body)] == [x.hex() for x in drfs(body)]
