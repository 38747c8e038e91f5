"""Choosing what a network map draws: :class:`_Picker` collects members, the best paths and
alternatives of each target (most probable first) and, for the whole-network view, everyone
else, within the node budget, then turns them into a laid-out view. Also the texts the page
shows for a target (:func:`path_text`) and for the view (:func:`_title`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence

import numpy as np

from .._words import percent
from ..engine.explain import explain_routes, paths_text, ranked_routes
from ..engine.graph import ReferralGraph
from ..engine.routes import LABELS, Route, TargetReach
from ..identity import name_key
from ..settings import Settings
from ._map_layout import _layout
from ._map_model import MapEdge, MapNode, MapTarget, MapView, _s

__all__ = ["_Picker", "_title", "path_text"]


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

    def add_paths(self, targets: Sequence[TargetReach], first: Collection[int] = ()) -> None:
        """Each target's paths, most probable first (the best paths of the targets in
        ``first`` before all), until ``max_nodes`` is reached."""
        items: list[tuple[float, int, int, Route | None]] = []
        for g, tr in enumerate(targets):
            routes = ranked_routes(tr)
            if tr.best is None:
                items.append((tr.probability, g, 0, None))
            items.extend((r.probability, g, n + 1, r) for n, r in enumerate(routes))
        items.sort(
            key=lambda item: (
                item[2] > 1 or targets[item[1]].target not in first,
                -item[0],
                item[1],
                item[2],
            )
        )
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
                lines.append(f"the buyer there: {tr.label}, {percent(tr.probability)} chance")
            elif label is not None:
                lines.append(f"best target: {label}, {percent(account_p[key])} chance")
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
            lines.append(f"target: {tr.label}, {percent(tr.probability)} chance of a meeting")
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
