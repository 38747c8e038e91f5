"""``graphwarm plan`` and ``graphwarm forecast`` on the hand-made team of test_plans."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import build_team

from graphwarm.cli import main


@pytest.fixture
def run(tmp_path: Path):
    db = build_team(tmp_path / "team")
    runner = CliRunner()

    def invoke(*args: str | Path):
        return runner.invoke(main, ["--db", str(db), *map(str, args)], catch_exceptions=False)

    return invoke


def test_plan_writes_one_file_per_account(run, tmp_path: Path) -> None:
    out = tmp_path / "plans"
    result = run("plan", "Nordvik Transport AB", "Storå Kraft AB", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        str(out / "nordvik-transport-ab.md"),
        str(out / "stora-kraft-ab.md"),
    ]
    text = (out / "nordvik-transport-ab.md").read_text(encoding="utf-8")
    assert "## Draft introduction request" in text


def test_plan_all_as_html(run, tmp_path: Path) -> None:
    out = tmp_path / "html"
    result = run("plan", "--all", "--format", "html", "-o", out)
    assert result.exit_code == 0, result.output
    assert len(sorted(out.glob("*.html"))) == 4


def test_plan_needs_accounts_or_all_and_knows_them(run, tmp_path: Path) -> None:
    result = run("plan", "-o", tmp_path)
    assert result.exit_code == 1
    assert "Error: name one or more accounts, or give --all" in result.output
    result = run("plan", "Nordvik", "--all")
    assert result.exit_code == 1
    result = run("plan", "Nordvik Transprt AB", "-o", tmp_path)
    assert result.exit_code == 1
    assert "Error: no account called 'Nordvik Transprt AB'" in result.output
    assert "did you mean 'Nordvik Transport AB'?" in result.output


def test_forecast_table(run) -> None:
    result = run("forecast")
    assert result.exit_code == 0, result.output
    assert "Forecast: 5 targets" in result.output
    assert "Cold-calling every target instead: 0.4 expected meetings from 5 dials" in result.output
    assert "Lina Ahl" in result.output
    assert "no one has more than 3 conversations" in result.output


def test_forecast_csv_is_one_row_per_ask(run, tmp_path: Path) -> None:
    out = tmp_path / "asks.csv"
    assert run("forecast", "--format", "csv", "-o", out).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 5
    sofia = next(r for r in rows if r["target"] == "Sofia Wall")
    assert sofia["member"] == "Lina Ahl" and sofia["introducer"] == "Per Moberg"
    assert sofia["account"] == "Nordvik Transport AB" and float(sofia["probability"]) > 0.08
    ebba = next(r for r in rows if r["target"] == "Ebba Lindgren")
    assert ebba["label"] == "cold" and ebba["member"] == ""


def test_forecast_json(run) -> None:
    result = run("forecast", "--format", "json", "--no-spread")
    data = json.loads(result.output)
    assert data["targets"] == 5
    assert {line["label"] for line in data["by_label"]} == {
        "direct",
        "internal",
        "external",
        "cold",
    }
    assert data["expected_meetings"] == pytest.approx(sum(a["probability"] for a in data["asks"]))


def test_commands_have_help_with_an_example(run) -> None:
    for command in ("plan", "forecast"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example:" in result.output


def test_forecast_text_shows_the_first_lines_and_counts_the_rest(tmp_path: Path, monkeypatch):
    from graphwarm.cli import plans as plans_cli
    from graphwarm.outputs.demo import build_demo

    ws, _ = build_demo(tmp_path)
    ws.close()
    monkeypatch.setattr(plans_cli, "_LINES", 1)
    monkeypatch.setattr(plans_cli, "_WHOM", 1)
    db = str(tmp_path / "graphwarm.db")
    full = json.loads(CliRunner().invoke(main, ["--db", db, "forecast", "--format", "json"]).output)
    result = CliRunner().invoke(main, ["--db", db, "forecast"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # rich wraps lines
    # the demo's introducers each talk about one account, several about several targets there
    grouped = [i for i in full["introducers"] if i["asks"] > len(i["accounts"])]
    assert len(grouped) > 1 and not full["warnings"]
    assert "Björn Söderberg: one conversation about 4 targets at Silvernäs Media AB" in text
    assert f"… and {len(grouped) - 1} more: graphwarm forecast --format csv" in text
    assert text.count("one conversation about") == 1
    member = full["members"][0]
    assert f"and {len(member['to_whom']) - 1} more" in text
