"""Tests for graphwarm demo: a workspace from the bundled samples of an invented team."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from graphwarm.cli import main
from graphwarm.outputs.demo import build_demo, samples_dir
from graphwarm.workspace.store import Workspace


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


def test_mail_changes_a_best_path_of_the_demo(tmp_path: Path) -> None:
    """Maja Holm's e-mails with Kaisa Savolainen make her the best way into Havborg
    Transport: before them, Lina Ahl's bare connection to Åsa Hedlund was."""
    from graphwarm.engine.queries import find_paths
    from graphwarm.workspace.imports import import_mail

    def best(ws: Workspace) -> tuple[tuple[str, ...], float]:
        reach = find_paths(ws, "Gustav Hägglund").reach
        names = dict(ws.conn.execute("SELECT id, name FROM people"))
        return tuple(names[i] for i in reach.path), reach.probability

    ws, _ = build_demo(tmp_path)
    with ws:
        with ws.transaction():
            ws.delete_imports(
                [i for (i,) in ws.conn.execute("SELECT id FROM imports WHERE kind = 'mail'")]
            )
        path, before = best(ws)
        assert path == ("Lina Ahl", "Åsa Hedlund", "Gustav Hägglund")
        import_mail(ws, [samples_dir() / "mail" / "maja_holm.mbox"], member="Maja Holm")
        path, after = best(ws)
        assert path == ("Maja Holm", "Kaisa Savolainen", "Gustav Hägglund")
        assert (round(before, 2), round(after, 2)) == (0.21, 0.45)


def test_demo_status_lists_each_members_mail_and_calendars(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "-q", "-o", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert (
        "  Lina Ahl's mail and calendars: mail samples/mail/lina_ahl.mbox; calendar "
        "samples/calendar/lina_ahl.ics" in result.stdout
    )
    assert "  Oskar Nyberg's mail and calendars: calendar samples/calendar/oskar_nyberg.ics" in (
        result.stdout
    )
