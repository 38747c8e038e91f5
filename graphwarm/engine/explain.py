"""Paths in words and as records: what ``graphwarm path`` prints, the reach table's fields,
the JSON records and the CSV's alternatives column.

``Lina Ahl → Per Moberg (strong: 31 messages both ways, last 3 days ago) → Sofia Wall
(colleague at Nordvik Transport AB) — internal referral: 84 % if made, 47 % overall``
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._words import percent
from ..settings import Settings
from .graph import ReferralGraph
from .routes import LABELS, Route, TargetReach, cold_probability, gc_paused

__all__ = [
    "RECORD_KEYS",
    "PathExplanation",
    "alternatives_text",
    "cold_reason",
    "explain_path",
    "explain_routes",
    "node_names",
    "path_names",
    "paths_text",
    "ranked_routes",
    "reach_record",
    "route_record",
    "route_texts",
    "target_fields",
]

_LABEL_TEXT = {
    "direct": "direct",
    "internal": "internal referral",
    "external": "external referral",
    "cold": "cold call",
}


@dataclass(frozen=True)
class PathExplanation:
    """A path told hop by hop (``text``) and the same as JSON-able ``data``."""

    text: str
    data: dict[str, Any] = field(default_factory=dict)


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
            text = (
                f"{_name(rg, route.target)}: cold call{why} — {percent(route.probability)} per call"
            )
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
        tail = f"direct: {percent(route.probability)} meeting"
    else:
        tail = (
            f"{_LABEL_TEXT[route.label]}: {percent(route.p_meeting_if_intro)} if made, "
            f"{percent(route.probability)} overall"
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
    lines = [f"{name}: {tr.label}, {percent(tr.probability)} chance of a meeting"]
    lines += [f"  {n}. {e.text}" for n, e in enumerate(explanations, start=1)]
    if len(explanations) > 1:
        lines.append(
            f"  At least one of these works: up to {percent(tr.p_any)} "
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


def cold_reason(best: Route | None, settings: Settings) -> str:
    """Why a target is cold, in a few words: no path at all, or a best path too weak."""
    if best is None:
        return f"no path within {settings.max_hops} hops"
    return (
        f"best path {percent(best.probability)} does not beat a cold call "
        f"({percent(cold_probability(settings))}) by {percent(settings.margin)}"
    )


def route_texts(
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
    with gc_paused():
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
