"""Tests for graphwarm.outputs._map_marks: the map marks the targets whose warm path is new or
lost since an earlier state (the invented weekly team), and is unchanged without one."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from helpers import ANDERS, LINA, MAJA, OLLE, SARA

from graphwarm import Workspace, import_linkedin
from graphwarm.engine.queries import reach_targets
from graphwarm.outputs.netmap import MapView, build_map, map_view, render_map

NOW = dt.datetime(2026, 12, 1, 9, 30)


def _week2(ws: Workspace, weekly_export: Callable) -> None:
    """Lina no longer knows Jonas, Olle no longer Per: Per Falk's warm paths are gone."""
    import_linkedin(ws, [weekly_export(LINA, [ANDERS, MAJA, SARA], 2)])
    import_linkedin(ws, [weekly_export(OLLE, [MAJA], 2)], replace=True)


def _marks(view: MapView) -> dict[str, tuple[str, str]]:
    return {n.name: (n.mark, n.tooltip.splitlines()[-1]) for n in view.nodes if n.mark}


def test_a_lost_warm_path_is_marked_with_the_path_it_was(
    weekly_team: Workspace, weekly_export: Callable
) -> None:
    _week2(weekly_team, weekly_export)
    view = build_map(weekly_team, now=NOW)
    day = view.since
    assert day is not None and re.fullmatch(r"\d{4}-\d\d-\d\d", day)
    marks = _marks(view)
    assert list(marks) == ["Per Falk"]
    mark, line = marks["Per Falk"]
    assert mark == "lost"
    assert re.fullmatch(rf"warm path lost since {day}: was Olle Berg → Per Falk, \d+ %", line)
    per = next(t for t in view.targets if t.name == "Per Falk")
    assert per.label == "cold" and per.explanation.endswith("\n\n" + line)
    assert view.since_note == f"Since {day}: 0 new warm paths, 1 warm path lost."
    page = render_map(view)
    assert 'id="since-legend"' in page and view.since_note in page


def test_new_warm_paths_since_an_import(weekly_team: Workspace) -> None:
    # Import 2 listed the buyers: none of them had a warm path yet.
    view = build_map(weekly_team, since_import=2, now=NOW)
    marks = _marks(view)
    warm = {t.name for t in view.targets if t.label != "cold"}
    assert warm and set(marks) == warm
    assert {m for m, _ in marks.values()} == {"gained"}
    assert {line for _, line in marks.values()} == {f"new warm path since {view.since}"}
    assert view.mark_counts() == {"gained": len(warm), "lost": 0}


def test_without_a_reimport_the_map_is_unmarked_and_unchanged(weekly_team: Workspace) -> None:
    view = build_map(weekly_team, now=NOW)
    result = reach_targets(weekly_team)
    plain = map_view(
        result.graph,
        result.targets,
        settings=weekly_team.settings,
        source=str(weekly_team.path),
        now=NOW,
    )
    assert view.since is None and not _marks(view) and view.since_note == ""
    page = render_map(view)
    assert page == render_map(plain)
    assert "since" not in page.lower().replace("since-", "")


def test_cli_map_since_import_prints_the_count(
    weekly_team: Workspace, cli: Callable, tmp_path
) -> None:
    out = tmp_path / "m.html"
    result = cli("map", "-o", out, "--since-import", "2")
    assert result.exit_code == 0, result.output
    assert re.search(
        r"^Since \d{4}-\d\d-\d\d: \d+ new warm paths?, 0 warm paths lost\.$", result.output, re.M
    )
    assert 'id="since-legend"' in out.read_text("utf-8")


def test_cli_map_refuses_both_since_options(weekly_team: Workspace, cli: Callable) -> None:
    result = cli("map", "--since", "2026-11-01", "--since-import", "2")
    assert result.exit_code == 2
    assert "give at most one of --since or --since-import" in result.output


def test_cli_map_unknown_import(weekly_team: Workspace, cli: Callable) -> None:
    result = cli("map", "--since-import", "999")
    assert result.exit_code == 1
    assert result.output.startswith("Error: there is no import 999 in the history")


def test_a_map_cut_short_draws_the_changed_targets_first(
    weekly_team: Workspace, weekly_export: Callable
) -> None:
    """Per Falk, whose warm path was lost, is now cold: the least probable target, the first
    left out when the map is cut short (five nodes: the two members and either Eva Strand's
    path of three or Per Falk and his account), unless changed targets come first."""
    _week2(weekly_team, weekly_export)
    small = build_map(weekly_team, now=NOW, max_nodes=5)
    assert [(n.name, n.mark) for n in small.nodes if n.kind == "target"] == [("Per Falk", "lost")]
    assert small.left_out_targets == 1  # Eva Strand, with the better chance
    assert small.marks_not_drawn == 0
    assert small.since_note.endswith("1 warm path lost.")


def test_changed_targets_that_do_not_fit_are_counted(
    weekly_team: Workspace, weekly_export: Callable
) -> None:
    _week2(weekly_team, weekly_export)
    view = build_map(weekly_team, now=NOW, max_nodes=2)  # the members alone
    assert not any(n.mark for n in view.nodes)
    assert view.marks_not_drawn == 1
    assert view.since_note == (
        f"Since {view.since}: 0 new warm paths, 0 warm paths lost"
        " (1 more not drawn: narrow the map to see them)."
    )
