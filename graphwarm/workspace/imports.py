"""Importing files into a workspace: each command here is one all-or-nothing transaction.

The readers (:mod:`graphwarm.sources.linkedin`, :mod:`graphwarm.sources.crm`) stream records; this
module resolves them to stored people (:mod:`graphwarm.workspace.resolve`) and writes sightings and
tie signals in batches, with the import they came from. The same file imported again changes
nothing; a newer export of the same member (a CRM file of the same name and kind) supersedes
what the older one brought, which stays in the history (:mod:`graphwarm.workspace.history`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Protocol

from .._words import counted
from ..errors import InputError
from ..identity import domain_key, email_key, name_key
from ..sources import (
    activities,
    calendar,
    crm,
    linkedin,
    linkedin_export,
    mail,
    read_ahead,
    salesforce,
)
from ..sources.records import (
    ImportReport,
    InteractionRecord,
    PersonRecord,
    PositionRecord,
    TieRecord,
)
from . import history
from .store import Workspace

__all__ = [
    "Progress",
    "import_accounts",
    "import_activities",
    "import_calendar",
    "import_linkedin",
    "import_mail",
    "import_people",
    "import_ties",
]

Progress = Callable[[str, int], None]
"""Called as ``progress(label, rows_done)`` while a part is read; for progress bars."""

_BATCH = 20_000
_first = itemgetter(0)
_first_two = itemgetter(0, 1)
_ROW_PER_TIE = ("connections", "recommendations_received", "recommendations_given")

_UPSERT_SIGHTING = """
INSERT INTO sightings (person_id, import_id, line, name, url, email, company, title, is_target)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (person_id, import_id) DO UPDATE SET
    name = coalesce(name, excluded.name), url = coalesce(url, excluded.url),
    email = coalesce(email, excluded.email), company = coalesce(company, excluded.company),
    title = coalesce(title, excluded.title), is_target = max(is_target, excluded.is_target)
"""
_UPSERT_SIGNAL = """
INSERT INTO signals (a, b, import_id, connected_on, msgs_ab, msgs_ba, first_msg, last_msg,
                     endorse_ab, endorse_ba, recs_ab, recs_ba, kind, strength)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (a, b, import_id) DO UPDATE SET
    connected_on = coalesce(min(connected_on, excluded.connected_on), connected_on,
                            excluded.connected_on),
    msgs_ab = msgs_ab + excluded.msgs_ab, msgs_ba = msgs_ba + excluded.msgs_ba,
    first_msg = coalesce(min(first_msg, excluded.first_msg), first_msg, excluded.first_msg),
    last_msg = coalesce(max(last_msg, excluded.last_msg), last_msg, excluded.last_msg),
    endorse_ab = endorse_ab + excluded.endorse_ab, endorse_ba = endorse_ba + excluded.endorse_ba,
    recs_ab = recs_ab + excluded.recs_ab, recs_ba = recs_ba + excluded.recs_ba,
    kind = coalesce(kind, excluded.kind), strength = max(strength, excluded.strength)
"""
# E-mail and calendar evidence (one row per correspondent per import; two addresses of one
# person add up).
_UPSERT_TALK = """
INSERT INTO signals (a, b, import_id, mails_ab, mails_ba, replies_ab, replies_ba, first_mail,
                     last_mail, meetings, first_meeting, last_meeting)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (a, b, import_id) DO UPDATE SET
    mails_ab = mails_ab + excluded.mails_ab, mails_ba = mails_ba + excluded.mails_ba,
    replies_ab = replies_ab + excluded.replies_ab, replies_ba = replies_ba + excluded.replies_ba,
    first_mail = coalesce(min(first_mail, excluded.first_mail), first_mail, excluded.first_mail),
    last_mail = coalesce(max(last_mail, excluded.last_mail), last_mail, excluded.last_mail),
    meetings = meetings + excluded.meetings,
    first_meeting = coalesce(min(first_meeting, excluded.first_meeting), first_meeting,
                             excluded.first_meeting),
    last_meeting = coalesce(max(last_meeting, excluded.last_meeting), last_meeting,
                            excluded.last_meeting)
"""


_FORGOTTEN = "someone erased on request (graphwarm forget --person)"


class _Writer:
    """Resolves the records of one import and writes them in batches."""

    def __init__(
        self,
        ws: Workspace,
        import_id: int,
        member_id: int | None,
        report: ImportReport,
        team_accounts: set[int],
        first_new_id: int,
        older: list[int] | None = None,
    ) -> None:
        self.ws = ws
        self.resolver = ws.resolver
        self.import_id = import_id
        self.member_id = member_id
        self.report = report
        self.team_accounts = team_accounts
        self.sightings: list[tuple] = []
        self.signals: list[tuple] = []
        self.talk: list[tuple] = []  # e-mail and calendar rows
        self.own_addresses = 0  # correspondents who turned out to be the member
        self.forgotten_people = 0  # correspondents erased on request
        self.touched: dict[int, tuple] = {}  # person → this import's sighting of them
        # People this import creates get ids from here on; only the others are remembered
        # (to fold this import's sighting into their row), so memory does not grow with the
        # file.
        self.start_id = self.resolver.next_id
        # People stored before this export or file began: seeing them again is a merge.
        self.first_new_id = first_new_id
        self.merged: set[int] = set()
        self.older = older or []  # the imports this one replaces: seeing their people is no merge
        self.newest = ""  # the newest date of a tie written (an export is no older)

    def person(self, rec: PersonRecord) -> int:
        pid, _ = self.resolver.resolve(rec, self.team_accounts)
        name = rec.name
        row = (pid, self.import_id, rec.line, name, rec.url, rec.email, rec.company, rec.title)
        row += (int(rec.is_target),)
        self.sightings.append(row)
        if pid >= self.start_id:
            return pid  # created here from its first sighting: nothing to fold in, nothing kept
        if pid not in self.touched:
            self.touched[pid] = row[3:]
            if pid < self.first_new_id and pid != self.member_id:
                self.merged.add(pid)
        return pid

    def sight(self, pid: int, rec: PersonRecord) -> None:
        """Record that this import saw ``pid`` as ``rec`` (the first sighting counts)."""
        fields = (rec.name, rec.url, rec.email, rec.company, rec.title, int(rec.is_target))
        self.sightings.append((pid, self.import_id, rec.line, *fields))
        self.touched.setdefault(pid, fields)

    def skip_forgotten(self, rec: PersonRecord | None, line: int | None) -> bool:
        """Skip (and report) a row about someone erased with ``graphwarm forget --person``."""
        if rec is None or not self.resolver.is_forgotten(rec):
            return False
        self.report.skipped.append((line or 0, _FORGOTTEN))
        return True

    def tie(self, tie: TieRecord) -> bool:
        if self.resolver.forgotten and (
            self.skip_forgotten(tie.b, tie.line) or self.skip_forgotten(tie.a, tie.line)
        ):
            return False
        a = self.member_id if tie.a is None else self.person(tie.a)
        b = self.person(tie.b)
        if a is None or a == b:
            self.report.skipped.append((tie.line or 0, "both ends are the same person"))
            return False
        if a < b:
            row = (
                a,
                b,
                self.import_id,
                tie.connected_on,
                tie.msgs_ab,
                tie.msgs_ba,
                tie.first_msg,
                tie.last_msg,
                tie.endorse_ab,
                tie.endorse_ba,
                tie.recs_ab,
                tie.recs_ba,
                tie.kind,
                tie.strength,
            )
        else:
            row = (
                b,
                a,
                self.import_id,
                tie.connected_on,
                tie.msgs_ba,
                tie.msgs_ab,
                tie.first_msg,
                tie.last_msg,
                tie.endorse_ba,
                tie.endorse_ab,
                tie.recs_ba,
                tie.recs_ab,
                tie.kind,
                tie.strength,
            )
        self.signals.append(row)
        self.newest = max(self.newest, tie.connected_on or "", tie.last_msg or "")
        return True

    def interaction(
        self,
        rec: InteractionRecord,
        member_id: int | None = None,
        met: set[tuple[int, int]] | None = None,
    ) -> bool:
        """A member's e-mails and meetings with one correspondent: the import's member, or
        ``member_id`` (a CRM file's activities are many members'). Whether it was written:
        not for someone erased, the member themself, or a pair ``met`` holds (one event's
        pairs, each written once whoever of the two attended it as a user); ``met`` gains the
        pair written."""
        if self.resolver.forgotten and self.resolver.is_forgotten(rec.b):
            self.forgotten_people += 1
            return False
        a, b = member_id or self.member_id, self.person(rec.b)
        if a is None or a == b:  # another address of the member's own
            self.own_addresses += 1
            return False
        mails, replies = (rec.mails_ab, rec.mails_ba), (rec.replies_ab, rec.replies_ba)
        if a > b:
            a, b, mails, replies = b, a, mails[::-1], replies[::-1]
        if met is not None:
            if (a, b) in met:
                return False
            met.add((a, b))
        rest = (rec.first_mail, rec.last_mail, rec.meetings, rec.first_meeting, rec.last_meeting)
        self.talk.append((a, b, self.import_id, *mails, *replies, *rest))
        return True

    def position(self, pos: PositionRecord) -> None:
        account = self.resolver.account_for(pos.company)
        self.ws.conn.execute(
            "INSERT INTO positions (person_id, import_id, account_id, company, title, started,"
            " finished) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self.member_id,
                self.import_id,
                account,
                pos.company,
                pos.title,
                pos.started,
                pos.finished,
            ),
        )

    def flush(self) -> None:
        conn = self.ws.conn
        self.resolver.flush()
        # In key order, so that SQLite walks each B-tree once instead of jumping about; the
        # sort is stable, so rows with the same key still meet the upsert in file order.
        if self.sightings:
            self.sightings.sort(key=_first)
            conn.executemany(_UPSERT_SIGHTING, self.sightings)
            self.sightings.clear()
        if self.signals:
            self.signals.sort(key=_first_two)
            conn.executemany(_UPSERT_SIGNAL, self.signals)
            self.signals.clear()
        if self.talk:
            conn.executemany(_UPSERT_TALK, sorted(self.talk, key=_first_two))
            self.talk.clear()

    def write(
        self, records: Iterable[PersonRecord | TieRecord], progress: Progress | None, label: str
    ) -> None:
        done = 0
        for rec in records:
            if isinstance(rec, TieRecord):
                self.report.rows_imported += int(self.tie(rec))
            elif not self.skip_forgotten(rec, rec.line):
                self.person(rec)
                self.report.rows_imported += 1
            done += 1
            if done % _BATCH == 0:
                self.flush()
                if progress:
                    progress(label, done)
        self.flush()
        if progress:
            progress(label, done)

    def finish(self) -> None:
        """Refresh the people this import saw again, and record its counts."""
        self.flush()
        self.resolver.absorb(self.touched)
        conn = self.ws.conn
        back = [r[0] for r in conn.execute("SELECT id FROM people WHERE retired")]
        back = [pid for pid in back if pid in self.touched]
        if back:  # seen again after only superseded imports saw them: as their sightings say
            self.resolver.refresh_people(back)
        if self.older and self.merged:
            self.merged = _known_beyond(conn, self.merged, [*self.older, self.import_id])
        report = self.report
        report.merged = len(self.merged)
        self.ws.finish_import(
            self.import_id,
            report.rows_read,
            report.rows_imported,
            report.skipped,
            report.merged,
            report.skip_counts,
        )


def _known_beyond(conn: sqlite3.Connection, pids: set[int], imports: list[int]) -> set[int]:
    """Those of ``pids`` whom a current import other than ``imports`` sees."""
    found: set[int] = set()
    ordered = sorted(pids)
    skip = ",".join("?" * len(imports))
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found.update(
            r[0]
            for r in conn.execute(
                f"SELECT DISTINCT person_id FROM sightings WHERE person_id IN"
                f" ({','.join('?' * len(chunk))}) AND until_import IS NULL"
                f" AND import_id NOT IN ({skip})",
                (*chunk, *imports),
            )
        )
    return found


def _team_accounts(ws: Workspace) -> set[int]:
    """The accounts the team's members work at (from the resolver's memory: no table scan)."""
    resolver = ws.resolver
    accounts = {resolver.account_of.get(pid) for pid in resolver.member_by_name.values()}
    return {a for a in accounts if a is not None}


# -- LinkedIn -------------------------------------------------------------------------------


def import_linkedin(
    ws: Workspace,
    paths: list[str | Path],
    *,
    member: str | None = None,
    progress: Progress | None = None,
    replace: bool = False,
) -> list[ImportReport]:
    """Import LinkedIn exports (zips, folders, or loose files from one export).

    Several exports may be given at once; each names its member through its Profile.csv, or
    ``member`` names the one member whose export this is. All of it lands, or none of it.

    A file that would replace a member's older import of the same kind and keep less than
    half of its rows (an export that failed, a file emptied by mistake) stops the import with
    an :class:`InputError` and changes nothing, unless ``replace`` says to go ahead.
    """
    exports = linkedin_export.find_exports(paths)
    if member and len(exports) > 1:
        raise InputError(
            f"--member names one member, but {len(exports)} exports were given",
            hint="import each member's export in its own command",
        )
    reports: list[ImportReport] = []
    with _read_ahead(exports) as ahead, ws.transaction():
        for export in exports:
            reports.extend(_import_export(ws, export, member, progress, ahead, replace))
        if reports:
            _keep_history(ws, reports[-1])
    return reports


def _keep_history(ws: Workspace, report: ImportReport) -> None:
    """Drop the history older than the ``keep_history_days`` setting (in the import's
    transaction; with 0, this very second's is dropped too), and say so in ``report``."""
    days = ws.settings.keep_history_days
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=days, seconds=-1)
    dropped = history.prune_history(ws, cutoff)
    if dropped:
        report.notes.append(
            f"{dropped:,} replaced imports older than keep_history_days ({days:,}) were dropped"
            " from the history"
        )


def _read_ahead(exports: list[linkedin_export.Export]) -> contextlib.AbstractContextManager:
    """A worker parsing the exports' Connections.csv ahead, when there are several to read.

    One file gains nothing from it (there is nothing to overlap with): it is read here.
    """
    parts = [e.parts["connections"] for e in exports if "connections" in e.parts]
    if len(parts) < 2 or not read_ahead.ReadAhead.available():
        return contextlib.nullcontext()
    return read_ahead.ReadAhead(parts)


def _import_export(
    ws: Workspace,
    export: linkedin_export.Export,
    member: str | None,
    progress: Progress | None,
    ahead: read_ahead.ReadAhead | None = None,
    replace: bool = False,
) -> list[ImportReport]:
    name = (member or "").strip() or export.member_name()
    if not name:
        raise InputError(
            "has no Profile.csv to tell whose export it is",
            file=export.label,
            hint='name the member: --member "Full Name"',
        )
    notes: list[str] = []
    owner_url = None
    connections = None
    if "connections" in export.parts:
        connections = linkedin.ConnectionsReader(
            export.parts["connections"], lookup="messages" in export.parts, ahead=ahead
        )
    messages = None
    if "messages" in export.parts:
        messages = linkedin.MessagesReader(export.parts["messages"], connections, name)
    if "invitations" in export.parts:
        owner_url, rows = linkedin.invitation_owner_url(export.parts["invitations"])
        notes.append(f"Invitations.csv: {rows} rows read, used only to find the member's URL")
    if owner_url is None and messages is not None:
        owner_url = messages.find_owner()
    position = export.member_position()
    notes.extend(export.notes)  # files not used, which were when there was a choice, dates
    me = PersonRecord(
        name=name,
        url=owner_url,
        company=position.company if position else None,
        title=position.title if position else None,
    )
    team = _team_accounts(ws)
    if me.company:
        team.add(ws.resolver.account_for(me.company))  # type: ignore[arg-type]
    parts = [
        export.parts[k]
        for k in linkedin_export.PARTS
        if k in export.parts and k not in ("invitations", "profile")
    ]
    unchanged, replaced = _older_imports(ws, ws.resolver.match(me, team_accounts=team), parts)
    first_new_id = ws.resolver.next_id
    member_id = _member_id(ws, me, team)

    reports = []
    for part in parts:
        kind = part.kind
        report = ImportReport(file=part.source.name, kind=f"linkedin:{kind}", member=name)
        reports.append(report)
        if kind in unchanged:
            report.unchanged = True
            # the same file, exported again: its later date counts
            ws.date_export(unchanged[kind], export.named_date, None)
            if kind == "connections" and messages is not None and "messages" not in unchanged:
                for _ in connections:  # type: ignore[union-attr]  # messages need its names
                    pass
            continue
        older = replaced.get(kind, ([], 0))
        import_id = ws.add_import(report.kind, report.file, part.sha256, "", member_id)
        writer = _Writer(ws, import_id, member_id, report, team, first_new_id, older[0])
        writer.sight(member_id, me)
        if kind == "positions":
            for pos in export.positions():
                writer.position(pos)
                report.rows_read += 1
                report.rows_imported += 1
        else:
            reader = (
                messages
                if kind == "messages"
                else connections
                if kind == "connections"
                else linkedin.READERS[kind](part)
            )
            writer.write(reader, progress, f"{name}: {kind}")  # type: ignore[arg-type]
            report.rows_read = reader.rows_read  # type: ignore[union-attr]
            report.skipped = reader.skipped + report.skipped  # type: ignore[union-attr]
            report.notes.extend(reader.notes)  # type: ignore[union-attr]
            report.columns = reader.columns  # type: ignore[union-attr]
            if kind not in _ROW_PER_TIE:  # counted per person: say how many rows were used
                report.notes.append(f"{report.rows_imported:,} people in these rows")
                report.rows_imported = report.rows_read - len(report.skipped)
            if kind == "messages" and messages and messages.owner_url and not me.url:
                me.url = f"https://www.linkedin.com/{messages.owner_url}"
                _learn_member_url(ws, member_id, me.url)
        writer.finish()
        ws.date_export(import_id, export.named_date, writer.newest[:10] or None)
        _supersede(ws, report, import_id, older, replace, f"{name}'s current import")
    if reports:
        reports[0].notes.extend(notes)
    return reports


# What the rows of each kind of import are called in the refusal of a shrinking re-import.
_ROWS_CALLED = {
    "linkedin:connections": ("connection", "connections"),
    "linkedin:messages": ("message", "messages"),
    "mail": ("message", "messages"),
    "calendar": ("event", "events"),
    "accounts": ("target account", "target accounts"),
    "people": ("person", "people"),
    "ties": ("tie", "ties"),
    "activities": ("activity", "activities"),
}


# A member's mail, and their calendars, are one import each: what to do to add one.
_IMPORTED_TOGETHER = {
    "mail": "; to add a mailbox to the one imported, give both in one command",
    "calendar": "; to add a calendar to those imported, give them all in one command",
}


def _supersede(
    ws: Workspace,
    report: ImportReport,
    import_id: int,
    older: tuple[list[int], int],
    replace: bool,
    whose: str,
) -> None:
    """Let import ``import_id`` supersede the ``older`` imports of its series (``(ids, rows
    they imported)``), unless it keeps less than half of their rows and ``replace`` was not
    given: then it stops, the transaction rolls back, and the older import stays current."""
    ids, before = older
    if not ids:
        return
    together = _IMPORTED_TOGETHER.get(report.kind, "")
    if not replace and report.rows_imported * 2 < before:
        singular, plural = _ROWS_CALLED.get(report.kind, ("row", "rows"))
        raise InputError(
            f"has {counted(report.rows_imported, singular, plural)}; {whose} has {before:,}",
            file=report.file,
            hint="nothing was changed; if the smaller file is right, pass --replace" + together,
        )
    report.replaced = True
    history.supersede(ws, ids, import_id)
    report.notes.append(
        f"the import it replaces ({', '.join(map(str, ids))}) stays in the history;"
        f" graphwarm undo {import_id} takes this command back" + together
    )


def _member_id(ws: Workspace, me: PersonRecord, team: set[int]) -> int:
    """The member's person id: an existing person when one matches, else a new one."""
    resolver = ws.resolver
    pid = resolver.match(me, team_accounts=team)
    nkey = name_key(me.name)
    if pid is None and nkey and not me.company:  # a colleague's connection at the team's company
        pid = next(
            (
                resolver.by_name_account[(nkey, a)]
                for a in sorted(team)
                if (nkey, a) in resolver.by_name_account
            ),
            None,
        )
    if pid is None:
        pid = resolver.add_person(me, is_member=True)
    ws.conn.execute("UPDATE people SET is_member = 1 WHERE id = ? AND NOT is_member", (pid,))
    resolver.member_by_name[name_key(me.name) or ""] = pid
    return pid


def _learn_member_url(ws: Workspace, member_id: int, url: str) -> None:
    from ..identity import url_key

    key = url_key(url)
    other = ws.resolver.by_url.get(key or "")
    if key and other is None:
        ws.resolver.note_url(member_id, url)
        ws.conn.execute(
            "UPDATE people SET url = coalesce(url, ?), url_key = coalesce(url_key, ?) WHERE id = ?",
            (url, key, member_id),
        )
        ws.conn.execute(  # so that a later refresh from sightings keeps it
            "UPDATE sightings SET url = ? WHERE person_id = ? AND url IS NULL AND import_id IN"
            " (SELECT id FROM imports WHERE member_id = ?)",
            (url, member_id, member_id),
        )


def _older_imports(
    ws: Workspace, member_id: int | None, parts: list[linkedin_export.Part]
) -> tuple[dict[str, int], dict[str, tuple[list[int], int]]]:
    """Which parts were imported before unchanged, and which replace current older imports:
    ``({unchanged kind: its import id}, {kind: (older import ids, rows they imported)})``."""
    unchanged: dict[str, int] = {}
    replaced: dict[str, tuple[list[int], int]] = {}
    if member_id is None:
        return unchanged, replaced
    for part in parts:
        kind = f"linkedin:{part.kind}"
        same = ws.find_import(kind, part.sha256, "", member_id)
        if same is not None:
            unchanged[part.kind] = same
            continue
        rows = ws.conn.execute(
            "SELECT id, rows_imported FROM imports WHERE kind = ? AND member_id = ?"
            " AND superseded_by IS NULL",
            (kind, member_id),
        ).fetchall()
        if rows:
            replaced[part.kind] = [r[0] for r in rows], sum(r[1] for r in rows)
    return unchanged, replaced


# -- CRM and other CSV files ------------------------------------------------------------------


def import_people(
    ws: Workspace,
    path: str | Path,
    *,
    target: bool = False,
    columns: dict[str, str] | None = None,
    accounts: str | Path | None = None,
    replace: bool = False,
) -> ImportReport:
    """Import CRM or address-book contacts; ``target`` marks them all as named buyers.

    ``path`` is a CSV file, or a Salesforce data export (folder or ``.zip``) whose
    ``Contact.csv`` is read with its ``Account.csv``; ``accounts`` names the Account file
    beside a loose ``Contact.csv``.

    A file of the same name as a current ``people`` import supersedes it; one that keeps less
    than half of its rows stops with an :class:`InputError`, unless ``replace``.
    """
    reader = crm.PeopleReader(path, columns=columns, target=target, accounts=accounts)
    options: dict = {"target": target, "columns": columns or {}}
    if reader.accounts_sha256:  # the same contacts with other accounts are another import
        options["accounts"] = reader.accounts_sha256
    return _import_table(ws, reader, "people", options, replace)


def import_ties(
    ws: Workspace,
    path: str | Path,
    *,
    columns: dict[str, str] | None = None,
    replace: bool = False,
) -> ImportReport:
    """Import relationships the team knows about (a relationships file); a file of the same
    name supersedes the older one, as in :func:`import_people`."""
    reader = crm.TiesReader(path, columns=columns)
    return _import_table(ws, reader, "ties", {"columns": columns or {}}, replace)


def import_accounts(
    ws: Workspace,
    path: str | Path,
    *,
    columns: dict[str, str] | None = None,
    replace: bool = False,
) -> ImportReport:
    """Import target accounts (name, domain, tier, value); a file of the same name supersedes
    the older one, as in :func:`import_people`."""
    reader = crm.AccountsReader(path, columns=columns)
    options = json.dumps({"columns": columns or {}}, sort_keys=True)
    report = ImportReport(file=reader.name, kind="accounts", columns=reader.choices)
    with ws.transaction():
        if _unchanged(ws, report, reader.sha256, options):
            return report
        older = _same_file(ws, report)
        import_id = ws.add_import("accounts", reader.name, reader.sha256, options)
        resolver = ws.resolver
        seen: set[int] = set()
        for acc in reader:
            aid = resolver.account_for(acc.name)
            if aid is None:
                report.skipped.append((acc.line, "no account name"))
                continue
            if aid in seen:
                report.skipped.append((acc.line, f"{acc.name!r} is listed twice"))
                continue
            seen.add(aid)
            _name_account(ws, import_id, aid, acc.name, acc.domain)
            ws.conn.execute(
                "INSERT INTO account_targets (account_id, import_id, name, domain, tier, value,"
                " line) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (aid, import_id, acc.name, acc.domain, acc.tier, acc.value, acc.line),
            )
            report.rows_imported += 1
        report.rows_read = reader.rows_read
        report.skipped = sorted(reader.skipped + report.skipped)
        report.notes.extend(reader.notes)
        ws.finish_import(import_id, report.rows_read, report.rows_imported, report.skipped, 0)
        _supersede(ws, report, import_id, older, replace, "the import it would replace")
        _keep_history(ws, report)
    return report


def _name_account(ws: Workspace, import_id: int, aid: int, name: str, domain: str | None) -> None:
    """Name a target account as its list does, and learn its domain; what it was named and
    which domain it had go into the undo journal."""
    q = ws.conn.execute
    (before,) = q("SELECT json_array(name, domain) FROM accounts WHERE id = ?", (aid,)).fetchone()
    key = domain_key(domain)
    if key and key not in ws.resolver.account_by_domain:
        history.journal(ws, import_id, "DELETE FROM account_domains WHERE domain = ?", [key])
    ws.resolver.set_account_domain(aid, domain)
    q("UPDATE accounts SET name = ? WHERE id = ?", (name, aid))
    (after,) = q("SELECT json_array(name, domain) FROM accounts WHERE id = ?", (aid,)).fetchone()
    if after != before:
        statement = "UPDATE accounts SET name = ?, domain = ? WHERE id = ?"
        history.journal(ws, import_id, statement, [*json.loads(before), aid])


def _same_file(ws: Workspace, report: ImportReport) -> tuple[list[int], int]:
    """The current imports of a CRM file of the same name (wherever it was) and kind: the
    ones it replaces."""
    rows = ws.conn.execute(
        "SELECT id, file, rows_imported FROM imports WHERE kind = ? AND member_id IS NULL"
        " AND superseded_by IS NULL",
        (report.kind,),
    ).fetchall()
    same = [(i, n) for i, file, n in rows if Path(file).name == Path(report.file).name]
    return [i for i, _ in same], sum(n for _, n in same)


def _unchanged(ws: Workspace, report: ImportReport, sha256: str, options: str) -> bool:
    if ws.find_import(report.kind, sha256, options, None) is not None:
        report.unchanged = True
        return True
    return False


def _import_table(
    ws: Workspace, reader: crm.TableReader, kind: str, options_dict: dict, replace: bool
) -> ImportReport:
    options = json.dumps(options_dict, sort_keys=True)
    report = ImportReport(file=reader.name, kind=kind, columns=reader.choices)
    with ws.transaction():
        if _unchanged(ws, report, reader.sha256, options):
            return report
        older = _same_file(ws, report)
        import_id = ws.add_import(kind, reader.name, reader.sha256, options)
        writer = _Writer(
            ws, import_id, None, report, _team_accounts(ws), ws.resolver.next_id, older[0]
        )
        writer.write(reader, None, kind)
        report.rows_read = reader.rows_read
        report.skipped = sorted(reader.skipped + report.skipped)
        report.notes.extend(reader.notes)
        writer.finish()
        _supersede(ws, report, import_id, older, replace, "the import it would replace")
        _keep_history(ws, report)
    return report


# -- E-mail and calendar ----------------------------------------------------------------------


def import_mail(
    ws: Workspace,
    paths: list[str | Path],
    *,
    member: str,
    addresses: list[str] | tuple[str, ...] = (),
    replace: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a member's mailbox: an ``.mbox`` (Google Takeout's, or inside its ``.zip`` /
    ``.tgz``), ``.eml`` or Outlook ``.msg`` files, or folders of them, all parts of one mailbox.

    Only headers are read; only counts and dates per correspondent are kept. ``addresses``
    are the member's own (else they are worked out: see :class:`~graphwarm.sources.mail.
    MailReader`). The same mailbox imported again changes nothing; a newer one replaces the
    member's older mail import (unless it would keep less than half of its messages and
    ``replace`` is not given).
    """
    reader = mail.MailReader(paths, max_recipients=ws.settings.max_recipients, progress=progress)
    options = {"max_recipients": ws.settings.max_recipients}
    return _import_interactions(ws, reader, "mail", member, addresses, options, replace)


def import_calendar(
    ws: Workspace,
    paths: list[str | Path],
    *,
    member: str,
    addresses: list[str] | tuple[str, ...] = (),
    replace: bool = False,
) -> ImportReport:
    """Import a member's calendars: ``.ics`` files (or folders of them), all in one import.

    Each past meeting (up to ``as_of``) with at most ``max_attendees`` people counts once
    between the member and each other attendee who did not decline; recurring series are
    expanded up to ``as_of``, at most ``max_occurrences`` meetings each. Only counts and dates
    per person are kept. The same calendars imported again change nothing; newer ones replace
    the member's older calendar import (see :func:`import_mail` for ``replace``).
    """
    settings = ws.settings
    reader = calendar.CalendarReader(
        paths,
        as_of=settings.today(),
        max_attendees=settings.max_attendees,
        max_occurrences=settings.max_occurrences,
    )
    options = {
        "as_of": settings.today().isoformat(),
        "max_attendees": settings.max_attendees,
        "max_occurrences": settings.max_occurrences,
    }
    return _import_interactions(ws, reader, "calendar", member, addresses, options, replace)


class _InteractionSource(Protocol):
    """What :func:`_import_interactions` needs of a mailbox or calendar reader."""

    name: str
    sha256: str
    rows_read: int
    rows_imported: int
    skip_counts: Counter[str]
    notes: list[str]
    owners: set[str]

    def read(self, addresses: Iterable[str], known: Iterable[str], member: str) -> None: ...

    def records(self) -> Iterable[InteractionRecord]: ...


def _import_interactions(
    ws: Workspace,
    reader: _InteractionSource,
    kind: str,
    member: str,
    addresses: Iterable[str],
    options_dict: dict,
    replace: bool,
) -> ImportReport:
    """One member's mailbox or calendar: read it (outside the write lock), then replace the
    member's older import of this kind with it, all or nothing. ``addresses``: the member's
    own, as given; ``options_dict``: the settings that change what the import keeps."""
    name = " ".join(member.split())
    if not name_key(name):
        raise InputError("--member names no one", hint='name the member: --member "Full Name"')
    addresses = list(addresses)
    given = sorted(filter(None, map(email_key, addresses)))
    options = json.dumps({**options_dict, "addresses": given}, sort_keys=True)
    report = ImportReport(file=reader.name, kind=kind, member=name)
    known_id = ws.resolver.member_by_name.get(name_key(name) or "")
    if known_id is not None and ws.find_import(kind, reader.sha256, options, known_id):
        report.unchanged = True
        return report
    known = [
        r[0] for r in ws.conn.execute("SELECT email FROM emails WHERE person_id = ?", (known_id,))
    ]
    reader.read(addresses, known, name)
    with ws.transaction():
        older = ws.conn.execute(
            "SELECT id, rows_imported FROM imports WHERE kind = ? AND member_id = ?"
            " AND superseded_by IS NULL",
            (kind, known_id),
        ).fetchall()
        team = _team_accounts(ws)
        first_new_id = ws.resolver.next_id
        me = PersonRecord(name=name, email=min(reader.owners, default=None))
        member_id = ws.resolver.member_by_name.get(name_key(name) or "")
        if member_id is None:  # no import of theirs yet
            if known_id is None:
                report.notes.append(f"{name} is a new member (no LinkedIn export of theirs yet)")
            member_id = _member_id(ws, me, team)
        import_id = ws.add_import(kind, reader.name, reader.sha256, options, member_id)
        writer = _Writer(ws, import_id, member_id, report, team, first_new_id)
        writer.sight(member_id, me)
        for address in sorted(reader.owners):
            ws.resolver.add_email(member_id, address)
        for rec in reader.records():
            writer.interaction(rec)
        report.rows_read = reader.rows_read
        report.rows_imported = reader.rows_imported
        report.skip_counts = Counter(reader.skip_counts)
        report.notes.extend(reader.notes)
        if writer.own_addresses:
            report.notes.append(
                f"{writer.own_addresses:,} correspondents are {name} (by name or address): "
                "not counted as ties"
            )
        if writer.forgotten_people:
            report.notes.append(
                f"{writer.forgotten_people:,} correspondents were erased on request (graphwarm "
                "forget --person): not imported"
            )
        writer.finish()
        ids = [r[0] for r in older]
        _supersede(
            ws,
            report,
            import_id,
            (ids, sum(r[1] for r in older)),
            replace,
            f"{name}'s current import",
        )
    return report


def import_activities(
    ws: Workspace,
    paths: str | Path | Sequence[str | Path],
    *,
    columns: dict[str, str] | None = None,
    activity_type: str | None = None,
    replace: bool = False,
) -> ImportReport:
    """Import a CRM's logged e-mails, meetings and calls: a HubSpot activity export or any CSV
    like it (:mod:`graphwarm.sources.activities`), or a Salesforce data export's tasks and
    events, its ``.zip``, folder or files (:mod:`graphwarm.sources.salesforce`).

    Each activity up to ``as_of`` counts between its owner, matched to a member by e-mail
    address, else by name, and each of its contacts: an e-mail as an e-mail in its direction,
    a meeting or a call that got through as a meeting. A Salesforce event counts for each
    member who attended it (the reader gives it again for each user invited, with its contacts
    and leads), each pair of people once. A row that no member owns or attended is skipped
    and counted, the owners named in a note. ``activity_type`` says what every row is
    in a file without a type column. A file of the same name supersedes the older import, as
    in :func:`import_people` (several files of an export are named by their folder).
    """
    settings = ws.settings
    reader = salesforce.activities_reader(
        [paths] if isinstance(paths, str | Path) else list(paths),
        as_of=settings.today(),
        max_attendees=settings.max_attendees,
        columns=columns,
        activity_type=activity_type,
    )
    options_dict = {"as_of": reader.as_of, "columns": columns or {}, "type": activity_type}
    if isinstance(reader, salesforce.SalesforceActivities):
        options_dict["max_attendees"] = reader.max_attendees
    options = json.dumps(options_dict, sort_keys=True)
    report = ImportReport(file=reader.name, kind="activities", columns=reader.choices)
    with ws.transaction():
        if _unchanged(ws, report, reader.sha256, options):
            return report
        older = _same_file(ws, report)
        import_id = ws.add_import("activities", reader.name, reader.sha256, options)
        team = _team_accounts(ws)
        writer = _Writer(ws, import_id, None, report, team, ws.resolver.next_id, older[0])
        rows = list(reader)  # once through for the owners' addresses, then written
        owner_of = _OwnerMatcher(ws, rows)
        strangers: Counter[str] = Counter()
        invited = 0  # events counted through an invited member, their owner no member
        for done, (_, same_row) in enumerate(groupby(rows, _row_of), 1):
            acts = [(owner_of(act.owner), act) for act in same_row]
            attended = [(member_id, act) for member_id, act in acts if member_id is not None]
            first = acts[0][1]
            if not attended:
                strangers[first.owner.name or first.owner.email or ""] += 1
                continue
            erased = writer.forgotten_people
            met: set[tuple[int, int]] = set()  # each pair of people once per activity
            written = [
                writer.interaction(rec, member_id, met)
                for member_id, act in attended
                for rec in act.records()
            ]
            if any(written):
                report.rows_imported += 1
                invited += attended[0][1].invited
            else:
                why = _FORGOTTEN if writer.forgotten_people > erased else "the contact is its owner"
                if first.file:  # one of an export's files: counted, as the export's other skips
                    report.skip_counts[f"{first.file}: {why}"] += 1
                else:
                    report.skipped.append((first.line, why))
            if done % _BATCH == 0:
                writer.flush()
        report.rows_read = reader.rows_read
        report.skipped = sorted(reader.skipped + report.skipped)
        report.skip_counts.update(reader.skip_counts)
        report.notes.extend(reader.notes)
        report.notes.extend(owner_of.notes)
        if strangers:
            report.skip_counts[_NOT_A_MEMBER] = sum(strangers.values())
            named = ", ".join(f"{who} ({n:,})" for who, n in strangers.most_common())
            report.notes.append(
                f"owners who are no member of the team: {named}; their activities are not"
                " imported (import their LinkedIn export, or a mailbox or calendar, to make"
                " them members)"
            )
        if invited:
            report.notes.append(
                f"{counted(invited, 'event')} counted through an invited member, their owner no"
                " member of the team (a meeting booked for a member by someone else)"
            )
        writer.finish()
        _supersede(ws, report, import_id, older, replace, "the import it would replace")
        _keep_history(ws, report)
    return report


_NOT_A_MEMBER = "owner is no member of the team"


def _row_of(act: activities.Activity) -> tuple[str, int]:
    """The file and line of an activity: an event's invited users share its owner's."""
    return act.file, act.line


class _OwnerMatcher:
    """An activity's owner → the member's person id (by e-mail address, else by name), or
    ``None`` for someone who is no member. An address the file shows beside a member's name
    (``Lina Ahl (lina@nordvik.se)``) is that member's in all of its rows, unless it is shown
    beside two members' names; :attr:`notes` says which were learned so."""

    def __init__(self, ws: Workspace, rows: list[activities.Activity]) -> None:
        resolver = ws.resolver
        members = set(resolver.member_by_name.values())
        self.by_name = resolver.member_by_name
        self.by_email = {e: pid for e, pid in resolver.by_email.items() if pid in members}
        self.notes: list[str] = []
        shown: dict[str, dict[int, str]] = {}  # address → {member: their name as shown}
        for act in rows:
            email, name = email_key(act.owner.email), act.owner.name
            pid = self.by_name.get(name_key(name) or "")
            if email and pid is not None and email not in self.by_email:
                shown.setdefault(email, {})[pid] = name or ""
        for email, names in sorted(shown.items()):
            if len(names) == 1:
                [(pid, name)] = names.items()
                self.by_email[email] = pid
                self.notes.append(f"owner {email} is {name}: the file shows them together")
            else:
                both = " and ".join(sorted(names.values()))
                self.notes.append(f"owner {email} is shown with {both}: matched by name only")

    def __call__(self, owner: PersonRecord) -> int | None:
        pid = self.by_email.get(email_key(owner.email) or "")
        return pid if pid is not None else self.by_name.get(name_key(owner.name) or "")
