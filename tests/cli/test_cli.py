"""Tests for graphwarm.cli: every command's success output, and every bad input of the issue
as one ``Error: …`` line, a non-zero exit, no traceback and an unchanged workspace."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest
from helpers import CRM, LINKEDIN, dump, linkedin_fixture

from graphwarm.cli import main
from graphwarm.cli._common import _COMMAND_MODULES
from graphwarm.workspace import imports as imports_module

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


@pytest.fixture
def seeded(cli, db_path: Path) -> dict:
    """A workspace with something in it, and its dump to compare with after a failure."""
    assert cli("import", "accounts", CRM / "hubspot_companies.csv").exit_code == 0
    assert cli("import", "people", CRM / "hubspot_contacts.csv", "--target").exit_code == 0
    return dump(db_path)


def assert_error(result, *parts: str, code: int = 1) -> str:
    """Exit code, exactly one ``Error: …`` line holding every part, no traceback."""
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for part in parts:
        assert part in lines[0], (part, lines[0])
    assert "Traceback" not in result.output
    return lines[0]


# --- success --------------------------------------------------------------------------------------


def test_import_linkedin(cli, karin_export) -> None:
    path = karin_export()
    result = cli("import", "linkedin", path)
    assert result.exit_code == 0, result.output
    assert f"{path}:Connections.csv (Karin Lund): 4 of 4 rows imported, 0 skipped" in result.stdout
    assert f"{path}:messages.csv (Karin Lund)" in result.stdout
    again = cli("import", "linkedin", path)
    assert again.exit_code == 0
    assert f"{path}:Connections.csv (Karin Lund): already imported, nothing changed" in again.stdout


def test_import_linkedin_refuses_an_emptied_export_until_told_to_replace(
    cli, karin_export, db_path: Path
) -> None:
    assert cli("import", "linkedin", karin_export(name="old.zip")).exit_code == 0
    emptied = karin_export(
        {"Connections.csv": linkedin_fixture("connections_header_only.csv")}, name="new.zip"
    )
    before = dump(db_path)
    result = cli("import", "linkedin", emptied)
    assert result.exit_code == 1
    assert (
        f"Error: {emptied}:Connections.csv: has 0 connections; Karin Lund's current import "
        "has 4." in result.output
    )
    assert "nothing was changed; if the smaller file is right, pass --replace" in result.output
    assert dump(db_path) == before
    result = cli("import", "linkedin", emptied, "--replace")
    assert result.exit_code == 0, result.output


def test_import_linkedin_loose_file_with_member(cli) -> None:
    result = cli("import", "linkedin", LINKEDIN / "connections_2018.csv", "--member", "Karin Lund")
    assert result.exit_code == 0
    assert "(Karin Lund): 2 of 2 rows imported, 0 skipped" in result.stdout


def test_import_mail_counts_each_skip_and_status_lists_it(cli) -> None:
    mailbox = LINKEDIN.parent / "mail" / "list_mail.mbox"
    result = cli("import", "mail", mailbox, "--member", "Karin Lund")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{mailbox} (Karin Lund): 1 of 5 messages imported, 4 skipped",
        "  2 skipped: mailing list (List-Id or List-Unsubscribe)",
        "  2 skipped: bulk or automatic (Precedence or Auto-Submitted)",
        "  note: Karin Lund is a new member (no LinkedIn export of theirs yet)",
        "  note: the member's addresses: karin.lund@nordvik.se (shown with their name)",
    ]
    status = cli("status").stdout
    assert f"mail{' ' * 29}{mailbox} (Karin Lund): 1/5 messages, 4 skipped" in status
    assert "        2 × mailing list (List-Id or List-Unsubscribe)" in status
    assert "e-mailed 1" in status
    again = cli("import", "mail", mailbox, "--member", "Karin Lund")
    assert again.stdout == f"{mailbox} (Karin Lund): already imported, nothing changed\n"


def test_import_mail_with_the_members_address(cli) -> None:
    mailbox = LINKEDIN.parent / "mail" / "no_owner.mbox"
    refused = cli("import", "mail", mailbox, "--member", "Karin Lund")
    assert refused.exit_code == 1
    assert refused.output == (
        f"Error: {mailbox}: cannot tell which address is the member's (none is shown with "
        "their name, no message is labelled Sent, and no one address is on most messages). "
        "name it: --address lina@example.com (repeat it for each of the member's addresses)\n"
    )
    result = cli("import", "mail", mailbox, "--member", "Karin Lund", "--address", "p1@koskimaa.fi")
    assert result.exit_code == 0, result.output
    assert "1 of 3 messages imported, 2 skipped" in result.stdout
    assert "  2 skipped: neither from nor to the member" in result.stdout


def test_import_mail_of_outlook_msg_files_and_their_skips(cli) -> None:
    msg = LINKEDIN.parent / "mail" / "msg"
    result = cli(
        "import", "mail", msg / "thread", msg / "draft.msg", msg / "damaged.msg",
        "--member", "Karin Lund",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        f"{msg / 'thread'}, {msg / 'draft.msg'}, {msg / 'damaged.msg'} (Karin Lund): 2 of 4"
        " messages imported, 2 skipped",
        "  1 skipped: an unsent Outlook draft",
        "  1 skipped: a damaged Outlook .msg (it cannot be opened)",
    ]
    assert "e-mailed 2" in cli("status").stdout


def test_import_calendar_and_its_refusals(cli, db_path: Path) -> None:
    folder = LINKEDIN.parent / "calendar"
    result = cli("import", "calendar", folder / "outlook.ics", "--member", "Karin Lund")
    assert result.exit_code == 0, result.output
    assert f"{folder / 'outlook.ics'} (Karin Lund): 2 of 2 events imported, 0 skipped" in (
        result.stdout
    )
    assert "met 1" in cli("status").stdout
    before = dump(db_path)
    broken = cli("import", "calendar", folder / "no_events.ics", "--member", "Karin Lund")
    assert broken.exit_code == 1
    assert broken.output == (
        f"Error: {folder / 'no_events.ics'}: has no events. export the calendar with its events\n"
    )
    assert dump(db_path) == before


def test_import_people_accounts_ties_and_status(cli) -> None:
    accounts = cli("import", "accounts", CRM / "hubspot_companies.csv")
    assert accounts.exit_code == 0
    assert f"{CRM / 'hubspot_companies.csv'}: 3 of 3 rows imported, 0 skipped" in accounts.stdout
    people = cli("import", "people", CRM / "hubspot_contacts.csv", "--target")
    assert people.exit_code == 0 and "2 of 2 rows imported" in people.stdout
    ties = cli("import", "ties", CRM / "ties_bad_strength.csv")
    assert ties.exit_code == 0
    assert "1 of 3 rows imported, 2 skipped" in ties.stdout
    assert "  line 3: strength 'strong' is not a number from 0 to 1" in ties.stdout
    status = cli("status")
    assert status.exit_code == 0
    out = status.stdout
    assert "  members:  0" in out
    assert "  people:   3 (2 named targets)" in out  # Åsa, Henrik; Ingrid from the ties
    assert "  accounts: 4 (3 target accounts)" in out  # and Tallholm, Henrik's employer
    assert "  ties:     1 (relationship 1)" in out
    assert "        line 4: strength '1.5' is not a number from 0 to 1" in out


def test_import_people_with_column_overrides(cli) -> None:
    result = cli(
        "import",
        "people",
        CRM / "unknown_columns.csv",
        "--column",
        "name=Kontakt",
        "--column",
        "company = Arbetsgivare",
    )
    assert result.exit_code == 0, result.output
    assert "1 of 1 rows imported" in result.stdout


def test_import_people_says_which_column_was_read_with_v(cli) -> None:
    quiet = cli("import", "people", CRM / "people_de.csv")
    assert quiet.exit_code == 0 and "columns read:" not in quiet.stdout
    loud = cli("-v", "import", "people", CRM / "people_fr.csv")
    assert loud.exit_code == 0, loud.output
    assert "  columns read:\n    first_name ← 'Prénom' (column 1)\n" in loud.stdout
    assert "    company ← 'Société' (column 3)\n" in loud.stdout


def test_import_people_shows_unusual_columns_without_v(cli) -> None:
    result = cli("import", "people", CRM / "hubspot_two_company_columns.csv")
    assert result.exit_code == 0, result.output
    assert (
        "    company ← 'Company Name' (column 5), then 'Company name' (column 7): the first that"
        " is not empty\n" in result.stdout
    )
    fuzzy = cli("import", "people", CRM / "people_near_miss_header.csv")
    assert "matched fuzzily to 'Företagsnamn'" in fuzzy.stdout
    single = cli("import", "people", CRM / "people_first_name_only.csv")
    assert "  note: one name column, 'First Name' (column 1): its values" in single.stdout
    assert "    name ← 'First Name' (column 1); the only name column" in single.stdout


def test_import_linkedin_columns_with_v(cli) -> None:
    result = cli(
        "-v", "import", "linkedin", LINKEDIN / "connections_no_spaces.csv", "--member", "Karin Lund"
    )
    assert result.exit_code == 0, result.output
    assert "    connected on ← 'ConnectedOn' (column 6)" in result.stdout


def test_import_salesforce_export_folder(cli) -> None:
    export = CRM / "salesforce_export"
    result = cli("import", "people", export, "--target")
    assert result.exit_code == 0, result.output
    assert f"{export / 'Contact.csv'}: 4 of 4 rows imported, 0 skipped" in result.stdout
    assert "  note: 1 contact has an AccountId that Account.csv does not hold" in result.stdout
    assert "  people:   4 (4 named targets)" in cli("status").stdout


def test_import_salesforce_contacts_with_accounts(cli) -> None:
    result = cli(
        "import",
        "people",
        CRM / "salesforce_dataloader.csv",
        "--accounts",
        CRM / "salesforce_export" / "Account.csv",
    )
    assert result.exit_code == 0, result.output
    assert "1 accounts read" not in result.stdout and "2 accounts read" in result.stdout


def test_column_option_must_be_field_equals_header(cli) -> None:
    result = cli("import", "people", CRM / "unknown_columns.csv", "--column", "Kontakt")
    assert_error(result, "--column 'Kontakt' is not FIELD=HEADER", 'name="Full Name"')


def test_status_with_members(cli, karin_export) -> None:
    cli("import", "linkedin", karin_export())
    out = cli("status").stdout
    assert "  members:  1 (Karin Lund)" in out
    assert "  ties:     4 (connection 2, messaged 2)" in out
    assert "linkedin:connections" in out and "(Karin Lund): 4/4 rows, 0 skipped" in out


def test_forget_member_and_person(cli, karin_export, tmp_path: Path) -> None:
    cli("import", "linkedin", karin_export())
    cli("import", "people", CRM / "hubspot_contacts.csv")
    person = cli("forget", "--person", "henrik.strand@tallholm.se")
    assert person.exit_code == 0
    assert person.stdout.startswith("Forgot Henrik Strand, 0 ties and 0 asks. Later imports skip")
    # a newer export still lists Henrik: the import skips him and says why
    newer = tmp_path / "contacts-newer.csv"
    newer.write_text(
        (CRM / "hubspot_contacts.csv").read_text(encoding="utf-8")
        + "5120099,Nils,Ny,nils.ny@tallholm.se,,Karin Lund,Driver,Tallholm Mekaniska AB,\n",
        encoding="utf-8",
    )
    again = cli("import", "people", newer)
    assert again.exit_code == 0
    assert "someone erased on request (graphwarm forget --person)" in again.output
    assert "Henrik" not in cli("status").stdout + again.output
    member = cli("forget", "--member", "Karin Lund")
    assert member.exit_code == 0
    assert member.stdout == "Forgot member Karin Lund: 3 imports, 4 people, 4 ties, 0 asks.\n"
    assert "  members:  0" in cli("status").stdout


def test_forget_needs_exactly_one_option(cli, karin_export) -> None:
    cli("import", "linkedin", karin_export())
    for args in ((), ("--member", "Karin Lund", "--person", "Åsa Öberg")):
        result = cli("forget", *args)
        assert result.exit_code == 2
        assert "give exactly one of --member or --person" in result.stderr


def test_forget_unknown_person(cli, seeded, db_path: Path) -> None:
    assert_error(cli("forget", "--person", "Per Moberg"), "no person 'Per Moberg'")
    assert dump(db_path) == seeded


def test_status_without_a_workspace(cli, db_path: Path) -> None:
    assert_error(cli("status"), str(db_path), "no workspace here", "--db")
    assert not db_path.exists()


def test_status_of_a_newer_workspace(cli, db_path: Path, seeded) -> None:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    assert_error(cli("status"), str(db_path), "newer graphwarm (schema 99")


def test_db_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    db = tmp_path / "env.db"
    monkeypatch.setenv("GRAPHWARM_DB", str(db))
    result = CliRunner().invoke(main, ["import", "people", str(CRM / "bom.csv")])
    assert result.exit_code == 0 and db.exists()


def test_ctrl_c_is_reported_and_changes_nothing(
    cli, seeded, db_path: Path, karin_export, monkeypatch
) -> None:
    def interrupted(self) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(imports_module._Writer, "finish", interrupted)
    result = cli("import", "linkedin", karin_export())
    assert result.exit_code == 130
    assert result.stderr == "Interrupted: nothing was changed.\n"
    assert dump(db_path) == seeded


# --- bad input: each stops with one clear line and changes nothing --------------------------------


def _binary(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("fixture", "parts"),
    [
        ("empty.csv", ["the file is empty"]),
        ("header_only.csv", ["line 1", "has a header but no people rows"]),
        ("unterminated_quote.csv", ["line 3", "a quoted field starts here and never ends"]),
        ("unknown_columns.csv", ["line 1", "Kontakt, Arbetsgivare, Roll", "--column"]),
        ("salesforce_dataloader.csv", ["line 1", "AccountId", "--accounts Account.csv"]),
    ],
)
def test_bad_people_file(cli, seeded, db_path: Path, fixture: str, parts: list[str]) -> None:
    result = cli("import", "people", CRM / fixture)
    assert_error(result, str(CRM / fixture), *parts)
    assert dump(db_path) == seeded


def test_xlsx_given_as_csv(cli, seeded, db_path: Path, make_zip) -> None:
    workbook = make_zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>"}, "c.xlsx")
    fake = workbook.rename(workbook.with_name("contacts.csv"))
    assert_error(cli("import", "people", fake), str(fake), "Excel workbook", "CSV UTF-8")
    assert dump(db_path) == seeded


def test_binary_given_as_csv(cli, seeded, db_path: Path, tmp_path: Path) -> None:
    png = _binary(tmp_path, "photo.csv", PNG)
    assert_error(cli("import", "accounts", png), str(png), "not a text file")
    assert dump(db_path) == seeded


@pytest.mark.parametrize(
    ("fixture", "parts"),
    [
        ("empty.csv", ["the file is empty"]),
        ("connections_unterminated_quote.csv", ["line 3", "never ends"]),
        (
            "connections_no_last_name.csv",
            ["line 1", "no Last Name column (found: First Name, Company, Position, Connected On)"],
        ),
    ],
)
def test_bad_linkedin_file(
    cli, seeded, db_path: Path, tmp_path: Path, fixture: str, parts: list[str]
) -> None:
    path = tmp_path / "Connections.csv"
    shutil.copy(LINKEDIN / fixture, path)
    result = cli("import", "linkedin", path, "--member", "Karin Lund")
    assert_error(result, str(path), *parts)
    assert dump(db_path) == seeded


def test_messages_given_as_connections(cli, seeded, db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    shutil.copy(LINKEDIN / "messages_2023.csv", path)
    result = cli("import", "linkedin", path, "--member", "Karin Lund")
    assert_error(result, str(path), "is named like Connections.csv but holds messages.csv")
    assert dump(db_path) == seeded


def test_messages_given_as_connections_in_a_zip(cli, seeded, db_path: Path, make_zip) -> None:
    path = make_zip(
        {
            "Profile.csv": linkedin_fixture("Profile.csv"),
            "Connections.csv": linkedin_fixture("messages_2026.csv"),
        }
    )
    result = cli("import", "linkedin", path)
    assert_error(result, f"{path}:Connections.csv", "holds messages.csv")
    assert dump(db_path) == seeded


def test_not_a_linkedin_file(cli, seeded, db_path: Path) -> None:
    path = CRM / "hubspot_contacts.csv"
    result = cli("import", "linkedin", path, "--member", "Karin Lund")
    assert_error(result, str(path), "no header row with the expected columns", "right file")
    assert dump(db_path) == seeded


def test_export_without_profile_or_member(cli, seeded, db_path: Path, karin_export) -> None:
    path = karin_export({"Profile.csv": None})
    assert_error(cli("import", "linkedin", path), str(path), '--member "Full Name"')
    assert dump(db_path) == seeded


def test_missing_file(cli, seeded, db_path: Path, tmp_path: Path) -> None:
    assert_error(cli("import", "ties", tmp_path / "nope.csv"), "nope.csv", "no such file")
    assert dump(db_path) == seeded


# --- awkward input that imports correctly, with what was skipped reported -------------------------


@pytest.mark.parametrize(
    ("fixture", "summary", "detail"),
    [
        (
            "too_many_fields.csv",
            "2 of 3 rows imported, 1 skipped",
            "  line 3: 6 fields, expected 5",
        ),
        ("too_few_fields.csv", "2 of 3 rows imported, 1 skipped", "  line 3: 3 fields, expected 5"),
        ("bom.csv", "1 of 1 rows imported, 0 skipped", None),
        ("cp1252_semicolon.csv", "2 of 2 rows imported, 0 skipped", None),
        ("double_encoded.csv", "1 of 1 rows imported, 0 skipped", "  note: repaired garbled"),
        ("crlf.csv", "2 of 2 rows imported, 0 skipped", None),
        ("no_final_newline.csv", "2 of 2 rows imported, 0 skipped", None),
        (
            "date_only_rows.csv",
            "1 of 2 rows imported, 1 skipped",
            "  line 3: no name and no e-mail",
        ),
        ("salesforce_report.csv", "2 of 2 rows imported, 0 skipped", "  note: report footer"),
    ],
)
def test_awkward_people_files_import(
    cli, db_path: Path, fixture: str, summary: str, detail: str | None
) -> None:
    result = cli("import", "people", CRM / fixture)
    assert result.exit_code == 0, result.output
    assert f"{CRM / fixture}: {summary}" in result.stdout
    if detail:
        assert detail in result.stdout
    names = repr(dump(db_path)["people"])
    assert "Åsa Öberg" in names and "Ã" not in names


def test_hidden_connection_rows_are_reported(cli) -> None:
    result = cli(
        "import", "linkedin", LINKEDIN / "connections_hidden_rows.csv", "--member", "Karin Lund"
    )
    assert result.exit_code == 0
    assert "1 of 3 rows imported, 2 skipped" in result.stdout
    assert "  line 6: hidden account: only a date" in result.stdout


def test_placeholder_cells_are_reported(cli) -> None:
    people = cli("import", "people", CRM / "people_placeholders.csv")
    assert people.exit_code == 0, people.output
    assert (
        "  note: treated 12 placeholder cells (NA, N/A, #N/A, -, None, null, —) as empty:"
        " Company Name 4, Job Title 3, Last Name 2, Email 2, First Name 1\n"
    ) in people.stdout


def test_unreadable_dates_are_reported(cli) -> None:
    path = LINKEDIN / "connections_unreadable_dates.csv"
    linkedin = cli("import", "linkedin", path, "--member", "Karin Lund")
    assert linkedin.exit_code == 0, linkedin.output
    assert "(Karin Lund): 3 of 3 rows imported, 0 skipped" in linkedin.stdout
    assert (
        "  note: 3 of 3 Connected On dates could not be read, e.g. line 5: '2021-16-09';"
        " imported without a date\n"
    ) in linkedin.stdout


def test_day_first_dates_are_reported(cli) -> None:
    path = LINKEDIN / "connections_day_first.csv"
    result = cli("import", "linkedin", path, "--member", "Karin Lund")
    assert result.exit_code == 0, result.output
    assert "  note: Connected On dates read as day/month (from 2 unambiguous rows)\n" in (
        result.stdout
    )


def test_dates_in_both_orders_is_one_error_line(cli, db_path: Path) -> None:
    path = LINKEDIN / "connections_both_orders.csv"
    result = cli("import", "linkedin", path, "--member", "Karin Lund")
    assert_error(
        result,
        f"{path}, line 4, column 'Connected On': has Connected On dates in both orders:",
        "line 2 ('13/05/2021') can only be day/month, line 4 ('05/13/2021') only month/day",
        "write every date of the file one way",
    )


# --- help -----------------------------------------------------------------------------------------


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


ALL_COMMANDS = [path for path, _ in _commands(main)]


def test_the_command_tree() -> None:
    for expected in [("import", "linkedin"), ("import", "people"), ("import", "accounts")]:
        assert expected in ALL_COMMANDS
    for expected in [("import", "ties"), ("status",), ("forget",), ("demo",), ("export",)]:
        assert expected in ALL_COMMANDS
    # every command is registered by the module the lazy loader imports for it
    assert sorted(main.commands) == sorted(_COMMAND_MODULES)
    for name, module in _COMMAND_MODULES.items():
        assert main.commands[name].callback.__module__ == f"graphwarm.cli.{module}"


def test_reach_starts_without_loading_the_importers_map_or_plans() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from graphwarm.cli import main; "
        "CliRunner().invoke(main, ['reach', '--help']); "
        "print(sorted(m for m in sys.modules if m.startswith('graphwarm.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = out.stdout
    assert "graphwarm.cli.reach" in loaded
    for heavy in (
        "graphwarm.workspace.imports",
        "graphwarm.outputs.netmap",
        "graphwarm.outputs.plans",
        "graphwarm.outputs.demo",
    ):
        assert f"'{heavy}'" not in loaded


def test_the_command_line_starts_without_numpy_or_the_search() -> None:
    code = "import sys, graphwarm.cli; print(sorted(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    for heavy in ("numpy", "graphwarm.engine.reach", "graphwarm.engine.graph"):
        assert f"'{heavy}'" not in out.stdout


@pytest.mark.parametrize("path", [(), *ALL_COMMANDS], ids=lambda p: " ".join(p) or "graphwarm")
def test_every_command_has_help_with_an_example(cli, path: tuple[str, ...]) -> None:
    result = cli(*path, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert "graphwarm " in result.stdout.split("Example", 1)[1]


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "graphwarm", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Usage: graphwarm" in result.stdout and "import" in result.stdout


def test_a_locked_workspace_is_a_clear_error(cli, db_path: Path, monkeypatch) -> None:
    import sqlite3

    import graphwarm.workspace.store as store_module

    assert cli("import", "ties", CRM / "ties.csv").exit_code == 0
    monkeypatch.setattr(store_module, "_LOCK_TIMEOUT", 0.1)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = cli("exclude", "Åsa Öberg")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert "database is locked" in result.output and "nothing was changed" in result.output
    assert "Traceback" not in result.output


def test_a_failed_first_import_leaves_no_workspace_file(cli, db_path: Path) -> None:
    result = cli("import", "people", CRM / "unknown_columns.csv")
    assert result.exit_code == 1 and "Error: " in result.output
    assert not db_path.exists()
    assert cli("import", "ties", CRM / "ties.csv").exit_code == 0
    assert cli("import", "people", CRM / "unknown_columns.csv").exit_code == 1
    assert db_path.exists()  # an existing workspace stays, unchanged


# --- files in other code pages: readable names in errors, what was guessed in a note --------------

CSV_FIXTURES = CRM.parent / "csv"


def test_a_cyrillic_outlook_file_imports_by_its_russian_headers(cli) -> None:
    result = cli("-v", "import", "people", CSV_FIXTURES / "outlook_ru_cp1251.csv")
    assert result.exit_code == 0, result.output
    assert "3 of 3 rows imported, 0 skipped" in result.stdout
    assert "last_name ← 'Фамилия' (column 3)" in result.stdout
    assert "company ← 'Организация' (column 4)" in result.stdout


def test_a_cyrillic_outlook_file_imports_with_its_columns_named(cli, db_path: Path) -> None:
    result = cli(
        "import",
        "people",
        CSV_FIXTURES / "outlook_ru_cp1251.csv",
        "--column",
        "first_name=Имя",
        "--column",
        "last_name=Фамилия",
        "--column",
        "company=Организация",
    )
    assert result.exit_code == 0, result.output
    assert "3 of 3 rows imported, 0 skipped" in result.stdout
    assert "  note: the file is not UTF-8: read as Windows-1251 (Cyrillic)" in result.stdout
    conn = sqlite3.connect(db_path)
    try:
        people = set(conn.execute("SELECT name, company FROM people"))
    finally:
        conn.close()
    assert ("Ирина Соколова", "Северный Ветер") in people
    assert ("Ольга Кузнецова", "Ладога, АО") in people


def test_a_file_mixing_utf8_and_cp1252_lines_imports_with_a_note(cli) -> None:
    result = cli("import", "people", CSV_FIXTURES / "mixed_utf8_cp1252.csv")
    assert result.exit_code == 0, result.output
    assert "4 of 4 rows imported, 0 skipped" in result.stdout
    assert (
        "  note: 2 lines are not UTF-8: read as Windows-1252 (Western European) (first: line 2)"
        in result.stdout
    )


def test_bad_bytes_are_one_error_line_naming_their_line(cli, seeded, db_path: Path) -> None:
    path = CSV_FIXTURES / "bad_bytes_line5.csv"
    result = cli("import", "people", path)
    assert_error(result, f"{path}, line 5: byte 0x81 is neither UTF-8 nor Windows-1252 text")
    assert dump(db_path) == seeded


def test_a_password_protected_zip_is_one_error_line(cli, seeded, db_path: Path) -> None:
    path = LINKEDIN / "encrypted_export.zip"
    result = cli("import", "linkedin", path, "--member", "Karin Lund")
    assert_error(result, f"{path}: Connections.csv is password-protected. unzip it first")
    assert dump(db_path) == seeded


# --- history and undo -----------------------------------------------------------------------------


def test_import_accounts_refuses_a_shrunken_list_until_told_to_replace(
    cli, db_path: Path, tmp_path: Path
) -> None:
    targets = tmp_path / "targets.csv"
    targets.write_text("Company name\nKustbanken AB\nSolberg Bygg AB\nTallvik Skog AB\n", "utf-8")
    assert cli("import", "accounts", targets).exit_code == 0
    targets.write_text("Company name\nKustbanken AB\n", "utf-8")
    before = dump(db_path)
    assert_error(
        cli("import", "accounts", targets),
        f"{targets}: has 1 target account; the import it would replace has 3.",
        "nothing was changed; if the smaller file is right, pass --replace",
    )
    assert dump(db_path) == before
    result = cli("import", "accounts", targets, "--replace")
    assert result.exit_code == 0, result.output
    assert "replaced the older import; 1 of 1 rows imported" in result.stdout


def test_history_lists_imports_and_undo_takes_the_last_one_back(
    cli, karin_export, db_path: Path
) -> None:
    import json

    assert cli("import", "linkedin", karin_export(name="old.zip")).exit_code == 0
    before = cli("reach", "--format", "json").stdout
    newer = karin_export(
        {"Connections.csv": linkedin_fixture("connections_2023_no_preamble.csv")}, name="new.zip"
    )
    assert cli("import", "linkedin", newer).exit_code == 0
    table = cli("history").stdout.splitlines()
    assert table[0].startswith("   4  ")
    assert table[0].endswith("new.zip:Connections.csv (Karin Lund): 2 rows")
    assert table[1] == "        people +0 -2, ties +0 -2 ~0, targets +0 -0"  # Jörg, Mikko
    assert table[4].endswith("old.zip:Connections.csv (Karin Lund): 4 rows  [replaced by 4]")
    rows = json.loads(cli("history", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [4, 3, 2, 1]
    assert rows[2]["superseded_by"] == 4 and rows[0]["ties_dropped"] == 2
    csv_out = cli("history", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,batch,imported_at,kind,file,member,rows_imported,")
    assert len(csv_out) == 5
    undone = cli("undo")
    assert undone.exit_code == 0, undone.output
    assert undone.stdout == f"Undid 1 import:\n     4 {newer}:Connections.csv\n"
    assert cli("reach", "--format", "json").stdout == before
    assert_error(cli("undo", "99"), "there is no import 99", "graphwarm history lists them")


def test_undo_of_an_import_later_ones_build_on_needs_cascade(cli, karin_export, db_path) -> None:
    cli("import", "linkedin", karin_export(name="old.zip"))
    newer = karin_export(
        {"Connections.csv": linkedin_fixture("connections_2023_no_preamble.csv")}, name="new.zip"
    )
    cli("import", "linkedin", newer)
    before = dump(db_path)
    assert_error(
        cli("undo", "1"),
        f"import 1 is built on by later imports: 4 ({newer}:Connections.csv).",
        "pass --cascade to undo them too",
    )
    assert dump(db_path) == before
    result = cli("undo", "1", "--cascade")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "Undid 4 imports (the command that made import 1 and the imports built on it):\n     4 "
    )
    assert "  members:  0" in cli("status").stdout


def test_history_prune_before(cli, karin_export) -> None:
    cli("import", "linkedin", karin_export(name="old.zip"))
    newer = karin_export(
        {"Connections.csv": linkedin_fixture("connections_2023_no_preamble.csv")}, name="new.zip"
    )
    cli("import", "linkedin", newer)
    assert cli("history", "--prune-before", "2000-01-01").stdout == (
        "Pruned 0 replaced imports whose data was replaced before 2000-01-01.\n"
    )
    result = cli("history", "--prune-before", "2999-01-01")
    assert result.stdout == "Pruned 1 replaced imports whose data was replaced before 2999-01-01.\n"
    assert "[older history pruned: cannot be undone]" in cli("history").stdout
    assert_error(cli("undo"), "replaced data that was pruned from the history")
    bad = cli("history", "--prune-before", "last week")
    assert bad.exit_code == 2 and "'last week' does not match the format '%Y-%m-%d'" in bad.output


def test_status_names_a_few_members_and_shows_each_export_age(cli, weekly_export, db_path) -> None:
    from helpers import MAJA

    members = [(f"Medlem Nummer{i}", f"medlem-{i}") for i in range(12)]
    for member in members:
        assert cli("import", "linkedin", weekly_export(member, [MAJA], 1)).exit_code == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE imports SET imported_at = '2026-08-01T08:00:00+00:00' WHERE id = 1")
    conn.close()
    db_path.with_name("graphwarm.toml").write_text('as_of = "2026-12-01"\n', encoding="utf-8")
    out = cli("status").stdout.splitlines()
    assert "  members:  12 (Medlem Nummer0, Medlem Nummer1, Medlem Nummer10 and 9 more)" in out
    at = out.index("Member exports (newest; stale after 90 days):")
    assert out[at + 1] == "  Medlem Nummer0: 2026-08-01 by its import, 122 days old, stale"
    assert out[at + 2].startswith("  Medlem Nummer1: ")
    # imported after as_of: no negative age; nothing in it is newer than MAJA's connection, and
    # its file name has no date, so it may be as old as that
    assert out[at + 2].endswith(", 0 days old (maybe 1,421: nothing in it after 2023-01-10)")
    assert len([line for line in out if line.startswith("  Medlem Nummer")]) == 12


def test_import_and_undo_leave_the_graph_cache_current(cli, karin_export, db_path) -> None:
    def cache_is_current() -> bool:
        with sqlite3.connect(db_path) as conn:
            (generation,) = conn.execute(
                "SELECT value FROM workspace_meta WHERE key = 'generation'"
            ).fetchone()
            stored = {g for (g,) in conn.execute("SELECT generation FROM graph_cache")}
        conn.close()
        return stored == {generation}

    assert cli("import", "linkedin", karin_export(name="old.zip")).exit_code == 0
    assert cache_is_current()
    newer = karin_export(
        {"Connections.csv": linkedin_fixture("connections_2023_no_preamble.csv")}, name="new.zip"
    )
    assert cli("import", "linkedin", newer).exit_code == 0
    assert cache_is_current()
    assert cli("undo").exit_code == 0
    assert cache_is_current()


def test_import_activities_names_the_owners_who_are_no_members(cli, db_path: Path) -> None:
    folder = LINKEDIN.parent / "activities"
    cli("import", "linkedin", LINKEDIN / "connections_2018.csv", "--member", "Lina Ahl")
    result = cli("import", "activities", folder / "owner-not-member.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{folder / 'owner-not-member.csv'}: 1 of 4 rows imported, 3 skipped",
        "  3 skipped: owner is no member of the team",
        "  note: 1 e-mail without a direction: counted as sent by their owner (name the column"
        " with --column direction=HEADER if the file has one)",
        "  note: owners who are no member of the team: Gustav Rask (2), Maja Lind (1); their"
        " activities are not imported (import their LinkedIn export, or a mailbox or calendar,"
        " to make them members)",
    ]
    assert "Lina Ahl → Per Moberg (medium: met once" in cli("path", "Per Moberg").stdout
    before = dump(db_path)
    refused = cli("import", "activities", folder / "hubspot-emails-api.csv")
    assert refused.exit_code == 1
    assert refused.output == (
        f"Error: {folder / 'hubspot-emails-api.csv'}, line 1: no activity type column (found:"
        " hs_object_id, hs_timestamp, Activity assigned to, Associated Contact). say what every"
        " row is with --type email, --type meeting or --type call, or name the column with"
        " --column type=HEADER\n"
    )
    assert dump(db_path) == before
    typed = cli("import", "activities", folder / "hubspot-emails-api.csv", "--type", "email")
    assert "2 of 2 rows imported, 0 skipped" in typed.stdout


def test_import_activities_reads_a_salesforce_export_or_says_which_file_is_missing(
    cli, db_path: Path
) -> None:
    export = LINKEDIN.parent / "salesforce" / "export"
    cli("import", "linkedin", LINKEDIN / "connections_2018.csv", "--member", "Lina Ahl")
    before = dump(db_path)
    refused = cli("import", "activities", export / "Task.csv", export / "Contact.csv")
    assert refused.exit_code == 1
    assert refused.output == (
        f"Error: {export / 'Task.csv'}: names each owner by OwnerId, but no User.csv was given"
        " to look them up in. give the User.csv of the same export too, or import the whole"
        " export (its folder or .zip)\n"
    )
    assert dump(db_path) == before
    result = cli("import", "activities", export)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        f"{export}: 5 of 20 rows imported, 15 skipped",
        "  3 skipped: owner is no member of the team",
        "  2 skipped: Event.csv: a recurring series' own record (its occurrences are rows of"
        " their own)",
    ]
    assert (
        "  note: owners who are no member of the team: Olle Berg (2), Gustav Rask (1); their"
        " activities are not imported (import their LinkedIn export, or a mailbox or calendar,"
        " to make them members)"
    ) in lines
    again = cli("import", "activities", *sorted(export.iterdir()))
    assert again.stdout == f"{export}: already imported, nothing changed\n"


def test_import_activities_counts_a_salesforce_event_for_the_member_invited(cli) -> None:
    booked = LINKEDIN.parent / "salesforce" / "booked"  # Sara Dahl, no member, booked two
    cli("import", "linkedin", LINKEDIN / "connections_2018.csv", "--member", "Lina Ahl")
    result = cli("import", "activities", booked)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{booked}: 3 of 5 rows imported, 2 skipped"
    assert "  1 skipped: owner is no member of the team" in lines
    assert (
        "  note: 2 events counted through an invited member, their owner no member of the team"
        " (a meeting booked for a member by someone else)"
    ) in lines
