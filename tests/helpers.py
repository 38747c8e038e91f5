"""Helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
LINKEDIN = FIXTURES / "linkedin"
CRM = FIXTURES / "crm"


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
