"""The graph cache inside the workspace: same arrays as the tables, dropped by every change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from helpers import db_bytes, same_graph
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_graph import AS_OF, _workspace

from graphwarm import forget_person, import_linkedin
from graphwarm.engine import load as load_module
from graphwarm.engine.load import load_graph
from graphwarm.engine.reach import reach
from graphwarm.settings import Settings
from graphwarm.workspace.store import Workspace, workspace_generation

S = Settings(as_of=AS_OF)


def cached_rows(ws: Workspace) -> int:
    return ws.conn.execute("SELECT count(*) FROM graph_cache").fetchone()[0]


def no_table_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(conn: sqlite3.Connection) -> None:
        raise AssertionError("read the tables, expected the cache")

    monkeypatch.setattr(load_module, "_read_raw", fail)


def test_cached_load_equals_the_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = _workspace(tmp_path / "w.db")
    assert cached_rows(ws) == 0
    first = load_graph(ws, S)  # reads the tables, writes the cache
    assert cached_rows(ws) > 0
    plain = load_graph(ws, S, cache=False)
    with monkeypatch.context() as m:
        no_table_reads(m)
        cached = load_graph(ws, S)
        # settings still apply on top of the cache: exclusions, titles, dates
        other = Settings(as_of=AS_OF.replace(year=2030), exclude=("eva@nordvik.se",))
        other = dataclasses.replace(other, buyer_titles=("Driver",))
        cached_other = load_graph(ws, other)
    same_graph(first, plain)
    same_graph(cached, plain)
    same_graph(cached_other, load_graph(ws, other, cache=False))
    assert cached_other.excluded.sum() == plain.excluded.sum() + 1
    ws.close()


def test_the_cache_stores_a_column_of_one_value_as_that_value(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "w.db")  # LinkedIn only: no e-mails, no meetings
    plain = load_graph(ws, S, cache=False, signals=True)
    load_module.warm_cache(ws)
    stored = {
        name: load_module._from_npy(data)
        for name, data in ws.conn.execute("SELECT name, data FROM graph_cache")
    }
    assert stored["meetings"].shape == (1,) and stored["u"].shape[0] > 1
    assert stored["u"].dtype == np.int32  # positions: int64 in the graph, 4 bytes stored
    cached = load_graph(ws, S, signals=True)
    same_graph(cached, plain)
    for name in load_module.TIE_SIGNALS:
        got, want = cached.edge_signals[name], plain.edge_signals[name]
        assert got.dtype == want.dtype and np.array_equal(got, want, equal_nan=True), name
    ws.close()


def test_warm_cache_makes_the_next_load_read_no_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _workspace(tmp_path / "w.db")
    load_module.warm_cache(ws)
    assert cached_rows(ws) > 0
    before = ws.conn.execute("SELECT name, data FROM graph_cache ORDER BY name").fetchall()
    load_module.warm_cache(ws)  # current already: left as it is
    assert ws.conn.execute("SELECT name, data FROM graph_cache ORDER BY name").fetchall() == before
    with monkeypatch.context() as m:
        no_table_reads(m)
        cached = load_graph(ws, S)
    same_graph(cached, load_graph(ws, S, cache=False))
    ws.close()


def test_every_committed_change_drops_the_cache(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "w.db")
    load_graph(ws, S)
    gen = workspace_generation(ws.conn)
    with ws.transaction() as conn:  # any writer going through the workspace
        conn.execute("UPDATE people SET title = 'CFO' WHERE id = 7")
    assert workspace_generation(ws.conn) == gen + 1 and cached_rows(ws) == 0
    g = load_graph(ws, S)
    assert g.title_of(g.index_of(7)) == "CFO" and cached_rows(ws) > 0
    same_graph(g, load_graph(ws, S, cache=False))
    with ws.transaction():  # nothing changed: the cache stays
        ws.conn.execute("SELECT count(*) FROM people").fetchone()
    assert cached_rows(ws) > 0
    ws.close()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE people SET excluded = 1 WHERE id = 7",
        "DELETE FROM people WHERE id = 7",
        "DELETE FROM imports WHERE id = 2",
        "INSERT INTO imports (kind, file, sha256, imported_at) VALUES ('x', 'x', 'x', 'x')",
        "DELETE FROM account_targets",
    ],
)
def test_writers_going_around_the_workspace_drop_the_cache(tmp_path: Path, statement: str) -> None:
    ws = _workspace(tmp_path / "w.db")
    load_graph(ws, S)
    other = sqlite3.connect(tmp_path / "w.db", isolation_level=None)
    other.execute("PRAGMA foreign_keys = ON")
    other.execute(statement)
    other.close()
    assert cached_rows(ws) == 0
    same_graph(load_graph(ws, S), load_graph(ws, S, cache=False))
    ws.close()


def test_a_change_during_the_read_is_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _workspace(tmp_path / "w.db")
    read = load_module._read_raw

    def read_then_someone_writes(conn: sqlite3.Connection):  # type: ignore[no-untyped-def]
        raw = read(conn)
        other = sqlite3.connect(tmp_path / "w.db", isolation_level=None, timeout=0)
        other.execute("UPDATE people SET title = 'CFO' WHERE id = 7")  # no trigger fires
        other.close()
        return raw

    monkeypatch.setattr(load_module, "_read_raw", read_then_someone_writes)
    g = load_graph(ws, S)
    assert g.title_of(g.index_of(7)) == "Driver"  # the snapshot it read
    assert cached_rows(ws) == 0  # … but not cached: the file changed meanwhile
    monkeypatch.setattr(load_module, "_read_raw", read)
    assert load_graph(ws, S).title_of(g.index_of(7)) == "CFO"
    ws.close()


def test_forgotten_person_leaves_no_trace_in_the_cache(
    ws: Workspace, db_path: Path, karin_export
) -> None:
    import_linkedin(ws, [karin_export()])
    load_graph(ws)
    assert cached_rows(ws) > 0
    ws.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    forget_person(ws, "https://www.linkedin.com/in/asa-oberg")
    assert cached_rows(ws) == 0
    ws.close()
    assert "Öberg".encode() not in db_bytes(db_path)


def test_a_workspace_from_before_the_cache_gets_it(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "w.db")
    ws.conn.executescript(
        "DROP TABLE graph_cache; DROP TABLE workspace_meta;"
        "DROP TRIGGER IF EXISTS cache_imports_insert;"
    )
    plain = load_graph(ws, S)  # no cache tables: reads the tables
    ws.close()
    with Workspace(tmp_path / "w.db", settings=S) as again:
        assert workspace_generation(again.conn) == 0
        same_graph(load_graph(again, S), plain)
        assert cached_rows(again) > 0


def test_text_packing_round_trip_and_nul() -> None:
    values = ["Åsa Öberg", None, "", "名前", "a,b;\n"]
    text, none = load_module._pack_text(values)
    assert load_module._unpack_text(text, none) == values
    text, none = load_module._pack_text(["a\0b", "c"])
    assert load_module._unpack_text(text, none) is None  # does not fit: read the tables


@st.composite
def workspaces(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 12))
    people = [
        (
            pid,
            draw(st.sampled_from(["Ann", "Bo", "Åsa Öberg", "名前"])) + str(pid),
            draw(st.sampled_from([None, 1, 2, 3])),
            draw(st.sampled_from([None, "CFO", "Driver", ""])),
            int(pid <= 2),
            int(draw(st.booleans())),
            int(draw(st.integers(0, 9)) == 0),
        )
        for pid in range(1, n + 1)
    ]
    dates = st.sampled_from([None, "2020-01-01", "2026-10", "2019", "2026-10-31"])
    # e-mails each way, meetings and their dates: mostly none, as in most workspaces
    talk = st.one_of(
        st.just((0, 0, 0, None, None, None)),
        st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 5), dates, dates, dates),
    )
    signals = []
    for imp in (1, 2):
        for a in range(1, n + 1):
            for b in range(a + 1, n + 1):
                if draw(st.integers(0, 3)) == 0:
                    signals.append(
                        (
                            a,
                            b,
                            imp,
                            draw(dates),
                            draw(st.integers(0, 40)),
                            draw(st.integers(0, 40)),
                            draw(dates),
                            draw(dates),
                            draw(st.integers(0, 2)),
                            draw(st.sampled_from([None, "partner"])),
                            draw(st.sampled_from([None, 0.3, 0.95])),
                            *draw(talk),
                        )
                    )
    positions = [
        (pid, draw(st.sampled_from([1, 2, 3])))
        for pid in range(1, n + 1)
        if draw(st.integers(0, 3)) == 0
    ]
    targets = draw(st.lists(st.sampled_from([1, 2, 3]), unique=True))
    return people, signals, positions, targets


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(workspaces())
def test_cache_equals_the_tables_on_random_workspaces(tmp_path_factory, data) -> None:  # type: ignore[no-untyped-def]
    people, signals, positions, targets = data
    path = tmp_path_factory.mktemp("ws") / "w.db"
    ws = Workspace(path, settings=S)
    c = ws.conn
    with ws.transaction():
        for imp in (1, 2):
            c.execute(
                "INSERT INTO imports (id, kind, file, sha256, imported_at) "
                "VALUES (?, 'x', 'x', ?, '2026-11-01')",
                (imp, str(imp)),
            )
        for aid in (1, 2, 3):
            c.execute(
                "INSERT INTO accounts (id, key, name) VALUES (?, ?, ?)", (aid, aid, f"A{aid}")
            )
        c.executemany(
            "INSERT INTO account_targets (account_id, import_id, name) VALUES (?, 1, 'x')",
            [(a,) for a in targets],
        )
        c.executemany(
            "INSERT INTO people (id, name, account_id, title, is_member, is_target, excluded) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            people,
        )
        c.executemany(
            "INSERT INTO signals (a, b, import_id, connected_on, msgs_ab, msgs_ba, first_msg, "
            "last_msg, endorse_ab, kind, strength, mails_ab, mails_ba, meetings, first_mail, "
            "last_mail, last_meeting) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            signals,
        )
        c.executemany(
            "INSERT INTO positions (person_id, import_id, account_id, company) "
            "VALUES (?, 1, ?, 'x')",
            positions,
        )
    plain = load_graph(ws, S, cache=False)
    load_graph(ws, S)  # builds the cache
    assert cached_rows(ws) > 0
    cached = load_graph(ws, S)
    same_graph(cached, plain)
    assert [r.probability for r in reach(cached)] == [r.probability for r in reach(plain)]
    # the arrays' sums (e-mails and meetings read apart) score each tie as the ties view does
    for u, v, s in zip(plain.edge_u.tolist(), plain.edge_v.tolist(), plain.edge_s, strict=True):
        assert s == pytest.approx(plain.tie_breakdown(u, v).s, abs=1e-12)  # type: ignore[union-attr]
    ws.close()


def test_signals_are_the_ties_view_in_edge_order(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "w.db")
    for cache in (False, True, True):  # from the tables, then written to and read from the cache
        rg = load_graph(ws, S, cache=cache, signals=True)
        assert rg.edge_signals is not None
        view = {
            (a, b): (ab, ba, e1 + e2 + r1 + r2, kinds is not None)
            for a, b, ab, ba, e1, e2, r1, r2, kinds in ws.conn.execute(
                "SELECT a, b, msgs_ab, msgs_ba, endorse_ab, endorse_ba, recs_ab, recs_ba, kinds"
                " FROM ties"
            )
        }
        got = {
            (int(rg.person_id[u]), int(rg.person_id[v])): (
                rg.edge_signals["msgs_ab"][e],
                rg.edge_signals["msgs_ba"][e],
                rg.edge_signals["endorsements"][e],
                bool(rg.edge_signals["relationship"][e]),
            )
            for e, (u, v) in enumerate(zip(rg.edge_u.tolist(), rg.edge_v.tolist(), strict=True))
        }
        assert got == view
    assert load_graph(ws, S).edge_signals is None  # only when asked: 250 MB at 5 M ties
    ws.close()


def test_an_earlier_state_from_the_cache_equals_it_read_from_the_tables(
    weekly_team: Workspace, weekly_export
) -> None:
    from helpers import ANDERS, JONAS, LINA, MAJA, OLLE, PER, TOVE

    from graphwarm.workspace.history import past_state

    moved = (*ANDERS[:2], "Nordmark Energi AB", "Controller", ANDERS[4])
    talks = [
        ("Maja Lind", "maja-lind", "2026-05-02", True),
        ("Jonas Ek", "jonas-ek", "2026-01-02", False),
    ]
    import_linkedin(weekly_team, [weekly_export(LINA, [moved, MAJA, TOVE], 2, messages=talks)])
    import_linkedin(weekly_team, [weekly_export(OLLE, [PER, JONAS], 2)])
    (first,) = weekly_team.conn.execute("SELECT min(id) FROM imports").fetchone()
    load_module.warm_cache(weekly_team)
    for state in (past_state(weekly_team), past_state(weekly_team, since_import=first)):
        from_cache = load_graph(weekly_team, S, past=state)
        same_graph(from_cache, load_graph(weekly_team, S, past=state, cache=False))
    now = load_graph(weekly_team, S)
    assert from_cache.n_people < now.n_people  # the state after the first import: the accounts


# --- the kept earlier state (past_cache): changes reads it instead of rebuilding the state -------


def _kept(ws: Workspace) -> int | None:
    """The state the workspace keeps: the import it is the state after (``None``: none)."""
    return ws.conn.execute("SELECT max(upto) FROM past_cache").fetchone()[0]


def _reimport(ws: Workspace, weekly_export, member, contacts, week: int, **kw) -> None:
    """A member's export of that week, the graph cache then made current (graphwarm import)."""
    import_linkedin(ws, [weekly_export(member, contacts, week, **kw)], replace=True)
    load_module.warm_cache(ws)


def _changes_both_ways(ws: Workspace, **since) -> tuple[list, list]:
    """``changes`` with the kept state, then the same after the kept state is dropped."""
    from graphwarm.outputs.changes import changes

    fast = changes(ws, settings=S, **since).changes
    with ws.transaction(graph=False):
        ws.conn.execute("DELETE FROM past_cache")
    return fast, changes(ws, settings=S, **since).changes


def _mail(path: Path, to: str, day: int) -> Path:
    """Lina's e-mail to ``to`` (an address only, no name: someone no sighting names)."""
    path.write_text(
        f"From: Lina Ahl <lina@example.se>\nTo: {to}\n"
        f"Date: Sat, {day} Nov 2026 10:00:00 +0100\nMessage-ID: <{day}@example.se>\n\n",
        encoding="utf-8",
    )
    return path


def test_changes_read_the_kept_state_and_say_the_same_as_without_it(
    weekly_team: Workspace, weekly_export, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lina's e-mail to an address no sighting names, kept; then her week 2 (Anders moves into
    a target account) and a newer mailbox without that e-mail: the address's owner is shown
    by their name of today, as reading the state from the tables shows them."""
    from helpers import LINA, WEEK2

    from graphwarm.workspace.history import past_state
    from graphwarm.workspace.imports import import_mail

    ws = weekly_team
    import_mail(ws, [_mail(tmp_path / "a.eml", "kontakt@kustbanken.se", 20)], member="Lina Ahl")
    load_module.warm_cache(ws)
    (week1,) = ws.conn.execute("SELECT max(id) FROM imports").fetchone()
    import_linkedin(ws, [weekly_export(LINA, WEEK2, 2)])
    assert _kept(ws) == week1  # kept by the import, as the state after the one before it
    assert load_module._load_past(ws.conn, past_state(ws)) is not None
    import_mail(ws, [_mail(tmp_path / "b.eml", "info@nordmark.se", 27)], member="Lina Ahl")
    assert _kept(ws) == week1  # the graph cache was not current: nothing newer to keep
    with ws.transaction():  # named since (by hand): the state kept showed them otherwise
        ws.conn.execute("UPDATE people SET name = 'Kontakt' WHERE name_key IS NULL")
    monkeypatch.setattr(load_module, "_past_from_now", lambda *a: pytest.fail("slow path"))
    past = past_state(ws, since_import=week1)
    then = load_graph(ws, S, past=past)
    assert "Kontakt" in then.names
    same_graph(then, load_graph(ws, S, past=past, cache=False))
    monkeypatch.undo()
    fast, slow = _changes_both_ways(ws, since_import=week1)
    assert fast == slow
    assert "moved into a target account" in {c.kind for c in fast}


def test_undo_forget_and_prune_drop_the_kept_state(weekly_team: Workspace, weekly_export) -> None:
    from helpers import LINA, WEEK1, WEEK2

    from graphwarm.workspace.forget import forget_person
    from graphwarm.workspace.history import prune_history, undo

    ws = weekly_team
    load_module.warm_cache(ws)
    _reimport(ws, weekly_export, LINA, WEEK2, 2)
    assert _kept(ws) is not None
    undo(ws)
    assert _kept(ws) is None  # week 2 undone: the state after week 1 is today's, not kept
    load_module.warm_cache(ws)  # as graphwarm undo does
    _reimport(ws, weekly_export, LINA, WEEK2, 2)
    kept_names = "SELECT data FROM past_cache WHERE name = 'names:text'"
    assert "Nyström".encode() in ws.conn.execute(kept_names).fetchone()[0]
    ws.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    forget_person(ws, "Sara Nyström")  # in week 1 only: in the kept state
    assert _kept(ws) is None
    ws.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert "Nyström".encode() not in db_bytes(ws.path)
    load_module.warm_cache(ws)
    _reimport(ws, weekly_export, LINA, WEEK1, 3)
    assert _kept(ws) is not None
    prune_history(ws, dt.date.today() + dt.timedelta(days=1))
    assert _kept(ws) is None


def test_changes_since_a_day_read_the_kept_state_only_when_it_is_that_state(
    weekly_team: Workspace, weekly_export
) -> None:
    from helpers import LINA, OLLE, PER, WEEK2

    from graphwarm.workspace.history import past_state

    ws = weekly_team
    day = "UPDATE imports SET imported_at = ? WHERE imported_at > '2026-11-30'"
    ws.conn.execute(day, ("2026-11-20T08:00:00+00:00",))
    ws.conn.commit()
    load_module.warm_cache(ws)
    _reimport(ws, weekly_export, LINA, WEEK2, 2)
    ws.conn.execute(day, ("2026-11-27T08:00:00+00:00",))
    ws.conn.commit()
    _reimport(ws, weekly_export, OLLE, [PER], 2)
    kept = _kept(ws)
    days = {dt.date(2026, 11, 21): False, dt.date(2026, 11, 28): True}  # read the kept state?
    for since, reads in days.items():
        state = past_state(ws, since=since)
        assert (state.upto == kept) is reads
        assert (load_module._load_past(ws.conn, state) is not None) is reads
    fast = [changes_of(ws, {"since": since}) for since in days]
    with ws.transaction(graph=False):
        ws.conn.execute("DELETE FROM past_cache")
    assert fast == [changes_of(ws, {"since": since}) for since in days]


_POOL = ["ANDERS", "MAJA", "JONAS", "SARA", "PER", "TOVE"]
_COMPANIES = ["Kustbanken AB", "Nordmark Energi AB", "Vester Logistik AS", ""]
_weeks = st.lists(
    st.tuples(
        st.sampled_from(["LINA", "OLLE"]),
        st.lists(
            st.tuples(st.sampled_from(range(len(_POOL))), st.sampled_from(_COMPANIES)),
            max_size=len(_POOL),
            unique_by=lambda c: c[0],
        ),
        st.booleans(),  # the graph cache made current after the import (graphwarm import)
    ),
    min_size=1,
    max_size=5,
)


@given(weeks=_weeks)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_changes_from_the_kept_state_equal_changes_without_it(
    tmp_path_factory: pytest.TempPathFactory, weeks: list
) -> None:
    """Two members' weekly exports in any order, sharing contacts who change jobs: every
    earlier state the kept one describes gives the same graph and the same changes."""
    import zipfile

    import helpers

    from graphwarm import import_accounts
    from graphwarm.workspace.history import past_state

    folder = tmp_path_factory.mktemp("weeks")
    (folder / "accounts.csv").write_text(helpers.ACCOUNTS, encoding="utf-8")
    with Workspace(folder / "w.db") as ws:
        import_accounts(ws, folder / "accounts.csv")
        load_module.warm_cache(ws)
        for n, (member, week, warm) in enumerate(weeks):
            contacts = [(*getattr(helpers, _POOL[i])[:2], c, "CFO", "01 Jan 2024") for i, c in week]
            path = folder / f"{member}-{n}.zip"
            with zipfile.ZipFile(path, "w") as archive:
                profile = helpers.profile_csv(getattr(helpers, member)[0], helpers.HEADLINE)
                archive.writestr("Profile.csv", profile)
                archive.writestr("Connections.csv", helpers.connections_csv(contacts))
            import_linkedin(ws, [path], replace=True)
            if warm:
                load_module.warm_cache(ws)
        ids = [r[0] for r in ws.conn.execute("SELECT id FROM imports ORDER BY id")]
        states = [{}, *({"since_import": k} for k in ids)]
        kept = _kept(ws)
        for since in states:
            past = past_state(ws, **since)
            if kept is not None and load_module._describes(ws.conn, past, kept):
                now = load_module._current_raw(ws.conn)
                stored = load_module._load_past(ws.conn, past)
                assert load_module._past_from_kept(ws, past, now, stored) is not None
            same_graph(load_graph(ws, S, past=past), load_graph(ws, S, past=past, cache=False))
        fast = [changes_of(ws, since) for since in states]
        with ws.transaction(graph=False):
            ws.conn.execute("DELETE FROM past_cache")
        assert fast == [changes_of(ws, since) for since in states]


def changes_of(ws: Workspace, since: dict) -> list:
    from graphwarm.outputs.changes import changes

    return changes(ws, settings=S, **since).changes
