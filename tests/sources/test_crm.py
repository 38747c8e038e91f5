"""Tests for graphwarm.sources.crm through import_people / import_accounts / import_ties."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import CRM

from graphwarm import InputError, Workspace, import_accounts, import_people, import_ties


def people(ws: Workspace) -> dict[str, tuple]:
    """name → (company, title, email, is_target)."""
    rows = ws.conn.execute(
        "SELECT p.name, p.company, p.title, e.email, p.is_target FROM people p"
        " LEFT JOIN emails e ON e.person_id = p.id ORDER BY p.id"
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


# --- people: each CRM and address book --------------------------------------------------------


def test_hubspot_contacts(ws: Workspace) -> None:
    r = import_people(ws, CRM / "hubspot_contacts.csv", target=True)
    assert (r.rows_read, r.rows_imported, r.skipped) == (2, 2, [])
    assert people(ws) == {
        "Åsa Öberg": ("NORDVIK TRANSPORT", "Ekonomichef", "asa.oberg@nordvik.se", 1),
        "Henrik Strand": ("Tallholm Mekaniska AB", "Inköpschef", "henrik.strand@tallholm.se", 1),
    }
    assert ws.status().targets == 2


def test_hubspot_contacts_swedish_headers(ws: Workspace) -> None:
    import_people(ws, CRM / "hubspot_contacts_sv.csv")
    assert people(ws) == {
        "Åsa Öberg": ("Nordvik Transport AB", "Ekonomichef", "asa.oberg@nordvik.se", 0)
    }


def test_salesforce_report_stops_at_its_footer(ws: Workspace) -> None:
    r = import_people(ws, CRM / "salesforce_report.csv")
    assert (r.rows_read, r.rows_imported, r.skipped) == (2, 2, [])
    assert "report footer ignored (3 lines)" in r.notes
    assert set(people(ws)) == {"Åsa Öberg", "Ingrid Bakke"}
    assert people(ws)["Ingrid Bakke"] == (
        "Havndal Marine AS",
        "CEO",
        "ingrid.bakke@havndalmarine.no",
        0,
    )


def test_salesforce_data_loader_api_names(ws: Workspace) -> None:
    import_people(ws, CRM / "salesforce_dataloader.csv")
    # AccountId is an id, not a company name: it must not become one
    assert people(ws) == {"Åsa Öberg": (None, "Ekonomichef", "asa.oberg@nordvik.se", 0)}


def test_pipedrive(ws: Workspace) -> None:
    import_people(ws, CRM / "pipedrive_people.csv")
    assert people(ws) == {
        "Ingrid Bakke": ("Havndal Marine AS", "CEO", "ingrid.bakke@havndalmarine.no", 0)
    }


def test_google_contacts_first_of_multi_values(ws: Workspace) -> None:
    import_people(ws, CRM / "google_contacts.csv")
    assert people(ws) == {
        "Sigrid Dahl": ("Fjordstrand Sjømat AS", "CFO", "sigrid.dahl@fjordstrand.no", 0)
    }


def test_outlook_job_title_not_the_honorific(ws: Workspace) -> None:
    import_people(ws, CRM / "outlook_contacts.csv")
    assert people(ws) == {
        "Henrik Strand": ("Tallholm Mekaniska AB", "Inköpschef", "henrik.strand@tallholm.se", 0)
    }


@pytest.mark.parametrize(
    "fixture",
    ["bom.csv", "cp1252_semicolon.csv", "double_encoded.csv", "crlf.csv", "no_final_newline.csv"],
)
def test_people_encoding_and_layout_variants(ws: Workspace, fixture: str) -> None:
    r = import_people(ws, CRM / fixture)
    assert r.skipped == []
    assert people(ws)["Åsa Öberg"] == (
        "Nordvik Transport AB",
        "Ekonomichef",
        "asa.oberg@nordvik.se",
        0,
    )
    assert r.rows_imported == len(people(ws))


def test_cp1252_keeps_nordic_letters(ws: Workspace) -> None:
    import_people(ws, CRM / "cp1252_semicolon.csv")
    assert people(ws)["Björn Sæther"][0] == "Øysund Industri AS"


def test_rows_with_only_a_date_are_skipped_with_a_reason(ws: Workspace) -> None:
    r = import_people(ws, CRM / "date_only_rows.csv")
    assert (r.rows_read, r.rows_imported, r.skipped) == (2, 1, [(3, "no name and no e-mail")])


@pytest.mark.parametrize(
    ("fixture", "reason"),
    [
        ("too_many_fields.csv", "6 fields, expected 5"),
        ("too_few_fields.csv", "3 fields, expected 5"),
    ],
)
def test_wrong_width_rows_are_skipped_and_counted(ws: Workspace, fixture: str, reason: str) -> None:
    r = import_people(ws, CRM / fixture)
    assert (r.rows_read, r.rows_imported, r.skipped) == (3, 2, [(3, reason)])
    assert set(people(ws)) == {"Åsa Öberg", "Ingrid Bakke"}
    stored = ws.conn.execute("SELECT rows_read, rows_imported, rows_skipped FROM imports")
    assert stored.fetchall() == [(3, 2, 1)]


def test_placeholder_cells_are_empty_and_make_no_account(ws: Workspace) -> None:
    """An export writing NA for every missing company must not put those people at one
    account called "NA", colleagues of each other."""
    r = import_people(ws, CRM / "people_placeholders.csv")
    assert (r.rows_read, r.rows_imported) == (6, 5)
    assert r.skipped == [(6, "no name and no e-mail")]  # "NA NA", no e-mail: no one
    assert r.notes == [
        "treated 12 placeholder cells (NA, N/A, #N/A, -, None, null, —) as empty:"
        " Company Name 4, Job Title 3, Last Name 2, Email 2, First Name 1"
    ]
    assert people(ws) == {
        "Elin Sjöberg": (None, "Inköpare", "elin.sjoberg@example.se", 0),
        "Tor Eide": (None, None, "tor.eide@example.no", 0),
        "Saga Lindgren": (None, None, None, 0),
        "Nils Ek": ("Nordvik Transport AB", "VD", "nils.ek@example.se", 0),
        "Ida": (None, None, None, 0),  # last name "None", company " NA ": neither
    }
    assert [r[0] for r in ws.conn.execute("SELECT name FROM accounts")] == ["Nordvik Transport AB"]
    no_account = ws.conn.execute("SELECT count(*) FROM people WHERE account_id IS NULL")
    assert no_account.fetchone() == (4,)  # so no inferred colleague ties between them


def test_placeholder_account_name_and_value(ws: Workspace) -> None:
    r = import_accounts(ws, CRM / "accounts_placeholders.csv")
    assert r.skipped == [(2, "no account name")]  # "N/A" names no account
    assert ws.conn.execute("SELECT name, tier, value FROM account_targets").fetchall() == [
        ("Nordvik Transport AB", None, None)  # "NA" is no value, not one that is not a number
    ]
    assert r.notes == [
        "treated 3 placeholder cells (N/A, NA, -) as empty: Company name 1, Tier 1, Value 1"
    ]


# --- column mapping ------------------------------------------------------------------------------


def test_unknown_columns_name_them_and_the_remedy(ws: Workspace) -> None:
    with pytest.raises(InputError) as info:
        import_people(ws, CRM / "unknown_columns.csv")
    err = info.value
    assert err.line == 1 and err.file and err.file.endswith("unknown_columns.csv")
    assert "has no column for the person's name (columns: Kontakt, Arbetsgivare, Roll)" in str(err)
    assert "--column" in str(err)


def test_column_overrides(ws: Workspace) -> None:
    columns = {"name": "Kontakt", "company": "arbetsgivare", "title": "ROLL"}
    r = import_people(ws, CRM / "unknown_columns.csv", columns=columns)
    assert r.rows_imported == 1
    assert people(ws) == {"Åsa Öberg": ("Nordvik Transport AB", "Ekonomichef", None, 0)}


def test_column_override_beats_the_synonym(ws: Workspace) -> None:
    # Outlook's "Title" is Mr./Ms.; ask for it explicitly and that is what you get
    import_people(ws, CRM / "outlook_contacts.csv", columns={"title": "Title"})
    assert people(ws)["Henrik Strand"][1] == "Mr."


def test_column_override_to_a_missing_header(ws: Workspace) -> None:
    with pytest.raises(InputError) as info:
        import_people(ws, CRM / "unknown_columns.csv", columns={"name": "Full Name"})
    assert "--column name=Full Name: no column 'Full Name'" in str(info.value)
    assert "the columns are: Kontakt, Arbetsgivare, Roll" in str(info.value)


def test_column_override_of_an_unknown_field(ws: Workspace) -> None:
    with pytest.raises(InputError) as info:
        import_people(ws, CRM / "unknown_columns.csv", columns={"phone": "Kontakt"})
    assert "--column phone= is not a field of people files" in str(info.value)
    assert "fields: name, first_name, last_name, company, title, email, url" in str(info.value)


# --- accounts -------------------------------------------------------------------------------------


def test_hubspot_companies(ws: Workspace) -> None:
    r = import_accounts(ws, CRM / "hubspot_companies.csv")
    assert (r.rows_read, r.rows_imported, r.skipped) == (3, 3, [])
    accounts = ws.conn.execute("SELECT key, name, domain FROM accounts ORDER BY id").fetchall()
    assert accounts == [
        ("nordvik transport", "Nordvik Transport AB", "nordvik.se"),
        ("havndal marine", "Havndal Marine AS", "havndalmarine.no"),
        ("malholm trä", "Malholm Trä AB", None),
    ]
    status = ws.status()
    assert (status.accounts, status.target_accounts) == (3, 3)


def test_hubspot_companies_swedish_headers(ws: Workspace) -> None:
    import_accounts(ws, CRM / "hubspot_companies_sv.csv")
    assert ws.conn.execute("SELECT name FROM accounts").fetchall() == [("Nordvik Transport AB",)]


def test_accounts_without_a_name_column(ws: Workspace) -> None:
    with pytest.raises(InputError) as info:
        import_accounts(ws, CRM / "pipedrive_people.csv")
    assert "has no column for the account name" in str(info.value)


# --- ties -----------------------------------------------------------------------------------------


def _ties(ws: Workspace) -> set[tuple]:
    return set(
        ws.conn.execute(
            "SELECT pa.name, pb.name, t.kinds, t.strength FROM ties t"
            " JOIN people pa ON pa.id = t.a JOIN people pb ON pb.id = t.b"
        )
    )


def test_ties_with_kind_and_strength(ws: Workspace) -> None:
    r = import_ties(ws, CRM / "ties.csv")
    assert (r.rows_read, r.rows_imported, r.skipped) == (3, 3, [])
    assert _ties(ws) == {
        ("Åsa Öberg", "Ingrid Bakke", "board", 0.8),
        ("Åsa Öberg", "Henrik Strand", "friend", None),
        ("Ingrid Bakke", "Henrik Strand", "former colleague", 0.5),  # "0,5"
    }
    assert len(people(ws)) == 3  # Ingrid and Henrik named twice, one person each
    assert ws.status().ties_by_kind == {"relationship": 3}


def test_ties_bad_strength_is_skipped_with_a_reason(ws: Workspace) -> None:
    r = import_ties(ws, CRM / "ties_bad_strength.csv")
    assert (r.rows_read, r.rows_imported) == (3, 1)
    assert r.skipped == [
        (3, "strength 'strong' is not a number from 0 to 1"),
        (4, "strength '1.5' is not a number from 0 to 1"),
    ]
    assert _ties(ws) == {("Åsa Öberg", "Ingrid Bakke", "board", 0.8)}


def test_ties_without_person_columns(ws: Workspace) -> None:
    with pytest.raises(InputError) as info:
        import_ties(ws, CRM / "hubspot_contacts.csv")
    assert "has no column for person A" in str(info.value)
    assert "--column" in str(info.value)


# --- bad files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "line", "message"),
    [
        ("empty.csv", None, "the file is empty"),
        ("header_only.csv", 1, "has a header but no people rows"),
        ("unterminated_quote.csv", 3, "a quoted field starts here and never ends"),
    ],
)
def test_bad_people_files(ws: Workspace, fixture: str, line: int | None, message: str) -> None:
    with pytest.raises(InputError) as info:
        import_people(ws, CRM / fixture)
    assert info.value.line == line and info.value.message == message
    assert info.value.file == str(CRM / fixture)
    assert ws.conn.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
    assert ws.conn.execute("SELECT count(*) FROM people").fetchone()[0] == 0


def test_xlsx_given_as_csv(ws: Workspace, make_zip) -> None:
    workbook = make_zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
    fake = workbook.rename(workbook.with_name("contacts.csv"))
    with pytest.raises(InputError) as info:
        import_people(ws, fake)
    assert "Excel workbook" in info.value.message and "CSV UTF-8" in str(info.value)


def test_missing_file_and_folder(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        import_people(ws, tmp_path / "nope.csv")
    with pytest.raises(InputError, match="is a folder"):
        import_people(ws, tmp_path)
