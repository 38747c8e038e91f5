"""The demo: a workspace built from the bundled samples of an invented Nordic sales team."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .imports import import_accounts, import_linkedin, import_people, import_ties
from .records import ImportReport
from .store import Workspace

__all__ = ["build_demo", "samples_dir"]


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
    return ws, reports
