"""The map's marks of new and lost warm paths in a real headless Chromium, opened from file://
with every other request blocked: the marked targets are drawn with their border and badge,
the legend and the header say how many, and hostile names (script, quotes, right-to-left text,
very long names) show as text and run nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import OfflinePage, click_node, hover_node, map_page, needs_chromium
from helpers import HEADLINE, LINA, connections_csv, profile_csv

from graphwarm import Workspace, import_accounts, import_linkedin, import_people, import_ties
from graphwarm.outputs.netmap import MapView, build_map

pytestmark = needs_chromium

SCRIPT = "<script>alert('mark')</script><img src=x onerror=alert(4)> Svensson"
IMG_CO = "<img src=x onerror=alert(3)> AB"
QUOTES = 'Örjan "Bob" O\'Brien'
RTL = "مريم الحسن"
RTL_CO = "شركة الشمال AB"
LONG = "Anna-Karin " + "Wallenberg-Lindqvist " * 8 + "Lund"
# The border colours of netmap._MARKS.
GAINED, LOST = "#c2185b", "#5d2a0c"


def _csv(rows: list[tuple[object, ...]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _two_weeks(folder: Path) -> Workspace:
    """Lina knows the script-named buyer and Örjan in week 1; in week 2 (the same ties file
    again) she knows Örjan, the right-to-left buyer and the long-named one. Each buyer is the
    only one at their account, so each path is direct or none."""
    (folder / "graphwarm.toml").write_text('as_of = "2026-12-01"\n', encoding="utf-8")
    ws = Workspace(folder / "w.db")
    companies = [IMG_CO, "Beta AB", RTL_CO, "Delta AB"]
    (folder / "accounts.csv").write_text(_csv([("Company name",), *[(c,) for c in companies]]))
    import_accounts(ws, folder / "accounts.csv")
    buyers = list(zip((SCRIPT, QUOTES, RTL, LONG), companies, strict=True))
    (folder / "buyers.csv").write_text(
        _csv([("Name", "Company", "Job Title"), *[(n, c, "CFO") for n, c in buyers]]),
        encoding="utf-8",
    )
    import_people(ws, folder / "buyers.csv", target=True)
    export = folder / "lina"
    export.mkdir()
    (export / "Profile.csv").write_text(profile_csv(LINA[0], HEADLINE), encoding="utf-8")
    (export / "Connections.csv").write_text(connections_csv([]), encoding="utf-8")
    import_linkedin(ws, [export])
    header = ("a_name", "b_name", "b_company", "kind", "strength")
    for week in (buyers[:2], buyers[1:]):
        rows = [("Lina Ahl", name, company, "friend", 0.9) for name, company in week]
        (folder / "ties.csv").write_text(_csv([header, *rows]), encoding="utf-8")
        import_ties(ws, folder / "ties.csv")
    return ws


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MapView, OfflinePage]]:
    """The two weeks' map, marked since the ties file's re-import, open in Chromium."""
    folder = tmp_path_factory.mktemp("marksmap")
    with _two_weeks(folder) as ws:
        view = build_map(ws, now=dt.datetime(2026, 12, 1, 9, 30))
    with map_page(view, folder) as page:
        yield view, page


def _key(view: MapView, name: str) -> str:
    return next(n.key for n in view.nodes if n.name == name)


def _pixels_near(page: OfflinePage, key: str, colour: str) -> int:
    """Canvas pixels of ``colour`` (give or take antialiasing) within 40 px of node ``key``,
    drawn close up and not selected."""
    page.evaluate("window.graphwarmMap.network.unselectAll()")
    page.evaluate(f"window.graphwarmMap.network.focus({key!r}, {{scale: 2, animation: false}})")
    page.page.wait_for_timeout(150)
    return page.evaluate(
        """([key, colour]) => {
            const net = window.graphwarmMap.network;
            const p = net.canvasToDOM(net.getPosition(key));
            const canvas = document.querySelector('#map canvas');
            const r = canvas.width / canvas.clientWidth;
            const half = Math.round(40 * r);
            const d = canvas.getContext('2d').getImageData(
                Math.round(p.x * r) - half, Math.round(p.y * r) - half, 2 * half, 2 * half).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) {
                if (d[i + 3] > 200 && [0, 1, 2].every(c => Math.abs(d[i + c] - colour[c]) < 30)) {
                    n++;
                }
            }
            return n;
        }""",
        [key, list(bytes.fromhex(colour[1:]))],
    )


def test_the_marked_map_makes_no_request_and_runs_nothing(
    opened: tuple[MapView, OfflinePage],
) -> None:
    view, page = opened
    assert {n.name: n.mark for n in view.nodes if n.mark} == {
        SCRIPT: "lost",
        RTL: "gained",
        LONG: "gained",
    }
    assert page.problems() == {
        "blocked requests": [],
        "dialogs": [],
        "console errors": [],
        "page errors": [],
    }
    assert page.evaluate("['img', 'b'].map(t => document.getElementsByTagName(t).length)") == [0, 0]


def test_marks_are_drawn_with_their_border_and_badge(opened: tuple[MapView, OfflinePage]) -> None:
    view, page = opened
    for name, badge, colour, dashes in (
        (RTL, "▲ new", GAINED, False),
        (LONG, "▲ new", GAINED, False),
        (SCRIPT, "▼ lost", LOST, [5, 4]),
    ):
        key = _key(view, name)
        drawn = page.evaluate(
            """key => {
                const node = window.graphwarmMap.network.body.nodes[key];
                return [node.options.label, node.options.color.border,
                        node.options.shapeProperties.borderDashes, node.options.borderWidth];
            }""",
            key,
        )
        label, border, drawn_dashes, width = drawn
        assert label.replace("\n", " ") == f"{name} {badge}"  # long names wrap onto two lines
        assert (border.lower(), drawn_dashes, width) == (colour, dashes, 4)
        assert _pixels_near(page, key, colour) > 50, name
    assert _pixels_near(page, _key(view, QUOTES), GAINED) == 0  # unchanged: unmarked
    assert _pixels_near(page, _key(view, QUOTES), LOST) == 0


def test_the_legend_and_header_count_the_marks(opened: tuple[MapView, OfflinePage]) -> None:
    view, page = opened
    assert view.since_note == f"Since {view.since}: 2 new warm paths, 1 warm path lost."
    shown = page.evaluate(
        """() => {
            const note = document.getElementById('since');
            const legend = document.getElementById('since-legend');
            return [note.textContent, note.offsetParent !== null,
                    [...legend.querySelectorAll('li')].map(li => li.textContent),
                    legend.offsetParent !== null];
        }"""
    )
    assert shown == [
        view.since_note,
        True,
        ["▲ new: new warm path2", "▼ lost: warm path lost1"],
        True,
    ]


def test_hostile_names_show_as_text_in_the_explanation_and_tooltip(
    opened: tuple[MapView, OfflinePage],
) -> None:
    view, page = opened
    click_node(page, _key(view, SCRIPT))
    text = page.evaluate("document.getElementById('explanation').textContent")
    lost = next(t for t in view.targets if t.name == SCRIPT)
    assert text == lost.explanation
    assert text.endswith(f"warm path lost since {view.since}: was Lina Ahl → {SCRIPT}, 83 %"), text
    click_node(page, _key(view, RTL))
    text = page.evaluate("document.getElementById('explanation').textContent")
    gained = next(t for t in view.targets if t.name == RTL)
    assert text == gained.explanation and text.startswith(f"{RTL}: direct")
    assert text.endswith(f"new warm path since {view.since}")
    accounts = page.evaluate(
        "window.graphwarmMap.network.body.data.nodes.get()"
        ".filter(n => n.kind === 'account').map(n => n.label.replace('\\n', ' '))"
    )
    assert RTL_CO in accounts and IMG_CO in accounts
    page.evaluate("window.graphwarmMap.network.unselectAll()")
    quotes = page.evaluate(
        f"window.graphwarmMap.network.body.data.nodes.get({_key(view, QUOTES)!r}).label"
    )
    assert quotes == QUOTES  # not &quot; or \"
    # hover the long-named and the script-named target: their tooltips are text
    assert hover_node(page, _key(view, LONG), LONG).endswith(f"new warm path since {view.since}")
    tooltip = hover_node(page, _key(view, SCRIPT), SCRIPT)
    assert IMG_CO in tooltip and "warm path lost since" in tooltip
    assert page.evaluate("['img', 'b'].map(t => document.getElementsByTagName(t).length)") == [0, 0]
    assert page.dialogs == [] and page.page_errors == []
