"""Tests for graphwarm.workspace.store and graphwarm.workspace.forget: the workspace file,
status, erasure."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from helpers import CRM, FIXTURES, db_bytes, dump, linkedin_fixture

from graphwarm import (
    NotFoundError,
    Workspace,
    WorkspaceError,
    forget_member,
    forget_person,
    import_accounts,
    import_linkedin,
    import_mail,
    import_people,
    import_ties,
)
from graphwarm.workspace import store
from graphwarm.workspace.store import SCHEMA_VERSION

# --- the file ------------------------------------------------------------------------------------


def test_schema_version_is_stored(ws: Workspace, db_path: Path) -> None:
    assert SCHEMA_VERSION >= 1
    assert ws.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    ws.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_reopening_keeps_the_data(db_path: Path) -> None:
    with Workspace(db_path) as ws:
        import_people(ws, CRM / "hubspot_contacts.csv")
    with Workspace(db_path, create=False) as ws:
        assert ws.status().people == 2


def test_newer_schema_is_a_clear_error(db_path: Path) -> None:
    Workspace(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(WorkspaceError) as info:
        Workspace(db_path)
    assert f"newer graphwarm (schema {SCHEMA_VERSION + 1}" in str(info.value)
    assert "pip install -U graphwarm" in str(info.value)


def _with_step(monkeypatch: pytest.MonkeyPatch, step: str) -> int:
    """Pretend this graphwarm has one more schema step; the version it now writes."""
    monkeypatch.setattr(store, "_MIGRATIONS", (*store._MIGRATIONS, step))
    monkeypatch.setattr(store, "SCHEMA_VERSION", store.SCHEMA_VERSION + 1)
    return store.SCHEMA_VERSION


def test_an_older_workspace_is_migrated_with_its_data(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Workspace(db_path) as ws:
        import_people(ws, CRM / "hubspot_contacts.csv")
    version = _with_step(monkeypatch, "ALTER TABLE people ADD COLUMN nickname TEXT;")
    with Workspace(db_path, create=False) as ws:
        assert ws.conn.execute("PRAGMA user_version").fetchone()[0] == version
        assert ws.conn.execute("SELECT count(nickname), count(*) FROM people").fetchone() == (0, 2)
    with Workspace(tmp := db_path.with_name("new.db")) as ws:  # a new one takes every step
        assert ws.conn.execute("SELECT count(nickname) FROM people").fetchone() == (0,)
    assert tmp.exists()


def test_a_workspace_from_before_the_history_is_migrated_and_reads_the_same(
    db_path: Path,
) -> None:
    with sqlite3.connect(db_path) as conn:  # schema version 1, as graphwarm wrote it then
        conn.executescript(f"{store._SCHEMA}{store._ADDED_SCHEMA}PRAGMA user_version = 1;")
        conn.executescript(
            "INSERT INTO imports (id, kind, file, sha256, member_id, imported_at)"
            " VALUES (1, 'linkedin:connections', 'a.zip:Connections.csv', 'x', 1, '2026-01-01');"
            "INSERT INTO people (id, name, is_member) VALUES (1, 'Lina Ahl', 1),"
            " (2, 'Per Falk', 0);"
            "INSERT INTO sightings (person_id, import_id, name) VALUES (1, 1, 'Lina Ahl'),"
            " (2, 1, 'Per Falk');"
            "INSERT INTO signals (a, b, import_id, connected_on) VALUES (1, 2, 1, '2024-01-01');"
        )
    conn.close()
    with Workspace(db_path, create=False) as ws:
        assert ws.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert ws.conn.execute("SELECT a, b, connected_on, sources FROM ties").fetchall() == [
            (1, 2, "2024-01-01", 1)
        ]
        assert ws.conn.execute("SELECT batch, superseded_by FROM imports").fetchall() == [(1, None)]
        assert ws.status().people == 2


def test_a_workspace_from_before_mail_gets_the_mail_columns_and_keeps_its_ties(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, karin_export
) -> None:
    mail_step = next(i for i, step in enumerate(store._MIGRATIONS) if "mails_ab" in step)
    before_mail = store._MIGRATIONS[:mail_step]  # as graphwarm wrote it before the mail step
    monkeypatch.setattr(store, "_MIGRATIONS", before_mail)
    monkeypatch.setattr(store, "SCHEMA_VERSION", 1 + len(before_mail))
    monkeypatch.setattr(store.Workspace, "date_export", lambda *_: None)  # nor dated exports
    with Workspace(db_path) as ws:
        import_linkedin(ws, [karin_export()])
        before = ws.conn.execute("SELECT * FROM ties ORDER BY a, b").fetchall()
    monkeypatch.undo()
    with Workspace(db_path, create=False) as ws:
        rows = ws.conn.execute("SELECT * FROM ties ORDER BY a, b").fetchall()
        assert [row[: len(before[0])] for row in rows] == before  # old columns first, as before
        assert {row[len(before[0]) :] for row in rows} == {(0, 0, 0, 0, None, None, 0, None, None)}
        import_mail(ws, [FIXTURES / "mail" / "takeout.mbox"], member="Karin Lund")
        assert ws.conn.execute("SELECT sum(mails_ab), sum(mails_ba) FROM ties").fetchone() == (
            3,
            1,
        )


def test_a_workspace_from_before_export_dates_dates_its_exports_by_import(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, karin_export
) -> None:
    """The step that adds an export's dates: older imports are dated by their import until a
    newer export replaces them."""
    step = next(i for i, step in enumerate(store._MIGRATIONS) if "export_named" in step)
    before = store._MIGRATIONS[:step]
    monkeypatch.setattr(store, "_MIGRATIONS", before)
    monkeypatch.setattr(store, "SCHEMA_VERSION", 1 + len(before))
    monkeypatch.setattr(store.Workspace, "date_export", lambda *_: None)
    with Workspace(db_path) as ws:
        import_linkedin(ws, [karin_export()])
    monkeypatch.undo()
    with Workspace(db_path, create=False) as ws:
        (export,) = ws.member_exports()
        assert (export.dated_by, export.newest_entry) == ("import", None)
        assert export.dated == export.imported_at[:10]
        dated = karin_export(name="Basic_LinkedInDataExport_03-15-2026.zip")
        import_linkedin(ws, [dated])  # the same files: unchanged, but now dated
        (export,) = ws.member_exports()
        assert (export.dated, export.dated_by) == ("2026-03-15", "file name")


def test_a_failing_migration_leaves_the_workspace_as_it_was(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Workspace(db_path) as ws:
        import_people(ws, CRM / "hubspot_contacts.csv")
    old = store.SCHEMA_VERSION
    _with_step(monkeypatch, "ALTER TABLE people ADD COLUMN nickname TEXT; SELECT nosuch FROM x;")
    with pytest.raises(WorkspaceError) as info:
        Workspace(db_path, create=False)
    assert f"older graphwarm (schema {old}) and cannot be upgraded" in str(info.value)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == old
        columns = [row[1] for row in conn.execute("PRAGMA table_info(people)")]
    conn.close()
    assert "nickname" not in columns


def test_other_sqlite_file_is_a_clear_error_and_left_alone(tmp_path: Path) -> None:
    other = tmp_path / "crm.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE deals (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO deals (name) VALUES ('Nordvik')")
    conn.close()
    before = other.read_bytes()
    with pytest.raises(WorkspaceError) as info:
        Workspace(other)
    assert "is an SQLite file but not a graphwarm workspace" in str(info.value)
    assert str(other) in str(info.value)
    assert other.read_bytes() == before  # not even switched to WAL
    assert not Path(f"{other}-wal").exists()


def test_not_an_sqlite_file(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("Åsa Öberg, Nordvik Transport AB\n" * 20, encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        Workspace(text)
    assert "cannot be opened as a workspace" in str(info.value)


def test_folder_as_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="is a folder"):
        Workspace(tmp_path)


def test_missing_workspace_without_create(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as info:
        Workspace(tmp_path / "none.db", create=False)
    assert "no workspace here" in str(info.value) and "--db" in str(info.value)
    assert not (tmp_path / "none.db").exists()


def test_transaction_rolls_back_on_any_exception(ws: Workspace, db_path: Path) -> None:
    before = dump(db_path)
    with pytest.raises(KeyboardInterrupt), ws.transaction() as conn:
        conn.execute("INSERT INTO accounts (key, name) VALUES ('x', 'X')")
        raise KeyboardInterrupt
    assert dump(db_path) == before


# --- status ---------------------------------------------------------------------------------------


def test_status_of_an_empty_workspace(ws: Workspace) -> None:
    s = ws.status()
    assert (s.members, s.people, s.targets, s.accounts, s.target_accounts) == ([], 0, 0, 0, 0)
    assert (s.ties_by_kind, s.merged, s.imports) == ({}, 0, [])


def test_status_counts(ws: Workspace, karin_export) -> None:
    import_linkedin(ws, [karin_export()])  # Karin + 4 connections, 2 of them messaged
    import_accounts(ws, CRM / "hubspot_companies.csv")
    import_people(ws, CRM / "hubspot_contacts.csv", target=True)  # Åsa (merged) + Henrik
    import_ties(ws, CRM / "ties_bad_strength.csv")  # Åsa–Ingrid; 2 rows skipped
    s = ws.status()
    assert s.members == ["Karin Lund"]
    assert s.people == 7  # Karin, Åsa, Mikko, Jörg, Sigrid, Henrik, Ingrid
    assert s.targets == 2
    assert s.target_accounts == 3
    assert s.accounts == 6  # Nordvik, Havndal (also Karin's past employer), Malholm, Koskimaa,
    # Förde, Tallholm
    assert s.ties_by_kind == {"connection": 2, "messaged": 2, "relationship": 1}
    assert s.merged == 2  # Åsa in the CRM file and in the ties file
    assert [i["kind"] for i in s.imports] == [
        "linkedin:positions",
        "linkedin:connections",
        "linkedin:messages",
        "accounts",
        "people",
        "ties",
    ]
    ties = s.imports[-1]
    assert (ties["rows_read"], ties["rows_imported"], ties["rows_skipped"]) == (3, 1, 2)
    assert ties["skipped_examples"][0] == {
        "line": 3,
        "reason": "strength 'strong' is not a number from 0 to 1",
    }


# --- forget ---------------------------------------------------------------------------------------


def _names(ws: Workspace) -> set[str]:
    return {r[0] for r in ws.conn.execute("SELECT name FROM people")}


def test_forget_member(ws: Workspace, karin_export) -> None:
    import_linkedin(ws, [karin_export()])
    import_people(ws, CRM / "hubspot_contacts.csv")  # Åsa is known to the CRM too
    report = forget_member(ws, "karin lund")
    assert (report.who, report.imports, report.ties) == ("Karin Lund", 3, 4)
    assert _names(ws) == {"Åsa Öberg", "Henrik Strand"}
    assert ws.status().members == []
    assert ws.conn.execute("SELECT count(*) FROM signals").fetchone()[0] == 0
    assert ws.conn.execute("SELECT count(*) FROM positions").fetchone()[0] == 0
    assert [i["kind"] for i in ws.status().imports] == ["people"]


def test_forget_member_by_url(ws: Workspace, karin_export) -> None:
    import_linkedin(ws, [karin_export()])
    assert forget_member(ws, "https://se.linkedin.com/in/Karin-Lund/").who == "Karin Lund"


def test_forget_member_who_is_not_one(ws: Workspace, karin_export) -> None:
    import_linkedin(ws, [karin_export()])
    with pytest.raises(NotFoundError, match="no member 'Åsa Öberg'"):
        forget_member(ws, "Åsa Öberg")


def test_forget_person_erases_them_and_every_tie(
    ws: Workspace, db_path: Path, karin_export
) -> None:
    import_linkedin(ws, [karin_export()])
    import_people(ws, CRM / "hubspot_contacts.csv")
    import_ties(ws, CRM / "ties.csv")  # Åsa–Ingrid, Åsa–Henrik
    report = forget_person(ws, "ASA.OBERG@nordvik.se")
    assert (report.who, report.people, report.ties) == ("Åsa Öberg", 1, 3)
    assert "Åsa Öberg" not in _names(ws)
    everything = repr(dump(db_path))
    for trace in ("Öberg", "asa-oberg", "asa.oberg"):
        assert trace not in everything, trace
    # left: Karin with Mikko, Jörg and Sigrid; Ingrid–Henrik
    assert ws.conn.execute("SELECT count(*) FROM ties").fetchone()[0] == 4


def test_forget_person_leaves_no_trace_in_the_file(
    ws: Workspace, db_path: Path, karin_export
) -> None:
    import_linkedin(ws, [karin_export()])
    forget_person(ws, "https://www.linkedin.com/in/asa-oberg")
    ws.close()
    assert "Öberg".encode() not in db_bytes(db_path)
    assert b"asa-oberg" not in db_bytes(db_path)


FORGOTTEN = "someone erased on request (graphwarm forget --person)"


def test_a_forgotten_person_stays_forgotten_in_later_imports(
    ws: Workspace, db_path: Path, karin_export
) -> None:
    import_linkedin(ws, [karin_export()])
    forget_person(ws, "https://www.linkedin.com/in/asa-oberg")
    # a newer export still lists Åsa, and adds Nils
    connections = linkedin_fixture("connections_2023.csv").decode("utf-8").rstrip("\n") + (
        "\nNils,Ny,https://www.linkedin.com/in/nils-ny,,Tallholm Mekaniska AB,Driver,01 Nov 2026"
    )
    reports = import_linkedin(ws, [karin_export({"Connections.csv": connections}, "new.zip")])
    skipped = {(r.kind, line, why) for r in reports for line, why in r.skipped}
    assert skipped == {("linkedin:connections", 5, FORGOTTEN)}
    # the CRM knows her by e-mail and name at Nordvik (no URL): skipped too
    crm = import_people(ws, CRM / "hubspot_contacts.csv")
    assert [r for _, r in crm.skipped] == [FORGOTTEN]
    assert {"Nils Ny", "Mikko Virtanen", "Henrik Strand"} <= _names(ws)
    everything = repr(dump(db_path))  # only one-way keys are kept
    for trace in ("Öberg", "asa-oberg", "asa.oberg"):
        assert trace not in everything, trace
    # a namesake at another company is someone else
    import_people(ws, CRM / "people_namesake.csv")
    rows = ws.conn.execute("SELECT name, company FROM people WHERE name_key LIKE '%berg'")
    assert rows.fetchall() == [("Åsa Öberg", "Havndal Marine AS")]


def test_forget_person_by_name(ws: Workspace, karin_export) -> None:
    import_linkedin(ws, [karin_export()])
    assert forget_person(ws, "jörg müller").who == "Jörg Müller"


def test_forget_person_ambiguous_name(ws: Workspace, karin_export) -> None:
    import_linkedin(ws, [karin_export()])
    import_people(ws, CRM / "people_namesake.csv")
    with pytest.raises(NotFoundError) as info:
        forget_person(ws, "Åsa Öberg")
    assert "names 2 people" in str(info.value) and "LinkedIn URL or e-mail" in str(info.value)


def test_forget_person_who_is_a_member(ws: Workspace, karin_export) -> None:
    import_linkedin(ws, [karin_export()])
    with pytest.raises(NotFoundError, match="is a team member"):
        forget_person(ws, "Karin Lund")


def test_forget_unknown_person_changes_nothing(ws: Workspace, db_path: Path, karin_export):
    import_linkedin(ws, [karin_export()])
    before = dump(db_path)
    with pytest.raises(NotFoundError, match="no person 'Per Moberg'"):
        forget_person(ws, "Per Moberg")
    assert dump(db_path) == before


def test_forgotten_person_stays_forgotten_on_reimport(ws: Workspace, make_zip) -> None:
    # The same file again is recognised as already imported: it does not bring them back.
    export = make_zip(
        {
            "Profile.csv": linkedin_fixture("Profile.csv"),
            "Connections.csv": linkedin_fixture("connections_2023.csv"),
        }
    )
    import_linkedin(ws, [export])
    forget_person(ws, "Sigrid Dahl")
    assert import_linkedin(ws, [export])[0].unchanged
    assert "Sigrid Dahl" not in _names(ws)


# --- members and their exports (status, changes) ------------------------------------------------

ZOE_MAIL = (
    "From: Zoé Ek <zoe@solvik.se>\nTo: Per Falk <per.falk@vester.no>\n"
    "Date: Mon, 16 Nov 2026 10:00:00 +0100\nMessage-ID: <1@solvik.se>\n\n"
)
ZOE_CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Invented//Calendar//EN
BEGIN:VEVENT
UID:z1
DTSTART:20261118T100000Z
ORGANIZER;CN=Zoé Ek:mailto:zoe@solvik.se
ATTENDEE;CN=Eva Strand;PARTSTAT=ACCEPTED:mailto:eva.strand@nordmark.se
END:VEVENT
END:VCALENDAR
"""
ZOE_ACTIVITIES = (
    "Activity ID,Activity type,Activity date,Activity assigned to,Associated Contact\n"
    "1,Meeting,2026-11-20 13:00,Zoé Ek,Eva Strand (eva.strand@nordmark.se)\n"
    "2,Call,2026-11-21 13:00,Zoé Ek,Jonas Ek (jonas.ek@vester.no)\n"
)


def test_members_without_a_linkedin_export_and_what_is_known_of_them(
    weekly_team: Workspace, tmp_path: Path
) -> None:
    """Zoé is a member by her mailbox and calendar, owns CRM activities and an ask, but has
    no LinkedIn export; the roster names her (without accents), Kai (whom nothing else
    knows) and Lina (who has an export, in capitals)."""
    from graphwarm import import_calendar
    from graphwarm.engine.asks import record_ask
    from graphwarm.settings import Settings
    from graphwarm.workspace.imports import import_activities

    ws = weekly_team
    (tmp_path / "zoe.eml").write_text(ZOE_MAIL, encoding="utf-8")
    (tmp_path / "zoe.ics").write_text(ZOE_CALENDAR, encoding="utf-8")
    (tmp_path / "activities.csv").write_text(ZOE_ACTIVITIES, encoding="utf-8")
    import_mail(ws, [tmp_path / "zoe.eml"], member="Zoé Ek", addresses=["zoe@solvik.se"])
    import_calendar(ws, [tmp_path / "zoe.ics"], member="Zoé Ek", addresses=["zoe@solvik.se"])
    import_activities(ws, tmp_path / "activities.csv")
    record_ask(ws, "Per Falk", member="Zoé Ek")
    assert ws.missing_exports() == [
        store.MissingExport("Zoé Ek", ("calendar", "mail", "2 CRM contacts", "1 ask"))
    ]
    assert [e.member for e in ws.member_exports()] == ["Lina Ahl", "Olle Berg"]  # mail is none
    roster = Settings(as_of=ws.settings.as_of, team_members=("zoe EK", "Kai Berg", "LINA AHL"))
    missing = ws.missing_exports(roster)
    assert missing == [
        store.MissingExport("Kai Berg", ("team roster",)),
        store.MissingExport(
            "Zoé Ek", ("calendar", "mail", "2 CRM contacts", "1 ask", "team roster")
        ),
    ]
    assert [m.known for m in missing] == [
        "only on the team roster in graphwarm.toml, nothing imported",
        "known from calendar, mail, 2 CRM contacts, 1 ask; on the team roster",
    ]
    assert ws.status().missing_exports == ws.missing_exports()


def test_a_mailbox_does_not_renew_a_members_export(weekly_team: Workspace, tmp_path: Path) -> None:
    weekly_team.conn.execute("UPDATE imports SET imported_at = '2026-08-01T08:00:00+00:00'")
    weekly_team.conn.commit()
    ws = Workspace(weekly_team.path)  # with the graphwarm.toml beside it: as_of 2026-12-01
    (tmp_path / "lina.eml").write_text(ZOE_MAIL.replace("Zoé Ek <zoe", "Lina Ahl <lina"), "utf-8")
    import_mail(ws, [tmp_path / "lina.eml"], member="Lina Ahl", addresses=["lina@solvik.se"])
    lina = next(e for e in ws.member_exports() if e.member == "Lina Ahl")
    assert (lina.dated, lina.dated_by, lina.age_days, lina.stale) == (
        "2026-08-01",
        "import",
        122,
        True,
    )
    assert ws.missing_exports() == []
    ws.close()


def test_an_export_is_dated_by_its_file_name_and_its_newest_entry_is_kept(
    ws: Workspace, weekly_export, tmp_path: Path
) -> None:
    """LinkedIn's name dates the export exactly; without it, the import dates it and the
    newest connection or message says how old it may be."""
    from helpers import ANDERS, LINA, MAJA, OLLE

    (tmp_path / "graphwarm.toml").write_text('as_of = "2026-12-01"\n', encoding="utf-8")
    ws = Workspace(ws.path)
    named = weekly_export(OLLE, [MAJA], 1).rename(
        tmp_path / "Complete_LinkedInDataExport_06-30-2026.zip"
    )
    talks = [("Anders Holm", "anders-holm", "2025-07-04", True)]
    import_linkedin(ws, [named, weekly_export(LINA, [ANDERS, MAJA], 1, messages=talks)])
    lina, olle = sorted(ws.member_exports(), key=lambda e: e.member)
    assert (olle.dated, olle.dated_by, olle.age_days, olle.stale) == (
        "2026-06-30",
        "file name",
        154,
        True,
    )
    assert (olle.newest_entry, olle.maybe_stale) == ("2023-01-10", False)  # dated: no maybe
    assert (lina.dated_by, lina.age_days, lina.stale) == ("import", 0, False)
    # the newest of its connections (2024-03-03) and messages (2025-07-04)
    assert (lina.newest_entry, lina.newest_entry_days, lina.maybe_stale) == (
        "2025-07-04",
        515,
        True,
    )
    dates = ws.conn.execute(
        "SELECT kind, export_named, newest_entry FROM imports WHERE kind LIKE 'linkedin:%'"
        " ORDER BY id"
    ).fetchall()
    assert dates == [
        ("linkedin:connections", "2026-06-30", "2023-01-10"),
        ("linkedin:connections", None, "2024-03-03"),
        ("linkedin:messages", None, "2025-07-04"),
    ]
    ws.close()
