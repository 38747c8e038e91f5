"""The demo: the whole job on the bundled samples of an invented Nordic sales team."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..engine.queries import ReachResult, reach_csv, reach_targets
from ..sources.records import ImportReport
from ..workspace.imports import (
    import_accounts,
    import_calendar,
    import_linkedin,
    import_mail,
    import_people,
    import_ties,
)
from ..workspace.store import Workspace
from .forecast import Forecast, forecast, forecast_csv
from .netmap import MapView, write_map
from .plans import write_plans

__all__ = ["SAMPLES_DATE", "DemoResult", "build_demo", "run_demo", "samples_dir"]

SAMPLES_DATE = "2026-11-01"  # samples/generate.py AS_OF


def samples_dir() -> Path:
    """Where the bundled samples are (inside the installed package)."""
    return Path(str(resources.files("graphwarm") / "samples"))


def build_demo(directory: str | Path) -> tuple[Workspace, list[ImportReport]]:
    """Build ``DIR/graphwarm.db`` afresh from the samples; return it with the import reports."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    db = directory / "graphwarm.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    # The samples are a snapshot: measured on their own date, the demo's figures (and the
    # README's) stay the same whatever day it runs.
    (directory / "graphwarm.toml").write_text(
        f'# The bundled samples were exported on this date.\nas_of = "{SAMPLES_DATE}"\n',
        encoding="utf-8",
    )
    samples = samples_dir()
    linkedin = samples / "linkedin"
    crm = samples / "crm"
    ws = Workspace(db)
    reports = import_linkedin(
        ws,
        [linkedin / "lina_ahl.zip", linkedin / "oskar_nyberg.zip", linkedin / "erik_sandberg_2019"],
    )
    reports += import_linkedin(
        ws, [linkedin / "maja_holm_connections_excel.csv"], member="Maja Holm"
    )
    reports.append(import_accounts(ws, crm / "target_accounts.csv"))
    reports.append(import_people(ws, crm / "hubspot_contacts.csv", target=True))
    reports.append(import_ties(ws, crm / "relationships.csv"))
    # e-mail and meetings of three members: the ties they make strong change some best paths
    mail, calendar = samples / "mail", samples / "calendar"
    reports.append(import_mail(ws, [mail / "lina_ahl.mbox"], member="Lina Ahl"))
    reports.append(import_mail(ws, [mail / "maja_holm.mbox"], member="Maja Holm"))
    reports.append(import_calendar(ws, [calendar / "lina_ahl.ics"], member="Lina Ahl"))
    reports.append(import_calendar(ws, [calendar / "oskar_nyberg.ics"], member="Oskar Nyberg"))
    return ws, reports


@dataclass
class DemoResult:
    """Everything the demo made, and where it wrote it."""

    workspace: Workspace
    reports: list[ImportReport]
    reach: ReachResult
    forecast: Forecast
    map_view: MapView
    files: dict[str, Path] = field(default_factory=dict)
    plans: list[Path] = field(default_factory=list)


def run_demo(directory: str | Path) -> DemoResult:
    """Build the samples' workspace, then write the reach table, map, plans and forecast.

    Files in ``directory``: ``graphwarm.db``, ``reach.csv``, ``map.html``, ``plans/*.md`` and
    ``plans/*.html`` (one per target account), ``forecast-asks.csv``.
    """
    directory = Path(directory)
    ws, reports = build_demo(directory)
    result = reach_targets(ws)
    files = {
        "workspace": ws.path,
        "reach table": directory / "reach.csv",
        "map": directory / "map.html",
        "forecast (one row per ask)": directory / "forecast-asks.csv",
    }
    files["reach table"].write_text(reach_csv(result), encoding="utf-8-sig")
    view = write_map(ws, files["map"])
    plans = write_plans(ws, None, directory / "plans", "md")
    plans += write_plans(ws, None, directory / "plans", "html")
    outlook = forecast(ws)
    files["forecast (one row per ask)"].write_text(forecast_csv(outlook), encoding="utf-8-sig")
    return DemoResult(ws, reports, result, outlook, view, files, plans)
