"""The map in a real headless Chromium, opened from file:// with every other request
blocked: it draws what the view holds, runs no injected script, and a click shows a path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import (
    OfflinePage,
    click_node,
    hover_node,
    map_page,
    needs_chromium,
    open_page,
    screenshot_is_blank,
)
from helpers import DDE, FORMULA
from test_netmap import HREF, IMG, SCRIPT_CO, add_evil_people

from graphwarm.outputs.demo import build_demo
from graphwarm.outputs.netmap import MapView, build_map

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MapView, OfflinePage]]:
    """The samples' map with the XSS names, open in Chromium (once for the module)."""
    folder = tmp_path_factory.mktemp("browsermap")
    ws, _ = build_demo(folder)
    try:
        add_evil_people(ws, folder)
        view = build_map(ws, now=dt.datetime(2026, 11, 1, 9, 30))
    finally:
        ws.close()
    with map_page(view, folder) as page:
        yield view, page


def test_no_request_no_error_no_dialog(opened: tuple[MapView, OfflinePage]) -> None:
    _, page = opened
    assert page.problems() == {
        "blocked requests": [],
        "dialogs": [],
        "console errors": [],
        "page errors": [],
    }


def test_drawn_counts_equal_the_view(opened: tuple[MapView, OfflinePage]) -> None:
    view, page = opened
    drawn = page.evaluate(
        "[network.body.data.nodes.length, network.body.data.edges.length,"
        " Object.keys(network.body.nodes).length]"
    )
    assert drawn == [len(view.nodes), len(view.edges), len(view.nodes)]
    assert page.evaluate("document.getElementById('title').textContent") == view.title


def test_clicking_a_target_highlights_its_path(opened: tuple[MapView, OfflinePage]) -> None:
    view, page = opened
    sofia = next(t for t in view.targets if t.name == "Sofia Wall")
    click_node(page, sofia.key)
    selected = page.evaluate(
        "[network.getSelectedNodes(), network.getSelectedEdges(),"
        " document.getElementById('explanation').textContent]"
    )
    nodes, edges, text = selected
    assert set(nodes) == set(sofia.path) and len(sofia.path) == 3
    assert len(edges) == 2
    drawn = page.evaluate("ids => ids.map(id => network.body.data.edges.get(id))", edges)
    assert {frozenset((e["from"], e["to"])) for e in drawn} == {
        frozenset(sofia.path[:2]),
        frozenset(sofia.path[1:]),
    }
    assert text == sofia.explanation
    # a click on the empty canvas clears it
    page.page.mouse.click(30, 200)
    assert page.evaluate("network.getSelectedNodes().length") == 0


def test_search_highlights_a_best_path(opened: tuple[MapView, OfflinePage]) -> None:
    view, page = opened
    page.page.fill("#search", "nordvik transport")
    page.page.press("#search", "Enter")
    state = page.evaluate("window.graphwarmMap.state.highlighted")
    best = max(
        (t for t in view.targets if t.account == "Nordvik Transport AB"),
        key=lambda t: t.probability,
    )
    assert state["key"] == best.key and state["nodes"] == list(best.path)
    page.page.fill("#search", "nobody at all")
    page.page.press("#search", "Enter")
    assert "No one called" in page.evaluate("document.getElementById('search-note').textContent")


def test_xss_names_show_as_text(opened: tuple[MapView, OfflinePage]) -> None:
    view, page = opened
    evil = next(t for t in view.targets if t.name == HREF)
    assert evil.account == SCRIPT_CO
    click_node(page, evil.key)
    text = page.evaluate("document.getElementById('explanation').textContent")
    assert text == evil.explanation and IMG in text and HREF in text and FORMULA in text
    # hover the introducer: its tooltip is plain text
    introducer = next(n for n in view.nodes if n.name == IMG)
    tooltip = hover_node(page, introducer.key, IMG)
    assert SCRIPT_CO in tooltip
    counts = page.evaluate(
        "['img', 'b', 'script'].map(t => document.getElementsByTagName(t).length)"
    )
    assert counts == [0, 0, 2]
    options = page.evaluate("[...document.querySelectorAll('#names option')].map(o => o.value)")
    assert IMG in options and HREF in options and FORMULA in options
    formula = next(n for n in view.nodes if n.name == FORMULA)
    tooltip = page.evaluate(f"network.body.data.nodes.get({formula.key!r}).title")
    assert tooltip == formula.tooltip and tooltip.startswith(FORMULA) and DDE in tooltip
    assert page.dialogs == [] and page.page_errors == []


def test_screenshot_is_not_blank(opened: tuple[MapView, OfflinePage], tmp_path: Path) -> None:
    _, page = opened
    page.evaluate("network.fit({animation: false})")
    png = page.page.locator("#map").screenshot(path=str(tmp_path / "map.png"))
    assert not screenshot_is_blank(png)
    painted = page.evaluate(
        """() => {
            const c = document.querySelector('#map canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) { if (d[i + 3] > 0) { n++; } }
            return n;
        }"""
    )
    assert painted > 5_000


def test_blank_page_is_detected(tmp_path: Path) -> None:
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    with open_page(blank, width=400, height=300) as page:
        png = page.page.screenshot()
        assert page.problems()["blocked requests"] == []
    assert screenshot_is_blank(png)


def test_blocked_requests_are_recorded(tmp_path: Path) -> None:
    """The helper itself: a page that reaches for the network is caught, and an alert too."""
    page_file = tmp_path / "online.html"
    page_file.write_text(
        '<!DOCTYPE html><html><head><script src="https://cdn.example.org/x.js"></script>'
        "</head><body><script>alert('hi')</script></body></html>",
        encoding="utf-8",
    )
    with open_page(page_file, width=400, height=300) as page:
        page.page.wait_for_timeout(200)
        assert page.blocked == ["https://cdn.example.org/x.js"]
        assert page.dialogs == ["alert: hi"]
