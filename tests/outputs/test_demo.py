"""Tests for graphwarm demo: a workspace from the bundled samples of an invented team."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from graphwarm.cli import main
from graphwarm.outputs.demo import samples_dir


def test_samples_travel_inside_the_package() -> None:
    samples = samples_dir()
    assert (samples / "linkedin").is_dir() and (samples / "crm").is_dir()


def test_demo_builds_a_workspace_and_shows_four_members(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    members = re.search(r"^  members:  (\d+) \((.*)\)$", result.stdout, re.MULTILINE)
    assert members is not None, result.stdout
    assert members.group(1) == "4"
    assert len(members.group(2).split(", ")) == 4
    assert (out / "graphwarm.db").exists()
    people = re.search(r"^  people:   ([\d,]+) \(([\d,]+) named targets\)$", result.stdout, re.M)
    assert people is not None and int(people.group(1).replace(",", "")) > 1000
    assert int(people.group(2).replace(",", "")) > 0
    accounts = re.search(r"target accounts\)$", result.stdout, re.MULTILINE)
    assert accounts is not None


def test_demo_rebuilds_from_scratch(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["demo", "-q", "-o", str(tmp_path)], catch_exceptions=False)
    second = runner.invoke(main, ["demo", "-q", "-o", str(tmp_path)], catch_exceptions=False)
    assert first.exit_code == second.exit_code == 0

    def counts(text: str) -> str:  # everything but the import times
        return re.sub(r"\d{4}-\d\d-\d\dT[\d:+]+", "", text)

    assert counts(first.stdout) == counts(second.stdout)
    assert "already imported" not in second.stdout
