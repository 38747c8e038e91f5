"""Tests for graphwarm.workspace.history: weekly re-imports of an invented team, kept as
history; undo, the list of imports, pruning, and forget across the history."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import (
    ANDERS,
    HEADLINE,
    JONAS,
    LINA,
    MAJA,
    OLLE,
    PER,
    SARA,
    TOVE,
    WEEK2,
    connections_csv,
    dump,
    profile_csv,
    same_graph,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphwarm import InputError, NotFoundError, Workspace, import_accounts, import_linkedin
from graphwarm.engine.load import load_graph, warm_cache
from graphwarm.workspace import history as history_module
from graphwarm.workspace.forget import forget_member, forget_person
from graphwarm.workspace.history import history, past_state, prune_history, undo
from graphwarm.workspace.imports import import_people


def _ids(ws: Workspace) -> dict[str, int]:
    return dict(ws.conn.execute("SELECT name, id FROM people"))


def _current(ws: Workspace) -> dict[str, tuple]:
    """Each current person's company, and the set of current ties as name pairs."""
    q = ws.conn.execute
    people = dict(q("SELECT name, company FROM people WHERE NOT retired"))
    ties = {
        tuple(sorted(r))
        for r in q(
            "SELECT pa.name, pb.name FROM ties t JOIN people pa ON pa.id = t.a"
            " JOIN people pb ON pb.id = t.b"
        )
    }
    return {"people": people, "ties": ties}  # type: ignore[dict-item]


@pytest.fixture
def reach_json(cli) -> Callable[[], str]:
    """``graphwarm reach --format json`` on the workspace, as it prints it."""

    def run() -> str:
        result = cli("reach", "--format", "json")
        assert result.exit_code == 0, result.output
        return result.stdout

    return run


# --- a re-import supersedes, keeps the older state, stores only what changed --------------------


def test_a_weekly_reimport_supersedes_the_older_one_and_keeps_it(
    weekly_team: Workspace, weekly_export
) -> None:
    ids = _ids(weekly_team)
    reports = import_linkedin(weekly_team, [weekly_export(LINA, WEEK2, 2)])
    connections = next(r for r in reports if r.kind == "linkedin:connections")
    assert connections.replaced
    now = _current(weekly_team)
    assert "Sara Nyström" not in now["people"]
    assert now["people"]["Anders Holm"] == "Nordmark Energi AB"
    assert ("Lina Ahl", "Tove Sand") in now["ties"]
    # the same people keep their ids; Sara stays in the table, retired, for the history
    after = _ids(weekly_team)
    assert all(after[name] == pid for name, pid in ids.items())
    assert weekly_team.conn.execute(
        "SELECT retired FROM people WHERE name = 'Sara Nyström'"
    ).fetchone() == (1,)
    old, new = weekly_team.conn.execute(
        "SELECT id, superseded_by FROM imports WHERE kind = 'linkedin:connections'"
        " AND superseded_by IS NOT NULL"
    ).fetchone()
    # only what changed is new: Maja's and Jonas's rows stay the older import's, current
    rows = weekly_team.conn.execute(
        "SELECT p.name, s.import_id, s.until_import FROM sightings s JOIN people p"
        " ON p.id = s.person_id WHERE s.import_id IN (?, ?) ORDER BY p.name, s.import_id",
        (old, new),
    ).fetchall()
    assert connections.notes[-1] == (
        f"the import it replaces ({old}) stays in the history; graphwarm undo {new} takes this"
        " command back"
    )
    assert rows == [
        ("Anders Holm", old, new),
        ("Anders Holm", new, None),
        ("Jonas Ek", old, None),
        ("Lina Ahl", old, None),
        ("Maja Lind", old, None),
        ("Sara Nyström", old, new),
        ("Tove Sand", new, None),
    ]


def test_a_person_seen_again_comes_back_with_the_same_id(
    weekly_team: Workspace, weekly_export
) -> None:
    sara = _ids(weekly_team)["Sara Nyström"]
    import_linkedin(weekly_team, [weekly_export(LINA, WEEK2, 2)])
    import_linkedin(weekly_team, [weekly_export(LINA, [*WEEK2, SARA], 3)])
    assert weekly_team.conn.execute(
        "SELECT id, retired, company FROM people WHERE name = 'Sara Nyström'"
    ).fetchone() == (sara, 0, "Kustbanken AB")


def test_ten_weekly_reimports_with_little_churn_store_what_changed(
    ws: Workspace, weekly_export
) -> None:
    contacts = [
        (f"Kontakt Nummer{i}", f"kontakt-{i}", f"Firma {i % 37} AB", "Chef", "01 Jan 2024")
        for i in range(400)
    ]
    import_linkedin(ws, [weekly_export(LINA, contacts, 0)])
    first = {t: _rows(ws, t) for t in ("signals", "sightings")}
    for week in range(1, 11):  # 5 % churn a week: 10 leave, 10 join, 10 change jobs
        start = week * 10
        contacts = contacts[10:] + [
            (f"Ny Kontakt{start + i}", f"ny-{start + i}", "Firma 1 AB", "Chef", "01 Jan 2026")
            for i in range(10)
        ]
        contacts[:10] = [(*c[:2], f"Annan {week} AB", *c[3:]) for c in contacts[:10]]
        import_linkedin(ws, [weekly_export(LINA, contacts, week)])
    for table, rows in first.items():
        assert _rows(ws, table) <= 2 * rows, table
    assert _current(ws)["people"]["Ny Kontakt109"] == "Firma 1 AB"


def _rows(ws: Workspace, table: str) -> int:
    return ws.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# --- the guard --------------------------------------------------------------------------------


def test_a_truncated_weekly_export_is_stopped_and_changes_nothing(
    weekly_team: Workspace, weekly_export
) -> None:
    before = dump(weekly_team.path)
    header_only = connections_csv([])
    path = weekly_export(LINA, [], 2, connections=header_only)
    with pytest.raises(InputError) as info:
        import_linkedin(weekly_team, [path])
    assert info.value.message == "has 0 connections; Lina Ahl's current import has 4"
    assert dump(weekly_team.path) == before


@pytest.mark.parametrize(
    ("func", "header", "what"),
    [(import_accounts, "Company name", "target account"), (import_people, "Name", "person")],
)
def test_a_crm_file_of_the_same_name_with_most_rows_gone_is_stopped(
    weekly_team: Workspace, tmp_path: Path, func, header: str, what: str
) -> None:
    names = ["Kustbanken AB", "Solberg Bygg AB", "Tallvik Skog AB"]
    (tmp_path / "week1").mkdir()
    (tmp_path / "week1" / "list.csv").write_text("\n".join([header, *names]) + "\n", "utf-8")
    func(weekly_team, tmp_path / "week1" / "list.csv")
    before = dump(weekly_team.path)
    truncated = tmp_path / "list.csv"  # the same name in another folder: the same list
    truncated.write_text(f"{header}\n{names[0]}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        func(weekly_team, truncated)
    assert info.value.message == f"has 1 {what}; the import it would replace has 3"
    assert info.value.file == str(truncated)
    assert info.value.hint == "nothing was changed; if the smaller file is right, pass --replace"
    assert dump(weekly_team.path) == before
    assert func(weekly_team, truncated, replace=True).replaced


def test_a_crm_file_of_the_same_name_replaces_the_older_one(
    weekly_team: Workspace, tmp_path
) -> None:
    (tmp_path / "accounts.csv").write_text(
        "Company name\nNordmark Energi AB\nVester Logistik AS\nKustbanken AB\n", encoding="utf-8"
    )
    report = import_accounts(weekly_team, tmp_path / "accounts.csv")
    assert report.replaced
    targets = weekly_team.conn.execute(
        "SELECT a.name FROM account_targets t JOIN accounts a ON a.id = t.account_id"
        " WHERE t.until_import IS NULL ORDER BY a.name"
    ).fetchall()
    assert targets == [("Kustbanken AB",), ("Nordmark Energi AB",), ("Vester Logistik AS",)]
    assert weekly_team.status().target_accounts == 3


# --- undo -------------------------------------------------------------------------------------


def test_undo_puts_back_exactly_what_was_there(
    weekly_team: Workspace, weekly_export, tmp_path: Path, reach_json
) -> None:
    reach_before, before = reach_json(), dump(weekly_team.path)
    import_linkedin(
        weekly_team,
        [weekly_export(LINA, WEEK2, 2, messages=[("Maja Lind", "maja-lind", "2026-11-20", True)])],
    )
    (tmp_path / "accounts.csv").write_text(
        "Company name,Company Domain Name\nNordmark Energi Aktiebolag,nordmark.se\n"
        "Vester Logistik AS,vester.no\nKustbanken AB,kustbanken.se\n",
        encoding="utf-8",
    )
    import_accounts(weekly_team, tmp_path / "accounts.csv")
    assert reach_json() != reach_before
    report = undo(weekly_team)  # the accounts
    assert [file for _, file in report.imports] == [str(tmp_path / "accounts.csv")]
    undo(weekly_team)  # Lina's week 2
    assert reach_json() == reach_before
    after = dump(weekly_team.path)
    for table in ("people", "accounts", "account_domains", "signals", "sightings", "emails"):
        assert after[table] == before[table], table


def test_undo_of_an_import_later_ones_build_on_names_them(
    weekly_team: Workspace, weekly_export
) -> None:
    import_linkedin(weekly_team, [weekly_export(LINA, WEEK2, 2)])
    week1 = weekly_team.conn.execute(
        "SELECT id FROM imports WHERE kind = 'linkedin:connections' AND superseded_by IS NOT NULL"
    ).fetchone()[0]
    week2 = weekly_team.conn.execute(
        "SELECT superseded_by FROM imports WHERE id = ?", (week1,)
    ).fetchone()[0]
    before = dump(weekly_team.path)
    with pytest.raises(InputError) as info:
        undo(weekly_team, week1)
    assert info.value.message == (
        f"import {week1} is built on by later imports: {week2} ({weekly_export(LINA, WEEK2, 2)}"
        ":Connections.csv)"
    )
    assert info.value.hint == "pass --cascade to undo them too, or undo them first"
    assert dump(weekly_team.path) == before
    undone = undo(weekly_team, week1, cascade=True)
    assert [i for i, _ in undone.imports] == [week2, week1]
    assert "Lina Ahl" not in _current(weekly_team)["people"]
    assert "Anders Holm" not in _ids(weekly_team)  # only Lina knew him: gone with her imports


def test_an_interrupted_undo_leaves_the_workspace_as_before(
    weekly_team: Workspace, weekly_export, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_linkedin(weekly_team, [weekly_export(LINA, WEEK2, 2)])
    before = dump(weekly_team.path)
    real = history_module._undo_one
    calls = []

    def undo_then_stop(ws: Workspace, import_id: int) -> None:
        real(ws, import_id)
        calls.append(import_id)
        raise KeyboardInterrupt  # Ctrl-C (or a kill) after the first import is taken back

    monkeypatch.setattr(history_module, "_undo_one", undo_then_stop)
    with pytest.raises(KeyboardInterrupt):
        undo(weekly_team)
    assert calls
    assert dump(weekly_team.path) == before


def test_a_killed_undo_leaves_the_workspace_as_before(
    weekly_team: Workspace, weekly_export
) -> None:
    """A process killed (SIGKILL) in the middle of an undo: the next open sees the workspace
    as it was before."""
    import_linkedin(weekly_team, [weekly_export(LINA, WEEK2, 2)])
    week1 = weekly_team.conn.execute(
        "SELECT id FROM imports WHERE superseded_by IS NOT NULL"
    ).fetchone()[0]
    before = dump(weekly_team.path)
    script = (
        "import sys, time\n"
        "from graphwarm import Workspace\n"
        "from graphwarm.workspace import history\n"
        "real = history._undo_one\n"
        "def slow(ws, import_id):\n"
        "    real(ws, import_id)\n"
        "    print('undone', import_id, flush=True)\n"
        "    time.sleep(60)\n"
        "history._undo_one = slow\n"
        f"history.undo(Workspace({str(weekly_team.path)!r}), {week1}, cascade=True)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("undone")  # one of two imports taken back
    finally:
        proc.kill()
        proc.wait()
    assert dump(weekly_team.path) == before


def test_undo_of_nothing_or_an_unknown_import(ws: Workspace) -> None:
    with pytest.raises(NotFoundError, match="there is no import to undo"):
        undo(ws)
    with pytest.raises(NotFoundError, match="there is no import 7"):
        undo(ws, 7)


# --- forget reaches the history ---------------------------------------------------------------


def test_forget_person_removes_them_from_every_import_of_the_history(
    weekly_team: Workspace, weekly_export
) -> None:
    anders = _ids(weekly_team)["Anders Holm"]
    import_linkedin(
        weekly_team, [weekly_export(LINA, WEEK2, 2)]
    )  # Anders: two sightings, one superseded
    assert weekly_team.conn.execute(
        "SELECT count(*) FROM sightings WHERE person_id = ?", (anders,)
    ).fetchone() == (2,)
    forget_person(weekly_team, "https://www.linkedin.com/in/anders-holm")
    for table, column in (("sightings", "person_id"), ("signals", "b"), ("people", "id")):
        assert weekly_team.conn.execute(
            f"SELECT count(*) FROM {table} WHERE {column} = ?", (anders,)
        ).fetchone() == (0,), table
    undo(weekly_team)  # week 2 undone: Anders's week-1 rows do not come back
    assert "Anders Holm" not in _ids(weekly_team)
    assert "Sara Nyström" in _current(weekly_team)["people"]


def test_forget_member_removes_every_import_of_theirs(
    weekly_team: Workspace, weekly_export
) -> None:
    import_linkedin(weekly_team, [weekly_export(LINA, WEEK2, 2)])
    imports = weekly_team.conn.execute(
        "SELECT count(*) FROM imports i JOIN people p ON p.id = i.member_id"
        " WHERE p.name = 'Lina Ahl'"
    ).fetchone()[0]
    assert imports == 2  # Connections.csv of two weeks, one superseded
    assert forget_member(weekly_team, "Lina Ahl").imports == 2
    names = _ids(weekly_team)
    assert not {"Anders Holm", "Sara Nyström", "Tove Sand", "Jonas Ek"} & set(names)
    assert weekly_team.conn.execute(
        "SELECT count(*) FROM imports i JOIN people p ON p.id = i.member_id"
        " WHERE p.name = 'Lina Ahl'"
    ).fetchone() == (0,)


# --- the list and pruning ---------------------------------------------------------------------


def test_history_lists_every_import_newest_first_with_what_it_changed(
    weekly_team: Workspace, weekly_export
) -> None:
    import_linkedin(weekly_team, [weekly_export(LINA, WEEK2, 2)])
    entries = history(weekly_team)
    assert [e.id for e in entries] == sorted((e.id for e in entries), reverse=True)
    newest = next(e for e in entries if e.kind == "linkedin:connections")
    assert newest.member == "Lina Ahl" and newest.superseded_by is None
    assert (newest.people_added, newest.people_dropped) == (1, 1)  # Tove in, Sara out
    assert (newest.ties_added, newest.ties_dropped, newest.ties_changed) == (1, 1, 0)
    older = next(e for e in entries if e.superseded_by == newest.id)
    assert older.ties_added == 4 and older.file.endswith("lina-ahl-week1.zip:Connections.csv")
    json.dumps([e.__dict__ for e in entries])  # plain values only


def test_prune_drops_old_states_and_keeps_the_current_one(
    weekly_team: Workspace, weekly_export, reach_json
) -> None:
    import_linkedin(weekly_team, [weekly_export(LINA, WEEK2, 2)])
    reach, now = reach_json(), _current(weekly_team)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert prune_history(weekly_team, tomorrow) == 1
    assert reach_json() == reach and _current(weekly_team) == now
    assert "Sara Nyström" not in _ids(weekly_team)  # only the pruned state knew her
    assert weekly_team.conn.execute(
        "SELECT count(*) FROM sightings WHERE until_import IS NOT NULL"
    ).fetchone() == (0,)
    with pytest.raises(InputError, match="replaced data that was pruned from the history"):
        undo(weekly_team)
    assert prune_history(weekly_team, dt.date(2000, 1, 1)) == 0


def test_keep_history_days_zero_keeps_no_history(
    weekly_team: Workspace, weekly_export, tmp_path
) -> None:
    weekly_team.close()
    (tmp_path / "graphwarm.toml").write_text(
        'as_of = "2026-12-01"\nkeep_history_days = 0\n', encoding="utf-8"
    )
    with Workspace(weekly_team.path) as ws:
        reports = import_linkedin(ws, [weekly_export(LINA, WEEK2, 2)])
        assert reports[-1].notes[-1] == (
            "1 replaced imports older than keep_history_days (0) were dropped from the history"
        )
        assert ws.conn.execute(
            "SELECT count(*) FROM imports WHERE superseded_by IS NOT NULL"
        ).fetchone() == (0,)
        assert "Sara Nyström" not in _ids(ws)


# --- the invariants, on random weekly series ------------------------------------------------------

_POOL = [ANDERS, MAJA, JONAS, SARA, PER, TOVE]
_COMPANIES = ["Kustbanken AB", "Nordmark Energi AB", "Vester Logistik AS"]
_week = st.lists(
    st.tuples(st.sampled_from(range(len(_POOL))), st.sampled_from(_COMPANIES)),
    max_size=len(_POOL),
    unique_by=lambda c: c[0],
)
_STATE = {
    "sightings": "person_id, name, url, email, company, title, is_target",
    "signals": "a, b, connected_on, msgs_ab, msgs_ba, first_msg, last_msg, kind, strength",
}


def _state(ws: Workspace, where: str = "until_import IS NULL", params: tuple = ()) -> dict:
    """The evidence rows of a state, without their import ids: what a state holds."""
    return {
        table: sorted(ws.conn.execute(f"SELECT {cols} FROM {table} WHERE {where}", params))
        for table, cols in _STATE.items()
    }


_weeks = st.lists(st.tuples(st.sampled_from([LINA, OLLE]), _week), min_size=1, max_size=5)


def _import_weeks(
    ws: Workspace, folder: Path, weeks: list[tuple[tuple[str, str], list[tuple[int, str]]]]
) -> tuple[list[tuple[int, dict]], list[dict]]:
    """Import the weeks' exports: each import's id with the state after it, and the dumps
    before the first and after each."""
    states, dumps = [], [dump(ws.path)]
    for n, (member, week) in enumerate(weeks):
        contacts = [(*_POOL[i][:2], company, *_POOL[i][3:]) for i, company in week]
        path = folder / f"{member[1]}-{n}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("Profile.csv", profile_csv(member[0], HEADLINE))
            archive.writestr("Connections.csv", connections_csv(contacts))
        if all(r.unchanged for r in import_linkedin(ws, [path], replace=True)):
            continue  # the same file again: no import, nothing to undo
        (last,) = ws.conn.execute("SELECT max(id) FROM imports").fetchone()
        states.append((last, _state(ws)))
        dumps.append(dump(ws.path))
    return states, dumps


_hypothesis = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@given(weeks=_weeks)
@_hypothesis
def test_every_state_can_be_read_back_and_undo_walks_back_through_them(
    tmp_path_factory: pytest.TempPathFactory,
    weeks: list[tuple[tuple[str, str], list[tuple[int, str]]]],
) -> None:
    """Two members' weekly exports in any order, sharing contacts who change jobs."""
    folder = tmp_path_factory.mktemp("weeks")
    with Workspace(folder / "w.db") as ws:
        states, dumps = _import_weeks(ws, folder, weeks)
        for k, state in states:  # the state after import k, read back from the history
            as_of = "import_id <= ? AND (until_import IS NULL OR until_import > ?)"
            assert _state(ws, as_of, (k, k)) == state
        warm_cache(ws)  # an earlier state's graph: from the current one, as from the tables
        for past in [past_state(ws), *(past_state(ws, since_import=k) for k, _ in states)]:
            same_graph(load_graph(ws, past=past), load_graph(ws, past=past, cache=False))
        for expected in reversed(dumps[:-1]):
            undo(ws)
            got = dump(ws.path)
            for table in ("people", "accounts", "signals", "sightings", "emails", "imports"):
                assert got[table] == expected[table], table


@given(weeks=_weeks)
@_hypothesis
def test_pruning_the_whole_history_leaves_the_current_state(
    tmp_path_factory: pytest.TempPathFactory,
    weeks: list[tuple[tuple[str, str], list[tuple[int, str]]]],
) -> None:
    folder = tmp_path_factory.mktemp("weeks")
    with Workspace(folder / "w.db") as ws:
        _import_weeks(ws, folder, weeks)
        current = "SELECT * FROM people WHERE NOT retired ORDER BY id"
        before, people = _state(ws), ws.conn.execute(current).fetchall()
        prune_history(ws, dt.date.today() + dt.timedelta(days=1))
        assert _state(ws) == before
        assert ws.conn.execute(current).fetchall() == people
        assert ws.conn.execute(
            "SELECT count(*) FROM sightings WHERE until_import IS NOT NULL"
        ).fetchone() == (0,)
        assert ws.conn.execute("SELECT count(*) FROM people WHERE retired").fetchone() == (0,)


def test_someone_only_the_history_knows_is_no_one_to_reach_but_can_be_forgotten(
    weekly_team: Workspace, weekly_export, cli
) -> None:
    import_linkedin(weekly_team, [weekly_export(LINA, WEEK2, 2)])  # Sara dropped: retired
    for command in (("path", "Sara Nyström"), ("ask", "Sara Nyström")):
        result = cli(*command)
        assert result.exit_code == 1
        assert result.stderr.strip() == (
            "Error: 'Sara Nyström' is only in the workspace's history: no current import sees"
            " them. graphwarm history lists the imports, graphwarm changes what changed"
        )
    assert forget_person(weekly_team, "Sara Nyström").people == 1
    assert "Sara Nyström" not in _ids(weekly_team)
