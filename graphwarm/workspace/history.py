"""The workspace's history: superseding an older import, undo, the list of imports, pruning.

An import of a *series* (a member's LinkedIn file of one kind; a CRM file of one name and kind)
replaces the older import of that series without deleting it. Each evidence row (a tie's
signals, a sighting of a person, a position, a target account) carries ``until_import``: the
import that superseded it, ``NULL`` while current. The current graph reads the current rows;
the state after import ``K`` is the rows with ``import_id <= K`` and ``until_import`` NULL or
after ``K``. A newer import's row that repeats a current older row unchanged is not stored
twice: the older row stays current and stands for it, so a weekly re-import stores only what
changed.

Undo deletes an import's rows and makes current again what it superseded, in one
transaction. ``forget`` is not undone by anything: it deletes rows of every import, history
included.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import InputError, NotFoundError
from .store import Workspace

__all__ = [
    "HistoryEntry",
    "PastState",
    "UndoReport",
    "history",
    "journal",
    "past_people",
    "past_state",
    "prune_history",
    "supersede",
    "undo",
]

# The evidence tables, and the columns of theirs that are not what a row says: in every other
# column two rows must agree to say the same thing (the line a row was read from aside: a row
# that moved down the file says the same). Read from the table itself, so that a column a
# later schema step adds (the e-mail counts) is compared too.
_EVIDENCE = ("signals", "sightings", "positions", "account_targets")
_NOT_SAID = {"import_id", "until_import", "line"}


def _said(conn: sqlite3.Connection, table: str) -> list[str]:
    """The columns of ``table`` in which two rows must agree to say the same thing."""
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in _NOT_SAID]


# The columns that name one thing in a table (a pair, a person, an account), for counting
# what an import added, dropped and changed.
_KEY = {"signals": ("a", "b"), "sightings": ("person_id",), "account_targets": ("account_id",)}


def _marks(values: Iterable[object]) -> str:
    return ",".join("?" * len(list(values)))


def supersede(ws: Workspace, older: list[int], new: int) -> None:
    """Make import ``new`` replace the current ``older`` imports of its series (inside the
    caller's transaction): the series' current rows that ``new`` does not repeat are marked
    superseded by it; its rows that repeat one of them are dropped, the older row standing for
    them (it may be older than ``older``: a row repeated week after week keeps its first
    import)."""
    if not older:
        return
    conn = ws.conn
    series = _series(conn, older)
    marks = _marks(series)
    for table in _EVIDENCE:
        columns = _said(conn, table)
        same = " AND ".join(f"n.{c} IS o.{c}" for c in columns)
        repeated = f"EXISTS (SELECT 1 FROM {table} AS n WHERE n.import_id = ? AND {same})"
        conn.execute(
            f"UPDATE {table} AS o SET until_import = ? WHERE o.import_id IN ({marks})"
            f" AND o.until_import IS NULL AND NOT {repeated}",
            (new, *series, new),
        )
        conn.execute(
            f"DELETE FROM {table} AS n WHERE n.import_id = ? AND EXISTS (SELECT 1 FROM {table}"
            f" AS o WHERE o.import_id IN ({marks}) AND o.until_import IS NULL AND {same})",
            (new, *series),
        )
    conn.execute(
        f"UPDATE imports SET superseded_by = ? WHERE id IN ({_marks(older)})", (new, *older)
    )
    dropped = [r[0] for r in conn.execute(_SUPERSEDED_PEOPLE, (new,))]
    ws.resolver.refresh_people(dropped, drop_accounts=False)  # kept for the history


_SUPERSEDED_PEOPLE = "SELECT person_id FROM sightings WHERE until_import = ?"


def _series(conn: sqlite3.Connection, imports: list[int]) -> list[int]:
    """These imports and every import they superseded, on back: their series."""
    return [
        r[0]
        for r in conn.execute(
            f"WITH RECURSIVE s(id) AS (SELECT id FROM imports WHERE id IN ({_marks(imports)})"
            " UNION SELECT i.id FROM imports i JOIN s ON i.superseded_by = s.id)"
            " SELECT id FROM s",
            imports,
        )
    ]


def journal(ws: Workspace, import_id: int, statement: str, params: Iterable[object]) -> None:
    """Remember a statement that puts back what ``import_id`` changes outside its own rows
    (an account's name, a domain): undo runs it, newest first."""
    ws.conn.execute(
        "INSERT INTO undo_journal (import_id, statement, params) VALUES (?, ?, ?)",
        (import_id, statement, json.dumps(list(params))),
    )


# -- undo -------------------------------------------------------------------------------------


@dataclass
class UndoReport:
    """What ``graphwarm undo`` took back: the imports, newest first, as ``(id, file)``."""

    imports: list[tuple[int, str]]


def undo(ws: Workspace, import_id: int | None = None, *, cascade: bool = False) -> UndoReport:
    """Put the workspace back as it was before the command that made ``import_id`` (default:
    the newest import), in one transaction: that command's imports are removed and what they
    superseded is current again.

    Later imports that build on them (a newer import of the same series) stop it with an
    :class:`InputError` naming them, unless ``cascade`` undoes them too. Raises
    :class:`NotFoundError` for an unknown import, and :class:`InputError` for one whose older
    data was pruned from the history.
    """
    with ws.transaction():
        conn = ws.conn
        if import_id is None:
            row = conn.execute("SELECT max(batch) FROM imports").fetchone()
            if row[0] is None:
                raise NotFoundError("there is no import to undo")
            batches = {int(row[0])}
        else:
            row = conn.execute("SELECT batch FROM imports WHERE id = ?", (import_id,)).fetchone()
            if row is None:
                raise NotFoundError(
                    f"there is no import {import_id}", hint="graphwarm history lists them"
                )
            batches = {int(row[0])}
        asked = set(batches)
        while True:  # every batch holding an import that superseded one of these
            found = {
                int(r[0])
                for r in conn.execute(
                    f"SELECT n.batch FROM imports o JOIN imports n ON n.id = o.superseded_by"
                    f" WHERE o.batch IN ({_marks(batches)})",
                    sorted(batches),
                )
            }
            if found <= batches:
                break
            batches |= found
        ids = [
            (int(r[0]), str(r[1]), int(r[2]), bool(r[3]))
            for r in conn.execute(
                f"SELECT id, file, batch, history_pruned FROM imports WHERE batch IN"
                f" ({_marks(batches)}) ORDER BY id DESC",
                sorted(batches),
            )
        ]
        later = [f"{i} ({file})" for i, file, batch, _ in reversed(ids) if batch not in asked]
        if later and not cascade:
            raise InputError(
                f"import {import_id or min(asked)} is built on by later imports: "
                + ", ".join(later),
                hint="pass --cascade to undo them too, or undo them first",
            )
        pruned = [f"{i} ({file})" for i, file, _, was_pruned in ids if was_pruned]
        if pruned:
            raise InputError(
                f"import {', '.join(pruned)} replaced data that was pruned from the history, "
                "so it cannot be undone",
                hint="import the older file again instead",
            )
        for i, _, _, _ in ids:
            _undo_one(ws, i)
        ws._resolver = None  # its indexes still hold the people just removed
    return UndoReport(imports=[(i, file) for i, file, _, _ in ids])


def _undo_one(ws: Workspace, import_id: int) -> None:
    """Take back one import (the newest of those to undo): what it replaced is current
    again, the people it touched are shown as their sightings now say."""
    conn = ws.conn
    resolver = ws.resolver
    touched = resolver.people_of_imports([import_id])
    touched.update(r[0] for r in conn.execute(_SUPERSEDED_PEOPLE, (import_id,)))
    older = [
        r[0] for r in conn.execute("SELECT id FROM imports WHERE superseded_by = ?", (import_id,))
    ]
    if older:  # the rows it repeated were last seen by the import it replaced: a new order
        series = _series(conn, older)
        touched.update(
            r[0]
            for r in conn.execute(
                f"SELECT person_id FROM sightings WHERE import_id IN ({_marks(series)})"
                " AND until_import IS NULL",
                series,
            )
        )
    created = {  # accounts it (or a later import) created: those nothing names go with it
        r[0]
        for r in conn.execute(
            "SELECT id FROM accounts WHERE id >= (SELECT first_account FROM imports WHERE id = ?)",
            (import_id,),
        )
    }
    for statement, params in conn.execute(
        "SELECT statement, params FROM undo_journal WHERE import_id = ? ORDER BY rowid DESC",
        (import_id,),
    ).fetchall():
        conn.execute(statement, json.loads(params))
    for table in _EVIDENCE:
        conn.execute(f"UPDATE {table} SET until_import = NULL WHERE until_import = ?", (import_id,))
    conn.execute("UPDATE imports SET superseded_by = NULL WHERE superseded_by = ?", (import_id,))
    conn.execute("DELETE FROM imports WHERE id = ?", (import_id,))
    resolver.refresh_people(touched, drop_accounts=False)
    resolver.drop_orphan_accounts(created)


# -- the list of imports ----------------------------------------------------------------------


@dataclass
class HistoryEntry:
    """One import as ``graphwarm history`` shows it, with what it changed: people, ties and
    targets (target accounts and named buyers) it added, dropped, and (ties) changed."""

    id: int
    batch: int
    imported_at: str
    kind: str
    file: str
    member: str | None
    rows_imported: int
    superseded_by: int | None
    history_pruned: bool
    people_added: int
    people_dropped: int
    ties_added: int
    ties_dropped: int
    ties_changed: int
    targets_added: int
    targets_dropped: int


_NOT_A_MEMBER = "x.person_id NOT IN (SELECT member_id FROM imports WHERE member_id IS NOT NULL)"


def history(ws: Workspace) -> list[HistoryEntry]:
    """Every import, newest first, with what it changed (people: the contacts it saw, members
    aside)."""
    conn = ws.conn
    rows = conn.execute(
        "SELECT i.id, i.batch, i.imported_at, i.kind, i.file, p.name, i.rows_imported,"
        " i.superseded_by, i.history_pruned FROM imports i"
        " LEFT JOIN people p ON p.id = i.member_id ORDER BY i.id DESC"
    ).fetchall()
    entries = []
    for row in rows:
        iid = row[0]
        people = _changed(conn, "sightings", iid, _NOT_A_MEMBER)
        ties = _changed(conn, "signals", iid)
        accounts = _changed(conn, "account_targets", iid)
        buyers = _changed(conn, "sightings", iid, "x.is_target")
        entries.append(
            HistoryEntry(
                *row[:8],
                bool(row[8]),
                people[0],
                people[1],
                ties[0],
                ties[1],
                ties[2],
                accounts[0] + buyers[0],
                accounts[1] + buyers[1],
            )
        )
    return entries


def _changed(
    conn: sqlite3.Connection, table: str, import_id: int, only: str = "1"
) -> tuple[int, int, int]:
    """``(added, dropped, changed)``: the things (pairs, people, accounts) whose row the import
    brought and no row it superseded names; those a superseded row names and no row of the
    import; and those named by both. ``only`` narrows the rows (``x.is_target``)."""
    same = " AND ".join(f"x.{c} = y.{c}" for c in _KEY[table])
    new = f"SELECT count(*) FROM {table} AS x WHERE x.import_id = ? AND {only}"
    old = f"SELECT count(*) FROM {table} AS x WHERE x.until_import = ? AND {only}"
    in_new = f"EXISTS (SELECT 1 FROM {table} AS y WHERE y.import_id = ? AND {same})"
    in_old = f"EXISTS (SELECT 1 FROM {table} AS y WHERE y.until_import = ? AND {same})"
    q = conn.execute
    added = q(f"{new} AND NOT {in_old}", (import_id, import_id)).fetchone()[0]
    dropped = q(f"{old} AND NOT {in_new}", (import_id, import_id)).fetchone()[0]
    changed = q(f"{new} AND {in_old}", (import_id, import_id)).fetchone()[0]
    return added, dropped, changed


# -- pruning ----------------------------------------------------------------------------------


def prune_history(ws: Workspace, before: dt.date | dt.datetime) -> int:
    """Drop the history of states that ended before ``before``: each superseded import whose
    successor was imported before then, and the rows only those states held (inside the
    caller's transaction, or in its own). The current state never changes. An import whose
    older data is pruned cannot be undone any more. Returns how many imports were dropped."""
    if isinstance(before, dt.datetime):
        cutoff = before.astimezone(dt.UTC).isoformat(timespec="seconds")
    else:
        cutoff = before.isoformat()
    own = not ws.conn.in_transaction
    with ws.transaction() if own else contextlib.nullcontext():
        return _prune(ws, cutoff)


def _prune(ws: Workspace, cutoff: str) -> int:
    conn = ws.conn
    pairs = conn.execute(
        "SELECT o.id, o.superseded_by FROM imports o JOIN imports n ON n.id = o.superseded_by"
        " WHERE n.imported_at < ? ORDER BY o.id",
        (cutoff,),
    ).fetchall()
    touched: set[int] = set()
    for old, new in pairs:
        touched.update(
            r[0]
            for r in conn.execute(
                "SELECT person_id FROM sightings WHERE import_id = ? AND until_import = ?",
                (old, new),
            )
        )
        for table in _EVIDENCE:  # rows later states still read now belong to the successor
            conn.execute(
                f"UPDATE {table} SET import_id = ? WHERE import_id = ?"
                " AND (until_import IS NULL OR until_import > ?)",
                (new, old, new),
            )
        conn.execute("UPDATE imports SET history_pruned = 1 WHERE id = ?", (new,))
        conn.execute("DELETE FROM imports WHERE id = ?", (old,))
    if touched:
        ws.resolver.refresh_people(touched)
    return len(pairs)


# -- earlier states ---------------------------------------------------------------------------


@dataclass
class PastState:
    """An earlier state of the workspace, as SQL conditions on the evidence tables (their
    ``import_id`` and ``until_import``): ``rows`` holds that state's rows; ``added`` the rows
    of the imports since (or rolled back) and ``replaced`` the rows they superseded: together
    (``changed``) the rows in which it differs from the current state. ``began``: when that
    state began (the time of the newest import it holds; ``None`` for the empty workspace);
    ``label`` says which state it is, for reports."""

    rows: str
    added: str
    replaced: str
    began: str | None
    label: str
    upto: int | None = None  # the state after this import, or
    rolled_back: frozenset[int] = frozenset()  # the current one without these imports
    people: dict[int, tuple | None] | None = field(default=None, repr=False, compare=False)

    @property
    def changed(self) -> str:
        """The rows in which this state differs from the current one (an SQL condition)."""
        return f"({self.added} OR {self.replaced})"

    def changed_rows(self, table: str, columns: str) -> str:
        """A query of ``columns`` of the :attr:`changed` rows of ``table`` (a row both added and
        replaced comes twice): one index search each, where their ``OR`` reads the table."""
        return (
            f"SELECT {columns} FROM {table} WHERE {self.added}"
            f" UNION ALL SELECT {columns} FROM {table} WHERE {self.replaced}"
        )

    def holds(self, import_id: int) -> bool:
        """Whether an import is part of this state."""
        if self.upto is not None:
            return import_id <= self.upto
        return import_id not in self.rolled_back


def past_state(
    ws: Workspace, *, since_import: int | None = None, since: dt.date | None = None
) -> PastState:
    """The state after import ``since_import``; or the state at the start of day ``since``
    (after the newest import before it); or, by default, the state before the latest import
    of every file or member that replaced an older one (last week's, for a weekly import).

    Raises :class:`NotFoundError` for an import that is not (or no longer) in the history.
    """
    conn = ws.conn
    if since is not None:
        row = conn.execute(
            "SELECT max(id) FROM imports WHERE imported_at < ?", (since.isoformat(),)
        ).fetchone()
        return _as_of(conn, row[0] or 0, f"since {since.isoformat()}")
    if since_import is not None:
        if not conn.execute("SELECT 1 FROM imports WHERE id = ?", (since_import,)).fetchone():
            raise NotFoundError(
                f"there is no import {since_import} in the history",
                hint="graphwarm history lists them",
            )
        return _as_of(conn, since_import, f"since import {since_import}")
    latest = [
        int(r[0])
        for r in conn.execute(
            "SELECT DISTINCT o.superseded_by FROM imports o JOIN imports n"
            " ON n.id = o.superseded_by WHERE n.superseded_by IS NULL ORDER BY 1"
        )
    ]
    ids = ",".join(map(str, latest)) or "-1"  # (NOT IN (NULL) would hold nothing)
    began = conn.execute(
        f"SELECT max(imported_at) FROM imports WHERE superseded_by IN ({ids})"
    ).fetchone()[0]
    return PastState(
        rows=f"((until_import IS NULL AND import_id NOT IN ({ids})) OR until_import IN ({ids}))",
        added=f"import_id IN ({ids})",
        replaced=f"until_import IN ({ids})",
        began=began,
        label="since the import before the latest of each member and file",
        rolled_back=frozenset(latest),
    )


def _as_of(conn: sqlite3.Connection, k: int, label: str) -> PastState:
    (began,) = conn.execute("SELECT imported_at FROM imports WHERE id = ?", (k,)).fetchone() or (
        None,
    )
    return PastState(
        rows=f"(import_id <= {k} AND (until_import IS NULL OR until_import > {k}))",
        added=f"import_id > {k}",
        replaced=f"until_import > {k}",
        began=began,
        label=label,
        upto=k,
    )


def past_people(
    ws: Workspace, state: PastState, *, only: Iterable[int] | None = None
) -> dict[int, tuple | None]:
    """The people whom ``state`` shows otherwise than the current state does, as it shows
    them: ``(name, company, title, account_id, is_target)``, or ``None`` for someone it
    does not know. Everyone else it shows as they are now (if current). Worked out once per
    state (the graph of the state may have filled it in already). ``only``: fold just these
    people's sightings in the state, every time."""
    if state.people is not None and only is None:
        return state.people
    from .resolve import Folder

    conn = ws.conn
    resolver = ws._resolver or Folder(conn, ws.settings)  # no index of people needed
    touched = (
        sorted({r[0] for r in conn.execute(state.changed_rows("sightings", "person_id"))})
        if only is None
        else sorted(set(only))
    )
    out: dict[int, tuple | None] = {}
    for start in range(0, len(touched), 900):
        chunk = touched[start : start + 900]
        seen = resolver.sightings(chunk, state.rows, state.holds)
        for pid, rows in seen.items():
            if not rows:  # a member, too, is seen by each of their imports
                out[pid] = None
                continue
            fold: list = [None, None, None, None, False]
            for sighting in rows:
                resolver.fold(fold, sighting)
            name, company, title, _url, is_target = fold
            key = resolver.account_key(company)
            out[pid] = (name, company, title, resolver.account_by_key.get(key or ""), is_target)
    if only is None:
        state.people = out
    return out
