"""Tests for graphwarm.outputs.calibration: the reliability bins by hand, and the page,
offline in a real browser with a hostile workspace name shown as text."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pytest
from browser import needs_chromium, open_page
from helpers import FIXTURES, build_team
from scipy.stats import beta

from graphwarm.engine.calibrate import calibrate
from graphwarm.engine.outcomes import import_outcomes
from graphwarm.outputs.calibration import reliability_bins, render_calibration, write_calibration
from graphwarm.workspace.store import Workspace

HOSTILE = "<img src=x onerror=alert(1)>"


def test_reliability_bins_by_hand() -> None:
    q = np.array([0.05, 0.08, 0.55, 0.58, 0.59, 1.0])
    y = np.array([0.0, 0.0, 1.0, 0.0, 1.0, 1.0])
    first, middle, last = reliability_bins(q, y)
    assert (first.n, first.predicted, first.observed) == (2, pytest.approx(0.065), 0.0)
    assert first.low == 0.0 and first.high == pytest.approx(beta.ppf(0.95, 0.5, 2.5))
    assert (middle.n, middle.observed) == (3, pytest.approx(2 / 3))
    assert middle.low == pytest.approx(beta.ppf(0.05, 2.5, 1.5))
    assert middle.high == pytest.approx(beta.ppf(0.95, 2.5, 1.5))
    assert (last.n, last.predicted, last.observed, last.high) == (1, 1.0, 1.0, 1.0)  # 1.0: top bin
    assert reliability_bins(np.empty(0), np.empty(0)) == []


def _calibrated(tmp_path: Path, outcomes: bool = True):
    db = build_team(tmp_path / "team")
    with Workspace(db) as ws:
        if outcomes:
            import_outcomes(
                ws, FIXTURES / "asks" / "outcomes_filled.csv", today=dt.date(2026, 11, 1)
            )
        return calibrate(ws)


def test_the_page_holds_the_diagram_and_the_table(tmp_path: Path) -> None:
    page = render_calibration(_calibrated(tmp_path), "w.db")
    assert page.count("<svg") == 1 and "<script" not in page  # no request: the browser test
    assert "<td>p_internal</td>" in page and '84 % <span class="muted">(survey)</span>' in page
    assert "log loss 0." in page and "From 3 asks" in page
    empty = render_calibration(_calibrated(tmp_path / "none", outcomes=False), "w.db")
    assert "no outcomes yet" in empty and "No outcomes yet: record them" in empty


@needs_chromium
def test_the_page_is_offline_and_shows_a_hostile_name_as_text(tmp_path: Path) -> None:
    result = _calibrated(tmp_path)
    path = write_calibration(result, f"{HOSTILE}.db", tmp_path / "calibration.html")
    with open_page(path) as page:
        page.wait_ready("document.readyState === 'complete'")
        assert page.problems() == {
            "blocked requests": [],
            "dialogs": [],
            "console errors": [],
            "page errors": [],
        }
        assert page.evaluate("document.querySelectorAll('img, script, iframe').length") == 0
        assert page.evaluate("document.querySelectorAll('svg path').length") > 20  # drawn
        text = page.evaluate("document.body.innerText")
        assert f"Calibration: {HOSTILE}.db" in text and "p_internal" in text


def test_calibrate_report_from_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from graphwarm.cli import main

    db = build_team(tmp_path / "team")
    hostile = db.with_name(f"{HOSTILE}.db")
    shutil.copy(db, hostile)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["--db", str(hostile), "calibrate", "--report", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {out}\n"
    html = out.read_text(encoding="utf-8")
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;.db" in html
    folder = CliRunner().invoke(main, ["--db", str(db), "calibrate", "--report", str(tmp_path)])
    assert folder.exit_code == 2 and "is a directory" in folder.output
