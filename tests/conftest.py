"""Shared fixtures: a fresh workspace, the CLI on it, export zips built from text, table dumps."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import (
    ACCOUNTS,
    BUYERS,
    HEADLINE,
    LINA,
    MAJA,
    OLLE,
    PER,
    WEEK1,
    Contact,
    connections_csv,
    linkedin_fixture,
    messages_csv,
    profile_csv,
)

from graphwarm import import_accounts, import_linkedin, import_people
from graphwarm.cli import main
from graphwarm.workspace.store import Workspace


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "w.db"


@pytest.fixture
def ws(db_path: Path) -> Iterator[Workspace]:
    """A fresh workspace in tmp_path, closed after the test."""
    workspace = Workspace(db_path)
    yield workspace
    workspace.close()


@pytest.fixture
def cli(db_path: Path) -> Callable[..., Result]:
    """``cli("status")`` runs ``graphwarm --db tmp_path/w.db status``; unexpected exceptions
    propagate (a traceback is a test failure, not an exit code)."""
    runner = CliRunner()

    def invoke(*args: str | Path) -> Result:
        return runner.invoke(main, ["--db", str(db_path), *map(str, args)], catch_exceptions=False)

    return invoke


@pytest.fixture
def make_zip(tmp_path: Path) -> Callable[..., Path]:
    """``make_zip({"Connections.csv": text_or_bytes, ...}, name="x.zip")`` → the zip's path."""

    def build(files: dict[str, str | bytes], name: str = "export.zip") -> Path:
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, content in files.items():
                data = content.encode("utf-8") if isinstance(content, str) else content
                archive.writestr(member, data)
        return path

    return build


@pytest.fixture
def karin_export(make_zip: Callable[..., Path]) -> Callable[..., Path]:
    """A modern export of the member Karin Lund; ``changes`` adds, replaces (a text) or drops
    (``None``) files by their name in the zip."""

    def build(
        changes: dict[str, str | bytes | None] | None = None, name: str = "karin.zip"
    ) -> Path:
        files: dict[str, str | bytes | None] = {
            "Profile.csv": linkedin_fixture("Profile.csv"),
            "Positions.csv": linkedin_fixture("Positions.csv"),
            "Connections.csv": linkedin_fixture("connections_2023.csv"),
            "messages.csv": linkedin_fixture("messages_2023.csv"),
        }
        files.update(changes or {})
        return make_zip({k: v for k, v in files.items() if v is not None}, name)

    return build


@pytest.fixture
def weekly_export(tmp_path: Path) -> Callable[..., Path]:
    """``weekly_export(member, contacts, week, messages=[...])``: a member's export zip of that
    week (``connections``: the Connections.csv text itself)."""

    def build(
        member: tuple[str, str],
        contacts: list[Contact],
        week: int,
        messages: list[tuple[str, str, str, bool]] | None = None,
        connections: str | None = None,
    ) -> Path:
        path = tmp_path / f"{member[1]}-week{week}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("Profile.csv", profile_csv(member[0], HEADLINE))
            archive.writestr("Connections.csv", connections or connections_csv(contacts))
            if messages is not None:
                archive.writestr("messages.csv", messages_csv(member, messages))
        return path

    return build


@pytest.fixture
def weekly_team(tmp_path: Path, ws: Workspace, weekly_export) -> Workspace:
    """The weekly team's workspace in week 1: the target lists, Lina's and Olle's exports
    (``graphwarm.toml`` pins as_of to 2026-12-01)."""
    (tmp_path / "graphwarm.toml").write_text('as_of = "2026-12-01"\n', encoding="utf-8")
    (tmp_path / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (tmp_path / "buyers.csv").write_text(BUYERS, encoding="utf-8")
    import_accounts(ws, tmp_path / "accounts.csv")
    import_people(ws, tmp_path / "buyers.csv", target=True)
    import_linkedin(ws, [weekly_export(LINA, WEEK1, 1)])
    import_linkedin(ws, [weekly_export(OLLE, [MAJA, PER], 1)])
    return ws
