"""Reach: the best introduction path from the team to every target, its label and its chance.

The model is DESIGN.md's. A path ``member = v0 → … → v(k-1) = introducer → vk = target``
succeeds with ``P = Π f(s_i) × p_last``: each ask before the last edge passes with
``f(s) = f_min + (f_max - f_min) s``; the target agrees with ``p_last``, from the label's
anchor shifted by the last tie's strength (``logit p = logit p_label + beta (s - s_ref)``;
direct: ``p_cold + (p_direct_max - p_cold) s``). The label is *direct* for ``k = 1``,
*internal* when the introducer is an insider of the target's account, *external* otherwise,
and *cold* when no path has at most ``max_hops`` edges or the best ``P`` does not beat a cold
call (``p_connect × p_cold``) by ``margin``; a cold target's probability is the cold call's.

Hops
    ``hops`` counts ties (edges) from the member to the target; a colleague tie is one hop and
    the account hub behind it none. ``max_hops = 3`` is LinkedIn's third degree.

Search
    One multi-source search from all members over paths of at most ``max_hops - 1`` edges
    (:mod:`graphwarm.engine._search`), then each target is scored over its neighbours ``I``:
    ``exp(-cost(I)) × p_last(I, target)``. Members are never intermediaries, and excluded
    people are never on a path.

Alternatives
    The best path through each of the top ``n_introducers`` distinct introducers, and the
    best path of each member (one search per member; the same rounds from one source).
    ``p_any = 1 - Π (1 - P)`` over those distinct paths is the chance at least one works *if
    the attempts were independent*; paths that share a person or a tie fail together, so it
    is an upper bound.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from ..errors import InputError, SettingsError
from ..settings import Settings
from ._scoring import (
    FIELDS,
    Rows,
    Spec,
    Table,
    member_sources,
    route_arrays,
    score,
    target_spec,
)
from ._search import SearchNet, search, search_net
from .explain import cold_reason, node_names, route_texts
from .graph import ReferralGraph
from .routes import LABELS, Route, TargetReach, cold_probability, cold_threshold, gc_paused

__all__ = ["best_paths_to", "reach"]


def reach(
    rg: ReferralGraph,
    settings: Settings | None = None,
    *,
    accounts: Iterable[int | str] | None = None,
    members: Iterable[int | str] | None = None,
    n_introducers: int = 3,
    per_member: bool = True,
) -> list[TargetReach]:
    """Label every target of ``rg`` (or of the given ``accounts``) from the team's network.

    ``accounts``: ``accounts.id`` values or names; an account named here that has no target
    is reached as "the buyer there". ``members``: member ids or names to search from (all by
    default). ``per_member``: also find each member's own best path (one extra search per
    member). Results are sorted by account, best first within each account.
    """
    settings = settings or rg.settings
    _check_settings(settings)
    spec = target_spec(rg, accounts)
    sources = member_sources(rg, members)
    with gc_paused():
        results = _run(rg, settings, spec, sources, n_introducers, per_member)
    accounts = {
        i: name.casefold() for i, name in zip(rg.account_id.tolist(), rg.account_name, strict=True)
    }
    names = node_names(rg)

    def order(tr: TargetReach) -> tuple[str, float, str]:
        account = accounts.get(tr.account_id, "\uffff") if tr.account_id is not None else "\uffff"
        return (account, -tr.probability, names[tr.target].casefold())

    return sorted(results, key=order)


def best_paths_to(
    rg: ReferralGraph,
    settings: Settings | None,
    node: int,
    n_alternatives: int = 3,
    *,
    members: Iterable[int | str] | None = None,
) -> TargetReach:
    """The best paths to one person (``people.id``) or account (``-accounts.id``).

    An account stands for "the buyer there", reached from each of its insiders by an
    inferred colleague tie, whether or not it is a target account. Alternatives: the top
    ``n_alternatives`` introducers and every member's own best path.
    """
    settings = settings or rg.settings
    _check_settings(settings)
    if node < 0:
        spec = Spec(
            node=np.array([-1]),
            acc=np.array([rg.account_index(-node)]),
            public=np.array([node]),
        )
    else:
        i = rg.index_of(node)
        if rg.is_member[i]:
            raise InputError(
                f"{rg.name_of(i)} is a member of the team, not someone to reach",
                hint="ask for a contact or an account",
            )
        if rg.excluded[i]:
            raise InputError(
                f"{rg.name_of(i)} is on the do-not-contact list",
                hint="remove them from exclude in graphwarm.toml to plan a path",
            )
        spec = Spec(node=np.array([i]), acc=np.array([rg.node_account(i)]), public=np.array([node]))
    sources = member_sources(rg, members)
    return _run(rg, settings, spec, sources, n_alternatives, True)[0]


def _check_settings(settings: Settings) -> None:
    p = settings.probability
    if not 0.0 < p.f_max < 1.0 or not 0.0 <= p.f_min <= p.f_max:
        raise SettingsError(
            f"f_min = {p.f_min} and f_max = {p.f_max} must satisfy 0 ≤ f_min ≤ f_max < 1",
            hint="fix [probability] in graphwarm.toml",
        )


# -- putting it together ----------------------------------------------------------------------


def _run(
    rg: ReferralGraph,
    settings: Settings,
    spec: Spec,
    sources: np.ndarray,
    k: int,
    per_member: bool,
) -> list[TargetReach]:
    net = search_net(rg, settings)
    table = Table(rg, net, settings, spec)
    rounds = settings.max_hops - 1
    ids = rg.person_id
    n_targets = table.n_targets
    dist, hops, preds = search(net, sources, rounds, table.last)
    k = max(1, k)
    # one spare candidate per target, in case a path runs through the target itself
    rows, paths = route_arrays(score(table, dist, hops, k + 1), preds, spec, k)
    by_intro = _group(rows.g, _make_routes(rows, paths, ids, spec), n_targets)
    block = None
    if per_member:
        block = _member_block(net, table, sources, rounds, rg, spec)
        block.mark_listed(rows, paths)
    p_any = _p_any(rows, block, n_targets, cold_probability(settings)).tolist()
    threshold = cold_threshold(settings)
    account_ids = [int(rg.account_id[a]) if a >= 0 else None for a in spec.acc.tolist()]
    out = []
    for g, (target, account_id, intro) in enumerate(
        zip(spec.public.tolist(), account_ids, by_intro, strict=True)
    ):
        members = (block, int(block.bounds[g]), int(block.bounds[g + 1])) if block else None
        out.append(
            TargetReach(
                target=target,
                account_id=account_id,
                by_introducer=intro,
                p_any=p_any[g],
                _members=members,
                **_outcome(intro[0] if intro else None, settings, threshold),
            )
        )
    return out


def _outcome(top: Route | None, settings: Settings, threshold: float) -> dict[str, Any]:
    """A target's label, chance, parts and path: the best path's, or the cold call's (with
    why) when there is none or it does not beat ``threshold``."""
    if top is not None and top.probability >= threshold:
        return {
            "label": top.label,
            "probability": top.probability,
            "p_intro": top.p_intro,
            "p_meeting_if_intro": top.p_meeting_if_intro,
            "member": top.member,
            "introducer": top.introducer,
            "hops": top.hops,
            "path": top.path,
        }
    p = settings.probability
    return {
        "label": "cold",
        "probability": cold_probability(settings),
        "p_intro": p.p_connect,
        "p_meeting_if_intro": p.p_cold,
        "member": None,
        "introducer": None,
        "hops": 0,
        "path": (),
        "reason": cold_reason(top, settings),
    }


def _p_any(rows: Rows, block: _RouteBlock | None, n_targets: int, cold_p: float) -> np.ndarray:
    """``1 - Π (1 - P)`` over each target's distinct paths (``cold_p`` where it has none)."""
    g, p = rows.g, rows.p
    if block is not None:
        own = ~block.listed
        g, p = np.concatenate([g, block.g[own]]), np.concatenate([p, block.p[own]])
    with np.errstate(divide="ignore"):  # a certain path (P = 1) makes it 1
        miss = np.bincount(g, weights=np.log1p(-p), minlength=n_targets)
    return np.where(np.bincount(g, minlength=n_targets) > 0, -np.expm1(miss), cold_p)


def _group(g: np.ndarray, routes: list[Route], n_targets: int) -> list[tuple[Route, ...]]:
    """Routes in rows sorted by target row ``g``, as one tuple per target row."""
    bounds = np.searchsorted(g, np.arange(n_targets + 1)).tolist()
    return [tuple(routes[s:e]) for s, e in itertools.pairwise(bounds)]


def _make_routes(rows: Rows, paths: np.ndarray, ids: np.ndarray, spec: Spec) -> list[Route]:
    """One :class:`Route` per row, in row order."""
    if rows.g.shape[0] == 0:
        return []
    id_paths = np.where(paths >= 0, ids[np.maximum(paths, 0)], 0)
    lengths = (paths >= 0).sum(axis=1).tolist()
    public = spec.public[rows.g].tolist()
    return [
        Route(
            (*row[:length], target),
            LABELS[label],
            p,
            p_in,
            p_last,
            h,
        )
        for row, length, target, label, p, p_in, p_last, h in zip(
            id_paths.tolist(),
            lengths,
            public,
            rows.label.tolist(),
            rows.p.tolist(),
            rows.p_intro.tolist(),
            rows.p_last.tolist(),
            rows.hops.tolist(),
            strict=True,
        )
    ]


def _member_block(
    net: SearchNet, table: Table, sources: np.ndarray, rounds: int, rg: ReferralGraph, spec: Spec
) -> _RouteBlock:
    """Each member's best path to each target: one search per member, kept as arrays.

    The searches run on a few threads: numpy releases the GIL in the array work, and at M
    two cores make the 50 searches 1.7× faster than one."""

    def one(m: int) -> tuple[Rows, np.ndarray]:
        d1, h1, p1 = search(net, np.array([m]), rounds, table.last)
        return route_arrays(score(table, d1, h1, 2), p1, spec, 1)

    members = sources.tolist()
    workers = min(_MAX_THREADS, _cpus(), len(members))
    if workers <= 1:
        found = [one(m) for m in members]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            try:
                found = list(pool.map(one, members))
            except BaseException:  # Ctrl-C: do not run the searches still queued
                pool.shutdown(cancel_futures=True)
                raise
    return _RouteBlock(found, rg, spec, table.n_targets)


_MAX_THREADS = 4


def _cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _RouteBlock:
    """Routes as arrays, one per row, grouped by target row (``bounds``) and sorted within
    each by (-P, hops, path): every member's best path to every target. At M that is 357,000
    routes, so :class:`Route` objects are made only when asked for and the CSV's text is made
    from the arrays. ``listed`` marks rows whose path is also one of the target's top
    introducers' (:attr:`TargetReach.alternatives` lists each path once)."""

    def __init__(
        self,
        found: Sequence[tuple[Rows, np.ndarray]],
        rg: ReferralGraph,
        spec: Spec,
        n_targets: int,
    ) -> None:
        self.rg = rg
        found = [(r, p) for r, p in found if r.g.shape[0]]
        if found:
            rows = Rows(*(np.concatenate([getattr(r, f) for r, _ in found]) for f in FIELDS))
            nodes = np.concatenate([p for _, p in found])
        else:
            rows = Rows(*(np.zeros(0, dtype=np.int64) for _ in FIELDS))
            nodes = np.full((0, 1), -1, dtype=np.int64)
        ids = np.where(nodes >= 0, rg.person_id[np.maximum(nodes, 0)], -1)
        keys = [ids[:, c] for c in range(ids.shape[1] - 1, -1, -1)]
        order = np.lexsort((*keys, rows.hops, -rows.p, rows.g))
        rows, nodes, ids = rows.take(order), nodes[order], ids[order]
        size, width = nodes.shape
        length = (nodes >= 0).sum(axis=1)
        self.g = rows.g.astype(np.int64)
        self.bounds = np.searchsorted(self.g, np.arange(n_targets + 1))
        self.nodes = nodes
        # public ids, member first, then the target; ``length`` of them in each row
        self.path = np.zeros((size, width + 1), dtype=np.int64)
        self.path[:, :width] = np.maximum(ids, 0)
        self.path[np.arange(size), length] = spec.public[self.g]
        self.public = spec.public
        self.length = length + 1
        self.label, self.p, self.hops = rows.label, rows.p, rows.hops
        self.p_intro, self.p_last = rows.p_intro, rows.p_last
        self.listed = np.zeros(size, dtype=bool)
        self._texts: list[str] | None = None  # of the unlisted rows, made on first use
        self._routes: list[Route] | None = None  # of every row, made on first use
        self._listed: list[bool] = []
        self._unlisted = np.zeros(0, dtype=np.int64)

    def mark_listed(self, rows: Rows, nodes: np.ndarray) -> None:
        """Mark the rows whose path is one of ``rows``/``nodes`` (same target row, same
        member, same nodes): one row at most each, as a member has one row per target."""
        if self.g.shape[0] == 0 or rows.g.shape[0] == 0:
            return
        span = int(max(self.nodes.max(), nodes.max())) + 1
        key = self.g * span + self.nodes[:, 0]
        order = np.argsort(key)
        ikey = rows.g.astype(np.int64) * span + nodes[:, 0]
        pos = np.minimum(np.searchsorted(key[order], ikey), order.shape[0] - 1)
        hit = key[order[pos]] == ikey
        j = order[pos[hit]]
        same = (self.nodes[j] == nodes[hit]).all(axis=1)
        self.listed[j[same]] = True

    def routes(self, start: int, end: int, *, unlisted: bool = False) -> tuple[Route, ...]:
        """Rows ``start:end`` as :class:`Route` objects (``unlisted``: without listed ones).

        The first call makes the objects of every row at once: outputs that ask for one
        target's routes ask for every target's."""
        if self._routes is None:
            paths = zip(self.path.tolist(), self.length.tolist(), strict=True)
            with gc_paused():
                self._routes = list(
                    map(
                        Route,
                        [tuple(p[:n]) for p, n in paths],
                        [LABELS[x] for x in self.label.tolist()],
                        self.p.tolist(),
                        self.p_intro.tolist(),
                        self.p_last.tolist(),
                        self.hops.tolist(),
                    )
                )
            self._listed = self.listed.tolist()
        rows = self._routes[start:end]
        if unlisted:
            return tuple(
                r for r, seen in zip(rows, self._listed[start:end], strict=True) if not seen
            )
        return tuple(rows)

    def unlisted_texts(self, start: int, end: int) -> list[str]:
        """The text of each unlisted row in ``start:end``, as :func:`alternatives_text` joins
        them (made for every row at once, on first use)."""
        if self._texts is None:
            keep = self._unlisted = np.flatnonzero(~self.listed)
            self._texts = route_texts(
                self.rg, self.public, self.nodes[keep], self.g[keep], self.label[keep], self.p[keep]
            )
        lo, hi = np.searchsorted(self._unlisted, (start, end)).tolist()
        return self._texts[lo:hi]
