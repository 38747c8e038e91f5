"""The strength slopes, by penalised (MAP) fits of the outcomes with a Laplace approximation.

Two fits, each a Bernoulli likelihood with a normal prior centred on today's setting:

- ``f_min``/``f_max``, the chance an ask is passed on at tie strength 0 and 1, fitted on their
  logits (``f(s) = (1 − s)·σ(a) + s·σ(b)``), each end worth half of ``prior_weight``
  pseudo-observations: the normal that matches ``Beta(w/2·f0, w/2·(1 − f0))`` on the logit
  scale, precision ``w/2 · f0 · (1 − f0)``;
- ``beta``, the last tie's strength in the target's answer
  (``logit q = logit p_label + beta · (s − s_ref)``), given the calibrated rates, with
  precision ``w / 48``: ``w`` outcomes at an even chance spread evenly over strengths (each
  worth ``¼ · 1/12``).

The posterior mode is found by Fisher scoring; its covariance is the inverse of the
information there (the Laplace approximation). Leave-one-out fits start from the mode and
take a few scoring steps without each outcome, all outcomes at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["SlopeFit", "fit_beta", "fit_pass_on", "logit", "sigmoid"]

_EPS = 1e-9
_STEPS = 50  # scoring steps at most for the mode; it takes a handful
_LOO_STEPS = 6  # from the mode, each leave-one-out fit is a small move: a few steps
_CHUNK = 256  # leave-one-out fits computed together (memory: chunk × n × k × k floats)

# (ll, g, info) of every outcome at each of m parameter vectors: log likelihood (m, n), its
# gradient (m, n, k) and Fisher information (m, n, k, k).
_Terms = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class SlopeFit:
    """A fit's posterior mode ``theta`` (k,), its Laplace covariance ``cov`` (k, k), and the
    mode without each outcome ``loo`` (n, k; empty without ``loo=True``)."""

    theta: np.ndarray
    cov: np.ndarray
    loo: np.ndarray

    def interval(self, i: int, z: float) -> tuple[float, float]:
        """``theta[i] ± z`` standard deviations."""
        sd = float(np.sqrt(self.cov[i, i]))
        return float(self.theta[i] - z * sd), float(self.theta[i] + z * sd)


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def fit_pass_on(
    s: np.ndarray, y: np.ndarray, f_min: float, f_max: float, w: float, *, loo: bool = False
) -> SlopeFit:
    """``(logit f_min, logit f_max)`` from pass-on outcomes ``y`` at first-tie strengths
    ``s``, the prior centred on ``f_min``, ``f_max``."""
    mu = logit(np.array([f_min, f_max]))
    f0 = sigmoid(mu)
    prec = w / 2 * f0 * (1 - f0)

    def terms(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        u, v = sigmoid(theta[:, :1]), sigmoid(theta[:, 1:])  # (m, 1)
        q = np.clip((1 - s) * u + s * v, _EPS, 1 - _EPS)  # (m, n)
        dq = np.stack([(1 - s) * u * (1 - u), s * v * (1 - v)], axis=-1)  # (m, n, 2)
        var = q * (1 - q)
        ll = y * np.log(q) + (1 - y) * np.log(1 - q)
        g = ((y - q) / var)[..., None] * dq
        info = dq[..., :, None] * dq[..., None, :] / var[..., None, None]
        return ll, g, info

    return _fit(terms, mu, prec, len(y), loo)


def fit_beta(
    s: np.ndarray,
    y: np.ndarray,
    base: np.ndarray,
    s_ref: float,
    beta: float,
    w: float,
    *,
    loo: bool = False,
) -> SlopeFit:
    """``(beta,)`` from meeting outcomes ``y`` after introductions over last ties of strength
    ``s``, each at ``logit q = base + beta · (s − s_ref)`` (``base``: its label's logit)."""
    x = s - s_ref

    def terms(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        q = np.clip(sigmoid(base + theta[:, :1] * x), _EPS, 1 - _EPS)  # (m, n)
        ll = y * np.log(q) + (1 - y) * np.log(1 - q)
        g = ((y - q) * x)[..., None]
        info = (q * (1 - q) * x * x)[..., None, None]
        return ll, g, info

    return _fit(terms, np.array([beta], dtype=np.float64), np.array([w / 48]), len(y), loo)


def _fit(terms: _Terms, mu: np.ndarray, prec: np.ndarray, n: int, loo: bool) -> SlopeFit:
    """The posterior mode by Fisher scoring with step halving, its Laplace covariance, and
    (with ``loo``) the mode without each outcome."""
    prior_info = np.diag(prec)

    def log_post(theta: np.ndarray) -> float:
        return float(terms(theta[None])[0].sum() - 0.5 * np.sum(prec * (theta - mu) ** 2))

    theta = mu.copy()
    current = log_post(theta)
    for _ in range(_STEPS):
        _, g, info = terms(theta[None])
        grad = g[0].sum(axis=0) - prec * (theta - mu)
        step = np.linalg.solve(info[0].sum(axis=0) + prior_info, grad)
        size = 1.0
        while size > 1e-6:
            trial = theta + size * step
            value = log_post(trial)
            if value >= current:
                break
            size /= 2
        else:
            break
        theta, moved, current = trial, float(np.abs(size * step).max()), value
        if moved < 1e-10:
            break
    cov = np.linalg.inv(terms(theta[None])[2][0].sum(axis=0) + prior_info)
    out = np.empty((n if loo else 0, len(mu)))
    for start in range(0, len(out), _CHUNK):
        rows = np.arange(start, min(start + _CHUNK, n))
        keep = np.ones((len(rows), n))
        keep[np.arange(len(rows)), rows] = 0.0  # each row leaves its own outcome out
        loo_theta = np.repeat(theta[None], len(rows), axis=0)
        for _ in range(_LOO_STEPS):
            _, g, info = terms(loo_theta)
            grad = np.einsum("mn,mnk->mk", keep, g) - prec * (loo_theta - mu)
            total = np.einsum("mn,mnij->mij", keep, info) + prior_info
            loo_theta = loo_theta + np.linalg.solve(total, grad[..., None])[..., 0]
        out[rows] = loo_theta
    return SlopeFit(theta=theta, cov=cov, loo=out)
