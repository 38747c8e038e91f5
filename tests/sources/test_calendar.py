"""Tests for graphwarm.sources.calendar: one fixture per case in tests/fixtures/calendar
(written by its make_fixtures.py), read at as_of 2026-11-01."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import FIXTURES

from graphwarm.errors import InputError
from graphwarm.sources.calendar import CalendarReader
from graphwarm.sources.records import InteractionRecord

CALENDAR = FIXTURES / "calendar"
AS_OF = dt.date(2026, 11, 1)


def read(*paths: Path, addresses: tuple[str, ...] = (), **options: int) -> CalendarReader:
    reader = CalendarReader(list(paths), as_of=AS_OF, **options)
    reader.read(addresses, (), "Karin Lund")
    return reader


def met(reader: CalendarReader) -> dict[str, InteractionRecord]:
    return {rec.b.email or "": rec for rec in reader.records()}


def test_google_calendar_meetings_series_and_skips() -> None:
    reader = read(CALENDAR / "google.ics")
    found = met(reader)
    mikko = found["mikko.virtanen@koskimaa.fi"]
    # Stockholm time, UTC (a room does not count), and one where Sigrid declined
    assert (mikko.b.name, mikko.meetings) == ("Mikko Virtanen", 3)
    assert (mikko.first_meeting, mikko.last_meeting) == ("2026-10-06", "2026-10-14")
    asa = found["asa.oberg@nordvik.se"]
    # weekly, ten times: one dropped by EXDATE, one moved a day, the tenth after as_of
    assert (asa.b.name, asa.meetings) == ("Åsa Öberg", 8)
    assert (asa.first_meeting, asa.last_meeting) == ("2026-09-01", "2026-10-27")
    assert "sigrid.dahl@gmail.com" not in found  # she declined
    assert "room7@nordvik.se" not in found
    assert dict(reader.skip_counts) == {
        "all-day event": 1,
        "no other attendees": 1,
        "more than 8 attendees": 1,
        "cancelled": 1,
        "declined by the member": 1,
    }
    assert (reader.rows_read, reader.rows_imported) == (16, 11)
    assert "google.ics: 1 events after 2026-11-01 (as_of) not counted" in reader.notes


def test_a_meeting_of_max_attendees_counts_and_one_more_does_not() -> None:
    assert met(read(CALENDAR / "google.ics", max_attendees=9))["p8@koskimaa.fi"].meetings == 1


def test_a_series_counts_its_latest_meetings_up_to_the_cap() -> None:
    reader = read(CALENDAR / "daily_series.ics")
    mikko = met(reader)["mikko.virtanen@koskimaa.fi"]
    assert (mikko.meetings, mikko.last_meeting) == (200, "2026-11-01")
    assert mikko.first_meeting == "2026-04-16"  # 200 days back from as_of
    assert dict(reader.skip_counts) == {"beyond 200 meetings of one recurring series": 105}
    assert (
        met(read(CALENDAR / "daily_series.ics", max_occurrences=1000))[
            "mikko.virtanen@koskimaa.fi"
        ].meetings
        == (AS_OF - dt.date(2026, 1, 1)).days + 1
    )


def test_outlook_time_zones_and_floating_times_keep_the_day_as_written() -> None:
    mikko = met(read(CALENDAR / "outlook.ics"))["mikko.virtanen@koskimaa.fi"]
    assert (mikko.meetings, mikko.first_meeting, mikko.last_meeting) == (
        2,
        "2026-10-06",
        "2026-10-08",
    )


def test_a_name_with_a_comma_is_read_whole_quoted_or_not() -> None:
    # icalendar splits an unquoted CN=Virtanen, Mikko at its comma into a list
    found = met(read(CALENDAR / "comma_names.ics"))
    assert found["mikko.virtanen@koskimaa.fi"].b.name == "Virtanen, Mikko"
    assert found["sigrid.dahl@gmail.com"].b.name == "Dahl, Sigrid"


def test_a_calendar_whose_owner_cannot_be_told_asks_for_the_address() -> None:
    with pytest.raises(InputError, match="cannot tell which address is the member's"):
        read(CALENDAR / "no_owner.ics")
    given = read(CALENDAR / "no_owner.ics", addresses=("mikko.virtanen@koskimaa.fi",))
    assert list(met(given)) == ["sigrid.dahl@gmail.com"]
    assert dict(given.skip_counts) == {"the member is not on it": 2}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no_events.ics", "has no events. export the calendar with its events"),
        (
            "broken.ics",
            "is not a valid calendar (Found no components where exactly one is required). "
            "export it again; if it still fails, import the other calendars",
        ),
        (
            "not_calendar.ics",
            "is not a calendar: an .ics file starts with BEGIN:VCALENDAR. export the calendar "
            "as .ics (Google: Settings → Import & export)",
        ),
    ],
)
def test_bad_calendars_are_refused(name: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        read(CALENDAR / name)
    assert str(info.value) == f"{CALENDAR / name}: {message}"


def test_an_event_with_a_property_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:s1\r\nDTSTART:20261006T100000Z\r\n"
        "RRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:s1\r\n"
        "DTSTART:20261007T110000Z\r\nRECURRENCE-ID:20261007T100000Z\r\n"
        "RECURRENCE-ID:20261007T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(InputError, match=r"twice\.ics: has an event that cannot be read"):
        read(path)


def test_a_folder_reads_its_ics_files(tmp_path: Path) -> None:
    (tmp_path / "work.ics").write_bytes((CALENDAR / "outlook.ics").read_bytes())
    (tmp_path / "notes.txt").write_text("x")
    assert met(read(tmp_path))["mikko.virtanen@koskimaa.fi"].meetings == 2
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"has no \.ics files"):
        CalendarReader([tmp_path / "empty"], as_of=AS_OF)


def test_an_events_text_is_cut_before_icalendar_parses_the_file() -> None:
    from graphwarm.sources.calendar import _cut_down

    text = _cut_down(CALENDAR / "google.ics", 8)
    for unread in (b"Secret plans", b"Not to be read", b"Room 7\r", b"LOCATION", b"SUMMARY"):
        assert unread not in text
    assert b"ATTENDEE;CN=Mikko Virtanen;PARTSTAT=ACCEPTED:mailto:mikko" in text  # unfolded
    assert b"TZID:Europe/Stockholm" in text  # everything outside the events stays
    assert b"p8@koskimaa.fi" in text  # eight attendees and the organizer: a crowd of nine
    assert b"p8@koskimaa.fi" not in _cut_down(CALENDAR / "google.ics", 6)  # 7 show it
