"""The network map's view (what is drawn), its cut at max_nodes, and the HTML it writes:
escaped, self-contained, UTF-8. Browser checks live in test_map_browser.py."""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import DDE, FORMULA

from graphwarm.cli import main
from graphwarm.engine.queries import reach_targets
from graphwarm.outputs.demo import build_demo
from graphwarm.outputs.netmap import build_map, map_view, render_map, write_map
from graphwarm.workspace.imports import import_people, import_ties
from graphwarm.workspace.store import Workspace

IMG = "<img src=x onerror=alert(1)>"
SCRIPT_CO = "</script><script>alert(1)</script> AB"
HREF = "Eva <b>href</b> Ek"
NOW = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)

EVIL_PEOPLE = f"""First Name,Last Name,Email,Job Title,Company Name
Eva,"<b>href</b> Ek",eva@evil.example,"CFO <script>alert(2)</script>","{SCRIPT_CO}"
"""
EVIL_TIES = f"""a_name,a_company,a_email,b_name,b_company,b_email,kind,strength
Lina Ahl,Fjordlys Software AB,,{IMG},{SCRIPT_CO},,friend,0.9
{IMG},{SCRIPT_CO},,"{HREF}",{SCRIPT_CO},eva@evil.example,colleague,0.8
Lina Ahl,Fjordlys Software AB,,"{FORMULA.replace('"', '""')}",{DDE},,friend,0.5
"{FORMULA.replace('"', '""')}",{DDE},,"{HREF}",{SCRIPT_CO},eva@evil.example,friend,0.5
"""


def add_evil_people(ws: Workspace, folder: Path) -> None:
    """A target, an introducer and an account whose names are HTML and script, and an
    introducer on another path named as a spreadsheet formula at a company named as a DDE
    command."""
    people, ties = folder / "evil_people.csv", folder / "evil_ties.csv"
    people.write_text(EVIL_PEOPLE, encoding="utf-8")
    ties.write_text(EVIL_TIES, encoding="utf-8")
    import_people(ws, people, target=True)
    import_ties(ws, ties)


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The samples' workspace plus the XSS names (built once for the module)."""
    folder = tmp_path_factory.mktemp("mapdemo")
    ws, _ = build_demo(folder)
    add_evil_people(ws, folder)
    yield ws
    ws.close()


def test_warm_view_draws_members_paths_targets_and_accounts(demo_ws: Workspace) -> None:
    result = reach_targets(demo_ws)
    view = build_map(demo_ws, now=NOW)
    keys = {n.key for n in view.nodes}
    kinds = {n.key: n.kind for n in view.nodes}
    assert len(keys) == len(view.nodes)
    assert view.left_out_note == ""
    # every target, its account, and every person on its best path and alternatives
    for tr in result.targets:
        key = f"p{tr.target}" if tr.target > 0 else f"a{-tr.target}"
        assert key in keys
        if tr.account_id is not None:
            assert kinds[f"a{tr.account_id}"] == "account"
        for route in ((tr.best,) if tr.best else ()) + tr.alternatives:
            assert {f"p{x}" if x > 0 else f"a{-x}" for x in route.path} <= keys
    # every member, and nobody who is on no path: no "contact" in the warm view
    members = demo_ws.conn.execute("SELECT count(*) FROM people WHERE is_member").fetchone()[0]
    assert view.counts()["member"] == members == 4
    assert view.counts()["contact"] == 0
    assert len(view.targets) == len(result.targets)
    # edges join drawn nodes; each best path's steps are edges
    pairs = {frozenset((e.a, e.b)) for e in view.edges}
    assert all(e.a in keys and e.b in keys for e in view.edges)
    assert len(pairs) == len(view.edges)
    for t in view.targets:
        for a, b in zip(t.path, t.path[1:], strict=False):
            assert frozenset((a, b)) in pairs
    assert view.title == "Warm paths: 85 targets at 41 accounts from 4 members"


def test_target_kinds_shapes_and_positions(demo_ws: Workspace) -> None:
    view = build_map(demo_ws, now=NOW)
    by_key = {n.key: n for n in view.nodes}
    sofia = next(n for n in view.nodes if n.name == "Sofia Wall")
    assert sofia.kind == "target" and sofia.label == "internal"
    per = next(n for n in view.nodes if n.name == "Per Moberg")
    assert per.kind == "intermediary"
    accounts = [n for n in view.nodes if n.kind == "account"]
    assert all(n.label in ("direct", "internal", "external", "cold") for n in accounts)
    positions = [(n.x, n.y) for n in view.nodes]
    assert len(set(positions)) == len(positions), "two nodes drawn on top of each other"
    # members in the middle, accounts further out
    r = {k: (n.x**2 + n.y**2) ** 0.5 for k, n in by_key.items()}
    assert max(r[n.key] for n in view.nodes if n.kind == "member") < min(r[n.key] for n in accounts)


def test_filters_narrow_the_view(demo_ws: Workspace) -> None:
    view = build_map(demo_ws, accounts=["Nordvik Transport AB"], now=NOW)
    assert {t.account for t in view.targets} == {"Nordvik Transport AB"}
    assert view.counts()["account"] == 1
    internal = build_map(demo_ws, labels=["internal"], now=NOW)
    assert {t.label for t in internal.targets} == {"internal"}
    lina = build_map(demo_ws, members=["Lina Ahl"], now=NOW)
    assert [n.name for n in lina.nodes if n.kind == "member"] == ["Lina Ahl"]
    assert all(
        t.path[0] == next(n.key for n in lina.nodes if n.kind == "member")
        for t in lina.targets
        if t.path
    )


def test_everyone_draws_the_whole_network(demo_ws: Workspace) -> None:
    view = build_map(demo_ws, everyone=True, now=NOW)
    people = demo_ws.conn.execute("SELECT count(*) FROM people WHERE NOT excluded").fetchone()[0]
    assert sum(1 for n in view.nodes if n.key[0] == "p") == people
    assert view.counts()["contact"] > 1000
    assert view.title.startswith("The whole network")
    assert len(view.edges) > len(build_map(demo_ws, now=NOW).edges)


def test_max_nodes_leaves_out_the_least_probable_paths_and_says_so(demo_ws: Workspace) -> None:
    full = build_map(demo_ws, now=NOW)
    cut = build_map(demo_ws, max_nodes=40, now=NOW)
    assert len(cut.nodes) <= 40
    assert cut.left_out_paths > 0 and cut.left_out_targets > 0
    assert len(cut.targets) + cut.left_out_targets == len(full.targets)
    # what is drawn is the most probable: every drawn target beats every left-out one
    drawn = {t.key for t in cut.targets}
    left = [t for t in full.targets if t.key not in drawn]
    assert min(t.probability for t in cut.targets) >= max(t.probability for t in left)
    note = cut.left_out_note
    assert f"{cut.left_out_paths:,} least probable paths" in note and "40 nodes" in note
    assert note in render_map(cut)
    assert "Left out" not in render_map(full)


def test_max_nodes_cut_in_the_everyone_view(demo_ws: Workspace) -> None:
    view = build_map(demo_ws, everyone=True, max_nodes=500, now=NOW)
    assert len(view.nodes) <= 500
    assert view.left_out_people > 0
    assert "least connected people" in view.left_out_note


def test_click_text_is_what_graphwarm_path_prints(demo_ws: Workspace) -> None:
    view = build_map(demo_ws, now=NOW)
    sofia = next(t for t in view.targets if t.name == "Sofia Wall")
    printed = CliRunner().invoke(main, ["--db", str(demo_ws.path), "path", "Sofia Wall"])
    assert printed.exit_code == 0, printed.output
    assert sofia.explanation == printed.output.rstrip("\n")
    assert sofia.path[0] == next(n.key for n in view.nodes if n.name == "Lina Ahl")


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_escapes_every_user_string(demo_ws: Workspace) -> None:
    page = render_map(build_map(demo_ws, now=NOW))
    for payload in (IMG, "<script>alert", "</script><script>", "<b>href</b>", "alert(2)</script>"):
        assert payload not in page
    assert page.count("</script>") == 2  # the vis-network bundle and our own script
    parser = _Tags()
    parser.feed(page)
    assert [t for t, _ in parser.tags].count("script") == 2
    assert [t for t, _ in parser.tags if t in ("img", "b", "iframe", "object", "embed")] == []
    assert all(not any(k.startswith("on") for k in attrs) for _, attrs in parser.tags)
    # the names are in the data, escaped for a script: < > & as \u003c \u003e \u0026
    assert json.dumps(IMG)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e") in page
    for name in (FORMULA, DDE):  # CSV injection probes: only text here too
        assert json.dumps(name)[1:-1].replace("&", "\\u0026").replace("'", "\\u0027") in page
    assert "innerHTML" not in page.split("</script>")[1]  # our own script: textContent only


def test_html_title_and_source_are_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "<b>team</b>"
    ws, _ = build_demo(folder)
    try:
        page = render_map(build_map(ws, accounts=["Nordvik Transport AB"], now=NOW))
    finally:
        ws.close()
    assert "<b>team</b>" not in page
    assert "&lt;b&gt;team&lt;/b&gt;" in page
    assert "Drawn 2026-11-01 09:30 from" in page


def test_page_is_self_contained(demo_ws: Workspace) -> None:
    page = render_map(build_map(demo_ws, now=NOW))
    parser = _Tags()
    parser.feed(page)
    loading = [
        (tag, attrs)
        for tag, attrs in parser.tags
        if tag in ("link", "img", "iframe", "object", "embed", "source", "video", "audio")
        or attrs.get("src")
        or (tag != "a" and attrs.get("href"))
    ]
    assert loading == []
    assert not re.search(r"https?://[^\s\"')]*\.(js|css)", page.replace("vis-network", ""))
    assert "bootstrap" not in page.lower() and "cdnjs" not in page and "unpkg" not in page
    assert "default-src 'none'" in page  # and the browser is told to load nothing
    assert "vis.Network" in page and "DataSet" in page


def test_write_map_writes_utf8(demo_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    view = write_map(demo_ws, out)
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "Rasmus B\u00e6k" in text or "Rasmus B\\u00e6k" in text
    assert len(view.nodes) > 100


def test_map_command(demo_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "m.html"
    runner = CliRunner()
    result = runner.invoke(
        main, ["--db", str(demo_ws.path), "map", "-o", str(out), "--max-nodes", "30"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out}: ")
    assert "Left out to stay within 30 nodes" in result.output
    assert out.exists()
    help_text = runner.invoke(main, ["map", "--help"]).output
    assert "Example:" in help_text and "graphwarm map -o map.html" in help_text
    bad = runner.invoke(main, ["--db", str(demo_ws.path), "map", "--label", "lukewarm"])
    assert bad.exit_code == 2


def test_map_command_unknown_account(demo_ws: Workspace, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["--db", str(demo_ws.path), "map", "-o", str(tmp_path / "x.html"), "--account", "Nope"],
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: no account called 'Nope'")


def test_map_view_without_a_workspace() -> None:
    from graphwarm.engine.graph import graph_from_lists
    from graphwarm.engine.reach import reach

    rg = graph_from_lists(
        [
            {"name": "Lina", "member": True, "company": "Us"},
            {"name": "Per", "company": "Nordvik"},
            {"name": "Sofia", "company": "Nordvik", "target": True},
        ],
        [(1, 2, 0.8)],
        target_accounts=["Nordvik"],
    )
    view = map_view(rg, reach(rg), source="lists", now=NOW)
    assert {n.name: n.kind for n in view.nodes} == {
        "Lina": "member",
        "Per": "intermediary",
        "Sofia": "target",
        "Nordvik": "account",
    }
    (sofia,) = view.targets
    assert sofia.label == "internal" and sofia.path == ("p1", "p2", "p3")
    assert view.source == "lists"
