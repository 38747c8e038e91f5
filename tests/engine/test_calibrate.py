"""Tests for graphwarm.engine.calibrate: the Beta-binomial by hand, zero outcomes leaving
every figure as it is, outcomes read from asks, and recovery of known rates in simulation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from helpers import FIXTURES, build_team

from graphwarm.engine.asks import move_ask, record_ask
from graphwarm.engine.calibrate import (
    PARAMETERS,
    Observation,
    calibrate,
    calibrate_observations,
    observations,
    predict,
)
from graphwarm.engine.outcomes import import_outcomes
from graphwarm.engine.queries import reach_csv, reach_targets
from graphwarm.settings import ProbabilitySettings, Settings
from graphwarm.workspace.store import Workspace

NOV = dt.date(2026, 11, 1)


@pytest.fixture
def team(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace(build_team(tmp_path / "team")) as ws:
        yield ws


def _fit(result, name):
    return next(p for p in result.parameters if p.name == name)


def test_a_hand_checked_beta_binomial() -> None:
    # prior p_connect 0.5 with weight 2: Beta(1, 1); 3 calls of 3 got through: Beta(4, 1),
    # whose mean is 4/5 and whose CDF is x⁴, so the 90 % interval is 0.05^¼ .. 0.95^¼
    settings = Settings(probability=ProbabilitySettings(p_connect=0.5))
    obs = [Observation("p_connect", True)] * 3
    fit = _fit(calibrate_observations(obs, settings, 2.0), "p_connect")
    assert (fit.prior, fit.n, fit.successes) == (0.5, 3, 3)
    assert fit.posterior == pytest.approx(0.8, abs=1e-9)
    assert fit.low == pytest.approx(0.05**0.25, abs=1e-9)
    assert fit.high == pytest.approx(0.95**0.25, abs=1e-9)
    # leave one out: Beta(3, 1) from the other two, mean 3/4, for each of the three
    assert fit.log_loss_calibrated == pytest.approx(-math.log(0.75))
    assert fit.log_loss_settings == pytest.approx(-math.log(0.5))
    assert fit.brier_calibrated == pytest.approx(0.0625)
    assert fit.brier_settings == pytest.approx(0.25)
    assert fit.text() == "p_connect: 80 % (90 %: 47 %–99 %), from 3 cold calls; setting 50 %"


def test_at_the_reference_strength_it_is_the_plain_beta_binomial() -> None:
    # p_internal 0.84, weight 10: Beta(8.4, 1.6); 2 meetings of 4 at s_ref: Beta(10.4, 3.6)
    obs = [Observation("p_internal", y, 0.5) for y in (True, True, False, False)]
    result = calibrate_observations(obs, Settings(), 10.0)
    fit = _fit(result, "p_internal")
    assert fit.posterior == pytest.approx(10.4 / 14, abs=1e-9)
    assert result.settings.probability.p_internal == pytest.approx(10.4 / 14, abs=1e-9)
    from scipy.stats import beta

    assert beta.cdf(fit.low, 10.4, 3.6) == pytest.approx(0.05)
    assert beta.cdf(fit.high, 10.4, 3.6) == pytest.approx(0.95)


def test_zero_outcomes_leave_every_figure_as_it_is(team: Workspace) -> None:
    before = reach_csv(reach_targets(team))
    result = calibrate(team)
    assert result.settings == team.settings
    assert result.outcomes == 0 and result.log_loss_settings is None
    for fit in result.parameters:
        assert fit.posterior == fit.prior and fit.n == 0 and not fit.calibrated
        assert fit.low < fit.prior < fit.high
    assert [f.name for f in result.parameters] == list(PARAMETERS)
    team.settings = result.settings
    assert reach_csv(reach_targets(team)) == before


def test_outcomes_are_read_from_the_asks(team: Workspace) -> None:
    import_outcomes(team, FIXTURES / "asks" / "outcomes_filled.csv", today=NOV)
    direct = record_ask(team, "Per Moberg", on=NOV)
    move_ask(team, direct.id, "no meeting", on=NOV)
    got = sorted((o.parameter, o.outcome, o.ask_id) for o in observations(team))
    assert got == [
        ("p_connect", False, 2),  # Ebba: no answer
        ("p_direct_max", False, direct.id),
        ("p_internal", True, 1),  # Sofia: introduced, meeting
        ("pass_on", False, 4),  # Ørjan: not introduced
        ("pass_on", True, 1),
    ]
    strengths = {o.parameter: o.strength for o in observations(team)}
    assert strengths["p_internal"] == pytest.approx(0.9)  # the last tie: Per → Sofia
    result = calibrate(team, prior_weight=5)
    assert result.outcomes == 4 and result.prior_weight == 5
    assert _fit(result, "p_internal").posterior > 0.84  # a meeting pulls it up
    assert _fit(result, "p_connect").posterior < 0.40


TRUE = Settings(
    probability=ProbabilitySettings(
        f_min=0.30, f_max=0.90, p_internal=0.60, p_external=0.25, p_direct_max=0.70,
        p_connect=0.30, p_cold=0.10, beta=3.5,
    )
)  # fmt: skip
TRUTH = {name: getattr(TRUE.probability, name) for name in PARAMETERS}


def _simulate(seed: int, asks: int = 500) -> list[Observation]:
    """Asks drawn from TRUE: each referral is introduced with f(s) of its first tie and, if
    so, ends in a meeting with p_last of its last tie; strengths uniform on 0..1."""
    rng = np.random.default_rng(seed)
    obs = []

    def happens(kind: str, s: float | None) -> bool:
        value = getattr(TRUE.probability, kind, 0.0)
        chance = predict(kind, value, TRUE, np.array([np.nan if s is None else s]))
        return bool(rng.uniform() < chance[0])

    for kind in rng.choice(["p_internal", "p_external", "p_direct_max", "cold"], asks):
        s1, s2 = rng.uniform(size=2)
        if kind in ("p_internal", "p_external"):
            made = happens("pass_on", s1)
            obs.append(Observation("pass_on", made, s1))
            if made:
                obs.append(Observation(kind, happens(kind, s2), s2))
        elif kind == "p_direct_max":
            obs.append(Observation(kind, happens(kind, s1), s1))
        else:
            through = happens("p_connect", None)
            obs.append(Observation("p_connect", through))
            if through:
                obs.append(Observation("p_cold", happens("p_cold", None)))
    return obs


def test_known_figures_are_recovered_within_their_intervals() -> None:
    # the rates, and the slopes: f from 0.30 to 0.90 (the survey prior: 0.20 to 0.75) and
    # beta 3.5 (prior 2), from about 500 asks
    seeds = range(20)
    covered = dict.fromkeys(TRUTH, 0)
    better = 0
    for seed in seeds:
        result = calibrate_observations(_simulate(seed), Settings(), 10.0)
        for fit in result.parameters:
            covered[fit.name] += fit.low <= TRUTH[fit.name] <= fit.high
        assert result.log_loss_calibrated is not None and result.log_loss_settings is not None
        better += result.log_loss_calibrated < result.log_loss_settings
    assert all(n >= 15 for n in covered.values()), covered  # a 90 % interval: ~18 of 20
    assert better == len(seeds)  # and the survey settings always predict worse


def test_f_min_and_f_max_follow_the_pass_on_outcomes_against_strength() -> None:
    # strong ties pass the ask on, weak ones do not: f_max rises, f_min falls
    obs = [Observation("pass_on", s > 0.5, s) for s in np.linspace(0.0, 1.0, 40)]
    result = calibrate_observations(obs, Settings(), 10.0)
    f_min, f_max = _fit(result, "f_min"), _fit(result, "f_max")
    assert (f_min.n, f_max.n, f_min.successes) == (40, 40, 20)
    assert f_min.posterior < 0.20 < 0.75 < f_max.posterior
    assert f_min.low < f_min.posterior < f_min.high and f_max.low < f_max.posterior < f_max.high
    p = result.settings.probability
    assert (p.f_min, p.f_max) == (f_min.posterior, f_max.posterior)
    assert f_max.text().startswith("f_max: ") and "from 40 introductions asked for; " in (
        f_max.text()
    )
    # the other figures stay as they were
    unchanged = {f.name for f in dataclasses.fields(p)} - {"f_min", "f_max"}
    assert all(getattr(p, n) == getattr(Settings().probability, n) for n in unchanged)


def test_f_stays_within_what_settings_allow() -> None:
    # every ask passed on, however weak the tie: f_max at most 0.999 and f_min not above it
    obs = [Observation("pass_on", True, s) for s in np.linspace(0.0, 1.0, 200)]
    p = calibrate_observations(obs, Settings(), 1.0).settings.probability
    assert 0.9 < p.f_min <= p.f_max <= 0.999


def test_beta_follows_the_meetings_against_the_last_ties_strength() -> None:
    # meetings over strong last ties, none over weak ones: a steeper beta than the prior 2
    obs = [Observation("p_external", s > 0.5, s) for s in np.linspace(0.0, 1.0, 30)]
    result = calibrate_observations(obs, Settings(), 10.0)
    beta = _fit(result, "beta")
    assert beta.n == 30 and beta.posterior > 2.0 and beta.low < beta.posterior < beta.high
    assert result.settings.probability.beta == beta.posterior
    assert beta.text().startswith(f"beta: {beta.posterior:.2f} (90 %: ")
    assert beta.text().endswith("from 30 introductions; assumption 2.00")
    flat = [Observation("p_internal", y, s) for s in (0.1, 0.9) for y in (True, False)]
    assert _fit(calibrate_observations(flat, Settings(), 10.0), "beta").posterior < 2.0


# --- --apply --------------------------------------------------------------------------------------

TOML = """# the team's settings
as_of = "2026-11-01"
max_hops = 3  # keep this

[probability]
# survey figures
p_internal = 0.84   # survey
p_cold = 0.2

[strength]
recency = 0.25
"""


def _team_with_outcomes(tmp_path: Path) -> Path:
    """The plans team with TOML as its settings and the filled-in forecast imported."""
    db = build_team(tmp_path / "t", TOML)
    with Workspace(db) as ws:
        import_outcomes(ws, FIXTURES / "asks" / "outcomes_filled.csv", today=NOV)
    return db


def test_apply_writes_the_calibrated_values_and_keeps_everything_else(tmp_path: Path) -> None:
    from graphwarm.engine.calibrate import apply_calibration
    from graphwarm.settings import load_settings

    db = _team_with_outcomes(tmp_path)
    with Workspace(db) as ws:
        result = calibrate(ws)
        path, values = apply_calibration(ws, result, on=dt.date(2026, 12, 5))
        assert sorted(values) == ["beta", "f_max", "f_min", "p_connect", "p_internal"]
        assert ws.settings.probability.p_internal == values["p_internal"]
    text = path.read_text(encoding="utf-8")
    assert text.startswith(TOML.split("[probability]")[0])  # untouched above the table
    assert "# survey figures\n" in text and "[strength]\nrecency = 0.25\n" in text
    expected = round(result.settings.probability.p_internal, 4)
    assert (
        f"p_internal = {expected} # graphwarm calibrate 2026-12-05: from 1 internal "
        "introduction, prior 0.84\n"
    ) in text
    assert (
        f"p_internal = {{value = {expected}, prior = 0.84, outcomes = 1, on = 2026-12-05}}\n"
    ) in text
    loaded = load_settings(path)
    assert {k: getattr(loaded.probability, k) for k in values} == values
    assert loaded.probability.p_cold == 0.2 and loaded.max_hops == 3
    assert loaded.strength == Settings().strength


def test_apply_twice_counts_no_outcome_twice(tmp_path: Path) -> None:
    from graphwarm.engine.calibrate import apply_calibration
    from graphwarm.settings import load_settings

    db = _team_with_outcomes(tmp_path)
    with Workspace(db) as ws:
        first = calibrate(ws)
        path, values = apply_calibration(ws, first, on=dt.date(2026, 12, 5))
    text = path.read_text(encoding="utf-8")
    with Workspace(db) as ws:  # the applied values are in use now, and are not the prior
        assert ws.settings.probability.p_internal == values["p_internal"] != 0.84
        again = calibrate(ws)
        assert [(f.prior, f.posterior, f.low, f.high) for f in again.parameters] == [
            (f.prior, f.posterior, f.low, f.high) for f in first.parameters
        ]
        assert apply_calibration(ws, again, on=dt.date(2026, 12, 5))[1] == values
    assert path.read_text(encoding="utf-8") == text
    assert load_settings(path).source_of("p_internal") == "calibrated from 1 outcome"


def test_a_value_applied_without_its_outcomes_goes_back_to_the_prior(tmp_path: Path) -> None:
    from graphwarm.engine.calibrate import apply_calibration
    from graphwarm.workspace.forget import forget_person

    db = _team_with_outcomes(tmp_path)
    with Workspace(db) as ws:
        apply_calibration(ws, calibrate(ws), on=dt.date(2026, 12, 5))
        forget_person(ws, "Sofia Wall")  # the one internal introduction
        path, values = apply_calibration(ws, calibrate(ws), on=dt.date(2026, 12, 6))
        assert values["p_internal"] == 0.84 and "p_internal" not in ws.settings.calibrated
    assert "p_internal = {" not in path.read_text(encoding="utf-8")


def test_apply_without_outcomes_leaves_the_file_alone(tmp_path: Path) -> None:
    from graphwarm.engine.calibrate import apply_calibration

    db = build_team(tmp_path / "t", TOML)
    with Workspace(db) as ws:
        path, values = apply_calibration(ws, calibrate(ws))
    assert values == {} and path.read_text(encoding="utf-8") == TOML


def test_apply_makes_the_table_when_the_file_has_none(tmp_path: Path) -> None:
    from graphwarm.engine.calibrate import apply_calibration
    from graphwarm.settings import load_settings

    db = build_team(tmp_path / "t")
    with Workspace(db) as ws:
        import_outcomes(ws, FIXTURES / "asks" / "outcomes_filled.csv", today=NOV)
        path, values = apply_calibration(ws, calibrate(ws))
    assert load_settings(path).probability.p_connect == values["p_connect"]
    assert load_settings(path).as_of == NOV


def test_apply_refuses_an_inline_probability_table(tmp_path: Path) -> None:
    from graphwarm.errors import SettingsError
    from graphwarm.settings import write_probability

    path = tmp_path / "graphwarm.toml"
    path.write_text("max_hops = 3\nprobability = { p_cold = 0.2 }\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="line 2, column 'probability': probability is not"):
        write_probability(path, {"p_cold": 0.1}, {"p_cold": "x"})
    assert path.read_text(encoding="utf-8") == "max_hops = 3\nprobability = { p_cold = 0.2 }\n"
    path.write_text("[probability]\np_cold = 2\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="p_cold = 2 is out of range"):
        write_probability(path, {"p_cold": 0.1}, {"p_cold": "x"})
