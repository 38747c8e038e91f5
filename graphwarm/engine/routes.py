"""What reach returns: the four labels, a path (:class:`Route`) and one target's result
(:class:`TargetReach`), and the cold call every path is measured against.

This module imports no numpy, so the command line can offer ``--label`` without loading the
search.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from ..settings import Settings

__all__ = [
    "LABELS",
    "MemberRoutes",
    "Route",
    "TargetReach",
    "cold_probability",
    "cold_threshold",
    "gc_paused",
]

LABELS = ("direct", "internal", "external", "cold")


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


class MemberRoutes(Protocol):
    """Every member's best path to every target of one run, kept as arrays by reach and made
    into :class:`Route` objects or texts only when asked for (rows ``start:end`` are one
    target's)."""

    def routes(self, start: int, end: int, *, unlisted: bool = False) -> tuple[Route, ...]: ...

    def unlisted_texts(self, start: int, end: int) -> list[str]: ...


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
    _members: tuple[MemberRoutes, int, int] | None = field(default=None, repr=False, compare=False)

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


def cold_probability(settings: Settings) -> float:
    """A cold call's chance per attempt: ``p_connect × p_cold``."""
    p = settings.probability
    return p.p_connect * p.p_cold


def cold_threshold(settings: Settings) -> float:
    """The chance a path must reach not to be cold: the cold call's × ``(1 + margin)``."""
    return cold_probability(settings) * (1.0 + settings.margin)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
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
