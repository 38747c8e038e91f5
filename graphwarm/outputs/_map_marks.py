"""The map's marks of change: the drawn targets whose warm path is new, or lost, since an
earlier state of the workspace, as ``graphwarm changes`` finds them (the whole team's best
paths, compared by :func:`graphwarm.outputs.changes.compare`)."""

from __future__ import annotations

import dataclasses

from .._words import percent
from ..engine.explain import node_names
from ..settings import Settings
from ._map_model import MapView
from .changes import Comparison, path_kind

__all__ = ["MARKS", "mark_changes", "marked_targets"]

MARKS = {"warm path gained": "gained", "warm path lost": "lost"}
"""The kinds of change the map marks, and the mark each gets."""


def marked_targets(comparison: Comparison, settings: Settings) -> dict[int, str]:
    """Each target (by node) whose warm path is new or lost, and its mark; the map draws
    these first, so that a map cut to ``max_nodes`` still shows what changed."""
    marks = {}
    for node, new in comparison.now.items():
        mark = MARKS.get(path_kind(comparison.then.get(node), new, settings))
        if mark:
            marks[node] = mark
    return marks


def mark_changes(view: MapView, comparison: Comparison, marks: dict[int, str]) -> MapView:
    """``view`` with the targets of ``marks`` (:func:`marked_targets`) marked: the target's
    node (``mark``, and a line in its tooltip) and its explanation say so, ``view.since``
    holds the day compared with and ``view.marks_not_drawn`` how many did not fit."""
    began = comparison.state.began
    day = began[:10] if began else "before the first import"
    then_names = node_names(comparison.then_rg)
    texts: dict[str, tuple[str, str]] = {}
    for t in view.targets:
        node = int(t.key[1:]) if t.key[0] == "p" else -int(t.key[1:])
        old = comparison.then.get(node)
        mark = marks.get(node, "")
        if mark == "gained":
            texts[t.key] = (mark, f"new warm path since {day}")
        elif mark == "lost" and old is not None:
            was = " → ".join(then_names[x] for x in old.path)
            texts[t.key] = (
                mark,
                f"warm path lost since {day}: was {was}, {percent(old.probability)}",
            )
    view.since = day
    view.targets = [
        dataclasses.replace(t, explanation=f"{t.explanation}\n\n{texts[t.key][1]}")
        if t.key in texts
        else t
        for t in view.targets
    ]
    view.nodes = [
        dataclasses.replace(n, mark=texts[n.key][0], tooltip=f"{n.tooltip}\n{texts[n.key][1]}")
        if n.key in texts
        else n
        for n in view.nodes
    ]
    view.marks_not_drawn = len(marks) - sum(1 for n in view.nodes if n.mark)
    return view
