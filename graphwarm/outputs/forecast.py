"""The forecast: what the team's network is worth in meetings, who makes which ask, and the
load it puts on each introducer.

:func:`forecast` reads every target's reach and sums, per label, the targets and the expected
meetings (``Σ P``: each target tried once along its best path); it compares that with calling
every target cold (``p_connect × p_cold`` per dial) and says how many dials would match the
warm plan.

The interval
    Expected meetings are a sum, but outcomes scatter around it. :func:`simulate_meetings`
    draws ``forecast_runs`` outcomes of the best asks (seeded: the same forecast twice gives
    the same figures) and reports the 10th and 90th percentile of meetings and of accounts
    with at least one meeting. Several asks of one introducer rise and fall together (a
    busy, reluctant or enthusiastic introducer): each ask's success is a Gaussian copula
    draw ``x = √ρ·z_introducer + √(1 − ρ)·ε_ask`` below ``Φ⁻¹(P)``, ``ρ =
    introducer_correlation``, so each ask keeps its own chance and the sum's mean stays
    ``Σ P``; direct asks and cold calls are drawn alone.

Introducer load
    A contact asked for several introductions is a real cost: people say yes a few times,
    not a dozen. Load counts conversations, not targets: several targets at one account
    through one introducer are one conversation ("Ingvild Aasen: one conversation about 4
    targets at Lysdal Kraft AS"). An introducer with more than ``max_asks_per_introducer``
    conversations is flagged, and :func:`assign_asks` finds the assignment of targets to
    paths that respects the limit while losing the fewest expected meetings. It is
    **exact**: a 0–1 integer programme (scipy's ``milp``, HiGHS) choosing one path or a cold
    call per target, each path through an introducer needing its conversation (introducer,
    account) and each introducer holding at most ``max_asks_per_introducer`` of them; a
    direct path (the member knows the target) takes no introducer's conversation, and every
    target can always fall back to a cold call. Only the last person before the target
    counts as the introducer; people further up a path, who pass the request on, are not
    limited.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .._csvcells import csv_line
from .._words import counted
from ..engine.asks import AskRecord, list_asks, path_key
from ..engine.graph import ReferralGraph
from ..engine.queries import reach_targets
from ..engine.routes import LABELS, Route, TargetReach, cold_probability, cold_threshold
from ..settings import Settings
from ..workspace.store import Workspace

__all__ = [
    "ASK_COLUMNS",
    "Ask",
    "Forecast",
    "IntroducerLoad",
    "LabelLine",
    "MeetingRange",
    "MemberLine",
    "Move",
    "assign_asks",
    "forecast",
    "forecast_csv",
    "forecast_from_reach",
    "simulate_meetings",
]

METHOD = (
    "exact: a 0–1 integer programme choosing each target's path, at most "
    "max_asks_per_introducer conversations per introducer (scipy milp, HiGHS)"
)


@dataclass(frozen=True)
class Ask:
    """One row of the task list: ``member`` asks along ``path`` for a meeting with ``target``.

    A cold target has no member or introducer (``label == "cold"``): it is a cold call.
    ``moved`` marks an ask taken off its best path to spread an introducer's load.
    """

    member: str | None
    introducer: str | None
    target: str
    title: str | None
    account: str | None
    label: str
    probability: float
    path: tuple[str, ...] = ()
    first_contact: str | None = None
    target_id: int = 0
    introducer_id: int | None = None
    moved: bool = False
    path_ids: tuple[int, ...] = ()

    @property
    def topic(self) -> str:
        """What a conversation with the introducer is about: the target's account (the
        target alone without one). Several targets with one topic are one conversation."""
        return self.account or self.target

    @property
    def ask_id(self) -> str:
        """The ask's stable key (:func:`graphwarm.engine.asks.path_key`): what
        ``graphwarm import outcomes`` matches a filled-in row by."""
        return path_key(self.path_ids, self.target_id)


@dataclass(frozen=True)
class LabelLine:
    label: str
    targets: int
    expected_meetings: float


@dataclass(frozen=True)
class MemberLine:
    """A member's asks: how many, to whom (the first person each path asks), the meetings."""

    member: str
    asks: int
    expected_meetings: float
    to_whom: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class IntroducerLoad:
    """The targets whose best paths end with this introducer's recommendation (``asks``),
    and the conversations they make: several targets at one account are one conversation
    (``accounts``: each account and its targets, most first). ``over``: more conversations
    than ``max_asks_per_introducer``."""

    introducer: str
    company: str | None
    asks: int
    targets: tuple[str, ...]
    over: bool
    accounts: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def conversations(self) -> int:
        return len(self.accounts)

    def text(self) -> str:
        """``Ingvild Aasen: one conversation about 4 targets at Lysdal Kraft AS``."""
        parts = [
            f"about {counted(len(names), 'target')} at {account}"
            if len(names) > 1
            else f"about {names[0]} at {account}"
            for account, names in self.accounts
        ]
        n = self.conversations
        count = "one conversation" if n == 1 else f"{n} conversations"
        return f"{self.introducer}: {count} {'; '.join(parts)}"


@dataclass(frozen=True)
class MeetingRange:
    """What ``runs`` simulated outcomes of the asks give: the 10th and 90th percentile of
    meetings and of accounts with at least one meeting, and the accounts' mean."""

    runs: int
    correlation: float
    meetings_low: int
    meetings_high: int
    accounts_expected: float
    accounts_low: int
    accounts_high: int


@dataclass(frozen=True)
class Move:
    """A target moved to another path (or a cold call) to spread the load."""

    target: str
    account: str | None
    before: Ask
    after: Ask

    @property
    def loss(self) -> float:
        return self.before.probability - self.after.probability


@dataclass
class Forecast:
    """Counts and expected meetings by label, the cold comparison, per-member asks, the
    introducer load and the load-spreading assignment."""

    targets: int
    by_label: list[LabelLine]
    expected_meetings: float
    cold_probability: float
    p_connect: float
    p_cold: float
    all_cold_meetings: float
    all_cold_dials: int
    dials_to_match: int
    max_asks_per_introducer: int
    asks: list[Ask]
    spread: list[Ask]
    spread_meetings: float
    moves: list[Move]
    members: list[MemberLine]
    introducers: list[IntroducerLoad]
    method: str = METHOD
    warnings: list[str] = field(default_factory=list)
    pipeline: list[AskRecord] = field(default_factory=list)
    """The open asks (graphwarm ask), oldest first."""
    closed_targets: int = 0
    """Targets left out: their ask is closed (a meeting, declined, no answer)."""
    figures: str = ""
    """Where the chances' figures come from (Settings.figures_text)."""
    figure_sources: dict[str, str] = field(default_factory=dict)
    """Each figure's source: calibrated from N outcomes, setting, survey or assumption."""
    range: MeetingRange | None = None
    """The interval around the expected meetings (simulate_meetings)."""

    @property
    def pipeline_meetings(self) -> float:
        """Expected meetings from the open asks, each from where it stands."""
        return sum(a.chance_now for a in self.pipeline)

    @property
    def overloaded(self) -> list[IntroducerLoad]:
        return [i for i in self.introducers if i.over]

    @property
    def spread_loss(self) -> float:
        return self.expected_meetings - self.spread_meetings

    def to_dict(self) -> dict[str, Any]:
        """JSON-able, for ``graphwarm forecast --format json``."""
        data = asdict(self)
        data["overloaded"] = [asdict(i) for i in self.overloaded]
        data["spread_loss"] = self.spread_loss
        data["pipeline"] = [a.to_dict() for a in self.pipeline]
        data["pipeline_meetings"] = self.pipeline_meetings
        for move, raw in zip(self.moves, data["moves"], strict=True):
            raw["loss"] = move.loss
        return data


def forecast(
    ws: Workspace, *, accounts: list[str] | None = None, spread: bool = True, seed: int = 0
) -> Forecast:
    """The forecast across every target (of ``accounts``). ``spread``: also find the
    assignment that keeps each introducer within ``max_asks_per_introducer``. Targets whose
    ask is closed (and none open) are left out; the open asks are the ``pipeline``. ``seed``:
    of the simulated outcomes behind the interval."""
    result = reach_targets(ws, accounts=accounts)
    asks = list_asks(ws)
    open_targets = {a.path_ids[-1] for a in asks if a.is_open}
    closed = {a.path_ids[-1] for a in asks if not a.is_open} - open_targets
    targets = [t for t in result.targets if t.target not in closed]
    out = forecast_from_reach(result.graph, ws.settings, targets, spread=spread, seed=seed)
    out.closed_targets = len(result.targets) - len(targets)
    wanted = {t.target for t in result.targets}
    out.pipeline = [a for a in asks if a.is_open and a.path_ids[-1] in wanted]
    return out


def forecast_from_reach(
    rg: ReferralGraph,
    settings: Settings,
    targets: Sequence[TargetReach],
    *,
    spread: bool = True,
    seed: int = 0,
) -> Forecast:
    """:func:`forecast` over reach results already computed."""
    p = settings.probability
    cold_p = cold_probability(settings)
    threshold = cold_threshold(settings)
    limit = settings.max_asks_per_introducer
    best = [_ask(rg, tr, tr.best, cold_p) for tr in targets]
    counts: Counter[str] = Counter()
    meetings: defaultdict[str, float] = defaultdict(float)
    for tr in targets:
        counts[tr.label] += 1
        meetings[tr.label] += tr.probability
    by_label = [LabelLine(label, counts[label], meetings[label]) for label in LABELS]
    expected = sum(tr.probability for tr in targets)
    introducers = _loads(rg, targets, best, limit)
    chosen = list(best)
    moves: list[Move] = []
    if spread and any(i.over for i in introducers):
        chosen, moves = _spread(rg, targets, best, limit, threshold, cold_p)
    spread_meetings = sum(a.probability for a in chosen)
    warnings = [f"{i.text()} (more than {limit})" for i in introducers if i.over]
    return Forecast(
        targets=len(targets),
        by_label=by_label,
        expected_meetings=expected,
        cold_probability=cold_p,
        p_connect=p.p_connect,
        p_cold=p.p_cold,
        all_cold_meetings=len(targets) * cold_p,
        all_cold_dials=len(targets),
        dials_to_match=math.ceil(expected / cold_p - 1e-9) if cold_p > 0 else 0,
        max_asks_per_introducer=limit,
        asks=best,
        spread=chosen,
        spread_meetings=spread_meetings,
        moves=moves,
        members=_members(chosen),
        introducers=introducers,
        warnings=warnings,
        figures=settings.figures_text(),
        figure_sources=settings.figure_sources(),
        range=simulate_meetings(
            best, settings.forecast_runs, settings.introducer_correlation, seed=seed
        ),
    )


_CELLS = 4_000_000  # draws held at once: runs × asks per chunk


def simulate_meetings(
    asks: Sequence[Ask], runs: int, correlation: float, *, seed: int = 0
) -> MeetingRange:
    """Draw ``runs`` outcomes of ``asks``, each succeeding with its probability, the asks of
    one introducer correlated by ``correlation`` (the module's docstring); the percentiles
    of meetings and of accounts with at least one meeting."""
    from scipy.special import ndtri

    n = len(asks)
    if n == 0:
        return MeetingRange(runs, correlation, 0, 0, 0.0, 0, 0)
    threshold = ndtri(np.clip([a.probability for a in asks], 0.0, 1.0)).astype(np.float32)
    introducers = {i: k for k, i in enumerate(dict.fromkeys(a.introducer_id for a in asks))}
    group = np.array([introducers[a.introducer_id] for a in asks])
    alone = np.array([a.introducer_id is None for a in asks])
    names = [a.topic for a in asks]
    order = np.argsort(names, kind="stable")
    sorted_names = [names[i] for i in order]
    starts = np.array([0] + [i for i in range(1, n) if sorted_names[i] != sorted_names[i - 1]])
    rng = np.random.default_rng(seed)
    shared, own = np.float32(np.sqrt(correlation)), np.float32(np.sqrt(1.0 - correlation))
    meetings = np.empty(runs, dtype=np.int64)
    accounts = np.empty(runs, dtype=np.int64)
    step = max(1, _CELLS // n)
    for start in range(0, runs, step):
        r = min(step, runs - start)
        z = rng.standard_normal((r, len(introducers)), dtype=np.float32)[:, group]
        e = rng.standard_normal((r, n), dtype=np.float32)
        met = np.where(alone, e, shared * z + own * e) < threshold
        meetings[start : start + r] = met.sum(axis=1)
        per_account = np.logical_or.reduceat(met[:, order], starts, axis=1)
        accounts[start : start + r] = per_account.sum(axis=1)
    low, high = np.percentile(meetings, [10, 90], method="nearest")
    a_low, a_high = np.percentile(accounts, [10, 90], method="nearest")
    return MeetingRange(
        runs,
        correlation,
        int(low),
        int(high),
        float(accounts.mean()),
        int(a_low),
        int(a_high),
    )


def _ask(
    rg: ReferralGraph, tr: TargetReach, route: Route | None, cold_p: float, moved: bool = False
) -> Ask:
    info = rg.info(tr.target)
    a = info["account"]
    account = rg.account_name[a] if a >= 0 else info["company"]
    if route is None:
        return Ask(
            member=None,
            introducer=None,
            target=str(info["name"]),
            title=info["title"],
            account=account,
            label="cold",
            probability=cold_p,
            target_id=tr.target,
            moved=moved,
        )
    names = tuple(str(rg.info(x)["name"]) for x in route.path)
    direct = route.label == "direct"
    return Ask(
        member=names[0],
        introducer=None if direct else names[-2],
        target=names[-1],
        title=info["title"],
        account=account,
        label=route.label,
        probability=route.probability,
        path=names,
        first_contact=names[1],
        target_id=tr.target,
        introducer_id=None if direct else route.introducer,
        moved=moved,
        path_ids=route.path,
    )


def _loads(
    rg: ReferralGraph, targets: Sequence[TargetReach], asks: list[Ask], limit: int
) -> list[IntroducerLoad]:
    per: defaultdict[int, list[Ask]] = defaultdict(list)
    for ask in asks:
        if ask.introducer_id is not None:
            per[ask.introducer_id].append(ask)
    out = []
    for node, mine in per.items():
        info = rg.info(node)
        by_account: defaultdict[str, list[str]] = defaultdict(list)
        for ask in mine:
            by_account[ask.topic].append(ask.target)
        accounts = sorted(by_account.items(), key=lambda x: (-len(x[1]), x[0].casefold()))
        out.append(
            IntroducerLoad(
                introducer=str(info["name"]),
                company=info["company"],
                asks=len(mine),
                targets=tuple(a.target for a in mine),
                over=len(accounts) > limit,
                accounts=tuple((account, tuple(names)) for account, names in accounts),
            )
        )
    out.sort(key=lambda i: (-i.conversations, -i.asks, i.introducer.casefold()))
    return out


def _members(asks: list[Ask]) -> list[MemberLine]:
    per: defaultdict[str, list[Ask]] = defaultdict(list)
    for ask in asks:
        if ask.member is not None:
            per[ask.member].append(ask)
    out = []
    for member, mine in per.items():
        whom = Counter(a.first_contact for a in mine if a.first_contact)
        out.append(
            MemberLine(
                member=member,
                asks=len(mine),
                expected_meetings=sum(a.probability for a in mine),
                to_whom=tuple(sorted(whom.items(), key=lambda x: (-x[1], x[0].casefold()))),
            )
        )
    out.sort(key=lambda m: (-m.expected_meetings, m.member.casefold()))
    return out


def _spread(
    rg: ReferralGraph,
    targets: Sequence[TargetReach],
    best: list[Ask],
    limit: int,
    threshold: float,
    cold_p: float,
) -> tuple[list[Ask], list[Move]]:
    """Reassign warm targets so no introducer exceeds ``limit``; cold targets stay cold."""
    warm = [g for g, tr in enumerate(targets) if tr.best is not None]
    options: list[list[tuple[Hashable | None, float]]] = []
    routes: list[list[Route]] = []
    for g in warm:
        tr = targets[g]
        best_route = tr.best
        assert best_route is not None
        mine = [best_route]  # first: among equal totals, the best path stays
        for r in sorted(tr.alternatives, key=lambda r: (-r.probability, r.hops, r.path)):
            if r.probability >= threshold and r.path != best_route.path:
                mine.append(r)
        routes.append(mine)
        options.append(
            [(None if r.label == "direct" else r.introducer, r.probability) for r in mine]
        )
    topics = [best[g].topic for g in warm]
    choice, _ = assign_asks(options, limit, [cold_p] * len(warm), topics)
    chosen = list(best)
    moves = []
    for k, g in enumerate(warm):
        c = choice[k]
        tr = targets[g]
        route = routes[k][c] if c >= 0 else None
        if route is not None and tr.best is not None and route.path == tr.best.path:
            continue
        after = _ask(rg, tr, route, cold_p, moved=True)
        chosen[g] = after
        moves.append(Move(best[g].target, best[g].account, best[g], after))
    return chosen, moves


def assign_asks(
    options: Sequence[Sequence[tuple[Hashable | None, float]]],
    capacity: int,
    fallback: Sequence[float],
    topics: Sequence[Hashable] | None = None,
) -> tuple[list[int], float]:
    """Pick one option per item, or its fallback, maximising the total value, with at most
    ``capacity`` conversations on any one key (key ``None``: no limit). Items with the same
    topic (their account) on one key are one conversation; without ``topics`` each item is
    its own.

    ``options[i]``: ``(key, value)`` pairs for item ``i``, best first (ties keep the earlier
    option). ``fallback[i]``: the value of item ``i`` taking none. Returns the chosen option
    index per item (``-1`` for the fallback) and the total. Exact: a 0–1 integer programme
    (scipy's ``milp``, HiGHS), so the total is the best any assignment reaches.

    >>> assign_asks([[("per", 0.5)], [("per", 0.4), ("ulf", 0.3)]], 1, [0.08, 0.08])
    ([0, 1], 0.8)
    >>> assign_asks([[("per", 0.5)], [("per", 0.4), ("ulf", 0.3)]], 1, [0.08, 0.08], ["A", "A"])
    ([0, 0], 0.9)
    """
    n = len(options)
    if n == 0:
        return [], 0.0
    if capacity < 0:
        raise ValueError("capacity must be at least 0")
    topic = list(range(n)) if topics is None else list(topics)
    # each item's candidates: (option, key, value), a worse option on the same key left out
    # (it never helps), the fallback last (key None); earlier ones win among equal totals by
    # a penalty that, for all items together, stays far below any real difference in value
    tiny = 1e-7 / (n * (max(len(o) for o in options) + 2))
    candidates: list[list[tuple[int, Hashable | None, float]]] = []
    talks: defaultdict[Hashable, set[Hashable]] = defaultdict(set)
    for i, opts in enumerate(options):
        seen: set[Hashable] = set()
        mine = []
        for k, (key, value) in enumerate(opts):
            if key is not None and key in seen:
                continue
            if key is not None:
                seen.add(key)
                talks[key].add(topic[i])
            mine.append((k, key, value - tiny * k))
        mine.append((-1, None, fallback[i] - tiny * (len(opts) + 1)))
        candidates.append(mine)
    # a key that could never have more than ``capacity`` conversations binds no one: an item
    # whose best candidate is free of binding keys takes it; the others are solved together
    tight = {key for key, topics_ in talks.items() if len(topics_) > capacity}
    choice = [-1] * n
    hard = []
    for i, mine in enumerate(candidates):
        best = max(mine, key=lambda c: c[2])
        if best[1] in tight:
            hard.append(i)
        else:
            choice[i] = best[0]
    if hard:
        solved = _solve([candidates[i] for i in hard], [topic[i] for i in hard], tight, capacity)
        for i, k in zip(hard, solved, strict=True):
            choice[i] = k
    total = sum(options[i][c][1] if c >= 0 else fallback[i] for i, c in enumerate(choice))
    return choice, float(total)


def _solve(
    candidates: list[list[tuple[int, Hashable | None, float]]],
    topic: list[Hashable],
    tight: set[Hashable],
    capacity: int,
) -> list[int]:
    """:func:`assign_asks` for the items a binding key touches: a 0–1 programme with one
    variable per candidate and per conversation on a binding key."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    picks: list[tuple[int, int, int]] = []  # item, option (-1: fallback), conversation (-1)
    gains: list[float] = []
    conversations: dict[tuple[Hashable, Hashable], int] = {}
    for i, mine in enumerate(candidates):
        for k, key, gain in mine:
            c = -1
            if key in tight:
                c = conversations.setdefault((key, topic[i]), len(conversations))
            picks.append((i, k, c))
            gains.append(gain)
    n, m = len(candidates), len(picks)
    rows, cols, vals = [i for i, _, _ in picks], list(range(m)), [1.0] * m  # one pick per item
    row = n
    for j, (_, _, c) in enumerate(picks):
        if c >= 0:  # a pick needs its conversation
            rows += [row, row]
            cols += [j, m + c]
            vals += [1.0, -1.0]
            row += 1
    picked = row
    owner_row: dict[Hashable, int] = {}
    for (key, _), c in conversations.items():  # at most ``capacity`` conversations per key
        rows.append(owner_row.setdefault(key, picked + len(owner_row)))
        cols.append(m + c)
        vals.append(1.0)
    total_rows = picked + len(owner_row)
    lower = [1.0] * n + [-np.inf] * (total_rows - n)
    upper = [1.0] * n + [0.0] * (picked - n) + [float(capacity)] * len(owner_row)
    matrix = coo_matrix((vals, (rows, cols)), shape=(total_rows, m + len(conversations)))
    cost = np.concatenate([-np.array(gains), np.zeros(len(conversations))])
    solved = milp(
        cost,
        integrality=np.ones(len(cost)),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(matrix.tocsr(), lower, upper),
    )
    if solved.x is None:  # cannot happen: every item can take its fallback
        raise RuntimeError(f"no assignment found ({solved.message})")
    choice = [-1] * n
    for j, (i, k, _) in enumerate(picks):
        if k >= 0 and solved.x[j] > 0.5:
            choice[i] = k
    return choice


# ask_id, status and status_date make the file round-trip: fill in the status (and date) of
# each ask in a spreadsheet and read it back with graphwarm import outcomes.
ASK_COLUMNS = (
    "ask_id",
    "member",
    "introducer",
    "target",
    "title",
    "account",
    "label",
    "probability",
    "first_contact",
    "path",
    "moved",
    "status",
    "status_date",
)


def forecast_csv(result: Forecast, *, raw: bool = False) -> str:
    """One row per ask (the spread assignment), cold calls included, for a CRM task list.
    Each row's ``ask_id`` is stable and its ``status``, ``status_date`` are empty: filled in,
    the file reads back with ``graphwarm import outcomes``.

    Names, titles and accounts are neutralised for spreadsheets (a ``'`` before a cell that
    would run as a formula, see :mod:`graphwarm._csvcells`) unless ``raw``.
    """
    lines = [csv_line(ASK_COLUMNS)]
    for ask in result.spread:
        row: dict[str, str | float | None] = {
            "ask_id": ask.ask_id,
            "member": ask.member,
            "introducer": ask.introducer,
            "target": ask.target,
            "title": ask.title,
            "account": ask.account,
            "label": ask.label,
            "probability": ask.probability,
            "first_contact": ask.first_contact,
            "path": " → ".join(ask.path),
            "moved": "yes" if ask.moved else "",
            "status": "",
            "status_date": "",
        }
        lines.append(csv_line([row[c] for c in ASK_COLUMNS], raw=raw))
    return "".join(lines)
