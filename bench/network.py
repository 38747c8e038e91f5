"""Deterministic team-sized referral networks for the reach benchmark (issue 3).

Members with log-normal connection counts (median ~1,000) drawn by popularity, so popular
contacts are shared between members; Zipf-sized companies; ties inside companies (colleagues)
and across them (preferential); signals per tie (connection date, messages, endorsements, a
few relationships-file ties) turned into strength by
:func:`graphwarm.engine.strength.tie_strength_array`.

Sizes (``SIZES``): M = 50 members / 250,000 people / ~1 M ties / 5,000 target accounts;
L = 200 / 1 M / ~5 M / 5,000; XL = 2,000 / 2 M / ~10 M / 10,000 (docs/scale.md: where one
machine stops). :func:`generate` gives plain arrays; :func:`to_graph` a
:class:`~graphwarm.engine.graph.ReferralGraph` without a database; :func:`write_workspace` the same
network as a workspace, through SQL, for an end-to-end run.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graphwarm.engine.graph import ReferralGraph
from graphwarm.engine.strength import tie_strength_array
from graphwarm.settings import Settings

__all__ = ["SIZES", "Network", "generate", "to_graph", "write_workspace"]

AS_OF = dt.date(2026, 11, 1)
SIZES = {
    "S": {"members": 10, "people": 20_000, "ties": 80_000, "target_accounts": 500},
    "M": {"members": 50, "people": 250_000, "ties": 1_000_000, "target_accounts": 5_000},
    "L": {"members": 200, "people": 1_000_000, "ties": 5_000_000, "target_accounts": 5_000},
    "XL": {"members": 2_000, "people": 2_000_000, "ties": 10_000_000, "target_accounts": 10_000},
}
TITLES = [
    # buyers (match the default buyer_titles)
    "CFO",
    "CEO",
    "Chief Revenue Officer",
    "Head of Procurement",
    "Ekonomichef",
    "IT-chef",
    # everyone else
    "Engineer",
    "Senior Engineer",
    "Sales Manager",
    "Account Executive",
    "Consultant",
    "Analyst",
    "Driver",
    "Project Manager",
    "Developer",
    "Designer",
    "HR Partner",
    "Controller",
    "Office Manager",
    "Student",
]
_BUYERS = 6


@dataclass
class Network:
    """A generated network: per person, per account and per tie arrays (signals included)."""

    is_member: np.ndarray
    account: np.ndarray
    n_accounts: int
    account_is_target: np.ndarray
    title_code: np.ndarray
    named_target: np.ndarray
    excluded: np.ndarray
    u: np.ndarray
    v: np.ndarray
    msgs_ab: np.ndarray
    msgs_ba: np.ndarray
    last_msg: np.ndarray
    connected_on: np.ndarray
    first_msg: np.ndarray
    endorsements: np.ndarray
    relationship: np.ndarray
    given: np.ndarray

    @property
    def n_people(self) -> int:
        return int(self.is_member.shape[0])

    @property
    def titles(self) -> np.ndarray:
        return np.array(TITLES, dtype=object)[self.title_code]


def generate(size: str = "M", seed: int = 20261101) -> Network:
    """A deterministic network of the given size (``S``, ``M`` or ``L``)."""
    spec = SIZES[size]
    rng = np.random.default_rng(seed)
    n, m, n_ties = spec["people"], spec["members"], spec["ties"]
    n_comp = n // 25
    # Zipf-sized companies; 8 % of people have no company; the team works at its own company
    weights = 1.0 / np.arange(1, n_comp + 1) ** 1.07
    account = rng.choice(n_comp, size=n, p=weights / weights.sum()).astype(np.int32)
    account[rng.random(n) < 0.08] = -1
    team = n_comp
    account[:m] = team
    account[m : m + 3 * m] = team  # some non-member colleagues of the team
    n_accounts = n_comp + 1
    is_member = np.zeros(n, dtype=bool)
    is_member[:m] = True
    popularity = rng.pareto(1.5, size=n) + 1.0
    popularity[:m] = 0.0
    popularity /= popularity.sum()

    # members: log-normal connection counts around 1,000, contacts by popularity (shared)
    degree = np.clip(rng.lognormal(np.log(1000), 0.6, size=m), 100, 8000).astype(np.int64)
    mu = np.repeat(np.arange(m), degree)
    mv = rng.choice(n, size=int(degree.sum()), p=popularity)
    # colleague ties (same company) and cross-company ties (preferential)
    rest = max(0, n_ties - mu.shape[0])
    n_col = int(rest * 0.55)
    with_acc = np.flatnonzero(account >= 0)
    order = with_acc[np.argsort(account[with_acc], kind="stable")]
    ptr = np.searchsorted(account[order], np.arange(n_accounts + 1))
    cu = order[rng.integers(0, order.shape[0], size=n_col)]
    cacc = account[cu]
    start, count = ptr[cacc], ptr[cacc + 1] - ptr[cacc]
    cv = order[start + (rng.random(n_col) * count).astype(np.int64)]
    n_x = rest - n_col
    xu = rng.integers(m, n, size=n_x)
    xv = rng.choice(n, size=n_x, p=popularity)
    u = np.concatenate([mu, cu, xu])
    v = np.concatenate([mv, cv, xv])
    keep = u != v
    u, v = u[keep], v[keep]
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    key = np.unique(lo.astype(np.int64) * n + hi)  # one row per pair, as the store keeps it
    u, v = (key // n).astype(np.int64), (key % n).astype(np.int64)
    e = u.shape[0]

    # signals: member ties message more; ~1 % come from a relationships file
    member_tie = is_member[u] | is_member[v]
    messaged = rng.random(e) < np.where(member_tie, 0.35, 0.10)
    msgs_ab = np.where(messaged, rng.geometric(0.15, size=e), 0)
    msgs_ba = np.where(messaged & (rng.random(e) < 0.7), rng.geometric(0.2, size=e), 0)
    today = np.datetime64(AS_OF.isoformat(), "D")
    last_days = rng.integers(0, 1500, size=e)
    conn_days = last_days + rng.integers(0, 3000, size=e)
    last_msg = _dates(today - last_days, messaged)
    first_msg = _dates(today - (last_days + rng.integers(0, 600, size=e)), messaged)
    connected_on = _dates(today - conn_days, rng.random(e) < 0.9)
    endorsements = (rng.random(e) < 0.05).astype(np.int64)
    relationship = rng.random(e) < 0.01
    given = np.where(relationship & (rng.random(e) < 0.5), rng.random(e), np.nan)

    candidates = np.arange(n_comp)
    account_is_target = np.zeros(n_accounts, dtype=bool)
    account_is_target[rng.choice(candidates, size=spec["target_accounts"], replace=False)] = True
    title_code = np.where(
        rng.random(n) < 0.04,
        rng.integers(0, _BUYERS, size=n),
        rng.integers(_BUYERS, len(TITLES), size=n),
    ).astype(np.int16)
    at_target = (account >= 0) & account_is_target[np.maximum(account, 0)]
    named_target = np.zeros(n, dtype=bool)
    pool = np.flatnonzero(at_target & ~is_member)
    named_target[rng.choice(pool, size=min(500, pool.shape[0]), replace=False)] = True
    excluded = (rng.random(n) < 0.0005) & ~is_member
    return Network(
        is_member=is_member,
        account=account,
        n_accounts=n_accounts,
        account_is_target=account_is_target,
        title_code=title_code,
        named_target=named_target,
        excluded=excluded,
        u=u,
        v=v,
        msgs_ab=msgs_ab,
        msgs_ba=msgs_ba,
        last_msg=last_msg,
        connected_on=connected_on,
        first_msg=first_msg,
        endorsements=endorsements,
        relationship=relationship,
        given=given,
    )


def _dates(days: np.ndarray, present: np.ndarray) -> np.ndarray:
    text = days.astype("datetime64[D]").astype(str).astype(object)
    text[~present] = None
    return text


def shared_employer(net: Network) -> np.ndarray:
    """Both ends at the same current account (the generator has no Positions.csv)."""
    au, av = net.account[net.u], net.account[net.v]
    return (au >= 0) & (au == av)


def strengths(net: Network, settings: Settings) -> np.ndarray:
    """Tie strength of every tie, the way :func:`graphwarm.engine.load.load_graph` computes it."""
    return tie_strength_array(
        settings,
        msgs_ab=net.msgs_ab,
        msgs_ba=net.msgs_ba,
        last_msg=net.last_msg,
        connected_on=net.connected_on,
        first_msg=net.first_msg,
        endorsements=net.endorsements,
        shared_employer=shared_employer(net),
        relationship=net.relationship,
        given=net.given,
    )


def to_graph(net: Network, settings: Settings | None = None) -> ReferralGraph:
    """The network as a :class:`ReferralGraph`, straight from the arrays."""
    settings = settings or Settings(as_of=AS_OF)
    return ReferralGraph.from_arrays(
        is_member=net.is_member,
        account=net.account,
        edge_u=net.u,
        edge_v=net.v,
        edge_s=strengths(net, settings),
        edge_shared=shared_employer(net),
        account_id=np.arange(1, net.n_accounts + 1),
        account_name=[f"Company {i}" for i in range(1, net.n_accounts + 1)],
        account_is_target=net.account_is_target,
        named_target=net.named_target,
        titles=net.titles,
        excluded=net.excluded,
        settings=settings,
    )


def write_workspace(net: Network, path: str | Path) -> None:
    """Write the network into a new workspace file through SQL (one import row, no provenance
    rows beyond what the schema requires)."""
    from graphwarm.workspace.store import Workspace

    Workspace(path, settings=Settings(as_of=AS_OF)).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO imports (id, kind, file, sha256, imported_at) "
        "VALUES (1, 'bench', 'bench', 'x', '2026-11-01')"
    )
    conn.executemany(
        "INSERT INTO accounts (id, key, name) VALUES (?, ?, ?)",
        ((i + 1, f"company {i + 1}", f"Company {i + 1}") for i in range(net.n_accounts)),
    )
    conn.executemany(
        "INSERT INTO account_targets (account_id, import_id, name) VALUES (?, 1, ?)",
        ((int(a) + 1, f"Company {a + 1}") for a in np.flatnonzero(net.account_is_target)),
    )
    titles = net.titles
    conn.executemany(
        "INSERT INTO people (id, name, name_key, account_id, company, title, is_member, "
        "is_target, excluded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                i + 1,
                f"Person {i + 1}",
                f"person {i + 1}",
                int(a) + 1 if a >= 0 else None,
                f"Company {a + 1}" if a >= 0 else None,
                t,
                int(mem),
                int(tgt),
                int(exc),
            )
            for i, (a, t, mem, tgt, exc) in enumerate(
                zip(
                    net.account.tolist(),
                    titles.tolist(),
                    net.is_member.tolist(),
                    net.named_target.tolist(),
                    net.excluded.tolist(),
                    strict=True,
                )
            )
        ),
    )
    kind = np.where(net.relationship, "knows", None)
    conn.executemany(
        "INSERT INTO signals (a, b, import_id, connected_on, msgs_ab, msgs_ba, first_msg, "
        "last_msg, endorse_ab, kind, strength) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
        zip(
            (net.u + 1).tolist(),
            (net.v + 1).tolist(),
            net.connected_on.tolist(),
            net.msgs_ab.tolist(),
            net.msgs_ba.tolist(),
            net.first_msg.tolist(),
            net.last_msg.tolist(),
            net.endorsements.tolist(),
            kind.tolist(),
            [None if np.isnan(g) else g for g in net.given.tolist()],
            strict=True,
        ),
    )
    conn.execute("COMMIT")
    conn.close()
