"""Calibration: the team's own outcomes turned into the model's rates, with their uncertainty.

Each rate parameter is learnt from the outcomes that inform it (see :func:`observations`):

=================  ==========================================================================
``pass_on``        a referral's introduction made or not, on a path with one pass (member →
                   introducer → target): the rate behind ``f_min``/``f_max``, as ``f(s_ref)``
``p_internal``     a meeting or not after an introduction by someone at the target's account
``p_external``     the same by someone elsewhere
``p_direct_max``   a meeting or not when a member asked someone they know
``p_connect``      a cold call that got through (a conversation) or not
``p_cold``         a meeting or not from a cold call that got through
=================  ==========================================================================

The model predicts each outcome ``i`` with a chance ``q_i(θ)`` that depends on the ask's tie
strength as well as on the parameter ``θ`` (an internal referral over a strong last tie is
likelier than ``p_internal``). So the Beta-binomial runs on the group's mean rate
``r(θ) = mean_i q_i(θ)``: the prior is ``Beta(w·r0, w·(1 − r0))`` with ``r0 = r(θ0)`` (``θ0``
today's setting, ``w = prior_weight`` pseudo-observations); ``k`` successes of ``n`` give
``Beta(w·r0 + k, w·(1 − r0) + n − k)``, and its mean and 5 / 95 % quantiles map back to ``θ``
through the model (``r`` rises with ``θ``). When every strength sits at the reference this is
the plain Beta-binomial on ``θ`` itself; with no outcomes every figure is exactly today's.
``f_min`` and ``f_max`` are scaled together by ``pass_on / θ0``, keeping their ratio; when
that would lift ``f_max`` past 0.999, ``f_max`` stays at 0.999 and ``f_min`` is lowered so that
``f(s_ref)`` is still the calibrated rate.

Whether the data improve predictions is measured by leave-one-out cross-validation: each
outcome predicted by the settings in use and by the calibration fitted without it, scored by
log loss and Brier score (lower is better).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._words import counted
from ..settings import (
    Calibrated,
    ProbabilitySettings,
    Settings,
    settings_path_for,
    write_probability,
)
from ..workspace.store import Workspace
from ._scoring import DIRECT, EXTERNAL, INTERNAL, p_last
from .asks import REFERRALS, key_ids

__all__ = [
    "PARAMETERS",
    "Calibration",
    "Observation",
    "ParameterFit",
    "apply_calibration",
    "calibrate",
    "calibrate_observations",
    "observations",
    "predict",
]

# The rate parameters, in report order, with what one outcome and several count.
PARAMETERS: dict[str, tuple[str, str]] = {
    "pass_on": ("introduction asked for", "introductions asked for"),
    "p_internal": ("internal introduction", "internal introductions"),
    "p_external": ("external introduction", "external introductions"),
    "p_direct_max": ("direct ask", "direct asks"),
    "p_connect": ("cold call", "cold calls"),
    "p_cold": ("cold conversation", "cold conversations"),
}
# The [probability] keys a parameter's calibration sets, where they are not its own name.
_KEYS = {"pass_on": ("f_min", "f_max")}
_LEVEL = 0.90  # the credible interval's mass
_EPS = 1e-6


@dataclass(frozen=True)
class Observation:
    """One outcome that informs one parameter: ``outcome`` True for a success, ``strength``
    the tie that matters (``None``: unknown, read as the reference strength)."""

    parameter: str
    outcome: bool
    strength: float | None = None
    ask_id: int | None = None


@dataclass(frozen=True)
class ParameterFit:
    """One parameter: its prior (the setting before any calibration, and where that comes
    from: "survey", "assumption" or "setting"), the outcomes, the posterior mean and its 90 %
    credible interval, and leave-one-out scores (``None`` without outcomes)."""

    name: str
    prior: float
    source: str
    prior_weight: float
    n: int
    successes: int
    posterior: float
    low: float
    high: float
    log_loss_settings: float | None = None
    log_loss_calibrated: float | None = None
    brier_settings: float | None = None
    brier_calibrated: float | None = None

    @property
    def calibrated(self) -> bool:
        return self.n > 0

    def text(self) -> str:
        """``p_internal: 61 % (90 %: 48–72 %), from 37 internal introductions; survey 84 %``."""
        if not self.n:
            return f"{self.name}: {_pct(self.prior)}, no outcomes yet ({self.source})"
        return (
            f"{self.name}: {_pct(self.posterior)} (90 %: {_pct(self.low)}–{_pct(self.high)}), "
            f"from {counted(self.n, *PARAMETERS[self.name])}; {self.source} {_pct(self.prior)}"
        )


@dataclass
class Calibration:
    """Every parameter's fit, the calibrated settings, the settings they started from
    (``prior``: before any calibration), and the overall leave-one-out scores of the prior
    settings against the calibrated ones; ``outcomes`` counts the asks with an outcome,
    ``dials`` the tallied cold calls."""

    parameters: list[ParameterFit]
    settings: Settings
    prior: Settings
    prior_weight: float
    outcomes: int
    dials: int = 0
    log_loss_settings: float | None = None
    log_loss_calibrated: float | None = None
    brier_settings: float | None = None
    brier_calibrated: float | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able, for ``graphwarm calibrate --format json``."""
        data = {
            "prior_weight": self.prior_weight,
            "outcomes": self.outcomes,
            "dials": self.dials,
            "parameters": [
                {**dataclasses.asdict(p), "calibrated": p.calibrated} for p in self.parameters
            ],
            "probability": _values(self.settings.probability),
            "leave_one_out": {
                "log_loss_settings": self.log_loss_settings,
                "log_loss_calibrated": self.log_loss_calibrated,
                "brier_settings": self.brier_settings,
                "brier_calibrated": self.brier_calibrated,
            },
            "notes": self.notes,
        }
        return json.loads(json.dumps(data))  # plain floats, no numpy scalars


def _values(p: ProbabilitySettings) -> dict[str, float]:
    return {f.name: getattr(p, f.name) for f in dataclasses.fields(p)}


def observations(ws: Workspace) -> list[Observation]:
    """The outcomes the workspace's asks hold, one per parameter they inform, then those of
    the cold-call tallies: each dial informs ``p_connect``, each conversation ``p_cold``."""
    out: list[Observation] = []
    rows = ws.conn.execute(
        "SELECT id, path_key, label, strengths, status, introduced, meeting FROM asks ORDER BY id"
    )
    for ask_id, key, label, strengths, status, introduced, meeting in rows:
        s = json.loads(strengths)
        if label in REFERRALS:
            hops = len(key_ids(key) or ()) - 1
            if introduced is not None and hops == 2:
                out.append(Observation("pass_on", bool(introduced), s[0], ask_id))
            if introduced and meeting is not None:
                out.append(Observation(f"p_{label}", bool(meeting), s[-1], ask_id))
        elif label == "direct":
            if meeting is not None:
                out.append(Observation("p_direct_max", bool(meeting), s[0], ask_id))
        elif label == "cold":
            if meeting is not None:
                out.append(Observation("p_connect", True, None, ask_id))
                out.append(Observation("p_cold", bool(meeting), None, ask_id))
            elif status == "no answer":
                out.append(Observation("p_connect", False, None, ask_id))
    for dials, talks, meetings in ws.conn.execute(
        "SELECT dials, conversations, meetings FROM call_tallies ORDER BY member_id, period"
    ):
        out += [Observation("p_connect", True)] * talks
        out += [Observation("p_connect", False)] * (dials - talks)
        out += [Observation("p_cold", True)] * meetings
        out += [Observation("p_cold", False)] * (talks - meetings)
    return out


def calibrate(ws: Workspace, *, prior_weight: float | None = None) -> Calibration:
    """Calibrate the workspace's settings on its asks' outcomes (``prior_weight``: the
    setting's, default 10). The prior is always the settings before any calibration
    (:meth:`Settings.uncalibrated`): values applied earlier came from these same outcomes."""
    weight = ws.settings.prior_weight if prior_weight is None else prior_weight
    return calibrate_observations(observations(ws), ws.settings.uncalibrated(), weight)


def predict(parameter: str, value: float, settings: Settings, strengths: np.ndarray) -> np.ndarray:
    """The model's chance of success of each outcome of ``parameter`` at these tie
    ``strengths`` (NaN: the reference strength), with the parameter set to ``value``."""
    p = settings.probability
    s = np.where(np.isnan(strengths), p.s_ref, strengths)
    if parameter == "pass_on":
        scale = value / (p.f_min + (p.f_max - p.f_min) * p.s_ref)
        return np.minimum((p.f_min + (p.f_max - p.f_min) * s) * scale, 1.0 - _EPS)
    if parameter in ("p_internal", "p_external", "p_direct_max"):
        label = {"p_internal": INTERNAL, "p_external": EXTERNAL, "p_direct_max": DIRECT}
        changed = dataclasses.replace(p, **{parameter: value})
        return p_last(np.full(len(s), label[parameter]), s, Settings(probability=changed))
    if parameter in ("p_connect", "p_cold"):
        return np.full(len(s), value, dtype=np.float64)
    raise ValueError(f"unknown parameter {parameter!r}")


def _source(parameter: str, settings: Settings) -> str:
    """Where the prior of ``parameter`` comes from (pass_on: from f_min and f_max)."""
    keys = _KEYS.get(parameter, (parameter,))
    sources = {settings.source_of(k) for k in keys}
    return sources.pop() if len(sources) == 1 else "setting"


def _anchor(parameter: str, p: ProbabilitySettings) -> float:
    """Today's value of ``parameter``: the setting (for pass_on ``f(s_ref)``)."""
    if parameter == "pass_on":
        return p.f_min + (p.f_max - p.f_min) * p.s_ref
    return float(getattr(p, parameter))


def _invert(mean_rate: Callable[[float], float], r: float) -> float:
    """The ``θ`` in (0, 1) at which the increasing ``mean_rate(θ)`` reaches ``r`` (Brent's
    method; the ends when ``r`` lies beyond them)."""
    from scipy.optimize import brentq

    lo, hi = _EPS, 1.0 - _EPS
    if r <= mean_rate(lo):
        return lo
    if r >= mean_rate(hi):
        return hi
    return float(brentq(lambda theta: mean_rate(theta) - r, lo, hi, xtol=1e-12))


def _fit(
    parameter: str,
    theta0: float,
    w: float,
    s: np.ndarray,
    y: np.ndarray,
    settings: Settings,
    *,
    interval: bool = True,
) -> tuple[float, float, float]:
    """Posterior mean and 90 % interval of ``parameter`` from outcomes ``y`` at ``s``
    (without ``interval``: the mean, twice more)."""
    from scipy.stats import beta as beta_dist

    n, k = len(y), float(y.sum())
    if n == 0 and not interval:
        return theta0, theta0, theta0
    if n == 0:
        a, b = w * theta0, w * (1 - theta0)
        tail = (1 - _LEVEL) / 2
        return theta0, float(beta_dist.ppf(tail, a, b)), float(beta_dist.ppf(1 - tail, a, b))

    def mean_rate(theta: float) -> float:
        return float(predict(parameter, theta, settings, s).mean())

    r0 = mean_rate(theta0)
    a, b = w * r0 + k, w * (1 - r0) + n - k
    mean = _invert(mean_rate, a / (a + b))
    if not interval:
        return mean, mean, mean
    tail = (1 - _LEVEL) / 2
    quantiles = beta_dist.ppf([tail, 1 - tail], a, b)
    return (
        mean,
        _invert(mean_rate, float(quantiles[0])),
        _invert(mean_rate, float(quantiles[1])),
    )


def _scores(q: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    q = np.clip(q, _EPS, 1 - _EPS)
    log_loss = -np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))
    return float(log_loss), float(np.mean((q - y) ** 2))


def calibrate_observations(
    obs: Sequence[Observation], settings: Settings, prior_weight: float
) -> Calibration:
    """:func:`calibrate` on outcomes already gathered: the library's core, pure."""
    p = settings.probability
    fits: list[ParameterFit] = []
    values: dict[str, float] = {}
    q_set: list[np.ndarray] = []
    q_cal: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for name in PARAMETERS:
        mine = [o for o in obs if o.parameter == name]
        s = np.array([np.nan if o.strength is None else o.strength for o in mine], dtype=float)
        y = np.array([o.outcome for o in mine], dtype=float)
        theta0 = _anchor(name, p)
        mean, low, high = _fit(name, theta0, prior_weight, s, y, settings)
        scores: dict[str, float | None] = {}
        if mine:
            values[name] = mean
            before = predict(name, theta0, settings, s)
            after = _loo_predictions(name, theta0, prior_weight, s, y, settings)
            q_set.append(before)
            q_cal.append(after)
            ys.append(y)
            ll_s, br_s = _scores(before, y)
            ll_c, br_c = _scores(after, y)
            scores = {
                "log_loss_settings": ll_s,
                "log_loss_calibrated": ll_c,
                "brier_settings": br_s,
                "brier_calibrated": br_c,
            }
        fits.append(
            ParameterFit(
                name=name,
                prior=theta0,
                source=_source(name, settings),
                prior_weight=prior_weight,
                n=len(mine),
                successes=int(y.sum()),
                posterior=mean,
                low=low,
                high=high,
                **scores,  # type: ignore[arg-type]
            )
        )
    result = Calibration(
        parameters=fits,
        settings=_calibrated_settings(settings, values),
        prior=settings,
        prior_weight=prior_weight,
        outcomes=len({o.ask_id for o in obs if o.ask_id is not None}),
        dials=sum(1 for o in obs if o.parameter == "p_connect" and o.ask_id is None),
    )
    if ys:
        y_all = np.concatenate(ys)
        ll_s, br_s = _scores(np.concatenate(q_set), y_all)
        ll_c, br_c = _scores(np.concatenate(q_cal), y_all)
        result.log_loss_settings, result.brier_settings = ll_s, br_s
        result.log_loss_calibrated, result.brier_calibrated = ll_c, br_c
    return result


def _loo_predictions(
    name: str, theta0: float, w: float, s: np.ndarray, y: np.ndarray, settings: Settings
) -> np.ndarray:
    """Each outcome's chance under the calibration fitted without it. Outcomes alike in
    strength and result share one fit: thousands of tallied dials are two fits."""
    fits: dict[tuple[float | None, float], float] = {}
    out = np.empty(len(y))
    everyone = np.arange(len(y))
    for i in range(len(y)):
        key = (None if np.isnan(s[i]) else float(s[i]), float(y[i]))
        if key not in fits:
            keep = everyone != i
            theta = _fit(name, theta0, w, s[keep], y[keep], settings, interval=False)[0]
            fits[key] = float(predict(name, theta, settings, s[i : i + 1])[0])
        out[i] = fits[key]
    return out


def _calibrated_settings(settings: Settings, values: dict[str, float]) -> Settings:
    """The settings with each calibrated value (only parameters that had outcomes)."""
    p = settings.probability
    changes: dict[str, float] = {}
    for name, value in values.items():
        if name == "pass_on":
            scale = value / _anchor("pass_on", p)
            f_min, f_max = p.f_min * scale, p.f_max * scale
            if f_max > 0.999:  # keep f(s_ref) at the calibrated rate: a steeper slope instead
                f_max = 0.999
                f_min = (value - f_max * p.s_ref) / (1 - p.s_ref) if p.s_ref < 1 else f_max
            changes["f_min"] = min(max(f_min, 0.0), f_max)
            changes["f_max"] = f_max
        else:
            changes[name] = min(max(value, 0.001), 0.999)
    return dataclasses.replace(settings, probability=dataclasses.replace(p, **changes))


def _pct(x: float) -> str:
    return f"{x * 100:.0f} %"


def apply_calibration(
    ws: Workspace, result: Calibration, *, on: dt.date | None = None
) -> tuple[Path, dict[str, float]]:
    """Write the calibrated values of the parameters that had outcomes into the workspace's
    ``graphwarm.toml`` under ``[probability]`` (4 decimals), each with a comment naming the
    date, the number of outcomes and the prior, and recorded under ``[calibrated]`` so that
    the next calibration starts from the same prior: applying twice writes the same values.
    A value applied before whose outcomes are gone (erased with forget) goes back to its
    prior. Every other setting and comment stays. Returns the file and the values written
    (none, and the file untouched, when there is nothing to write)."""
    p = result.settings.probability
    day = on or dt.date.today()
    values: dict[str, float] = {}
    comments: dict[str, str] = {}
    records: dict[str, Calibrated | None] = {}
    for fit in result.parameters:
        keys = _KEYS.get(fit.name, (fit.name,))
        if fit.calibrated:
            outcomes = counted(fit.n, *PARAMETERS[fit.name])
            for key in keys:
                prior = getattr(result.prior.probability, key)
                values[key] = round(getattr(p, key), 4)
                comments[key] = (
                    f"graphwarm calibrate {day.isoformat()}: from {outcomes}, prior {prior:g}"
                )
                records[key] = Calibrated(values[key], prior, fit.n, day)
        for key in keys:
            if not fit.calibrated and key in ws.settings.calibrated:
                values[key] = getattr(result.prior.probability, key)
                comments[key] = f"graphwarm calibrate {day.isoformat()}: no outcomes, the prior"
                records[key] = None
    path = settings_path_for(ws.path)
    if values:
        written = write_probability(path, values, comments, records)
        ws.settings = dataclasses.replace(
            ws.settings, probability=written.probability, calibrated=written.calibrated
        )
    return path, values
