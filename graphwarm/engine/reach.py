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

import contextlib
import functools
import gc
import itertools
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from ..errors import InputError, NotFoundError, SettingsError
from ..identity import company_key, name_key
from ..settings import Settings
from ._search import LastRound, SearchNet, ptr, ranges, rebuild, search, search_net
from .graph import ReferralGraph

__all__ = [
    "LABELS",
    "RECORD_KEYS",
    "PathExplanation",
    "Route",
    "TargetReach",
    "alternatives_text",
    "best_paths_to",
    "cold_probability",
    "cold_threshold",
    "explain_path",
    "explain_routes",
    "node_names",
    "path_names",
    "paths_text",
    "ranked_routes",
    "reach",
    "reach_record",
    "route_record",
    "target_fields",
]

LABELS = ("direct", "internal", "external", "cold")
_DIRECT, _INTERNAL, _EXTERNAL, _COLD = 0, 1, 2, 3
_LABEL_TEXT = {
    "direct": "direct",
    "internal": "internal referral",
    "external": "external referral",
    "cold": "cold call",
}


class Route(NamedTuple):
    """One path from a member to a target, with its chance split into its two parts.

    ``path`` holds public node ids (``people.id``; ``-accounts.id`` for an account's buyer),
    member first, target last. ``introducer`` is the node before the target (the member itself
    for a direct path). ``probability = p_intro × p_meeting_if_intro``. A named tuple: the bulk
    search makes hundreds of thousands of them, and a tuple is the cheapest to make.
    """

    path: tuple[int, ...]
    label: str
    probability: float
    p_intro: float
    p_meeting_if_intro: float
    hops: int

    @property
    def member(self) -> int:
        return self.path[0]

    @property
    def introducer(self) -> int:
        return self.path[-2]

    @property
    def target(self) -> int:
        return self.path[-1]


@dataclass(frozen=True)
class TargetReach:
    """The result for one target: its label, chance, best path and alternatives.

    For a *cold* target ``path`` is empty, ``member``/``introducer`` are ``None``,
    ``probability = p_connect × p_cold`` with ``p_intro = p_connect`` (they pick up) and
    ``p_meeting_if_intro = p_cold``; warm paths that were too weak still show in
    ``alternatives``. ``reason`` says in a few words why a target is cold.
    """

    target: int
    account_id: int | None
    label: str
    probability: float
    p_intro: float
    p_meeting_if_intro: float
    member: int | None
    introducer: int | None
    hops: int
    path: tuple[int, ...]
    by_introducer: tuple[Route, ...] = ()
    p_any: float = 0.0
    reason: str = ""
    # each member's best path: rows start:end of a block shared by every target of one run
    _members: tuple[_RouteBlock, int, int] | None = field(default=None, repr=False, compare=False)

    @property
    def best(self) -> Route | None:
        """The best path, or ``None`` for a cold target."""
        if self.label == "cold":
            return None
        return self.by_introducer[0] if self.by_introducer else None

    @functools.cached_property
    def by_member(self) -> tuple[Route, ...]:
        """Each member's own best path, best first (by P, then hops, then path)."""
        if self._members is None:
            return ()
        block, start, end = self._members
        return block.routes(start, end)

    @functools.cached_property
    def alternatives(self) -> tuple[Route, ...]:
        """Paths through the top introducers, then each member's best; each path once."""
        if self._members is None:
            return self.by_introducer
        block, start, end = self._members
        return self.by_introducer + block.routes(start, end, unlisted=True)


@dataclass(frozen=True)
class PathExplanation:
    """A path told hop by hop (``text``) and the same as JSON-able ``data``."""

    text: str
    data: dict[str, Any] = field(default_factory=dict)


def cold_probability(settings: Settings) -> float:
    """A cold call's chance per attempt: ``p_connect × p_cold``."""
    p = settings.probability
    return p.p_connect * p.p_cold


def cold_threshold(settings: Settings) -> float:
    """The chance a path must reach not to be cold: the cold call's × ``(1 + margin)``."""
    return cold_probability(settings) * (1.0 + settings.margin)


# -- public functions -------------------------------------------------------------------------


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
    spec = _target_spec(rg, accounts)
    sources = _sources(rg, members)
    with _gc_paused():
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
        spec = _Spec(
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
        spec = _Spec(
            node=np.array([i]), acc=np.array([rg.node_account(i)]), public=np.array([node])
        )
    sources = _sources(rg, members)
    return _run(rg, settings, spec, sources, n_alternatives, True)[0]


def explain_path(
    rg: ReferralGraph, settings: Settings | None, route: Route | TargetReach
) -> PathExplanation:
    """Tell a path hop by hop: who asks whom, why each tie counts, and the chances.

    ``Lina Ahl → Per Moberg (strong: 31 messages both ways, last 3 days ago) → Sofia Wall
    (colleague at Nordvik Transport AB) — internal referral: 84 % if made, 47 % overall``
    """
    settings = settings or rg.settings
    if isinstance(route, TargetReach):
        best = route.best
        if best is None:
            why = f" ({route.reason})" if route.reason else ""
            text = f"{_name(rg, route.target)}: cold call{why} — {_pct(route.probability)} per call"
            data = {
                "target": _person(rg, route.target),
                "label": "cold",
                "probability": route.probability,
                "p_intro": route.p_intro,
                "p_meeting_if_intro": route.p_meeting_if_intro,
                "reason": route.reason,
                "path": [],
                "ties": [],
            }
            return PathExplanation(text, data)
        route = best
    parts = [_name(rg, route.path[0])]
    ties = []
    for i, j in itertools.pairwise(route.path):
        why, s = _tie_reason(rg, i, j)
        parts.append(f"{_name(rg, j)} ({why})")
        ties.append({"from": _name(rg, i), "to": _name(rg, j), "strength": s, "why": why})
    if route.label == "direct":
        tail = f"direct: {_pct(route.probability)} meeting"
    else:
        tail = (
            f"{_LABEL_TEXT[route.label]}: {_pct(route.p_meeting_if_intro)} if made, "
            f"{_pct(route.probability)} overall"
        )
    text = " → ".join(parts) + " — " + tail
    data = route_record(rg, route)
    data["ties"] = ties
    return PathExplanation(text, data)


def ranked_routes(tr: TargetReach, limit: int | None = None) -> list[Route]:
    """The best path, then the alternatives not already listed (at most ``limit`` of them)."""
    routes = [tr.best] if tr.best is not None else []
    others = [r for r in tr.alternatives if r not in routes]
    return routes + (others if limit is None else others[: max(0, limit)])


def explain_routes(
    rg: ReferralGraph, settings: Settings | None, tr: TargetReach, alternatives: int = 3
) -> list[PathExplanation]:
    """The best path and up to ``alternatives`` others, explained; a cold target's call."""
    routes = ranked_routes(tr, alternatives)
    if not routes:
        return [explain_path(rg, settings, tr)]
    return [explain_path(rg, settings, r) for r in routes]


def paths_text(name: str, tr: TargetReach, explanations: Sequence[PathExplanation]) -> str:
    """A target's paths as ``graphwarm path`` prints them: the label and chance, then each
    path numbered, then the chance that at least one works."""
    lines = [f"{name}: {tr.label}, {tr.probability:.0%} chance of a meeting"]
    lines += [f"  {n}. {e.text}" for n, e in enumerate(explanations, start=1)]
    if len(explanations) > 1:
        lines.append(
            f"  At least one of these works: up to {tr.p_any:.0%} "
            "(an upper bound: it treats the attempts as independent)."
        )
    return "\n".join(lines)


def route_record(rg: ReferralGraph, route: Route) -> dict[str, Any]:
    """A path as JSON-able data; ``path`` is a list of ``{name, company}``."""
    return _route_record(route, _text_memo(rg), rg)


def _route_record(
    route: Route, memo: dict[int, tuple[str, str | None]], rg: ReferralGraph
) -> dict[str, Any]:
    try:
        texts = [memo[x] for x in route.path]
    except KeyError:
        texts = [_text(rg, x) for x in route.path]
    return {
        "label": route.label,
        "probability": route.probability,
        "p_intro": route.p_intro,
        "p_meeting_if_intro": route.p_meeting_if_intro,
        "member": texts[0][0],
        "introducer": texts[-2][0],
        "hops": route.hops,
        "path": [{"name": name, "company": company} for name, company in texts],
    }


def alternatives_text(rg: ReferralGraph, tr: TargetReach) -> str:
    """``tr.alternatives`` in one line, as the CSV's ``alternatives`` column holds them:
    ``Lina Ahl → Per Moberg → Sofia Wall (internal, 0.470); …``."""
    names = node_names(rg)
    parts = [
        f"{_ARROW.join([names[x] for x in r.path])} ({r.label}, {r.probability:.3f})"
        for r in tr.by_introducer
    ]
    if tr._members is not None:
        block, start, end = tr._members
        parts += block.unlisted_texts(start, end)
    return "; ".join(parts)


def target_fields(rg: ReferralGraph, tr: TargetReach) -> dict[str, Any]:
    """One target's flat fields (no paths): what a table or CSV row needs."""
    t = rg.info(tr.target)
    a = t["account"]
    names = node_names(rg)
    return {
        "account": rg.account_name[a] if a >= 0 else t["company"],
        "target": t["name"],
        "title": t["title"],
        "label": tr.label,
        "probability": tr.probability,
        "p_intro": tr.p_intro,
        "p_meeting_if_intro": tr.p_meeting_if_intro,
        "member": names[tr.member] if tr.member is not None else None,
        "introducer": names[tr.introducer] if tr.introducer is not None else None,
        "hops": tr.hops,
        "p_any": tr.p_any,
        "reason": tr.reason,
    }


class _Names(dict):
    """Public id → name, filled on first use."""

    def __init__(self, rg: ReferralGraph) -> None:
        super().__init__()
        self.rg = rg

    def __missing__(self, node_id: int) -> str:
        rg = self.rg
        name = rg.name_of(rg.index_of(node_id)) if node_id > 0 else _name(rg, node_id)
        self[node_id] = name
        return name


def node_names(rg: ReferralGraph) -> dict[int, str]:
    """Public id → name for outputs that name hundreds of thousands of path steps."""
    names = rg._cache.get("node_names")
    if names is None:
        names = rg._cache["node_names"] = _Names(rg)
    return names


def path_names(rg: ReferralGraph, route: Route) -> list[str]:
    """The names along a route, member first."""
    names = node_names(rg)
    return [names[x] for x in route.path]


def reach_record(rg: ReferralGraph, tr: TargetReach) -> dict[str, Any]:
    """One target as the JSON row of ``graphwarm reach --format json``."""
    best = tr.best
    memo = _text_memo(rg)
    record = target_fields(rg, tr)
    record["path"] = _route_record(best, memo, rg)["path"] if best is not None else []
    record["alternatives"] = [_route_record(r, memo, rg) for r in tr.alternatives]
    return {key: record[key] for key in RECORD_KEYS}


# The fields of one target's record, in order: the JSON keys and the CSV columns.
RECORD_KEYS = (
    "account",
    "target",
    "title",
    "label",
    "probability",
    "p_intro",
    "p_meeting_if_intro",
    "member",
    "introducer",
    "hops",
    "path",
    "p_any",
    "reason",
    "alternatives",
)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while making hundreds of thousands of small objects
    that hold no cycles: each collection would walk all of them again (about 40 % of the time
    at M). Reference counting still frees them; the collector's state is restored after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# -- scoring targets --------------------------------------------------------------------------


@dataclass
class _Spec:
    """Targets to score: person index (``-1`` for an account's buyer), account, public id."""

    node: np.ndarray
    acc: np.ndarray
    public: np.ndarray


def _target_spec(rg: ReferralGraph, accounts: Iterable[int | str] | None) -> _Spec:
    nodes = rg.targets()
    acc = rg.node_accounts(nodes)
    public = rg.node_ids[nodes]
    person = np.where(nodes < rg.n_people, nodes, -1)
    if accounts is None:
        return _Spec(node=person, acc=acc, public=public)
    wanted = _account_indices(rg, accounts)
    keep = np.isin(acc, wanted)
    person, acc, public = person[keep], acc[keep], public[keep]
    missing = np.setdiff1d(wanted, acc)
    return _Spec(
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


def _sources(rg: ReferralGraph, members: Iterable[int | str] | None) -> np.ndarray:
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


class _Table:
    """What scoring needs that does not depend on the search: each target's neighbours with
    the last edge's label and ``p_last``, and the insiders of the targets' accounts."""

    def __init__(self, rg: ReferralGraph, net: SearchNet, settings: Settings, spec: _Spec) -> None:
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
        label = np.where((acc_i >= 0) & (acc_i == acc_t), _INTERNAL, _EXTERNAL)
        label = np.where(net.member[self.obs_i], _DIRECT, label)
        self.obs_label = label.astype(np.int8)
        self.obs_p = _p_last(label, s, settings)
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
        self.p_internal_ref = float(
            _p_last(np.array([_INTERNAL]), np.array([p.s_ref]), settings)[0]
        )
        self.p_direct_ref = float(_p_last(np.array([_DIRECT]), np.array([p.s_ref]), settings)[0])
        self.last = LastRound(net, np.concatenate([self.obs_i, self.col_i, self.mcol_i]))


@dataclass
class _Rows:
    """Candidate paths as arrays: target row, introducer, parts of P, label, hops."""

    g: np.ndarray
    i: np.ndarray
    p: np.ndarray
    p_intro: np.ndarray
    p_last: np.ndarray
    label: np.ndarray
    hops: np.ndarray

    def take(self, idx: np.ndarray) -> _Rows:
        return _Rows(
            *(getattr(self, f)[idx] for f in ("g", "i", "p", "p_intro", "p_last", "label", "hops"))
        )


def _score(table: _Table, dist: np.ndarray, hops: np.ndarray, k: int) -> _Rows:
    """The best ``k`` distinct introducers of every target, best first within each target."""
    parts = []
    d = dist[table.obs_i]
    ok = np.isfinite(d)
    if ok.any():
        i = table.obs_i[ok]
        p_in = np.exp(-d[ok])
        pl = table.obs_p[ok]
        parts.append(
            _Rows(table.obs_g[ok], i, p_in * pl, p_in, pl, table.obs_label[ok], hops[i] + 1)
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
        first = _rank(g) < k
        g, i, dd = g[first], i[first], dd[first]
        p_in = np.exp(-dd)
        pl = np.full(g.shape[0], table.p_internal_ref)
        lab = np.full(g.shape[0], _INTERNAL, dtype=np.int8)
        parts.append(_Rows(g, i, p_in * pl, p_in, pl, lab, hops[i] + 1))
    if table.mcol_i.size:
        ok = dist[table.mcol_i] == 0.0
        g, i = table.mcol_g[ok], table.mcol_i[ok]
        ones = np.ones(g.shape[0])
        pl = ones * table.p_direct_ref
        parts.append(
            _Rows(g, i, pl.copy(), ones, pl, np.full(g.shape[0], _DIRECT, np.int8), hops[i] + 1)
        )
    if not parts:
        z = np.zeros(0, dtype=np.int64)
        return _Rows(z, z, np.zeros(0), np.zeros(0), np.zeros(0), z.astype(np.int8), z)
    rows = _Rows(*(np.concatenate([getattr(r, f) for r in parts]) for f in _FIELDS))
    return _best_rows(rows, k)


def _best_rows(rows: _Rows, k: int) -> _Rows:
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


def _pick(rows: _Rows, start: np.ndarray, tie: np.ndarray, alive: np.ndarray) -> np.ndarray:
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


def _top_per_run(table: _Table, values: np.ndarray, k: int) -> tuple[np.ndarray, ...]:
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


_FIELDS = ("g", "i", "p", "p_intro", "p_last", "label", "hops")


def _rank(groups: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal values in a sorted array."""
    size = groups.shape[0]
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.ones(size, dtype=bool)
    start[1:] = groups[1:] != groups[:-1]
    first = np.maximum.accumulate(np.where(start, np.arange(size), 0))
    return np.arange(size) - first


def _p_last(label: np.ndarray, s: np.ndarray, settings: Settings) -> np.ndarray:
    """Meeting chance on the last edge, by label and the last tie's strength."""
    p = settings.probability
    s = np.asarray(s, dtype=np.float64)
    label = np.asarray(label)
    anchor = np.where(label == _INTERNAL, p.p_internal, p.p_external)
    logit = np.log(anchor / (1.0 - anchor)) + p.beta * (s - p.s_ref)
    shifted = np.where(s == p.s_ref, anchor, 1.0 / (1.0 + np.exp(-logit)))
    direct = p.p_cold + (p.p_direct_max - p.p_cold) * s
    return np.where(label == _DIRECT, direct, shifted)


# -- putting it together ----------------------------------------------------------------------


def _run(
    rg: ReferralGraph,
    settings: Settings,
    spec: _Spec,
    sources: np.ndarray,
    k: int,
    per_member: bool,
) -> list[TargetReach]:
    net = search_net(rg, settings)
    table = _Table(rg, net, settings, spec)
    rounds = settings.max_hops - 1
    ids = rg.person_id
    n_targets = table.n_targets
    dist, hops, preds = search(net, sources, rounds, table.last)
    k = max(1, k)
    # one spare candidate per target, in case a path runs through the target itself
    rows, paths = _route_arrays(_score(table, dist, hops, k + 1), preds, spec, k)
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
    p, cold_p = settings.probability, cold_probability(settings)
    if top is None:
        reason = f"no path within {settings.max_hops} hops"
    else:
        reason = (
            f"best path {_pct(top.probability)} does not beat a cold call "
            f"({_pct(cold_p)}) by {_pct(settings.margin)}"
        )
    return {
        "label": "cold",
        "probability": cold_p,
        "p_intro": p.p_connect,
        "p_meeting_if_intro": p.p_cold,
        "member": None,
        "introducer": None,
        "hops": 0,
        "path": (),
        "reason": reason,
    }


def _p_any(rows: _Rows, block: _RouteBlock | None, n_targets: int, cold_p: float) -> np.ndarray:
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


def _route_arrays(
    rows: _Rows, preds: np.ndarray, spec: _Spec, keep: int
) -> tuple[_Rows, np.ndarray]:
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
    first = np.flatnonzero(_rank(rows.g) < keep)
    return rows.take(first), paths[first]


def _make_routes(rows: _Rows, paths: np.ndarray, ids: np.ndarray, spec: _Spec) -> list[Route]:
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
    net: SearchNet, table: _Table, sources: np.ndarray, rounds: int, rg: ReferralGraph, spec: _Spec
) -> _RouteBlock:
    """Each member's best path to each target: one search per member, kept as arrays.

    The searches run on a few threads: numpy releases the GIL in the array work, and at M
    two cores make the 50 searches 1.7× faster than one."""

    def one(m: int) -> tuple[_Rows, np.ndarray]:
        d1, h1, p1 = search(net, np.array([m]), rounds, table.last)
        return _route_arrays(_score(table, d1, h1, 2), p1, spec, 1)

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
        found: Sequence[tuple[_Rows, np.ndarray]],
        rg: ReferralGraph,
        spec: _Spec,
        n_targets: int,
    ) -> None:
        self.rg = rg
        found = [(r, p) for r, p in found if r.g.shape[0]]
        if found:
            rows = _Rows(*(np.concatenate([getattr(r, f) for r, _ in found]) for f in _FIELDS))
            nodes = np.concatenate([p for _, p in found])
        else:
            rows = _Rows(*(np.zeros(0, dtype=np.int64) for _ in _FIELDS))
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

    def mark_listed(self, rows: _Rows, nodes: np.ndarray) -> None:
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
            with _gc_paused():
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
            self._texts = _texts(
                self.rg, self.public, self.nodes[keep], self.g[keep], self.label[keep], self.p[keep]
            )
        lo, hi = np.searchsorted(self._unlisted, (start, end)).tolist()
        return self._texts[lo:hi]


def _texts(
    rg: ReferralGraph,
    public: np.ndarray,
    nodes: np.ndarray,
    g: np.ndarray,
    label: np.ndarray,
    p: np.ndarray,
) -> list[str]:
    """The text of each row's route (``A → B → C (internal, 0.470)``), from its nodes before
    the target (``-1`` padded) and its target row ``g`` (``public`` holds their ids)."""
    person = rg.names if rg.names is not None else [rg.name_of(i) for i in range(rg.n_people)]
    get = person.__getitem__
    names = node_names(rg)
    ends = [f"{_ARROW}{names[t]} (" for t in public.tolist()]
    labels = [f"{x}, " for x in LABELS]
    # a few thousand distinct chances, and a third as many distinct heads (member → … →
    # introducer) as rows: make each text once
    values, which = np.unique(p, return_inverse=True)
    chances = [f"{x:.3f})" for x in values.tolist()]
    first, head = _distinct_rows(nodes)
    lengths = (nodes[first] >= 0).sum(axis=1).tolist()
    with _gc_paused():
        heads = [
            _ARROW.join(map(get, row[:n]))
            for row, n in zip(nodes[first].tolist(), lengths, strict=True)
        ]
        return [
            f"{heads[h]}{ends[t]}{labels[lab]}{chances[c]}"
            for h, t, lab, c in zip(
                head.tolist(), g.tolist(), label.tolist(), which.tolist(), strict=True
            )
        ]


def _distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``first`` (a row index per distinct row) and ``inverse`` (each row's distinct row), for
    rows of small non-negative ints (``-1`` allowed): each row packed into one int64 when it
    fits, as ``np.unique(axis=0)`` is 15× slower; else every row counts as distinct."""
    size, width = rows.shape
    span = int(rows.max(initial=0)) + 2
    if size == 0 or span**width >= 2**63:
        return np.arange(size), np.arange(size)
    key = np.zeros(size, dtype=np.int64)
    for c in range(width):
        key = key * span + (rows[:, c] + 1)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse


_ARROW = " → "


def _check_settings(settings: Settings) -> None:
    p = settings.probability
    if not 0.0 < p.f_max < 1.0 or not 0.0 <= p.f_min <= p.f_max:
        raise SettingsError(
            f"f_min = {p.f_min} and f_max = {p.f_max} must satisfy 0 ≤ f_min ≤ f_max < 1",
            hint="fix [probability] in graphwarm.toml",
        )


# -- explanations -----------------------------------------------------------------------------


def _tie_reason(rg: ReferralGraph, a: int, b: int) -> tuple[str, float]:
    """Why the tie between public ids ``a → b`` on a path counts, and its strength (the
    better of an observed and a colleague tie)."""
    s_ref = rg.settings.probability.s_ref
    ia, ib = rg.info(a), rg.info(b)
    colleague = ia["account"] >= 0 and ia["account"] == ib["account"]
    observed = rg.tie_breakdown(ia["index"], ib["index"]) if a > 0 and b > 0 else None
    if observed is not None and (not colleague or observed.s >= s_ref):
        return observed.describe(), observed.s
    if colleague:
        return rg.colleague_breakdown(ia["account"]).describe(), s_ref
    return "tie", float("nan")


def _text_memo(rg: ReferralGraph) -> dict[int, tuple[str, str | None]]:
    """Public id → ``(name, company)``, filled as outputs ask (they ask for the same few
    thousand people hundreds of thousands of times)."""
    memo = rg._cache.get("node_text")
    if memo is None:
        memo = rg._cache["node_text"] = {}
    return memo


def _text(rg: ReferralGraph, node_id: int) -> tuple[str, str | None]:
    """``(name, company)`` of a public id."""
    memo = _text_memo(rg)
    hit = memo.get(node_id)
    if hit is None:
        info = rg.info(node_id)
        hit = memo[node_id] = (str(info["name"]), info["company"])
    return hit


def _name(rg: ReferralGraph, node_id: int) -> str:
    return _text(rg, node_id)[0]


def _person(rg: ReferralGraph, node_id: int) -> dict[str, Any]:
    name, company = _text(rg, node_id)
    return {"name": name, "company": company}


def _pct(p: float) -> str:
    return f"{p * 100:.0f} %"
