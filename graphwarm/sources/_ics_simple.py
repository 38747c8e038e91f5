"""A fast reader of the simple events of a calendar, icalendar left the rest.

Most events of a calendar are single meetings written plainly: a start in UTC, floating or in
a named time zone, a status, an organizer and attendees with plain parameters. icalendar
spends most of an import on these (it scans every character of every line in Python); here
they are read with a few regular expressions into what icalendar would give the calendar
reader (the same values, types and parameters). An event with anything else (a series or a
moved occurrence, a start in a time zone the file defines itself, escaped text, a parameter
given twice, a value that is not plain, a line that is not UTF-8) is left in the calendar
text for icalendar, which reads it as it reads any. tests/sources/test_ics_simple.py checks
both ways give the same for generated calendars and every fixture.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import cache

__all__ = ["Address", "Event", "Start", "split_simple"]

# One content line after unfolding: name, parameters, value (a quoted parameter value may hold
# ";", ":" and ","; an unquoted one none of them).
_LINE = re.compile(rb'([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*))*):(.*)')
_PARAMETER = re.compile(r';([A-Za-z0-9-]+)=("[^"]*"|[^";:,]*)')
_DATE_TIME = re.compile(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(Z?)")
_DATE = re.compile(r"(\d{4})(\d\d)(\d\d)")
_SERIES = frozenset([b"RRULE", b"RDATE", b"RECURRENCE-ID"])
_ONCE = frozenset(["UID", "DTSTART", "STATUS", "ORGANIZER"])


class Address(str):
    """An ORGANIZER or ATTENDEE as icalendar gives it: the value, with its ``params``."""

    params: dict[str, str]


class Start:
    """A DTSTART as icalendar gives it: the date or date-time in ``dt``."""

    __slots__ = ("dt",)

    def __init__(self, value: dt.date) -> None:
        self.dt = value


Event = dict[str, object]  # UID, DTSTART, STATUS, ORGANIZER: one each; ATTENDEE: a list


def split_simple(data: bytes) -> tuple[list[Event | None], bytes]:
    """The VEVENTs of a calendar (unfolded, lines ending CRLF) in file order: each simple one
    read (``None`` where one is left to icalendar), and the calendar without the simple ones."""
    lines = data.split(b"\r\n")
    blocks: list[tuple[int, int]] = []  # the first and last line of each VEVENT
    start = -1
    for n, line in enumerate(lines):
        upper = line.upper()
        if upper == b"BEGIN:VEVENT":
            start = n
        elif upper == b"END:VEVENT" and start >= 0:
            blocks.append((start, n))
            start = -1
    defined = {  # the time zones the file defines (VTIMEZONE): icalendar's to read
        line.split(b":", 1)[-1].strip().decode("utf-8", "replace").casefold()
        for line in lines
        if _name(line) == b"TZID"
    }
    uids = [_uid(_own(lines[a + 1 : b])) for a, b in blocks]
    if None in uids:  # which events make a series is then icalendar's to tell
        return [None] * len(blocks), data
    series = {
        uid
        for (a, b), uid in zip(blocks, uids, strict=True)
        if any(_name(line) in _SERIES for line in _own(lines[a + 1 : b]))
    }
    events: list[Event | None] = []
    rest: list[bytes] = []
    done = 0
    for (a, b), uid in zip(blocks, uids, strict=True):
        event = None if uid in series else _event(lines[a + 1 : b], defined)
        events.append(event)
        if event is not None:
            rest += lines[done:a]
            done = b + 1
    rest += lines[done:]
    return events, b"\r\n".join(rest)


def _name(line: bytes) -> bytes:
    return line.split(b":", 1)[0].split(b";", 1)[0].strip().upper()


def _own(lines: list[bytes]) -> list[bytes]:
    """An event's own lines, not those of its alarms (Apple gives an alarm a UID too)."""
    own, depth = [], 0
    for line in lines:
        name = _name(line)
        if name == b"BEGIN":
            depth += 1
        elif name == b"END":
            depth -= 1
        elif not depth:
            own.append(line)
    return own


def _uid(lines: list[bytes]) -> str | None:
    """An event's UID as icalendar reads it (``""``: none); ``None``: not plain text."""
    found = [line for line in lines if _name(line) == b"UID"]
    if len(found) > 1 or any(
        line[3:4] != b":" or b"\\" in line or not line.isascii() for line in found
    ):
        return None
    return found[0][4:].decode("ascii") if found else ""


def _event(lines: list[bytes], defined: set[str]) -> Event | None:
    """One event's properties, read as icalendar reads them; ``None`` if it is not simple."""
    event: Event = {}
    attendees: list[Address] = []
    depth = 0  # inside an alarm (or another component) of the event
    for raw in lines:
        match = _LINE.fullmatch(raw)
        if match is None:
            return None
        name = match[1].upper()
        if name in (b"BEGIN", b"END"):
            depth += 1 if name == b"BEGIN" else -1
            continue
        if depth:
            continue
        try:
            text, value = match[2].decode("utf-8"), match[3].decode("utf-8")
        except UnicodeDecodeError:
            return None
        key = name.decode("ascii")
        params = _params(text)
        if params is None or "\\" in value or (key in _ONCE and key in event):
            return None
        if key == "ATTENDEE" or key == "ORGANIZER":
            address = Address(value)
            address.params = params
            if key == "ATTENDEE":
                attendees.append(address)
            else:
                event[key] = address
        elif key == "DTSTART":
            start = _start(params, value, defined)
            if start is None:
                return None
            event[key] = start
        elif key in ("UID", "STATUS") and not params:
            event[key] = value
        else:
            return None
    if depth:
        return None
    if attendees:
        event["ATTENDEE"] = attendees
    return event


def _params(text: str) -> dict[str, str] | None:
    """Parameters by upper-case name, unquoted; ``None`` for any that icalendar would read
    otherwise (given twice, escaped with ``^`` or ``\\``)."""
    params: dict[str, str] = {}
    for name, value in _PARAMETER.findall(text):
        key = name.upper()
        if key in params or "^" in value or "\\" in value:
            return None
        params[key] = value[1:-1] if value.startswith('"') else value
    return params


def _start(params: dict[str, str], value: str, defined: set[str]) -> Start | None:
    """A DTSTART in UTC, floating, in a named zone the file does not define, or a date."""
    zone: dt.tzinfo | None = None
    kind = params.pop("VALUE", None)
    if "TZID" in params:
        name = params.pop("TZID")
        if name.casefold() in defined:
            return None
        zone = _zone(name)
        if zone is None:
            return None
    if params:
        return None
    try:
        if kind in (None, "DATE-TIME") and (m := _DATE_TIME.fullmatch(value)):
            if m[7] and zone is not None:
                return None
            parts = [int(x) for x in m.groups()[:6]]
            return Start(dt.datetime(*parts, tzinfo=dt.UTC if m[7] else zone))  # type: ignore[misc]
        if kind in (None, "DATE") and zone is None and (m := _DATE.fullmatch(value)):
            return Start(dt.date(int(m[1]), int(m[2]), int(m[3])))
    except ValueError:
        return None
    return None


@cache
def _zone(name: str) -> dt.tzinfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
