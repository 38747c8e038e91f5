"""Tests for graphwarm.engine.asks: recording asks along paths, the status moves and their
refusals, listing with ages and nudges, and erasure with the people on them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import FIXTURES, FORMULA, add_formula_people, build_team, dump
from hypothesis import given
from hypothesis import strategies as st

from graphwarm.engine.asks import (
    ASK_LIST_COLUMNS,
    MOVES,
    OPEN_STATUSES,
    STATUSES,
    AskRecord,
    asks_csv,
    asks_json,
    get_ask,
    list_asks,
    move_ask,
    next_state,
    record_ask,
)
from graphwarm.engine.queries import find_paths
from graphwarm.errors import AmbiguousQueryError, InputError, NotFoundError
from graphwarm.workspace.forget import forget_person
from graphwarm.workspace.imports import import_people
from graphwarm.workspace.store import Workspace, workspace_generation

NOV = dt.date(2026, 11, 1)


@pytest.fixture
def team(tmp_path: Path) -> Iterator[Workspace]:
    """The plans team: Lina Ahl knows Per Moberg (Nordvik) and Jon Rask (Tellus); Per knows
    Sofia Wall, CFO at Nordvik; Jon sits on Ørjan Ødegård's board; Ebba Lindgren is cold."""
    with Workspace(build_team(tmp_path / "team")) as ws:
        yield ws


def test_an_ask_keeps_the_best_path_its_strengths_and_chances(team: Workspace) -> None:
    best = find_paths(team, "Sofia Wall").reach
    ask = record_ask(team, "Sofia Wall", note="via Per", on=NOV)
    assert (ask.id, ask.status, ask.label) == (1, "planned", "internal")
    assert ask.path == ("Lina Ahl", "Per Moberg", "Sofia Wall")
    assert (ask.member, ask.introducer, ask.target) == ("Lina Ahl", "Per Moberg", "Sofia Wall")
    assert ask.account == "Nordvik Transport AB" and ask.note == "via Per"
    assert ask.probability == pytest.approx(best.probability)
    assert ask.p_intro * ask.p_meeting_if_intro == pytest.approx(ask.probability)
    assert len(ask.strengths) == 2 and ask.strengths[1] == pytest.approx(0.9)
    assert ask.created_on == ask.status_on == NOV
    # stored as ids: no name in the asks tables
    stored = repr(team.conn.execute("SELECT * FROM asks").fetchall())
    assert "Sofia" not in stored and "Moberg" not in stored


def test_an_ask_through_a_named_introducer(team: Workspace) -> None:
    ask = record_ask(team, "Ørjan Ødegård", via="Jon Rask", on=NOV)
    assert ask.label == "external" and ask.introducer == "Jon Rask"
    with pytest.raises(NotFoundError, match="no path to Sofia Wall through Jon Rask") as err:
        record_ask(team, "Sofia Wall", via="Jon Rask")
    assert "introducers on a path there, best first: Per Moberg, " in str(err.value)


def test_a_target_without_a_warm_path_gets_a_cold_call(team: Workspace) -> None:
    ask = record_ask(team, "Ebba Lindgren", member="Lina Ahl", on=NOV)
    assert ask.label == "cold" and ask.member == "Lina Ahl" and ask.introducer is None
    assert ask.probability == pytest.approx(0.08) and ask.strengths == ()
    buyer = record_ask(team, "Ödemark Skog AB", on=NOV)
    assert buyer.target == "the buyer at Ödemark Skog AB" and buyer.account == "Ödemark Skog AB"


def test_unknown_and_ambiguous_names_are_refused_with_candidates(team: Workspace) -> None:
    with pytest.raises(NotFoundError, match="no person or account 'Nobody Here'"):
        record_ask(team, "Nobody Here")
    import_people(team, FIXTURES / "asks" / "namesake_people.csv", target=True)
    with pytest.raises(AmbiguousQueryError) as err:
        record_ask(team, "Karl Berg")
    assert err.value.candidates == [
        "Karl Berg (Nordvik Transport AB): person",
        "Karl Berg (Tellus Partners AB): person",
    ]
    with pytest.raises(AmbiguousQueryError, match="'Karl Berg' names 2 people"):
        record_ask(team, "Sofia Wall", via="Karl Berg")
    with pytest.raises(NotFoundError, match="no member 'Per Moberg'"):
        record_ask(team, "Sofia Wall", member="Per Moberg")
    assert team.conn.execute("SELECT count(*) FROM asks").fetchone()[0] == 0


def test_a_second_open_ask_on_one_path_is_refused_until_the_first_closes(team: Workspace) -> None:
    first = record_ask(team, "Sofia Wall", on=NOV)
    with pytest.raises(InputError, match="ask 1 is already open along this path"):
        record_ask(team, "Sofia Wall", on=NOV)
    move_ask(team, first.id, "declined", on=NOV)
    assert record_ask(team, "Sofia Wall", on=NOV).id == 2


def test_recording_asks_keeps_the_graph_cache(team: Workspace) -> None:
    find_paths(team, "Sofia Wall")
    before = workspace_generation(team.conn)
    ask = record_ask(team, "Sofia Wall", on=NOV)
    move_ask(team, ask.id, "asked", on=NOV)
    assert workspace_generation(team.conn) == before
    assert team.conn.execute("SELECT count(*) FROM graph_cache").fetchone()[0] > 0


# --- moves ----------------------------------------------------------------------------------------


def test_a_referral_moves_planned_asked_introduced_meeting(team: Workspace) -> None:
    ask = record_ask(team, "Sofia Wall", on=NOV)
    steps = [
        ("asked", "asked", None, None),
        ("introduced", "introduced", True, None),
        ("meeting", "meeting", True, True),
    ]
    for day, (move, status, introduced, meeting) in enumerate(steps, start=2):
        after, changed = move_ask(team, ask.id, move, on=dt.date(2026, 11, day))
        assert changed and (after.status, after.introduced, after.meeting) == (
            status,
            introduced,
            meeting,
        )
        assert after.status_on == dt.date(2026, 11, day)
    again, changed = move_ask(team, ask.id, "meeting", on=dt.date(2026, 12, 1))
    assert not changed and again.status_on == dt.date(2026, 11, 4)


def test_a_meeting_without_an_introduction_is_refused(team: Workspace) -> None:
    ask = record_ask(team, "Sofia Wall", on=NOV)
    move_ask(team, ask.id, "asked", on=NOV)
    with pytest.raises(InputError) as err:
        move_ask(team, ask.id, "meeting", on=NOV)
    assert str(err.value) == (
        "ask 1 (Sofia Wall, asked): a meeting without an introduction, on a referral path "
        "(internal). record the introduction first: graphwarm outcome 1 --introduced yes"
    )
    assert get_ask(team, ask.id).status == "asked"


def test_a_cold_call_has_no_introduction_step(team: Workspace) -> None:
    ask = record_ask(team, "Ebba Lindgren", on=NOV)
    with pytest.raises(InputError, match="a cold ask has no introduction step"):
        move_ask(team, ask.id, "introduced", on=NOV)
    after, _ = move_ask(team, ask.id, "meeting", on=NOV)
    assert (after.status, after.introduced, after.meeting) == ("meeting", None, True)


@pytest.mark.parametrize(
    ("moves", "refused", "message"),
    [
        (["asked", "introduced"], "asked", "it cannot go back to asked"),
        (["declined"], "meeting", "it is closed, so it cannot be marked meeting"),
        (["introduced", "meeting"], "not introduced", "cannot be marked not introduced any more"),
        (["no answer"], "declined", "it is closed, so it cannot be marked declined"),
    ],
)
def test_impossible_moves_are_refused(
    team: Workspace, moves: list[str], refused: str, message: str
) -> None:
    ask = record_ask(team, "Sofia Wall", on=NOV)
    for move in moves:
        move_ask(team, ask.id, move, on=NOV)
    before = get_ask(team, ask.id)
    with pytest.raises(InputError, match=message):
        move_ask(team, ask.id, refused, on=NOV)
    assert get_ask(team, ask.id) == before


def test_a_move_dated_before_the_last_one_is_refused(team: Workspace) -> None:
    ask = record_ask(team, "Sofia Wall", on=dt.date(2026, 11, 5))
    with pytest.raises(InputError, match=r"2026-11-04 is before its last move \(planned, 2026-11"):
        move_ask(team, ask.id, "asked", on=dt.date(2026, 11, 4))


def test_an_unknown_ask_id(team: Workspace) -> None:
    with pytest.raises(NotFoundError, match="no ask 7 in the workspace"):
        move_ask(team, 7, "asked")


def _ask(label: str, status: str, introduced: bool | None, meeting: bool | None) -> AskRecord:
    return AskRecord(
        1, status, label, None, None, "T", None, (), (), (), 0.1, 0.5, 0.2,
        introduced, meeting, None, NOV, NOV, 0, 0, False,
    )  # fmt: skip


@given(
    st.sampled_from(["direct", "internal", "external", "cold"]),
    st.lists(st.sampled_from(MOVES), max_size=6),
)
def test_moves_only_go_forward_and_a_closed_ask_stays_closed(label: str, moves: list[str]) -> None:
    state: tuple[str, bool | None, bool | None] = ("planned", None, None)
    for move in moves:
        try:
            after = next_state(_ask(label, *state), move)
        except InputError:
            continue
        assert after[0] in STATUSES
        if state[0] not in OPEN_STATUSES:
            assert after == state  # closed: only the same outcome again, changing nothing
        elif after[0] in OPEN_STATUSES:
            assert STATUSES.index(after[0]) >= STATUSES.index(state[0])
        if label in ("internal", "external") and after[2] is not None:
            assert after[1] is True  # a meeting outcome only after an introduction
        if label in ("direct", "cold"):
            assert after[1] is None
        state = after


# --- listing --------------------------------------------------------------------------------------


def test_list_asks_filters_counts_ages_and_nudges(team: Workspace) -> None:
    sofia = record_ask(team, "Sofia Wall", on=NOV)
    orjan = record_ask(team, "Ørjan Ødegård", on=NOV)
    move_ask(team, orjan.id, "declined", on=dt.date(2026, 11, 3))
    record_ask(team, "Ebba Lindgren", on=dt.date(2026, 11, 6))
    today = dt.date(2026, 11, 9)
    asks = list_asks(team, today=today)
    assert [(a.id, a.age_days, a.waiting_days, a.nudge) for a in asks] == [
        (1, 8, 8, True),  # open 8 days > nudge_after_days 7
        (2, 8, 6, False),  # closed
        (3, 3, 3, False),
    ]
    assert [a.id for a in list_asks(team, open_only=True, today=today)] == [1, 3]
    assert [a.id for a in list_asks(team, account="Nordvik Transport AB")] == [sofia.id]
    assert [a.id for a in list_asks(team, member="Lina Ahl")] == [1, 2]
    with pytest.raises(NotFoundError, match="no account 'Nowhere AB'"):
        list_asks(team, account="Nowhere AB")


def test_nudge_after_days_is_a_setting(tmp_path: Path) -> None:
    db = build_team(tmp_path / "t", 'as_of = "2026-11-01"\nnudge_after_days = 2\n')
    with Workspace(db) as ws:
        record_ask(ws, "Sofia Wall", on=NOV)
        assert list_asks(ws, today=dt.date(2026, 11, 4))[0].nudge
        assert not list_asks(ws, today=dt.date(2026, 11, 3))[0].nudge


def test_asks_csv_and_json(team: Workspace) -> None:
    add_formula_people(team)
    record_ask(team, "click@evil.example", on=NOV)
    asks = list_asks(team, today=NOV)
    rows = list(csv.DictReader(io.StringIO(asks_csv(asks))))
    assert list(rows[0]) == list(ASK_LIST_COLUMNS)
    assert rows[0]["target"] == "'" + FORMULA and rows[0]["ask_id"] == "1"
    assert rows[0]["status"] == "planned" and rows[0]["status_date"] == "2026-11-01"
    raw = list(csv.DictReader(io.StringIO(asks_csv(asks, raw=True))))
    assert raw[0]["target"] == FORMULA
    data = json.loads("".join(asks_json(asks)))
    assert data == [a.to_dict() for a in asks] and data[0]["target"] == FORMULA


# --- erasure --------------------------------------------------------------------------------------


def test_forgetting_a_person_erases_every_ask_they_are_on(team: Workspace) -> None:
    record_ask(team, "Sofia Wall", on=NOV)
    record_ask(team, "Ørjan Ødegård", note="Jon chairs their meetings", on=NOV)
    forget_person(team, "Per Moberg")
    assert [a.target for a in list_asks(team)] == ["Ørjan Ødegård"]
    forget_person(team, "Ørjan Ødegård")
    assert list_asks(team) == []
    assert team.conn.execute("SELECT count(*) FROM ask_people").fetchone()[0] == 0
    everything = repr(dump(team.path))
    assert "chairs" not in everything


def test_forgetting_a_member_erases_their_asks(team: Workspace) -> None:
    from graphwarm.workspace.forget import forget_member

    record_ask(team, "Sofia Wall", note="Per owes me one", on=NOV)
    assert forget_member(team, "Lina Ahl").asks == 1
    assert list_asks(team) == []
    assert "owes me" not in repr(dump(team.path))


def test_an_older_workspace_gains_the_asks_tables_without_the_erasing_triggers(
    tmp_path: Path,
) -> None:
    from graphwarm.workspace import store

    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)  # as graphwarm wrote it before the later tables
    conn.executescript(f"{store._SCHEMA}PRAGMA user_version = 1;")
    conn.close()
    for _ in range(2):  # and opened again: the triggers do not come back
        with Workspace(db) as ws:
            assert list_asks(ws) == []
            names = {r[0] for r in ws.conn.execute("SELECT name FROM sqlite_master")}
            assert {"asks", "ask_people"} <= names
            assert not {"asks_people_delete", "asks_accounts_delete"} & names


def test_a_workspace_with_the_erasing_triggers_loses_them_on_opening(tmp_path: Path) -> None:
    from graphwarm.workspace import store

    db = tmp_path / "v1.db"
    conn = sqlite3.connect(db)  # as graphwarm wrote it before asks outlived re-imports
    conn.executescript(f"{store._SCHEMA}{store._ADDED_SCHEMA}PRAGMA user_version = 1;")
    conn.close()
    with Workspace(db) as ws:
        triggers = {r[0] for r in ws.conn.execute("SELECT name FROM sqlite_master")}
        assert "asks_people_delete" not in triggers and "asks_accounts_delete" not in triggers
        assert "cache_people_delete" in triggers
