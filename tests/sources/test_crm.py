"""Tests for graphwarm.sources.crm through import_people / import_accounts / import_ties."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from helpers import CRM
from hypothesis import given, settings
from hypothesis import strategies as st

from graphwarm import (
    InputError,
    Workspace,
    import_accounts,
    import_people,
    import_ties,
)
from graphwarm.sources.crm import ACCOUNT_FIELDS, PEOPLE_FIELDS, TIE_FIELDS, PeopleReader


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
    # AccountId is an id, not a company name: without the Account file it is an error
    with pytest.raises(InputError) as info:
        import_people(ws, CRM / "salesforce_dataloader.csv")
    err = info.value
    assert err.line == 1 and err.file == str(CRM / "salesforce_dataloader.csv")
    assert err.message == (
        "names each contact's company by AccountId, but no Account file was given to look the"
        " names up in"
    )
    assert "--accounts Account.csv" in str(err)
    assert ws.conn.execute("SELECT count(*) FROM people").fetchone()[0] == 0


def test_salesforce_contacts_with_accounts_beside_them(ws: Workspace) -> None:
    # the contact's AccountId is the 15-character form of the Account's 18-character Id
    r = import_people(
        ws,
        CRM / "salesforce_dataloader.csv",
        accounts=CRM / "salesforce_export" / "Account.csv",
    )
    assert people(ws) == {
        "Åsa Öberg": ("Nordvik Transport AB", "Ekonomichef", "asa.oberg@nordvik.se", 0)
    }
    assert "company ← Account.csv's 'Name' for 'AccountId' (column 2)" in map(str, r.columns)


def test_salesforce_export_folder(ws: Workspace) -> None:
    r = import_people(ws, CRM / "salesforce_export", target=True)
    assert r.file == str(CRM / "salesforce_export" / "Contact.csv")
    assert (r.rows_read, r.rows_imported, r.skipped) == (4, 4, [])
    assert people(ws) == {
        "Åsa Öberg": ("Nordvik Transport AB", "Ekonomichef", "asa.oberg@nordvik.se", 1),
        "Ingrid Bakke": ("Havndal Marine AS", "CEO", "ingrid.bakke@havndalmarine.no", 1),
        "Henrik Strand": (None, "Inköpschef", "henrik.strand@tallholm.se", 1),
        "Sigrid Dahl": (None, "CFO", "sigrid.dahl@fjordstrand.no", 1),
    }
    # Henrik's account is not in Account.csv: no company, and counted; Sigrid has none
    assert (
        "1 contact has an AccountId that Account.csv does not hold: imported without a company"
        " (first: line 4, '0015g00000Zz999AAA')" in r.notes
    )


def test_salesforce_export_zip(ws: Workspace, make_zip) -> None:
    export = CRM / "salesforce_export"
    path = make_zip(
        {
            "Contact.csv": (export / "Contact.csv").read_bytes(),
            "Account.csv": (export / "Account.csv").read_bytes(),
            "Lead.csv": "Id,LastName\n",
        },
        "WE_00D5g000000AbCd_1.zip",
    )
    r = import_people(ws, path)
    assert r.file == f"{path}:Contact.csv"
    assert people(ws)["Ingrid Bakke"][0] == "Havndal Marine AS"
    assert import_people(ws, path).unchanged


def test_salesforce_custom_company_field(ws: Workspace) -> None:
    r = import_people(ws, CRM / "salesforce_custom_company.csv")
    assert people(ws)["Åsa Öberg"][0] == "Nordvik Transport AB"
    assert "company ← 'Company__c' (column 4)" in map(str, r.columns)


def test_accounts_file_without_an_account_id_column(ws: Workspace) -> None:
    with pytest.raises(InputError) as info:
        import_people(
            ws, CRM / "hubspot_contacts.csv", accounts=CRM / "salesforce_export" / "Account.csv"
        )
    assert "has no AccountId column" in info.value.message
    assert "--column account_id=" in str(info.value)


def test_accounts_file_without_a_name_column(ws: Workspace) -> None:
    with pytest.raises(InputError) as info:
        import_people(ws, CRM / "salesforce_dataloader.csv", accounts=CRM / "people_company_id.csv")
    err = info.value
    assert err.message == "no Id column (found: First Name, Last Name, Associated Company ID)"
    assert err.file == str(CRM / "people_company_id.csv") and err.line == 1
    assert "Account.csv of the Salesforce data export" in str(err)


def test_folder_or_zip_without_contacts(ws: Workspace, tmp_path: Path, make_zip) -> None:
    with pytest.raises(InputError) as info:
        import_people(ws, tmp_path)
    assert info.value.message == "is a folder with no Contact.csv in it"
    with pytest.raises(InputError) as info:
        import_people(ws, make_zip({"Lead.csv": "Id,LastName\n"}))
    assert info.value.message == "is a zip archive with no Contact.csv in it"


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
    assert err.message == "no name column (found: Kontakt, Arbetsgivare, Roll)"
    assert '--column "name=Full Name"' in str(err)


def test_one_name_column_is_read_as_full_names(ws: Workspace) -> None:
    r = import_people(ws, CRM / "people_first_name_only.csv")
    assert people(ws) == {"Åsa Öberg": ("Nordvik Transport AB", None, "asa.oberg@nordvik.se", 0)}
    assert (
        "one name column, 'First Name' (column 1): its values are imported as full names" in r.notes
    )
    assert r.columns_unusual


def test_two_columns_alike_read_in_order_the_first_not_empty(ws: Workspace) -> None:
    # HubSpot: the contact's own "Company Name" (mostly empty), the associated company's
    # "Company name"
    r = import_people(ws, CRM / "hubspot_two_company_columns.csv")
    assert {n: p[0] for n, p in people(ws).items()} == {
        "Åsa Öberg": "NORDVIK TRANSPORT",  # her own value first
        "Henrik Strand": "Tallholm Mekaniska AB",  # the associated company where it is empty
        "Ingrid Bakke": None,
    }
    assert (
        "company ← 'Company Name' (column 5), then 'Company name' (column 7): the first that is"
        " not empty" in map(str, r.columns)
    )
    assert r.columns_unusual


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.sampled_from(["Company Name", "Company name", "COMPANY NAME", "company_name"])),
    st.lists(st.lists(st.sampled_from(["", "Nordvik AB", "Tallholm AB", "Havndal AS"]))),
)
def test_the_first_company_that_is_not_empty_wins(headers: list[str], rows: list[list]) -> None:
    width = len(headers) + 1
    rows = [(r + [""] * width)[: width - 1] for r in rows] or [[""] * (width - 1)]
    text = "Name," + ",".join(headers) + "\n"
    text += "".join(f"Person {i}," + ",".join(r) + "\n" for i, r in enumerate(rows))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "contacts.csv"
        path.write_text(text, encoding="utf-8")
        found = [p.company for p in PeopleReader(path)]
    assert found == [next((v for v in r if v), None) for r in rows]


def test_column_override_to_one_of_two_columns_alike(ws: Workspace) -> None:
    r = import_people(
        ws, CRM / "hubspot_two_company_columns.csv", columns={"company": "Company name"}
    )
    assert people(ws)["Åsa Öberg"][0] == "Nordvik Transport AB"
    assert "company ← 'Company name' (column 7); as --column asked" in map(str, r.columns)


def test_the_report_names_the_column_of_each_field(ws: Workspace) -> None:
    r = import_people(ws, CRM / "outlook_contacts.csv")
    assert [str(c) for c in r.columns] == [
        "first_name ← 'First Name' (column 1)",
        "last_name ← 'Last Name' (column 3)",
        "company ← 'Company' (column 10)",
        "title ← 'Job Title' (column 11)",  # Outlook's "Title" is Mr./Ms.: read only alone
        "email ← 'E-mail Address' (column 7)",
    ]
    assert not r.columns_unusual


@pytest.mark.parametrize(
    ("fixture", "name", "expected"),
    [
        ("people_de.csv", "Jörg Müller", ("Förde Nord Logistik GmbH", "Leiter Einkauf")),
        ("people_fr.csv", "Élodie Marchand", ("Rivage Transports SA", "Directrice financière")),
        ("people_es.csv", "Lucía Ferrer Gil", ("Transportes Brisa SL", "Directora de compras")),
        ("people_ru.csv", "Ирина Соколова", ("Северный Путь", "Финансовый директор")),
        ("people_fi.csv", "Mikko Virtanen", ("Koskimaa Kuljetus Oy", "Talousjohtaja")),
        ("people_no.csv", "Ingrid Bakke", ("Havndal Marine AS", "Daglig leder")),
        ("people_da.csv", "Mette Holm", ("Kystlinjen A/S", "Indkøbschef")),
    ],
)
def test_localised_headers(ws: Workspace, fixture: str, name: str, expected: tuple) -> None:
    r = import_people(ws, CRM / fixture)
    found = people(ws)
    assert set(found) == {name}
    assert found[name][:2] == expected and found[name][2]  # company, title, an e-mail
    assert not r.columns_unusual and r.notes == []


def test_near_miss_header_is_matched_fuzzily_and_said(ws: Workspace) -> None:
    r = import_people(ws, CRM / "people_near_miss_header.csv")
    assert people(ws)["Åsa Öberg"][0] == "Nordvik Transport AB"
    assert "company ← 'Företagets namn' (column 3); matched fuzzily to 'Företagsnamn'" in map(
        str, r.columns
    )
    assert r.columns_unusual


def test_no_fuzzy_match_when_two_headers_are_as_near(ws: Workspace) -> None:
    r = import_people(ws, CRM / "people_two_near_misses.csv")
    assert people(ws)["Åsa Öberg"][0] is None
    assert (
        "'Företagets namn' (column 3) and 'Företagens namn' (column 4) are as near to company"
        " as each other: neither is read (name one with --column company=HEADER)" in r.notes
    )


def test_no_fuzzy_match_for_a_header_as_near_two_fields(ws: Workspace) -> None:
    r = import_ties(ws, CRM / "ties_ambiguous_header.csv")
    assert r.rows_imported == 1
    assert (
        "'Person Company' (column 3) is as near to a_company as to b_company: not read (name"
        " it with --column a_company=Person Company if it is one)" in r.notes
    )
    assert ws.conn.execute("SELECT count(*) FROM people WHERE company IS NOT NULL").fetchone() == (
        0,
    )


def test_no_fuzzy_match_for_a_header_holding_more_than_a_synonym(ws: Workspace) -> None:
    # "Associated Company ID" is an id, not "Associated Company" misspelt
    r = import_people(ws, CRM / "people_company_id.csv")
    assert people(ws)["Åsa Öberg"][0] is None
    assert all(c.field != "company" for c in r.columns)


def test_each_synonym_names_one_field() -> None:
    for table in (PEOPLE_FIELDS, ACCOUNT_FIELDS, TIE_FIELDS):
        seen: dict[str, str] = {}
        for field, synonyms in table.items():
            for synonym in synonyms:
                assert seen.setdefault(synonym, field) == field, (synonym, field, seen[synonym])


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


def test_hubspot_companies_swedish_domain(ws: Workspace) -> None:
    r = import_accounts(ws, CRM / "hubspot_companies_sv_domain.csv")
    assert ws.conn.execute("SELECT name, domain FROM accounts").fetchall() == [
        ("Nordvik Transport AB", "nordvik.se")
    ]
    assert "domain ← 'Företagets domännamn' (column 3)" in map(str, r.columns)


def test_accounts_without_a_name_column(ws: Workspace) -> None:
    with pytest.raises(InputError) as info:
        import_accounts(ws, CRM / "pipedrive_people.csv")
    assert info.value.message.startswith("no account name column (found: Person - Name, ")


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
    assert info.value.message.startswith("no person A name, e-mail or URL column (found: ")
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
        import_accounts(ws, tmp_path)


# --- a contact with only an e-mail ------------------------------------------------------------


def test_contact_with_only_an_email_is_kept_and_shown_by_it(ws: Workspace) -> None:
    r = import_people(ws, CRM / "people_email_only.csv")
    assert (r.rows_imported, r.skipped) == (1, [])
    assert people(ws) == {"anna.berg@example.com": (None, None, "anna.berg@example.com", 0)}
    stored = ws.conn.execute("SELECT name_key FROM people").fetchall()
    assert stored == [(None,)]  # never a name made from the address
