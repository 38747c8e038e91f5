"""What a network map draws: the nodes, edges and targets of a :class:`MapView`, and the
node budget a view is picked within. The picker and the layout build these and the renderer
draws them, so they live here, below all three, where each can import them without a cycle;
:mod:`graphwarm.outputs.netmap` re-exports the public ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = ["DEFAULT_MAX_NODES", "KINDS", "MapEdge", "MapNode", "MapTarget", "MapView", "_s"]

DEFAULT_MAX_NODES = 1_500
"""The warm-path view's node budget (about 2,000 stay interactive with fixed positions)."""

KINDS = ("member", "intermediary", "target", "account", "contact")


@dataclass(frozen=True)
class MapNode:
    """One drawn node. ``key``: ``p<people.id>`` or ``a<accounts.id>``; ``kind`` one of
    :data:`KINDS`; ``label`` the reach label (targets, accounts) or ``None``; ``tooltip``
    plain text; ``mark`` a target's change since an earlier state (``gained``: a new warm
    path, ``lost``: a lost one) or ``""``."""

    key: str
    kind: str
    name: str
    tooltip: str
    label: str | None = None
    probability: float | None = None
    x: float = 0.0
    y: float = 0.0
    mark: str = ""


@dataclass(frozen=True)
class MapEdge:
    """One drawn edge between node keys ``a`` and ``b``. ``kind``: ``tie`` (observed),
    ``colleague`` (inferred, on a path) or ``account`` (a person and their account's hub).
    ``label``: the label of the best path that uses it, ``None`` for none."""

    a: str
    b: str
    strength: float
    kind: str
    tooltip: str
    label: str | None = None


@dataclass(frozen=True)
class MapTarget:
    """A drawn target: its best path (node keys, member first; empty when cold, or when the
    path was left out) and the explanation ``graphwarm path`` prints for it."""

    key: str
    name: str
    account: str | None
    label: str
    probability: float
    path: tuple[str, ...]
    explanation: str


@dataclass
class MapView:
    """What a map draws, and what the page says about it."""

    nodes: list[MapNode]
    edges: list[MapEdge]
    targets: list[MapTarget]
    title: str
    source: str
    created: dt.datetime
    everyone: bool = False
    max_nodes: int = DEFAULT_MAX_NODES
    left_out_paths: int = 0
    left_out_targets: int = 0
    left_out_people: int = 0
    filters: dict[str, list[str]] = field(default_factory=dict)
    focus: dict[str, str] = field(default_factory=dict)
    """Node key → the target whose best drawn path goes through it (for the search box)."""
    since: str | None = None
    """The day the marks of new and lost warm paths count from; ``None``: no marks."""
    marks_not_drawn: int = 0
    """Targets whose warm path is new or lost that did not fit within ``max_nodes``."""

    def counts(self) -> dict[str, int]:
        """Drawn nodes per kind."""
        out = dict.fromkeys(KINDS, 0)
        for n in self.nodes:
            out[n.kind] += 1
        return out

    def mark_counts(self) -> dict[str, int]:
        """Drawn targets per mark: ``gained`` (a new warm path) and ``lost``."""
        out = {"gained": 0, "lost": 0}
        for n in self.nodes:
            if n.mark:
                out[n.mark] += 1
        return out

    @property
    def since_note(self) -> str:
        """How many drawn targets gained or lost a warm path since :attr:`since`; empty
        without marks."""
        if self.since is None:
            return ""
        gained, lost = self.mark_counts().values()
        more = self.marks_not_drawn
        return (
            f"Since {self.since}: {gained:,} new warm path{_s(gained)}, "
            f"{lost:,} warm path{_s(lost)} lost"
            + (f" ({more:,} more not drawn: narrow the map to see them)." if more else ".")
        )

    @property
    def left_out_note(self) -> str:
        """What was left out to stay within ``max_nodes``; empty when nothing was."""
        parts = []
        if self.left_out_paths:
            parts.append(
                f"{self.left_out_paths:,} least probable path{_s(self.left_out_paths)}"
                + (
                    f" ({self.left_out_targets:,} target{_s(self.left_out_targets)} not drawn)"
                    if self.left_out_targets
                    else ""
                )
            )
        if self.left_out_people:
            parts.append(
                f"{self.left_out_people:,} least connected "
                f"{'person' if self.left_out_people == 1 else 'people'}"
            )
        if not parts:
            return ""
        return (
            f"Left out to stay within {self.max_nodes:,} nodes: {' and '.join(parts)}. "
            "Narrow the map with --account, --member or --label, or raise --max-nodes."
        )


def _s(n: int) -> str:
    return "" if n == 1 else "s"
