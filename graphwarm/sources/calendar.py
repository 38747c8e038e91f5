"""Reading a member's calendar: who met whom and when, from the events' dates and attendees.

``.ics`` files (RFC 5545) from Google (Takeout writes one per calendar), Outlook or Apple,
parsed by ``icalendar`` (plain single events, most of a calendar, by :mod:`._ics_simple`,
faster); recurring series are expanded up to ``as_of`` by ``recurring-ical-events`` (which
also honours Google's ``X-WR-TIMEZONE``), with at most ``max_occurrences`` meetings counted
per series. A past meeting with at most ``max_attendees`` people counts as one meeting
between the member and each other attendee who did not decline. Only dates and attendees'
addresses and names are read: never an event's title, description or place
(:class:`~graphwarm.sources.records.InteractionRecord` has no room for them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..identity import email_key
from ._ics_simple import Event, split_simple
from ._owner import member_addresses
from .records import InteractionRecord, PersonRecord

__all__ = ["CalendarReader"]

_CANCELLED = "cancelled"
_ALL_DAY = "all-day event"
_ALONE = "no other attendees"
_CROWD = "more than {max_attendees} attendees"
_DECLINED = "declined by the member"
_NOT_MEMBER = "the member is not on it"
_CAP = "beyond {max_occurrences} meetings of one recurring series"
_ROOMS = ("RESOURCE", "ROOM")  # CUTYPE of an attendee that is a room or a projector, not a person
_first = itemgetter(0)
# Of an event only these lines are kept (BEGIN and END keep the structure): its title,
# description, place, links, alarms and the rest are dropped before icalendar parses the file,
# so they are never read (and icalendar is spared most of its work). Lines are unfolded first.
_EVENT_LINES = frozenset(
    [
        b"BEGIN",
        b"END",
        b"UID",
        b"DTSTART",
        b"STATUS",
        b"ORGANIZER",
        b"ATTENDEE",
        b"RRULE",
        b"RDATE",
        b"EXDATE",
        b"EXRULE",
        b"RECURRENCE-ID",
    ]
)
_FOLD = re.compile(rb"\r?\n[ \t]")
_ROOM = re.compile(rb";CUTYPE=(?:ROOM|RESOURCE)[;:]", re.IGNORECASE)
_NAME = re.compile(rb"[^;:]*")
# Parameters of ORGANIZER and ATTENDEE that are not read (only CN, PARTSTAT and CUTYPE are),
# dropped with the rest: Google writes five or six on every attendee.
_UNREAD_PARAMETER = re.compile(
    rb";(?:ROLE|RSVP|X-NUM-GUESTS|X-RESPONSE-COMMENT|SCHEDULE-STATUS|LANGUAGE|SENT-BY|DIR"
    rb"|EMAIL|DELEGATED-TO|DELEGATED-FROM|MEMBER)=(?:\"[^\"]*\"|[^;:\"]*)(?=[;:])",
    re.IGNORECASE,
)


class CalendarReader:
    """One member's calendars (``.ics`` files, or folders of them) up to ``as_of``.

    ``sha256`` is known on construction; :meth:`read` expands and counts the events, and
    :meth:`records` then gives one record per person the member met.
    """

    def __init__(
        self,
        paths: Sequence[str | Path],
        *,
        as_of: dt.date,
        max_attendees: int = 8,
        max_occurrences: int = 200,
    ) -> None:
        if not paths:
            raise InputError("no calendar given", hint="name one or more .ics files")
        self.name = ", ".join(str(p) for p in paths)
        self.files = _ics_files([Path(p) for p in paths])
        self.as_of = as_of
        self.max_attendees = max_attendees
        self.max_occurrences = max_occurrences
        digest = hashlib.sha256()
        for path in self.files:
            digest.update(path.name.encode("utf-8", "surrogateescape") + b"\0")
            digest.update(path.read_bytes())
        self.sha256 = digest.hexdigest()
        self.rows_read = 0
        self.rows_imported = 0
        self.skip_counts: Counter[str] = Counter()
        self.notes: list[str] = []
        self.owners: set[str] = set()
        # one entry per occurrence that may count: (day, series uid, attendees and their say)
        self._events: list[tuple[int, str, dict[str, str]]] = []
        self._names: dict[str, str | None] = {}
        self._calendar_names: set[str] = set()
        self._records: list[InteractionRecord] = []  # what read() found

    def read(
        self, addresses: Iterable[str] = (), known: Iterable[str] = (), member: str = ""
    ) -> None:
        """Parse and expand every calendar, then work out the member's own addresses
        (as :func:`~graphwarm.sources._owner.member_addresses` does, a calendar named by an
        address being its owner's). Raises :class:`InputError` for a file that is not a
        calendar, or has no events."""
        for path in self.files:
            part = _read_calendar(path, self.as_of, self.max_attendees)
            if not part.found:
                raise InputError(
                    "has no events", file=path, hint="export the calendar with its events"
                )
            self.rows_read += part.rows_read
            self._events += part.events
            self.skip_counts.update(part.skips)
            for address, name in part.names.items():
                if name or address not in self._names:
                    self._names[address] = name
            if part.calendar_name:
                self._calendar_names.add(part.calendar_name)
            if part.later:
                self.notes.append(
                    f"{path.name}: {part.later:,} events after {self.as_of} (as_of) not counted"
                )
        self.owners, note = self._owners(addresses, known, member)
        if note:
            self.notes.append(note)
        self._records = list(self._tally())

    def _owners(
        self, given: Iterable[str], known: Iterable[str], member: str
    ) -> tuple[set[str], str | None]:
        if not self._events and not any(map(email_key, given)):
            return set(), None
        on: Counter[str] = Counter()
        for _, _, people in self._events:
            on.update(people.keys())
        return member_addresses(
            given=given,
            known=known,
            member=member,
            names=self._names,
            on=on,
            total=len(self._events),
            own=self._calendar_names,
            own_how="the calendar's own name",
            own_none="no calendar is named by an address",
            unit="events",
            file=self.name,
        )

    def records(self) -> Iterator[InteractionRecord]:
        """One record per person the member met, the most recently met first (a series
        beyond its cap keeps its latest meetings)."""
        return iter(self._records)

    def _tally(self) -> Iterator[InteractionRecord]:
        """The records, counting the messages or events that count and those skipped."""
        owners = self.owners
        met: dict[str, list[int]] = {}  # address → [meetings, first day, last day]
        series: Counter[str] = Counter()
        skip = self.skip_counts
        for day, uid, people in sorted(self._events, key=_first, reverse=True):
            mine = [people[a] for a in owners if a in people]
            if not mine:
                skip[_NOT_MEMBER] += 1
                continue
            if all(s == "DECLINED" for s in mine):
                skip[_DECLINED] += 1
                continue
            others = [a for a, s in people.items() if a not in owners and s != "DECLINED"]
            if not others:
                skip[_ALONE] += 1
                continue
            if uid:
                series[uid] += 1
                if series[uid] > self.max_occurrences:
                    skip[_CAP.format(max_occurrences=self.max_occurrences)] += 1
                    continue
            self.rows_imported += 1
            for address in others:
                seen = met.setdefault(address, [0, day, day])
                seen[0] += 1
                seen[1], seen[2] = min(seen[1], day), max(seen[2], day)
        for address, (meetings, first, last) in met.items():
            yield InteractionRecord(
                b=PersonRecord(name=self._names.get(address), email=address),
                meetings=meetings,
                first_meeting=dt.date.fromordinal(first).isoformat(),
                last_meeting=dt.date.fromordinal(last).isoformat(),
            )


@dataclass
class _Part:
    """What one calendar file holds, up to ``as_of``: filled by :meth:`occurrences`."""

    as_of: dt.date
    max_attendees: int
    found: int = 0  # VEVENTs in the file
    rows_read: int = 0
    later: int = 0
    events: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)
    names: dict[str, str | None] = field(default_factory=dict)
    skips: Counter[str] = field(default_factory=Counter)
    calendar_name: str | None = None

    def occurrences(self, calendar: Any, simple: list[Event | None] | None = None) -> None:
        """Take every occurrence up to ``as_of``: a series's through
        ``recurring-ical-events`` (rules, moved and dropped dates), a single event's straight
        from its start (as the library would, in Google's ``X-WR-TIMEZONE`` when the file
        names one: fast). ``simple``: the events in file order that were read without
        icalendar, ``None`` where ``calendar`` holds the event."""
        import icalendar
        import recurring_ical_events

        events = calendar.walk("VEVENT")
        if simple is not None:
            parsed = iter(events)
            events = [next(parsed) if e is None else e for e in simple]
        self.found = len(events)
        self.calendar_name = email_key(str(calendar.get("X-WR-CALNAME", "")))
        last = self.as_of.toordinal()
        series = {
            str(e.get("UID", ""))
            for e in events
            if "RRULE" in e or "RDATE" in e or "RECURRENCE-ID" in e
        }
        zone = _zone(calendar.get("X-WR-TIMEZONE"))
        recurring = icalendar.Calendar()
        for key, value in calendar.items():
            recurring.add(key, value)
        for timezone in calendar.walk("VTIMEZONE"):
            recurring.add_component(timezone)
        for event in events:
            if str(event.get("UID", "")) in series:
                recurring.add_component(event)
            elif _day(event.get("DTSTART"), zone) > last:
                self.later += 1
            else:
                self.rows_read += 1
                self.take(event, zone)
        if series:
            end = dt.datetime.combine(self.as_of + dt.timedelta(days=1), dt.time())
            query = recurring_ical_events.of(recurring, skip_bad_series=True)
            for event in query.between(dt.datetime(1970, 1, 1), end):
                self.rows_read += 1
                self.take(event, None)  # the library has put it in X-WR-TIMEZONE already

    def take(self, event: Any, zone: dt.tzinfo | None) -> None:
        """Keep one occurrence that may be a meeting, or count why it is not."""
        skip = self.skips
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            skip[_CANCELLED] += 1
            return
        start = event.get("DTSTART")
        if start is None or not isinstance(start.dt, dt.datetime):
            skip[_ALL_DAY] += 1
            return
        people: dict[str, str] = {}  # address → PARTSTAT
        organizer = event.get("ORGANIZER")
        for attendee in [organizer] if organizer is not None else []:
            self.person(attendee, people, "ACCEPTED")
        attendees = event.get("ATTENDEE", [])
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            if str(attendee.params.get("CUTYPE", "")).upper() not in _ROOMS:
                self.person(attendee, people, None)
        if len(people) < 2:
            skip[_ALONE] += 1
            return
        if len(people) > self.max_attendees:
            skip[_CROWD.format(max_attendees=self.max_attendees)] += 1
            return
        self.events.append((_day(start, zone), str(event.get("UID", "")), people))

    def person(self, value: Any, people: dict[str, str], status: str | None) -> None:
        """Note one ORGANIZER or ATTENDEE: address, display name, and whether they go (an
        organizer listed as an attendee too says it there)."""
        address = email_key(str(value))
        if address is None:
            return
        name = value.params.get("CN", "")
        if isinstance(name, list):  # CN=Ahl, Lina unquoted: icalendar splits it at the comma
            name = ",".join(name)
        name = " ".join(str(name).strip('"').split())
        if "@" in name or not name:
            name = ""
        if name or address not in self.names:
            self.names[address] = name or self.names.get(address)
        people[address] = status or str(value.params.get("PARTSTAT", "NEEDS-ACTION")).upper()


def _read_calendar(path: Path, as_of: dt.date, max_attendees: int, *, fast: bool = True) -> _Part:
    """Parse one calendar file and take its occurrences; ``fast``: its simple events without
    icalendar (the tests compare both ways)."""
    data = _cut_down(path, max_attendees)
    simple, rest = split_simple(data) if fast else (None, data)
    calendar = _parse(rest, path)
    if simple is not None and len(calendar.walk("VEVENT")) != simple.count(None):
        simple, calendar = None, _parse(data, path)  # events split otherwise: all to icalendar
    part = _Part(as_of, max_attendees)
    try:
        part.occurrences(calendar, simple)
    except (ValueError, TypeError, KeyError, AttributeError) as err:  # a property given twice
        raise InputError(f"has an event that cannot be read ({err})", file=path) from err
    return part


def _parse(data: bytes, path: Path) -> Any:
    """icalendar's reading of a calendar."""
    import icalendar

    try:
        return icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as err:
        raise InputError(
            f"is not a valid calendar ({str(err).split(':', 1)[0]})",
            file=path,
            hint="export it again; if it still fails, import the other calendars",
        ) from err


def _ics_files(paths: list[Path]) -> list[Path]:
    """The ``.ics`` files given, a folder giving those inside it (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() == ".ics")
            if not found:
                raise InputError("has no .ics files", file=path, hint="export the calendar")
            files += found
        elif not path.is_file():
            raise InputError("no such file", file=path)
        else:
            files.append(path)
    return files


def _cut_down(path: Path, max_attendees: int) -> bytes:
    """The calendar with each event cut down to :data:`_EVENT_LINES`, and a crowd's
    attendees to the first ``max_attendees + 1`` addresses (enough to skip it as a crowd, as
    all of them would: an all-hands of 300 need not be parsed); InputError for a file that is
    not a calendar."""
    data = _FOLD.sub(b"", path.read_bytes())
    if not data.lstrip(b"\xef\xbb\xbf \r\n\t").upper().startswith(b"BEGIN:VCALENDAR"):
        raise InputError(
            "is not a calendar: an .ics file starts with BEGIN:VCALENDAR",
            file=path,
            hint="export the calendar as .ics (Google: Settings → Import & export)",
        )
    kept = []
    in_event = False
    attendees: set[bytes] = set()  # the addresses of the event's people kept so far
    for line in data.splitlines():
        name = _NAME.match(line).group(0).strip().upper()  # type: ignore[union-attr]
        if name in (b"BEGIN", b"END") and line[len(name) + 1 :].strip().upper() == b"VEVENT":
            in_event = name == b"BEGIN"
            attendees = set()
        elif in_event and name not in _EVENT_LINES:
            continue
        elif name in (b"ATTENDEE", b"ORGANIZER"):
            address = line.rsplit(b":", 1)[-1].strip().lower()
            if name == b"ATTENDEE" and not _ROOM.search(line) and address not in attendees:
                if len(attendees) > max_attendees:
                    continue
                attendees.add(address)
            line = _UNREAD_PARAMETER.sub(b"", line)
        kept.append(line)
    return b"\r\n".join([*kept, b""])


def _zone(name: object) -> dt.tzinfo | None:
    """Google's ``X-WR-TIMEZONE``: the zone its UTC and floating times are meant in."""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _day(start: Any, zone: dt.tzinfo | None) -> int:
    """The day an event starts, as a date ordinal: in its own time zone, or in ``zone`` for
    UTC and floating times (``X-WR-TIMEZONE``)."""
    value = getattr(start, "dt", start)
    if isinstance(value, dt.datetime):
        if zone is not None and (value.tzinfo is None or value.utcoffset() == dt.timedelta(0)):
            value = value.replace(tzinfo=value.tzinfo or zone).astimezone(zone)
        value = value.date()
    return value.toordinal() if isinstance(value, dt.date) else 0
