"""Helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from graphwarm.workspace.imports import import_accounts, import_linkedin, import_people, import_ties
from graphwarm.workspace.store import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
LINKEDIN = FIXTURES / "linkedin"
CRM = FIXTURES / "crm"
PLANS = FIXTURES / "plans"


def linkedin_fixture(name: str) -> bytes:
    """The bytes of one file in tests/fixtures/linkedin."""
    return (LINKEDIN / name).read_bytes()


def dump(db: Path | str) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: equal dumps mean equal workspace content."""
    conn = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        out = {t: sorted(conn.execute(f"SELECT * FROM {t}"), key=repr) for t in tables}
        out["_user_version"] = [conn.execute("PRAGMA user_version").fetchone()]
        return out
    finally:
        conn.close()


def db_bytes(db: Path) -> bytes:
    """The workspace file and its WAL/SHM companions, as one byte string."""
    return b"".join(
        Path(f"{db}{suffix}").read_bytes()
        for suffix in ("", "-wal", "-shm")
        if Path(f"{db}{suffix}").exists()
    )


def build_team(directory: Path, toml: str = 'as_of = "2026-11-01"\n') -> Path:
    """The plans team (tests/fixtures/plans) in the workspace ``directory/w.db``, with
    ``graphwarm.toml`` beside it."""
    directory.mkdir(parents=True, exist_ok=True)
    export = directory / "lina"
    export.mkdir()
    for name in ("Connections.csv", "Profile.csv"):
        shutil.copy(PLANS / name, export / name)
    (directory / "graphwarm.toml").write_text(toml, encoding="utf-8")
    db = directory / "w.db"
    with Workspace(db) as ws:
        import_linkedin(ws, [export])
        import_accounts(ws, PLANS / "accounts.csv")
        import_people(ws, PLANS / "buyers.csv", target=True)
        import_ties(ws, PLANS / "ties.csv")
    return db
