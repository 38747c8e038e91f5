"""Commands that fill and inspect the workspace: import, status, forget, history, undo."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from .._csvcells import csv_line
from .._words import counted
from ..errors import InputError
from ..sources.activities import ACTIVITY_TYPES
from ..sources.records import ImportReport, import_unit
from ..workspace.forget import forget_member, forget_person
from ..workspace.history import HistoryEntry, history, prune_history, undo
from ..workspace.imports import (
    Progress,
    import_accounts,
    import_activities,
    import_calendar,
    import_linkedin,
    import_mail,
    import_people,
    import_ties,
)
from ..workspace.store import Workspace
from ._common import (
    format_option,
    main,
    output_option,
    pass_workspace,
    raw_option,
    write_output,
)

__all__ = ["echo_reports", "echo_status"]


def _columns(values: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for value in values:
        field, eq, header = value.partition("=")
        if not eq or not field.strip() or not header.strip():
            raise InputError(
                f"--column {value!r} is not FIELD=HEADER", hint='e.g. --column name="Full Name"'
            )
        mapping[field.strip().lower()] = header.strip()
    return mapping


_column_option = click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help="Read FIELD from the column HEADER (repeatable).",
)
_replace_file_option = click.option(
    "--replace",
    is_flag=True,
    help="Replace the current import of a file of this name even by one with less than half "
    "of its rows.",
)


_replace_option = click.option(
    "--replace",
    is_flag=True,
    help="Replace a member's older import even by a file with less than half of its rows.",
)


_address_option = click.option(
    "--address",
    "addresses",
    multiple=True,
    metavar="EMAIL",
    help="The member's own address (repeatable); worked out from the files when left out.",
)


@main.group("import")
def import_group() -> None:
    """Import LinkedIn exports, CRM files (contacts, accounts, ties, logged activities), and
    members' mailboxes and calendars into the workspace. Each import says which column it read
    for which field when that was unusual (a fuzzy match, one of several columns, one name
    column); "graphwarm -v import ..." always does.

    \b
    Example:
      graphwarm import linkedin exports/*.zip
      graphwarm import accounts target_accounts.csv
      graphwarm import mail takeout.zip --member "Lina Ahl"
    """


@import_group.command("linkedin")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--member", help="Whose export this is (when it has no Profile.csv).")
@_replace_option
@pass_workspace(create=True)
def linkedin_command(
    ws: Workspace, paths: tuple[Path, ...], member: str | None, replace: bool
) -> None:
    """Import LinkedIn data exports: .zip files, unpacked folders, or single files from one.

    Several members' exports can be imported in one go; each is named by its Profile.csv.
    Importing the same export again changes nothing; a member's newer export replaces the
    older one. A file that would keep less than half of the rows it replaces (an export that
    failed, a file emptied by mistake) stops the import and changes nothing, unless --replace.

    \b
    Example:
      graphwarm import linkedin exports/*.zip
      graphwarm import linkedin Connections.csv messages.csv --member "Lina Ahl"
    """
    with _progress() as progress:
        reports = import_linkedin(
            ws, list(paths), member=member, progress=progress, replace=replace
        )
    echo_reports(reports)
    _warm(ws)


@import_group.command("mail")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--member", required=True, help="Whose mailbox this is.")
@_address_option
@_replace_option
@pass_workspace(create=True)
def mail_command(
    ws: Workspace, paths: tuple[Path, ...], member: str, addresses: tuple[str, ...], replace: bool
) -> None:
    """Import a member's mailbox: Google Takeout's .mbox (or its .zip / .tgz), .eml or Outlook
    .msg files, or folders of them; give every part of one mailbox in one command.

    Only headers are read (From, To, Cc, Date, Message-ID, In-Reply-To and the list, bulk
    and label markers; of a .msg saved from Sent Items, which has none, the same from its
    Outlook properties); a subject, body or attachment is never read or kept. For each
    correspondent of the member the workspace keeps e-mails and replies each way and the
    first and last date. Mailing lists, bulk and automatic mail, no-reply senders, Spam and
    Trash, and messages to more than max_recipients (10) people are skipped and counted.
    Importing the same mailbox again changes nothing; a newer one replaces the older.

    \b
    Example:
      graphwarm import mail takeout-20261101.zip --member "Lina Ahl"
      graphwarm import mail Inbox.mbox Sent.mbox --member "Lina Ahl" --address lina@nordvik.se
      graphwarm import mail "Outlook export/" --member "Lina Ahl"
    """
    with _progress() as progress:
        report = import_mail(
            ws,
            list(paths),
            member=member,
            addresses=addresses,
            replace=replace,
            progress=progress,
        )
    echo_reports([report])


@import_group.command("calendar")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--member", required=True, help="Whose calendar this is.")
@_address_option
@_replace_option
@pass_workspace(create=True)
def calendar_command(
    ws: Workspace, paths: tuple[Path, ...], member: str, addresses: tuple[str, ...], replace: bool
) -> None:
    """Import a member's calendars: .ics files from Google (Takeout writes one per
    calendar), Outlook or Apple, or folders of them; give all of one member's in one command.

    A past meeting (up to as_of) with at most max_attendees (8) people counts as one meeting
    between the member and each other attendee who did not decline; recurring events count
    each time up to as_of, at most max_occurrences (200) per series. All-day, cancelled and
    declined events and those without other attendees are skipped and counted. Only dates and
    attendees are read: never an event's title, description or place.

    \b
    Example:
      graphwarm import calendar lina@nordvik.se.ics --member "Lina Ahl"
    """
    echo_reports(
        [import_calendar(ws, list(paths), member=member, addresses=addresses, replace=replace)]
    )


@import_group.command("activities")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--type",
    "activity_type",
    type=click.Choice(ACTIVITY_TYPES),
    help="What every row is, for a file without a type column (HubSpot exports each apart).",
)
@_column_option
@_replace_file_option
@pass_workspace(create=True)
def activities_command(
    ws: Workspace,
    paths: tuple[Path, ...],
    activity_type: str | None,
    columns: tuple[str, ...],
    replace: bool,
) -> None:
    """Import the e-mails, meetings and calls a CRM logged: a HubSpot activity export (or any
    CSV like it, a Salesforce report too), or a Salesforce data export's tasks and events.
    Fields of one file: owner, contact, type, date, direction, outcome.

    Each activity up to as_of counts between its owner (matched to a member by e-mail
    address, else by name) and each of its contacts (several separated by ";"): an e-mail as
    an e-mail in its direction (none given: sent by the owner), a meeting, and a call that got
    through, as a meeting. Rows whose owner is no member are skipped and counted, the owners
    named. Only these columns are read: never a subject, body or note. A newer file of the
    same name replaces the older import, as for import people.

    A Salesforce data export (its .zip, its folder, or its files: Task.csv, TaskRelation.csv,
    Event.csv, EventRelation.csv, EmailMessage.csv, User.csv, Contact.csv, Lead.csv,
    Account.csv) is read by its Ids: each owner is looked up in User.csv, each person in
    Contact.csv or Lead.csv, each event's attendees in EventRelation.csv (declined ones left
    out). An event counts for every member who attended it: its owner with all attendees, a
    member invited with its contacts and leads, each pair once. Its skips are counted by
    reason.

    \b
    Example:
      graphwarm import activities hubspot-activities.csv
      graphwarm import activities hubspot-calls.csv --type call
      graphwarm import activities WE_00D5g000004abcD_1.ZIP
    """
    report = import_activities(
        ws, list(paths), columns=_columns(columns), activity_type=activity_type, replace=replace
    )
    echo_reports([report])
    _warm(ws)


@import_group.command("people")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--target", is_flag=True, help="Mark everyone in the file as a target (a named buyer)."
)
@click.option(
    "--accounts",
    type=click.Path(path_type=Path),
    help="A Salesforce Account.csv to name each contact's company by its AccountId.",
)
@_column_option
@_replace_file_option
@pass_workspace(create=True)
def people_command(
    ws: Workspace,
    path: Path,
    target: bool,
    accounts: Path | None,
    columns: tuple[str, ...],
    replace: bool,
) -> None:
    """Import contacts from a CRM or address-book export (HubSpot, Salesforce, Pipedrive,
    Google, Outlook, or any CSV; headers in English, Swedish, Norwegian, Danish, Finnish,
    German, French, Spanish or Russian). Fields: name, first_name, last_name, company, title,
    email, url, account_id.

    PATH is a CSV file, or a Salesforce data export (its folder or .zip): its Contact.csv is
    read, with the companies named from its Account.csv. A newer file of the same name
    replaces the older import (kept in the history); one with less than half of its rows
    stops the import and changes nothing, unless --replace.

    \b
    Example:
      graphwarm import people hubspot_contacts.csv --target
      graphwarm import people leads.csv --column name="Full Name" --column company=Employer
      graphwarm import people salesforce-export/ --target
      graphwarm import people Contact.csv --accounts Account.csv
    """
    report = import_people(
        ws, path, target=target, columns=_columns(columns), accounts=accounts, replace=replace
    )
    echo_reports([report])
    _warm(ws)


@import_group.command("accounts")
@click.argument("file", type=click.Path(path_type=Path))
@_column_option
@_replace_file_option
@pass_workspace(create=True)
def accounts_command(ws: Workspace, file: Path, columns: tuple[str, ...], replace: bool) -> None:
    """Import target accounts. Fields: name, domain, tier, value. A newer file of the same
    name replaces the older list, as for import people.

    \b
    Example:
      graphwarm import accounts hubspot_companies.csv
    """
    echo_reports([import_accounts(ws, file, columns=_columns(columns), replace=replace)])
    _warm(ws)


@import_group.command("ties")
@click.argument("file", type=click.Path(path_type=Path))
@_column_option
@_replace_file_option
@pass_workspace(create=True)
def ties_command(ws: Workspace, file: Path, columns: tuple[str, ...], replace: bool) -> None:
    """Import relationships the team knows about. Fields: a_name, a_company, a_email, a_url,
    b_name, b_company, b_email, b_url, kind, strength (0..1). A newer file of the same name
    replaces the older one, as for import people.

    \b
    Example:
      graphwarm import ties relationships.csv
    """
    echo_reports([import_ties(ws, file, columns=_columns(columns), replace=replace)])
    _warm(ws)


@import_group.command("outcomes")
@click.argument("file", type=click.Path(path_type=Path))
@_column_option
@pass_workspace()
def outcomes_command(ws: Workspace, file: Path, columns: tuple[str, ...]) -> None:
    """Record asks and what came of them from a spreadsheet: the asks CSV of graphwarm
    forecast --format csv (or graphwarm asks --format csv) with its status column filled in
    (planned, asked, introduced, not introduced, meeting, no meeting, declined, no answer)
    and, if you like, status_date (YYYY-MM-DD). Importing it again changes nothing; rows
    whose ask no longer resolves are listed, not guessed. A file with a dials column holds
    cold-call tallies instead: member, period, dials, conversations, meetings. Another file,
    such as a CRM's export of those asks as tasks, is read with --column: ask_id, status,
    status_date, target (or the tallies' fields) from the columns you name.

    \b
    Example:
      graphwarm forecast --format csv -o asks.csv   # fill in status, then:
      graphwarm import outcomes asks.csv
      graphwarm import outcomes calls.csv           # member,period,dials,conversations,meetings
      graphwarm import outcomes tasks.csv --column ask_id="Graphwarm Ask" \\
          --column status=Outcome --column status_date="Completed At"
    """
    from ..engine.outcomes import import_outcomes

    r = import_outcomes(ws, file, columns=_columns(columns))
    if r.kind == "tallies":
        click.echo(
            f"{file}: {counted(r.rows_read, 'row')} read; "
            f"{counted(r.recorded, 'cold-call tally', 'cold-call tallies')} added, "
            f"{r.moved:,} updated, {r.unchanged:,} already up to date, "
            f"{len(r.unresolved):,} not resolved"
        )
    else:
        click.echo(
            f"{file}: {counted(r.rows_read, 'row')} read; {counted(r.recorded, 'ask')} recorded, "
            f"{r.moved:,} moved, {r.unchanged:,} already up to date, {r.blank:,} without a "
            f"status, {len(r.unresolved):,} not resolved"
        )
    for line, why in r.unresolved:
        click.echo(f"  line {line}: not resolved: {why}")
    for note in r.notes:
        click.echo(f"  note: {note}")


@main.command("status")
@pass_workspace()
def status_command(ws: Workspace) -> None:
    """Show members with the age of each one's newest LinkedIn export (dated by LinkedIn's
    name for it, else by its import), the members with no export yet (the [team] members
    roster in graphwarm.toml names who should have one), people, accounts, ties by kind, and
    every current import with its counts (graphwarm history lists the replaced ones too).

    \b
    Example:
      graphwarm status
    """
    echo_status(ws)


@main.command("forget")
@click.option("--member", help="Erase this member's imported LinkedIn data.")
@click.option("--person", help="Erase this person (name, LinkedIn URL or e-mail) and every tie.")
@pass_workspace()
def forget_command(ws: Workspace, member: str | None, person: str | None) -> None:
    """Erase a member's imported data, or a person and every tie to them, in one transaction.
    The erasure reaches every import in the history too, and undo never brings it back. A
    forgotten person stays forgotten: later imports skip the rows about them.

    \b
    Example:
      graphwarm forget --person per.moberg@example.com
      graphwarm forget --member "Lina Ahl"
    """
    if bool(member) == bool(person):
        raise click.UsageError("give exactly one of --member or --person")
    if member:
        report = forget_member(ws, member)
        click.echo(
            f"Forgot member {report.who}: {counted(report.imports, 'import')}, "
            f"{counted(report.people, 'person', 'people')}, {counted(report.ties, 'tie')}, "
            f"{counted(report.asks, 'ask')}."
        )
    else:
        report = forget_person(ws, person or "")
        click.echo(
            f"Forgot {report.who}, {counted(report.ties, 'tie')} and "
            f"{counted(report.asks, 'ask')}. Later imports skip them (by LinkedIn URL, e-mail, "
            "or name at their company)."
        )


@main.command("history")
@format_option("table", "csv", "json")
@output_option
@raw_option
@click.option(
    "--prune-before",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="Drop the history of states that ended before DATE (YYYY-MM-DD): the imports that "
    "newer ones replaced before then. The current data stays as it is.",
)
@pass_workspace()
def history_command(
    ws: Workspace, fmt: str, output: Path | None, raw: bool, prune_before: object
) -> None:
    """List every import, newest first: when, which file, whose, its rows, and what it
    changed (people, ties and targets added, dropped, changed; targets: the target accounts
    and named buyers the files list, not those matched by title). An import that a newer one
    replaced is kept and marked "replaced by N"; the setting keep_history_days (default 365)
    drops older history on each import.

    \b
    Example:
      graphwarm history
      graphwarm history --format csv -o history.csv
      graphwarm history --prune-before 2026-01-01
    """
    if prune_before is not None:
        day = prune_before.date()  # type: ignore[attr-defined]
        dropped = prune_history(ws, day)
        click.echo(f"Pruned {dropped:,} replaced imports whose data was replaced before {day}.")
        return
    entries = history(ws)
    if fmt == "json":
        write_output(json.dumps([dataclasses.asdict(e) for e in entries], indent=2) + "\n", output)
    elif fmt == "csv":
        write_output(_history_csv(entries, raw), output, bom=output is not None)
    else:
        write_output("".join(f"{line}\n" for line in _history_table(entries)), output)


_HISTORY_FIELDS = [f.name for f in dataclasses.fields(HistoryEntry)]


def _history_csv(entries: list[HistoryEntry], raw: bool) -> str:
    lines = [csv_line(_HISTORY_FIELDS, raw=raw)]
    lines += [csv_line(list(dataclasses.astuple(e)), raw=raw) for e in entries]
    return "".join(lines)


def _history_table(entries: list[HistoryEntry]) -> list[str]:
    if not entries:
        return ["No imports yet."]
    lines = []
    for e in entries:
        who = f" ({e.member})" if e.member else ""
        state = f"  [replaced by {e.superseded_by}]" if e.superseded_by else ""
        if e.history_pruned:
            state += "  [older history pruned: cannot be undone]"
        lines.append(
            f"{e.id:>4}  {e.imported_at.replace('T', ' ')[:16]}  {e.kind:<22} "
            f"{_short(e.file)}{who}: {e.rows_imported:,} {import_unit(e.kind)}{state}"
        )
        lines.append(
            f"        people +{e.people_added:,} -{e.people_dropped:,}, ties +{e.ties_added:,} "
            f"-{e.ties_dropped:,} ~{e.ties_changed:,}, targets +{e.targets_added:,} "
            f"-{e.targets_dropped:,}"
        )
    return lines


@main.command("undo")
@click.argument("import_id", metavar="[IMPORT]", required=False, type=int)
@click.option("--cascade", is_flag=True, help="Undo the later imports that build on it too.")
@pass_workspace()
def undo_command(ws: Workspace, import_id: int | None, cascade: bool) -> None:
    """Put the workspace back as it was before an import (default: the last one), in one
    transaction: the command that made import IMPORT (graphwarm history lists them) is taken
    back whole, and the data it replaced is current again. An import that later imports of
    the same file or member build on needs --cascade. Data erased with graphwarm forget never
    comes back.

    \b
    Example:
      graphwarm undo
      graphwarm undo 12 --cascade
    """
    report = undo(ws, import_id, cascade=cascade)
    whole = ""
    if import_id is not None and len(report.imports) > 1:  # more than the user named
        built_on = " and the imports built on it" if cascade else ""
        whole = f" (the command that made import {import_id}{built_on})"
    click.echo(f"Undid {counted(len(report.imports), 'import')}{whole}:")
    for iid, file in report.imports:
        click.echo(f"  {iid:>4} {_short(file)}")
    _warm(ws)


def _warm(ws: Workspace) -> None:
    """Leave the graph cache current after a change, so the next reach starts warm (numpy is
    loaded only now: status and the import's own checks start without it)."""
    from ..engine.load import warm_cache

    warm_cache(ws)


def _short(file: str) -> str:
    """A file as the user named it; the bundled samples as ``samples/…``."""
    from ..outputs.demo import samples_dir

    prefix = f"{samples_dir()}{os.sep}"
    return "samples/" + file[len(prefix) :] if file.startswith(prefix) else file


def echo_reports(reports: list[ImportReport], *, columns: bool | None = None) -> None:
    """One line per imported file, then its skipped rows (at most 5 shown), its notes, and
    which column each field was read from: with ``-v`` (or ``columns=True``) always, else
    when a choice was unusual (fuzzy, one of several columns, one name column)."""
    if columns is None:
        ctx = click.get_current_context(silent=True)
        columns = bool(ctx and ctx.find_root().obj and ctx.find_root().obj.get("verbose"))
    for r in reports:
        who = f" ({r.member})" if r.member else ""
        if r.unchanged:
            click.echo(f"{_short(r.file)}{who}: already imported, nothing changed")
            continue
        verb = "replaced the older import; " if r.replaced else ""
        click.echo(
            f"{_short(r.file)}{who}: {verb}{r.rows_imported:,} of {r.rows_read:,} {r.unit} "
            f"imported, {r.rows_skipped:,} skipped"
        )
        for reason, count in sorted(r.skip_counts.items(), key=lambda item: -item[1]):
            click.echo(f"  {count:,} skipped: {reason}")
        for line, reason in r.skipped[:5]:
            click.echo(f"  line {line}: {reason}")
        if len(r.skipped) > 5:
            click.echo(f"  … and {len(r.skipped) - 5:,} more (graphwarm status lists them)")
        for note in r.notes:
            click.echo(f"  note: {note}")
        if r.columns and (columns or r.columns_unusual):
            click.echo("  columns read:")
            for choice in r.columns:
                click.echo(f"    {choice}")


def _some(names: list[str], shown: int = 3) -> str:
    """``"(Anna Berg, Bo Ek, Cia Fors and 9 more)"``: a long list cut short ("" for none)."""
    if not names:
        return ""
    if len(names) <= shown + 1:
        return f" ({', '.join(names)})"
    return f" ({', '.join(names[:shown])} and {len(names) - shown:,} more)"


def echo_status(ws: Workspace) -> None:
    s = ws.status()
    click.echo(f"Workspace {s.path}")
    click.echo(f"  members:  {len(s.members)}{_some(s.members)}")
    click.echo(f"  people:   {s.people:,} ({s.targets:,} named targets)")
    click.echo(f"  accounts: {s.accounts:,} ({s.target_accounts:,} target accounts)")
    ties = ", ".join(f"{k} {v:,}" for k, v in s.ties_by_kind.items()) or "none"
    click.echo(f"  ties:     {sum(s.ties_by_kind.values()):,} ({ties})")
    click.echo(f"  duplicates merged: {s.merged:,} (people already known from another file)")
    for member, sources in s.mail_and_calendars.items():
        listed = "; ".join(f"{kind} {_short(file)}" for kind, file in sources)
        click.echo(f"  {member}'s mail and calendars: {listed}")
    if s.exports or s.missing_exports:
        stale = ws.settings.stale_after_days
        click.echo(f"Member exports (newest; stale after {stale} days):")
    for e in s.exports:
        stale = ", stale" if e.stale else ""
        maybe = (
            f" (maybe {e.newest_entry_days:,}: nothing in it after {e.newest_entry})"
            if e.maybe_stale
            else ""
        )
        click.echo(
            f"  {e.member}: {e.dated} by its {e.dated_by}, {e.age_days:,} days old{maybe}{stale}"
        )
    for m in s.missing_exports:
        click.echo(f"  {m.member}: no export yet ({m.known})")
    if s.imports:
        click.echo("Imports:")
    for imp in s.imports:
        who = f" ({imp['member']})" if imp["member"] else ""
        click.echo(
            f"  {imp['id']:>3} {imp['kind']:<32} {_short(str(imp['file']))}{who}: "
            f"{imp['rows_imported']:,}/{imp['rows_read']:,} {import_unit(str(imp['kind']))}, "
            f"{imp['rows_skipped']:,} skipped"
        )
        for skip in imp["skipped_examples"]:  # type: ignore[attr-defined]
            where = "" if skip["line"] is None else f"line {skip['line']}: "
            click.echo(f"        {where}{skip['reason']}")


@contextlib.contextmanager
def _progress() -> Iterator[Progress | None]:
    """A rich progress display on a terminal; nothing when output is piped or in tests."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress as Bar
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Bar(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        transient=True,
    )
    tasks: dict[str, int] = {}

    def update(label: str, done: int) -> None:
        if label not in tasks:
            tasks[label] = bar.add_task(label, total=None)
        bar.update(tasks[label], completed=done)

    with bar:
        yield update
