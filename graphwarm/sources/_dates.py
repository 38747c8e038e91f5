"""Dates as LinkedIn and CRM files write them, read into ISO ``YYYY-MM-DD``.

Only the shapes seen in real files are accepted, and slashed dates are always month first
(``3/12/21`` is 12 March in LinkedIn files): guessing day-first would silently misread them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

__all__ = ["parse_date", "parse_month"]

_FORMATS = (
    "%d %b %Y",  # 08 Feb 2023 (Connections, 2020 on)
    "%Y-%m-%d %H:%M:%S UTC",  # messages
    "%Y/%m/%d %H:%M:%S UTC",  # endorsements
    "%m/%d/%y, %I:%M %p",  # 3/12/18, 4:05 PM (2018 exports, invitations)
    "%d-%b-%y",  # 9-May-22 (Excel re-save)
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%d %B %Y",
    "%b %d, %Y",
    "%m/%d/%Y, %I:%M %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
)
_MONTH_FORMATS = ("%b %Y", "%B %Y", "%Y-%m", "%m/%Y", "%Y")
_last = [0]
_ZONE = re.compile(r"(\.\d+)?(Z|[+-]\d\d:?\d\d)$")


@functools.lru_cache(maxsize=8192)
def parse_date(text: str | None) -> str | None:
    """``'08 Feb 2023'`` → ``'2023-02-08'``; ``None`` for empty text; ``ValueError`` otherwise.

    >>> parse_date("3/12/18, 4:05 PM"), parse_date("9-May-22")
    ('2018-03-12', '2022-05-09')
    """
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    cleaned = _ZONE.sub("", text) if "T" in text else text
    start = _last[0]
    for i in range(len(_FORMATS)):
        index = (start + i) % len(_FORMATS)
        try:
            value = dt.datetime.strptime(cleaned, _FORMATS[index])
        except ValueError:
            continue
        _last[0] = index
        return value.date().isoformat()
    raise ValueError(f"{text!r} is not a date")


def parse_month(text: str | None) -> str | None:
    """Positions.csv dates: ``'Mar 2019'`` → ``'2019-03'``; a bare year gives January."""
    if text is None or not text.strip():
        return None
    for fmt in _MONTH_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).strftime("%Y-%m")
        except ValueError:
            continue
    return parse_date(text)[:7]  # type: ignore[index]
