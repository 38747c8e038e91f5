"""Where each node of a network map is drawn: members in the centre, people with no account
hub on rings around them, and the accounts on shells, each with its people around it. Kept
apart from the picker (which calls :func:`_layout` once it has chosen the nodes) because the
geometry is one idea of its own.
"""

from __future__ import annotations

import math

from ..engine.routes import LABELS
from ._map_model import MapEdge, MapNode

__all__ = ["_layout"]

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
