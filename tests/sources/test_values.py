"""Tests for graphwarm.sources._values: placeholder cells read as empty, counted once each.

The readers' use of it (NA companies, "-" cells) is tested in test_crm.py and test_linkedin.py.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graphwarm.sources._values import PLACEHOLDERS, Blanks, is_placeholder

HEADER = ["First Name", "Last Name", "Company"]


def test_the_spellings_of_no_value() -> None:
    for text in ["NA", "N/A", "#N/A", "n/a", "nan", "NaN", "null", "NULL", "None", "-", "—", "–"]:
        assert is_placeholder(text), text
        assert is_placeholder(f"  {text}\u00a0"), text  # after stripping spaces
    for text in ["Na", "Nan", "Nancy", "NASA", "N/A AB", "-1", "A-B", "", "none at all"]:
        assert not is_placeholder(text), text  # "Na" and "Nan" are names


def test_clean_blanks_a_placeholder_and_counts_it_once_per_cell() -> None:
    blanks = Blanks(HEADER)
    row = ["Elin", "-", "NA"]
    assert blanks.clean("Elin", row, 0) == "Elin"
    assert blanks.clean("-", row, 1) == ""
    assert blanks.clean("NA", row, 2) == ""
    assert blanks.clean("NA", row, 2) == ""  # asked twice: still one cell
    other = ["Tor", "Eide", "NA"]
    assert blanks.clean("NA", other, 2) == ""
    assert blanks.count == 3
    assert blanks.note() == "treated 3 placeholder cells (NA, -) as empty: Company 2, Last Name 1"


def test_clean_picked_skips_columns_the_file_lacks() -> None:
    blanks = Blanks(HEADER)
    row = ["N/A", "Eide", "None"]
    assert blanks.clean_picked(("N/A", "Eide", "None", "-"), row, [0, 1, 2, None]) == (
        "",
        "Eide",
        "",
        "-",
    )
    assert blanks.clean_picked(("Tor", "Eide"), row, [0, 1]) == ("Tor", "Eide")
    assert blanks.note() == (
        "treated 2 placeholder cells (N/A, None) as empty: First Name 1, Company 1"
    )


def test_one_cell_is_one_cell_in_the_note() -> None:
    blanks = Blanks(HEADER)
    blanks.clean("—", ["—"], 0)
    assert blanks.note() == "treated 1 placeholder cell (—) as empty: First Name 1"


def test_nothing_blanked_no_note() -> None:
    assert Blanks(HEADER).note() is None


@given(st.text())
def test_any_other_cell_passes_unchanged_and_uncounted(text: str) -> None:
    blanks = Blanks(HEADER)
    cleaned = blanks.clean(text, [text], 0)
    if text in PLACEHOLDERS:
        assert (cleaned, blanks.count) == ("", 1)
    else:
        assert (cleaned, blanks.count) == (text, 0)
