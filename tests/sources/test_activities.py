"""Tests for graphwarm.sources.activities: CRM activity exports read into activities."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import LINKEDIN
from hypothesis import given
from hypothesis import strategies as st

from graphwarm import InputError
from graphwarm.sources.activities import ActivitiesReader, parse_party
from graphwarm.sources.records import PersonRecord

ACTIVITIES = LINKEDIN.parent / "activities"
AS_OF = dt.date(2026, 12, 1)


def _read(name: str, **options) -> tuple[ActivitiesReader, list]:
    reader = ActivitiesReader(ACTIVITIES / name, as_of=AS_OF, **options)
    return reader, list(reader)


@pytest.mark.parametrize(
    ("text", "person"),
    [
        (
            "Per Moberg (per.moberg@example.com)",
            PersonRecord("Per Moberg", None, "per.moberg@example.com"),
        ),
        (
            '"Per Moberg" <Per.Moberg@Example.com>',
            PersonRecord("Per Moberg", None, "per.moberg@example.com"),
        ),
        ("per.moberg@example.com", PersonRecord(None, None, "per.moberg@example.com")),
        ("  Per   Moberg ", PersonRecord("Per Moberg")),
        ("Moberg (Sales)", PersonRecord("Moberg (Sales)")),  # no address in the brackets
        ("", None),
    ],
)
def test_parse_party_reads_the_forms_crms_write(text: str, person: PersonRecord | None) -> None:
    assert parse_party(text) == person


_NAMES = st.text(st.characters(categories=("L",)), min_size=1, max_size=12)


@given(first=_NAMES, last=_NAMES, local=st.from_regex(r"[a-z][a-z0-9.]{0,10}[a-z]", fullmatch=True))
def test_parse_party_keeps_name_and_address_apart(first: str, last: str, local: str) -> None:
    person = parse_party(f"{first} {last} ({local}@example.com)")
    assert person == PersonRecord(f"{first} {last}", None, f"{local}@example.com")


def test_hubspot_ui_export_types_directions_and_call_outcomes() -> None:
    reader, rows = _read("hubspot-activities.csv")
    assert [(a.line, a.type, a.incoming, a.day) for a in rows] == [
        (2, "email", True, "2026-11-02"),
        (3, "email", False, "2026-11-03"),
        (4, "meeting", False, "2026-11-10"),
        (5, "call", False, "2026-11-12"),
    ]
    assert [c.name for c in rows[2].contacts] == ["Per Moberg", "Åsa Öberg"]
    assert reader.skipped == [
        (6, "call not answered (No answer)"),
        (7, "type 'Note' is not an e-mail, meeting or call"),
    ]
    records = list(rows[2].records())
    assert [(r.meetings, r.first_meeting, r.mails_ab) for r in records] == [
        (1, "2026-11-10", 0),
        (1, "2026-11-10", 0),
    ]
    (incoming,) = rows[0].records()
    assert (incoming.mails_ab, incoming.mails_ba, incoming.last_mail) == (0, 1, "2026-11-02")


def test_unix_milliseconds_and_type_given_for_the_whole_file() -> None:
    reader, rows = _read("hubspot-emails-api.csv", activity_type="email")
    assert [(a.day, a.type, a.incoming) for a in rows] == [
        ("2025-11-02", "email", False),
        ("2025-11-03", "email", False),
    ]
    assert reader.notes == [
        "2 e-mails without a direction: counted as sent by their owner (name the column with"
        " --column direction=HEADER if the file has one)"
    ]


def test_type_given_over_a_type_column_is_said() -> None:
    reader, rows = _read("owner-not-member.csv", activity_type="meeting")
    assert {a.type for a in rows} == {"meeting"}
    assert reader.notes == [
        "every row read as a meeting (--type): 'Activity type' (column 1) not read"
    ]


def test_an_e_mail_direction_neither_in_nor_out_is_refused() -> None:
    reader, rows = _read("odd-direction.csv")
    assert reader.skipped == [(2, "e-mail direction 'Sideways' is not in or out")]
    assert [(a.line, a.incoming) for a in rows] == [(3, False)]
    assert reader.notes[0].startswith("1 e-mail without a direction: counted as sent")


def test_bad_dates_are_refused_row_by_row_and_the_order_is_learned() -> None:
    reader, rows = _read("bad-dates.csv")
    assert [a.day for a in rows] == ["2026-10-13", "2026-10-05"]
    assert [line for line, _ in reader.skipped] == [4, 5, 6]
    assert reader.notes == [
        "dates (Activity date) read as day/month (from 2 unambiguous rows)",
        "1 of 4 dates (Activity date) could not be read, e.g. line 4: 'next tuesday'; their rows"
        " are skipped",
    ]


def test_a_file_without_owner_or_date_is_no_activity_export() -> None:
    with pytest.raises(InputError) as info:
        _read("wrong-file.csv")
    assert info.value.line == 1
    assert ", line 1: is not an activity export: no owner and no date column (found: First" in (
        str(info.value)
    )


def test_an_unknown_type_option_is_refused() -> None:
    with pytest.raises(InputError, match="--type note: not a type of activity"):
        _read("hubspot-activities.csv", activity_type="note")
