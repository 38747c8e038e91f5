"""Tests for graphwarm.workspace.imports: one transaction per import, re-import, replacement."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
from helpers import CRM, LINA, LINKEDIN, OLLE, dump, linkedin_fixture
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from graphwarm import (
    InputError,
    Workspace,
    forget_member,
    forget_person,
    import_accounts,
    import_activities,
    import_calendar,
    import_linkedin,
    import_mail,
    import_people,
    import_ties,
)
from graphwarm.engine.load import load_graph
from graphwarm.workspace import imports as imports_module
from graphwarm.workspace import resolve as resolve_module


@pytest.fixture
def oskar_export(make_zip):
    return make_zip(
        {
            "Profile.csv": linkedin_fixture("Profile_oskar.csv"),
            "Connections.csv": linkedin_fixture("connections_colleague.csv"),
            "messages.csv": linkedin_fixture("messages_2021.csv"),
        },
        "oskar.zip",
    )


def _seeded(ws: Workspace) -> None:
    import_accounts(ws, CRM / "hubspot_companies.csv")
    import_people(ws, CRM / "hubspot_contacts.csv", target=True)


# --- importing the same file again changes nothing ----------------------------------------------


def test_reimport_of_an_export_changes_nothing(ws: Workspace, db_path: Path, karin_export) -> None:
    path = karin_export()
    import_linkedin(ws, [path])
    before = dump(db_path)
    reports = import_linkedin(ws, [path])
    assert all(r.unchanged for r in reports)
    assert dump(db_path) == before


@pytest.mark.parametrize(
    ("func", "fixture"),
    [
        (import_people, "hubspot_contacts.csv"),
        (import_accounts, "hubspot_companies.csv"),
        (import_ties, "ties.csv"),
    ],
)
def test_reimport_of_a_crm_file_changes_nothing(
    ws: Workspace, db_path: Path, func, fixture: str
) -> None:
    func(ws, CRM / fixture)
    before = dump(db_path)
    assert func(ws, CRM / fixture).unchanged
    assert dump(db_path) == before


def test_same_file_with_other_options_is_a_new_import(ws: Workspace) -> None:
    import_people(ws, CRM / "hubspot_contacts.csv")
    assert ws.status().targets == 0
    assert not import_people(ws, CRM / "hubspot_contacts.csv", target=True).unchanged
    assert ws.status().targets == 2
    assert ws.status().people == 2


def test_reimport_through_a_folder_is_recognised(ws: Workspace, db_path: Path, tmp_path) -> None:
    import_linkedin(ws, [LINKEDIN / "connections_2023.csv"], member="Karin Lund")
    before = dump(db_path)
    copy = tmp_path / "Connections.csv"  # the same bytes under another path
    copy.write_bytes(linkedin_fixture("connections_2023.csv"))
    assert import_linkedin(ws, [copy], member="Karin Lund")[0].unchanged
    assert dump(db_path) == before


def test_reimport_of_a_salesforce_export_changes_nothing(ws: Workspace, db_path: Path) -> None:
    import_people(ws, CRM / "salesforce_export")
    before = dump(db_path)
    again = import_people(
        ws,
        CRM / "salesforce_export" / "Contact.csv",
        accounts=CRM / "salesforce_export" / "Account.csv",
    )
    assert again.unchanged
    assert dump(db_path) == before


def test_salesforce_same_contacts_with_other_accounts_is_a_new_import(
    ws: Workspace, tmp_path: Path
) -> None:
    export = CRM / "salesforce_export"
    import_people(ws, export)
    renamed = tmp_path / "Account.csv"
    renamed.write_text(
        (export / "Account.csv").read_text("utf-8").replace("Havndal Marine AS", "Havndal AS"),
        encoding="utf-8",
    )
    r = import_people(ws, export / "Contact.csv", accounts=renamed)
    assert not r.unchanged
    assert (
        ws.conn.execute("SELECT company FROM people WHERE name = 'Ingrid Bakke'").fetchone()[0]
        == "Havndal AS"
    )


# --- a newer export replaces the member's data ----------------------------------------------------


def test_a_header_only_export_does_not_replace_the_members_connections(
    ws: Workspace, karin_export
) -> None:
    import_linkedin(ws, [karin_export(name="old.zip")])
    before = dump(ws.path)
    emptied = karin_export(
        {"Connections.csv": linkedin_fixture("connections_header_only.csv")}, name="new.zip"
    )
    with pytest.raises(InputError) as info:
        import_linkedin(ws, [emptied])
    err = info.value
    assert err.file == f"{emptied}:Connections.csv"
    assert err.message == "has 0 connections; Karin Lund's current import has 4"
    assert err.hint == "nothing was changed; if the smaller file is right, pass --replace"
    assert dump(ws.path) == before  # nothing changed: not even the other files of the export


def test_replace_lets_a_much_smaller_export_replace_the_older_one(
    ws: Workspace, karin_export
) -> None:
    import_linkedin(ws, [karin_export(name="old.zip")])
    emptied = karin_export(
        {"Connections.csv": linkedin_fixture("connections_header_only.csv")}, name="new.zip"
    )
    reports = import_linkedin(ws, [emptied], replace=True)
    connections = next(r for r in reports if r.kind == "linkedin:connections")
    assert connections.replaced and connections.rows_imported == 0
    kinds = [r[0] for r in ws.conn.execute("SELECT kind FROM imports WHERE superseded_by IS NULL")]
    assert kinds.count("linkedin:connections") == 1


def test_a_newer_export_with_half_the_rows_or_more_replaces_without_asking(
    ws: Workspace, karin_export
) -> None:
    full = linkedin_fixture("connections_2023.csv")
    lines = full.decode().splitlines(keepends=True)
    import_linkedin(ws, [karin_export(name="old.zip")])
    fewer = "".join(lines[:-1])  # one connection less: 3 of 4 is more than half
    reports = import_linkedin(ws, [karin_export({"Connections.csv": fewer}, name="new.zip")])
    assert next(r for r in reports if r.kind == "linkedin:connections").replaced


def test_newer_export_replaces_the_members_data(ws: Workspace, karin_export) -> None:
    import_linkedin(ws, [karin_export(name="old.zip")])
    newer = karin_export(
        {
            "Connections.csv": linkedin_fixture("connections_2023_no_preamble.csv"),
            "messages.csv": None,
        },
        name="new.zip",
    )
    reports = import_linkedin(ws, [newer])
    by_kind = {r.kind: r for r in reports}
    assert by_kind["linkedin:connections"].replaced
    assert by_kind["linkedin:positions"].unchanged  # the same Positions.csv
    names = {r[0] for r in ws.conn.execute("SELECT name FROM people WHERE NOT retired")}
    # Jörg was only in the older Connections.csv; Mikko is still in the older messages.csv,
    # which stays: the newer export has none to replace it
    assert names == {"Karin Lund", "Åsa Öberg", "Sigrid Dahl", "Mikko Virtanen"}
    mikko = ws.conn.execute(
        "SELECT t.connected_on, t.msgs_ba FROM ties t JOIN people p ON p.id IN (t.a, t.b)"
        " WHERE p.name = 'Mikko Virtanen'"
    ).fetchall()
    assert mikko == [(None, 1)]  # no longer a connection
    msgs = ws.conn.execute("SELECT sum(msgs_ab + msgs_ba) FROM ties").fetchone()[0]
    assert msgs == 4  # Åsa 2 + 1, Mikko 1
    current = "FROM imports WHERE superseded_by IS NULL"
    kinds = [r[0] for r in ws.conn.execute(f"SELECT kind {current} ORDER BY kind")]
    assert kinds == ["linkedin:connections", "linkedin:messages", "linkedin:positions"]
    files = {r[0] for r in ws.conn.execute(f"SELECT file {current}")}
    assert any(f.startswith(str(newer)) for f in files)


def test_newer_messages_beside_unchanged_connections_still_find_their_people(
    ws: Workspace, make_zip
) -> None:
    """2018 messages name people only: they are found through the export's Connections.csv,
    which must be read again even when it did not change."""
    files = {
        "Profile.csv": linkedin_fixture("Profile.csv"),
        "Connections.csv": linkedin_fixture("connections_2018.csv"),
        "messages.csv": linkedin_fixture("messages_2018.csv"),
    }
    import_linkedin(ws, [make_zip(files, "old.zip")])
    people = ws.conn.execute("SELECT count(*) FROM people").fetchone()[0]
    newer = linkedin_fixture("messages_2018.csv") + (
        b"Henrik Strand,Karin Lund,2018-07-01 08:00:00 UTC,,SECRETCONTENT-ses,INCOMING,INBOX\n"
    )
    reports = import_linkedin(ws, [make_zip({**files, "messages.csv": newer}, "new.zip")])
    assert {r.kind: r.unchanged for r in reports}["linkedin:connections"] is True
    assert ws.conn.execute("SELECT count(*) FROM people").fetchone()[0] == people
    henrik = ws.conn.execute(
        "SELECT t.msgs_ab + t.msgs_ba FROM ties t JOIN people p ON p.id IN (t.a, t.b)"
        " WHERE p.name = 'Henrik Strand'"
    ).fetchone()[0]
    assert henrik == 4


def test_newer_export_keeps_people_others_know(ws: Workspace, karin_export) -> None:
    import_people(ws, CRM / "people_email_match.csv")  # Mikko, from the CRM
    import_linkedin(ws, [karin_export(name="old.zip")])
    newer = karin_export(
        {"Connections.csv": linkedin_fixture("connections_2023_no_preamble.csv")}, name="new.zip"
    )
    import_linkedin(ws, [newer])
    row = ws.conn.execute("SELECT name FROM people WHERE name LIKE '%Virtanen'").fetchall()
    assert len(row) == 1  # still known to the CRM file
    assert ws.conn.execute("SELECT count(*) FROM emails").fetchone()[0] == 1


# --- all or nothing -------------------------------------------------------------------------------


def test_interrupted_multi_export_import_leaves_the_workspace_as_before(
    ws: Workspace, db_path: Path, karin_export, oskar_export, monkeypatch
) -> None:
    _seeded(ws)
    before = dump(db_path)
    calls = {"n": 0}
    real_flush = imports_module._Writer.flush

    def flaky_flush(self) -> None:  # deep in the write path, after real writes happened
        real_flush(self)
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt

    monkeypatch.setattr(imports_module._Writer, "flush", flaky_flush)
    with pytest.raises(KeyboardInterrupt):
        import_linkedin(ws, [karin_export(), oskar_export])
    assert calls["n"] == 5
    assert dump(db_path) == before
    monkeypatch.undo()
    # and the workspace still works: the same import now succeeds
    import_linkedin(ws, [karin_export(), oskar_export])
    assert ws.status().members == ["Karin Lund", "Oskar Nyberg"]


def test_interrupt_inside_the_resolver(ws: Workspace, db_path: Path, karin_export, monkeypatch):
    _seeded(ws)
    before = dump(db_path)
    real = resolve_module.Resolver.absorb

    def interrupted(self, newest) -> None:
        real(self, newest)
        raise KeyboardInterrupt

    monkeypatch.setattr(resolve_module.Resolver, "absorb", interrupted)
    with pytest.raises(KeyboardInterrupt):
        import_linkedin(ws, [karin_export()])
    assert dump(db_path) == before


def test_error_in_the_second_export_undoes_the_first(
    ws: Workspace, db_path: Path, karin_export, make_zip
) -> None:
    _seeded(ws)
    before = dump(db_path)
    broken = make_zip(
        {
            "Profile.csv": linkedin_fixture("Profile_oskar.csv"),
            "Connections.csv": linkedin_fixture("connections_unterminated_quote.csv"),
        },
        "broken.zip",
    )
    with pytest.raises(InputError) as info:
        import_linkedin(ws, [karin_export(), broken])
    assert info.value.file == f"{broken}:Connections.csv" and info.value.line == 3
    assert dump(db_path) == before


def test_error_midway_through_a_crm_file_leaves_nothing(ws: Workspace, db_path: Path) -> None:
    _seeded(ws)
    before = dump(db_path)
    with pytest.raises(InputError):
        import_people(ws, CRM / "unterminated_quote.csv")  # line 2 is read, line 3 breaks
    assert dump(db_path) == before


def test_interrupted_crm_import(ws: Workspace, db_path: Path, monkeypatch) -> None:
    _seeded(ws)
    before = dump(db_path)

    def boom(self, *args, **kwargs) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Workspace, "finish_import", boom)
    with pytest.raises(KeyboardInterrupt):
        import_ties(ws, CRM / "ties.csv")
    assert dump(db_path) == before


# --- what is recorded about each import -----------------------------------------------------------


def test_imports_are_recorded_with_hash_counts_and_skips(ws: Workspace) -> None:
    import_people(ws, CRM / "too_many_fields.csv")
    row = ws.conn.execute(
        "SELECT kind, file, length(sha256), rows_read, rows_imported, rows_skipped FROM imports"
    ).fetchone()
    assert row == ("people", str(CRM / "too_many_fields.csv"), 64, 3, 2, 1)
    skips = ws.conn.execute("SELECT line, reason FROM import_skips").fetchall()
    assert skips == [(3, "6 fields, expected 5")]


# --- e-mail (graphwarm import mail) ---------------------------------------------------------------

MAIL = LINKEDIN.parent / "mail"


def _tie(ws: Workspace, a: str, b: str) -> dict:
    """The ties view's row between two people named ``a`` and ``b``."""
    cur = ws.conn.execute(
        "SELECT t.* FROM ties t JOIN people p ON p.id IN (t.a, t.b) JOIN people q"
        " ON q.id IN (t.a, t.b) AND q.id != p.id WHERE p.name = ? AND q.name = ?",
        (a, b),
    )
    row = cur.fetchone()
    assert row is not None, (a, b)
    return {d[0]: v for d, v in zip(cur.description, row, strict=True)}


def test_mail_adds_to_the_linkedin_tie_matched_by_e_mail_or_name(
    ws: Workspace, karin_export
) -> None:
    import_linkedin(ws, [karin_export()])
    people = ws.conn.execute("SELECT count(*) FROM people").fetchone()[0]
    report = import_mail(ws, [MAIL / "takeout.mbox"], member="Karin Lund")
    assert (report.rows_read, report.rows_imported, report.kind) == (3, 3, "mail")
    mikko = _tie(ws, "Karin Lund", "Mikko Virtanen")  # by the address his connection row gave
    assert (mikko["connected_on"], mikko["sources"]) == ("2021-03-15", 3)
    assert (mikko["mails_ab"], mikko["mails_ba"], mikko["replies_ba"]) == (2, 1, 1)
    assert (mikko["first_mail"], mikko["last_mail"]) == ("2026-10-06", "2026-10-12")
    sigrid = _tie(ws, "Karin Lund", "Sigrid Dahl")  # by name: the one Sigrid Dahl, no company
    assert sigrid["mails_ab"] == 1 and sigrid["connected_on"] == "2024-10-01"
    assert ws.conn.execute("SELECT count(*) FROM people").fetchone()[0] == people
    karin = ws.conn.execute("SELECT id FROM people WHERE name = 'Karin Lund'").fetchone()[0]
    assert ws.conn.execute("SELECT email FROM emails WHERE person_id = ?", (karin,)).fetchall() == [
        ("karin.lund@nordvik.se",)
    ]


def test_a_correspondent_is_matched_by_name_at_the_account_of_the_mail_domain(
    ws: Workspace, karin_export
) -> None:
    import_linkedin(ws, [karin_export()])
    import_accounts(ws, CRM / "hubspot_companies.csv")  # Nordvik Transport AB: nordvik.se
    import_mail(ws, [MAIL / "rfc2047_names.mbox"], member="Karin Lund")
    asa = _tie(ws, "Karin Lund", "Åsa Öberg")
    assert (asa["connected_on"], asa["mails_ab"], asa["mails_ba"]) == ("2023-02-08", 1, 1)
    assert ws.conn.execute("SELECT count(*) FROM people WHERE name = 'Åsa Öberg'").fetchone() == (
        1,
    )


def test_someone_known_only_by_address_takes_the_account_of_their_domain_unless_public(
    db_path: Path,
) -> None:
    with Workspace(db_path) as ws:
        import_accounts(ws, CRM / "hubspot_companies.csv")
        ws.resolver.set_account_domain(1, "gmail.com")  # as if an account had said so
        import_mail(ws, [MAIL / "rfc2047_names.mbox"], member="Karin Lund")
        accounts = dict(ws.conn.execute("SELECT name, account_id IS NOT NULL FROM people"))
        assert accounts["Åsa Öberg"] == 1  # nordvik.se is Nordvik Transport's domain
        assert accounts["Jörg Müller"] == 0  # forde-nord.de: a domain no account has
    with Workspace(db_path) as ws:
        import_mail(ws, [MAIL / "takeout.mbox"], member="Karin Lund", replace=True)
        public = dict(ws.conn.execute("SELECT name, account_id FROM people"))
        assert public["Sigrid Dahl"] is None  # gmail.com is a public mail domain
    (db_path.parent / "graphwarm.toml").write_text('public_mail_domains = ["hotmail.com"]\n')
    with Workspace(db_path) as ws:
        ws.conn.execute("DELETE FROM imports WHERE kind = 'mail'")
        ws.conn.execute("DELETE FROM people WHERE name = 'Sigrid Dahl'")
        import_mail(ws, [MAIL / "takeout.mbox"], member="Karin Lund")
        overridden = dict(ws.conn.execute("SELECT name, account_id FROM people"))
        assert overridden["Sigrid Dahl"] == 1  # the settings' list no longer names gmail.com


def test_reimporting_the_same_mailbox_changes_nothing(ws: Workspace, db_path: Path) -> None:
    import_mail(ws, [MAIL / "takeout.mbox"], member="Karin Lund")
    before = dump(db_path)
    again = import_mail(ws, [MAIL / "takeout.mbox"], member="Karin Lund")
    assert again.unchanged
    assert dump(db_path) == before


def test_a_newer_mailbox_replaces_the_older_unless_it_shrinks(ws: Workspace, db_path: Path) -> None:
    import_mail(ws, [MAIL / "rfc2047_names.mbox"], member="Karin Lund")
    newer = import_mail(ws, [MAIL / "takeout.mbox"], member="Karin Lund")
    assert newer.replaced
    current = "SELECT count(*) FROM imports WHERE kind = 'mail' AND superseded_by IS NULL"
    assert ws.conn.execute(current).fetchone() == (1,)  # the older one stays in the history
    assert ws.conn.execute("SELECT retired FROM people WHERE name = 'Jörg Müller'").fetchall() == [
        (1,)
    ]  # only the older mailbox knew him
    before = dump(db_path)
    with pytest.raises(InputError) as info:
        import_mail(ws, [MAIL / "spam_trash.mbox"], member="Karin Lund")
    assert str(info.value) == (
        f"{MAIL / 'spam_trash.mbox'}: has 1 message; Karin Lund's current import has 3. "
        "nothing was changed; if the smaller file is right, pass --replace; to add a mailbox to"
        " the one imported, give both in one command"
    )
    assert dump(db_path) == before
    report = import_mail(ws, [MAIL / "spam_trash.mbox"], member="Karin Lund", replace=True)
    assert report.replaced
    assert report.notes[-1].endswith(
        "takes this command back; to add a mailbox to the one imported, give both in one command"
    )


def test_a_mail_import_that_fails_changes_nothing(
    ws: Workspace, db_path: Path, karin_export
) -> None:
    import_linkedin(ws, [karin_export()])
    before = dump(db_path)
    with pytest.raises(InputError, match="cannot tell which address is the member's"):
        import_mail(ws, [MAIL / "no_owner.mbox"], member="Karin Lund")
    with pytest.raises(InputError, match="is not mail"):
        import_mail(ws, [MAIL / "not_mail.mbox"], member="Karin Lund")
    assert dump(db_path) == before


def test_no_subject_body_or_display_text_of_a_message_is_stored(
    ws: Workspace, db_path: Path
) -> None:
    import_mail(ws, [MAIL / "takeout.mbox"], member="Karin Lund")
    stored = repr(dump(db_path))
    assert "Mikko Virtanen" in stored  # people are kept, as every import keeps them
    for text in ("not read", "Hej", "meeting: notes", "k1@nordvik.se", "Important"):
        assert text not in stored


# --- calendars (graphwarm import calendar) --------------------------------------------------------

CALENDAR = LINKEDIN.parent / "calendar"


def test_calendar_meetings_join_the_mail_on_one_tie_and_explain_it(db_path: Path) -> None:
    (db_path.parent / "graphwarm.toml").write_text('as_of = "2026-11-01"\n')
    with Workspace(db_path) as ws:
        import_mail(ws, [MAIL / "takeout.mbox"], member="Karin Lund")
        report = import_calendar(ws, [CALENDAR / "google.ics"], member="Karin Lund")
        assert (report.kind, report.rows_read, report.rows_imported) == ("calendar", 16, 11)
        assert report.skip_counts["declined by the member"] == 1
        # the member's address came with the mail import
        assert "the member's addresses: karin.lund@nordvik.se (known from earlier imports)" in (
            report.notes
        )
        mikko = _tie(ws, "Karin Lund", "Mikko Virtanen")
        assert (mikko["mails_ab"], mikko["mails_ba"], mikko["meetings"]) == (2, 1, 3)
        assert (mikko["first_meeting"], mikko["last_meeting"]) == ("2026-10-06", "2026-10-14")
        rg = load_graph(ws)
        karin, mikko_id = (
            rg.index_of(ws.conn.execute("SELECT id FROM people WHERE name = ?", (n,)).fetchone()[0])
            for n in ("Karin Lund", "Mikko Virtanen")
        )
        assert rg.tie_breakdown(karin, mikko_id).describe() == (  # type: ignore[union-attr]
            "medium: 3 e-mails both ways, met 3 times, last 3 weeks ago"
        )


def test_reimporting_the_same_calendar_changes_nothing_and_keeps_no_event_text(
    ws: Workspace, db_path: Path
) -> None:
    import_calendar(ws, [CALENDAR / "google.ics"], member="Karin Lund")
    before = dump(db_path)
    assert import_calendar(ws, [CALENDAR / "google.ics"], member="Karin Lund").unchanged
    assert dump(db_path) == before
    stored = repr(before)
    for text in ("Secret plans", "Not to be read", "Room 7", "weekly"):
        assert text not in stored


def test_a_calendar_import_that_fails_changes_nothing(ws: Workspace, db_path: Path) -> None:
    import_mail(ws, [MAIL / "takeout.mbox"], member="Karin Lund")
    before = dump(db_path)
    for name in ("broken.ics", "no_events.ics", "not_calendar.ics"):
        with pytest.raises(InputError):
            import_calendar(ws, [CALENDAR / name], member="Karin Lund")
    assert dump(db_path) == before


def test_forget_member_removes_their_mail_and_calendar(ws: Workspace, karin_export) -> None:
    import_linkedin(ws, [karin_export()])
    import_mail(ws, [MAIL / "takeout.mbox"], member="Karin Lund")
    import_calendar(ws, [CALENDAR / "google.ics"], member="Karin Lund")
    forget_member(ws, "Karin Lund")
    assert ws.conn.execute("SELECT count(*) FROM imports").fetchone() == (0,)
    assert ws.conn.execute("SELECT count(*) FROM signals").fetchone() == (0,)
    assert ws.conn.execute("SELECT count(*) FROM people").fetchone() == (0,)


def test_a_forgotten_correspondent_stays_forgotten(ws: Workspace) -> None:
    import_mail(ws, [MAIL / "takeout.mbox"], member="Karin Lund")
    forget_person(ws, "sigrid.dahl@gmail.com")
    report = import_mail(ws, [MAIL / "takeout.mbox", MAIL / "odd_dates.mbox"], member="Karin Lund")
    assert report.replaced
    assert (
        "1 correspondents were erased on request (graphwarm forget --person): not imported"
        in report.notes
    )
    assert ws.conn.execute("SELECT count(*) FROM people WHERE name = 'Sigrid Dahl'").fetchone() == (
        0,
    )
    assert _tie(ws, "Karin Lund", "Mikko Virtanen")["mails_ba"] == 1 + 4  # both mailboxes


def _mbox(path: Path, sent: int) -> Path:
    """A mailbox of Karin Lund's with ``sent`` messages to Mikko Virtanen, on days 1, 2, …."""
    path.write_text(
        "".join(
            f"From x@x Tue Oct 06 09:00:00 +0000 2026\nFrom: Karin Lund <karin.lund@nordvik.se>\n"
            f"To: Mikko Virtanen <mikko.virtanen@koskimaa.fi>\n"
            f"Date: {day} Oct 2026 09:00:00 +0200\nMessage-ID: <k{day}@nordvik.se>\n\nHej\n\n"
            for day in range(1, sent + 1)
        ),
        encoding="utf-8",
    )
    return path


def test_a_newer_mailbox_with_other_counts_for_a_pair_replaces_them_and_undo_restores_them(
    ws: Workspace, tmp_path: Path
) -> None:
    from graphwarm.workspace.history import undo

    counts = "SELECT sum(mails_ab + mails_ba), max(last_mail) FROM ties"
    me = {"member": "Karin Lund", "addresses": ["karin.lund@nordvik.se"]}
    import_mail(ws, [_mbox(tmp_path / "week1.mbox", 2)], **me)
    assert ws.conn.execute(counts).fetchone() == (2, "2026-10-02")
    import_mail(ws, [_mbox(tmp_path / "week2.mbox", 3)], **me)
    assert ws.conn.execute(counts).fetchone() == (3, "2026-10-03")  # not the older row's
    undo(ws)
    assert ws.conn.execute(counts).fetchone() == (2, "2026-10-02")


ACTIVITIES = LINKEDIN.parent / "activities"


def test_activities_count_as_e_mails_and_meetings_between_owner_and_contact(
    weekly_team: Workspace,
) -> None:
    ws = weekly_team
    report = import_activities(ws, ACTIVITIES / "hubspot-activities.csv")
    assert (report.kind, report.rows_read, report.rows_imported) == ("activities", 6, 4)
    assert report.skipped == [
        (6, "call not answered (No answer)"),
        (7, "type 'Note' is not an e-mail, meeting or call"),
    ]
    assert "owner lina@nordvik.se is Lina Ahl: the file shows them together" in report.notes
    per = _tie(ws, "Lina Ahl", "Per Moberg")
    assert (per["mails_ab"], per["mails_ba"], per["meetings"]) == (1, 1, 2)  # a meeting, a call
    assert (per["first_mail"], per["last_mail"]) == ("2026-11-02", "2026-11-03")
    assert (per["first_meeting"], per["last_meeting"]) == ("2026-11-10", "2026-11-12")
    asa = _tie(ws, "Lina Ahl", "Åsa Öberg")  # the meeting's second contact
    assert (asa["meetings"], asa["mails_ab"]) == (1, 0)


def test_activities_of_an_owner_who_is_no_member_are_skipped_and_named(
    weekly_team: Workspace,
) -> None:
    report = import_activities(weekly_team, ACTIVITIES / "owner-not-member.csv")
    assert (report.rows_read, report.rows_imported) == (4, 1)
    assert report.skip_counts == {"owner is no member of the team": 3}
    assert (
        "owners who are no member of the team: Gustav Rask (2), Maja Lind (1); their activities"
        " are not imported (import their LinkedIn export, or a mailbox or calendar, to make them"
        " members)" in report.notes
    )
    assert _tie(weekly_team, "Lina Ahl", "Per Moberg")["meetings"] == 1


def test_an_unknown_contact_becomes_a_person_and_a_row_without_one_is_refused(
    weekly_team: Workspace,
) -> None:
    report = import_activities(weekly_team, ACTIVITIES / "unknown-contact.csv")
    assert report.skipped == [(3, "no contact")]
    tove = _tie(weekly_team, "Lina Ahl", "Tove Nyberg")
    assert tove["meetings"] == 1
    email = "SELECT email FROM emails JOIN people p ON p.id = person_id WHERE p.name = ?"
    assert weekly_team.conn.execute(email, ("Tove Nyberg",)).fetchall() == [
        ("tove.nyberg@fjordlast.example",)
    ]


def test_activity_dates_unreadable_missing_or_after_as_of_are_refused(
    weekly_team: Workspace,
) -> None:
    report = import_activities(weekly_team, ACTIVITIES / "bad-dates.csv")
    as_of = weekly_team.settings.today()  # the workspace was opened before graphwarm.toml
    assert report.skipped == [
        (4, "date 'next tuesday' cannot be read"),
        (5, "no date"),
        (6, f"on 2026-12-20, after as_of ({as_of}): not held yet"),
    ]
    assert "dates (Activity date) read as day/month (from 2 unambiguous rows)" in report.notes
    per = _tie(weekly_team, "Lina Ahl", "Per Moberg")  # 05/10 read day first, as 13/10 shows
    assert (per["meetings"], per["first_meeting"]) == (2, "2026-10-05")


def test_hubspot_milliseconds_and_an_e_mail_without_direction(weekly_team: Workspace) -> None:
    path = ACTIVITIES / "hubspot-emails-api.csv"
    with pytest.raises(InputError, match="no activity type column"):
        import_activities(weekly_team, path)
    report = import_activities(weekly_team, path, activity_type="email")
    assert report.notes[0] == (
        "2 e-mails without a direction: counted as sent by their owner (name the column with"
        " --column direction=HEADER if the file has one)"
    )
    assert report.rows_imported == 2  # the second row's owner by the address the first shows
    (per,) = weekly_team.conn.execute(
        "SELECT mails_ab, mails_ba, first_mail, last_mail FROM ties t JOIN emails e"
        " ON e.person_id IN (t.a, t.b) WHERE e.email = 'per.moberg@example.com'"
    ).fetchall()
    assert per == (2, 0, "2025-11-02", "2025-11-03")  # a is Lina (the older id): sent by her


def test_a_file_that_is_not_an_activity_export_is_refused(weekly_team: Workspace, db_path: Path):
    before = dump(db_path)
    with pytest.raises(InputError, match="is not an activity export: no owner and no date column"):
        import_activities(weekly_team, ACTIVITIES / "wrong-file.csv")
    assert dump(db_path) == before


def test_reimporting_activities_changes_nothing_and_a_newer_file_supersedes(
    weekly_team: Workspace, db_path: Path, tmp_path: Path
) -> None:
    ws = weekly_team
    import_activities(ws, ACTIVITIES / "hubspot-activities.csv")
    before = dump(db_path)
    assert import_activities(ws, ACTIVITIES / "hubspot-activities.csv").unchanged
    assert dump(db_path) == before
    newer = tmp_path / "hubspot-activities.csv"
    newer.write_bytes(
        (ACTIVITIES / "hubspot-activities.csv").read_bytes().replace(b"No answer", b"Connected")
    )
    report = import_activities(ws, newer)
    assert report.replaced and report.rows_imported == 5
    current = "SELECT count(*) FROM imports WHERE kind = 'activities' AND superseded_by IS NULL"
    assert ws.conn.execute(current).fetchone() == (1,)
    assert _tie(ws, "Lina Ahl", "Per Moberg")["meetings"] == 3
    lines = newer.read_bytes().splitlines(keepends=True)
    newer.write_bytes(b"".join(lines[:2]))  # one activity of five
    before = dump(db_path)
    with pytest.raises(InputError, match="has 1 activity; the import it would replace has 5"):
        import_activities(ws, newer)
    assert dump(db_path) == before
    assert import_activities(ws, newer, replace=True).replaced


SALESFORCE = LINKEDIN.parent / "salesforce" / "export"
BOOKED = SALESFORCE.parent / "booked"  # meetings booked by Sara Dahl, no member, and by Lina


def test_a_salesforce_export_counts_between_owners_and_the_people_its_ids_name(
    weekly_team: Workspace,
) -> None:
    ws = weekly_team
    report = import_activities(ws, SALESFORCE)
    assert (report.kind, report.rows_read, report.rows_imported) == ("activities", 20, 7)
    assert report.skipped == []  # an export's skips are counted by reason
    assert report.skip_counts["owner is no member of the team"] == 1
    assert report.skip_counts["Event.csv: all-day event"] == 1
    assert report.rows_skipped == 13
    assert "owners who are no member of the team: Gustav Rask (1)" in " ".join(report.notes)
    maja = _tie(ws, "Lina Ahl", "Maja Lind")  # her LinkedIn connection, matched by name
    assert (maja["mails_ab"] + maja["mails_ba"], maja["meetings"]) == (2, 1)
    assert (maja["first_mail"], maja["last_mail"]) == ("2026-11-02", "2026-11-03")
    per = _tie(ws, "Lina Ahl", "Per Falk")  # a call and the meeting of which he is the WhoId
    assert (per["meetings"], per["first_meeting"], per["last_meeting"]) == (
        2,
        "2026-11-10",
        "2026-11-12",
    )
    assert _tie(ws, "Lina Ahl", "Olle Berg")["meetings"] == 1  # invited user: a colleague
    assert _tie(ws, "Olle Berg", "Per Falk")["meetings"] == 1  # whom Olle met there
    assert _tie(ws, "Olle Berg", "Tove Sand")["meetings"] == 1  # a lead
    maja = _tie(ws, "Olle Berg", "Maja Lind")  # the task Olle shared with her (TaskRelation)
    assert (maja["mails_ab"] + maja["mails_ba"], maja["last_mail"]) == (1, "2026-11-21")
    assert _tie(ws, "Lina Ahl", "Anders Holm")["meetings"] == 0  # he declined
    members = "SELECT count(*) FROM people WHERE is_member"
    assert ws.conn.execute(members).fetchone() == (2,)  # Olle the invitee is Olle the member
    company = "SELECT a.name FROM people p JOIN accounts a ON a.id = p.account_id WHERE p.name = ?"
    assert ws.conn.execute(company, ("Tove Sand",)).fetchone() == ("Kustbanken AB",)


def test_a_salesforce_export_again_changes_nothing_and_a_newer_one_replaces_it(
    weekly_team: Workspace, db_path: Path, tmp_path: Path
) -> None:
    ws = weekly_team
    export = tmp_path / "export"
    shutil.copytree(SALESFORCE, export)
    import_activities(ws, export)
    before = dump(db_path)
    assert import_activities(ws, export).unchanged
    assert import_activities(ws, sorted(export.iterdir())).unchanged  # its files: the same
    assert dump(db_path) == before
    task = export / "Task.csv"
    task.write_text(task.read_text(encoding="utf-8").replace("No answer", "Connected"), "utf-8")
    report = import_activities(ws, export)
    assert report.replaced and report.rows_imported == 8
    current = "SELECT count(*) FROM imports WHERE kind = 'activities' AND superseded_by IS NULL"
    assert ws.conn.execute(current).fetchone() == (1,)
    assert _tie(ws, "Lina Ahl", "Per Falk")["meetings"] == 3
    for name in ("Task.csv", "Event.csv"):  # a week with one task and no events
        lines = (export / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (export / name).write_text("".join(lines[:2]), encoding="utf-8")
    before = dump(db_path)
    with pytest.raises(InputError, match="has 2 activities; the import it would replace has 8"):
        import_activities(ws, export)
    assert dump(db_path) == before
    assert import_activities(ws, export, replace=True).replaced


def test_a_salesforce_meeting_counts_for_each_member_who_attended_it(
    weekly_team: Workspace, db_path: Path
) -> None:
    ws = weekly_team
    report = import_activities(ws, BOOKED)
    assert (report.rows_read, report.rows_imported) == (5, 3)
    assert dict(report.skip_counts) == {
        "owner is no member of the team": 1,  # Sara's meeting with Maja, Olle declined
        "Event.csv: an invited user's copy (IsChild)": 1,
    }
    assert report.notes[-2:] == [
        "owners who are no member of the team: Sara Dahl (1); their activities are not"
        " imported (import their LinkedIn export, or a mailbox or calendar, to make them"
        " members)",
        "2 events counted through an invited member, their owner no member of the team (a"
        " meeting booked for a member by someone else)",
    ]
    meetings = {
        pair: _meetings(ws, *pair)
        for pair in [
            ("Lina Ahl", "Per Falk"),  # invited by Sara twice, her own once
            ("Lina Ahl", "Tove Sand"),
            ("Olle Berg", "Per Falk"),  # invited by Lina, and by Sara
            ("Lina Ahl", "Olle Berg"),  # Lina's own meeting only: members invited meet contacts
            ("Lina Ahl", "Sara Dahl"),  # Lina's own meeting: her attendees, users too
            ("Olle Berg", "Sara Dahl"),
            ("Sara Dahl", "Per Falk"),  # no member
            ("Olle Berg", "Maja Lind"),  # he declined
        ]
    }
    assert list(meetings.values()) == [3, 1, 2, 1, 1, 0, 0, 0]
    before = dump(db_path)
    assert import_activities(ws, BOOKED).unchanged
    assert dump(db_path) == before


_USERS = {"0055g000004LinaAAA": "Lina Ahl", "0055g000004OlleAAA": "Olle Berg"}
_USERS["0055g000004SaraAAA"] = "Sara Dahl"  # no member
_USERS["0055g000004LinbAAA"] = "Lina Ahl"  # a second user of hers: one person
_CONTACTS = {"0035g000001PerFAAA": "Per Falk", "0035g000001MajaAAA": "Maja Lind"}
_CONTACTS["00Q5g000003ToveAAA"] = "Tove Sand"  # a lead
_CONTACTS["00Q5g000003PerFAAA"] = "Per Falk"  # his lead, before it became a contact
_MEMBERS = {"Lina Ahl", "Olle Berg"}
_event = st.tuples(
    st.sampled_from(sorted(_USERS)),  # its owner
    st.sampled_from(["", *sorted(_CONTACTS)]),  # its WhoId
    st.dictionaries(  # its EventRelation rows: person → status
        st.sampled_from(sorted(_USERS | _CONTACTS)), st.sampled_from(["Accepted", "Declined"])
    ),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_event, min_size=1, max_size=6))
@example([("0055g000004LinaAAA", "", {"0055g000004LinbAAA": "Accepted"})])  # herself alone
def test_each_pair_meets_once_per_salesforce_event_whoever_owns_it(weekly_export, events) -> None:
    """The meetings an export's events give each pair, against the plain count: a member who
    owns an event meets everyone who attended, a member invited meets its contacts and leads,
    each pair once per event."""
    expected: Counter[frozenset[str]] = Counter()
    event_rows, relation_rows = [], []
    for n, (owner, who, relations) in enumerate(events):
        key = f"00U5g00000H{n:02}AAAAA"
        event_rows.append(f"{key},{who},{owner},2026-11-{n + 2:02}T09:00:00.000Z,false,false")
        relation_rows += [f"{key},{person},{status}" for person, status in relations.items()]
        declined = {p for p, status in relations.items() if status == "Declined"}
        there = {who, *relations} - declined - {"", owner}  # who attended, the owner apart
        pairs = set()
        if _USERS[owner] in _MEMBERS:
            pairs |= {frozenset((_USERS[owner], (_USERS | _CONTACTS)[p])) for p in there}
        for user in there & _USERS.keys():
            if _USERS[user] in _MEMBERS:
                pairs |= {frozenset((_USERS[user], _CONTACTS[p])) for p in there - _USERS.keys()}
        expected.update(pairs)
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export"
        export.mkdir()
        contacts = [(k, v) for k, v in _CONTACTS.items() if k.startswith("003")]
        leads = [(k, v) for k, v in _CONTACTS.items() if k.startswith("00Q")]
        files = {
            "Event.csv": ["Id,WhoId,OwnerId,StartDateTime,IsAllDayEvent,IsChild", *event_rows],
            "EventRelation.csv": ["EventId,RelationId,Status", *relation_rows],
            "User.csv": ["Id,Username,Name", *(f"{k},{k}@x,{v}" for k, v in _USERS.items())],
            "Contact.csv": ["Id,LastName,Name", *(f"{k},-,{v}" for k, v in contacts)],
            "Lead.csv": ["Id,LastName,Company,Name", *(f"{k},-,-,{v}" for k, v in leads)],
        }
        for name, lines in files.items():
            (export / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        ws = Workspace(Path(folder) / "w.db")
        try:
            import_linkedin(ws, [weekly_export(LINA, [], 1)])
            import_linkedin(ws, [weekly_export(OLLE, [], 1)])
            import_activities(ws, export)
            people = sorted({*_USERS.values(), *_CONTACTS.values()})
            names = ws.conn.execute("SELECT name FROM people").fetchall()
            assert len(names) == len(set(names))  # one person of each name, whose ties are read
            got = {frozenset(p): _meetings(ws, *p) for p in combinations(people, 2)}
        finally:
            ws.close()
    assert got == {pair: expected[pair] for pair in got}


def _meetings(ws: Workspace, a: str, b: str) -> int:
    """The meetings between the people named ``a`` and ``b`` (0 where they have no tie)."""
    row = ws.conn.execute(
        "SELECT t.meetings FROM ties t JOIN people p ON p.id IN (t.a, t.b) JOIN people q"
        " ON q.id IN (t.a, t.b) AND q.id != p.id WHERE p.name = ? AND q.name = ?",
        (a, b),
    ).fetchone()
    return row[0] if row else 0


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        ((SALESFORCE / "Task.csv", SALESFORCE / "Contact.csv"), "no User.csv was given"),
        ((SALESFORCE / "Task.csv",), "no User.csv was given"),
        (
            (SALESFORCE.parent / "wrong-columns" / "Task.csv", SALESFORCE / "User.csv"),
            "line 1: no WhoId column",
        ),
        (
            (LINKEDIN.parent / "activities" / "hubspot-activities.csv", SALESFORCE / "User.csv"),
            "hubspot-activities.csv: is no file of a Salesforce export",
        ),
    ],
)
def test_a_salesforce_export_that_cannot_be_read_changes_nothing(
    weekly_team: Workspace, db_path: Path, paths: tuple[Path, ...], message: str
) -> None:
    before = dump(db_path)
    with pytest.raises(InputError, match=message):
        import_activities(weekly_team, list(paths))
    assert dump(db_path) == before


def test_column_and_type_options_are_refused_for_a_salesforce_export(
    weekly_team: Workspace,
) -> None:
    with pytest.raises(InputError, match="--column is for one activity file"):
        import_activities(weekly_team, SALESFORCE, columns={"owner": "OwnerId"})
    with pytest.raises(InputError, match="--type is for one activity file"):
        import_activities(weekly_team, SALESFORCE, activity_type="call")
