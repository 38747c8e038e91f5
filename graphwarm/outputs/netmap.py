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
    request. Positions are computed here (members in the centre, accounts on a ring with their
    people around them, introducers in between) and physics is off, so even 10,000 nodes draw
    in seconds.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.explain import explain_routes, paths_text, ranked_routes
from ..engine.graph import ReferralGraph
from ..engine.routes import LABELS, Route, TargetReach
from ..errors import GraphwarmError
from ..identity import name_key
from ..settings import Settings
from ..workspace.store import Workspace

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

DEFAULT_MAX_NODES = 1_500
"""The warm-path view's node budget (about 2,000 stay interactive with fixed positions)."""
EVERYONE_MAX_NODES = 10_000
"""The ``everyone`` view's budget: beyond ~10,000 nodes panning gets sluggish."""

KINDS = ("member", "intermediary", "target", "account", "contact")
LABEL_COLOURS = {
    "direct": "#1b7a3a",
    "internal": "#7cc242",
    "external": "#f0a020",
    "cold": "#4a7bd0",
}
_NEUTRAL = {"member": "#5b2a86", "intermediary": "#6f6f6f", "contact": "#b5b5b5"}
_ACCOUNT_NONE = "#9a9a9a"
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


@dataclass(frozen=True)
class MapNode:
    """One drawn node. ``key``: ``p<people.id>`` or ``a<accounts.id>``; ``kind`` one of
    :data:`KINDS`; ``label`` the reach label (targets, accounts) or ``None``; ``tooltip``
    plain text."""

    key: str
    kind: str
    name: str
    tooltip: str
    label: str | None = None
    probability: float | None = None
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class MapEdge:
    """One drawn edge between node keys ``a`` and ``b``. ``kind``: ``tie`` (observed),
    ``colleague`` (inferred, on a path) or ``account`` (a person and their account's hub).
    ``label``: the label of the best path that uses it, ``None`` for none."""

    a: str
    b: str
    strength: float
    kind: str
    tooltip: str
    label: str | None = None


@dataclass(frozen=True)
class MapTarget:
    """A drawn target: its best path (node keys, member first; empty when cold, or when the
    path was left out) and the explanation ``graphwarm path`` prints for it."""

    key: str
    name: str
    account: str | None
    label: str
    probability: float
    path: tuple[str, ...]
    explanation: str


@dataclass
class MapView:
    """What a map draws, and what the page says about it."""

    nodes: list[MapNode]
    edges: list[MapEdge]
    targets: list[MapTarget]
    title: str
    source: str
    created: dt.datetime
    everyone: bool = False
    max_nodes: int = DEFAULT_MAX_NODES
    left_out_paths: int = 0
    left_out_targets: int = 0
    left_out_people: int = 0
    filters: dict[str, list[str]] = field(default_factory=dict)
    focus: dict[str, str] = field(default_factory=dict)
    """Node key → the target whose best drawn path goes through it (for the search box)."""

    def counts(self) -> dict[str, int]:
        """Drawn nodes per kind."""
        out = dict.fromkeys(KINDS, 0)
        for n in self.nodes:
            out[n.kind] += 1
        return out

    @property
    def left_out_note(self) -> str:
        """What was left out to stay within ``max_nodes``; empty when nothing was."""
        parts = []
        if self.left_out_paths:
            parts.append(
                f"{self.left_out_paths:,} least probable path{_s(self.left_out_paths)}"
                + (
                    f" ({self.left_out_targets:,} target{_s(self.left_out_targets)} not drawn)"
                    if self.left_out_targets
                    else ""
                )
            )
        if self.left_out_people:
            parts.append(
                f"{self.left_out_people:,} least connected "
                f"{'person' if self.left_out_people == 1 else 'people'}"
            )
        if not parts:
            return ""
        return (
            f"Left out to stay within {self.max_nodes:,} nodes: {' and '.join(parts)}. "
            "Narrow the map with --account, --member or --label, or raise --max-nodes."
        )


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
) -> MapView:
    """The map of a workspace: the warm-path view, or with ``everyone`` the whole network.

    ``accounts``, ``members`` and ``labels`` narrow it like ``graphwarm reach`` does.
    ``max_nodes`` defaults to :data:`DEFAULT_MAX_NODES` (:data:`EVERYONE_MAX_NODES` with
    ``everyone``).
    """
    from ..engine.queries import reach_targets

    result = reach_targets(
        ws, accounts=list(accounts or []), labels=list(labels or []), members=list(members or [])
    )
    filters = {
        k: list(v) for k, v in (("account", accounts), ("member", members), ("label", labels)) if v
    }
    return map_view(
        result.graph,
        result.targets,
        settings=ws.settings,
        members=members,
        max_nodes=max_nodes,
        everyone=everyone,
        source=str(ws.path),
        filters=filters,
        now=now,
    )


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
) -> MapView:
    """Choose and lay out what to draw of ``rg`` for these reach results (see the module)."""
    settings = settings or rg.settings
    if max_nodes is None:
        max_nodes = EVERYONE_MAX_NODES if everyone else DEFAULT_MAX_NODES
    if max_nodes < 1:
        raise MapError(f"max_nodes must be at least 1, not {max_nodes}")
    pick = _Picker(rg, settings, max_nodes)
    pick.add_members(members)
    pick.add_paths(targets)
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


class _Picker:
    """Collects nodes and edges in priority order within the node budget."""

    def __init__(self, rg: ReferralGraph, settings: Settings, max_nodes: int) -> None:
        self.rg = rg
        self.settings = settings
        self.max_nodes = max_nodes
        self.s_ref = settings.probability.s_ref
        self.nodes: dict[str, int] = {}  # key -> node index (people, pseudo) or -1 - account
        self.path_edges: dict[tuple[str, str], tuple[float, str, str | None, list[int]]] = {}
        self.routes: dict[int, list[Route]] = {}  # target position -> drawn routes
        self.shown_targets: set[int] = set()
        self.target_keys: dict[str, int] = {}  # key -> target position
        self.left_out_paths = 0
        self.left_out_targets = 0
        self.left_out_people = 0
        self.full = False
        self.on_path: set[str] = set()
        self.shows_everyone = False

    # keys
    def person_key(self, i: int) -> str:
        if i >= self.rg.n_people:
            return self.account_key(self.rg.node_account(i))
        return f"p{int(self.rg.person_id[i])}"

    def account_key(self, a: int) -> str:
        return f"a{int(self.rg.account_id[a])}"

    def key_of_id(self, node_id: int) -> str:
        return f"p{node_id}" if node_id > 0 else f"a{-node_id}"

    def needs(self, keys: Iterable[str]) -> list[str]:
        return [k for k in dict.fromkeys(keys) if k not in self.nodes]

    def take(self, keys: list[str]) -> None:
        for k in keys:
            if k[0] == "a":
                self.nodes[k] = -1 - self.rg.account_index(int(k[1:]))
            else:
                self.nodes[k] = self.rg.index_of(int(k[1:]))

    def add_members(self, names: Sequence[str] | None) -> None:
        rg = self.rg
        wanted = {name_key(n) for n in names or []}
        keys = []
        for i in np.flatnonzero(rg.is_member & ~rg.excluded).tolist():
            if not wanted or name_key(rg.name_of(i)) in wanted:
                keys.append(self.person_key(i))
        self.take(keys[: self.max_nodes])

    def target_nodes(self, tr: TargetReach) -> list[str]:
        """The target and its account's hub."""
        keys = [self.key_of_id(tr.target)]
        if tr.account_id is not None:
            keys.append(f"a{tr.account_id}")
        return keys

    def add_paths(self, targets: Sequence[TargetReach]) -> None:
        items: list[tuple[float, int, int, Route | None]] = []
        for g, tr in enumerate(targets):
            routes = ranked_routes(tr)
            if tr.best is None:
                items.append((tr.probability, g, 0, None))
            items.extend((r.probability, g, n + 1, r) for n, r in enumerate(routes))
        items.sort(key=lambda item: (-item[0], item[1], item[2]))
        for done, (_, g, _, route) in enumerate(items):
            tr = targets[g]
            keys = self.target_nodes(tr)
            if route is not None:
                keys = [self.key_of_id(x) for x in route.path] + keys
            new = self.needs(keys)
            if len(self.nodes) + len(new) > self.max_nodes:
                rest = items[done:]
                self.left_out_paths = sum(1 for item in rest if item[3] is not None)
                self.left_out_targets = len({item[1] for item in rest} - self.shown_targets)
                self.full = True
                return
            self.take(new)
            self.shown_targets.add(g)
            self.target_keys.setdefault(self.key_of_id(tr.target), g)
            if route is not None:
                self.routes.setdefault(g, []).append(route)
                self.add_route_edges(route)

    def add_route_edges(self, route: Route) -> None:
        rg = self.rg
        path = [self.key_of_id(x) for x in route.path]
        self.on_path.update(path)
        for x, y, kx, ky in zip(route.path, route.path[1:], path, path[1:], strict=False):
            key = (kx, ky) if kx < ky else (ky, kx)
            if key in self.path_edges:
                continue
            ix, iy = rg.info(x), rg.info(y)
            colleague = ix["account"] >= 0 and ix["account"] == iy["account"]
            s, kind = -1.0, "tie"
            if x > 0 and y > 0:
                e = rg.edge_index(ix["index"], iy["index"])
                if e >= 0:
                    s = float(rg.edge_s[e])
            if colleague and s < self.s_ref:
                s, kind = self.s_ref, "colleague"
            self.path_edges[key] = (max(s, 0.0), kind, route.label, [x, y])

    def add_everyone(self) -> None:
        """Everyone else, most connected first, each with their account's hub."""
        self.shows_everyone = True
        if self.full:
            self.left_out_people = int((~self.rg.excluded & ~self.rg.is_member).sum()) - sum(
                1 for k, i in self.nodes.items() if k[0] == "p" and not self.rg.is_member[i]
            )
            return
        rg = self.rg
        n = rg.n_people
        degree = np.bincount(rg.edge_u, minlength=n) + np.bincount(rg.edge_v, minlength=n)
        order = np.lexsort((np.arange(n), -degree))
        order = order[~rg.excluded[order]]
        for pos, i in enumerate(order.tolist()):
            key = self.person_key(i)
            if key in self.nodes:
                continue
            keys = [key]
            a = int(rg.account[i])
            if a >= 0:
                keys.append(self.account_key(a))
            new = self.needs(keys)
            if len(self.nodes) + len(new) > self.max_nodes:
                self.left_out_people = sum(
                    1 for j in order[pos:].tolist() if self.person_key(j) not in self.nodes
                )
                return
            self.take(new)

    # the view
    def view(self, targets: Sequence[TargetReach]) -> MapView:
        account_label: dict[str, str] = {}
        account_p: dict[str, float] = {}
        target_label: dict[str, TargetReach] = {}
        for g in sorted(self.shown_targets):
            tr = targets[g]
            target_label.setdefault(self.key_of_id(tr.target), tr)
            if tr.account_id is not None:
                ak = f"a{tr.account_id}"
                old = account_label.get(ak)
                if old is None or LABELS.index(tr.label) < LABELS.index(old):
                    account_label[ak] = tr.label
                account_p[ak] = max(account_p.get(ak, 0.0), tr.probability)

        edges = self.edges()
        nodes = []
        for key, idx in self.nodes.items():
            nodes.append(self.node(key, idx, target_label, account_label, account_p))
        positions = _layout(nodes, edges)
        nodes = [
            MapNode(**{**n.__dict__, "x": positions[n.key][0], "y": positions[n.key][1]})
            for n in nodes
        ]
        map_targets, focus = self.targets(targets)
        return MapView(
            nodes=nodes,
            edges=edges,
            targets=map_targets,
            title="",
            source="",
            created=dt.datetime.now(),
            left_out_paths=self.left_out_paths,
            left_out_targets=self.left_out_targets,
            left_out_people=self.left_out_people,
            focus=focus,
        )

    def node(
        self,
        key: str,
        idx: int,
        target_label: dict[str, TargetReach],
        account_label: dict[str, str],
        account_p: dict[str, float],
    ) -> MapNode:
        rg = self.rg
        if idx < 0:  # an account hub (and, without named targets, its buyer)
            a = -1 - idx
            name = str(rg.account_name[a])
            label = account_label.get(key)
            lines = [name, "account" + (" (target)" if rg.account_is_target[a] else "")]
            tr = target_label.get(key)
            if tr is not None:
                lines.append(f"the buyer there: {tr.label}, {tr.probability:.0%} chance")
            elif label is not None:
                lines.append(f"best target: {label}, {account_p[key]:.0%} chance")
            return MapNode(key, "account", name, "\n".join(lines), label, account_p.get(key))
        name = rg.name_of(idx)
        title, company = rg.title_of(idx), rg.company_of(idx)
        job = " at ".join(x for x in (title, company) if x)
        lines = [name] + ([job] if job else [])
        if rg.is_member[idx]:
            lines.append("member of the team")
            return MapNode(key, "member", name, "\n".join(lines))
        tr = target_label.get(key)
        if tr is not None:
            lines.append(f"target: {tr.label}, {tr.probability:.0%} chance of a meeting")
            return MapNode(key, "target", name, "\n".join(lines), tr.label, tr.probability)
        if key in self.on_path:
            lines.append("on a path: introducer or intermediary")
            return MapNode(key, "intermediary", name, "\n".join(lines))
        return MapNode(key, "contact", name, "\n".join(lines))

    def edges(self) -> list[MapEdge]:
        rg = self.rg
        out: dict[tuple[str, str], MapEdge] = {}
        for (ka, kb), (s, kind, label, (x, y)) in self.path_edges.items():
            out[(ka, kb)] = MapEdge(ka, kb, s, kind, self.tie_tooltip(x, y, s, kind), label)
        # each shown person to their shown account's hub
        for key, idx in self.nodes.items():
            if idx < 0 or idx >= rg.n_people:
                continue
            a = int(rg.account[idx])
            if a < 0:
                continue
            ak = self.account_key(a)
            if ak not in self.nodes:
                continue
            pair = (key, ak) if key < ak else (ak, key)
            if pair not in out:
                tip = f"{rg.name_of(idx)} works at {rg.account_name[a]}"
                out[pair] = MapEdge(pair[0], pair[1], self.s_ref, "account", tip)
        # observed ties among everyone shown, beyond the paths: only in the everyone view
        if self.shows_everyone:
            people = np.zeros(rg.n_people, dtype=bool)
            people[[i for i in self.nodes.values() if 0 <= i < rg.n_people]] = True
            for e in np.flatnonzero(people[rg.edge_u] & people[rg.edge_v]).tolist():
                i, j = int(rg.edge_u[e]), int(rg.edge_v[e])
                ka, kb = self.person_key(i), self.person_key(j)
                pair = (ka, kb) if ka < kb else (kb, ka)
                if pair not in out:
                    s = float(rg.edge_s[e])
                    tip = f"{rg.name_of(i)} — {rg.name_of(j)}\ntie strength {s:.2f}"
                    out[pair] = MapEdge(pair[0], pair[1], s, "tie", tip)
        return list(out.values())

    def tie_tooltip(self, x: int, y: int, s: float, kind: str) -> str:
        rg = self.rg
        ix, iy = rg.info(x), rg.info(y)
        head = f"{ix['name']} — {iy['name']}"
        if kind == "colleague":
            return f"{head}\ncolleagues at {rg.account_name[ix['account']]}"
        why = None
        if len(self.path_edges) <= 5_000 and x > 0 and y > 0:
            breakdown = rg.tie_breakdown(ix["index"], iy["index"])
            why = breakdown.describe() if breakdown is not None else None
        return f"{head}\n{why or 'tie'} (strength {s:.2f})"

    def targets(self, targets: Sequence[TargetReach]) -> tuple[list[MapTarget], dict[str, str]]:
        rg = self.rg
        out = []
        focus: dict[str, tuple[float, str]] = {}
        for g in sorted(self.shown_targets, key=lambda g: -targets[g].probability):
            tr = targets[g]
            key = self.key_of_id(tr.target)
            best = tr.best
            drawn = best is not None and best in self.routes.get(g, [])
            path = tuple(self.key_of_id(x) for x in best.path) if drawn and best else ()
            info = rg.info(tr.target)
            account = rg.account_name[info["account"]] if info["account"] >= 0 else None
            name = account if tr.target < 0 and account else info["name"]
            out.append(
                MapTarget(
                    key=key,
                    name=str(name),
                    account=account,
                    label=tr.label,
                    probability=tr.probability,
                    path=path,
                    explanation=path_text(rg, self.settings, tr, name=str(name)),
                )
            )
            for k in (*path, key, *([f"a{tr.account_id}"] if tr.account_id is not None else [])):
                if k not in focus or focus[k][0] < tr.probability:
                    focus[k] = (tr.probability, key)
        return out, {k: v[1] for k, v in focus.items()}


def path_text(
    rg: ReferralGraph,
    settings: Settings | None,
    tr: TargetReach,
    *,
    name: str | None = None,
    alternatives: int = 3,
) -> str:
    """A target's paths told as ``graphwarm path`` tells them: the label and chance, then
    the best path and up to ``alternatives`` others, hop by hop."""
    if name is None:
        name = str(rg.info(tr.target)["name"])
    return paths_text(name, tr, explain_routes(rg, settings, tr, alternatives))


def _title(view: MapView, everyone: bool) -> str:
    counts = view.counts()
    n_targets = len(view.targets)
    what = "The whole network" if everyone else "Warm paths"
    return (
        f"{what}: {n_targets:,} target{_s(n_targets)} at {counts['account']:,} "
        f"account{_s(counts['account'])} from {counts['member']:,} "
        f"member{_s(counts['member'])}"
    )


def _s(n: int) -> str:
    return "" if n == 1 else "s"


# -- layout -------------------------------------------------------------------------------------

_SPACING = 130.0  # px between neighbours in a cluster or band: about one name's width
_GAP = 120.0  # px between two account clusters on a shell
_SHELL_GAP = 220.0  # px between two shells of accounts


def _layout(nodes: list[MapNode], edges: list[MapEdge]) -> dict[str, tuple[float, float]]:
    """Hub and spoke: members in the centre, everyone with no account hub on rings around
    them (near the accounts they lead to), then the accounts on shells, warmest innermost,
    each with its people around it."""
    kind = {n.key: n.kind for n in nodes}
    info = {n.key: n for n in nodes}
    hub: dict[str, str] = {}  # person -> the account hub they are drawn around
    clusters: dict[str, list[str]] = {n.key: [] for n in nodes if n.kind == "account"}
    neighbours: dict[str, list[str]] = {n.key: [] for n in nodes}
    for e in edges:
        if e.kind == "account":
            person, account = (e.a, e.b) if kind[e.b] == "account" else (e.b, e.a)
            if kind[person] != "member":
                hub[person] = account
                clusters[account].append(person)
        else:
            neighbours[e.a].append(e.b)
            neighbours[e.b].append(e.a)
    pos: dict[str, tuple[float, float]] = {}

    members = [n.key for n in nodes if n.kind == "member"]
    r_members = 0.0 if len(members) <= 1 else max(200.0, len(members) * 300.0 / (2 * math.pi))
    for m, key in enumerate(members):
        angle = 2 * math.pi * m / max(1, len(members)) - math.pi / 2
        pos[key] = (r_members * math.cos(angle), r_members * math.sin(angle))

    free = [n.key for n in nodes if n.kind not in ("member", "account") and n.key not in hub]
    inner = r_members + 330.0
    bands = max(1, math.ceil(len(free) * _SPACING / (2 * math.pi * inner)))
    band_step = 100.0

    # accounts: warmest first, on shells around the band, each with its people around it
    order = {label: n for n, label in enumerate(LABELS)}
    accounts = sorted(
        clusters,
        key=lambda k: (order.get(info[k].label or "", 9), info[k].name.casefold(), k),
    )
    radius = {k: _cluster_radius(len(clusters[k])) for k in accounts}
    angle_of: dict[str, float] = {}
    rho = inner + (bands - 1) * band_step + 260.0
    at = 0
    first_shell = True
    while at < len(accounts):
        largest = max(radius[k] for k in accounts[at : at + 8])
        rho += largest
        capacity = 2 * math.pi * rho
        shell, used = [], 0.0
        while at < len(accounts) and (
            not shell or used + 2 * radius[accounts[at]] + _GAP <= capacity
        ):
            shell.append(accounts[at])
            used += 2 * radius[accounts[at]] + _GAP
            at += 1
        if first_shell and at == len(accounts):  # one shell: no bigger than it needs to be
            rho = max(rho, used / (2 * math.pi))
            capacity = 2 * math.pi * rho
        spare = (capacity - used) / len(shell)
        along = 0.0
        offset = 0.0 if first_shell else math.pi / max(2, len(shell))
        for k in shell:
            width = 2 * radius[k] + _GAP + spare
            theta = (along + width / 2) / rho - math.pi / 2 + offset
            along += width
            cx, cy = rho * math.cos(theta), rho * math.sin(theta)
            pos[k] = (cx, cy)
            angle_of[k] = theta
            people = sorted(
                clusters[k],
                key=lambda p: (
                    {"target": 0, "intermediary": 1}.get(kind[p], 2),
                    -(info[p].probability or 0.0),
                    info[p].name.casefold(),
                ),
            )
            for p, (dx, dy) in zip(people, _cluster_offsets(len(people), theta), strict=True):
                pos[p] = (cx + dx, cy + dy)
                angle_of[p] = theta
        rho += max(radius[k] for k in shell) + _SHELL_GAP
        first_shell = False

    # people with no hub: between the members and the accounts they lead to
    wanted: dict[str, float] = {}
    for _ in range(3):
        for key in free:
            if key in wanted:
                continue
            seen = [angle_of[x] for x in neighbours[key] if x in angle_of]
            if seen:
                wanted[key] = math.atan2(
                    sum(math.sin(t) for t in seen), sum(math.cos(t) for t in seen)
                )
        for key, theta in wanted.items():
            angle_of.setdefault(key, theta)
    rest = [k for k in free if k not in wanted]
    for n, key in enumerate(rest):
        wanted[key] = 2 * math.pi * (n + 0.5) / max(1, len(rest)) - math.pi
    if free:
        radii = [inner + b * band_step for b in range(bands)]
        keys = sorted(free, key=lambda k: (wanted[k], k))
        thetas = _spread([wanted[k] for k in keys], _SPACING / (inner * bands))
        for n, (key, theta) in enumerate(zip(keys, thetas, strict=True)):
            r = radii[n % bands]
            pos[key] = (r * math.cos(theta), r * math.sin(theta))
    return {k: (round(x, 1), round(y, 1)) for k, (x, y) in pos.items()}


def _cluster_radius(n: int) -> float:
    if n <= 1:
        return 150.0
    if n <= 12:
        return max(170.0, n * _SPACING / (2 * math.pi))
    return 65.0 * math.sqrt(n) + 170.0


def _cluster_offsets(n: int, theta: float) -> list[tuple[float, float]]:
    """Places around an account hub: a circle for a few, a sunflower for many; the first
    (the targets) on the far side from the centre."""
    if n == 0:
        return []
    if n <= 12:
        r = _cluster_radius(n)
        return [
            (r * math.cos(theta + 2 * math.pi * m / n), r * math.sin(theta + 2 * math.pi * m / n))
            for m in range(n)
        ]
    golden = math.pi * (3 - math.sqrt(5))
    return [
        (
            (170.0 + 65.0 * math.sqrt(m)) * math.cos(theta + m * golden),
            (170.0 + 65.0 * math.sqrt(m)) * math.sin(theta + m * golden),
        )
        for m in range(n)
    ]


def _spread(angles: list[float], gap: float) -> list[float]:
    """Sorted angles pushed apart to at least ``gap`` (as far as the circle allows), then
    shifted back so they stay near where they wanted to be on average."""
    n = len(angles)
    if n == 0:
        return []
    gap = min(gap, 2 * math.pi / n)
    out = [angles[0]]
    for a in angles[1:]:
        out.append(max(a, out[-1] + gap))
    shift = sum(o - a for o, a in zip(out, angles, strict=True)) / n
    return [o - shift for o in out]


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
) -> MapView:
    """Build the map of ``ws`` (see :func:`build_map`) and write it to ``path`` as UTF-8."""
    view = build_map(
        ws,
        accounts=accounts,
        members=members,
        labels=labels,
        max_nodes=max_nodes,
        everyone=everyone,
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
