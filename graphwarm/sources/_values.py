"""Cells that say "no value" in so many words: ``NA``, ``N/A``, ``#N/A``, ``null``, ``-``, …

Exports from R, pandas, SQL tools and hand-kept sheets write these where a value is missing.
Read as text, one ``NA`` company would put everyone who has it at one account called "NA",
all colleagues of each other: so the column accessors of every reader run each cell through
:meth:`Blanks.clean`, which reads a placeholder as empty and counts it for the import report.
"""

from __future__ import annotations

from collections import Counter

__all__ = ["PLACEHOLDERS", "Blanks", "is_placeholder"]

PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "NA",
        "na",
        "N/A",
        "n/a",
        "N/a",
        "#N/A",
        "#NA",
        "<NA>",  # pandas' missing value
        "nan",
        "NaN",
        "NAN",
        "NaT",  # pandas' missing date
        "null",
        "NULL",
        "Null",
        "None",
        "NONE",
        "none",
        "-",
        "--",
        "\u2013",  # en dash
        "\u2014",  # em dash
    }
)
"""The whole-cell spellings of "no value", case as written: ``Na`` and ``Nan`` are names."""


def is_placeholder(text: str) -> bool:
    """Whether a cell, once stripped of spaces, only says that it has no value."""
    return text.strip() in PLACEHOLDERS


class Blanks:
    """One file's placeholder cells, read as empty and counted for its import report.

    A cell is counted once however often a reader asks for it (rows are told apart by their
    field list, columns by index). Cells arrive stripped of spaces (:class:`~._csvfile.Row`),
    so a cell that is not a placeholder costs one set lookup.
    """

    __slots__ = ("_header", "_row", "_row_columns", "by_column", "spellings")

    def __init__(self, header: list[str]) -> None:
        self._header = header
        self.spellings: Counter[str] = Counter()
        """How often each placeholder spelling was blanked."""
        self.by_column: Counter[int] = Counter()
        """Blanked cells per column index."""
        self._row: list[str] | None = None
        self._row_columns: set[int] = set()

    @property
    def count(self) -> int:
        """Placeholder cells blanked so far."""
        return self.by_column.total()

    def clean(self, text: str, row: list[str], column: int) -> str:
        """``text``, or ``""`` when it is a placeholder (counted once per cell)."""
        if text not in PLACEHOLDERS:
            return text
        if row is not self._row:
            self._row = row
            self._row_columns = set()
        if column not in self._row_columns:
            self._row_columns.add(column)
            self.spellings[text] += 1
            self.by_column[column] += 1
        return ""

    def clean_picked(
        self, values: tuple[str, ...], row: list[str], columns: list[int | None]
    ) -> tuple[str, ...]:
        """Several cells of one row at once (``columns[i]`` is where ``values[i]`` came from;
        ``None`` for a column the file lacks)."""
        if PLACEHOLDERS.isdisjoint(values):
            return values
        return tuple(
            v if c is None else self.clean(v, row, c) for v, c in zip(values, columns, strict=True)
        )

    def note(self) -> str | None:
        """``treated 159 placeholder cells (NA, -) as empty: Company 150, Position 9``."""
        count = self.count
        if not count:
            return None
        spellings = ", ".join(s for s, _ in self.spellings.most_common())
        columns = ", ".join(
            f"{self._header[i] if i < len(self._header) else i} {n:,}"
            for i, n in sorted(self.by_column.items(), key=lambda item: (-item[1], item[0]))
        )
        cells = "cell" if count == 1 else "cells"
        return f"treated {count:,} placeholder {cells} ({spellings}) as empty: {columns}"
