"""The graph cache inside the workspace: same arrays as the tables, dropped by every change."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

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
