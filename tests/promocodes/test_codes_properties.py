"""Properties of the shape of a code: normalisation, what counts as well formed, and random parts drawn only from
the alphabet without 0 O 1 I L."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from promocodes.codes import (
    ALPHABET,
    MAX_CODE_LENGTH,
    MAX_LENGTH,
    MIN_LENGTH,
    normalize,
    random_part,
    space,
    well_formed,
)

ALNUM = string.ascii_uppercase + string.digits
spaces = st.text(alphabet=" \t\r\n", max_size=4)
well_formed_codes = st.builds(
    lambda first, middle, last: first + middle + last if middle or last else first,
    st.sampled_from(ALNUM),
    st.text(alphabet=ALNUM + "-", max_size=MAX_CODE_LENGTH - 2),
    st.text(alphabet=ALNUM, min_size=0, max_size=1),
).filter(lambda code: code[-1] != "-")


def test_the_alphabet_leaves_out_the_characters_people_misread():
    assert set(ALPHABET).isdisjoint("01OIL")
    assert len(set(ALPHABET)) == len(ALPHABET) == 31
    assert set(ALPHABET) <= set(ALNUM)


@given(code=well_formed_codes, before=spaces, after=spaces, data=st.data())
def test_case_and_surrounding_spaces_normalise_away(code, before, after, data):
    # given: the code as a cashier might type it
    flips = data.draw(st.lists(st.booleans(), min_size=len(code), max_size=len(code)))
    typed = before + "".join(char.lower() if flip else char for char, flip in zip(code, flips, strict=True)) + after

    # then
    assert normalize(typed) == code
    assert well_formed(normalize(typed))


@given(text=st.text(max_size=60))
def test_normalise_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


@given(code=well_formed_codes)
def test_letters_digits_and_inner_hyphens_are_well_formed(code):
    assert well_formed(code)


@given(code=well_formed_codes, bad=st.characters(blacklist_characters=ALNUM + "-"), at=st.integers(0, MAX_CODE_LENGTH))
def test_any_other_character_makes_a_code_malformed(code, bad, at):
    position = min(at, len(code))
    assert not well_formed(code[:position] + bad + code[position:])


@pytest.mark.parametrize(
    "code",
    ["", "-", "-A", "A-", "a", "A B", "A_B", "Ё", "A" * (MAX_CODE_LENGTH + 1), "ABC\n", "\nABC", "ABC\r\n"],
)
def test_malformed_examples(code):
    assert not well_formed(code)


@pytest.mark.parametrize("code", ["A", "7", "A-B", "A--B", "SPRING-2026", "A" * MAX_CODE_LENGTH])
def test_well_formed_examples(code):
    assert well_formed(code)


@given(count=st.integers(0, 300), length=st.integers(MIN_LENGTH, MAX_LENGTH))
def test_random_parts_are_exactly_count_strings_of_length_letters_of_the_alphabet(count, length):
    parts = random_part(count, length)

    assert len(parts) == count
    assert all(len(part) == length for part in parts)
    assert set("".join(parts)) <= set(ALPHABET)


def test_random_parts_use_the_whole_alphabet_evenly():
    # given: 31,000 letters drawn
    letters = "".join(random_part(1000, 31))

    # then: every letter appears, none far off its share of 1,000
    counts = {letter: letters.count(letter) for letter in ALPHABET}
    assert set(letters) == set(ALPHABET)
    assert all(800 < count < 1200 for count in counts.values()), counts


@given(length=st.integers(MIN_LENGTH, MAX_LENGTH))
def test_the_space_of_a_length(length):
    assert space(length) == len(ALPHABET) ** length
