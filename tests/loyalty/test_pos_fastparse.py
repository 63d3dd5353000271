"""The till's fast body parser answers exactly what the serializers answer, or leaves the body to them."""

from decimal import Decimal

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from loyalty.pos.fastparse import receipt_body
from loyalty.pos.serializers import CalculateSerializer, ConfirmSerializer

texts = st.one_of(
    st.sampled_from(["SKU-1", "4600000000017", " padded ", "", "x" * 64, "x" * 65, "a\x00b", "\ud800", "Шампунь"]),
    st.text(max_size=70),
    st.integers(-5, 5),
    st.none(),
)
numbers = st.one_of(
    st.sampled_from(
        ["1", "2.5", "0", "0.000", "0.001", "0.0001", "100000", "100000.001", "-1", "1e3", " 1", "1.", ".5"]
    ),
    st.sampled_from(["99.99", "10.999", "007.50", "-0.00", "12345678901", "1234567890.12", "NaN", "Infinity"]),
    st.integers(-2, 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=10**6, places=3).map(str),
    st.none(),
    st.booleans(),
)
lines = st.one_of(
    st.fixed_dictionaries({"sku": texts, "quantity": numbers, "price": numbers}),
    st.fixed_dictionaries({"sku": texts, "quantity": numbers, "price": numbers, "extra": st.just(1)}),
    st.fixed_dictionaries({"sku": texts, "price": numbers}),
    st.just("a line"),
)
customers = st.one_of(
    st.none(),
    st.fixed_dictionaries({"card": texts}),
    st.fixed_dictionaries({"phone": texts}),
    st.fixed_dictionaries({"card": texts, "phone": texts}),
    st.just([]),
)
bodies = st.fixed_dictionaries(
    {"lines": st.one_of(st.lists(lines, max_size=4), st.just({}), st.none())},
    optional={
        "customer": customers,
        "promo_codes": st.one_of(st.lists(texts, max_size=11), st.just("CODE")),
        "redeem_points": numbers,
        "receipt_number": texts,
        "at": st.sampled_from(["2026-01-01T10:00:00Z", "yesterday", None]),
        "unknown": st.just(1),
    },
)
# Mostly plainly valid, now and then one value from above: the bodies the fast path takes, and its edges.
good_texts = st.from_regex(r"[A-Za-z0-9-]{1,64}", fullmatch=True)
good_quantities = st.one_of(st.decimals(min_value="0.001", max_value=100000, places=3).map(str), st.integers(1, 10**5))
good_prices = st.one_of(st.decimals(min_value=0, max_value=10**7, places=2).map(str), st.integers(0, 10**7))
near_lines = st.fixed_dictionaries(
    {
        "sku": st.one_of(good_texts, good_texts, texts),
        "quantity": st.one_of(good_quantities, good_quantities, numbers),
        "price": st.one_of(good_prices, good_prices, numbers),
    }
)
near_bodies = st.fixed_dictionaries(
    {"lines": st.lists(near_lines, min_size=1, max_size=4)},
    optional={
        "customer": st.one_of(st.fixed_dictionaries({"card": good_texts}), customers),
        "promo_codes": st.lists(st.one_of(good_texts, good_texts, texts), max_size=11),
        "redeem_points": st.one_of(good_prices, numbers),
        "receipt_number": st.one_of(good_texts, good_texts, texts),
    },
)
good_bodies = st.fixed_dictionaries(
    {
        "lines": st.lists(
            st.fixed_dictionaries({"sku": good_texts, "quantity": good_quantities, "price": good_prices}),
            min_size=1,
            max_size=5,
        ),
        "receipt_number": good_texts,
    },
    optional={
        "customer": st.fixed_dictionaries({"card": good_texts}),
        "promo_codes": st.lists(good_texts, max_size=3),
        "redeem_points": good_prices,
    },
)
PLAIN = {
    "customer": {"card": "2000000000015"},
    "lines": [{"sku": "A", "quantity": "2", "price": "100.00"}, {"sku": "B", "quantity": 3, "price": 10}],
    "promo_codes": ["WELCOME"],
    "redeem_points": "10",
    "receipt_number": "R-1",
}


def serializer_answer(serializer_class, body):
    serializer = serializer_class(data=body)
    return dict(serializer.validated_data) if serializer.is_valid() else None


def normalised(data):
    data = dict(data)
    if data.get("customer") is not None:
        data["customer"] = dict(data["customer"])
    data["lines"] = [dict(line) for line in data["lines"]]
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(bodies, near_bodies, good_bodies), confirm=st.booleans())
@example(body=PLAIN, confirm=True)
@example(body=PLAIN, confirm=False)
def test_the_fast_path_answers_as_the_serializer_or_leaves_the_body_to_it(body, confirm):
    fast = receipt_body(body, confirm=confirm)
    event("fast path" if fast is not None else "left to the serializer")
    if fast is None:
        return  # the serializer decides, as before
    expected = serializer_answer(ConfirmSerializer if confirm else CalculateSerializer, body)
    assert expected is not None, "the fast path accepted a body the serializer refuses"
    assert normalised(fast) == normalised(expected)
    for got, wanted in zip(fast["lines"], expected["lines"], strict=True):
        # equal decimals can differ in exponent ("2" and "2.000"): the answer shows what is kept, so compare it too
        assert (str(got["quantity"]), str(got["price"])) == (str(wanted["quantity"]), str(wanted["price"]))
    assert str(fast["redeem_points"]) == str(expected["redeem_points"])


def test_a_till_s_everyday_body_takes_the_fast_path():
    fast = receipt_body(PLAIN, confirm=True)

    assert fast == {
        "customer": {"card": "2000000000015"},
        "lines": [
            {"sku": "A", "quantity": Decimal("2.000"), "price": Decimal("100.00")},
            {"sku": "B", "quantity": Decimal("3.000"), "price": Decimal("10.00")},
        ],
        "promo_codes": ["WELCOME"],
        "redeem_points": Decimal("10.00"),
        "receipt_number": "R-1",
    }
    assert receipt_body({**PLAIN, "at": "2026-01-01T10:00:00Z"}) is None  # the serializer reads times
    assert receipt_body({**PLAIN, "customer": {"phone": "+79001234567"}}) is None
