"""Tests for graphwarm.sources._headers: the one normal form every reader compares headers in."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from graphwarm.sources._headers import norm_header

_WORDS = st.lists(
    st.text(st.characters(categories=["L", "Nd"]), min_size=1, max_size=8), min_size=1
)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("First Name", "FirstName"),  # LinkedIn's old exports
        ("First Name", "first_name"),
        ("E-mail Address", "EMAIL ADDRESS"),
        ("Företagsnamn", "Foretagsnamn"),  # re-saved without accents
        ("Prénom", "Pre\u0301nom"),  # the accent as a combining mark (macOS)
        ("Company__c", "Company"),  # a Salesforce custom field's API name
        ("\ufeffFirst Name ", "First Name"),
    ],
)
def test_spellings_of_one_header(one: str, other: str) -> None:
    assert norm_header(one) == norm_header(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("E-mail 1 - Value", "E-mail 2 - Value"), ("Förnamn", "Fornavn"), ("Name", "Namn")],
)
def test_other_headers_stay_apart(one: str, other: str) -> None:
    assert norm_header(one) != norm_header(other)


@given(_WORDS, st.sampled_from([" ", "-", "_", ".", " - ", "/"]))
def test_separators_between_words_do_not_count(words: list[str], separator: str) -> None:
    assert norm_header(separator.join(words)) == norm_header("".join(words))


@given(st.text(max_size=30))
@example("𝝖")  # mathematical alpha: its compatibility form is a capital
def test_normal_form_is_idempotent(header: str) -> None:
    assert norm_header(norm_header(header)) == norm_header(header)
