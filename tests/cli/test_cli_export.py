"""``graphwarm export``: what it says when it writes, and one ``Error: …`` line when it
cannot."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from helpers import build_team

from graphwarm.cli import main


@pytest.fixture
def team_cli(tmp_path: Path):
    db = build_team(tmp_path / "team")
    runner = CliRunner()

    def invoke(*args: str | Path):
        return runner.invoke(main, ["--db", str(db), *map(str, args)], catch_exceptions=False)

    assert invoke("exclude", "Karl Berg").exit_code == 0
    return invoke


def test_export_says_what_it_wrote(team_cli, tmp_path: Path) -> None:
    out = tmp_path / "team.graphml"
    result = team_cli("export", "--format", "graphml", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Wrote {out} (graphml, the warm-path view): 7 people, 5 accounts, 4 ties, "
        "reach of 5 targets.",
        "Left out: 1 person on the do-not-contact list, with their ties.",
    ]
    # Lina; the targets Sofia, Ørjan, Ebba, Eve; Per and Jon on their paths; + the buyer at
    # Ödemark Skog AB, which names no target
    assert nx.read_graphml(out).number_of_nodes() == 7 + 1


def test_export_everyone_to_a_folder(team_cli, tmp_path: Path) -> None:
    result = team_cli("export", "--format", "neo4j", "--everyone", "-o", tmp_path / "neo")
    assert result.exit_code == 0, result.output
    assert "(neo4j, everyone): 9 people" in result.stdout
    assert sorted(p.name for p in (tmp_path / "neo").iterdir()) == [
        "accounts.csv",
        "knows.csv",
        "people.csv",
        "works_at.csv",
    ]


def _error(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    return lines[0]


def test_graph_formats_need_a_file(team_cli, tmp_path: Path) -> None:
    line = _error(team_cli("export", "--format", "gexf", "-o", tmp_path))
    assert line == (
        f"Error: {tmp_path}: is a folder; GraphML and GEXF are written to one file. "
        "give a file name, e.g. -o graph.graphml"
    )


def test_table_formats_need_a_folder(team_cli, tmp_path: Path) -> None:
    taken = tmp_path / "export.txt"
    taken.write_text("mine", encoding="utf-8")
    line = _error(team_cli("export", "--format", "parquet", "-o", taken))
    assert line == (
        f"Error: {taken}: is a file; Parquet and Neo4j exports are a folder of files. "
        "give a folder name, e.g. -o export"
    )
    assert taken.read_text(encoding="utf-8") == "mine"


def test_the_folder_must_exist(team_cli, tmp_path: Path) -> None:
    where = tmp_path / "nowhere" / "team.graphml"
    line = _error(team_cli("export", "--format", "graphml", "-o", where))
    assert line == f"Error: {where}: the folder to write it in does not exist"


def test_export_without_a_workspace(cli, db_path: Path, tmp_path: Path) -> None:
    line = _error(cli("export", "--format", "parquet", "-o", tmp_path / "x"))
    assert line.startswith(f"Error: {db_path}: no workspace here")
    assert not (tmp_path / "x").exists()


def test_format_and_output_are_required(team_cli) -> None:
    result = team_cli("export", "-o", "x.graphml")
    assert result.exit_code == 2 and "--format" in result.output
