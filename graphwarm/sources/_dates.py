"""Dates as LinkedIn, CRM and Excel files write them, read into ISO ``YYYY-MM-DD``.

The shapes real files have: ``08 Feb 2023``, ``2024-05-01 09:30:12 UTC``, ``2023/04/02 …``,
``3/12/18, 4:05 PM``, ``16.09.2021``, ``9-May-22`` and its re-saves by a Swedish, Norwegian,
Danish, Finnish, German, French or Spanish Excel (``3-maj-22``, ``5-Mrz-20``, ``1-déc.-19``,
``9-touko-20``), ``Feb 8, 2023``. Nothing else is guessed at.

A numeric date such as ``3/12/21`` reads two ways. :class:`DateColumn` reads one column of one
file in one order: the order its unambiguous dates show (``13/5/21`` can only be day first,
``5/13/21`` only month first); a file showing both is an error. A file whose dates all read
both ways keeps the documented default: month first for ``/`` and ``-`` (``3/12/21`` is
12 March in LinkedIn files), day first for dots (no locale writes month.day.year).

Month names come from :data:`_MONTH_NAMES`, a table of what those locales' Excel writes
(``d-mmm-yy``: Windows' abbreviations) and what other tools write (CLDR's, with a dot), plus
the full names. A library such as dateparser knows more languages, but it guesses the day/month
order per string and costs about a millisecond a call; the table is exact and costs a dict
lookup, once per distinct text (the readings are cached).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import ClassVar, TypeVar

from ..errors import InputError

__all__ = ["DateColumn", "month_number", "parse_date", "parse_month"]

_MONTH_NAMES: dict[int, str] = {
    1: "jan january januari januar jän jänner janv janvier ene enero tammi tammik tammikuu",
    2: "feb february februari februar févr février febrero helmi helmik helmikuu",
    3: "mar march mars marts mrz mär märz marzo maalis maalisk maaliskuu",
    4: "apr april avr avril abr abril huhti huhtik huhtikuu",
    5: "may maj mai mayo touko toukok toukokuu",
    6: "jun june juni juin junio kesä kesäk kesäkuu",
    7: "jul july juli juil juillet julio heinä heinäk heinäkuu",
    8: "aug august augusti août ago agosto elo elok elokuu",
    9: "sep sept september septembre septiembre setiembre set syys syysk syyskuu",
    10: "oct october okt oktober octobre octubre loka lokak lokakuu",
    11: "nov november novembre noviembre marras marrask marraskuu",
    12: "dec december des desember dez dezember déc décembre dic diciembre joulu jouluk joulukuu",
}
"""Month names and abbreviations in English, Swedish, Norwegian, Danish, Finnish, German,
French and Spanish, lower case. Finnish long dates use the partitive (``toukokuuta``), added
below; so are the names without their accents (``fevr``, ``aout``, ``kesa``)."""


def _month_table() -> dict[str, int]:
    table: dict[str, int] = {}

    def add(name: str, month: int) -> None:
        if table.setdefault(name, month) != month:  # pragma: no cover - the table is fixed
            raise ValueError(f"month name {name!r} would mean two months")

    for month, names in _MONTH_NAMES.items():
        for name in names.split():
            forms = [name, name + "ta"] if name.endswith("kuu") else [name]
            for form in forms:
                add(form, month)
                plain = unicodedata.normalize("NFKD", form)
                add("".join(c for c in plain if not unicodedata.combining(c)), month)
    return table


_MONTHS = _month_table()

_TIME = (
    r"(?:(?:,?\s+|T)(?:[01]?\d|2[0-3])[:.][0-5]\d(?:[:.][0-5]\d(?:\.\d+)?)?"
    r"\s*(?:[AaPp]\.?\s?[Mm]\.?)?\s*(?:UTC|GMT|Z|[+-]\d\d:?\d\d)?)?"
)
_YEAR_FIRST = re.compile(r"(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})" + _TIME)
_NUMERIC = re.compile(r"(?P<a>\d{1,2})(?P<s>[-/.])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})" + _TIME)
_DAY_NAME = re.compile(
    r"(?P<d>\d{1,2})\.?[\s\-/]*(?P<mon>[^\W\d_]+)\.?[\s\-/.,]*(?P<y>\d{4}|\d{2})" + _TIME
)
_NAME_DAY = re.compile(r"(?P<mon>[^\W\d_]+)\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})" + _TIME)
_NAME_YEAR = re.compile(r"(?P<mon>[^\W\d_]+)\.?[\s\-/]*(?P<y>\d{4})")
_MONTH_YEAR = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})|(?P<m2>\d{1,2})/(?P<y2>\d{4})|(?P<y3>\d{4})")

_Readings = tuple[str | None, str | None, str]


def month_number(name: str) -> int | None:
    """``'Mrz'``, ``'déc.'``, ``'toukokuuta'`` → 3, 12, 5; ``None`` for anything else."""
    return _MONTHS.get(name.strip().rstrip(".").casefold())


def _year(text: str) -> int:
    """A year as written; two digits are 1969-2068, as :func:`time.strptime` reads them."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 69 else 1900
    return year


def _iso(year: int, month: int | None, day: int) -> str | None:
    if month is None:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


@functools.lru_cache(maxsize=16384)
def _readings(text: str) -> _Readings:
    """``(month-first reading, day-first reading, default order)`` of one date text.

    The two readings are equal when the order does not matter, one is ``None`` when only the
    other order gives a date, both ``None`` when the text is no date. The default order is
    the one to assume when nothing in the file shows it: ``'day'`` for dots, else ``'month'``.
    """
    s = text.strip()
    if m := _YEAR_FIRST.fullmatch(s):
        iso = _iso(int(m["y"]), int(m["m"]), int(m["d"]))
        return iso, iso, "month"
    if m := _NUMERIC.fullmatch(s):
        a, b, year = int(m["a"]), int(m["b"]), _year(m["y"])
        return _iso(year, a, b), _iso(year, b, a), "day" if m["s"] == "." else "month"
    if m := _DAY_NAME.fullmatch(s) or _NAME_DAY.fullmatch(s):
        iso = _iso(_year(m["y"]), month_number(m["mon"]), int(m["d"]))
        return iso, iso, "month"
    return None, None, "month"


def parse_date(text: str | None) -> str | None:
    """One date on its own: ``'08 Feb 2023'`` → ``'2023-02-08'``; ``None`` for empty text;
    ``ValueError`` otherwise. A date that reads both ways takes the default order; a file's
    dates go through :class:`DateColumn`, which takes the order the file shows.

    >>> parse_date("3/12/18, 4:05 PM"), parse_date("9-May-22"), parse_date("16.09.2021")
    ('2018-03-12', '2022-05-09', '2021-09-16')
    """
    if text is None or not text.strip():
        return None
    month_first, day_first, default = _readings(text)
    if month_first is None and day_first is None:
        raise ValueError(f"{text!r} is not a date")
    if month_first is None or day_first is None:
        return month_first or day_first
    return month_first if default == "month" else day_first


def parse_month(text: str | None) -> str | None:
    """Positions.csv dates: ``'Mar 2019'`` → ``'2019-03'``; a bare year gives January."""
    if text is None or not text.strip():
        return None
    s = text.strip()
    if m := _NAME_YEAR.fullmatch(s):
        month = month_number(m["mon"])
        if month is not None:
            return f"{int(m['y']):04d}-{month:02d}"
    elif m := _MONTH_YEAR.fullmatch(s):
        year, month = m["y"] or m["y2"] or m["y3"], int(m["m"] or m["m2"] or 1)
        if 1 <= month <= 12:
            return f"{year}-{month:02d}"
    return parse_date(s)[:7]  # type: ignore[index]


_Row = TypeVar("_Row", bound=tuple)


class DateColumn:
    """One column of dates in one file: read in the order the file shows, counted, reported.

    Rows stream through :meth:`in_order`, which learns the order from each date and holds back
    a row whose date reads both ways (and the rows after it) until a later date shows the
    order; :meth:`read` then gives each date. Real files show it within a few rows (a day
    over 12 comes every third row or so). A file that has not shown it after
    :attr:`HOLD_ROWS` held rows is scanned ahead for its first unambiguous date, so memory
    stays bounded; one that never shows it keeps the default order, and :meth:`notes` says so.
    """

    HOLD_ROWS: ClassVar[int] = 10_000

    def __init__(self, file: str, column: str) -> None:
        self.file = file
        self.column = column
        """The column's header, as the file writes it (for notes and errors)."""
        self.order: str | None = None
        """``'month'`` (month first) or ``'day'`` once known."""
        self.assumed = False
        """Whether :attr:`order` is the default, no date of the file having shown it."""
        self.shown = 0
        """Dates that can only be read one way (they show the order)."""
        self.ambiguous = 0
        """Dates read with the file's order (they read both ways)."""
        self.dates = 0
        """Non-empty dates read."""
        self.unreadable = 0
        self.example: tuple[int, str] | None = None
        """The first unreadable date: ``(line, text)``."""
        self._decider: tuple[int, str] | None = None
        self._first_ambiguous: tuple[int, str, str] | None = None

    def in_order(
        self,
        rows: Iterable[_Row],
        index: int,
        rescan: Callable[[], Iterable[tuple[int, str]]] | None = None,
    ) -> Iterator[_Row]:
        """``rows`` (``(line, fields, …)``, the date in ``fields[index]``) in their order, each
        once its date can be read. ``rescan`` gives ``(line, date)`` for the whole file again,
        read when too many rows wait; an InputError names two dates that disagree."""
        held: list[_Row] = []
        learn, readings = self.learn, _readings
        for row in rows:
            fields = row[1]
            text = fields[index] if index < len(fields) else ""
            if not held:
                month_first, day_first, _ = readings(text)
                if month_first == day_first:  # learn() has nothing to learn from it
                    yield row
                    continue
            ready = learn(text, row[0])
            if not held:
                if ready:
                    yield row
                else:
                    held.append(row)
                continue
            held.append(row)
            if self.order is None and len(held) >= self.HOLD_ROWS:
                self._decide_from(rescan() if rescan is not None else ())
            if self.order is not None:
                yield from held
                held = []
        if held:
            if self.order is None:
                self._assume()
            yield from held

    def learn(self, text: str, line: int) -> bool:
        """Learn the order from one date; ``False`` when it reads both ways and the order is
        not known yet. Raises InputError when it shows the other order than an earlier one."""
        month_first, day_first, default = _readings(text)
        if month_first == day_first:  # no date, or one the order does not change
            return True
        if month_first is None or day_first is None:
            self._shows("day" if month_first is None else "month", text, line)
            return True
        if self._first_ambiguous is None:
            self._first_ambiguous = (line, text, default)
        return self.order is not None

    def read(self, text: str, line: int) -> str | None:
        """The ISO date of one cell; ``None`` for an empty or unreadable one (counted)."""
        if not text:
            return None
        self.dates += 1
        month_first, day_first, default = _readings(text)
        if month_first == day_first:
            if month_first is None:
                self.unreadable += 1
                if self.example is None:
                    self.example = (line, text)
            return month_first
        if month_first is None or day_first is None:
            return month_first or day_first
        self.ambiguous += 1
        if self.order is None:  # read without in_order(): nothing learned, keep the default
            self._first_ambiguous = self._first_ambiguous or (line, text, default)
            self._assume()
        return month_first if self.order == "month" else day_first

    def notes(self, unreadable: str) -> list[str]:
        """What the import report says about this column; ``unreadable`` ends the count of
        dates that could not be read (what became of their rows)."""
        what = f"dates ({self.column})" if "date" in self.column.lower() else f"{self.column} dates"
        out = []
        if self.order is not None and (self.shown or self.ambiguous):
            words = "month/day" if self.order == "month" else "day/month"
            if self.assumed and self._first_ambiguous is not None:
                line, text, _ = self._first_ambiguous
                why = "LinkedIn's order" if self.order == "month" else "the order of dotted dates"
                out.append(
                    f"{what} read as {words}, {why}: none of them shows the order"
                    f" (e.g. line {line}: {text!r})"
                )
            else:
                rows = "row" if self.shown == 1 else "rows"
                out.append(f"{what} read as {words} (from {self.shown:,} unambiguous {rows})")
        if self.unreadable and self.example is not None:
            line, text = self.example
            out.append(
                f"{self.unreadable:,} of {self.dates:,} {what} could not be read,"
                f" e.g. line {line}: {text!r}; {unreadable}"
            )
        return out

    def _shows(self, order: str, text: str, line: int) -> None:
        if self.order is None:
            self.order, self._decider = order, (line, text)
        elif order != self.order:
            raise self._disagree(order, text, line)
        self.shown += 1

    def _disagree(self, order: str, text: str, line: int) -> InputError:
        words = {"month": "month/day", "day": "day/month"}
        if self._decider is None:  # pragma: no cover - the file changed while it was read
            first = f"the dates before it were read as {words[self.order or 'month']}"
        else:
            first_line, first_text = self._decider
            first = f"line {first_line} ({first_text!r}) can only be {words[self.order or 'month']}"
        return InputError(
            f"has {self.column} dates in both orders: {first},"
            f" line {line} ({text!r}) only {words[order]}",
            file=self.file,
            line=line,
            column=self.column,
            hint="write every date of the file one way (or export the file again), then import"
            " it again",
        )

    def _decide_from(self, dates: Iterable[tuple[int, str]]) -> None:
        """The order from the first date that shows it, else the default."""
        for line, text in dates:
            month_first, day_first, _ = _readings(text)
            if (month_first is None) != (day_first is None):
                self.order = "day" if month_first is None else "month"
                self._decider = (line, text)
                return
        self._assume()

    def _assume(self) -> None:
        default = self._first_ambiguous[2] if self._first_ambiguous else "month"
        self.order, self.assumed = default, True
