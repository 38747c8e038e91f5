"""Tests for graphwarm.cli.changes: ``graphwarm changes`` in its three formats, and its
refusals."""

from __future__ import annotations

import json

from helpers import ANDERS, JONAS, LINA, MAJA

from graphwarm import Workspace, import_linkedin

ANDERS_MOVED = (*ANDERS[:2], "Nordmark Energi AB", "Controller", ANDERS[4])


def test_changes_table_csv_and_json(cli, weekly_team: Workspace, weekly_export, tmp_path) -> None:
    import_linkedin(weekly_team, [weekly_export(LINA, [ANDERS_MOVED, MAJA, JONAS], 2)])
    table = cli("changes")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].startswith(
        "Changes since the import before the latest of each member and file ("
    )
    assert lines[1:3] == [
        "moved into a target account:",
        "  Anders Holm (Nordmark Energi AB): Kustbanken AB → Nordmark Energi AB",
    ]
    data = json.loads(cli("changes", "--format", "json").stdout)
    assert data["changes"][0] == {
        "kind": "moved into a target account",
        "account": "Nordmark Energi AB",
        "who": "Anders Holm",
        "old": "Kustbanken AB",
        "new": "Nordmark Energi AB",
        "account_id": weekly_team.conn.execute(
            "SELECT id FROM accounts WHERE name = 'Nordmark Energi AB'"
        ).fetchone()[0],
    }
    out = tmp_path / "changes.csv"
    assert cli("changes", "--format", "csv", "-o", out).exit_code == 0
    text = out.read_text("utf-8-sig").splitlines()
    assert text[0] == "kind,account,who,old,new" and len(text) == len(data["changes"]) + 1


def test_changes_since_the_last_import_finds_nothing(cli, weekly_team: Workspace) -> None:
    (last,) = weekly_team.conn.execute("SELECT max(id) FROM imports").fetchone()
    result = cli("changes", "--since-import", last)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == ["  nothing changed"]
    assert cli("changes", "--since", "2000-01-01").stdout.startswith("Changes since 2000-01-01:")


def test_changes_refusals(cli, weekly_team: Workspace) -> None:
    result = cli("changes", "--since-import", "99")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: there is no import 99 in the history. graphwarm history lists them"
    )
    both = cli("changes", "--since", "2026-01-01", "--since-import", "1")
    assert both.exit_code == 2 and "give at most one of --since or --since-import" in both.output
