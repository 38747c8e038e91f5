"""The Python interface: ``graphwarm.open``, the reach frame against the JSON records, the
people, accounts, ties and imports frames against the workspace, and ``to_networkx``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import graphwarm
from graphwarm.engine.load import load_graph
from graphwarm.engine.queries import reach_json
from graphwarm.engine.strength import COMPONENTS
from graphwarm.errors import InputError, WorkspaceError
from graphwarm.outputs.demo import build_demo
from graphwarm.workspace.store import Workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    folder = tmp_path_factory.mktemp("tables")
    built, _ = build_demo(folder)
    built.close()
    ws = graphwarm.open(folder / "graphwarm.db")
    yield ws
    ws.close()


def test_open_needs_an_existing_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no workspace here"):
        graphwarm.open(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def test_the_public_names_load_lazily() -> None:
    for name in ("open", "reach", "people", "accounts", "ties", "imports", "to_networkx"):
        assert name in graphwarm.__all__ and callable(getattr(graphwarm, name))


def test_reach_frame_holds_the_json_records(demo: Workspace) -> None:
    result = graphwarm.reach(demo)
    frame = result.to_pandas()
    records = json.loads("".join(reach_json(result)))
    assert len(frame) == len(records) == len(result.targets)
    for row, record in zip(frame.to_dict("records"), records, strict=True):
        for key in ("account", "target", "title", "label", "member", "introducer", "reason"):
            assert (None if pd.isna(row[key]) else row[key]) == record[key], key
        for key in ("probability", "p_intro", "p_meeting_if_intro", "p_any", "hops"):
            assert row[key] == record[key], key
        assert row["path"] == [step["name"] for step in record["path"]]
    alternatives = result.alternatives_to_pandas()
    assert len(alternatives) == sum(len(r["alternatives"]) for r in records)
    first = alternatives.groupby("target_id", sort=False).first()
    for t in result.targets:
        if t.alternatives:
            assert first.loc[t.target, "probability"] == t.alternatives[0].probability
            assert first.loc[t.target, "path_ids"] == list(t.alternatives[0].path)


def test_reach_takes_the_commands_options(demo: Workspace) -> None:
    frame = graphwarm.reach(demo, labels=["internal"], accounts=["Nordvik Transport AB"])
    df = frame.to_pandas()
    assert len(df) > 0 and set(df["label"]) == {"internal"}
    assert set(df["account"]) == {"Nordvik Transport AB"}


def test_reach_takes_one_name_and_refuses_an_unknown_label(demo: Workspace) -> None:
    one = graphwarm.reach(demo, accounts="Nordvik Transport AB").to_pandas()
    assert set(one["account"]) == {"Nordvik Transport AB"}
    with pytest.raises(InputError) as err:
        graphwarm.reach(demo, labels=["warm"])
    assert str(err.value) == "unknown label 'warm'. use one of direct, internal, external, cold"


def test_people_and_accounts_frames_are_the_workspace(demo: Workspace) -> None:
    people = graphwarm.people(demo)
    rows = demo.conn.execute(
        "SELECT id, name, company, title, account_id, is_member FROM people ORDER BY id"
    ).fetchall()
    assert people["id"].tolist() == [r[0] for r in rows]
    assert people["name"].tolist() == [r[1] for r in rows]
    assert people["member"].sum() == 4 and "label" not in people.columns
    accounts = graphwarm.accounts(demo)
    assert len(accounts) == demo.status().accounts
    assert accounts["target"].sum() == demo.status().target_accounts
    counts = people.dropna(subset=["account_id"]).groupby("account_id").size()
    assert (accounts.set_index("id")["people"][counts.index] == counts).all()


def test_ties_frame_parts_make_the_strength(demo: Workspace) -> None:
    ties = graphwarm.ties(demo)
    assert len(ties) == sum(demo.status().ties_by_kind.values())
    parts = ties[[f"s_{c}" for c in COMPONENTS]].sum(axis=1).clip(0, 1)
    plain = ties["strength_source"] == "signals"
    assert plain.any() and (~plain).any()
    assert ((parts[plain] - ties["strength"][plain]).abs() < 1e-12).all()
    rg = load_graph(demo)
    for row in ties.sample(40, random_state=1).to_dict("records"):
        breakdown = rg.tie_breakdown(rg.index_of(row["a"]), rg.index_of(row["b"]))
        assert breakdown is not None and breakdown.s == pytest.approx(row["strength"])
        assert breakdown.messages == row["msgs_ab"] + row["msgs_ba"]
        if breakdown.source == "signals":
            for c in breakdown.components:
                assert row[f"s_{c.name}"] == pytest.approx(c.contribution, abs=1e-12)


def test_imports_frame_is_the_status(demo: Workspace) -> None:
    imports = graphwarm.imports(demo)
    status = demo.status().imports
    assert imports["id"].tolist() == [i["id"] for i in status]
    assert imports["rows_imported"].tolist() == [i["rows_imported"] for i in status]
    assert set(imports.dropna(subset=["member"])["member"]) == set(demo.status().members)
    # the samples' exports carry no LinkedIn name; their newest entry dates Erik's old one
    linkedin = imports[imports["kind"] == "linkedin:connections"].set_index("member")
    assert linkedin["export_named"].isna().all()
    assert linkedin.loc["Erik Sandberg", "newest_entry"] == pd.Timestamp("2019-04-08")


def test_to_networkx_is_a_copy_with_the_attributes(demo: Workspace) -> None:
    graph = graphwarm.to_networkx(demo)
    status = demo.status()
    people = [n for n, d in graph.nodes(data=True) if d["kind"] == "person"]
    assert len(people) == status.people
    lina = next(d for d in graph.nodes.values() if d["name"] == "Lina Ahl")
    assert lina["member"] and lina["title"] and lina["account"]
    a, b, tie = next(iter(graph.edges(data=True)))
    assert tie["observed"] and {"strength", "strength_source", "s_recency"} <= set(tie)
    assert all(v is not None for _, d in graph.nodes(data=True) for v in d.values())
    graph.remove_edge(a, b)
    graph.nodes[a]["name"] = "changed"
    again = graphwarm.to_networkx(demo)
    assert again.has_edge(a, b) and again.nodes[a]["name"] != "changed"


def test_to_networkx_of_some_people_with_reach(demo: Workspace) -> None:
    result = graphwarm.reach(demo)
    best = next(t for t in result.targets if t.label == "internal")
    sub = graphwarm.to_networkx(demo, best.path, results=result.targets)
    assert set(sub.nodes) == set(best.path)
    assert sub.number_of_edges() >= 1
    assert sub.nodes[best.target]["label"] == "internal"
    assert sub.nodes[best.target]["probability"] == best.probability
