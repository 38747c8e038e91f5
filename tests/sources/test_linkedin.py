"""Tests for graphwarm.sources.linkedin through import_linkedin: every export era of formats.md."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import LINKEDIN, db_bytes, linkedin_fixture

from graphwarm import InputError, Workspace, import_linkedin
from graphwarm.sources.records import ImportReport

KARIN = "in/karin-lund"


def people(ws: Workspace) -> dict[str, dict]:
    """Everyone in the workspace by name."""
    ws.conn.row_factory = None
    cols = ["id", "name", "url", "url_key", "company", "title", "is_member", "is_target"]
    rows = ws.conn.execute(f"SELECT {', '.join(cols)} FROM people").fetchall()
    out = {r[1]: dict(zip(cols, r, strict=True)) for r in rows}
    assert len(out) == len(rows), "two people share a name"
    return out


def tie(ws: Workspace, one: str, other: str) -> dict | None:
    """The summed tie between two people, directional fields read one → other."""
    ids = {n: p["id"] for n, p in people(ws).items()}
    a, b = sorted((ids[one], ids[other]))
    cols = ["connected_on", "msgs_ab", "msgs_ba", "first_msg", "last_msg"]
    cols += ["endorse_ab", "endorse_ba", "recs_ab", "recs_ba", "kinds", "strength"]
    row = ws.conn.execute(f"SELECT {', '.join(cols)} FROM ties WHERE a = ? AND b = ?", (a, b))
    found = row.fetchone()
    if found is None:
        return None
    t = dict(zip(cols, found, strict=True))
    if ids[one] > ids[other]:  # read it one → other
        for x in ("msgs", "endorse", "recs"):
            t[f"{x}_ab"], t[f"{x}_ba"] = t[f"{x}_ba"], t[f"{x}_ab"]
    return t


def loose(tmp_path: Path, **files: str) -> list[Path]:
    """Copy fixtures into tmp_path under LinkedIn's names: ``loose(tmp, Connections="x.csv")``."""
    paths = []
    for name, fixture in files.items():
        path = tmp_path / f"{name}.csv"
        shutil.copy(LINKEDIN / fixture, path)
        paths.append(path)
    return paths


def imported(ws: Workspace, tmp_path: Path, **files: str) -> list[ImportReport]:
    return import_linkedin(ws, loose(tmp_path, **files), member="Karin Lund")


def report_for(reports: list[ImportReport], kind: str) -> ImportReport:
    return next(r for r in reports if r.kind == f"linkedin:{kind}")


# --- Connections.csv, every era ----------------------------------------------------------------


def test_connections_2023_with_preamble(ws: Workspace, tmp_path: Path) -> None:
    reports = imported(ws, tmp_path, Connections="connections_2023.csv")
    r = report_for(reports, "connections")
    assert (r.rows_read, r.rows_imported, r.skipped) == (4, 4, [])
    p = people(ws)
    assert set(p) == {"Karin Lund", "Åsa Öberg", "Mikko Virtanen", "Jörg Müller", "Sigrid Dahl"}
    assert p["Karin Lund"]["is_member"] == 1
    assert p["Åsa Öberg"]["url_key"] == "in/asa-oberg"
    assert p["Åsa Öberg"]["company"] == "Nordvik Transport AB"
    assert p["Mikko Virtanen"]["url_key"] == "in/mikko-virtanen-1a2b3c"
    assert p["Jörg Müller"]["url_key"] == "in/jörg-müller"  # percent-encoded slug
    assert p["Jörg Müller"]["company"] == 'Förde "Nord" Logistik GmbH'  # quoted, with ""
    assert p["Jörg Müller"]["title"] == "Leiter Einkauf"  # spaces around it trimmed
    assert p["Sigrid Dahl"]["company"] is None and p["Sigrid Dahl"]["title"] is None
    assert tie(ws, "Karin Lund", "Åsa Öberg")["connected_on"] == "2023-02-08"
    assert tie(ws, "Karin Lund", "Jörg Müller")["connected_on"] == "2020-01-02"
    emails = dict(ws.conn.execute("SELECT email, person_id FROM emails"))
    assert emails == {"mikko.virtanen@koskimaa.fi": p["Mikko Virtanen"]["id"]}


def test_connections_2023_without_preamble(ws: Workspace, tmp_path: Path) -> None:
    reports = imported(ws, tmp_path, Connections="connections_2023_no_preamble.csv")
    assert report_for(reports, "connections").rows_imported == 2
    assert tie(ws, "Karin Lund", "Sigrid Dahl")["connected_on"] == "2024-10-01"


def test_connections_2018_month_first_dates_and_no_url(ws: Workspace, tmp_path: Path) -> None:
    imported(ws, tmp_path, Connections="connections_2018.csv")
    p = people(ws)
    assert p["Henrik Strand"]["url"] is None
    assert p["Henrik Strand"]["company"] == "Tallholm Mekaniska AB"
    # "3/12/18, 4:05 PM" is 12 March, never 3 December
    assert tie(ws, "Karin Lund", "Henrik Strand")["connected_on"] == "2018-03-12"
    assert tie(ws, "Karin Lund", "Ingrid Bakke")["connected_on"] == "2018-11-02"


def test_connections_2018_says_it_assumed_month_first(ws: Workspace, tmp_path: Path) -> None:
    reports = imported(ws, tmp_path, Connections="connections_2018.csv")
    assert report_for(reports, "connections").notes == [
        "Connected On dates read as month/day, LinkedIn's order: none of them shows the order"
        " (e.g. line 2: '3/12/18, 4:05 PM')"
    ]


def test_connections_2020_preamble_without_url(ws: Workspace, tmp_path: Path) -> None:
    imported(ws, tmp_path, Connections="connections_2020_preamble_no_url.csv")
    assert tie(ws, "Karin Lund", "Ingrid Bakke")["connected_on"] == "2021-03-03"


def test_connections_excel_resave(ws: Workspace, tmp_path: Path) -> None:
    raw = (LINKEDIN / "connections_excel.csv").read_bytes()
    assert b"\r\n" in raw and b";" in raw and "Å".encode("cp1252") in raw  # what it tests
    reports = imported(ws, tmp_path, Connections="connections_excel.csv")
    assert report_for(reports, "connections").skipped == []
    p = people(ws)
    assert p["Björn Sæther"]["company"] == "Øysund Industri AS"
    assert p["Åsa Öberg"]["url_key"] == "in/asa-oberg"
    assert tie(ws, "Karin Lund", "Åsa Öberg")["connected_on"] == "2022-05-09"  # 9-May-22
    assert tie(ws, "Karin Lund", "Björn Sæther")["connected_on"] == "2021-02-28"


def test_connections_utf16_tab_legacy(ws: Workspace, tmp_path: Path) -> None:
    assert (LINKEDIN / "connections_utf16.csv").read_bytes()[:2] == b"\xff\xfe"
    imported(ws, tmp_path, Connections="connections_utf16.csv")
    p = people(ws)
    assert p["Ørjan Ødegård"]["company"] == "Øysund Industri AS"
    assert p["Sigrid Dahl"]["title"] == "CFO"
    assert tie(ws, "Karin Lund", "Ørjan Ødegård")["connected_on"] == "2018-11-21"


def test_connections_hidden_accounts_are_counted_not_people(ws: Workspace, tmp_path: Path) -> None:
    reports = imported(ws, tmp_path, Connections="connections_hidden_rows.csv")
    r = report_for(reports, "connections")
    assert r.rows_read == 3 and r.rows_imported == 1
    assert r.skipped == [(6, "hidden account: only a date"), (7, "hidden account: only a date")]
    assert set(people(ws)) == {"Karin Lund", "Åsa Öberg"}
    skips = ws.conn.execute("SELECT line, reason FROM import_skips ORDER BY line").fetchall()
    assert skips == r.skipped


@pytest.mark.parametrize(
    "fixture", ["connections_bom.csv", "connections_double_encoded.csv", "connections_crlf.csv"]
)
def test_connections_encoding_variants(ws: Workspace, tmp_path: Path, fixture: str) -> None:
    imported(ws, tmp_path, Connections=fixture)
    p = people(ws)
    assert p["Åsa Öberg"]["url_key"] == "in/asa-oberg"
    assert tie(ws, "Karin Lund", "Åsa Öberg")["connected_on"] == "2023-02-08"


def test_connections_double_encoded_is_repaired_and_noted(ws: Workspace, tmp_path: Path) -> None:
    assert "Ã…sa" in (LINKEDIN / "connections_double_encoded.csv").read_text("utf-8")
    reports = imported(ws, tmp_path, Connections="connections_double_encoded.csv")
    assert "repaired garbled characters on 1 line" in report_for(reports, "connections").notes
    assert "Ã" not in repr(people(ws))


MIXED_NOTE = "1 line is not UTF-8: read as Windows-1252 (Western European) (first: line 6)"


def test_connections_with_lines_in_two_encodings_are_read_and_noted(
    ws: Workspace, tmp_path: Path
) -> None:
    raw = (LINKEDIN / "connections_mixed_encodings.csv").read_bytes()
    assert "Jörg".encode("cp1252") in raw and "Ágnes".encode() in raw  # what it tests
    reports = imported(ws, tmp_path, Connections="connections_mixed_encodings.csv")
    assert MIXED_NOTE in report_for(reports, "connections").notes
    p = people(ws)
    assert p["Jörg Müller"]["company"] == "Förde Logistik GmbH"
    assert p["Ágnes Szabó"]["title"] == "Ügyvezető"


def test_the_encoding_note_comes_through_the_read_ahead_worker(
    ws: Workspace, karin_export, make_zip
) -> None:
    oskar = make_zip(
        {
            "Profile.csv": linkedin_fixture("Profile_oskar.csv"),
            "Connections.csv": linkedin_fixture("connections_2018.csv"),
        },
        "oskar.zip",
    )
    karin = karin_export({"Connections.csv": linkedin_fixture("connections_mixed_encodings.csv")})
    reports = import_linkedin(ws, [karin, oskar])  # two exports: read ahead where it can
    karin_connections = next(r for r in reports if r.member == "Karin Lund" and "Conn" in r.file)
    assert MIXED_NOTE in karin_connections.notes
    assert people(ws)["Jörg Müller"]["company"] == "Förde Logistik GmbH"


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        ("connections_too_many_fields.csv", "8 fields, expected 7"),
        ("connections_too_few_fields.csv", "6 fields, expected 7"),
    ],
)
def test_connections_wrong_width_row_is_skipped_and_reported(
    ws: Workspace, tmp_path: Path, fixture: str, reason: str
) -> None:
    r = report_for(imported(ws, tmp_path, Connections=fixture), "connections")
    assert (r.rows_read, r.rows_imported, r.skipped) == (3, 2, [(3, reason)])
    assert "Mikko Virtanen" not in people(ws)
    assert "Sigrid Dahl" in people(ws)


def test_connections_header_only_imports_nothing(ws: Workspace, tmp_path: Path) -> None:
    r = report_for(imported(ws, tmp_path, Connections="connections_header_only.csv"), "connections")
    assert (r.rows_read, r.rows_imported, r.skipped) == (0, 0, [])
    assert set(people(ws)) == {"Karin Lund"}


def test_connections_unterminated_quote_is_an_error(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        imported(ws, tmp_path, Connections="connections_unterminated_quote.csv")
    assert info.value.line == 3 and "never ends" in info.value.message
    assert info.value.file and info.value.file.endswith("Connections.csv")
    assert ws.conn.execute("SELECT count(*) FROM people").fetchone()[0] == 0


def test_connections_header_without_spaces(ws: Workspace, tmp_path: Path) -> None:
    # old exports: FirstName,LastName,EmailAddress,Company,Position,ConnectedOn
    reports = imported(ws, tmp_path, Connections="connections_no_spaces.csv")
    r = report_for(reports, "connections")
    assert (r.rows_read, r.rows_imported, r.skipped) == (2, 2, [])
    p = people(ws)
    assert p["Henrik Strand"]["company"] == "Tallholm Mekaniska AB"
    assert p["Ingrid Bakke"]["title"] == "CEO"
    assert tie(ws, "Karin Lund", "Henrik Strand")["connected_on"] == "2018-03-12"
    assert "first name ← 'FirstName' (column 1)" in map(str, r.columns)
    assert not r.columns_unusual


def test_connections_header_without_spaces_found_by_its_header(
    ws: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "old connections.csv"  # not LinkedIn's name: recognised by the header
    shutil.copy(LINKEDIN / "connections_no_spaces.csv", path)
    reports = import_linkedin(ws, [path], member="Karin Lund")
    assert report_for(reports, "connections").rows_imported == 2


def test_connections_with_one_name_column_read_as_full_names(ws: Workspace, tmp_path: Path) -> None:
    r = report_for(
        imported(ws, tmp_path, Connections="connections_one_name_column.csv"), "connections"
    )
    assert (r.rows_read, r.rows_imported) == (2, 2)
    assert set(people(ws)) == {"Karin Lund", "Henrik Strand", "Ingrid Bakke"}
    assert "one name column, 'Name' (column 1): its values are imported as full names" in r.notes
    assert r.columns_unusual
    assert "name ← 'Name' (column 1); the only name column: read as full names" in map(
        str, r.columns
    )


def test_connections_missing_last_name_names_the_column(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        imported(ws, tmp_path, Connections="connections_no_last_name.csv")
    err = info.value
    assert err.message == (
        "no Last Name column (found: First Name, Company, Position, Connected On)"
    )
    assert err.line == 1 and err.file and err.file.endswith("Connections.csv")
    assert "First Name, Last Name and Connected On" in str(err)
    assert ws.conn.execute("SELECT count(*) FROM people").fetchone()[0] == 0


# --- messages.csv, every header variant ---------------------------------------------------------


def test_messages_2018_by_direction_and_name(ws: Workspace, tmp_path: Path) -> None:
    reports = imported(
        ws, tmp_path, Connections="connections_2018.csv", messages="messages_2018.csv"
    )
    assert report_for(reports, "messages").skipped == []
    henrik = tie(ws, "Karin Lund", "Henrik Strand")
    assert (henrik["msgs_ab"], henrik["msgs_ba"]) == (2, 1)
    assert (henrik["first_msg"], henrik["last_msg"]) == ("2018-04-01", "2018-05-20")
    assert henrik["connected_on"] == "2018-03-12"  # the same person as the connection
    ingrid = tie(ws, "Karin Lund", "Ingrid Bakke")
    assert (ingrid["msgs_ab"], ingrid["msgs_ba"]) == (0, 1)
    assert len(people(ws)) == 3


def test_messages_2021_without_recipient_urls(ws: Workspace, tmp_path: Path) -> None:
    reports = imported(
        ws, tmp_path, Connections="connections_2023.csv", messages="messages_2021.csv"
    )
    r = report_for(reports, "messages")
    assert r.skipped == [] and r.rows_read == 4
    asa = tie(ws, "Karin Lund", "Åsa Öberg")
    # Karin's own message names Åsa only in TO: it still counts, towards the same Åsa.
    assert (asa["msgs_ab"], asa["msgs_ba"]) == (1, 2)
    assert (asa["first_msg"], asa["last_msg"]) == ("2021-03-01", "2021-03-05")
    mikko = tie(ws, "Karin Lund", "Mikko Virtanen")
    assert (mikko["msgs_ab"], mikko["msgs_ba"]) == (0, 1)
    # Each URL is on as many conversations as Karin's: the owner is who sends as Karin Lund.
    assert people(ws)["Karin Lund"]["url_key"] == KARIN
    assert len(people(ws)) == 5


def test_messages_2021_with_connections_without_urls(ws: Workspace, tmp_path: Path) -> None:
    imported(
        ws,
        tmp_path,
        Connections="connections_2020_preamble_no_url.csv",
        messages="messages_2021.csv",
    )
    p = people(ws)
    # Åsa is no connection here; her name in TO and her URL as sender are one person.
    assert p["Åsa Öberg"]["url_key"] == "in/asa-oberg"
    asa = tie(ws, "Karin Lund", "Åsa Öberg")
    assert (asa["msgs_ab"], asa["msgs_ba"], asa["connected_on"]) == (1, 2, None)


def test_messages_2023_with_recipient_urls(ws: Workspace, tmp_path: Path) -> None:
    imported(ws, tmp_path, Connections="connections_2023.csv", messages="messages_2023.csv")
    asa = tie(ws, "Karin Lund", "Åsa Öberg")
    assert (asa["msgs_ab"], asa["msgs_ba"]) == (2, 1)
    assert (asa["first_msg"], asa["last_msg"]) == ("2024-05-01", "2024-06-11")
    assert asa["connected_on"] == "2023-02-08"
    mikko = tie(ws, "Karin Lund", "Mikko Virtanen")
    assert (mikko["msgs_ab"], mikko["msgs_ba"]) == (0, 1)
    assert tie(ws, "Karin Lund", "Jörg Müller")["msgs_ab"] == 0


def test_messages_2026_fully_quoted_group_threads_and_sponsored(
    ws: Workspace, tmp_path: Path
) -> None:
    reports = imported(
        ws, tmp_path, Connections="connections_2023.csv", messages="messages_2026.csv"
    )
    r = report_for(reports, "messages")
    assert r.rows_read == 5  # a multi-line CONTENT is one row
    assert r.skipped == [(7, "sender has no profile URL (LinkedIn Member or sponsored)")]
    asa = tie(ws, "Karin Lund", "Åsa Öberg")
    assert (asa["msgs_ab"], asa["msgs_ba"]) == (2, 1)  # direct and group message out
    sigrid = tie(ws, "Karin Lund", "Sigrid Dahl")
    assert (sigrid["msgs_ab"], sigrid["msgs_ba"]) == (1, 1)
    assert (sigrid["first_msg"], sigrid["last_msg"]) == ("2026-02-01", "2026-02-02")
    assert "LinkedIn Member" not in people(ws)
    assert len(people(ws)) == 5


def test_messages_without_connections(ws: Workspace, tmp_path: Path) -> None:
    imported(ws, tmp_path, messages="messages_2023.csv")
    p = people(ws)
    assert set(p) == {"Karin Lund", "Åsa Öberg", "Mikko Virtanen"}
    assert p["Åsa Öberg"]["url_key"] == "in/asa-oberg"


def test_owner_url_is_inferred_from_messages(ws: Workspace, tmp_path: Path) -> None:
    imported(ws, tmp_path, Connections="connections_2023.csv", messages="messages_2023.csv")
    karin = people(ws)["Karin Lund"]
    assert karin["url_key"] == KARIN and karin["url"] == "https://www.linkedin.com/in/karin-lund"


def test_owner_url_from_invitations(ws: Workspace, tmp_path: Path, karin_export) -> None:
    zip_path = karin_export(
        {"Invitations.csv": linkedin_fixture("Invitations.csv"), "messages.csv": None}
    )
    reports = import_linkedin(ws, [zip_path])
    karin = people(ws)["Karin Lund"]
    assert karin["url_key"] == KARIN and karin["url"].startswith("https://")
    assert "Invitations.csv: 2 rows read, used only to find the member's URL" in reports[0].notes
    assert "Invitations" not in repr(ws.conn.execute("SELECT kind FROM imports").fetchall())


def test_message_text_is_never_stored(db_path: Path, tmp_path: Path, make_zip) -> None:
    files = {
        "Profile.csv": linkedin_fixture("Profile.csv"),
        "Connections.csv": linkedin_fixture("connections_2023.csv"),
        "messages.csv": linkedin_fixture("messages_2026.csv"),
        "Recommendations_Received.csv": linkedin_fixture("Recommendations_Received.csv"),
        "Recommendations_Given.csv": linkedin_fixture("Recommendations_Given.csv"),
        "Invitations.csv": linkedin_fixture("Invitations.csv"),
    }
    ws = Workspace(db_path)
    import_linkedin(ws, [make_zip(files)])
    other = tmp_path / "older"
    other.mkdir()
    import_linkedin(ws, loose(other, messages="messages_2021.csv"), member="Oskar Nyberg")
    data = db_bytes(db_path)
    ws.close()
    data += db_bytes(db_path)
    assert b"SECRET" not in data
    assert "SECRET".encode("utf-16-le") not in data
    assert "Inköp 2026".encode() not in data  # a group's title is content too


# --- the other parts ------------------------------------------------------------------------------


def test_endorsements_both_ways(ws: Workspace, tmp_path: Path) -> None:
    reports = imported(
        ws,
        tmp_path,
        Connections="connections_2023.csv",
        Endorsement_Received_Info="Endorsement_Received_Info.csv",
        Endorsement_Given_Info="Endorsement_Given_Info.csv",
    )
    assert report_for(reports, "endorsements_received").skipped == [
        (4, "endorsement status REJECTED")
    ]
    asa = tie(ws, "Karin Lund", "Åsa Öberg")  # URL without scheme: the same Åsa
    assert (asa["endorse_ab"], asa["endorse_ba"]) == (0, 2)
    sigrid = tie(ws, "Karin Lund", "Sigrid Dahl")
    assert (sigrid["endorse_ab"], sigrid["endorse_ba"]) == (1, 0)
    assert tie(ws, "Karin Lund", "Mikko Virtanen")["endorse_ba"] == 0
    assert len(people(ws)) == 5


def test_recommendations_both_ways(ws: Workspace, tmp_path: Path) -> None:
    imported(
        ws,
        tmp_path,
        Connections="connections_2023.csv",
        Recommendations_Received="Recommendations_Received.csv",
        Recommendations_Given="Recommendations_Given.csv",
    )
    asa = tie(ws, "Karin Lund", "Åsa Öberg")
    assert (asa["recs_ab"], asa["recs_ba"]) == (0, 1)
    mikko = tie(ws, "Karin Lund", "Mikko Virtanen")
    assert (mikko["recs_ab"], mikko["recs_ba"]) == (1, 0)
    assert len(people(ws)) == 5  # matched by name and company, not new people


def test_recommendations_file_must_say_given_or_received(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        imported(ws, tmp_path, Recommendations="Recommendations_Given.csv")
    assert "given or received" in info.value.message


def test_positions_and_profile(ws: Workspace, karin_export) -> None:
    reports = import_linkedin(ws, [karin_export()])  # no --member: Profile.csv names her
    assert {r.member for r in reports} == {"Karin Lund"}
    karin = people(ws)["Karin Lund"]
    assert karin["is_member"] == 1
    assert (karin["company"], karin["title"]) == ("Nordvik Transport AB", "Key Account Manager")
    positions = ws.conn.execute(
        "SELECT company, title, started, finished FROM positions ORDER BY started"
    ).fetchall()
    assert positions == [
        ("Havndal Marine AS", "Sales Executive", "2016-01", "2021-02"),
        ("Nordvik Transport AB", "Key Account Manager", "2021-03", None),
    ]
    # Åsa (a connection at Karin's company) is her colleague, not her
    assert people(ws)["Åsa Öberg"]["id"] != karin["id"]


def test_a_position_whose_end_date_cannot_be_read_is_still_ended(
    ws: Workspace, karin_export
) -> None:
    """An unreadable Finished On must not make an old job the member's current one: her
    company decides who her colleagues are, so a wrong one invents internal referrals."""
    positions = linkedin_fixture("Positions_unreadable_dates.csv")
    reports = import_linkedin(ws, [karin_export({"Positions.csv": positions})])
    karin = people(ws)["Karin Lund"]
    assert karin["company"] == "Nordvik Transport AB"  # not Havndal, which started later
    stored = ws.conn.execute(
        "SELECT company, started, finished FROM positions ORDER BY company"
    ).fetchall()
    assert stored == [
        ("Havndal Marine AS", "2022-01", None),
        ("Nordvik Transport AB", "2021-03", None),
        ("Strand Rederi AS", None, "2015-12"),
    ]
    notes = [n.rsplit("/", 1)[-1] for r in reports for n in r.notes if "could not be read" in n]
    assert notes == [
        "karin.zip:Positions.csv: 2 dates could not be read and were left out (line 3:"
        " 'sommaren 2023', line 4: 'Frühling 2015'); a position whose end date is unreadable"
        " is still taken as ended"
    ]


def test_no_profile_and_no_member_is_an_error(ws: Workspace, karin_export) -> None:
    with pytest.raises(InputError) as info:
        import_linkedin(ws, [karin_export({"Profile.csv": None})])
    assert "has no Profile.csv" in info.value.message
    assert '--member "Full Name"' in str(info.value)
    assert ws.conn.execute("SELECT count(*) FROM imports").fetchone()[0] == 0


def test_member_option_overrides_profile(ws: Workspace, karin_export) -> None:
    import_linkedin(ws, [karin_export()], member="Karin Lund-Berg")
    assert people(ws)["Karin Lund-Berg"]["is_member"] == 1
    assert "Karin Lund" not in people(ws)


# --- how an export is handed over ---------------------------------------------------------------


def test_zip_with_sub_folders_and_case_varied_names(ws: Workspace, make_zip) -> None:
    zip_path = make_zip(
        {
            "Basic_LinkedInDataExport_05-01-2026/PROFILE.csv": linkedin_fixture("Profile.csv"),
            "Basic_LinkedInDataExport_05-01-2026/connections.CSV": linkedin_fixture(
                "connections_2023.csv"
            ),
            "Basic_LinkedInDataExport_05-01-2026/messages/Messages.csv": linkedin_fixture(
                "messages_2023.csv"
            ),
            "Basic_LinkedInDataExport_05-01-2026/Contacts.csv": "First Name,Last Name,"
            "Phone Numbers\nPer,Moberg,+46 70 000 99 99\n",
        }
    )
    reports = import_linkedin(ws, [zip_path])
    kinds = {r.kind for r in reports}
    assert kinds == {"linkedin:connections", "linkedin:messages"}
    assert tie(ws, "Karin Lund", "Åsa Öberg")["msgs_ab"] == 2
    assert any("not used" in n and "Contacts.csv" in n for n in reports[0].notes)
    assert "Per Moberg" not in people(ws)  # address books are not imported
    assert all(r.file.startswith(str(zip_path)) for r in reports)


def test_unpacked_folder(ws: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "Basic_LinkedInDataExport_05-01-2026"
    folder.mkdir()
    shutil.copy(LINKEDIN / "Profile.csv", folder / "Profile.csv")
    shutil.copy(LINKEDIN / "connections_2023.csv", folder / "Connections.csv")
    shutil.copy(LINKEDIN / "Endorsement_Given_Info.csv", folder / "Endorsement_Given_Info.csv")
    reports = import_linkedin(ws, [folder])
    assert {r.kind for r in reports} == {"linkedin:connections", "linkedin:endorsements_given"}
    assert tie(ws, "Karin Lund", "Sigrid Dahl")["endorse_ab"] == 1


def test_loose_files_are_recognised_by_their_header(ws: Workspace, tmp_path: Path) -> None:
    shutil.copy(LINKEDIN / "connections_2023.csv", tmp_path / "my connections.csv")
    shutil.copy(LINKEDIN / "messages_2023.csv", tmp_path / "inbox.csv")
    reports = import_linkedin(
        ws, [tmp_path / "my connections.csv", tmp_path / "inbox.csv"], member="Karin Lund"
    )
    assert {r.kind for r in reports} == {"linkedin:connections", "linkedin:messages"}
    assert tie(ws, "Karin Lund", "Åsa Öberg")["msgs_ba"] == 1


def test_two_loose_files_of_one_kind_is_an_error(ws: Workspace, tmp_path: Path) -> None:
    one, two = tmp_path / "a", tmp_path / "b"
    one.mkdir()
    two.mkdir()
    paths = loose(one, Connections="connections_2023.csv") + loose(
        two, Connections="connections_2018.csv"
    )
    with pytest.raises(InputError) as info:
        import_linkedin(ws, paths, member="Karin Lund")
    assert "two connections files" in info.value.message


def test_several_members_in_one_command(ws: Workspace, karin_export, make_zip) -> None:
    oskar = make_zip(
        {
            "Profile.csv": linkedin_fixture("Profile_oskar.csv"),
            "Connections.csv": linkedin_fixture("connections_2018.csv"),
        },
        "oskar.zip",
    )
    reports = import_linkedin(ws, [karin_export(), oskar])
    assert {r.member for r in reports} == {"Karin Lund", "Oskar Nyberg"}
    assert ws.status().members == ["Karin Lund", "Oskar Nyberg"]
    assert tie(ws, "Oskar Nyberg", "Henrik Strand")["connected_on"] == "2018-03-12"


def test_member_option_with_several_exports_is_an_error(ws: Workspace, karin_export) -> None:
    with pytest.raises(InputError) as info:
        import_linkedin(ws, [karin_export(), karin_export(name="k2.zip")], member="Karin Lund")
    assert "--member names one member, but 2 exports were given" in info.value.message


def test_zip_without_linkedin_files(ws: Workspace, make_zip) -> None:
    with pytest.raises(InputError) as info:
        import_linkedin(ws, [make_zip({"notes.txt": "hej"})])
    assert "holds no LinkedIn export file" in info.value.message


def test_missing_path(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        import_linkedin(ws, [tmp_path / "nope.zip"])
    assert info.value.message == "no such file or folder"


@pytest.mark.parametrize(
    ("name", "fixture", "holds"),
    [
        ("Connections.csv", "messages_2023.csv", "messages.csv"),
        ("messages.csv", "connections_2023.csv", "Connections"),
    ],
)
def test_file_named_as_one_kind_holding_another(
    ws: Workspace, make_zip: Callable[..., Path], name: str, fixture: str, holds: str
) -> None:
    zip_path = make_zip(
        {"Profile.csv": linkedin_fixture("Profile.csv"), name: linkedin_fixture(fixture)}
    )
    with pytest.raises(InputError) as info:
        import_linkedin(ws, [zip_path])
    assert f"holds {holds}" in info.value.message
    assert info.value.file == f"{zip_path}:{name}"


def test_loose_file_named_connections_holding_messages(ws: Workspace, tmp_path: Path) -> None:
    paths = loose(tmp_path, Connections="messages_2023.csv")
    with pytest.raises(InputError) as info:
        import_linkedin(ws, paths, member="Karin Lund")
    assert "is named like Connections.csv but holds messages.csv" in info.value.message
    assert info.value.file == str(paths[0])
    assert ws.conn.execute("SELECT count(*) FROM imports").fetchone()[0] == 0


# --- placeholder cells ----------------------------------------------------------------------------


def test_connections_placeholder_cells_are_empty(ws: Workspace, tmp_path: Path) -> None:
    reports = imported(ws, tmp_path, Connections="connections_placeholders.csv")
    r = report_for(reports, "connections")
    assert r.skipped == [(9, "hidden account: only a date")]  # every other cell was "-"
    assert r.notes == [
        "treated 16 placeholder cells (-, N/A, –) as empty: Company 4, Last Name 3,"
        " Position 3, First Name 2, Email Address 2, URL 1, Connected On 1"
    ]
    p = people(ws)
    assert set(p) == {"Karin Lund", "Elin Sjöberg", "Tor Eide", "Saga", "(no name)"}
    assert (p["Elin Sjöberg"]["company"], p["Elin Sjöberg"]["title"]) == (None, None)
    assert (p["Tor Eide"]["company"], p["Tor Eide"]["title"]) == (None, None)
    assert p["Saga"]["company"] == "Nordvik Transport AB"  # last name "-": first name only
    assert p["(no name)"]["url_key"] == "in/anonymous-ab12"  # "N/A N/A": by URL only
    assert ws.conn.execute("SELECT count(*) FROM emails").fetchone() == (0,)  # "N/A" is none
    accounts = {r[0] for r in ws.conn.execute("SELECT name FROM accounts")}
    assert accounts.isdisjoint({"-", "N/A", "–", "NA"})
    assert tie(ws, "Karin Lund", "Saga")["connected_on"] is None  # "-": no date, not a bad one


# --- dates in the forms real files have -----------------------------------------------------------


def test_connections_day_first_file(ws: Workspace, tmp_path: Path) -> None:
    reports = imported(ws, tmp_path, Connections="connections_day_first.csv")
    assert report_for(reports, "connections").notes == [
        "Connected On dates read as day/month (from 2 unambiguous rows)"
    ]
    # the first row reads both ways: the rows after it show the file is day first
    assert tie(ws, "Karin Lund", "Elin Sjöberg")["connected_on"] == "2022-04-03"
    assert tie(ws, "Karin Lund", "Tor Eide")["connected_on"] == "2021-05-13"
    assert tie(ws, "Karin Lund", "Saga Lindgren")["connected_on"] == "2021-09-16"
    assert tie(ws, "Karin Lund", "Nils Ek")["connected_on"] == "2020-05-05"


def test_connections_month_first_shown_by_a_later_row(ws: Workspace, tmp_path: Path) -> None:
    reports = imported(ws, tmp_path, Connections="connections_month_first.csv")
    assert report_for(reports, "connections").notes == [
        "Connected On dates read as month/day (from 1 unambiguous row)"
    ]
    assert tie(ws, "Karin Lund", "Elin Sjöberg")["connected_on"] == "2017-03-04"
    assert tie(ws, "Karin Lund", "Tor Eide")["connected_on"] == "2016-09-21"


def test_connections_dotted_dates(ws: Workspace, tmp_path: Path) -> None:
    reports = imported(ws, tmp_path, Connections="connections_dotted.csv")
    assert report_for(reports, "connections").notes == [
        "Connected On dates read as day/month (from 1 unambiguous row)"
    ]
    assert tie(ws, "Karin Lund", "Elin Sjöberg")["connected_on"] == "2021-09-16"
    assert tie(ws, "Karin Lund", "Tor Eide")["connected_on"] == "2022-04-03"


def test_connections_in_both_orders_is_an_error(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        imported(ws, tmp_path, Connections="connections_both_orders.csv")
    err = info.value
    assert err.file and err.file.endswith("Connections.csv")
    assert (err.line, err.column) == (4, "Connected On")
    assert "line 2 ('13/05/2021') can only be day/month" in err.message
    assert "line 4 ('05/13/2021') only month/day" in err.message
    assert people(ws) == {}  # nothing of the import landed


def test_connections_unreadable_dates_are_counted_and_reported(
    ws: Workspace, tmp_path: Path
) -> None:
    reports = imported(ws, tmp_path, Connections="connections_unreadable_dates.csv")
    r = report_for(reports, "connections")
    assert (r.rows_read, r.rows_imported, r.skipped) == (3, 3, [])
    assert r.notes == [
        "3 of 3 Connected On dates could not be read, e.g. line 5: '2021-16-09';"
        " imported without a date"
    ]
    assert tie(ws, "Karin Lund", "Elin Sjöberg")["connected_on"] is None


@pytest.mark.parametrize(
    ("fixture", "dates"),
    [
        (
            "connections_excel_sv.csv",  # cp1252, ";", CRLF
            {"Åsa Öberg": "2022-05-03", "Björn Sæther": "2021-10-12", "Elin Sjöberg": "2009-03-30"},
        ),
        (
            "connections_excel_fr.csv",  # UTF-8 with BOM, ";", CRLF
            {
                "Élodie Marchand": "2019-12-01",
                "Tor Eide": "2020-02-02",
                "Saga Lindgren": "2018-08-17",
            },
        ),
    ],
)
def test_connections_resaved_by_excel_in_other_locales(
    ws: Workspace, tmp_path: Path, fixture: str, dates: dict[str, str]
) -> None:
    reports = imported(ws, tmp_path, Connections=fixture)
    r = report_for(reports, "connections")
    cp1252 = ["the file is not UTF-8: read as Windows-1252 (Western European)"]
    assert (r.skipped, r.notes) == ([], cp1252 if fixture.endswith("_sv.csv") else [])
    assert {name: tie(ws, "Karin Lund", name)["connected_on"] for name in dates} == dates


def test_messages_unreadable_date_is_skipped_counted_and_reported(
    ws: Workspace, tmp_path: Path
) -> None:
    reports = imported(
        ws, tmp_path, Connections="connections_2023.csv", messages="messages_bad_date.csv"
    )
    r = report_for(reports, "messages")
    assert r.skipped == [(3, "DATE '2024-13-02 09:30:12 UTC' is not a date")]
    assert r.notes[0] == (
        "1 of 3 dates (DATE) could not be read, e.g. line 3: '2024-13-02 09:30:12 UTC';"
        " those messages were skipped"
    )
    asa = tie(ws, "Karin Lund", "Åsa Öberg")
    assert (asa["msgs_ab"], asa["msgs_ba"]) == (2, 0)


def test_messages_2018_dates_take_the_files_order(ws: Workspace, tmp_path: Path) -> None:
    messages = (
        "From,To,Date,Subject,Content,Direction,Folder\n"
        'Karin Lund,Henrik Strand,"4/3/18, 9:30 AM",,SECRETCONTENT-a,OUTGOING,SENT\n'
        'Henrik Strand,Karin Lund,"4/13/18, 9:30 AM",,SECRETCONTENT-b,INCOMING,INBOX\n'
    )
    path = tmp_path / "messages.csv"
    path.write_text(messages, encoding="utf-8")
    reports = import_linkedin(ws, [path], member="Karin Lund")
    assert report_for(reports, "messages").notes[0] == (
        "dates (Date) read as month/day (from 1 unambiguous row)"
    )
    henrik = tie(ws, "Karin Lund", "Henrik Strand")
    assert (henrik["first_msg"], henrik["last_msg"]) == ("2018-04-03", "2018-04-13")
