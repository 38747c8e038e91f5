"""Tests for graphwarm.sources._ics_simple: the calendar reader's fast way for plain events
gives what icalendar's way gives, for every calendar fixture and for generated calendars."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from helpers import FIXTURES
from hypothesis import example, given, settings, target
from hypothesis import strategies as st

from graphwarm.errors import InputError
from graphwarm.sources._ics_simple import split_simple
from graphwarm.sources.calendar import _cut_down, _read_calendar

AS_OF = dt.date(2026, 11, 1)
_FIELDS = ("found", "rows_read", "later", "events", "skips", "calendar_name")


def both_ways(path: Path, max_attendees: int = 8) -> tuple[object, object]:
    """What the reader takes from ``path`` with the fast way and with icalendar alone (the
    error message where it refuses the file)."""
    found = []
    for fast in (True, False):
        try:
            part = _read_calendar(path, AS_OF, max_attendees, fast=fast)
        except InputError as err:
            found.append(str(err))
        else:
            seen = {name: getattr(part, name) for name in _FIELDS}
            found.append({**seen, "names": list(part.names.items())})
    return found[0], found[1]


@pytest.mark.parametrize("path", sorted((FIXTURES / "calendar").glob("*.ics")), ids=str)
def test_every_calendar_fixture_reads_alike_both_ways(path: Path) -> None:
    fast, slow = both_ways(path)
    assert fast == slow


def test_plain_events_are_read_without_icalendar_and_the_rest_left_to_it() -> None:
    path = FIXTURES / "calendar" / "google.ics"
    events, rest = split_simple(_cut_down(path, 8))
    simple = [e for e in events if e is not None]
    assert simple and len(simple) < len(events)  # the UTC one fast; the series and zoned not
    assert rest.count(b"BEGIN:VEVENT") == len(events) - len(simple)
    assert b"BEGIN:VTIMEZONE" in rest


# --- generated calendars --------------------------------------------------------------------

_ZONES = [
    "Europe/Stockholm",
    "Europe/London",
    "UTC",
    "America/New_York",
    "EST",
    "W. Europe Standard Time",
    "Mars/Olympus",
]
_VTIMEZONE = (FIXTURES / "calendar" / "google.ics").read_text().split("BEGIN:VEVENT")[0]
_VTIMEZONE = "BEGIN:VTIMEZONE" + _VTIMEZONE.split("BEGIN:VTIMEZONE", 1)[1]
_day = st.sampled_from(["20261006", "20261031", "20261101", "20261102"])
_time = st.sampled_from(["000000", "003000", "120000", "233000"])
_zone = st.sampled_from(_ZONES[:5])
# Mostly plain (the fast way's), sometimes odd (icalendar's): each odd one once among plain.
_start = st.one_of(
    st.builds("DTSTART:{}T{}Z".format, _day, _time),
    st.builds("DTSTART:{}T{}".format, _day, _time),
    st.builds("DTSTART;TZID={}:{}T{}".format, _zone, _day, _time),
    st.builds("DTSTART;VALUE=DATE:{}".format, _day),
    st.builds("DTSTART:{}".format, _day),
    st.builds("dtstart;value=date-time:{}T{}".format, _day, _time),
    st.builds("DTSTART;TZID={}:{}T{}".format, _zone, _day, _time),
    st.sampled_from(
        [
            "",
            "DTSTART:20261301T100000Z",
            "DTSTART:20261006T246000",
            'DTSTART;TZID="Europe/London":20261101T003000',
            "DTSTART;TZID=Europe/London:20261101T003000Z",
            "DTSTART;TZID=W. Europe Standard Time:20261101T003000",
            "DTSTART;TZID=Mars/Olympus:20261101T003000",
            "DTSTART;VALUE=DATE:20261101T003000",
        ]
    ),
)
_PLAIN_NAMES = ["", ";CN=Mikko Virtanen", ';CN="Ahl, Lina"', ";CN=Åsa Öberg", ";CN=x@y.se"]
_ODD_NAMES = [";CN=Ahl, Lina", ';CN="a^\'b"', ";CN=a\\,b", ';CN=""', ";CN=Mikko;CN=Virtanen"]
_names = st.sampled_from(_PLAIN_NAMES * 12 + _ODD_NAMES)
_say = st.sampled_from(["", ";PARTSTAT=ACCEPTED", ";PARTSTAT=declined", ";PARTSTAT=DECLINED"])
_kind = st.sampled_from(["", "", ";CUTYPE=ROOM", ";CUTYPE=resource", ";CUTYPE=INDIVIDUAL"])
_address = st.sampled_from(
    [
        "mailto:karin.lund@nordvik.se",
        "MAILTO:Karin.Lund@nordvik.se",
        "mailto:mikko.virtanen@koskimaa.fi",
        "mailto:asa.oberg@nordvik.se",
        "mailto:room7@nordvik.se",
        "not an address",
    ]
)
_person = st.builds("{}{}{}:{}".format, _names, _say, _kind, _address)
_extra = st.sampled_from(
    [
        "RRULE:FREQ=DAILY;COUNT=3",
        "RECURRENCE-ID:20261007T100000Z",
        "EXDATE:20261008T100000Z",
        "BEGIN:VALARM\r\nUID:alarm-1\r\nATTENDEE:mailto:alarm@nordvik.se\r\nEND:VALARM",
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM",
        "SUMMARY:not read",
        "ORGANIZER:mailto:sigrid.dahl@gmail.com",
        "STATUS:TENTATIVE",
    ]
)
_event = st.builds(
    lambda uid, start, status, organizer, attendees, extras: "\r\n".join(
        line
        for line in [
            "BEGIN:VEVENT",
            uid,
            start,
            status,
            f"ORGANIZER{organizer}" if organizer else "",
            *(f"ATTENDEE{a}" for a in attendees),
            *extras,
            "END:VEVENT",
        ]
        if line
    ),
    st.sampled_from(
        ["", "UID:e1", "UID:e2", "UID:e3", "uid:e4"] * 12 + ["UID:a\\,b", "UID;X=1:e2"]
    ),
    _start,
    st.sampled_from(["", "STATUS:CONFIRMED", "STATUS:cancelled"] * 3 + ["STATUS:CAN\\,CELLED"]),
    st.one_of(st.just(""), _person),
    st.lists(_person, max_size=10),
    st.one_of(*[st.just([])] * 4, st.lists(_extra, min_size=1, max_size=2)),
)
_calendar = st.builds(
    lambda head, zone, events: "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", *head, *zone, *events, "END:VCALENDAR", ""]
    ),
    st.lists(
        st.sampled_from(
            [
                "X-WR-CALNAME:karin.lund@nordvik.se",
                "X-WR-TIMEZONE:Europe/Stockholm",
                "X-WR-TIMEZONE:America/New_York",
            ]
        ),
        max_size=2,
    ),
    st.sampled_from([[], [], [_VTIMEZONE.strip().replace("\n", "\r\n")]]),
    st.lists(_event, min_size=1, max_size=8),
)
_PLAIN = (  # plain meetings only, one in London in winter (UTC's offset: taken to New York)
    "BEGIN:VCALENDAR\r\nX-WR-TIMEZONE:America/New_York\r\n"
    + "".join(
        f"BEGIN:VEVENT\r\nUID:p{n}\r\nDTSTART{start}\r\n"
        "ORGANIZER;CN=Karin Lund:mailto:karin.lund@nordvik.se\r\n"
        f"ATTENDEE;CN=Mikko Virtanen;PARTSTAT=ACCEPTED:mailto:mikko{n}@koskimaa.fi\r\n"
        "END:VEVENT\r\n"
        for n, start in enumerate(
            [
                ":20261006T233000Z",
                ";TZID=Asia/Tokyo:20261007T003000",
                ":20261008",
                ";TZID=Europe/London:20261101T003000",
            ]
        )
    )
    + "END:VCALENDAR\r\n"
)


@settings(max_examples=300, deadline=None)
@given(_calendar, st.sampled_from([2, 8]))
@example(_PLAIN, 8)
def test_any_calendar_reads_alike_both_ways(text: str, max_attendees: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "calendar.ics"
        path.write_text(text, encoding="utf-8")
        fast, slow = both_ways(path, max_attendees)
        events, _ = split_simple(_cut_down(path, max_attendees))
    target(sum(e is not None for e in events), label="events read the fast way")
    assert fast == slow
