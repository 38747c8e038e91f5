"""The hop-bounded search behind :mod:`graphwarm.engine.reach`, on arrays.

Edge cost ``-log f(s)``. The hop bound makes plain Dijkstra inexact (the best path within 3
edges is not always the best path), so the search runs ``max_hops - 1`` rounds of vectorised
Bellman–Ford relaxation over the arcs (numpy), each round relaxing only the arcs out of nodes
that improved in the round before, plus one colleague step through every account hub: the best
insider of an account reaches every other insider for ``-log f(s_ref)``. After round ``r``
every node holds its best cost over paths of at most ``r`` edges and its predecessor in that
round, so paths are rebuilt exactly.

Members are sources only: arcs *into* members are left out, so no path passes through a
teammate. Excluded people (``people.excluded`` or ``settings.exclude``) have no arcs at all.
"""

from __future__ import annotations

import math

import numpy as np

from ..settings import Settings
from .graph import ReferralGraph

__all__ = ["LastRound", "SearchNet", "ptr", "ranges", "rebuild", "search", "search_net"]


class SearchNet:
    """Arrays the search runs on, for one graph and one ``f_min``/``f_max``.

    ``adj_*``: every tie in both directions (no excluded person), grouped by first node, for
    scoring targets. ``arc_*``: the same without arcs into members, grouped by source, costs
    ``-log f(s)``. ``hub_*``: non-excluded people grouped by account (the hubs);
    ``nm_*``/``mem_*``: the same split into non-members and members.
    """

    def __init__(self, rg: ReferralGraph, settings: Settings) -> None:
        p = settings.probability
        n = rg.n_people
        self.n = n
        self.n_acc = rg.n_accounts
        self.member = rg.is_member
        self.account = rg.account.astype(np.int64)
        ok = ~rg.excluded[rg.edge_u] & ~rg.excluded[rg.edge_v]
        u, v, s = rg.edge_u[ok], rg.edge_v[ok], rg.edge_s[ok]
        src = np.concatenate([u, v]).astype(np.int64)
        dst = np.concatenate([v, u]).astype(np.int64)
        s2 = np.concatenate([s, s])
        order = np.argsort(src, kind="stable")
        src, dst, s2 = src[order], dst[order], s2[order]
        self.adj_ptr = ptr(src, n)
        self.adj_nbr = dst
        self.adj_s = s2
        into_member = rg.is_member[dst]
        keep = ~into_member
        self.arc_ptr = ptr(src[keep], n)
        self.arc_dst = dst[keep]
        with np.errstate(divide="ignore"):
            self.arc_w = -np.log(p.f_min + (p.f_max - p.f_min) * s2[keep])
        with np.errstate(divide="ignore"):
            self.c_col = float(-math.log(p.f_min + (p.f_max - p.f_min) * p.s_ref))
        in_hub = (self.account >= 0) & ~rg.excluded
        people = np.flatnonzero(in_hub)
        people = people[np.argsort(self.account[people], kind="stable")]
        self.hub_ptr = ptr(self.account[people], self.n_acc)
        self.hub_list = people
        nm = people[~rg.is_member[people]]
        self.nm_ptr = ptr(self.account[nm], self.n_acc)
        self.nm_list = nm
        mem = people[rg.is_member[people]]
        self.mem_ptr = ptr(self.account[mem], self.n_acc)
        self.mem_list = mem
        self.receiver = ~rg.is_member & ~rg.excluded


def search_net(rg: ReferralGraph, settings: Settings) -> SearchNet:
    p = settings.probability
    key = ("net", p.f_min, p.f_max, p.s_ref)
    net = rg._cache.get(key)
    if net is None:
        for old in [k for k in rg._cache if isinstance(k, tuple) and k[0] == "net"]:
            del rg._cache[old]
        net = rg._cache[key] = SearchNet(rg, settings)
    return net


def ptr(keys: np.ndarray, size: int) -> np.ndarray:
    """CSR pointer of a sorted key array: ``keys[ptr[k]:ptr[k+1]] == k``."""
    return np.searchsorted(keys, np.arange(size + 1)).astype(np.int64)


def ranges(ptr: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``ptr[x]..ptr[x+1]`` for every ``x`` in ``nodes``, and which ``x`` each is."""
    starts = ptr[nodes]
    counts = ptr[nodes + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(nodes.shape[0]), counts)
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return offsets + np.arange(total), owner


class LastRound:
    """Arcs and hub receivers restricted to the nodes scoring reads (the targets' neighbours
    and the insiders of their accounts): what the search's last round needs to relax."""

    def __init__(self, net: SearchNet, wanted: np.ndarray) -> None:
        keep = np.zeros(net.n, dtype=bool)
        keep[wanted[(wanted >= 0) & (wanted < net.n)]] = True
        src = np.repeat(np.arange(net.n), np.diff(net.arc_ptr))
        arcs = keep[net.arc_dst]
        self.arc_ptr = ptr(src[arcs], net.n)
        self.arc_dst = net.arc_dst[arcs]
        self.arc_w = net.arc_w[arcs]
        nm = keep[net.nm_list]
        self.nm_list = net.nm_list[nm]
        self.nm_ptr = ptr(net.account[self.nm_list], net.n_acc)


def search(
    net: SearchNet, sources: np.ndarray, rounds: int, last: LastRound | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best cost, hop count and per-round predecessors over paths of at most ``rounds`` edges.

    ``preds[r, v]`` is ``v``'s predecessor if ``v`` improved in round ``r + 1``, else ``-1``.
    With ``last``, the last round relaxes only the arcs into (and hub steps to) the nodes
    ``last`` keeps: their results are exact, other nodes keep the round before's (cheap
    per-member searches, whose last round would otherwise reach half the graph).
    """
    n = net.n
    dist = np.full(n, np.inf)
    dist[sources] = 0.0
    hops = np.zeros(n, dtype=np.int16)
    preds = np.full((rounds, n), -1, dtype=np.int32)
    frontier = np.unique(sources)
    hub_best = np.full(net.n_acc, np.inf)
    hub_arg = np.full(net.n_acc, -1, dtype=np.int64)
    for r in range(rounds):
        if frontier.size == 0:
            break
        new = dist.copy()
        arcs: SearchNet | LastRound = last if last is not None and r == rounds - 1 else net
        # observed ties out of the nodes that improved last round
        pos, owner = ranges(arcs.arc_ptr, frontier)
        a_src = frontier[owner]
        a_dst = arcs.arc_dst[pos]
        cand = dist[a_src] + arcs.arc_w[pos]
        np.minimum.at(new, a_dst, cand)
        # colleague ties: frontier insiders → hub → every other insider
        fa = net.account[frontier]
        hf = frontier[fa >= 0]
        rec = np.zeros(0, dtype=np.int64)
        if hf.size:
            fa = net.account[hf]
            fd = dist[hf]
            np.minimum.at(hub_best, fa, fd)
            eq = fd == hub_best[fa]
            hub_arg[fa[eq]] = hf[eq]
            touched = np.unique(fa)
            hpos, _ = ranges(arcs.nm_ptr, touched)
            rec = arcs.nm_list[hpos]
            ccand = hub_best[net.account[rec]] + net.c_col
            better = ccand < new[rec]
            rec = rec[better]
            new[rec] = ccand[better]
            hub_best[touched] = np.inf
        improved = new < dist
        pred = preds[r]
        if rec.size:
            pred[rec] = hub_arg[net.account[rec]]
        if hf.size:
            hub_arg[touched] = -1
        take = improved[a_dst] & (cand == new[a_dst])
        pred[a_dst[take]] = a_src[take]
        frontier = np.flatnonzero(improved)
        hops[frontier] = hops[pred[frontier]] + 1
        dist = new
    return dist, hops, preds


def rebuild(preds: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Paths to ``ends`` from their sources, as rows of node indices (``-1`` padded, source
    first)."""
    rounds = preds.shape[0]
    m = ends.shape[0]
    out = np.full((m, rounds + 1), -1, dtype=np.int64)
    out[:, 0] = ends
    cur = ends.astype(np.int64).copy()
    level = np.full(m, rounds - 1, dtype=np.int64)
    active = np.ones(m, dtype=bool)
    for step in range(1, rounds + 1):
        prev = np.full(m, -1, dtype=np.int64)
        at = np.full(m, -1, dtype=np.int64)
        for lv in range(rounds - 1, -1, -1):
            look = active & (prev < 0) & (level >= lv)
            if not look.any():
                continue
            got = preds[lv, cur[look]]
            idx = np.flatnonzero(look)
            prev[idx] = got
            at[idx[got >= 0]] = lv
        active &= prev >= 0
        if not active.any():
            break
        cur[active] = prev[active]
        level[active] = at[active] - 1
        out[active, step] = prev[active]
    # reverse each row so the source comes first
    lengths = (out >= 0).sum(axis=1)
    cols = np.arange(rounds + 1)
    src_col = lengths[:, None] - 1 - cols[None, :]
    rev = np.where(src_col >= 0, np.take_along_axis(out, np.maximum(src_col, 0), 1), -1)
    return rev
