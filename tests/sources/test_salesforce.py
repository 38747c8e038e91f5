"""Tests for graphwarm.sources.salesforce: a Salesforce export's tasks and events read into
activities, their Ids looked up in User, Contact and Lead."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from helpers import LINKEDIN
from hypothesis import given, settings
from hypothesis import strategies as st

from graphwarm import InputError
from graphwarm.sources.activities import ActivitiesReader
from graphwarm.sources.salesforce import (
    SalesforceActivities,
    activities_reader,
    salesforce_files,
)

SALESFORCE = LINKEDIN.parent / "salesforce"
EXPORT = SALESFORCE / "export"
AS_OF = dt.date(2026, 12, 1)


def _read(*paths: Path, **options) -> tuple[SalesforceActivities, list]:
    files = salesforce_files(list(paths))
    assert files is not None
    reader = SalesforceActivities(files, name=str(paths[0]), as_of=AS_OF, **options)
    return reader, list(reader)


def _rows(activities: list) -> list[tuple]:
    return [
        (a.file, a.line, a.owner.name, [c.name for c in a.contacts], a.type, a.day, a.incoming)
        for a in activities
    ]


def test_an_export_folder_gives_its_done_e_mails_calls_and_held_meetings() -> None:
    reader, activities = _read(EXPORT)
    assert _rows(activities) == [
        ("Task.csv", 2, "Lina Ahl", ["Maja Lind"], "email", "2026-11-02", True),
        ("Task.csv", 3, "Lina Ahl", ["Maja Lind"], "email", "2026-11-03", False),
        ("Task.csv", 4, "Lina Ahl", ["Per Falk"], "call", "2026-11-10", False),
        ("Task.csv", 10, "Gustav Rask", ["Maja Lind"], "email", "2026-11-07", False),
        # no ActivityDate: the day it was completed; the subtype Task: its Type
        ("Task.csv", 12, "Olle Berg", ["Tove Sand"], "call", "2026-11-20", False),
        # shared with a second contact (TaskRelation.csv)
        ("Task.csv", 13, "Olle Berg", ["Anders Holm", "Maja Lind"], "email", "2026-11-21",
         False),
        # the WhoId, then EventRelation's people but the declined one, a user among them
        ("Event.csv", 2, "Lina Ahl", ["Per Falk", "Maja Lind", "Olle Berg"], "meeting",
         "2026-11-12", False),
        # the same event again for the user invited: with its contacts, not with Lina
        ("Event.csv", 2, "Olle Berg", ["Per Falk", "Maja Lind"], "meeting", "2026-11-12", False),
        ("Event.csv", 6, "Lina Ahl", ["Tove Sand"], "meeting", "2026-11-25", False),  # UTC day
    ]  # fmt: skip
    assert reader.rows_read == 20
    assert dict(reader.skip_counts) == {
        "Task.csv: call not answered (No answer)": 1,
        "Task.csv: not done (IsClosed false)": 1,
        "Task.csv: a list e-mail (one message to many)": 1,
        "Task.csv: type 'Other' is not an e-mail, call or meeting": 1,
        "Task.csv: deleted (IsDeleted)": 1,
        "Task.csv: contact or lead not in Contact.csv or Lead.csv": 1,  # a deleted contact
        "Event.csv: an invited user's copy (IsChild)": 1,
        "Event.csv: all-day event": 1,
        "Event.csv: a recurring series' own record (its occurrences are rows of their own)": 2,
        "Event.csv: no other attendees": 1,
        "after as_of (2026-12-01): not held yet": 1,
    }
    assert reader.notes == [
        "EventRelation.csv: 1 relation not counted: no user, contact or lead (a room or other"
        " resource)",
        "User.csv: 1 user no longer active in Salesforce (IsActive false): Gustav Rask",
        "Task.csv: contact or lead not in Contact.csv or Lead.csv: 1 activity, e.g. contact"
        " 0035g000001Ghos (deleted, or of another export)",
        "3 e-mails without a direction: counted as sent by their owner (EmailMessage.csv has no"
        " row for them)",
    ]


@settings(max_examples=20, deadline=None)
@given(st.randoms(use_true_random=False))
def test_the_order_of_an_export_s_rows_changes_nothing(random) -> None:
    def key(activities: list) -> list[tuple]:
        return sorted(
            (f, o, tuple(sorted(c)), t, d, i) for f, _, o, c, t, d, i in _rows(activities)
        )

    _, expected = _read(EXPORT)
    with tempfile.TemporaryDirectory() as folder:
        for file in EXPORT.iterdir():
            header, *rows = file.read_text(encoding="utf-8").splitlines(keepends=True)
            random.shuffle(rows)
            (Path(folder) / file.name).write_text(header + "".join(rows), encoding="utf-8")
        _, shuffled = _read(Path(folder))
    assert key(shuffled) == key(expected)


def test_each_user_who_attended_an_event_gets_it_again_with_its_contacts_and_leads() -> None:
    reader, activities = _read(SALESFORCE / "booked")
    assert [
        (a.line, a.owner.name, [c.name for c in a.contacts], a.invited) for a in activities
    ] == [
        # booked by Sara for Lina: Lina again, with the contact and the lead, not with Sara
        (2, "Sara Dahl", ["Per Falk", "Lina Ahl", "Tove Sand"], False),
        (2, "Lina Ahl", ["Per Falk", "Tove Sand"], True),
        (3, "Sara Dahl", ["Maja Lind"], False),  # Olle declined: no one again
        (4, "Lina Ahl", ["Per Falk", "Olle Berg", "Sara Dahl"], False),
        (4, "Olle Berg", ["Per Falk"], True),
        (4, "Sara Dahl", ["Per Falk"], True),
        (5, "Sara Dahl", ["Per Falk", "Lina Ahl", "Olle Berg"], False),
        (5, "Lina Ahl", ["Per Falk"], True),
        (5, "Olle Berg", ["Per Falk"], True),
    ]
    assert {a.day for a in activities if a.line == 2} == {"2026-11-03"}
    assert dict(reader.skip_counts) == {"Event.csv: an invited user's copy (IsChild)": 1}
    assert reader.rows_read == 5


def test_an_event_with_users_only_is_not_given_again_to_its_invited_users(
    tmp_path: Path,
) -> None:
    for file in (SALESFORCE / "booked").iterdir():
        text = file.read_text(encoding="utf-8")
        if file.name == "Event.csv":  # Lina's event with Olle and Sara, without Per Falk
            text = text.replace(
                '"0035g000001PerFAAA","0055g000004LinaAAA"', '"","0055g000004LinaAAA"'
            )
        (tmp_path / file.name).write_text(text, encoding="utf-8")
    _, activities = _read(tmp_path)
    assert [(a.owner.name, [c.name for c in a.contacts]) for a in activities if a.line == 4] == [
        ("Lina Ahl", ["Olle Berg", "Sara Dahl"])
    ]


def test_people_are_read_with_their_address_and_company() -> None:
    _, activities = _read(EXPORT)
    by_name = {c.name: c for a in activities for c in [a.owner, *a.contacts]}
    assert (by_name["Maja Lind"].email, by_name["Maja Lind"].company) == (
        "maja.lind@nordmark.se",
        "Nordmark Energi AB",  # the contact's AccountId, named in Account.csv
    )
    assert by_name["Tove Sand"].company == "Kustbanken AB"  # a lead's own Company
    assert (by_name["Olle Berg"].email, by_name["Olle Berg"].company) == (
        "olle.berg@solvik.example",
        None,  # a user: the org's name is not read as a workplace
    )


def test_a_contact_whose_account_is_not_in_account_csv_has_no_company(tmp_path: Path) -> None:
    for file in EXPORT.iterdir():
        shutil.copy(file, tmp_path / file.name)
    accounts = (EXPORT / "Account.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "Account.csv").write_text("".join(accounts[:3]), encoding="utf-8")
    reader, activities = _read(tmp_path)
    anders = next(c for a in activities for c in a.contacts if c.name == "Anders Holm")
    assert anders.company is None
    assert (
        "1 AccountId of contacts not in Account.csv (e.g. 0015g000002Kust): those contacts are"
        " imported without a company" in reader.notes
    )


def test_a_zip_and_the_loose_files_read_as_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "WE_00D5g000004abcDEAS_1.ZIP"
    with zipfile.ZipFile(archive, "w") as z:
        for file in EXPORT.iterdir():
            z.write(file, file.name)
        z.writestr("Opportunity.csv", '"Id","Name"\n"0065g000000OppAAAA","Avtal"\n')
    reader, from_zip = _read(archive)
    _, from_folder = _read(EXPORT)
    assert _rows(from_zip) == _rows(from_folder)
    loose, from_files = _read(*sorted(EXPORT.iterdir()))
    assert _rows(from_files) == _rows(from_folder)
    assert reader.sha256 == loose.sha256  # the same files, however given


def test_a_data_loader_extract_is_known_by_its_header(tmp_path: Path) -> None:
    for file, name in (
        ("Task.csv", "extract.csv"),
        ("User.csv", "users.csv"),
        ("Contact.csv", "contacts.csv"),
        ("Lead.csv", "leads.csv"),
        ("Event.csv", "events.csv"),
        ("EventRelation.csv", "attendees.csv"),
    ):
        shutil.copy(EXPORT / file, tmp_path / name)
    files = salesforce_files(sorted(tmp_path.iterdir()))
    assert files is not None
    assert {kind: Path(source.name).name for kind, source in files.items()} == {
        "task": "extract.csv",
        "user": "users.csv",
        "contact": "contacts.csv",
        "lead": "leads.csv",
        "event": "events.csv",
        "eventrelation": "attendees.csv",
    }
    reader, activities = _read(*sorted(tmp_path.iterdir()))
    assert activities[0].file == "extract.csv"
    assert "extract.csv: type 'Other' is not an e-mail, call or meeting" in reader.skip_counts


def test_a_hubspot_file_or_a_report_is_no_salesforce_export(tmp_path: Path) -> None:
    assert salesforce_files([LINKEDIN.parent / "activities" / "hubspot-activities.csv"]) is None
    assert salesforce_files([LINKEDIN.parent / "activities" / "salesforce-report.csv"]) is None
    named_like_one = tmp_path / "Event.csv"  # a HubSpot meetings file saved under that name
    shutil.copy(LINKEDIN.parent / "activities" / "hubspot-activities.csv", named_like_one)
    assert salesforce_files([named_like_one]) is None


def test_a_salesforce_report_reads_by_its_labels() -> None:
    reader = ActivitiesReader(LINKEDIN.parent / "activities" / "salesforce-report.csv", as_of=AS_OF)
    assert [(a.owner.name, a.contacts[0].name, a.type, a.day) for a in reader] == [
        ("Lina Ahl", "Maja Lind", "email", "2026-11-02"),
        ("Lina Ahl", "Per Falk", "call", "2026-11-10"),
        ("Olle Berg", "Tove Sand", "call", "2026-11-20"),  # its Lead where Contact is empty
    ]
    assert reader.skipped == [(5, "type 'Task' is not an e-mail, meeting or call")]
    assert "report footer ignored (2 lines)" in reader.notes


def test_a_report_with_localised_labels_reads_with_column_options(tmp_path: Path) -> None:
    report = (LINKEDIN.parent / "activities" / "salesforce-report.csv").read_text("utf-8")
    header = '"Tilldelad","Ämne","Uppgiftens undertyp","Datum","Kontakt","Lead","Konto",'
    swedish = tmp_path / "aktiviteter.csv"
    swedish.write_text(header + '"Samtalsresultat"\n' + report.split("\n", 1)[1], "utf-8")
    columns = {"owner": "Tilldelad", "contact": "Kontakt", "type": "Uppgiftens undertyp"}
    columns |= {"date": "Datum", "outcome": "Samtalsresultat"}
    reader = ActivitiesReader(swedish, as_of=AS_OF, columns=columns)
    assert [(a.owner.name, a.contacts[0].name, a.type, a.day) for a in reader] == [
        ("Lina Ahl", "Maja Lind", "email", "2026-11-02"),
        ("Lina Ahl", "Per Falk", "call", "2026-11-10"),
    ]
    assert reader.skipped[0] == (4, "no contact")  # --column contact= names one column: not Lead


def test_the_reader_of_the_paths_given(tmp_path: Path) -> None:
    hubspot = LINKEDIN.parent / "activities" / "hubspot-activities.csv"
    assert isinstance(activities_reader([hubspot], as_of=AS_OF), ActivitiesReader)
    export = activities_reader(sorted(EXPORT.iterdir()), as_of=AS_OF)
    assert isinstance(export, SalesforceActivities)
    assert export.name == str(EXPORT)  # several files: named by their folder
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with pytest.raises(InputError, match="2 folders or archives given, none of them a Sales"):
        activities_reader([tmp_path / "a", tmp_path / "b"], as_of=AS_OF)


def test_owners_without_user_csv_are_refused() -> None:
    with pytest.raises(InputError) as info:
        _read(EXPORT / "Task.csv", EXPORT / "Contact.csv")
    assert str(info.value) == (
        f"{EXPORT / 'Task.csv'}: names each owner by OwnerId, but no User.csv was given to look"
        " them up in. give the User.csv of the same export too, or import the whole export (its"
        " folder or .zip)"
    )


def test_contacts_without_contact_or_lead_csv_are_refused() -> None:
    with pytest.raises(InputError, match=r"names each contact by WhoId, but no Contact\.csv"):
        _read(EXPORT / "Task.csv", EXPORT / "User.csv")


def test_a_user_file_of_another_org_is_refused() -> None:
    with pytest.raises(InputError) as info:
        _read(EXPORT / "Task.csv", SALESFORCE / "other-org" / "User.csv", EXPORT / "Contact.csv")
    assert "holds none of the 3 Users the activities name (e.g. 0055g000004Gust)" in str(info.value)


def test_a_task_file_without_its_columns_is_refused() -> None:
    with pytest.raises(InputError) as info:
        _read(SALESFORCE / "wrong-columns" / "Task.csv", EXPORT / "User.csv")
    assert info.value.line == 1
    assert "Task.csv, line 1: no WhoId column (found: Id, WhatId, Subject," in str(info.value)


def test_unreadable_dates_flags_and_ids_and_unknown_owners_are_skipped_and_counted() -> None:
    reader, activities = _read(
        SALESFORCE / "bad-values" / "Task.csv", EXPORT / "User.csv", EXPORT / "Contact.csv"
    )
    assert [(a.line, a.type) for a in activities] == [(2, "email")]
    assert dict(reader.skip_counts) == {
        "Task.csv: date cannot be read (ActivityDate)": 1,
        "Task.csv: IsDeleted 'kanske' is not true or false": 1,
        "Task.csv: no date": 1,
        "Task.csv: an Id an earlier row has": 1,  # the first is read, never both as one
        "Task.csv: no Id": 1,
        "owner not in User.csv": 1,
    }
    assert "Task.csv: 1 of 5 dates (ActivityDate) could not be read, e.g. line 3: 'nästa" in (
        " ".join(reader.notes)
    )


def test_an_event_with_more_people_than_max_attendees_is_skipped() -> None:
    reader, activities = _read(EXPORT, max_attendees=4)  # the first has 5, the declined too
    assert [a.day for a in activities if a.type == "meeting"] == ["2026-11-25"]
    assert reader.skip_counts["Event.csv: more than 4 attendees"] == 1


def test_without_event_relation_an_event_counts_its_who_only(tmp_path: Path) -> None:
    for file in EXPORT.iterdir():
        if file.name != "EventRelation.csv":
            shutil.copy(file, tmp_path / file.name)
    reader, activities = _read(tmp_path)
    assert [[c.name for c in a.contacts] for a in activities if a.type == "meeting"] == [
        ["Per Falk"],
        ["Tove Sand"],
    ]
    assert "no EventRelation.csv: each event counts with its WhoId only" in reader.notes[0]


def test_an_export_without_tasks_or_events_is_refused(tmp_path: Path) -> None:
    shutil.copy(EXPORT / "User.csv", tmp_path)
    with pytest.raises(InputError, match=r"holds no Task\.csv or Event\.csv"):
        _read(tmp_path)


def test_an_export_object_without_records_is_no_error(tmp_path: Path) -> None:
    for file in EXPORT.iterdir():
        shutil.copy(file, tmp_path / file.name)
    header = (EXPORT / "Event.csv").read_text(encoding="utf-8").splitlines()[0]
    (tmp_path / "Event.csv").write_text(header + "\n", encoding="utf-8")
    reader, activities = _read(tmp_path)
    assert {a.file for a in activities} == {"Task.csv"}
    assert reader.rows_read == 12
