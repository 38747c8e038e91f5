"""``graphwarm calibrate --report``: the calibration as one self-contained, offline HTML page.

A reliability diagram (the chance predicted against the rate observed, outcomes grouped by
predicted chance into tenths, each observed rate with its 90 % interval) for the prior
settings and for the calibration fitted without each outcome, then the table of figures.
The diagram is drawn by matplotlib as inline SVG (text as paths: no font, no request); the
page is rendered with autoescape like the HTML plan, and loads nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from markupsafe import Markup

from .._words import percent
from ..engine.calibrate import Calibration, ParameterFit
from .plans import _plan_env

__all__ = ["ReliabilityBin", "reliability_bins", "render_calibration", "write_calibration"]

_BINS = 10
_LEVEL = 0.90


@dataclass(frozen=True)
class ReliabilityBin:
    """The outcomes whose predicted chance fell in one tenth: how many, the mean chance
    predicted, the rate observed and its 90 % interval (Jeffreys: ``Beta(k + ½, n − k + ½)``,
    reaching 0 when none succeeded and 1 when all did)."""

    n: int
    predicted: float
    observed: float
    low: float
    high: float


def reliability_bins(q: np.ndarray, y: np.ndarray, bins: int = _BINS) -> list[ReliabilityBin]:
    """Outcomes ``y`` grouped by their predicted chances ``q`` into ``bins`` equal widths of
    0–1; empty groups left out."""
    from scipy.stats import beta

    which = np.minimum((np.asarray(q) * bins).astype(int), bins - 1)
    tail = (1 - _LEVEL) / 2
    out = []
    for b in range(bins):
        mine = which == b
        n = int(mine.sum())
        if not n:
            continue
        k = float(y[mine].sum())
        low, high = beta.ppf([tail, 1 - tail], k + 0.5, n - k + 0.5)
        low, high = (0.0 if k == 0 else float(low)), (1.0 if k == n else float(high))
        out.append(ReliabilityBin(n, float(q[mine].mean()), k / n, low, high))
    return out


def _diagram(result: Calibration) -> str:
    """The reliability diagram as an ``<svg>`` element."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    # deterministic ids, text drawn as paths, no date: the same result gives the same bytes
    with rc_context({"svg.hashsalt": "graphwarm", "svg.fonttype": "path"}):
        fig = Figure(figsize=(6.4, 4.8))
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], color="#98a2b3", linewidth=1, linestyle="--", label="perfect")
        series = (
            ("settings before calibration", result.q_settings, "#b54708", -0.006),
            ("calibrated (leave-one-out)", result.q_calibrated, "#175cd3", 0.006),
        )
        for label, q, color, shift in series:
            bins = reliability_bins(q, result.observed)
            if not bins:
                continue
            x = np.array([b.predicted for b in bins]) + shift
            obs = np.array([b.observed for b in bins])
            err = np.array(
                [[b.observed - b.low for b in bins], [b.high - b.observed for b in bins]]
            )
            ax.errorbar(x, obs, yerr=err, fmt="o", color=color, capsize=3, label=label)
        if not len(result.observed):
            ax.text(0.5, 0.5, "no outcomes yet", ha="center", va="center", color="#5b6570")
        ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="predicted chance", ylabel="observed rate")
        ax.set_aspect("equal")
        ax.grid(color="#eaecf0", linewidth=0.6)
        ax.legend(loc="upper left", frameon=False, fontsize=9)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]


def render_calibration(result: Calibration, workspace: str) -> str:
    """The page for ``result`` of the workspace named ``workspace``."""
    template = _plan_env("html").get_template("calibration.html.j2")
    return template.render(
        result=result,
        workspace=workspace,
        diagram=Markup(_diagram(result)),  # matplotlib's SVG of numbers and fixed labels
        rows=[_row(p) for p in result.parameters],
        generated=dt.date.today().isoformat(),
    )


def _row(p: ParameterFit) -> dict[str, str]:
    """One figure's table row, as text."""

    def shown(x: float) -> str:
        return f"{x:.2f}" if p.name == "beta" else percent(x)

    loss = ""
    if p.log_loss_settings is not None:
        loss = f"{p.log_loss_settings:.3f} → {p.log_loss_calibrated:.3f}"
    return {
        "name": p.name,
        "prior": shown(p.prior),
        "source": p.source,
        "outcomes": f"{p.successes} of {p.n}" if p.n else "none yet",
        "calibrated": shown(p.posterior) if p.calibrated else "–",
        "interval": f"{shown(p.low)}–{shown(p.high)}",
        "log_loss": loss,
    }


def write_calibration(result: Calibration, workspace: str, path: str | Path) -> Path:
    """Write the page to ``path``; returns the path."""
    path = Path(path)
    path.write_text(render_calibration(result, workspace), encoding="utf-8")
    return path
