"""``graphwarm reach``, ``path`` and ``exclude`` on a small hand-made workspace."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphwarm.cli import main
from graphwarm.workspace.store import Workspace

CONNECTIONS = """First Name,Last Name,URL,Email Address,Company,Position,Connected On
Per,Moberg,https://www.linkedin.com/in/per-moberg,,Nordvik Transport AB,Key Accounts,08 Feb 2023
Jon,Rask,https://www.linkedin.com/in/jon-rask,,Tellus Partners AB,Partner,09 Feb 2023
"""
PROFILE = "First Name,Last Name,Headline\nLina,Ahl,Seller\n"
ACCOUNTS = """Company name,Company Domain Name
Nordvik Transport AB,nordvik.se
Øysund Industri AS,oysund.no
Storå Kraft AB,storakraft.se
"""
BUYERS = """First Name,Last Name,Email,Job Title,Company Name
Sofia,Wall,sofia.wall@nordvik.se,CFO,Nordvik Transport AB
Ørjan,Ødegård,orjan@oysund.no,CFO,Øysund Industri AS
Ebba,Lindgren,ebba@storakraft.se,COO,Storå Kraft AB
"""
TIES = """a_name,a_company,b_name,b_company,kind,strength
Jon Rask,Tellus Partners AB,Ørjan Ødegård,Øysund Industri AS,board,0.8
"""


@pytest.fixture
def team(tmp_path: Path):
    """A workspace: Lina knows an insider of Nordvik and an outsider tied to Øysund's CFO."""
    export = tmp_path / "lina"
    export.mkdir()
    (export / "Connections.csv").write_text(CONNECTIONS, encoding="utf-8")
    (export / "Profile.csv").write_text(PROFILE, encoding="utf-8")
    for name, text in (("accounts.csv", ACCOUNTS), ("buyers.csv", BUYERS), ("ties.csv", TIES)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    db = tmp_path / "w.db"
    runner = CliRunner()

    def run(*args: str | Path):
        return runner.invoke(main, ["--db", str(db), *map(str, args)], catch_exceptions=False)

    assert run("import", "linkedin", export).exit_code == 0
    assert run("import", "accounts", tmp_path / "accounts.csv").exit_code == 0
    assert run("import", "people", tmp_path / "buyers.csv", "--target").exit_code == 0
    assert run("import", "ties", tmp_path / "ties.csv").exit_code == 0
    return run


def test_reach_json_has_every_field_and_the_three_labels(team) -> None:
    result = team("reach", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["target"]: r for r in json.loads(result.stdout)}
    assert rows["Sofia Wall"]["label"] == "internal"
    assert rows["Ørjan Ødegård"]["label"] == "external"
    assert rows["Ebba Lindgren"]["label"] == "cold"
    sofia = rows["Sofia Wall"]
    assert [p["name"] for p in sofia["path"]] == ["Lina Ahl", "Per Moberg", "Sofia Wall"]
    assert sofia["introducer"] == "Per Moberg" and sofia["member"] == "Lina Ahl"
    assert sofia["hops"] == 2
    assert sofia["probability"] == pytest.approx(sofia["p_intro"] * sofia["p_meeting_if_intro"])
    assert sofia["p_meeting_if_intro"] == pytest.approx(0.84, abs=0.15)
    for key in ("account", "title", "alternatives", "p_any"):
        assert key in sofia


def test_reach_filters_and_csv(team, tmp_path: Path) -> None:
    out = tmp_path / "warm.csv"
    result = team("reach", "--label", "external", "--format", "csv", "-o", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["target"] for r in rows] == ["Ørjan Ødegård"]
    assert rows[0]["path"] == "Lina Ahl → Jon Rask → Ørjan Ødegård"
    by_account = team("reach", "--account", "nordvik transport", "--format", "json")
    assert {r["account"] for r in json.loads(by_account.stdout)} == {"Nordvik Transport AB"}


def test_reach_table_fits_and_names_the_labels(team) -> None:
    result = team("reach")
    assert result.exit_code == 0
    assert "Sofia Wall" in result.stdout and "internal" in result.stdout
    assert "targets shown" not in result.output


def test_reach_table_shows_at_most_limit_rows_and_says_how_to_see_the_rest(team) -> None:
    every = json.loads(team("reach", "--format", "json").stdout)
    assert len(every) > 2
    result = team("reach", "--limit", "2")
    assert result.exit_code == 0
    first, second, *rest = every
    assert first["target"] in result.stdout and second["target"] in result.stdout
    assert not any(r["target"] in result.stdout for r in rest)
    assert f"2 of {len(every)} targets shown" in result.stderr
    assert "--format csv -o reach.csv" in result.stderr
    everyone = team("reach", "--limit", "0")
    assert all(r["target"] in everyone.stdout for r in every)


def test_path_explains_each_tie(team) -> None:
    result = team("path", "Sofia Wall")
    assert result.exit_code == 0, result.output
    assert "Lina Ahl → Per Moberg (" in result.stdout
    assert "Sofia Wall (colleague at Nordvik Transport AB)" in result.stdout
    assert "internal referral: 84 % if made" in result.stdout


def test_path_to_an_account_and_json(team) -> None:
    result = team("path", "Nordvik Transport", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["label"] == "internal"
    assert data["paths"][0]["path"][0]["name"] == "Lina Ahl"


def test_unknown_and_ambiguous_queries_exit_non_zero(team, tmp_path: Path) -> None:
    unknown = team("path", "Nobody Known")
    assert unknown.exit_code == 1
    assert "Error: no person or account 'Nobody Known'" in unknown.output
    with Workspace(tmp_path / "w.db") as ws:  # a namesake at another company
        ws.conn.execute(
            "INSERT INTO people (name, name_key, company) VALUES ('Per Moberg', 'per moberg', 'X')"
        )
    ambiguous = team("path", "Per Moberg")
    assert ambiguous.exit_code == 1
    assert "matches 2 people or accounts" in ambiguous.output
    assert "Per Moberg (Nordvik Transport AB): person" in ambiguous.output
    for command in (("exclude", "Per Moberg"), ("forget", "--person", "Per Moberg")):
        result = team(*command)
        assert result.exit_code == 1
        assert "Error: 'Per Moberg' names 2 people" in result.output
        assert "  Per Moberg (X)" in result.output


def test_excluded_people_are_never_on_a_path(team) -> None:
    assert team("exclude", "Per Moberg").exit_code == 0
    rows = {r["target"]: r for r in json.loads(team("reach", "--format", "json").stdout)}
    assert rows["Sofia Wall"]["label"] == "cold"
    assert "Per Moberg" in team("exclude").stdout
    assert team("exclude", "--undo", "Per Moberg").exit_code == 0
    rows = {r["target"]: r for r in json.loads(team("reach", "--format", "json").stdout)}
    assert rows["Sofia Wall"]["label"] == "internal"


def test_reach_on_a_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "none.db"), "reach"])
    assert result.exit_code == 1
    assert "Error: " in result.output and "no workspace here" in result.output
