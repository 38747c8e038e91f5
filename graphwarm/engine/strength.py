"""Tie strength: the signals two people share, reduced to one number ``s`` in 0..1.

DESIGN.md's weighted sum, each component in 0..1 and missing signals counting 0:

==================  =======  ==========================================================
component           weight   value
==================  =======  ==========================================================
recency             0.25     ``0.5 ** (days since the last interaction / half-life 180)``
volume              0.20     ``min(1, ln(1 + n) / ln(1 + 50))``, ``n`` interactions
reciprocity         0.15     ``min(sent, received) / max(sent, received)``
shared_employer     0.15     1 when the two share an employer (see below), else 0
endorsements        0.15     1 when there is any endorsement or recommendation, either way
duration            0.10     years since connected or the first interaction / 5, at most 1
==================  =======  ==========================================================

An **interaction** is a LinkedIn message, an e-mail or a meeting, one notion across the
channels (:func:`_interaction`): the last and first interaction are those of any channel;
``n`` counts messages + e-mails + 3 × meetings; sent and received count messages and e-mails
each way, a meeting counting both ways. Without e-mails or meetings every number is the
LinkedIn messages' alone, so a workspace without mail or calendar scores exactly as before.

Endorsements count as a plain yes/no: one endorsement already says "I vouch for this
person", and a count would mostly measure how many skills a profile lists.

Shared employer: the two have the same current account, or a member's own ``Positions.csv``
(past or current) names the other's current account. The graph computes it and passes it in.

Special ties:

- a bare LinkedIn connection (no messages, no endorsement) is weak: at most the duration and
  shared-employer parts, 0.25 with the default weights;
- a tie from a relationships file takes the strength given there; with none given it takes
  ``max(s_ref, s from its other signals)``;
- an inferred colleague tie (two insiders of one account) has ``s_ref`` exactly
  (:func:`colleague_strength`).

:func:`tie_strength` explains one tie; :func:`tie_strength_array` computes many at once for
the graph and gives the same numbers (the tests check they agree).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..settings import Settings

__all__ = [
    "COMPONENTS",
    "Component",
    "StrengthBreakdown",
    "colleague_strength",
    "strength_parts_array",
    "strength_word",
    "tie_strength",
    "tie_strength_array",
]

COMPONENTS = (
    "recency",
    "volume",
    "reciprocity",
    "shared_employer",
    "endorsements",
    "duration",
)

# Thresholds of the words `describe` uses: "strong" from 0.5 (the reference tie s_ref), "medium"
# from 0.3; below that a tie is "weak".
_STRONG = 0.5
_MEDIUM = 0.3
_DAYS_PER_YEAR = 365.25
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Component:
    """One part of a tie's strength: its value in 0..1 and the weight it carries."""

    name: str
    value: float
    weight: float

    @property
    def contribution(self) -> float:
        """``value * weight``: what this part adds to ``s``."""
        return self.value * self.weight


@dataclass(frozen=True, slots=True)
class StrengthBreakdown:
    """A tie's strength ``s`` with the parts that make it up and the facts behind them.

    ``source`` is ``"signals"`` (computed from LinkedIn/CRM signals), ``"relationship"`` (a
    relationships-file tie), ``"colleague"`` (inferred: same account) or ``"strength"`` (only
    the number is known, e.g. a graph built from plain lists).
    """

    s: float
    components: tuple[Component, ...]
    source: str = "signals"
    sent: int = 0
    received: int = 0
    days_since_last: int | None = None
    years_known: float | None = None
    endorsed: bool = False
    shared_employer: bool = False
    connected: bool = False
    mails_sent: int = 0
    mails_received: int = 0
    meetings: int = 0
    given: float | None = None
    kinds: str | None = None
    account: str | None = None

    @property
    def messages(self) -> int:
        """LinkedIn messages both ways."""
        return self.sent + self.received

    @property
    def mails(self) -> int:
        """E-mails both ways."""
        return self.mails_sent + self.mails_received

    @property
    def word(self) -> str:
        """``strong``, ``medium`` or ``weak``."""
        return strength_word(self.s)

    def component(self, name: str) -> Component:
        """The component called ``name`` (one of :data:`COMPONENTS`)."""
        for part in self.components:
            if part.name == name:
                return part
        raise KeyError(name)

    def describe(self) -> str:
        """A short reason, e.g. ``strong: 31 messages both ways, last 3 days ago`` or
        ``strong: 23 e-mails both ways, met 4 times, last 2 weeks ago``."""
        if self.source == "colleague":
            return f"colleague at {self.account}" if self.account else "colleague"
        if self.source == "strength":
            return f"{self.word}: tie strength {self.s:.2f}"
        facts: list[str] = []
        if self.source == "relationship":
            label = f"CRM relationship ({self.kinds})" if self.kinds else "CRM relationship"
            if self.given is not None:
                label += f", strength {self.given:.2f}"
            facts.append(label)
        talk = []
        if self.messages:
            talk.append(_counted(self.messages, "message", self.sent, self.received))
        if self.mails:
            talk.append(_counted(self.mails, "e-mail", self.mails_sent, self.mails_received))
        if self.meetings:
            talk.append("met once" if self.meetings == 1 else f"met {self.meetings} times")
        if talk:
            if self.days_since_last is not None:
                talk.append(f"last {_ago(self.days_since_last)}")
            facts.append(", ".join(talk))
        if self.endorsed:
            facts.append("endorsed")
        if self.shared_employer:
            facts.append("shared employer")
        if not facts:
            facts.append("connected only" if self.connected or self.years_known else "no signals")
        if self.years_known is not None and self.years_known >= 1 and not talk:
            facts.append(f"known {self.years_known:.0f} years")
        return f"{self.word}: " + ", ".join(facts)


def _counted(n: int, noun: str, sent: int, received: int) -> str:
    """``23 e-mails both ways``, ``1 message one way``."""
    way = "both ways" if sent and received else "one way"
    return f"{n} {noun if n == 1 else noun + 's'} {way}"


def strength_word(s: float) -> str:
    """``strong`` (s ≥ 0.5), ``medium`` (s ≥ 0.3) or ``weak``."""
    if s >= _STRONG:
        return "strong"
    if s >= _MEDIUM:
        return "medium"
    return "weak"


def colleague_strength(settings: Settings, account: str | None = None) -> StrengthBreakdown:
    """The inferred tie between two insiders of one account: ``s = s_ref``, no signals."""
    s_ref = settings.probability.s_ref
    return StrengthBreakdown(
        s=s_ref,
        components=tuple(Component(name, 0.0, 0.0) for name in COMPONENTS),
        source="colleague",
        account=account,
    )


def _get(signals: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        try:
            value = signals[name]
        except (KeyError, IndexError):
            continue
        if value is not None:
            return value
    return None


def tie_strength(
    signals: Mapping[str, Any], settings: Settings, *, shared_employer: bool | None = None
) -> StrengthBreakdown:
    """The strength of one tie, with every component visible.

    ``signals`` is a row of the store's ``ties`` view (or any mapping with its column names:
    ``connected_on``, ``msgs_ab``, ``msgs_ba``, ``first_msg``, ``last_msg``, ``endorse_ab``,
    ``endorse_ba``, ``recs_ab``, ``recs_ba``, ``kinds``/``kind``, ``strength``, the e-mail
    and calendar columns ``mails_ab``, ``mails_ba``, ``meetings``, ``first_mail``,
    ``last_mail``, ``first_meeting``, ``last_meeting``, and optionally ``shared_employer``).
    Dates are ISO ``YYYY-MM-DD`` (``YYYY-MM`` reads as the 1st).

    >>> from graphwarm.settings import Settings
    >>> import datetime as dt
    >>> b = tie_strength({"msgs_ab": 16, "msgs_ba": 15, "last_msg": "2026-10-29"},
    ...                  Settings(as_of=dt.date(2026, 11, 1)))
    >>> b.describe()
    'strong: 31 messages both ways, last 3 days ago'
    """
    w = settings.strength
    today = _day_number(settings.today())
    sent = int(_get(signals, "msgs_ab") or 0)
    received = int(_get(signals, "msgs_ba") or 0)
    endorsements = sum(
        int(_get(signals, key) or 0) for key in ("endorse_ab", "endorse_ba", "recs_ab", "recs_ba")
    )
    if shared_employer is None:
        shared_employer = bool(_get(signals, "shared_employer") or False)
    mails_sent = int(_get(signals, "mails_ab") or 0)
    mails_received = int(_get(signals, "mails_ba") or 0)
    meetings = int(_get(signals, "meetings") or 0)
    connected = _day_number(_get(signals, "connected_on"))
    talk = _interaction(
        sent,
        received,
        mails_sent,
        mails_received,
        meetings,
        *(_nan(_day_number(_get(signals, key))) for key in _TALK_DATES),
    )
    last = None if math.isnan(talk.last) else float(talk.last)
    first = None if math.isnan(talk.first) else float(talk.first)
    kinds = _get(signals, "kinds", "kind")
    relationship = bool(kinds) or bool(_get(signals, "relationship") or False)
    given = _get(signals, "strength")

    days_since = None if last is None else max(0.0, today - last)
    recency = 0.0 if days_since is None else 0.5 ** (days_since / w.half_life_days)
    volume = min(1.0, math.log1p(talk.volume) / math.log1p(w.volume_saturation))
    high = max(talk.sent, talk.received)
    reciprocity = min(talk.sent, talk.received) / high if high else 0.0
    shared = 1.0 if shared_employer else 0.0
    endorsed = 1.0 if endorsements > 0 else 0.0
    starts = [d for d in (connected, first) if d is not None]
    years = None if not starts else max(0.0, today - min(starts)) / _DAYS_PER_YEAR
    duration = 0.0 if years is None else min(1.0, years / w.duration_saturation_years)

    parts = (
        Component("recency", recency, w.recency),
        Component("volume", volume, w.volume),
        Component("reciprocity", reciprocity, w.reciprocity),
        Component("shared_employer", shared, w.shared_employer),
        Component("endorsements", endorsed, w.endorsements),
        Component("duration", duration, w.duration),
    )
    s = 0.0
    for part in parts:
        s += part.contribution
    s = min(1.0, max(0.0, s))
    if relationship:
        s = _clip01(float(given)) if given is not None else max(settings.probability.s_ref, s)
    return StrengthBreakdown(
        s=s,
        components=parts,
        source="relationship" if relationship else "signals",
        sent=sent,
        received=received,
        days_since_last=None if days_since is None else round(days_since),
        years_known=years,
        endorsed=endorsements > 0,
        shared_employer=bool(shared_employer),
        connected=connected is not None,
        mails_sent=mails_sent,
        mails_received=mails_received,
        meetings=meetings,
        given=None if given is None else float(given),
        kinds=str(kinds) if kinds else None,
    )


def tie_strength_array(
    settings: Settings,
    *,
    relationship: Sequence[bool] | np.ndarray | None = None,
    given: Sequence[float | None] | np.ndarray | None = None,
    **signals: Any,
) -> np.ndarray:
    """``s`` for many ties at once; the same numbers as :func:`tie_strength`, one per row.

    ``signals`` are :func:`strength_parts_array`'s arguments; ``relationship`` marks the ties
    a relationships file names and ``given`` is the strength it gives (NaN/None: none).
    """
    parts = strength_parts_array(settings, **signals)
    s = parts.pop(COMPONENTS[0])
    for name in COMPONENTS[1:]:
        s += parts[name]
    s = np.clip(s, 0.0, 1.0)
    size = s.shape[0]
    rel = np.zeros(size, dtype=bool) if relationship is None else np.asarray(relationship, bool)
    if rel.any():
        giv = (
            np.full(size, np.nan)
            if given is None
            else np.array([np.nan if g is None else g for g in given], dtype=np.float64)
            if not isinstance(given, np.ndarray)
            else given.astype(np.float64)
        )
        from_rel = np.where(
            np.isnan(giv), np.maximum(settings.probability.s_ref, s), np.clip(giv, 0, 1)
        )
        s = np.where(rel, from_rel, s)
    return s


def strength_parts_array(
    settings: Settings,
    *,
    msgs_ab: Sequence[float] | np.ndarray,
    msgs_ba: Sequence[float] | np.ndarray,
    last_msg: Sequence[str | None] | np.ndarray | None = None,
    connected_on: Sequence[str | None] | np.ndarray | None = None,
    first_msg: Sequence[str | None] | np.ndarray | None = None,
    endorsements: Sequence[float] | np.ndarray | None = None,
    shared_employer: Sequence[bool] | np.ndarray | None = None,
    mails_ab: Sequence[float] | np.ndarray | None = None,
    mails_ba: Sequence[float] | np.ndarray | None = None,
    meetings: Sequence[float] | np.ndarray | None = None,
    first_mail: Sequence[str | None] | np.ndarray | None = None,
    last_mail: Sequence[str | None] | np.ndarray | None = None,
    first_meeting: Sequence[str | None] | np.ndarray | None = None,
    last_meeting: Sequence[str | None] | np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """What each of :data:`COMPONENTS` adds to ``s`` (value × weight), one array per part.

    Their sum, clipped to 0..1, is :func:`tie_strength_array`'s ``s`` for a tie that no
    relationships file names (such a tie takes the strength given there instead).

    Dates are ISO strings or ``None`` (or float day numbers since 1970-01-01, NaN for none);
    counts are LinkedIn messages (``msgs_*``) and e-mails (``mails_*``) each way and
    meetings; ``endorsements`` is the count of endorsements and recommendations either way.
    """
    w = settings.strength
    size = np.asarray(msgs_ab).shape[0]
    today = _day_number(settings.today())
    talk = _interaction(
        *(_counts(c, size) for c in (msgs_ab, msgs_ba, mails_ab, mails_ba, meetings)),
        *(
            _day_numbers(d, size)
            for d in (first_msg, last_msg, first_mail, last_mail, first_meeting, last_meeting)
        ),
    )
    sent, received, last = talk.sent, talk.received, talk.last
    starts = np.fmin(_day_numbers(connected_on, size), talk.first)

    with np.errstate(invalid="ignore", divide="ignore"):
        days_since = np.maximum(0.0, today - last)
        recency = np.where(np.isnan(last), 0.0, 0.5 ** (days_since / w.half_life_days))
        volume = np.minimum(1.0, np.log1p(talk.volume) / math.log1p(w.volume_saturation))
        high = np.maximum(sent, received)
        reciprocity = np.where(high > 0, np.minimum(sent, received) / high, 0.0)
        years = np.maximum(0.0, today - starts) / _DAYS_PER_YEAR
        duration = np.where(
            np.isnan(starts), 0.0, np.minimum(1.0, years / w.duration_saturation_years)
        )
    shared = (
        np.zeros(size)
        if shared_employer is None
        else np.asarray(shared_employer, dtype=bool).astype(np.float64)
    )
    endorsed = (
        np.zeros(size)
        if endorsements is None
        else (np.asarray(endorsements, dtype=np.float64) > 0).astype(np.float64)
    )
    values = {
        "recency": recency,
        "volume": volume,
        "reciprocity": reciprocity,
        "shared_employer": shared,
        "endorsements": endorsed,
        "duration": duration,
    }
    return {name: values[name] * getattr(w, name) for name in COMPONENTS}


# The dates of a tie's interactions, in the order :func:`_interaction` takes them.
_TALK_DATES = (
    "first_msg",
    "last_msg",
    "first_mail",
    "last_mail",
    "first_meeting",
    "last_meeting",
)


@dataclass(frozen=True, slots=True)
class _Interaction:
    """The channels of a tie as one: counts each way, volume, first and last day (NaN: none)."""

    sent: Any
    received: Any
    volume: Any
    first: Any
    last: Any


def _interaction(
    msgs_ab: Any,
    msgs_ba: Any,
    mails_ab: Any,
    mails_ba: Any,
    meetings: Any,
    first_msg: Any,
    last_msg: Any,
    first_mail: Any,
    last_mail: Any,
    first_meeting: Any,
    last_meeting: Any,
) -> _Interaction:
    """DESIGN.md's one notion of interaction, for one tie (numbers) or many (arrays).

    Sent and received: messages and e-mails each way, a meeting counting both ways; volume:
    messages + e-mails + 3 × meetings; the first and last interaction of any channel. With no
    e-mails and no meetings each sum adds exact zeros, so the numbers are the messages' own.
    """
    sent = msgs_ab + mails_ab + meetings
    received = msgs_ba + mails_ba + meetings
    first = np.fmin(np.fmin(first_msg, first_mail), first_meeting)
    last = np.fmax(np.fmax(last_msg, last_mail), last_meeting)
    return _Interaction(sent, received, sent + received + meetings, first, last)


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _counts(values: Sequence[float] | np.ndarray | None, size: int) -> np.ndarray:
    """A count column as float64; zeros where there is none."""
    return np.zeros(size) if values is None else np.asarray(values, dtype=np.float64)


def _clip01(value: float) -> float:
    return min(1.0, max(0.0, value))


def _day_number(value: Any) -> float | None:
    """Days since 1970-01-01 of an ISO date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return float((value - _EPOCH).days)
    text = str(value).strip()[:10]
    if not text:
        return None
    try:
        if len(text) == 4:
            day = dt.date(int(text), 1, 1)
        elif len(text) == 7:
            day = dt.date(int(text[:4]), int(text[5:7]), 1)
        else:
            day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return float((day - _EPOCH).days)


def _day_numbers(values: Any, size: int) -> np.ndarray:
    """:func:`_day_number` over a column (NaN for missing), parsing each distinct text once."""
    if values is None:
        return np.full(size, np.nan)
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return values  # already day numbers
    memo: dict[Any, float] = {}
    for value in set(values):
        parsed = _day_number(value)
        memo[value] = np.nan if parsed is None else parsed
    return np.fromiter((memo[value] for value in values), dtype=np.float64, count=size)


def _ago(days: int) -> str:
    """``today``, ``3 days ago``, ``5 weeks ago``, ``8 months ago``, ``3 years ago``."""
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 61:
        return f"{round(days / 7)} weeks ago"
    if days < 730:
        return f"{round(days / 30.44)} months ago"
    return f"{round(days / _DAYS_PER_YEAR)} years ago"
