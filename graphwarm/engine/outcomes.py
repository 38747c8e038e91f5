"""``graphwarm import outcomes``: the asks and what came of them, in bulk, from a spreadsheet.

The file is the forecast's asks CSV (``graphwarm forecast --format csv``) or the list of asks
(``graphwarm asks --format csv``) with its ``status`` (and ``status_date``) column filled in.
Each row names its ask by ``ask_id``: a recorded ask's number, or the stable key of a path
the forecast proposed (``p3-7-12``; a cold call ``c12``), for which an ask is recorded on
first import. The status then moves the ask as ``graphwarm outcome`` would, every step it
implies included (``meeting`` on a referral: asked, introduced, meeting).

A file with a ``dials`` column is a file of cold-call tallies instead: rows of member,
period, dials, conversations and meetings (:func:`_import_tallies`), which calibrate
``p_connect`` and ``p_cold``.

Any other file, such as a CRM's export of the tasks the forecast's CSV became, is read with
``columns``: each field (``ask_id``, ``status``, ``status_date``, ``target``; for tallies
``member``, ``period``, ``dials``, ``conversations``, ``meetings``) from the column the user
names. Its cells must still say what the asks CSV says: an ask's number or key, one of
:data:`OUTCOME_STATUSES`, and a date as ``YYYY-MM-DD`` (a time after it, as CRMs export, is
left out).

Nothing is guessed: a row whose ask or path no longer resolves (a person erased, a path gone,
a target column that names someone else) is listed in the report, not matched to the
nearest; rows that contradict each other, or the workspace's record, stop the import with
their lines and change nothing. Importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .._csvcells import neutralise
from ..errors import GraphwarmError, InputError
from ..sources._csvfile import Source, Table, read_table
from ..sources._headers import norm_header
from ..workspace.forget import one_person
from ..workspace.store import Workspace
from .asks import (
    MOVES,
    REFERRALS,
    AskRecord,
    apply_move,
    get_ask,
    insert_ask,
    key_ids,
    next_state,
)
from .explain import ranked_routes
from .load import load_graph
from .reach import best_paths_to

__all__ = ["OUTCOME_FIELDS", "OUTCOME_STATUSES", "OutcomesReport", "import_outcomes"]

# What a status cell may say: "planned" and every move of graphwarm outcome.
OUTCOME_STATUSES = ("planned", *MOVES)

# Each status as the moves that lead to it from "planned"; steps already taken are skipped.
_STEPS = {
    "planned": (),
    "asked": ("asked",),
    "introduced": ("asked", "introduced"),
    "not introduced": ("asked", "not introduced"),
    "declined": ("asked", "declined"),
    "no answer": ("asked", "no answer"),
}

_SEARCH = 200  # introducers' paths to look through for a row's path

_ASK_FIELDS = ("ask_id", "status", "status_date", "target")
_TALLY_COLUMNS = ("member", "period", "dials", "conversations", "meetings")
# The fields a column can be named for (graphwarm import outcomes --column FIELD=HEADER).
OUTCOME_FIELDS = (*_ASK_FIELDS, *_TALLY_COLUMNS)
# A date as the asks CSV writes it, or with the time a CRM export adds (left out).
_DATE = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?)?"
)


@dataclass
class OutcomesReport:
    """What one outcomes import did: asks recorded (new), asks moved, asks already as the
    file says (``unchanged``), rows without a status (``blank``), rows whose ask did not
    resolve (line, why), and notes about the file. For a file of cold-call tallies
    (``kind == "tallies"``): tallies added (``recorded``), changed (``moved``), unchanged."""

    file: str
    kind: str = "asks"  # or "tallies": a file of cold-call tallies
    rows_read: int = 0
    recorded: int = 0
    moved: int = 0
    unchanged: int = 0
    blank: int = 0
    unresolved: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    line: int
    ask_id: str
    status: str
    on: dt.date | None
    target: str


def import_outcomes(
    ws: Workspace,
    path: str | Path,
    *,
    today: dt.date | None = None,
    columns: dict[str, str] | None = None,
) -> OutcomesReport:
    """Read an outcomes CSV and record its asks and statuses, all in one transaction.
    ``columns``: the header to read each field from, where it is not the field's own name
    (a CRM's task export).

    Raises :class:`InputError` (with the file and line) for a missing column, a field
    ``columns`` does not know, an unknown status, a date that is not ``YYYY-MM-DD``, rows
    that contradict each other, and rows that contradict the workspace (a closed ask marked
    otherwise, a meeting before the introduction); nothing is changed then.
    """
    columns = columns or {}
    unknown = sorted(set(columns) - set(OUTCOME_FIELDS))
    if unknown:
        raise InputError(
            f"--column {unknown[0]}: no such field in an outcomes file",
            file=path,
            hint=f"name one of {', '.join(OUTCOME_FIELDS)}",
        )
    source = Source.from_path(path)
    table = read_table(source)
    report = OutcomesReport(file=str(path))
    report.notes += table.decoding_notes()
    if "dials" in columns or _index(table, "dials", columns) is not None:
        report.kind = "tallies"
        _import_tallies(ws, table, source.name, report, columns)
        return report
    rows = _rows(table, source.name, report, columns)
    report.notes += [f"line {line}: {why}" for line, why in table.skipped]
    wanted = _one_per_ask(rows, source.name)
    on_default = today or dt.date.today()
    errors: list[tuple[int, str]] = []
    with ws.transaction(graph=False):
        for row in wanted:
            recorded = report.recorded
            ask = _resolve(ws, row, report, on_default)
            fresh = report.recorded > recorded
            if ask is None:
                continue
            try:
                changed = _move_to(ws, ask, row.status, row.on or on_default)
            except InputError as err:
                errors.append((row.line, err.message))
                continue
            if changed:
                report.moved += 1
            elif not fresh:
                report.unchanged += 1
        if errors:
            first = errors[0][0]
            raise InputError(
                "rows contradict what the workspace holds: "
                + "; ".join(f"line {line}: {why}" for line, why in errors),
                file=source.name,
                line=first,
                hint="correct these rows (graphwarm asks shows each ask's status); "
                "nothing was imported",
            )
    return report


def _index(table: Table, field: str, columns: dict[str, str]) -> int | None:
    """The column ``field`` is read from: the one ``columns`` names for it, else the one
    named like the field (the first, as compared by :func:`norm_header`)."""
    wanted = norm_header(columns.get(field, field))
    return next((i for i, h in enumerate(table.header) if norm_header(h) == wanted), None)


_ASKS_HINT = (
    "use the asks CSV of graphwarm forecast --format csv or graphwarm asks --format csv, with "
    "its status column filled in; for another file, name its columns: --column FIELD=HEADER"
)
_TALLIES_HINT = (
    "give one row per member and period: member, period, dials, conversations, meetings (or "
    "name their columns with --column FIELD=HEADER)"
)


def _columns(
    table: Table,
    name: str,
    fields: tuple[str, ...],
    needed: tuple[str, ...],
    columns: dict[str, str],
    *,
    kind: str = "asks",
    hint: str = _ASKS_HINT,
) -> dict[str, int | None]:
    """Each field's column; :class:`InputError` for a field ``columns`` names that a file of
    ``kind`` does not have or a column it names that the file does not have, and for the
    ``needed`` fields the file has no column for."""
    found = {f: _index(table, f, columns) for f in fields}
    for wanted, header in columns.items():
        if wanted not in found:
            raise InputError(
                f"--column {wanted}: not a field of a file of {kind}",
                file=name,
                hint=f"its fields: {', '.join(fields)}",
            )
        if found[wanted] is None:
            raise InputError(
                f"no column {header!r} (--column {wanted})",
                file=name,
                line=table.header_line,
                hint=f"the file's columns: {', '.join(table.header)}",
            )
    missing = [f for f in needed if found[f] is None]
    if missing:
        where = "" if kind == "asks" else f" in a file of {kind}"
        raise InputError(
            f"no {', '.join(missing)} column{where}", file=name, line=table.header_line, hint=hint
        )
    return found


def _rows(table: Table, name: str, report: OutcomesReport, columns: dict) -> list[_Row]:
    found = _columns(table, name, _ASK_FIELDS, ("ask_id", "status"), columns)
    at, st, dt_col, tg = (found[f] for f in _ASK_FIELDS)
    assert at is not None and st is not None
    out = []
    for row in table.rows():
        report.rows_read += 1
        cells = row.fields
        status = " ".join(cells[st].casefold().replace("_", " ").replace("-", " ").split())
        if not status:
            report.blank += 1
            continue
        if status not in OUTCOME_STATUSES:
            raise InputError(
                f"unknown status {cells[st]!r}",
                file=name,
                line=row.line,
                column=table.header[st],
                hint=f"use one of {', '.join(OUTCOME_STATUSES)}",
            )
        on = None
        if dt_col is not None and cells[dt_col].strip():
            date = _DATE.fullmatch(cells[dt_col].strip())
            try:
                if date is None:
                    raise ValueError(cells[dt_col])
                on = dt.date.fromisoformat(date.group(1))
            except ValueError:
                raise InputError(
                    f"{cells[dt_col]!r} is not a date like 2026-11-05",
                    file=name,
                    line=row.line,
                    column=table.header[dt_col],
                    hint="write dates as YYYY-MM-DD (a spreadsheet may need the column "
                    "formatted as text)",
                ) from None
        ask_id = cells[at].lstrip("'")
        target = cells[tg] if tg is not None else ""
        out.append(_Row(row.line, ask_id, status, on, target))
    return out


def _one_per_ask(rows: list[_Row], name: str) -> list[_Row]:
    """One row per ask; the same status twice is one, two different ones an error naming
    both lines."""
    first: dict[str, _Row] = {}
    clashes: list[tuple[int, str]] = []
    for row in rows:
        seen = first.setdefault(row.ask_id, row)
        if seen is not row and (seen.status, seen.on) != (row.status, row.on):
            clashes.append(
                (
                    seen.line,
                    f"ask {row.ask_id} is {_said(seen)} on line {seen.line} and {_said(row)} "
                    f"on line {row.line}",
                )
            )
    if clashes:
        raise InputError(
            "rows contradict each other: " + "; ".join(text for _, text in clashes),
            file=name,
            line=clashes[0][0],
            hint="keep one status (and date) per ask_id; nothing was imported",
        )
    return list(first.values())


def _said(row: _Row) -> str:
    return repr(row.status) + (f" ({row.on.isoformat()})" if row.on else "")


def _resolve(ws: Workspace, row: _Row, report: OutcomesReport, on: dt.date) -> AskRecord | None:
    """The ask a row names, recorded first when it names a path without one; ``None`` (and
    the row listed as unresolved) when it names nothing the workspace holds."""
    if row.ask_id.isascii() and row.ask_id.isdigit():
        try:
            ask = get_ask(ws, int(row.ask_id))
        except GraphwarmError:
            report.unresolved.append((row.line, f"no ask {row.ask_id} in the workspace"))
            return None
        return _same_target(ask, row, report)
    ids = key_ids(row.ask_id)
    if ids is None:
        report.unresolved.append((row.line, f"{row.ask_id!r} is not an ask_id"))
        return None
    found = ws.conn.execute(
        "SELECT max(id) FROM asks WHERE path_key = ?", (row.ask_id,)
    ).fetchone()[0]
    if found is not None:
        return _same_target(get_ask(ws, found), row, report)
    target = ids[-1]
    what = row.target or row.ask_id
    rg = load_graph(ws)
    try:
        name = str(rg.info(target)["name"])
        tr = best_paths_to(rg, ws.settings, target, _SEARCH)
    except (GraphwarmError, KeyError, IndexError, ValueError):
        report.unresolved.append((row.line, f"{what}: not in the workspace any more"))
        return None
    if row.target and row.target not in (name, neutralise(name)):
        report.unresolved.append(
            (row.line, f"{what}: ask_id {row.ask_id} names {name} now, not this target")
        )
        return None
    route = None
    if row.ask_id.startswith("p"):
        route = next((r for r in ranked_routes(tr) if r.path == ids), None)
        if route is None:
            report.unresolved.append((row.line, f"{what}: the path {row.ask_id} is gone"))
            return None
    ask = get_ask(ws, insert_ask(ws, tr, route, on=row.on or on))
    report.recorded += 1
    return ask


def _same_target(ask: AskRecord, row: _Row, report: OutcomesReport) -> AskRecord | None:
    if row.target and row.target not in (ask.target, neutralise(ask.target)):
        report.unresolved.append(
            (row.line, f"{row.target}: ask {row.ask_id} is for {ask.target}, not this target")
        )
        return None
    return ask


def _move_to(ws: Workspace, ask: AskRecord, status: str, on: dt.date) -> bool:
    """Move ``ask`` to ``status`` by the steps it implies; only the last may refuse."""
    steps = _STEPS.get(status)
    if steps is None:  # meeting, no meeting: through the introduction on a referral
        steps = ("asked", "introduced", status) if ask.label in REFERRALS else ("asked", status)
    changed = False
    for n, move in enumerate(steps, start=1):
        if n < len(steps):
            try:
                next_state(ask, move)
            except InputError:
                continue  # a step already behind it
        if apply_move(ws, ask, move, on=on):
            changed = True
            ask = get_ask(ws, ask.id)
    return changed


def _import_tallies(
    ws: Workspace, table: Table, name: str, report: OutcomesReport, columns: dict
) -> None:
    """Cold-call tallies: one row per member and period. A member not on the team is listed
    as unresolved; a count that is not a whole number, counts that do not nest (meetings ≤
    conversations ≤ dials) and two rows for one member and period that disagree are errors
    naming the line; a period imported before with other counts is updated."""
    found = _columns(
        table,
        name,
        _TALLY_COLUMNS,
        _TALLY_COLUMNS,
        columns,
        kind="cold-call tallies",
        hint=_TALLIES_HINT,
    )
    at = [found[c] for c in _TALLY_COLUMNS]
    headers = [table.header[i] for i in at]  # type: ignore[index]
    seen: dict[tuple[int, str], tuple[int, tuple[int, int, int]]] = {}
    for row in table.rows():
        report.rows_read += 1
        member, period, *counts = (row.fields[i] for i in at)
        numbers = tuple(
            _count(c, col, name, row.line) for c, col in zip(counts, headers[2:], strict=True)
        )
        dials, talks, meetings = numbers
        if not meetings <= talks <= dials:
            raise InputError(
                f"{meetings} meetings, {talks} conversations and {dials} dials do not nest",
                file=name,
                line=row.line,
                hint="meetings ≤ conversations ≤ dials",
            )
        if not period:
            raise InputError(
                "no period",
                file=name,
                line=row.line,
                column=headers[1],
                hint="name the period the counts cover, e.g. 2026-11",
            )
        try:
            member_id = one_person(ws, member, members_only=True)[0]
        except GraphwarmError as err:
            report.unresolved.append((row.line, f"{member or '(no member)'}: {err.message}"))
            continue
        key = (member_id, period)
        if key in seen and seen[key][1] != numbers:
            raise InputError(
                f"rows contradict each other: {member}, {period} is on line {seen[key][0]} and "
                f"line {row.line} with other counts",
                file=name,
                line=seen[key][0],
                hint="keep one row per member and period; nothing was imported",
            )
        seen[key] = (row.line, numbers)
    report.notes += [f"line {line}: {why}" for line, why in table.skipped]
    with ws.transaction(graph=False) as conn:
        for (member_id, period), (_, numbers) in seen.items():
            old = conn.execute(
                "SELECT dials, conversations, meetings FROM call_tallies"
                " WHERE member_id = ? AND period = ?",
                (member_id, period),
            ).fetchone()
            if old is not None and tuple(old) == numbers:
                report.unchanged += 1
                continue
            conn.execute(
                "INSERT OR REPLACE INTO call_tallies"
                " (member_id, period, dials, conversations, meetings) VALUES (?, ?, ?, ?, ?)",
                (member_id, period, *numbers),
            )
            if old is None:
                report.recorded += 1
            else:
                report.moved += 1


def _count(text: str, column: str, name: str, line: int) -> int:
    if not (text.isascii() and text.isdigit()):
        raise InputError(
            f"{text!r} is not a count",
            file=name,
            line=line,
            column=column,
            hint="write whole numbers without spaces or separators",
        )
    return int(text)
