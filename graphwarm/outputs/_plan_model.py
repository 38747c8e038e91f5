"""What an account plan holds: the dataclasses :func:`~graphwarm.outputs.plans.plan_accounts`
returns and the templates read (:class:`AccountPlan` and its parts), with the label texts
their properties use. They live below the builder, the introduction request and
the renderer, so each can import them without a cycle; :mod:`graphwarm.outputs.plans`
re-exports the public ones.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .._words import percent
from ..engine.routes import Route

if TYPE_CHECKING:
    from .changes import Change

__all__ = [
    "LABEL_TEXT",
    "MAX_TOGETHER",
    "AccountPlan",
    "Ask",
    "IntroDraft",
    "KnownPerson",
    "Missing",
    "PlanRoute",
    "TargetPlan",
]

LABEL_TEXT = {
    "direct": "direct",
    "internal": "internal referral",
    "external": "external referral",
    "cold": "cold call",
}
MAX_TOGETHER = 5  # other targets named under "one conversation can cover"; the rest counted


@dataclass(frozen=True)
class Ask:
    """One numbered step: ``asker`` asks ``asked`` (``why`` their tie counts) to ``request``."""

    asker: str
    asked: str
    why: str
    request: str
    direct: bool = False

    @property
    def text(self) -> str:
        """``Lina Ahl asks Per Moberg — a strong tie: … — to recommend us to Sofia Wall, CFO``."""
        if self.direct:
            return f"{self.asker} contacts {self.asked} directly — {self.why} — {self.request}"
        return f"{self.asker} asks {self.asked} — {self.why} — {self.request}"


@dataclass(frozen=True)
class PlanRoute:
    """A path as asks, with its chance and the two parts of it."""

    route: Route
    asks: tuple[Ask, ...]
    names: tuple[str, ...]
    member: str
    first_contact: str
    introducer: str

    @property
    def label(self) -> str:
        return self.route.label

    @property
    def probability(self) -> float:
        return self.route.probability

    @property
    def asks_text(self) -> str:
        """All asks in one line (for backups): ``… Then: …``."""
        return " Then: ".join(ask.text for ask in self.asks)

    @property
    def chances(self) -> str:
        """``51 % chance of a meeting: 61 % the introduction is made × 84 % if it is``."""
        r = self.route
        if r.label == "direct":
            return f"{percent(r.probability)} chance of a meeting (direct)"
        return (
            f"{percent(r.probability)} chance of a meeting: {percent(r.p_intro)} the introduction"
            f" is made × {percent(r.p_meeting_if_intro)} meeting if it is"
        )


@dataclass(frozen=True)
class TargetPlan:
    """One target: the best path, backups, the cold call, and why it is cold if it is."""

    target_id: int
    name: str
    title: str | None
    label: str
    probability: float
    best: PlanRoute | None
    backups: tuple[PlanRoute, ...]
    reason: str
    named: bool
    together: tuple[str, ...] = ()
    ask: str = ""
    """The target's ask (graphwarm ask): its open one, else its latest, as ``ask 3:
    introduced``; empty when none was recorded."""

    @property
    def label_text(self) -> str:
        return LABEL_TEXT[self.label]

    @property
    def together_text(self) -> str:
        """``together`` for a sentence: the first few names, then how many more."""
        shown = self.together[:MAX_TOGETHER]
        more = len(self.together) - len(shown)
        return ", ".join(shown) + (f" and {more} more" if more else "")

    @property
    def heading(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


@dataclass(frozen=True)
class KnownPerson:
    """Someone at the account the team knows: directly (a member's tie) or through a contact."""

    name: str
    title: str | None
    how: str
    strength: float
    target: bool


@dataclass(frozen=True)
class Missing:
    """A gap in the plan and what to try (``route``: the near miss, if there is one)."""

    text: str
    route: PlanRoute | None = None


@dataclass(frozen=True)
class IntroDraft:
    """The drafted message for the first ask, and the template it came from."""

    text: str
    template: str
    sender: str
    recipient: str


@dataclass
class AccountPlan:
    """Everything one account's plan says; :func:`render_plan` writes it."""

    account_id: int
    account: str
    label: str
    best_probability: float
    expected_meetings: float
    owner: str | None
    targets: list[TargetPlan]
    known: list[KnownPerson]
    known_more: int
    missing: list[Missing]
    cold_probability: float
    p_connect: float
    p_cold: float
    max_hops: int
    as_of: dt.date
    figures: str = ""  # where the chances' figures come from: Settings.figures_text
    draft: IntroDraft | None = None
    generated: str = ""
    notes: list[str] = field(default_factory=list)
    since: str | None = None  # the day the changes below are counted from
    changes: list[Change] = field(default_factory=list)  # graphwarm changes, for this account

    @property
    def label_text(self) -> str:
        return LABEL_TEXT[self.label]

    @property
    def calls_per_meeting(self) -> int:
        """Dials per expected meeting by cold call, rounded up."""
        return math.ceil(1.0 / self.cold_probability - 1e-9) if self.cold_probability > 0 else 0

    @property
    def warm_targets(self) -> list[TargetPlan]:
        return [t for t in self.targets if t.best is not None]

    @property
    def cold_targets(self) -> list[TargetPlan]:
        return [t for t in self.targets if t.best is None]
