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

__all__ = ["MARKS", "mark_changes"]

MARKS = {"warm path gained": "gained", "warm path lost": "lost"}
"""The kinds of change the map marks, and the mark each gets."""


def mark_changes(view: MapView, comparison: Comparison, settings: Settings) -> MapView:
    """``view`` with its new and lost warm paths marked: the target's node (``mark``, and a
    line in its tooltip) and its explanation say so, and ``view.since`` holds the day
    compared with."""
    began = comparison.state.began
    day = began[:10] if began else "before the first import"
    then_names = node_names(comparison.then_rg)
    texts: dict[str, tuple[str, str]] = {}
    for t in view.targets:
        node = int(t.key[1:]) if t.key[0] == "p" else -int(t.key[1:])
        old = comparison.then.get(node)
        mark = MARKS.get(path_kind(old, comparison.now.get(node), settings), "")
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
    return view
