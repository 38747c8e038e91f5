"""Scoring targets on arrays: which targets, from which members, and the best candidate
paths of each target from one search's distances (:mod:`graphwarm.engine._search`).

A candidate is a row of :class:`Rows`: target row ``g``, introducer ``i``, the chance ``p``
with its parts, the label and the hops. Each target is scored over its neighbours ``I`` (its
observed ties, and the insiders of its account as colleague ties):
``exp(-cost(I)) × p_last(I, target)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..errors import NotFoundError
from ..identity import company_key, name_key
from ..settings import Settings
from ._search import LastRound, SearchNet, ptr, ranges, rebuild
from .graph import ReferralGraph

__all__ = [
    "DIRECT",
    "EXTERNAL",
    "FIELDS",
    "INTERNAL",
    "Rows",
    "Spec",
    "Table",
    "member_sources",
    "p_last",
    "rank",
    "route_arrays",
    "score",
    "target_spec",
]

# Labels as small ints, in the order of routes.LABELS.
DIRECT, INTERNAL, EXTERNAL = 0, 1, 2


@dataclass
class Spec:
    """Targets to score: person index (``-1`` for an account's buyer), account, public id."""

    node: np.ndarray
    acc: np.ndarray
    public: np.ndarray


def target_spec(rg: ReferralGraph, accounts: Iterable[int | str] | None) -> Spec:
    nodes = rg.targets()
    acc = rg.node_accounts(nodes)
    public = rg.node_ids[nodes]
    person = np.where(nodes < rg.n_people, nodes, -1)
    if accounts is None:
        return Spec(node=person, acc=acc, public=public)
    wanted = _account_indices(rg, accounts)
    keep = np.isin(acc, wanted)
    person, acc, public = person[keep], acc[keep], public[keep]
    missing = np.setdiff1d(wanted, acc)
    return Spec(
        node=np.concatenate([person, np.full(missing.shape[0], -1)]),
        acc=np.concatenate([acc, missing]),
        public=np.concatenate([public, -rg.account_id[missing]]),
    )


def _account_indices(rg: ReferralGraph, accounts: Iterable[int | str]) -> np.ndarray:
    keys = None
    out = []
    for account in accounts:
        if isinstance(account, str):
            if keys is None:
                keys = {}
                for a, name in enumerate(rg.account_name):
                    keys.setdefault(company_key(name), []).append(a)
            hits = keys.get(company_key(account))
            if not hits:
                raise NotFoundError(f"no account called {account!r}")
            out.extend(hits)
        else:
            out.append(rg.account_index(int(account)))
    return np.unique(np.array(out, dtype=np.int64))


def member_sources(rg: ReferralGraph, members: Iterable[int | str] | None) -> np.ndarray:
    usable = rg.is_member & ~rg.excluded
    if members is None:
        return np.flatnonzero(usable)
    out = []
    for m in members:
        if isinstance(m, str):
            key = name_key(m)
            hits = [i for i in np.flatnonzero(usable).tolist() if name_key(rg.name_of(i)) == key]
            if not hits:
                raise NotFoundError(f"no member called {m!r}")
            out.extend(hits)
        else:
            i = rg.index_of(int(m))
            if not usable[i]:
                raise NotFoundError(f"{rg.name_of(i)} is not a member of the team")
            out.append(i)
    return np.unique(np.array(out, dtype=np.int64))


class Table:
    """What scoring needs that does not depend on the search: each target's neighbours with
    the last edge's label and ``p_last``, and the insiders of the targets' accounts."""

    def __init__(self, rg: ReferralGraph, net: SearchNet, settings: Settings, spec: Spec) -> None:
        p = settings.probability
        self.spec = spec
        self.n_targets = spec.node.shape[0]
        person_rows = np.flatnonzero(spec.node >= 0)
        pos, owner = ranges(net.adj_ptr, spec.node[person_rows])
        self.obs_g = person_rows[owner]
        self.obs_i = net.adj_nbr[pos]
        s = net.adj_s[pos]
        acc_t = spec.acc[self.obs_g]
        acc_i = net.account[self.obs_i]
        label = np.where((acc_i >= 0) & (acc_i == acc_t), INTERNAL, EXTERNAL)
        label = np.where(net.member[self.obs_i], DIRECT, label)
        self.obs_label = label.astype(np.int8)
        self.obs_p = p_last(label, s, settings)
        # insiders of each target's account (colleague ties)
        has = spec.acc >= 0
        self.accounts = np.unique(spec.acc[has])
        self.t_slot = np.full(self.n_targets, -1, dtype=np.int64)
        self.t_slot[has] = np.searchsorted(self.accounts, spec.acc[has])
        cpos, cown = ranges(net.nm_ptr, self.accounts)
        self.col_i = net.nm_list[cpos]
        self.col_slot = cown
        # start of each non-empty run of one account in col_i (for reduceat)
        run = np.ones(cown.shape[0], dtype=bool)
        run[1:] = cown[1:] != cown[:-1]
        self.col_starts = np.flatnonzero(run)
        self.col_run = np.cumsum(run) - 1
        mpos, mown = ranges(net.mem_ptr, self.accounts)
        mem_i = net.mem_list[mpos]
        # member insiders: a direct path by colleague tie, one row per (target, member)
        rows_t, rows_m = [], []
        if mem_i.size:
            tpos, town = ranges(ptr(mown, self.accounts.shape[0]), self.t_slot[has])
            rows_t.append(np.flatnonzero(has)[town])
            rows_m.append(mem_i[tpos])
        self.mcol_g = np.concatenate(rows_t) if rows_t else np.zeros(0, dtype=np.int64)
        self.mcol_i = np.concatenate(rows_m) if rows_m else np.zeros(0, dtype=np.int64)
        self.p_internal_ref = float(p_last(np.array([INTERNAL]), np.array([p.s_ref]), settings)[0])
        self.p_direct_ref = float(p_last(np.array([DIRECT]), np.array([p.s_ref]), settings)[0])
        self.last = LastRound(net, np.concatenate([self.obs_i, self.col_i, self.mcol_i]))


@dataclass
class Rows:
    """Candidate paths as arrays: target row, introducer, parts of P, label, hops."""

    g: np.ndarray
    i: np.ndarray
    p: np.ndarray
    p_intro: np.ndarray
    p_last: np.ndarray
    label: np.ndarray
    hops: np.ndarray

    def take(self, idx: np.ndarray) -> Rows:
        return Rows(
            *(getattr(self, f)[idx] for f in ("g", "i", "p", "p_intro", "p_last", "label", "hops"))
        )


def score(table: Table, dist: np.ndarray, hops: np.ndarray, k: int) -> Rows:
    """The best ``k`` distinct introducers of every target, best first within each target."""
    parts = []
    d = dist[table.obs_i]
    ok = np.isfinite(d)
    if ok.any():
        i = table.obs_i[ok]
        p_in = np.exp(-d[ok])
        pl = table.obs_p[ok]
        parts.append(
            Rows(table.obs_g[ok], i, p_in * pl, p_in, pl, table.obs_label[ok], hops[i] + 1)
        )
    # colleagues: the k + 1 best non-member insiders per account (one may be the target)
    dc = dist[table.col_i]
    ok = np.isfinite(dc)
    if ok.any():
        ci, cs, cd = _top_per_run(table, dc, k + 1)
        tptr = ptr(cs, table.accounts.shape[0])
        rows = np.flatnonzero(table.t_slot >= 0)
        pos, own = ranges(tptr, table.t_slot[rows])
        g = rows[own]
        i = ci[pos]
        not_self = i != table.spec.node[g]
        g, i, dd = g[not_self], i[not_self], cd[pos][not_self]
        first = rank(g) < k
        g, i, dd = g[first], i[first], dd[first]
        p_in = np.exp(-dd)
        pl = np.full(g.shape[0], table.p_internal_ref)
        lab = np.full(g.shape[0], INTERNAL, dtype=np.int8)
        parts.append(Rows(g, i, p_in * pl, p_in, pl, lab, hops[i] + 1))
    if table.mcol_i.size:
        ok = dist[table.mcol_i] == 0.0
        g, i = table.mcol_g[ok], table.mcol_i[ok]
        ones = np.ones(g.shape[0])
        pl = ones * table.p_direct_ref
        parts.append(
            Rows(g, i, pl.copy(), ones, pl, np.full(g.shape[0], DIRECT, np.int8), hops[i] + 1)
        )
    if not parts:
        z = np.zeros(0, dtype=np.int64)
        return Rows(z, z, np.zeros(0), np.zeros(0), np.zeros(0), z.astype(np.int8), z)
    rows = Rows(*(np.concatenate([getattr(r, f) for r in parts]) for f in FIELDS))
    return _best_rows(rows, k)


def _best_rows(rows: Rows, k: int) -> Rows:
    """One row per (target, introducer), then the best ``k`` per target, best first."""
    # one row per (target, introducer): the better of an observed and a colleague tie (higher
    # P, then fewer hops, then the observed one), which leaves the rows sorted by target
    gi = rows.g.astype(np.int64) * (int(rows.i.max(initial=0)) + 1) + rows.i
    order = np.argsort(gi, kind="stable")
    rows, gi = rows.take(order), gi[order]
    start = np.ones(gi.shape[0], dtype=bool)
    start[1:] = gi[1:] != gi[:-1]
    if not start.all():
        alive = np.ones(gi.shape[0], dtype=bool)
        rows = rows.take(np.flatnonzero(_pick(rows, start, np.arange(gi.shape[0]), alive)))
    # the best k per target by (-P, hops, introducer): the same as sorting by those and
    # keeping the first k, without sorting floats (k passes of per-target minima)
    start = np.ones(rows.g.shape[0], dtype=bool)
    start[1:] = rows.g[1:] != rows.g[:-1]
    alive = np.ones(rows.g.shape[0], dtype=bool)
    rank = np.full(rows.g.shape[0], k, dtype=np.int64)
    for r in range(k):
        hit = _pick(rows, start, rows.i, alive)
        if not hit.any():
            break
        rank[hit] = r
        alive &= ~hit
    chosen = np.flatnonzero(rank < k)
    order = chosen[np.argsort(rows.g[chosen].astype(np.int64) * k + rank[chosen], kind="stable")]
    return rows.take(order)


def _pick(rows: Rows, start: np.ndarray, tie: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """In each run of rows (``start`` marks where one begins), the alive row with the highest
    P, then the fewest hops, then the smallest ``tie``: a mask with at most one per run."""
    if rows.g.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    starts = np.flatnonzero(start)
    run = np.cumsum(start) - 1
    p = np.where(alive, rows.p, -np.inf)
    hit = alive & (p == np.maximum.reduceat(p, starts)[run])
    big = np.iinfo(np.int64).max
    hops = np.where(hit, rows.hops.astype(np.int64), big)
    hit &= hops == np.minimum.reduceat(hops, starts)[run]
    ties = np.where(hit, tie.astype(np.int64), big)
    hit &= ties == np.minimum.reduceat(ties, starts)[run]
    return hit


def _top_per_run(table: Table, values: np.ndarray, k: int) -> tuple[np.ndarray, ...]:
    """The ``k`` smallest finite values of each account's run in ``table.col_i``: insider,
    account slot and value, sorted by slot then value (ties: first in the run)."""
    fin = np.flatnonzero(np.isfinite(values))  # one member's search reaches a part only
    empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    if fin.size == 0:
        return empty
    vals = values[fin]
    run_of = table.col_run[fin]
    start = np.ones(fin.shape[0], dtype=bool)
    start[1:] = run_of[1:] != run_of[:-1]
    starts = np.flatnonzero(start)
    run = np.cumsum(start) - 1
    picked = []
    for _ in range(k):
        mins = np.minimum.reduceat(vals, starts)
        hit = np.flatnonzero((vals == mins[run]) & np.isfinite(vals))
        if hit.size == 0:
            break
        first = np.ones(hit.shape[0], dtype=bool)
        first[1:] = run[hit[1:]] != run[hit[:-1]]
        hit = hit[first]
        picked.append(fin[hit])
        picked.append(vals[hit].copy())
        vals[hit] = np.inf
    if not picked:
        return empty
    pos = np.concatenate(picked[0::2])
    val = np.concatenate(picked[1::2])
    order = np.lexsort((val, table.col_slot[pos]))
    pos, val = pos[order], val[order]
    return table.col_i[pos], table.col_slot[pos], val


FIELDS = ("g", "i", "p", "p_intro", "p_last", "label", "hops")


def rank(groups: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal values in a sorted array."""
    size = groups.shape[0]
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.ones(size, dtype=bool)
    start[1:] = groups[1:] != groups[:-1]
    first = np.maximum.accumulate(np.where(start, np.arange(size), 0))
    return np.arange(size) - first


def p_last(label: np.ndarray, s: np.ndarray, settings: Settings) -> np.ndarray:
    """Meeting chance on the last edge, by label (``DIRECT``, ``INTERNAL``, ``EXTERNAL``) and
    the last tie's strength: the search's and calibration's one rule for it."""
    p = settings.probability
    s = np.asarray(s, dtype=np.float64)
    label = np.asarray(label)
    anchor = np.where(label == INTERNAL, p.p_internal, p.p_external)
    logit = np.log(anchor / (1.0 - anchor)) + p.beta * (s - p.s_ref)
    shifted = np.where(s == p.s_ref, anchor, 1.0 / (1.0 + np.exp(-logit)))
    direct = p.p_cold + (p.p_direct_max - p.p_cold) * s
    return np.where(label == DIRECT, direct, shifted)


def route_arrays(rows: Rows, preds: np.ndarray, spec: Spec, keep: int) -> tuple[Rows, np.ndarray]:
    """Scored rows as paths (node indices, ``-1`` padded), at most ``keep`` per target row.

    A row whose path to the introducer runs through the target itself is dropped: the target
    cannot be asked to reach themselves. (That introducer's next-best path is not searched.)
    """
    if rows.g.shape[0] == 0:
        return rows, np.full((0, preds.shape[0] + 1), -1, dtype=np.int64)
    paths = rebuild(preds, rows.i)
    target = spec.node[rows.g]
    through = (target >= 0) & (paths == target[:, None]).any(axis=1)
    if through.any():
        ok = np.flatnonzero(~through)
        rows, paths = rows.take(ok), paths[ok]
    first = np.flatnonzero(rank(rows.g) < keep)
    return rows.take(first), paths[first]
