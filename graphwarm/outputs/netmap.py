"""The network map: one self-contained HTML page of who on the team reaches which account,
through whom, and how warm it is.

:func:`build_map` picks what to draw from a workspace (a :class:`MapView`), :func:`render_map`
turns a view into HTML and :func:`write_map` does both and writes the file (UTF-8).
:func:`map_view` builds a view from a graph and its reach results, without a workspace
(tests, benchmarks).

What is drawn
    The *warm-path view* (default): the members, every person on the best path and the
    alternatives of each target, the targets, and their accounts as hubs joined to their shown
    insiders. ``everyone=True`` draws the whole network (every person not on the do-not-contact
    list, and every account of someone shown as a hub). When a view would pass ``max_nodes``,
    the least probable paths are left out (then, with ``everyone``, the least connected
    people) and the page says how many.

The page
    pyvis is the map library (its :class:`pyvis.network.Network` holds the nodes, edges and
    options), rendered through a template of our own (``templates/map.html``): Jinja2 with
    autoescape, all data passed as ``|tojson``, text put into the DOM with ``textContent``
    only, and the vis-network bundle that pyvis ships inlined, so the page makes no network
    request. Positions are computed in Python (``_map_layout``: members in the centre,
    accounts on a ring with their people around them, introducers in between) and physics is
    off, so even 10,000 nodes draw in seconds.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from ..engine.graph import ReferralGraph
from ..engine.routes import LABELS, TargetReach
from ..errors import GraphwarmError
from ..settings import Settings
from ..workspace.store import Workspace
from ._map_model import DEFAULT_MAX_NODES, KINDS, MapEdge, MapNode, MapTarget, MapView
from ._map_picker import _Picker, _title, path_text

__all__ = [
    "DEFAULT_MAX_NODES",
    "EVERYONE_MAX_NODES",
    "KINDS",
    "LABEL_COLOURS",
    "MapEdge",
    "MapNode",
    "MapTarget",
    "MapView",
    "build_map",
    "map_view",
    "path_text",
    "render_map",
    "write_map",
]

EVERYONE_MAX_NODES = 10_000
"""The ``everyone`` view's budget: beyond ~10,000 nodes panning gets sluggish."""

LABEL_COLOURS = {
    "direct": "#1b7a3a",
    "internal": "#7cc242",
    "external": "#f0a020",
    "cold": "#4a7bd0",
}
_NEUTRAL = {"member": "#5b2a86", "intermediary": "#6f6f6f", "contact": "#b5b5b5"}
_ACCOUNT_NONE = "#9a9a9a"
# A marked target's border and the badge after its name (the legend draws the same).
_MARKS: dict[str, dict[str, Any]] = {
    "gained": {"colour": "#c2185b", "dashes": False, "badge": "▲ new", "text": "new warm path"},
    "lost": {"colour": "#5d2a0c", "dashes": [5, 4], "badge": "▼ lost", "text": "warm path lost"},
}
_SHAPES = {
    "member": "star",
    "intermediary": "dot",
    "target": "diamond",
    "account": "box",
    "contact": "dot",
}
_SIZES = {"member": 34, "intermediary": 10, "target": 15, "account": 30, "contact": 6}
_FONT = {"member": 44, "intermediary": 14, "target": 15, "account": 34, "contact": 12}
_VIS_DIR = "templates/lib/vis-9.1.2"


class MapError(GraphwarmError):
    """The map cannot be drawn (for example: the map library's bundle is missing)."""


# -- choosing what to draw ----------------------------------------------------------------------


def build_map(
    ws: Workspace,
    *,
    accounts: Sequence[str] | None = None,
    members: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    max_nodes: int | None = None,
    everyone: bool = False,
    now: dt.datetime | None = None,
    since: dt.date | None = None,
    since_import: int | None = None,
) -> MapView:
    """The map of a workspace: the warm-path view, or with ``everyone`` the whole network.

    ``accounts``, ``members`` and ``labels`` narrow it like ``graphwarm reach`` does.
    ``max_nodes`` defaults to :data:`DEFAULT_MAX_NODES` (:data:`EVERYONE_MAX_NODES` with
    ``everyone``). Targets whose warm path is new or lost since an earlier state are marked:
    since day ``since`` or import ``since_import``, or by default since the import before
    each member's latest (as ``graphwarm changes`` compares); with no such state (nothing
    re-imported) the map is unmarked.
    """
    from ..engine.queries import reach_targets
    from ._map_marks import mark_changes, marked_targets
    from .changes import compare, reimported

    result = reach_targets(
        ws, accounts=list(accounts or []), labels=list(labels or []), members=list(members or [])
    )
    comparison, marks = None, {}
    if since is not None or since_import is not None or reimported(ws):
        # the whole team's paths to every target: this search's, unless the map is narrowed
        whole = None if accounts or members or labels else (result.graph, result.targets)
        comparison = compare(ws, since_import=since_import, since=since, current=whole)
        changed = marked_targets(comparison, ws.settings)
        marks = {t.target: changed[t.target] for t in result.targets if t.target in changed}
    filters = {
        k: list(v) for k, v in (("account", accounts), ("member", members), ("label", labels)) if v
    }
    view = map_view(
        result.graph,
        result.targets,
        settings=ws.settings,
        members=members,
        max_nodes=max_nodes,
        everyone=everyone,
        source=str(ws.path),
        filters=filters,
        now=now,
        first=marks.keys(),
    )
    return view if comparison is None else mark_changes(view, comparison, marks)


def map_view(
    rg: ReferralGraph,
    targets: Sequence[TargetReach],
    *,
    settings: Settings | None = None,
    members: Sequence[str] | None = None,
    max_nodes: int | None = None,
    everyone: bool = False,
    source: str = "",
    filters: dict[str, list[str]] | None = None,
    now: dt.datetime | None = None,
    first: Collection[int] = (),
) -> MapView:
    """Choose and lay out what to draw of ``rg`` for these reach results (see the module);
    the best paths of the targets in ``first`` (nodes) are drawn before any other."""
    settings = settings or rg.settings
    if max_nodes is None:
        max_nodes = EVERYONE_MAX_NODES if everyone else DEFAULT_MAX_NODES
    if max_nodes < 1:
        raise MapError(f"max_nodes must be at least 1, not {max_nodes}")
    pick = _Picker(rg, settings, max_nodes)
    pick.add_members(members)
    pick.add_paths(targets, first)
    if everyone:
        pick.add_everyone()
    view = pick.view(targets)
    view.title = _title(view, everyone)
    view.source = source
    view.created = (now or dt.datetime.now().astimezone()).replace(microsecond=0)
    view.everyone = everyone
    view.max_nodes = max_nodes
    view.filters = dict(filters or {})
    return view


# -- rendering ----------------------------------------------------------------------------------


def render_map(view: MapView) -> str:
    """The HTML page of a view: one self-contained file (no network request)."""
    from pyvis.network import Network

    net = Network(height="100%", width="100%", cdn_resources="in_line")
    keys = {n.key: n for n in view.nodes}
    net.nodes = [_vis_node(n) for n in view.nodes]
    net.node_ids = [n.key for n in view.nodes]
    net.edges = [_vis_edge(e, f"e{n}") for n, e in enumerate(view.edges)]
    net.options = _options(len(view.nodes))
    nodes, edges, _, _, _, _ = net.get_network_data()
    options = net.options
    edge_id = {(e.a, e.b): f"e{n}" for n, e in enumerate(view.edges)}

    def path_edges(path: Sequence[str]) -> list[str]:
        out = []
        for a, b in itertools.pairwise(path):
            e = edge_id.get((a, b)) or edge_id.get((b, a))
            if e is not None:
                out.append(e)
        return out

    data = {
        "targets": {
            t.key: {
                "name": t.name,
                "label": t.label,
                "probability": t.probability,
                "path": list(t.path) or [t.key],
                "edges": path_edges(t.path),
                "text": t.explanation,
            }
            for t in view.targets
        },
        "focus": view.focus,
        "search": sorted(
            ({"key": n.key, "name": n.name, "kind": n.kind} for n in keys.values()),
            key=lambda x: (x["kind"] == "contact", x["name"].casefold()),
        ),
        "counts": {"nodes": len(view.nodes), "edges": len(view.edges)},
    }
    counts = view.counts()
    label_counts = dict.fromkeys(LABELS, 0)
    for t in view.targets:
        label_counts[t.label] += 1
    page = {
        "title": view.title,
        "subtitle": (
            f"Drawn {view.created:%Y-%m-%d %H:%M} from {view.source or 'a graph'} · "
            f"{len(view.nodes):,} nodes, {len(view.edges):,} edges"
        ),
        "filters": "; ".join(f"--{k} {', '.join(v)}" for k, v in view.filters.items()),
        "left_out": view.left_out_note,
        "since": view.since_note,
    }
    template = _environment().get_template("map.html")
    return template.render(
        page=page,
        nodes=nodes,
        edges=edges,
        options=options,
        data=data,
        counts=counts,
        label_counts=label_counts,
        marks=_MARKS,
        mark_counts=view.mark_counts(),
        since=view.since,
        colours=LABEL_COLOURS,
        neutral=_NEUTRAL,
        vis_js=_vis_js(),
    )


def write_map(
    ws: Workspace,
    path: str | Path,
    *,
    accounts: Sequence[str] | None = None,
    members: Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
    max_nodes: int | None = None,
    everyone: bool = False,
    since: dt.date | None = None,
    since_import: int | None = None,
) -> MapView:
    """Build the map of ``ws`` (see :func:`build_map`) and write it to ``path`` as UTF-8."""
    view = build_map(
        ws,
        accounts=accounts,
        members=members,
        labels=labels,
        max_nodes=max_nodes,
        everyone=everyone,
        since=since,
        since_import=since_import,
    )
    Path(path).write_text(render_map(view), encoding="utf-8")
    return view


def _vis_node(n: MapNode) -> dict[str, Any]:
    if n.kind in ("target", "account"):
        colour = LABEL_COLOURS.get(n.label or "", _ACCOUNT_NONE)
    else:
        colour = _NEUTRAL[n.kind]
    border = "#222222" if n.kind in ("member", "account") else colour
    node: dict[str, Any] = {
        "id": n.key,
        "label": _wrap(n.name) if n.kind in ("member", "account") else n.name,
        "title": n.tooltip,
        "x": n.x,
        "y": n.y,
        "shape": _SHAPES[n.kind],
        "size": _SIZES[n.kind],
        "color": {
            "background": colour,
            "border": border,
            "highlight": {"background": colour, "border": "#d7301f"},
            "hover": {"background": colour, "border": "#000000"},
        },
        "font": {"size": _FONT[n.kind]},
        "kind": n.kind,
    }
    if n.kind == "account":  # the name inside the box, dark on the label's colour
        node["font"].update(color="#111111", strokeWidth=0)
        node["margin"] = 10
        node["borderWidth"] = 2
    elif n.kind == "member":
        node["borderWidth"] = 2
    if n.mark:
        mark = _MARKS[n.mark]
        node["label"] += f" {mark['badge']}"
        node["color"]["border"] = node["color"]["hover"]["border"] = mark["colour"]
        node["borderWidth"] = 4
        node["shapeProperties"] = {"borderDashes": mark["dashes"]}
    return node


def _wrap(text: str, width: int = 14) -> str:
    """A long name on two lines, broken at the space nearest its middle."""
    if len(text) <= width or " " not in text:
        return text
    middle = len(text) / 2
    cut = min((i for i, c in enumerate(text) if c == " "), key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1 :]


def _vis_edge(e: MapEdge, edge_id: str) -> dict[str, Any]:
    colour = LABEL_COLOURS.get(e.label or "", "#c8c8c8")
    return {
        "id": edge_id,
        "from": e.a,
        "to": e.b,
        "title": e.tooltip,
        "width": round(0.5 + 5.5 * e.strength, 2) if e.kind != "account" else 1,
        "color": {"color": colour, "highlight": "#d7301f", "opacity": 0.9 if e.label else 0.6},
    }


def _options(n_nodes: int) -> dict[str, Any]:
    big = n_nodes > 2_000
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "nodes": {
            "borderWidth": 1,
            "borderWidthSelected": 4,
            "font": {"face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"label": {"drawThreshold": 7}},
        },
        "edges": {
            "smooth": False,
            "selectionWidth": 4,
            "hoverWidth": 0,
            "color": {"inherit": False},
        },
        "interaction": {
            "hover": not big,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
            "keyboard": False,
            "multiselect": False,
        },
    }


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("graphwarm.outputs", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _vis_js() -> Any:
    """The vis-network bundle pyvis ships, for inlining into a ``<script>``."""
    from markupsafe import Markup

    try:
        js = (resources.files("pyvis") / _VIS_DIR / "vis-network.min.js").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as err:
        raise MapError(
            "pyvis's copy of vis-network is missing", hint="reinstall pyvis (pip install pyvis)"
        ) from err
    lowered = js.lower()
    if "</script" in lowered or "<!--" in lowered:
        raise MapError("the vis-network bundle cannot be inlined: it contains '</script'")
    return Markup(js)
