"""Tests for graphwarm.engine._slopes: the penalised fits of f_min/f_max and beta, their
Laplace intervals and leave-one-out fits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphwarm.engine._slopes import fit_beta, fit_pass_on, logit, sigmoid

RNG = np.random.default_rng(7)
S = RNG.uniform(size=60)
Y = (RNG.uniform(size=60) < 0.3 + 0.6 * S).astype(float)


def test_without_outcomes_the_fit_is_the_prior() -> None:
    fit = fit_pass_on(np.empty(0), np.empty(0), 0.2, 0.75, 10.0)
    assert sigmoid(fit.theta) == pytest.approx([0.2, 0.75])
    # the prior: precision w/2 · f0 · (1 − f0) on each logit
    assert np.diag(fit.cov) == pytest.approx([1 / (5 * 0.2 * 0.8), 1 / (5 * 0.75 * 0.25)])
    beta = fit_beta(np.empty(0), np.empty(0), np.empty(0), 0.5, 2.0, 12.0)
    assert beta.theta[0] == 2.0 and beta.cov[0, 0] == pytest.approx(4.0)  # w / 48 = 1/4
    assert beta.interval(0, 1.0) == pytest.approx((0.0, 4.0))


def test_the_mode_is_where_the_posterior_is_flat() -> None:
    fit = fit_pass_on(S, Y, 0.2, 0.75, 10.0)
    a, b = fit.theta

    def log_post(a: float, b: float) -> float:
        q = (1 - S) * sigmoid(a) + S * sigmoid(b)
        prior = 2.5 * (0.2 * 0.8 * (a - logit(0.2)) ** 2 + 0.75 * 0.25 * (b - logit(0.75)) ** 2)
        return float(np.sum(Y * np.log(q) + (1 - Y) * np.log(1 - q)) - prior)

    h = 1e-5
    assert (log_post(a + h, b) - log_post(a - h, b)) / (2 * h) == pytest.approx(0, abs=1e-5)
    assert (log_post(a, b + h) - log_post(a, b - h)) / (2 * h) == pytest.approx(0, abs=1e-5)
    assert sigmoid(a) < sigmoid(b)


def test_leave_one_out_fits_are_the_fits_without_each_outcome() -> None:
    fit = fit_pass_on(S, Y, 0.2, 0.75, 10.0, loo=True)
    base = np.full(len(S), float(logit(0.44)))
    beta = fit_beta(S, Y, base, 0.5, 2.0, 10.0, loo=True)
    for i in (0, 17, 59):
        keep = np.arange(len(S)) != i
        alone = fit_pass_on(S[keep], Y[keep], 0.2, 0.75, 10.0)
        assert fit.loo[i] == pytest.approx(alone.theta, abs=1e-5)
        alone_beta = fit_beta(S[keep], Y[keep], base[keep], 0.5, 2.0, 10.0)
        assert beta.loo[i] == pytest.approx(alone_beta.theta, abs=1e-5)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.0, 1.0), st.booleans()), min_size=1, max_size=12),
    st.floats(0.55, 1.0),
)
def test_one_more_meeting_over_a_strong_tie_never_lowers_beta(
    outcomes: list[tuple[float, bool]], strong: float
) -> None:
    s = np.array([o[0] for o in outcomes])
    y = np.array([o[1] for o in outcomes], dtype=float)
    base = np.full(len(s) + 1, float(logit(0.84)))
    with_no = fit_beta(np.append(s, strong), np.append(y, 0.0), base, 0.5, 2.0, 10.0)
    with_yes = fit_beta(np.append(s, strong), np.append(y, 1.0), base, 0.5, 2.0, 10.0)
    assert with_yes.theta[0] >= with_no.theta[0] - 1e-9
