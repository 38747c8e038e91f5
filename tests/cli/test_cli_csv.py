"""The CSV that ``graphwarm reach`` and ``graphwarm forecast`` write, on a workspace holding
a person named as a spreadsheet formula at a company named as a DDE command: neutralised by
default, exact with ``--raw``, and JSON always exact."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import DDE, FORMULA, add_formula_people, build_team

from graphwarm.cli import main
from graphwarm.workspace.store import Workspace

NAME, COMPANY = FORMULA, DDE
TITLE = "IT;-2+3+cmd|' /C calc'!A0"
NUMBERS = {"probability", "p_intro", "p_meeting_if_intro", "p_any", "hops"}


@pytest.fixture
def run(tmp_path: Path):
    """The plans team, plus the formula person (a target) whom Per Moberg knows."""
    db = build_team(tmp_path / "team")
    with Workspace(db) as ws:
        add_formula_people(ws)
    runner = CliRunner()

    def invoke(*args: str | Path):
        return runner.invoke(main, ["--db", str(db), *map(str, args)], catch_exceptions=False)

    return invoke


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _no_cell_runs(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for column, cell in row.items():
            if column in NUMBERS:
                float(cell or 0)
                continue
            for start in [cell, *cell.split(";")[1:]]:
                assert not start.lstrip(' "').startswith(("=", "+", "-", "@")), (column, cell)


def test_reach_csv_is_neutralised_and_raw_is_exact(run, tmp_path: Path) -> None:
    out = tmp_path / "reach.csv"
    result = run("reach", "--format", "csv", "-o", out)
    assert result.exit_code == 0, result.output
    rows = _rows(out.read_text(encoding="utf-8-sig"))
    (evil,) = [r for r in rows if NAME in r["target"]]
    assert evil["target"] == "'" + NAME and evil["account"] == "'" + COMPANY
    assert evil["title"] == "IT;'-2+3+cmd|' /C calc'!A0"
    assert evil["path"] == f"Lina Ahl → Per Moberg → {NAME}"  # mid-cell: no formula
    assert evil["label"] == "external" and 0 < float(evil["probability"]) < 1
    _no_cell_runs(rows)
    raw = run("reach", "--format", "csv", "--raw")
    assert raw.exit_code == 0, raw.output
    raw_rows = _rows(raw.stdout)
    (evil,) = [r for r in raw_rows if NAME in r["target"]]
    assert (evil["target"], evil["account"], evil["title"]) == (NAME, COMPANY, TITLE)
    # every other row is the same either way
    others = [r for r in rows if NAME not in r["target"]]
    assert len(others) == 5 and others == [r for r in raw_rows if NAME not in r["target"]]


def test_forecast_csv_is_neutralised_and_raw_is_exact(run, tmp_path: Path) -> None:
    out = tmp_path / "asks.csv"
    assert run("forecast", "--format", "csv", "-o", out).exit_code == 0
    rows = _rows(out.read_text(encoding="utf-8-sig"))
    (evil,) = [r for r in rows if NAME in r["target"]]
    assert evil["target"] == "'" + NAME and evil["account"] == "'" + COMPANY
    assert evil["title"] == "IT;'-2+3+cmd|' /C calc'!A0" and evil["introducer"] == "Per Moberg"
    _no_cell_runs(rows)
    raw = run("forecast", "--format", "csv", "--raw", "-o", out)
    assert raw.exit_code == 0, raw.output
    (evil,) = [r for r in _rows(out.read_text(encoding="utf-8-sig")) if NAME in r["target"]]
    assert (evil["target"], evil["account"], evil["title"]) == (NAME, COMPANY, TITLE)


def test_json_is_not_a_spreadsheet_and_stays_exact(run) -> None:
    reach = json.loads(run("reach", "--format", "json").stdout)
    (evil,) = [r for r in reach if r["target"] == NAME]
    assert evil["account"] == COMPANY and evil["title"] == TITLE
    assert evil["path"][-1] == {"name": NAME, "company": COMPANY}
    asks = json.loads(run("forecast", "--format", "json").stdout)["asks"]
    (ask,) = [a for a in asks if a["target"] == NAME]
    assert ask["account"] == COMPANY and ask["title"] == TITLE


def test_raw_says_what_it_does_and_why_the_default_neutralises(run) -> None:
    for command in ("reach", "forecast"):
        text = " ".join(run(command, "--help").stdout.split())
        assert "--raw CSV: write names, titles and companies exactly as stored" in text
        assert "cannot run in Excel or Sheets" in text
