"""The referral graph: arrays, targets, titles, exclusion, networkx model, reading a workspace."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from graphwarm.engine.graph import (
    TARGET_NAMED,
    TARGET_TITLE,
    ReferralGraph,
    buyer_title_pattern,
    graph_from_lists,
    to_networkx,
)
from graphwarm.engine.load import load_graph
from graphwarm.engine.strength import tie_strength
from graphwarm.settings import Settings
from graphwarm.workspace.store import Workspace

AS_OF = dt.date(2026, 11, 1)


@pytest.mark.parametrize(
    ("title", "hit"),
    [
        ("CFO", True),
        ("Group CFO & Deputy CEO", True),
        ("cfo", True),
        ("CFOO", False),
        ("ACFO", False),
        ("Chief Revenue Officer", True),
        ("Chief of Staff", False),
        ("Ekonomichef", True),
        ("Head of  Procurement", True),
        ("Headmaster", False),
        ("IT-chef", True),
        (None, False),
        ("", False),
    ],
)
def test_buyer_title_matching(title, hit):
    titles = Settings().buyer_titles
    pattern = buyer_title_pattern(titles)
    assert (title is not None and pattern.search(title) is not None) is hit


def test_no_patterns_no_matches():
    assert buyer_title_pattern([]) is None


def test_duplicate_and_reversed_edges_keep_the_strongest():
    g = ReferralGraph.from_arrays(
        is_member=[True, False, False],
        account=[-1, -1, -1],
        edge_u=[0, 1, 0, 2, 1],
        edge_v=[1, 0, 1, 2, 2],
        edge_s=[0.2, 0.7, 0.4, 0.9, 0.3],
    )
    assert g.edge_u.tolist() == [0, 1]
    assert g.edge_v.tolist() == [1, 2]
    assert g.edge_s.tolist() == [0.7, 0.3]  # the self-loop 2-2 is gone
    assert g.edge_index(1, 0) == 0 and g.edge_index(0, 2) == -1


def _people():
    return [
        {"id": 1, "name": "Lina Ahl", "company": "Seller AB", "member": True},
        {"id": 2, "name": "Sofia Wall", "company": "Nordvik Transport AB", "title": "CFO"},
        {"id": 3, "name": "Karl Berg", "company": "Nordvik Transport", "title": "Driver"},
        {"id": 4, "name": "Ann Ek", "company": "Other AB", "title": "CFO"},
        {"id": 5, "name": "Bo Ek", "company": "Empty AB", "title": "Driver"},
        {"id": 6, "name": "Named One", "company": "Other AB", "target": True},
        {"id": 7, "name": "Gone", "company": "Quiet AB", "title": "CEO", "excluded": True},
        {"id": 8, "name": "Do Not Call", "company": "Banned AB", "title": "CEO"},
        {"id": 9, "name": "Team CEO", "company": "Seller AB", "title": "CEO", "member": True},
    ]


def _graph(**kwargs):
    return graph_from_lists(
        _people(),
        [(1, 2, 0.8)],
        target_accounts=["Nordvik Transport AB", "Empty AB", "Quiet AB", "Banned AB", "Seller"],
        settings=Settings(exclude=("do not call",), **kwargs),
    )


def test_targets_named_titled_and_accounts_without_targets():
    g = _graph()
    kinds = dict(zip(g.person_id.tolist(), g.target_kind.tolist(), strict=True))
    assert kinds[2] == TARGET_TITLE  # CFO at a target account
    assert kinds[3] == 0  # a driver is not a buyer
    assert kinds[4] == 0  # CFO, but Other AB is not a target account
    assert kinds[6] == TARGET_NAMED  # imported as a target, wherever they work
    assert kinds[7] == 0 and kinds[8] == 0  # excluded people are never targets
    assert kinds[9] == 0  # members neither
    pseudo = sorted(g.account_name[a] for a in g.pseudo_account)
    assert pseudo == ["Banned AB", "Empty AB", "Quiet AB", "Seller AB"]
    assert g.excluded[g.index_of(8)]  # settings.exclude matched by name
    assert g.name_of(g.index_of(-g.account_id[g.pseudo_account[0]])).startswith("the buyer at")
    targets = g.targets()
    assert len(targets) == 2 + 4


def test_custom_buyer_titles():
    g = _graph(buyer_titles=("Driver",))
    kinds = dict(zip(g.person_id.tolist(), g.target_kind.tolist(), strict=True))
    assert kinds[2] == 0 and kinds[3] == TARGET_TITLE and kinds[5] == TARGET_TITLE


def test_edge_signals_follow_the_edges_kept():
    # a repeated pair keeps its strongest tie, a self-loop goes: the signals go with them
    g = ReferralGraph.from_arrays(
        is_member=[True, False, False],
        account=[-1, -1, -1],
        edge_u=[2, 0, 1, 0],
        edge_v=[0, 1, 1, 2],
        edge_s=[0.2, 0.5, 0.9, 0.7],
        edge_signals={"msgs_ab": np.array([1.0, 2.0, 3.0, 4.0])},
    )
    assert list(zip(g.edge_u.tolist(), g.edge_v.tolist(), strict=True)) == [(0, 1), (0, 2)]
    assert g.edge_s.tolist() == [0.5, 0.7]
    assert g.edge_signals is not None and g.edge_signals["msgs_ab"].tolist() == [2.0, 4.0]


def test_to_networkx_model():
    g = _graph()
    nxg = to_networkx(g)
    assert nxg.nodes[2]["name"] == "Sofia Wall"
    assert nxg.nodes[2]["account"] == "Nordvik Transport AB"
    assert nxg.nodes[2]["target"] and nxg.nodes[1]["member"]
    assert nxg.edges[1, 2]["strength"] == 0.8 and nxg.edges[1, 2]["observed"]
    pseudo = [n for n, d in nxg.nodes(data=True) if d["kind"] == "account"]
    assert len(pseudo) == 4
    bo = nxg.nodes[5]
    assert any(nxg.edges[5, p]["colleague"] for p in nxg.neighbors(5)) and bo["account"]
    assert not nxg.has_edge(2, 3)  # colleagues only on request
    full = to_networkx(g, colleagues=True)
    assert full.edges[2, 3]["colleague"] and not full.edges[2, 3]["observed"]
    sub = to_networkx(g, [1, 2])
    assert set(sub.nodes) == {1, 2} and sub.number_of_edges() == 1


def _workspace(path):
    ws = Workspace(path, settings=Settings(as_of=AS_OF))
    c = ws.conn
    c.execute("BEGIN")
    c.execute(
        "INSERT INTO imports (id, kind, file, sha256, imported_at) "
        "VALUES (1, 'people', 'x.csv', 'abc', '2026-11-01')"
    )
    for aid, key, name in [
        (10, "seller", "Seller AB"),
        (11, "nordvik transport", "Nordvik Transport AB"),
        (12, "empty", "Empty AB"),
        (13, "acme", "Acme AB"),
    ]:
        c.execute("INSERT INTO accounts (id, key, name) VALUES (?, ?, ?)", (aid, key, name))
    for aid in (11, 12):
        c.execute(
            "INSERT INTO account_targets (account_id, import_id, name) VALUES (?, 1, ?)",
            (aid, str(aid)),
        )
    people = [
        (1, "Lina Ahl", 10, None, 1, 0, 0),
        (2, "Per Moberg", 13, "Engineer", 0, 0, 0),
        (3, "Sofia Wall", 11, "Chief Financial Officer", 0, 0, 0),
        (5, "Karl Berg", 11, "Driver", 0, 0, 1),
        (7, "Eva Lund", 11, "Driver", 0, 0, 0),
        (8, "No Account", None, "CFO", 0, 1, 0),
    ]
    for pid, name, acc, title, member, target, excluded in people:
        c.execute(
            "INSERT INTO people (id, name, name_key, account_id, company, title, is_member, "
            "is_target, excluded) VALUES (?, ?, lower(?), ?, NULL, ?, ?, ?, ?)",
            (pid, name, name, acc, title, member, target, excluded),
        )
    c.execute("INSERT INTO emails (email, person_id) VALUES ('eva@nordvik.se', 7)")
    c.execute(
        "INSERT INTO positions (person_id, import_id, account_id, company, started, finished) "
        "VALUES (1, 1, 13, 'Acme AB', '2015-01', '2019-06')"
    )
    signals = [
        # a, b, connected_on, msgs_ab, msgs_ba, first, last, endorse_ab, kind, strength
        (1, 2, "2020-01-01", 10, 12, "2020-02-01", "2026-10-20", 1, None, None),
        (2, 3, "2022-03-01", 0, 0, None, None, 0, None, None),
        (1, 8, None, 0, 0, None, None, 0, "partner", 0.9),
    ]
    for a, b, con, ab, ba, first, last, endorse, kind, strength in signals:
        c.execute(
            "INSERT INTO signals (a, b, import_id, connected_on, msgs_ab, msgs_ba, first_msg, "
            "last_msg, endorse_ab, kind, strength) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
            (a, b, con, ab, ba, first, last, endorse, kind, strength),
        )
    # a second import adds messages to the pair (1, 2): the ties view sums them
    c.execute(
        "INSERT INTO imports (id, kind, file, sha256, imported_at) "
        "VALUES (2, 'linkedin:messages', 'm.csv', 'def', '2026-11-01')"
    )
    c.execute(
        "INSERT INTO signals (a, b, import_id, msgs_ab, msgs_ba, last_msg) "
        "VALUES (1, 2, 2, 5, 0, '2026-10-29')"
    )
    c.execute("COMMIT")
    return ws


def test_load_graph_reads_a_workspace(tmp_path):
    ws = _workspace(tmp_path / "w.db")
    settings = Settings(as_of=AS_OF, exclude=("EVA@nordvik.se",))
    g = load_graph(ws, settings)
    assert g.person_id.tolist() == [1, 2, 3, 5, 7, 8]
    assert g.is_member.tolist() == [True, False, False, False, False, False]
    assert g.excluded.tolist() == [False, False, False, True, True, False]  # column, e-mail
    assert [g.account_name[a] if a >= 0 else None for a in g.account] == [
        "Seller AB",
        "Acme AB",
        "Nordvik Transport AB",
        "Nordvik Transport AB",
        "Nordvik Transport AB",
        None,
    ]
    kinds = dict(zip(g.person_id.tolist(), g.target_kind.tolist(), strict=True))
    assert kinds == {1: 0, 2: 0, 3: TARGET_TITLE, 5: 0, 7: 0, 8: TARGET_NAMED}
    assert [g.account_name[a] for a in g.pseudo_account] == ["Empty AB"]
    assert g.edge_u.tolist() == [0, 0, 1] and g.edge_v.tolist() == [1, 5, 2]
    row = dict(
        zip(
            [d[0] for d in ws.conn.execute("SELECT * FROM ties WHERE a=1 AND b=2").description],
            ws.conn.execute("SELECT * FROM ties WHERE a=1 AND b=2").fetchone(),
            strict=True,
        )
    )
    assert row["msgs_ab"] == 15
    # Lina's Positions.csv names Per's current account: a shared (past) employer
    expected = tie_strength(row, settings, shared_employer=True).s
    assert g.edge_s[0] == pytest.approx(expected, abs=1e-12)
    assert g.edge_shared.tolist() == [True, False, False]
    assert g.edge_s[1] == 0.9  # relationships file: the given strength
    assert g.tie_breakdown(0, 1).describe().startswith("strong: 27 messages both ways")
    assert g.edge_s[2] == pytest.approx(0.10 * (4 + 8 / 12) / 5, abs=2e-3)  # bare connection
    ws.close()


def test_load_graph_of_an_empty_workspace(tmp_path):
    with Workspace(tmp_path / "e.db") as ws:
        g = load_graph(ws)
    assert g.n_people == 0 and g.edge_u.shape == (0,) and g.targets().shape == (0,)


def test_load_graph_from_a_path(tmp_path):
    _workspace(tmp_path / "w.db").close()
    g = load_graph(tmp_path / "w.db", Settings(as_of=AS_OF), keep_connection=False)
    assert g.n_people == 6 and g.conn is None
    assert np.all(g.edge_s >= 0)
