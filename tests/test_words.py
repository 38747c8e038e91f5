"""Numbers in words: the noun agrees with the number; a small chance is not "0 %"."""

from __future__ import annotations

import doctest

from hypothesis import given
from hypothesis import strategies as st

from graphwarm import _words
from graphwarm._words import counted, percent


def test_one_is_singular_every_other_count_plural() -> None:
    assert counted(1, "ask") == "1 ask"
    assert [counted(n, "ask") for n in (0, 2, 37)] == ["0 asks", "2 asks", "37 asks"]
    assert counted(1, "person", "people") == "1 person"
    assert counted(3, "person", "people") == "3 people"
    assert counted(1, "introduction asked for", "introductions asked for").startswith("1 intr")
    assert counted(12_345, "tie") == "12,345 ties"


@given(st.integers(min_value=0, max_value=10**9))
def test_the_number_is_written_in_full_and_the_noun_follows(n: int) -> None:
    text = counted(n, "ask")
    assert text.replace(",", "").split(" ")[0] == str(n)
    assert text.endswith("ask" if n == 1 else "asks")


def test_a_chance_below_one_percent_keeps_a_decimal() -> None:
    """A calibrated cold call per dial (0.3 % in a field study) must not read as 0 %."""
    assert [percent(p) for p in (0.0, 0.003, 0.0099, 0.01, 0.514, 1.0)] == [
        "0 %",
        "0.3 %",
        "1 %",
        "1 %",
        "51 %",
        "100 %",
    ]


def test_the_docstring_example() -> None:
    assert doctest.testmod(_words).failed == 0
