"""The HTML plan in a real (headless, offline) Chromium: no request, no dialog, and the XSS
buyer's name, and the account and buyer named as spreadsheet formulas, shown as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import needs_chromium, open_page
from helpers import DDE, FORMULA, add_formula_people
from test_plans import NORDVIK, XSS, build_team

from graphwarm.outputs.plans import write_plans
from graphwarm.workspace.store import Workspace


@needs_chromium
@pytest.mark.parametrize(("account", "shown"), [(NORDVIK, [XSS]), (DDE, [DDE, FORMULA])])
def test_html_plan_is_offline_and_safe_in_a_browser(
    tmp_path: Path, account: str, shown: list[str]
) -> None:
    db = build_team(tmp_path / "team")
    with Workspace(db) as ws:
        add_formula_people(ws)
        (path,) = write_plans(ws, [account], tmp_path / "out", "html")
    with open_page(path) as page:
        page.wait_ready("document.readyState === 'complete'")
        page.page.mouse.move(200, 200)
        page.page.wait_for_timeout(300)
        assert page.problems() == {
            "blocked requests": [],
            "dialogs": [],
            "console errors": [],
            "page errors": [],
        }
        assert page.evaluate("document.querySelectorAll('img, script, iframe').length") == 0
        text = page.evaluate("document.body.innerText")
        assert all(name in text for name in shown)
