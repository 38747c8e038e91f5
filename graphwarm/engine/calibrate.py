"""Calibration: the team's own outcomes turned into the model's figures, with their uncertainty.

Each figure is learnt from the outcomes that inform it (see :func:`observations`):

=====================  ======================================================================
``p_internal``         a meeting or not after an introduction by someone at the target's account
``p_external``         the same by someone elsewhere
``p_direct_max``       a meeting or not when a member asked someone they know
``f_min``, ``f_max``   a referral's introduction made or not, on a path with one pass (member →
                       introducer → target), against the strength of the member's tie
``beta``               the meetings after introductions, against the last tie's strength
``p_connect``          a cold call that got through (a conversation) or not
``p_cold``             a meeting or not from a cold call that got through
=====================  ======================================================================

A rate is a Beta-binomial. The model predicts each outcome ``i`` with a chance ``q_i(θ)`` that
depends on the ask's tie strength as well as on the rate ``θ`` (an internal referral over a
strong last tie is likelier than ``p_internal``), so it runs on the group's mean rate
``r(θ) = mean_i q_i(θ)``: the prior is ``Beta(w·r0, w·(1 − r0))`` with ``r0 = r(θ0)`` (``θ0``
the setting before any calibration, ``w = prior_weight`` pseudo-observations); ``k``
successes of ``n`` give ``Beta(w·r0 + k, w·(1 − r0) + n − k)``, and its mean and 5 / 95 %
quantiles map back to ``θ`` through the model (``r`` rises with ``θ``). When every strength
sits at the reference this is the plain Beta-binomial on ``θ`` itself.

The strength slopes are penalised (MAP) fits with the setting as the prior mean and 90 %
intervals from the Laplace approximation (``_slopes.py``): ``f_min`` and ``f_max`` together on
the pass-on outcomes, ``beta`` on the meetings after introductions given the calibrated
``p_internal`` and ``p_external`` (one pass: the rates are fitted at the prior ``beta``).
With no outcomes every figure is exactly the prior's.

Whether the data improve predictions is measured by leave-one-out cross-validation: each
outcome predicted by the prior settings and by the calibration fitted without it, scored by
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
from ._slopes import fit_beta, fit_pass_on, logit, sigmoid
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

# The figures calibrated, in report order, with what one outcome and several count.
PARAMETERS: dict[str, tuple[str, str]] = {
    "p_internal": ("internal introduction", "internal introductions"),
    "p_external": ("external introduction", "external introductions"),
    "p_direct_max": ("direct ask", "direct asks"),
    "f_min": ("introduction asked for", "introductions asked for"),
    "f_max": ("introduction asked for", "introductions asked for"),
    "beta": ("introduction", "introductions"),
    "p_connect": ("cold call", "cold calls"),
    "p_cold": ("cold conversation", "cold conversations"),
}
_RATES = ("p_internal", "p_external", "p_direct_max", "p_connect", "p_cold")
REFERRAL_RATES = ("p_internal", "p_external")
_F_MAX = 0.999  # as settings allow
_LEVEL = 0.90  # the credible interval's mass
_Z = 1.6448536269514722  # the standard normal's 95 % quantile: a 90 % interval
_BETA_RANGE = (0.0, 20.0)  # as settings allow
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
        """``p_internal: 61 % (90 %: 48–72 %), from 37 internal introductions; survey 84 %``
        (``beta`` as a number: ``beta: 2.6 (90 %: 1.1–4.0), …``)."""
        f = _number if self.name == "beta" else _pct
        if not self.n:
            return f"{self.name}: {f(self.prior)}, no outcomes yet ({self.source})"
        return (
            f"{self.name}: {f(self.posterior)} (90 %: {f(self.low)}–{f(self.high)}), "
            f"from {counted(self.n, *PARAMETERS[self.name])}; {self.source} {f(self.prior)}"
        )


@dataclass
class Calibration:
    """Every parameter's fit, the calibrated settings, the settings they started from
    (``prior``: before any calibration), and the overall leave-one-out scores of the prior
    settings against the calibrated ones; ``outcomes`` counts the asks with an outcome,
    ``dials`` the tallied cold calls. ``observed`` holds every outcome (1 or 0), with the
    chance the prior settings gave it (``q_settings``) and the calibration fitted without it
    (``q_calibrated``): what a reliability diagram plots."""

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
    observed: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False, compare=False)
    q_settings: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False, compare=False)
    q_calibrated: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False, compare=False)

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
    """The model's chance of success of each outcome of rate ``parameter`` (or of kind
    ``pass_on``) at these tie ``strengths`` (NaN: the reference strength), with the parameter
    set to ``value`` (for ``pass_on``: ignored, ``f(s)`` of the settings)."""
    p = settings.probability
    s = np.where(np.isnan(strengths), p.s_ref, strengths)
    if parameter == "pass_on":
        return p.f_min + (p.f_max - p.f_min) * s
    if parameter in ("p_internal", "p_external", "p_direct_max"):
        label = {"p_internal": INTERNAL, "p_external": EXTERNAL, "p_direct_max": DIRECT}
        changed = dataclasses.replace(p, **{parameter: value})
        return p_last(np.full(len(s), label[parameter]), s, Settings(probability=changed))
    if parameter in ("p_connect", "p_cold"):
        return np.full(len(s), value, dtype=np.float64)
    raise ValueError(f"unknown parameter {parameter!r}")


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


@dataclass
class _Kind:
    """The outcomes of one kind: strengths (NaN: the reference), results, the prior
    settings' chances and the calibration's fitted without each."""

    s: np.ndarray
    y: np.ndarray
    before: np.ndarray
    after: np.ndarray


def calibrate_observations(
    obs: Sequence[Observation], settings: Settings, prior_weight: float
) -> Calibration:
    """:func:`calibrate` on outcomes already gathered, from prior ``settings``: the
    library's core, pure."""
    p, w = settings.probability, prior_weight
    kinds: dict[str, _Kind] = {}
    for kind in ("pass_on", *_RATES):
        mine = [o for o in obs if o.parameter == kind]
        s = np.array([np.nan if o.strength is None else o.strength for o in mine], dtype=float)
        y = np.array([o.outcome for o in mine], dtype=float)
        before = predict(kind, getattr(p, kind, 0.0), settings, s)
        kinds[kind] = _Kind(s, y, before, before.copy())
    fits: dict[str, tuple[float, float, float]] = {}
    values: dict[str, float] = {}
    loo_rates: dict[str, np.ndarray] = {}
    for name in _RATES:
        k = kinds[name]
        fits[name] = _fit(name, getattr(p, name), w, k.s, k.y, settings)
        if len(k.y):
            values[name] = fits[name][0]
            loo_rates[name] = _loo_rates(name, getattr(p, name), w, k.s, k.y, settings)
            k.after = np.array(
                [
                    predict(name, t, settings, k.s[i : i + 1])[0]
                    for i, t in enumerate(loo_rates[name])
                ]
            )
    _fit_pass_on(kinds["pass_on"], p, w, fits, values)
    _fit_beta(kinds, settings, w, fits, values, loo_rates)
    parameters = [
        _parameter(name, fits[name], settings, w, [kinds[k] for k in _informed_by(name)])
        for name in PARAMETERS
    ]
    result = Calibration(
        parameters=parameters,
        settings=_calibrated_settings(settings, values),
        prior=settings,
        prior_weight=prior_weight,
        outcomes=len({o.ask_id for o in obs if o.ask_id is not None}),
        dials=sum(1 for o in obs if o.parameter == "p_connect" and o.ask_id is None),
    )
    for key, value in _loo_scores(list(kinds.values())).items():
        setattr(result, key, value)
    result.observed = np.concatenate([k.y for k in kinds.values()])
    result.q_settings = np.concatenate([k.before for k in kinds.values()])
    result.q_calibrated = np.concatenate([k.after for k in kinds.values()])
    return result


def _informed_by(name: str) -> tuple[str, ...]:
    """The kinds of outcomes figure ``name`` is fitted on."""
    if name in ("f_min", "f_max"):
        return ("pass_on",)
    return REFERRAL_RATES if name == "beta" else (name,)


def _parameter(
    name: str,
    fit: tuple[float, float, float],
    settings: Settings,
    w: float,
    kinds: list[_Kind],
) -> ParameterFit:
    """The row of figure ``name``: its prior, outcomes, fit and leave-one-out scores."""
    prior = float(getattr(settings.probability, name))
    n = sum(len(k.y) for k in kinds)
    return ParameterFit(
        name=name,
        prior=prior,
        source=settings.source_of(name),
        prior_weight=w,
        n=n,
        successes=int(sum(k.y.sum() for k in kinds)),
        posterior=fit[0] if n else prior,
        low=fit[1],
        high=fit[2],
        **_loo_scores(kinds),
    )


def _loo_scores(kinds: list[_Kind]) -> dict[str, float]:
    """Log loss and Brier score of these outcomes, by the prior settings and by the
    calibration fitted without each (nothing without outcomes)."""
    y = np.concatenate([k.y for k in kinds])
    if not len(y):
        return {}
    ll_s, br_s = _scores(np.concatenate([k.before for k in kinds]), y)
    ll_c, br_c = _scores(np.concatenate([k.after for k in kinds]), y)
    return {
        "log_loss_settings": ll_s,
        "log_loss_calibrated": ll_c,
        "brier_settings": br_s,
        "brier_calibrated": br_c,
    }


def _fit_pass_on(
    k: _Kind,
    p: ProbabilitySettings,
    w: float,
    fits: dict[str, tuple[float, float, float]],
    values: dict[str, float],
) -> None:
    """``f_min`` and ``f_max`` from the pass-on outcomes (``_slopes.fit_pass_on``)."""
    s = np.where(np.isnan(k.s), p.s_ref, k.s)
    fit = fit_pass_on(s, k.y, p.f_min, p.f_max, w, loo=len(k.y) > 0)
    f_min, f_max = _ends(sigmoid(fit.theta))
    for i, (name, value) in enumerate((("f_min", f_min), ("f_max", f_max))):
        low, high = fit.interval(i, _Z)
        fits[name] = (value, float(sigmoid(low)), min(float(sigmoid(high)), _F_MAX))
    if len(k.y):
        values["f_min"], values["f_max"] = f_min, f_max
        ends = sigmoid(fit.loo)
        k.after = (1 - s) * ends[:, 0] + s * ends[:, 1]


def _ends(f: np.ndarray) -> tuple[float, float]:
    """``f_min``, ``f_max`` as settings take them: ``f_max`` ≤ 0.999, ``f_min`` ≤ ``f_max``."""
    f_max = min(float(f[1]), _F_MAX)
    return min(float(f[0]), f_max), f_max


def _fit_beta(
    kinds: dict[str, _Kind],
    settings: Settings,
    w: float,
    fits: dict[str, tuple[float, float, float]],
    values: dict[str, float],
    loo_rates: dict[str, np.ndarray],
) -> None:
    """``beta`` from the meetings after introductions, each at its label's calibrated rate
    (``_slopes.fit_beta``); the leave-one-out chances of those meetings then take both the
    rate and ``beta`` fitted without them."""
    p = settings.probability
    refs = [kinds[name] for name in REFERRAL_RATES]
    s = np.concatenate([np.where(np.isnan(k.s), p.s_ref, k.s) for k in refs])
    y = np.concatenate([k.y for k in refs])
    rate = {name: values.get(name, getattr(p, name)) for name in REFERRAL_RATES}
    base = np.concatenate(
        [
            np.full(len(k.y), float(logit(rate[name])))
            for name, k in zip(REFERRAL_RATES, refs, strict=True)
        ]
    )
    fit = fit_beta(s, y, base, p.s_ref, p.beta, w, loo=len(y) > 0)
    low, high = fit.interval(0, _Z)
    fits["beta"] = (_clip_beta(fit.theta[0]), _clip_beta(low), _clip_beta(high))
    if not len(y):
        return
    values["beta"] = fits["beta"][0]
    start = 0
    for name, k in zip(REFERRAL_RATES, refs, strict=True):
        end = start + len(k.y)
        if len(k.y):
            slope = np.clip(fit.loo[start:end, 0], *_BETA_RANGE)
            x = s[start:end] - p.s_ref
            k.after = sigmoid(logit(loo_rates[name]) + slope * x)
        start = end


def _clip_beta(value: float) -> float:
    return float(np.clip(value, *_BETA_RANGE))


def _loo_rates(
    name: str, theta0: float, w: float, s: np.ndarray, y: np.ndarray, settings: Settings
) -> np.ndarray:
    """Each outcome's rate ``θ`` fitted without it. Outcomes alike in strength and result
    share one fit: thousands of tallied dials are two fits."""
    fits: dict[tuple[float | None, float], float] = {}
    out = np.empty(len(y))
    everyone = np.arange(len(y))
    for i in range(len(y)):
        key = (None if np.isnan(s[i]) else float(s[i]), float(y[i]))
        if key not in fits:
            keep = everyone != i
            fits[key] = _fit(name, theta0, w, s[keep], y[keep], settings, interval=False)[0]
        out[i] = fits[key]
    return out


def _calibrated_settings(settings: Settings, values: dict[str, float]) -> Settings:
    """The settings with each calibrated value (only figures that had outcomes)."""
    rates = {k: min(max(v, 0.001), 0.999) for k, v in values.items() if k in _RATES}
    changes = {**values, **rates}
    return dataclasses.replace(
        settings, probability=dataclasses.replace(settings.probability, **changes)
    )


def _number(x: float) -> str:
    return f"{x:.2f}"


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
        key = fit.name
        if fit.calibrated:
            values[key] = round(getattr(p, key), 4)
            comments[key] = (
                f"graphwarm calibrate {day.isoformat()}: from "
                f"{counted(fit.n, *PARAMETERS[key])}, prior {fit.prior:g}"
            )
            records[key] = Calibrated(values[key], fit.prior, fit.n, day)
        elif key in ws.settings.calibrated:
            values[key] = fit.prior
            comments[key] = f"graphwarm calibrate {day.isoformat()}: no outcomes, the prior"
            records[key] = None
    path = settings_path_for(ws.path)
    if values:
        written = write_probability(path, values, comments, records)
        ws.settings = dataclasses.replace(
            ws.settings, probability=written.probability, calibrated=written.calibrated
        )
    return path, values
