"""The exports: GraphML and GEXF read back with networkx, Parquet queried with DuckDB, the
Neo4j CSV files' headers and ids; awkward text exported exactly; the warm-path view and
``everyone``; the do-not-contact list left out."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import networkx as nx
import pyarrow.parquet as pq
import pytest
from helpers import FIXTURES, build_team

import graphwarm
from graphwarm.engine.queries import exclude_people
from graphwarm.engine.tables import COLUMNS
from graphwarm.outputs.exports import ExportError, export
from graphwarm.workspace.imports import import_accounts, import_people
from graphwarm.workspace.store import Workspace

EXPORTS = FIXTURES / "exports"
DOCS = Path(__file__).resolve().parents[2] / "docs"
# The importers fold line breaks in names; the export must not rely on it.
BROKEN_NAME = "Zoë Núñez, 李\r\nline two\nthree"


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The plans team, awkward targets, tiers, a line-broken name and one excluded person."""
    folder = tmp_path_factory.mktemp("exports")
    ws = Workspace(build_team(folder))
    import_people(ws, EXPORTS / "awkward_people.csv", target=True)
    import_accounts(ws, EXPORTS / "tiers.csv")
    import_accounts(ws, EXPORTS / "tiers_newer.csv")
    with ws.transaction() as conn:
        conn.execute("UPDATE people SET name = ? WHERE name = 'Zoë Núñez, 李'", (BROKEN_NAME,))
    exclude_people(ws, ["Karl Berg"])
    yield ws
    ws.close()


def stored(ws: Workspace) -> dict[int, tuple[str, str | None, str | None]]:
    """Everyone's name, company and title as the workspace holds them."""
    return {
        pid: (name, company, title)
        for pid, name, company, title in ws.conn.execute(
            "SELECT id, name, company, title FROM people WHERE NOT excluded"
        )
    }


def reference(ws: Workspace) -> nx.Graph:
    """networkx_graph without the do-not-contact list, dates as the XML formats write them."""
    graph = graphwarm.to_networkx(ws, results=graphwarm.reach(ws).targets)
    graph.remove_nodes_from([n for n, d in graph.nodes(data=True) if d.get("excluded")])
    for _, _, attrs in graph.edges(data=True):
        for key, value in attrs.items():
            if isinstance(value, dt.date):
                attrs[key] = value.isoformat()
    return graph


def test_graphml_reads_back_as_the_networkx_graph(team: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "team.graphml"
    summary = export(team, "graphml", path, everyone=True)
    back = nx.read_graphml(path, node_type=int)
    ref = reference(team)
    assert summary.people == sum(1 for _, d in ref.nodes(data=True) if d["kind"] == "person")
    assert back.number_of_nodes() == ref.number_of_nodes()
    assert back.number_of_edges() == ref.number_of_edges() >= summary.ties  # + the buyers'
    buyers = [d["name"] for n, d in back.nodes(data=True) if n < 0]
    assert buyers == ["the buyer at Ödemark Skog AB"]  # a target account that names no one
    assert dict(back.nodes(data=True)) == dict(ref.nodes(data=True))
    assert {frozenset((a, b)): d for a, b, d in back.edges(data=True)} == {
        frozenset((a, b)): d for a, b, d in ref.edges(data=True)
    }
    sofia = next(d for _, d in back.nodes(data=True) if d["name"] == "Sofia Wall")
    assert sofia["label"] == "internal" and 0 < sofia["probability"] < 1


def test_gexf_reads_back_as_the_networkx_graph(team: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "team.gexf"
    export(team, "gexf", path, everyone=True)
    back = nx.read_gexf(path, node_type=int)
    ref = reference(team)
    for node, attrs in ref.nodes(data=True):
        got = dict(back.nodes[node])
        assert got.pop("label") == attrs["name"]  # a GEXF node's own label: what Gephi shows
        if "label" in attrs:
            assert got.pop("reach_label") == attrs["label"]
        assert got == {k: v for k, v in attrs.items() if k != "label"}
    assert back.number_of_edges() == ref.number_of_edges()
    for a, b, attrs in ref.edges(data=True):
        got = dict(back.edges[a, b])
        got.pop("id")
        assert got.pop("weight") == attrs["strength"]
        assert got == attrs


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "parquet", "neo4j"])
def test_names_titles_and_companies_are_exported_exactly(
    team: Workspace, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / ("team." + fmt if fmt in ("graphml", "gexf") else fmt)
    export(team, fmt, out, everyone=True)
    if fmt == "graphml":
        g = nx.read_graphml(out, node_type=int)
        got = {n: (d["name"], d.get("company"), d.get("title")) for n, d in g.nodes(data=True)}
    elif fmt == "gexf":
        g = nx.read_gexf(out, node_type=int)
        got = {n: (d["label"], d.get("company"), d.get("title")) for n, d in g.nodes(data=True)}
    elif fmt == "parquet":
        rows = pq.read_table(out / "people.parquet").to_pylist()
        got = {r["id"]: (r["name"], r["company"], r["title"]) for r in rows}
    else:
        with (out / "people.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        got = {
            int(r["id:ID(Person)"]): (
                r["name:string"],
                r["company:string"] or None,
                r["title:string"] or None,
            )
            for r in rows
        }
    want = stored(team)
    assert {k: v for k, v in got.items() if k > 0} == want
    awkward = {v[0] for v in want.values()}
    assert BROKEN_NAME in awkward and '=HYPERLINK("x") Lind' in awkward
    titles = {v[2] for v in want.values()}
    assert {"CFO <&> 🚀", "=SUM(A1:A9)"} <= titles
    assert 'Øysund "Industri", AS' in {v[1] for v in want.values()}


def test_warm_view_holds_members_targets_and_their_paths(team: Workspace, tmp_path: Path) -> None:
    export(team, "parquet", tmp_path / "warm")
    export(team, "parquet", tmp_path / "all", everyone=True)
    warm = pq.read_table(tmp_path / "warm" / "people.parquet").to_pylist()
    alternatives = pq.read_table(tmp_path / "warm" / "alternatives.parquet").to_pylist()
    on_paths = {x for r in alternatives for x in r["path_ids"] if x > 0}
    everyone = pq.read_table(tmp_path / "all" / "people.parquet").to_pylist()
    expected = {r["id"] for r in everyone if r["member"] or r["target"] or r["id"] in on_paths}
    assert {r["id"] for r in warm} == expected
    assert len(warm) < len(everyone)
    ties = pq.read_table(tmp_path / "warm" / "ties.parquet").to_pylist()
    all_ties = pq.read_table(tmp_path / "all" / "ties.parquet").to_pylist()
    assert {(t["a"], t["b"]) for t in ties} == {
        (t["a"], t["b"]) for t in all_ties if t["a"] in expected and t["b"] in expected
    }
    # the reach is complete either way
    assert pq.read_table(tmp_path / "warm" / "reach.parquet").equals(
        pq.read_table(tmp_path / "all" / "reach.parquet")
    )


@pytest.mark.parametrize("everyone", [False, True])
def test_the_do_not_contact_list_is_left_out(
    team: Workspace, tmp_path: Path, everyone: bool
) -> None:
    (karl,) = team.conn.execute("SELECT id FROM people WHERE name = 'Karl Berg'").fetchone()
    export(team, "graphml", tmp_path / "g.graphml", everyone=everyone)
    export(team, "neo4j", tmp_path / "neo", everyone=everyone)
    export(team, "parquet", tmp_path / "pq", everyone=everyone)
    assert karl not in nx.read_graphml(tmp_path / "g.graphml", node_type=int)
    assert f"\n{karl}," not in (tmp_path / "neo" / "people.csv").read_text(encoding="utf-8")
    ties = pq.read_table(tmp_path / "pq" / "ties.parquet")
    assert karl not in ties["a"].to_pylist() + ties["b"].to_pylist()


def test_parquet_tables_have_the_documented_columns(team: Workspace, tmp_path: Path) -> None:
    export(team, "parquet", tmp_path, everyone=True)
    doc = (DOCS / "exports.md").read_text(encoding="utf-8")
    for name, columns in COLUMNS.items():
        if name == "imports":
            continue
        schema = pq.read_schema(tmp_path / f"{name}.parquet")
        assert [(f.name, f.type) for f in schema] == list(columns)
        section = doc.split(f"### `{name}`", 1)[1].split("###", 1)[0]
        documented = re.findall(r"^\| `(\w+)` \| `([^`]+)` \|", section, re.MULTILINE)
        assert documented == [(col, str(typ)) for col, typ in columns], name


def _sql(doc: str, name: str) -> str:
    """The SQL block of a document that follows the marker ``<!-- sql: name -->``."""
    text = (DOCS / doc).read_text(encoding="utf-8")
    block = text.split(f"<!-- sql: {name} -->", 1)[1]
    return block.split("```sql", 1)[1].split("```", 1)[0]


def test_duckdb_labels_per_tier_match_reach(team: Workspace, tmp_path: Path) -> None:
    export(team, "parquet", tmp_path)
    query = _sql("exports.md", "labels-per-tier").replace("export/", f"{tmp_path}/")
    got = {(tier, label): n for tier, label, n in duckdb.sql(query).fetchall()}
    reach = graphwarm.reach(team).to_pandas()
    tiers = graphwarm.accounts(team).set_index("id")["tier"]
    want: dict[tuple[str | None, str], int] = {}
    for account_id, label in zip(reach["account_id"], reach["label"], strict=True):
        tier = tiers.get(account_id) if account_id is not None else None
        key = (None if tier is None or tier != tier else tier, label)
        want[key] = want.get(key, 0) + 1
    assert got == want
    assert ("A", "internal") in got  # Storå Kraft AB: moved to tier A by the newer import


def test_duckdb_best_paths_match_reach(team: Workspace, tmp_path: Path) -> None:
    export(team, "parquet", tmp_path, everyone=True)
    query = _sql("scale.md", "best-paths").replace("export/", f"{tmp_path}/")
    got = dict(duckdb.sql(query).fetchall())
    reach = graphwarm.reach(team).to_pandas()
    warm = reach[(reach["label"] != "cold") & (reach["target_id"] > 0)]
    assert len(warm) >= 3
    for target_id, p in zip(warm["target_id"], warm["probability"], strict=True):
        assert got[target_id] == pytest.approx(p, abs=1e-9), target_id


_NEO4J_TYPES = {"long": int, "double": float, "boolean": bool, "string": str, "date": dt.date}


def _check_value(kind: str, text: str) -> None:
    if text == "":
        return  # no property
    if kind == "long":
        int(text)
    elif kind == "double":
        float(text)
    elif kind == "boolean":
        assert text in ("true", "false"), text
    elif kind == "date":
        dt.date.fromisoformat(text)


def test_neo4j_headers_and_id_references(team: Workspace, tmp_path: Path) -> None:
    summary = export(team, "neo4j", tmp_path, everyone=True)
    assert sorted(p.name for p in summary.files) == [
        "accounts.csv",
        "knows.csv",
        "people.csv",
        "works_at.csv",
    ]
    ids: dict[str, set[str]] = {}
    refs: list[tuple[str, str]] = []
    for path in summary.files:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            rows = list(reader)
        assert not header[0].startswith("\ufeff")
        for column, name in enumerate(header):
            m = re.fullmatch(r"(\w*):(ID|START_ID|END_ID)\((\w+)\)|:(LABEL|TYPE)|(\w+):(\w+)", name)
            assert m, name
            values = [r[column] for r in rows]
            if m.group(2) == "ID":
                ids.setdefault(m.group(3), set()).update(values)
                assert len(set(values)) == len(values)
            elif m.group(2):
                refs += [(m.group(3), v) for v in values]
            elif m.group(4) == "LABEL":
                assert all(re.fullmatch(r"(Person|Account)(;\w+)*", v) for v in values)
            elif m.group(4) == "TYPE":
                assert set(values) <= {"KNOWS", "WORKS_AT"}
            else:
                assert m.group(6) in _NEO4J_TYPES, name
                for v in values:
                    _check_value(m.group(6), v)
    assert refs and all(v in ids[space] for space, v in refs)
    assert len(ids["Person"]) == summary.people and len(ids["Account"]) == summary.accounts


def test_xml_refuses_a_control_character_and_writes_nothing(tmp_path: Path) -> None:
    ws = Workspace(build_team(tmp_path / "team"))
    with ws.transaction() as conn:
        conn.execute("UPDATE people SET title = 'CFO\x01' WHERE name = 'Sofia Wall'")
    (sofia,) = ws.conn.execute("SELECT id FROM people WHERE name = 'Sofia Wall'").fetchone()
    with pytest.raises(ExportError) as err:
        export(ws, "graphml", tmp_path / "g.graphml")
    assert str(err.value) == (
        f"the title of person {sofia} holds a control character that GraphML and GEXF (XML) "
        "cannot carry. export --format parquet or neo4j, which keep it"
    )
    assert not list(tmp_path.glob("g.graphml*"))
    export(ws, "parquet", tmp_path / "pq")
    titles = pq.read_table(tmp_path / "pq" / "people.parquet")["title"].to_pylist()
    assert "CFO\x01" in titles
    ws.close()


def test_an_empty_workspace_exports_empty_files(ws: Workspace, tmp_path: Path) -> None:
    for fmt in ("graphml", "gexf"):
        export(ws, fmt, tmp_path / f"g.{fmt}", everyone=True)
        read = nx.read_graphml if fmt == "graphml" else nx.read_gexf
        assert read(tmp_path / f"g.{fmt}").number_of_nodes() == 0
    export(ws, "parquet", tmp_path / "pq")
    assert pq.read_table(tmp_path / "pq" / "ties.parquet").num_rows == 0
    export(ws, "neo4j", tmp_path / "neo")
    assert (tmp_path / "neo" / "knows.csv").read_text(encoding="utf-8").count("\n") == 1
