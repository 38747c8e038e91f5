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


def test_members_with_no_export_in_changes_and_status(
    cli, weekly_team: Workspace, tmp_path
) -> None:
    """The roster's names as --member takes them: "lina ahl" has an export, "Zoé Ek" and
    "Kai Berg" have none; status lists them under the member exports, changes in every format."""
    toml = tmp_path / "graphwarm.toml"
    roster = '\n[team]\nmembers = ["lina ahl", "Zoé Ek", "Kai Berg"]\n'
    toml.write_text(toml.read_text("utf-8") + roster, encoding="utf-8")
    status = cli("status").stdout.splitlines()
    at = status.index("Member exports (newest; stale after 90 days):")
    none_yet = "no export yet (only on the team roster in graphwarm.toml, nothing imported)"
    assert [line.split(":")[0] for line in status[at + 1 : at + 5]] == [
        "  Lina Ahl",
        "  Olle Berg",
        "  Kai Berg",
        "  Zoé Ek",
    ]
    assert status[at + 3 : at + 5] == [f"  Kai Berg: {none_yet}", f"  Zoé Ek: {none_yet}"]
    data = json.loads(cli("changes", "--format", "json").stdout)
    assert [(c["kind"], c["who"]) for c in data["changes"]] == [
        ("no export yet", "Kai Berg"),
        ("no export yet", "Zoé Ek"),
    ]
    csv_text = cli("changes", "--format", "csv").stdout.splitlines()
    assert csv_text[1:] == [
        f'no export yet,,{who},,"only on the team roster in graphwarm.toml, nothing imported"'
        for who in ("Kai Berg", "Zoé Ek")
    ]


def test_a_bad_team_roster_is_one_line_naming_the_file_and_line(
    cli, weekly_team: Workspace, tmp_path
) -> None:
    toml = tmp_path / "graphwarm.toml"
    toml.write_text('as_of = "2026-12-01"\n[team]\nmembers = "Lina Ahl"\n', encoding="utf-8")
    result = cli("changes")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip() == (
        f"Error: {toml}, line 3, column 'members': members must be a list of names:"
        ' ["Anna Berg", "Bo Ek"]'
    )
