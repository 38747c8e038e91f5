"""The referral graph: people, their ties and accounts, as compact arrays for the search.

:func:`~graphwarm.engine.load.load_graph` reads a workspace into a :class:`ReferralGraph`
(no networkx on the hot path: at 5 M ties a networkx build alone takes about a minute).
:func:`to_networkx` builds the networkx model from those arrays for what reads it:
explanations, the map, the tests.
:func:`graph_from_lists` and :meth:`ReferralGraph.from_arrays` build a graph without a
database (tests, benchmarks).

Nodes
    People are nodes ``0 .. n_people - 1``. A target account that names no target person gets
    one more node, ``n_people + j``, standing for "the buyer there" (a *pseudo-target*).
    Public node ids: a person's ``people.id``; a pseudo-target's ``-accounts.id``.

Ties
    Observed ties are undirected edges ``u < v`` with a strength ``s``, one per pair (a repeated
    pair keeps its strongest tie: a CSR matrix would otherwise *sum* the weights).

Colleagues and hubs
    Two insiders of one account are colleagues: an inferred tie of strength ``s_ref``. These
    ties are never stored pairwise (an account of 100,000 people would need 5·10⁹ edges).
    Each account is a *hub* that its insiders attach to; the search relaxes "insider → hub →
    colleague" as one colleague tie of strength ``s_ref``, one hop. A hub is not a person, never
    appears on a path and never counts as a hop. A pseudo-target is reached from each insider
    of its account by such a colleague tie.

Targets
    People imported as targets (``people.is_target``); people at a target account whose title
    matches ``settings.buyer_titles``; and the pseudo-target of a target account with neither.
    Members and excluded people are never targets.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import NotFoundError
from ..identity import company_key, email_key, name_key, url_key
from ..settings import Settings
from .strength import (
    StrengthBreakdown,
    colleague_strength,
    tie_strength,
)

__all__ = [
    "TARGET_NAMED",
    "TARGET_TITLE",
    "Excluder",
    "ReferralGraph",
    "buyer_title_pattern",
    "graph_from_lists",
    "to_networkx",
]

log = logging.getLogger(__name__)

TARGET_NAMED = 1

TARGET_TITLE = 2


@dataclass(eq=False)
class ReferralGraph:
    """People, accounts and ties as arrays; build with :func:`~graphwarm.engine.load.load_graph` or
    :meth:`from_arrays`.

    Per person ``i`` (``0 .. n_people-1``): ``person_id[i]``, ``is_member[i]``,
    ``excluded[i]``, ``account[i]`` (index into the account arrays, ``-1`` for none) and
    ``target_kind[i]`` (0 no, :data:`TARGET_NAMED`, :data:`TARGET_TITLE`). Per account ``a``:
    ``account_id[a]``, ``account_name[a]``, ``account_is_target[a]``. Edges: ``edge_u <
    edge_v`` (person indices), ``edge_s`` the strength, ``edge_shared`` the shared-employer
    flag. ``pseudo_account[j]`` is the account of pseudo-target node ``n_people + j``.
    ``edge_signals`` (``load_graph(..., signals=True)`` only): each edge's summed signals, one
    array per column of :data:`~graphwarm.engine.load.TIE_SIGNALS`, in edge order.
    """

    person_id: np.ndarray
    is_member: np.ndarray
    excluded: np.ndarray
    account: np.ndarray
    target_kind: np.ndarray
    account_id: np.ndarray
    account_name: Sequence[str]
    account_is_target: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_s: np.ndarray
    edge_shared: np.ndarray
    pseudo_account: np.ndarray
    edge_signals: dict[str, np.ndarray] | None = None
    names: Sequence[str] | None = None
    companies: Sequence[str | None] | None = None
    titles: Sequence[str | None] | None = None
    settings: Settings = field(default_factory=Settings)
    signals: dict[tuple[int, int], Mapping[str, Any]] | None = None
    conn: sqlite3.Connection | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def from_arrays(
        cls,
        *,
        is_member: Sequence[bool] | np.ndarray,
        account: Sequence[int] | np.ndarray,
        edge_u: Sequence[int] | np.ndarray,
        edge_v: Sequence[int] | np.ndarray,
        edge_s: Sequence[float] | np.ndarray,
        person_id: Sequence[int] | np.ndarray | None = None,
        account_id: Sequence[int] | np.ndarray | None = None,
        account_name: Sequence[str] | None = None,
        account_is_target: Sequence[bool] | np.ndarray | None = None,
        named_target: Sequence[bool] | np.ndarray | None = None,
        title_target: Sequence[bool] | np.ndarray | None = None,
        titles: Sequence[str | None] | None = None,
        excluded: Sequence[bool] | np.ndarray | None = None,
        edge_shared: Sequence[bool] | np.ndarray | None = None,
        names: Sequence[str] | None = None,
        companies: Sequence[str | None] | None = None,
        settings: Settings | None = None,
        signals: dict[tuple[int, int], Mapping[str, Any]] | None = None,
        conn: sqlite3.Connection | None = None,
        edge_signals: Mapping[str, np.ndarray] | None = None,
    ) -> ReferralGraph:
        """Build a graph from plain arrays indexed by person (edges by person *index*).

        Edges are de-duplicated on ``(min, max)`` keeping the strongest; self-loops dropped.
        ``edge_signals``: columns with one value per input edge, kept for the edges kept.
        ``title_target`` (or ``titles`` matched against ``settings.buyer_titles``) marks
        buyer-titled people; they become targets only at a target account.
        """
        settings = settings or Settings()
        member = np.asarray(is_member, dtype=bool)
        n = member.shape[0]
        acc = np.asarray(account, dtype=np.int32)
        n_acc = int(acc.max()) + 1 if acc.size and acc.max() >= 0 else 0
        if account_id is not None:
            n_acc = max(n_acc, len(account_id))
        acc_ids = (
            np.arange(1, n_acc + 1, dtype=np.int64)
            if account_id is None
            else np.asarray(account_id, dtype=np.int64)
        )
        acc_names = (
            list(account_name) if account_name is not None else [f"account {i}" for i in acc_ids]
        )
        acc_target = (
            np.zeros(n_acc, dtype=bool)
            if account_is_target is None
            else np.asarray(account_is_target, dtype=bool)
        )
        pid = (
            np.arange(1, n + 1, dtype=np.int64)
            if person_id is None
            else np.asarray(person_id, dtype=np.int64)
        )
        excl = np.zeros(n, dtype=bool) if excluded is None else np.asarray(excluded, dtype=bool)
        named = np.zeros(n, dtype=bool) if named_target is None else np.asarray(named_target, bool)
        if title_target is not None:
            titled = np.asarray(title_target, dtype=bool)
        elif titles is not None:
            titled = _match_titles(titles, settings.buyer_titles)
        else:
            titled = np.zeros(n, dtype=bool)
        u, v, s, shared, picked = _dedupe_edges(
            np.asarray(edge_u, dtype=np.int64),
            np.asarray(edge_v, dtype=np.int64),
            np.asarray(edge_s, dtype=np.float64),
            None if edge_shared is None else np.asarray(edge_shared, dtype=bool),
            n,
        )
        if edge_signals is not None and picked is not None:
            edge_signals = {k: np.asarray(col)[picked] for k, col in edge_signals.items()}
        kind, pseudo = _targets(member, excl, acc, acc_target, named, titled)
        return cls(
            person_id=pid,
            is_member=member,
            excluded=excl,
            account=acc,
            target_kind=kind,
            account_id=acc_ids,
            account_name=acc_names,
            account_is_target=acc_target,
            edge_u=u,
            edge_v=v,
            edge_s=s,
            edge_shared=shared,
            pseudo_account=pseudo,
            edge_signals=dict(edge_signals) if edge_signals is not None else None,
            names=names,
            companies=companies,
            titles=titles,
            settings=settings,
            signals=signals,
            conn=conn,
        )

    # -- sizes and ids ------------------------------------------------------------------------

    @property
    def n_people(self) -> int:
        return int(self.person_id.shape[0])

    @property
    def n_nodes(self) -> int:
        """People plus pseudo-targets."""
        return self.n_people + int(self.pseudo_account.shape[0])

    @property
    def n_accounts(self) -> int:
        return int(self.account_id.shape[0])

    @property
    def node_ids(self) -> np.ndarray:
        """Public id of every node: ``people.id``, or ``-accounts.id`` for a pseudo-target."""
        if "node_ids" not in self._cache:
            self._cache["node_ids"] = np.concatenate(
                [self.person_id, -self.account_id[self.pseudo_account]]
            )
        return self._cache["node_ids"]

    def node_id(self, index: int) -> int:
        """The public id of node ``index``."""
        return int(self.node_ids[index])

    def index_of(self, node_id: int) -> int:
        """The node index of a public id; a negative id names an account's pseudo-target."""
        lookup = self._cache.get("index")
        if lookup is None:
            lookup = dict(zip(self.node_ids.tolist(), range(self.node_ids.shape[0]), strict=True))
            self._cache["index"] = lookup
        try:
            return lookup[int(node_id)]
        except KeyError:
            raise NotFoundError(f"node {node_id} is not in the graph") from None

    def info(self, node_id: int) -> dict[str, Any]:
        """``name``, ``company``, ``title``, ``account`` (index, -1 none) and ``index`` (node
        index, ``None`` for an account that has no pseudo-target node) of a public id.

        A negative id names any account's buyer, pseudo-target node or not.
        """
        if node_id < 0:
            a = self.account_index(-node_id)
            pseudo = self._cache.get("pseudo_of")
            if pseudo is None:
                pseudo = {int(acc): k for k, acc in enumerate(self.pseudo_account)}
                self._cache["pseudo_of"] = pseudo
            name = self.account_name[a]
            return {
                "name": f"the buyer at {name}",
                "company": name,
                "title": None,
                "account": a,
                "index": self.n_people + pseudo[a] if a in pseudo else None,
            }
        i = self.index_of(node_id)
        return {
            "name": self.name_of(i),
            "company": self.company_of(i),
            "title": self.title_of(i),
            "account": self.node_account(i),
            "index": i,
        }

    def account_index(self, account_id: int) -> int:
        """The index of ``accounts.id``."""
        lookup = self._cache.get("account_index")
        if lookup is None:
            lookup = {int(x): i for i, x in enumerate(self.account_id)}
            self._cache["account_index"] = lookup
        try:
            return lookup[int(account_id)]
        except KeyError:
            raise NotFoundError(f"account {account_id} is not in the graph") from None

    def is_pseudo(self, index: int) -> bool:
        return index >= self.n_people

    def node_account(self, index: int) -> int:
        """Account index of a node (a pseudo-target's own account), ``-1`` for none."""
        if index >= self.n_people:
            return int(self.pseudo_account[index - self.n_people])
        return int(self.account[index])

    def node_accounts(self, indices: np.ndarray) -> np.ndarray:
        """:meth:`node_account` over an array of node indices."""
        indices = np.asarray(indices, dtype=np.int64)
        out = np.full(indices.shape, -1, dtype=np.int64)
        people = indices < self.n_people
        out[people] = self.account[indices[people]]
        pseudo = ~people
        out[pseudo] = self.pseudo_account[indices[pseudo] - self.n_people]
        return out

    def name_of(self, index: int) -> str:
        """A person's name, or ``the buyer at ACCOUNT`` for a pseudo-target."""
        if index >= self.n_people:
            return f"the buyer at {self.account_name[self.node_account(index)]}"
        if self.names is not None:
            return str(self.names[index])
        return f"person {self.person_id[index]}"

    def company_of(self, index: int) -> str | None:
        """The company as imported, else the account's name."""
        if index < self.n_people and self.companies is not None:
            company = self.companies[index]
            if company:
                return str(company)
        a = self.node_account(index)
        return self.account_name[a] if a >= 0 else None

    def title_of(self, index: int) -> str | None:
        if index >= self.n_people or self.titles is None:
            return None
        title = self.titles[index]
        return str(title) if title else None

    def targets(self) -> np.ndarray:
        """Node indices of every target: targeted people, then pseudo-targets."""
        people = np.flatnonzero(self.target_kind > 0)
        pseudo = self.n_people + np.arange(self.pseudo_account.shape[0])
        return np.concatenate([people, pseudo]).astype(np.int64)

    def insiders(self, account: int) -> np.ndarray:
        """Person indices whose current account is ``account`` (index)."""
        return np.flatnonzero(self.account == account)

    # -- ties -------------------------------------------------------------------------------

    def edge_index(self, i: int, j: int) -> int:
        """Position of the observed tie between persons ``i`` and ``j``; ``-1`` for none."""
        keys = self._cache.get("edge_keys")
        if keys is None:
            keys = self.edge_u.astype(np.int64) * self.n_people + self.edge_v
            self._cache["edge_keys"] = keys  # sorted: edges are kept in (u, v) order
        if i >= self.n_people or j >= self.n_people or i == j:
            return -1
        a, b = (i, j) if i < j else (j, i)
        key = a * self.n_people + b
        pos = int(np.searchsorted(keys, key))
        return pos if pos < keys.shape[0] and keys[pos] == key else -1

    def tie_breakdown(self, i: int, j: int) -> StrengthBreakdown | None:
        """Why the observed tie between persons ``i`` and ``j`` counts; ``None`` for no tie."""
        e = self.edge_index(i, j)
        if e < 0:
            return None
        a, b = int(self.person_id[i]), int(self.person_id[j])
        key = (min(a, b), max(a, b))
        row: Mapping[str, Any] | None = None
        if self.signals is not None:
            row = self.signals.get(key)
        elif self.conn is not None:
            row = _fetch_tie(self.conn, *key)
        if row is None:
            return StrengthBreakdown(s=float(self.edge_s[e]), components=(), source="strength")
        return tie_strength(row, self.settings, shared_employer=bool(self.edge_shared[e]))

    def colleague_breakdown(self, account: int) -> StrengthBreakdown:
        """The inferred colleague tie inside ``account`` (index)."""
        return colleague_strength(self.settings, self.account_name[account])


def graph_from_lists(
    people: Iterable[Mapping[str, Any]],
    ties: Iterable[Sequence[Any] | Mapping[str, Any]],
    *,
    target_accounts: Iterable[str] = (),
    settings: Settings | None = None,
) -> ReferralGraph:
    """Build a graph from plain Python data, without a database (tests, examples).

    ``people``: mappings with ``id`` (int, optional: 1, 2, … in order), ``name``, ``company``,
    ``title``, ``member``, ``target``, ``excluded``, ``url``, ``email``. Companies become
    accounts by :func:`~graphwarm.identity.company_key`. ``ties``: ``(a, b, s)`` tuples of
    person ids, or mappings with ``a``, ``b`` and either ``s`` or the signal columns of the
    ``ties`` view (then ``s`` is computed). ``target_accounts``: company names.

    >>> g = graph_from_lists([{"name": "Lina", "member": True}, {"name": "Per"}], [(1, 2, 0.8)])
    >>> g.n_people, g.edge_s.tolist()
    (2, [0.8])
    """
    settings = settings or Settings()
    people = list(people)
    acc_index: dict[str, int] = {}
    acc_names: list[str] = []
    ids, member, target, excl, account, names, companies, titles = [], [], [], [], [], [], [], []
    excluder = Excluder(settings)
    for number, person in enumerate(people, start=1):
        ids.append(int(person.get("id", number)))
        name = str(person.get("name") or f"person {ids[-1]}")
        names.append(name)
        company = person.get("company")
        companies.append(company)
        titles.append(person.get("title"))
        key = company_key(company) if company else None
        if key is not None and key not in acc_index:
            acc_index[key] = len(acc_names)
            acc_names.append(str(company))
        account.append(acc_index[key] if key is not None else -1)
        member.append(bool(person.get("member")))
        target.append(bool(person.get("target")))
        excl.append(
            bool(person.get("excluded"))
            or excluder.matches(name, person.get("url"), person.get("email"))
        )
    acc_target = np.zeros(len(acc_names), dtype=bool)
    for name in target_accounts:
        key = company_key(name)
        if key not in acc_index:
            acc_index[key] = len(acc_names)
            acc_names.append(name)
            acc_target = np.append(acc_target, False)
        acc_target[acc_index[key]] = True
    where = {pid: i for i, pid in enumerate(ids)}
    acc_arr = np.asarray(account, dtype=np.int32)
    us, vs, ss, shared_flags = [], [], [], []
    signals: dict[tuple[int, int], Mapping[str, Any]] = {}
    for tie in ties:
        if isinstance(tie, Mapping):
            a, b = int(tie["a"]), int(tie["b"])
        else:
            a, b = int(tie[0]), int(tie[1])
        i, j = where[a], where[b]
        shared = bool(acc_arr[i] >= 0 and acc_arr[i] == acc_arr[j])
        if isinstance(tie, Mapping):
            if tie.get("s") is not None:
                s = float(tie["s"])
            else:
                s = tie_strength(tie, settings, shared_employer=shared).s
                signals[(min(a, b), max(a, b))] = tie
        else:
            s = float(tie[2])
        us.append(i)
        vs.append(j)
        ss.append(s)
        shared_flags.append(shared)
    return ReferralGraph.from_arrays(
        person_id=ids,
        is_member=member,
        account=acc_arr,
        edge_u=us,
        edge_v=vs,
        edge_s=ss,
        edge_shared=shared_flags,
        account_id=np.arange(1, len(acc_names) + 1),
        account_name=acc_names,
        account_is_target=acc_target,
        named_target=target,
        titles=titles,
        excluded=excl,
        names=names,
        companies=companies,
        settings=settings,
        signals=signals or None,
    )


def to_networkx(
    rg: ReferralGraph,
    nodes: Iterable[int] | None = None,
    *,
    colleagues: bool = False,
    signals: bool = True,
) -> Any:
    """The networkx model of ``rg`` (or of the given node ids and the ties among them).

    Nodes are public ids (``people.id``; ``-accounts.id`` for a pseudo-target) with attributes
    ``name``, ``company``, ``title``, ``account`` (name), ``account_id``, ``member``,
    ``target``, ``excluded`` and ``kind`` (``person`` or ``account``). Observed ties are edges
    with ``strength``, ``observed=True`` and (with ``signals``) the tie's ``signals``.
    Pseudo-targets are joined to each insider by an inferred tie (``observed=False``,
    ``colleague=True``, ``strength = s_ref``). With ``colleagues=True`` every pair of insiders
    of one account is joined the same way (quadratic: small graphs only); a pair that also has
    an observed tie keeps its observed ``strength`` and gets ``colleague=True``.
    """
    import networkx as nx

    n = rg.n_people
    s_ref = rg.settings.probability.s_ref
    keep = np.zeros(rg.n_nodes, dtype=bool)
    if nodes is None:
        keep[:] = True
    else:
        for node_id in nodes:
            keep[rg.index_of(node_id)] = True
    graph = nx.Graph()
    ids = rg.node_ids
    kinds = rg.target_kind
    for i in np.flatnonzero(keep).tolist():
        a = rg.node_account(i)
        person = i < n
        graph.add_node(
            int(ids[i]),
            kind="person" if person else "account",
            name=rg.name_of(i),
            company=rg.company_of(i),
            title=rg.title_of(i),
            account=rg.account_name[a] if a >= 0 else None,
            account_id=int(rg.account_id[a]) if a >= 0 else None,
            member=bool(rg.is_member[i]) if person else False,
            target=bool(kinds[i] > 0) if person else True,
            excluded=bool(rg.excluded[i]) if person else False,
        )
    mask = keep[rg.edge_u] & keep[rg.edge_v]
    for e in np.flatnonzero(mask).tolist():
        i, j = int(rg.edge_u[e]), int(rg.edge_v[e])
        attrs: dict[str, Any] = {"strength": float(rg.edge_s[e]), "observed": True}
        if signals and (rg.signals is not None or rg.conn is not None):
            a, b = sorted((int(ids[i]), int(ids[j])))
            row = (rg.signals or {}).get((a, b)) if rg.signals is not None else None
            if row is None and rg.conn is not None:
                row = _fetch_tie(rg.conn, a, b)
            if row is not None:
                attrs["signals"] = dict(row)
        same = rg.account[i] >= 0 and rg.account[i] == rg.account[j]
        attrs["colleague"] = bool(colleagues and same)
        graph.add_edge(int(ids[i]), int(ids[j]), **attrs)
    people_kept = keep[:n]
    for j, a in enumerate(rg.pseudo_account.tolist()):
        if not keep[n + j]:
            continue
        for i in np.flatnonzero((rg.account == a) & people_kept).tolist():
            graph.add_edge(
                int(ids[i]), int(ids[n + j]), strength=s_ref, observed=False, colleague=True
            )
    if colleagues:
        order = np.flatnonzero((rg.account >= 0) & people_kept)
        groups: dict[int, list[int]] = {}
        for i in order.tolist():
            groups.setdefault(int(rg.account[i]), []).append(i)
        for members in groups.values():
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    a, b = int(ids[i]), int(ids[j])
                    if graph.has_edge(a, b):
                        graph.edges[a, b]["colleague"] = True
                    else:
                        graph.add_edge(a, b, strength=s_ref, observed=False, colleague=True)
    return graph


def buyer_title_pattern(patterns: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive regex for ``buyer_titles``: ``*`` is any text, words match whole.

    >>> p = buyer_title_pattern(["CFO", "Chief * Officer"])
    >>> bool(p.search("Group CFO")), bool(p.search("CFOO")), bool(p.search("chief revenue officer"))
    (True, False, True)
    """
    parts = []
    for pattern in patterns:
        tokens = [t for t in re.split(r"(\*|\s+)", pattern.strip()) if t]
        if not tokens:
            continue
        regex = "".join(
            ".*" if t == "*" else r"\s+" if t.isspace() else re.escape(t) for t in tokens
        )
        parts.append(f"(?:{regex})")
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def _match_titles(titles: Sequence[str | None], patterns: Iterable[str]) -> np.ndarray:
    """Which titles match a buyer pattern; each distinct title is tested once."""
    regex = buyer_title_pattern(patterns)
    size = len(titles)
    if regex is None:
        return np.zeros(size, dtype=bool)
    memo = {t: bool(t) and regex.search(str(t)) is not None for t in set(titles)}
    return np.fromiter((memo[t] for t in titles), dtype=bool, count=size)


def _dedupe_edges(
    u: np.ndarray, v: np.ndarray, s: np.ndarray, shared: np.ndarray | None, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Edges as ``u < v`` sorted, one per pair (the strongest), no self-loops or strays; and
    the position of each kept edge in the input (``None``: every edge kept, in order)."""
    if shared is None:
        shared = np.zeros(u.shape[0], dtype=bool)
    ok = (u != v) & (u >= 0) & (v >= 0) & (u < n) & (v < n) & np.isfinite(s)
    kept = None if ok.all() else np.flatnonzero(ok)
    lo = np.minimum(u, v)[ok]
    hi = np.maximum(u, v)[ok]
    s, shared = np.clip(s[ok], 0.0, 1.0), shared[ok]
    key = lo * n + hi
    if key.shape[0] < 2 or bool((key[1:] > key[:-1]).all()):  # sorted, one per pair already
        return lo.astype(np.int32), hi.astype(np.int32), s.astype(np.float64), shared, kept
    order = np.lexsort((-s, key))
    key = key[order]
    first = np.ones(key.shape[0], dtype=bool)
    first[1:] = key[1:] != key[:-1]
    pick = order[first]
    return (
        lo[pick].astype(np.int32),
        hi[pick].astype(np.int32),
        s[pick].astype(np.float64),
        shared[pick],
        pick if kept is None else kept[pick],
    )


def _targets(
    member: np.ndarray,
    excluded: np.ndarray,
    account: np.ndarray,
    account_is_target: np.ndarray,
    named: np.ndarray,
    titled: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Target kind per person and the accounts that stand for their own buyer."""
    eligible = ~member & ~excluded
    at_target = np.zeros(member.shape[0], dtype=bool)
    has_acc = account >= 0
    at_target[has_acc] = account_is_target[account[has_acc]]
    kind = np.zeros(member.shape[0], dtype=np.int8)
    kind[eligible & titled & at_target] = TARGET_TITLE
    kind[eligible & named] = TARGET_NAMED
    covered = np.zeros(account_is_target.shape[0], dtype=bool)
    with_target = (kind > 0) & has_acc
    covered[account[with_target]] = True
    pseudo = np.flatnonzero(account_is_target & ~covered).astype(np.int32)
    return kind, pseudo


def _fetch_tie(conn: sqlite3.Connection, a: int, b: int) -> dict[str, Any] | None:
    cur = conn.execute("SELECT * FROM ties WHERE a = ? AND b = ?", (a, b))
    row = cur.fetchone()
    if row is None:
        return None
    return {d[0]: value for d, value in zip(cur.description, row, strict=True)}


class Excluder:
    """``settings.exclude`` as sets of name, URL and e-mail keys."""

    def __init__(self, settings: Settings) -> None:
        self.names: set[str] = set()
        self.urls: set[str] = set()
        self.emails: set[str] = set()
        for entry in settings.exclude:
            if (key := url_key(entry)) is not None:
                self.urls.add(key)
            elif (key := email_key(entry)) is not None:
                self.emails.add(key)
            elif (key := name_key(entry)) is not None:
                self.names.add(key)

    def matches(self, name: str | None, url: str | None, email: str | None) -> bool:
        return (
            name_key(name) in self.names
            or url_key(url) in self.urls
            or email_key(email) in self.emails
        )
