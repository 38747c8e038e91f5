"""Tests for graphwarm.engine.outcomes: the forecast's asks CSV filled in and read back;
idempotent, unresolved rows listed, contradictions refused with their lines."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import FIXTURES, build_team, dump

from graphwarm.engine.asks import get_ask, list_asks, move_ask, record_ask
from graphwarm.engine.outcomes import import_outcomes
from graphwarm.errors import InputError
from graphwarm.outputs.forecast import ASK_COLUMNS, forecast, forecast_csv
from graphwarm.workspace.forget import forget_person
from graphwarm.workspace.store import Workspace

ASKS = FIXTURES / "asks"
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def team(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace(build_team(tmp_path / "team")) as ws:
        yield ws


def test_the_forecast_csv_has_a_stable_ask_id_and_empty_status_columns(team: Workspace) -> None:
    text = forecast_csv(forecast(team))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(ASK_COLUMNS)
    assert ASK_COLUMNS[0] == "ask_id" and ASK_COLUMNS[-2:] == ("status", "status_date")
    assert {r["target"]: r["ask_id"] for r in rows} == {
        "Sofia Wall": "p1-2-5",
        "Eve <img src=x onerror=alert(1)> | [x](https://evil.example/)": "p1-2-8",
        "Ebba Lindgren": "c7",
        "the buyer at Ödemark Skog AB": "ca5",
        "Ørjan Ødegård": "p1-4-6",
    }
    assert all(r["status"] == r["status_date"] == "" for r in rows)
    assert forecast_csv(forecast(team)) == text  # stable


def test_a_filled_in_forecast_records_and_moves_asks_and_reimports_as_no_change(
    team: Workspace,
) -> None:
    report = import_outcomes(team, ASKS / "outcomes_filled.csv", today=TODAY)
    assert (report.rows_read, report.recorded, report.moved, report.unchanged) == (5, 4, 3, 0)
    assert report.blank == 1 and report.unresolved == []
    asks = {a.target: a for a in list_asks(team, today=TODAY)}
    sofia = asks["Sofia Wall"]
    assert (sofia.status, sofia.introduced, sofia.meeting) == ("meeting", True, True)
    assert sofia.status_on == dt.date(2026, 11, 10) and sofia.label == "internal"
    assert asks["Ebba Lindgren"].status == "no answer"  # "No answer" in the file
    assert asks["the buyer at Ödemark Skog AB"].status == "planned"
    assert asks["the buyer at Ödemark Skog AB"].created_on == TODAY
    orjan = asks["Ørjan Ødegård"]
    assert (orjan.status, orjan.introduced, orjan.meeting) == ("declined", False, None)
    before = dump(team.path)
    again = import_outcomes(team, ASKS / "outcomes_filled.csv", today=TODAY)
    assert (again.recorded, again.moved, again.unchanged) == (0, 0, 4)
    assert dump(team.path) == before


def test_rows_move_asks_already_recorded(team: Workspace) -> None:
    sofia = record_ask(team, "Sofia Wall", on=dt.date(2026, 11, 1))
    move_ask(team, sofia.id, "asked", on=dt.date(2026, 11, 2))
    report = import_outcomes(team, ASKS / "outcomes_filled.csv", today=TODAY)
    assert report.recorded == 3  # Sofia's ask was there already
    assert get_ask(team, sofia.id).status == "meeting"


def test_the_asks_csv_reads_back_by_ask_number(team: Workspace, tmp_path: Path) -> None:
    from graphwarm.engine.asks import asks_csv

    record_ask(team, "Sofia Wall", on=dt.date(2026, 11, 1))
    text = asks_csv(list_asks(team)).replace(",planned,2026-11-01,", ",introduced,2026-11-03,")
    path = tmp_path / "asks.csv"
    path.write_text(text, encoding="utf-8")
    report = import_outcomes(team, path, today=TODAY)
    assert (report.recorded, report.moved) == (0, 1)
    assert get_ask(team, 1).status == "introduced"


def test_an_excel_resave_with_semicolons_in_cp1252(team: Workspace) -> None:
    report = import_outcomes(team, ASKS / "outcomes_excel_sv.csv", today=TODAY)
    assert (report.recorded, report.moved) == (2, 2)
    assert report.notes == ["the file is not UTF-8: read as Windows-1252 (Western European)"]
    statuses = {a.target: a.status for a in list_asks(team)}
    assert statuses == {"Ørjan Ødegård": "introduced", "Ebba Lindgren": "meeting"}


def test_rows_that_do_not_resolve_are_listed_not_guessed(team: Workspace) -> None:
    record_ask(team, "Ebba Lindgren", on=dt.date(2026, 11, 1))
    report = import_outcomes(team, ASKS / "outcomes_unresolved.csv", today=TODAY)
    assert report.unresolved == [
        (2, "Nils Ny: not in the workspace any more"),
        (3, "Karl Berg: ask_id p1-2-5 names Sofia Wall now, not this target"),
        (4, "Sofia Wall: the path p1-4-5 is gone"),
        (5, "no ask 42 in the workspace"),
        (6, "'1.2' is not an ask_id"),
    ]
    assert report.moved == 1 and [a.target for a in list_asks(team)] == ["Ebba Lindgren"]


def test_an_erased_person_leaves_their_rows_unresolved(team: Workspace) -> None:
    forget_person(team, "Sofia Wall")
    report = import_outcomes(team, ASKS / "outcomes_filled.csv", today=TODAY)
    assert report.unresolved == [(2, "Sofia Wall: not in the workspace any more")]


def test_contradictory_rows_are_an_error_naming_the_lines(team: Workspace) -> None:
    before = dump(team.path)
    with pytest.raises(InputError) as err:
        import_outcomes(team, ASKS / "outcomes_contradictory.csv", today=TODAY)
    assert str(err.value) == (
        f"{ASKS / 'outcomes_contradictory.csv'}, line 2: rows contradict each other: ask "
        "p1-2-5 is 'meeting' (2026-11-10) on line 2 and 'declined' (2026-11-10) on line 4. "
        "keep one status (and date) per ask_id; nothing was imported"
    )
    assert dump(team.path) == before


def test_rows_contradicting_the_workspace_change_nothing(team: Workspace) -> None:
    import_outcomes(team, ASKS / "outcomes_filled.csv", today=TODAY)
    before = dump(team.path)
    with pytest.raises(InputError) as err:
        import_outcomes(team, ASKS / "outcomes_excel_sv.csv", today=TODAY)
    assert str(err.value) == (
        f"{ASKS / 'outcomes_excel_sv.csv'}, line 2: rows contradict what the workspace holds: "
        "line 2: ask 4 (Ørjan Ødegård, declined): it cannot be marked introduced any more; "
        "line 3: ask 2 (Ebba Lindgren, no answer): it is closed, so it cannot be marked "
        "meeting. correct these rows (graphwarm asks shows each ask's status); nothing was "
        "imported"
    )
    assert dump(team.path) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "outcomes_bad_status.csv",
            "line 3, column 'status': unknown status 'won'. use one of planned, asked, "
            "introduced, not introduced, meeting, no meeting, declined, no answer",
        ),
        (
            "outcomes_bad_date.csv",
            "line 2, column 'status_date': '04/11/2026' is not a date like 2026-11-05. write "
            "dates as YYYY-MM-DD",
        ),
        ("outcomes_no_status.csv", "line 1: no status column. use the asks CSV of graphwarm"),
    ],
)
def test_bad_files_are_refused_with_their_place(team: Workspace, name: str, message: str) -> None:
    before = dump(team.path)
    with pytest.raises(InputError) as err:
        import_outcomes(team, ASKS / name, today=TODAY)
    assert message in str(err.value)
    assert dump(team.path) == before


# --- cold-call tallies ----------------------------------------------------------------------------


def test_cold_call_tallies_are_imported_once_and_updated_when_they_change(
    team: Workspace, tmp_path: Path
) -> None:
    report = import_outcomes(team, ASKS / "tallies.csv")
    assert report.kind == "tallies"
    assert (report.rows_read, report.recorded) == (3, 2)  # the empty row is no row
    assert report.unresolved == [(4, "Per Moberg: no member 'Per Moberg' in the workspace")]
    rows = team.conn.execute("SELECT * FROM call_tallies ORDER BY period").fetchall()
    assert rows == [(1, "2026-10", 120, 40, 6), (1, "2026-11", 100, 30, 3)]
    again = import_outcomes(team, ASKS / "tallies.csv")
    assert (again.recorded, again.moved, again.unchanged) == (0, 0, 2)
    changed = tmp_path / "calls.csv"
    changed.write_text(
        "member,period,dials,conversations,meetings\nLina Ahl,2026-11,110,31,3\n", encoding="utf-8"
    )
    assert import_outcomes(team, changed).moved == 1
    assert team.conn.execute(
        "SELECT dials FROM call_tallies WHERE period = '2026-11'"
    ).fetchone() == (110,)


def test_tallies_calibrate_p_connect_and_p_cold(team: Workspace) -> None:
    from graphwarm.engine.calibrate import calibrate

    import_outcomes(team, ASKS / "tallies.csv")
    result = calibrate(team)
    fits = {p.name: p for p in result.parameters}
    assert (fits["p_connect"].n, fits["p_connect"].successes) == (220, 70)
    assert (fits["p_cold"].n, fits["p_cold"].successes) == (70, 9)
    # no strength: the plain Beta-binomial, prior 0.40 × 10
    assert fits["p_connect"].posterior == pytest.approx((4 + 70) / (10 + 220), abs=1e-9)
    assert result.dials == 220 and result.outcomes == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "tallies_not_nested.csv",
            "line 2: 41 meetings, 40 conversations and 120 dials do not nest. meetings ≤ "
            "conversations ≤ dials",
        ),
        (
            "tallies_bad_count.csv",
            "line 2, column 'dials': '1 200' is not a count. write whole numbers without spaces",
        ),
        (
            "tallies_contradictory.csv",
            "line 2: rows contradict each other: Lina Ahl, 2026-10 is on line 2 and line 4 with "
            "other counts",
        ),
        (
            "tallies_missing_column.csv",
            "line 1: no conversations, meetings column in a file of cold-call tallies",
        ),
    ],
)
def test_bad_tallies_are_refused_with_their_place(team: Workspace, name: str, message: str) -> None:
    before = dump(team.path)
    with pytest.raises(InputError) as err:
        import_outcomes(team, ASKS / name)
    assert message in str(err.value)
    assert dump(team.path) == before


# --- a CRM's task export, its columns named -------------------------------------------------------

TASKS = {
    "ask_id": "Graphwarm Ask",
    "status": "Outcome",
    "status_date": "Completed At",
    "target": "Associated Contact",
}


def test_a_crm_task_export_is_read_from_the_columns_named(team: Workspace) -> None:
    report = import_outcomes(team, ASKS / "crm_tasks.csv", today=TODAY, columns=TASKS)
    assert (report.rows_read, report.recorded, report.moved, report.blank) == (3, 2, 2, 1)
    asks = {a.target: a for a in list_asks(team, today=TODAY)}
    sofia, ebba = asks["Sofia Wall"], asks["Ebba Lindgren"]
    assert (sofia.status, sofia.status_on) == ("meeting", dt.date(2026, 11, 10))  # 14:30 left out
    assert (ebba.status, ebba.status_on) == ("no answer", dt.date(2026, 11, 4))
    assert "Ørjan Ødegård" not in asks  # no outcome yet: the row is blank
    again = import_outcomes(team, ASKS / "crm_tasks.csv", today=TODAY, columns=TASKS)
    assert (again.recorded, again.moved, again.unchanged) == (0, 0, 2)


def test_cold_call_tallies_with_other_headers(team: Workspace) -> None:
    columns = {
        "member": "Rep",
        "period": "Month",
        "dials": "Calls",
        "conversations": "Connects",
        "meetings": "Meetings booked",
    }
    report = import_outcomes(team, ASKS / "crm_call_stats.csv", columns=columns)
    assert (report.kind, report.recorded) == ("tallies", 1)
    assert team.conn.execute(
        "SELECT dials, conversations, meetings FROM call_tallies"
    ).fetchall() == [(120, 40, 3)]


@pytest.mark.parametrize(
    ("name", "columns", "message"),
    [
        ("crm_tasks.csv", {"outcome": "Outcome"}, "--column outcome: no such field in an outcomes"),
        (
            "crm_tasks.csv",
            {**TASKS, "status_date": "Done"},
            "line 1: no column 'Done' (--column status_date). the file's columns: Task ID, ",
        ),
        ("crm_tasks.csv", {"status": "Outcome"}, "line 1: no ask_id column. use the asks CSV"),
        (
            "crm_tasks.csv",
            {**TASKS, "member": "Task ID"},
            "--column member: not a field of a file of asks. its fields: ask_id, status, ",
        ),
        (
            "crm_call_stats.csv",
            {"dials": "Calls", "status": "Outcome"},
            "--column status: not a field of a file of cold-call tallies. its fields: member, ",
        ),
        (
            "crm_tasks_local_date.csv",
            {"ask_id": "Graphwarm Ask", "status": "Outcome", "status_date": "Completed At"},
            "line 2, column 'Completed At': '11/04/2026' is not a date like 2026-11-05",
        ),
        (
            "crm_tasks.csv",
            {**TASKS, "status": "Task Status"},
            "line 2, column 'Task Status': unknown status 'COMPLETED'. use one of planned, ",
        ),
    ],
)
def test_a_crm_export_that_does_not_fit_is_refused(
    team: Workspace, name: str, columns: dict[str, str], message: str
) -> None:
    before = dump(team.path)
    with pytest.raises(InputError) as err:
        import_outcomes(team, ASKS / name, columns=columns)
    assert message in str(err.value)
    assert dump(team.path) == before
