"""The workspace: one SQLite file holding people, accounts, ties and the imports they came from.

Every change runs in one transaction (:meth:`Workspace.transaction`): an error or Ctrl-C
leaves the file exactly as it was. Ties are kept as *signals per import*, so forgetting or
replacing an import removes exactly what it brought; the ``ties`` view sums them per pair.
Message text is never stored, only counts and dates per pair.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .._words import counted
from ..errors import WorkspaceError
from ..identity import name_key
from ..settings import Settings, load_settings, settings_path_for

if TYPE_CHECKING:
    from .resolve import Resolver

__all__ = [
    "DEFAULT_DB",
    "SCHEMA_VERSION",
    "MemberExport",
    "MissingExport",
    "Workspace",
    "WorkspaceStatus",
    "default_db_path",
    "open_workspace",
    "workspace_generation",
]

DEFAULT_DB = "graphwarm.db"
_LOCK_TIMEOUT = 10.0  # seconds to wait for another command holding the workspace

_SCHEMA = """
CREATE TABLE imports (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,      -- linkedin:connections, linkedin:messages, people, ...
    file          TEXT NOT NULL,      -- as the user named it, e.g. lina.zip:Connections.csv
    sha256        TEXT NOT NULL,
    options       TEXT NOT NULL DEFAULT '',
    member_id     INTEGER,
    imported_at   TEXT NOT NULL,
    rows_read     INTEGER NOT NULL DEFAULT 0,
    rows_imported INTEGER NOT NULL DEFAULT 0,
    rows_skipped  INTEGER NOT NULL DEFAULT 0,
    merged        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imports_member ON imports(member_id, kind);
CREATE TABLE import_skips (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    line      INTEGER,
    reason    TEXT NOT NULL
);
CREATE INDEX import_skips_import ON import_skips(import_id);

CREATE TABLE accounts (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL UNIQUE,   -- identity.company_key after aliases
    name      TEXT NOT NULL,
    domain    TEXT
);
-- Target accounts, with the import that named them (an account may be named by several).
CREATE TABLE account_targets (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    import_id  INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    domain     TEXT,
    tier       TEXT,
    value      REAL,
    line       INTEGER,
    PRIMARY KEY (account_id, import_id)
) WITHOUT ROWID;
CREATE TABLE account_domains (
    domain     TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE people (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    name_key   TEXT,
    url        TEXT,
    url_key    TEXT UNIQUE,
    company    TEXT,
    account_id INTEGER REFERENCES accounts(id),
    title      TEXT,
    is_member  INTEGER NOT NULL DEFAULT 0,
    is_target  INTEGER NOT NULL DEFAULT 0,
    excluded   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX people_name ON people(name_key, account_id);
CREATE INDEX people_account ON people(account_id);
CREATE TABLE emails (
    email     TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX emails_person ON emails(person_id);
-- Provenance: each import that saw a person, and what it said about them.
CREATE TABLE sightings (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    line      INTEGER,
    name      TEXT,
    url       TEXT,
    email     TEXT,
    company   TEXT,
    title     TEXT,
    is_target INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (person_id, import_id)
) WITHOUT ROWID;
CREATE INDEX sightings_import ON sightings(import_id);
CREATE TABLE positions (
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    import_id  INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    account_id INTEGER REFERENCES accounts(id),
    company    TEXT NOT NULL,
    title      TEXT,
    started    TEXT,   -- YYYY-MM
    finished   TEXT    -- YYYY-MM, NULL while current
);
CREATE INDEX positions_person ON positions(person_id);
CREATE INDEX positions_account ON positions(account_id);
-- The evidence one import gives about one pair (a < b); directional fields read a→b, b→a.
CREATE TABLE signals (
    a            INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    b            INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    import_id    INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    connected_on TEXT,
    msgs_ab      INTEGER NOT NULL DEFAULT 0,
    msgs_ba      INTEGER NOT NULL DEFAULT 0,
    first_msg    TEXT,
    last_msg     TEXT,
    endorse_ab   INTEGER NOT NULL DEFAULT 0,
    endorse_ba   INTEGER NOT NULL DEFAULT 0,
    recs_ab      INTEGER NOT NULL DEFAULT 0,
    recs_ba      INTEGER NOT NULL DEFAULT 0,
    kind         TEXT,
    strength     REAL,
    PRIMARY KEY (a, b, import_id),
    CHECK (a < b)
) WITHOUT ROWID;
CREATE INDEX signals_import ON signals(import_id);
CREATE INDEX signals_b ON signals(b);

CREATE VIEW ties AS
SELECT a, b,
       min(connected_on) AS connected_on,
       sum(msgs_ab) AS msgs_ab, sum(msgs_ba) AS msgs_ba,
       min(first_msg) AS first_msg, max(last_msg) AS last_msg,
       sum(endorse_ab) AS endorse_ab, sum(endorse_ba) AS endorse_ba,
       sum(recs_ab) AS recs_ab, sum(recs_ba) AS recs_ba,
       group_concat(DISTINCT kind) AS kinds,
       max(strength) AS strength,
       count(*) AS sources
FROM signals GROUP BY a, b;
"""

# Tables added after schema version 1 was first written, created when a workspace is opened.
# The graph cache (graph.load_graph): settings-independent arrays as numpy .npy blobs, valid
# while their ``generation`` equals the workspace's. Every committed change bumps the
# generation and drops the cache: Workspace.transaction does it for every writer that uses it,
# and these triggers for the changes that matter even when a writer goes around it (an import
# row added or removed, a person erased or excluded, a target account named or dropped).
# The triggers fire per row only on small tables (imports, account_targets) or rare statements
# (DELETE / UPDATE OF excluded on people): bulk inserts of people and signals pay nothing.
# Dropping the cache inside the writer's transaction also erases the cached bytes of a
# forgotten person (secure_delete).
_BUMP = (
    "UPDATE workspace_meta SET value = value + 1 WHERE key = 'generation'; DELETE FROM graph_cache;"
)
_ADDED_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS workspace_meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO workspace_meta (key, value) VALUES ('generation', 0);
CREATE TABLE IF NOT EXISTS graph_cache (
    name       TEXT PRIMARY KEY,
    generation INTEGER NOT NULL,
    dtype      TEXT NOT NULL,     -- the dtype to restore (a float64 column may be stored as f4)
    data       BLOB NOT NULL      -- numpy .npy format, read with allow_pickle=False
);
CREATE TRIGGER IF NOT EXISTS cache_imports_insert AFTER INSERT ON imports BEGIN {_BUMP} END;
CREATE TRIGGER IF NOT EXISTS cache_imports_delete AFTER DELETE ON imports BEGIN {_BUMP} END;
CREATE TRIGGER IF NOT EXISTS cache_people_delete AFTER DELETE ON people BEGIN {_BUMP} END;
CREATE TRIGGER IF NOT EXISTS cache_people_excluded AFTER UPDATE OF excluded ON people
    BEGIN {_BUMP} END;
CREATE TRIGGER IF NOT EXISTS cache_targets_insert AFTER INSERT ON account_targets
    BEGIN {_BUMP} END;
CREATE TRIGGER IF NOT EXISTS cache_targets_delete AFTER DELETE ON account_targets
    BEGIN {_BUMP} END;
-- People erased on request (graphwarm forget --person): salted one-way keys of their URLs,
-- e-mails and names (identity.forget_keys), by which later imports skip them.
CREATE TABLE IF NOT EXISTS forgotten (key TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT OR IGNORE INTO workspace_meta (key, value)
    VALUES ('forget_salt', random() & 9223372036854775807);
-- Asks (graphwarm ask, engine/asks.py): who asks whom for which target, and what came of it.
-- The path is kept as ids with the strengths and chances of the moment: no names, so a person
-- erased later leaves nothing behind (asks_people_delete erases every ask they are on).
CREATE TABLE IF NOT EXISTS asks (
    id                 INTEGER PRIMARY KEY,
    path_key           TEXT NOT NULL,      -- ids member first "p3-7-12"; cold "c12" (asks.py)
    target_id          INTEGER NOT NULL,   -- people.id, or -accounts.id for an account's buyer
    account_id         INTEGER,
    member_id          INTEGER,
    introducer_id      INTEGER,
    label              TEXT NOT NULL,
    strengths          TEXT NOT NULL,      -- JSON list, one per tie along the path
    probability        REAL NOT NULL,
    p_intro            REAL NOT NULL,
    p_meeting_if_intro REAL NOT NULL,
    note               TEXT,
    status             TEXT NOT NULL DEFAULT 'planned',
    introduced         INTEGER,            -- 1 made, 0 not made, NULL not known (yet)
    meeting            INTEGER,            -- 1 a meeting, 0 none, NULL not known (yet)
    created_on         TEXT NOT NULL,      -- YYYY-MM-DD
    status_on          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS asks_path ON asks(path_key);
CREATE TABLE IF NOT EXISTS ask_people (
    person_id INTEGER NOT NULL,
    ask_id    INTEGER NOT NULL REFERENCES asks(id) ON DELETE CASCADE,
    PRIMARY KEY (person_id, ask_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ask_people_ask ON ask_people(ask_id);
CREATE TRIGGER IF NOT EXISTS asks_people_delete AFTER DELETE ON people BEGIN
    DELETE FROM asks WHERE id IN (SELECT ask_id FROM ask_people WHERE person_id = OLD.id);
END;
CREATE TRIGGER IF NOT EXISTS asks_accounts_delete AFTER DELETE ON accounts BEGIN
    DELETE FROM asks WHERE target_id = -OLD.id OR account_id = OLD.id;
END;
-- Cold-call tallies (graphwarm import outcomes): a member's dials, conversations and meetings
-- in one period, as the team counts them.
CREATE TABLE IF NOT EXISTS call_tallies (
    member_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    period        TEXT NOT NULL,      -- as the file names it: 2026-11, 2026-W45, Q4 2026
    dials         INTEGER NOT NULL,
    conversations INTEGER NOT NULL,
    meetings      INTEGER NOT NULL,
    PRIMARY KEY (member_id, period),
    CHECK (0 <= meetings AND meetings <= conversations AND conversations <= dials)
) WITHOUT ROWID;
"""


# Schema changes after version 1, in order: _MIGRATIONS[i] takes a workspace from version i + 1
# to i + 2. A new workspace is written as version 1 and then migrated like an old one, so the
# two can never differ. A step is SQL run inside the caller's transaction (ALTER TABLE ... ADD
# COLUMN, CREATE TABLE, UPDATE to fill a new column); append, never edit a step once released.
#
# Asks outlive a re-import (issue 13): an export that no longer lists someone must not take the
# team's outcomes with it, so the two triggers of _ADDED_SCHEMA that erased asks with their
# people and accounts go. graphwarm forget erases asks itself (forget.py), and the resolver
# keeps a person or account row an ask refers to (resolve.py). _add_later_tables runs this
# again after _ADDED_SCHEMA, which would bring the triggers back.
_KEEP_ASKS = (
    "DROP TRIGGER IF EXISTS asks_people_delete; DROP TRIGGER IF EXISTS asks_accounts_delete;"
)

# The ties view of schema version 1, summing only the current rows (history: until_import).
_CURRENT_TIES = _SCHEMA[_SCHEMA.index("CREATE VIEW ties") :].replace(
    "FROM signals GROUP BY a, b", "FROM signals WHERE until_import IS NULL GROUP BY a, b"
)

_MIGRATIONS: tuple[str, ...] = (
    # History (workspace/history.py): an import that replaces an older one of its series marks
    # the rows it no longer backs with ``until_import`` instead of deleting them; the current
    # graph reads the rows with ``until_import IS NULL``. A row the newer import repeats
    # unchanged stays as it was, current, so a weekly re-import stores only what changed.
    # ``batch``: the first import of the command that made it (undo takes a command back);
    # ``first_account``: accounts from this id on were created by it or later (undo drops
    # those that nothing names).
    # People whom only superseded rows still see stay ``retired`` (same id, out of the graph).
    """
ALTER TABLE imports ADD COLUMN superseded_by INTEGER;
ALTER TABLE imports ADD COLUMN batch INTEGER;
ALTER TABLE imports ADD COLUMN history_pruned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN first_account INTEGER;
UPDATE imports SET batch = id;
ALTER TABLE signals ADD COLUMN until_import INTEGER;
ALTER TABLE sightings ADD COLUMN until_import INTEGER;
ALTER TABLE positions ADD COLUMN until_import INTEGER;
ALTER TABLE account_targets ADD COLUMN until_import INTEGER;
ALTER TABLE people ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
CREATE INDEX signals_until ON signals(until_import) WHERE until_import IS NOT NULL;
CREATE INDEX sightings_until ON sightings(until_import) WHERE until_import IS NOT NULL;
CREATE INDEX positions_until ON positions(until_import) WHERE until_import IS NOT NULL;
CREATE INDEX positions_import ON positions(import_id);
CREATE INDEX account_targets_until ON account_targets(until_import)
    WHERE until_import IS NOT NULL;
CREATE INDEX account_targets_import ON account_targets(import_id);
CREATE INDEX people_retired ON people(id) WHERE retired;
-- What an import changed outside its own rows, to put back on undo: SQL and its parameters
-- (JSON), run newest first. Only statements graphwarm writes itself (history.journal).
CREATE TABLE undo_journal (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    statement TEXT NOT NULL,
    params    TEXT NOT NULL
);
CREATE INDEX undo_journal_import ON undo_journal(import_id);
DROP VIEW ties;
"""
    + _CURRENT_TIES,
    _KEEP_ASKS,
    # E-mail and calendar evidence per pair (graphwarm import mail / calendar): messages and
    # replies each way, meetings, and their first and last dates; the ties view sums them too.
    """
ALTER TABLE signals ADD COLUMN mails_ab INTEGER NOT NULL DEFAULT 0;
ALTER TABLE signals ADD COLUMN mails_ba INTEGER NOT NULL DEFAULT 0;
ALTER TABLE signals ADD COLUMN replies_ab INTEGER NOT NULL DEFAULT 0;
ALTER TABLE signals ADD COLUMN replies_ba INTEGER NOT NULL DEFAULT 0;
ALTER TABLE signals ADD COLUMN first_mail TEXT;
ALTER TABLE signals ADD COLUMN last_mail TEXT;
ALTER TABLE signals ADD COLUMN meetings INTEGER NOT NULL DEFAULT 0;
ALTER TABLE signals ADD COLUMN first_meeting TEXT;
ALTER TABLE signals ADD COLUMN last_meeting TEXT;
DROP VIEW ties;
CREATE VIEW ties AS
SELECT a, b,
       min(connected_on) AS connected_on,
       sum(msgs_ab) AS msgs_ab, sum(msgs_ba) AS msgs_ba,
       min(first_msg) AS first_msg, max(last_msg) AS last_msg,
       sum(endorse_ab) AS endorse_ab, sum(endorse_ba) AS endorse_ba,
       sum(recs_ab) AS recs_ab, sum(recs_ba) AS recs_ba,
       group_concat(DISTINCT kind) AS kinds,
       max(strength) AS strength,
       count(*) AS sources,
       sum(mails_ab) AS mails_ab, sum(mails_ba) AS mails_ba,
       sum(replies_ab) AS replies_ab, sum(replies_ba) AS replies_ba,
       min(first_mail) AS first_mail, max(last_mail) AS last_mail,
       sum(meetings) AS meetings,
       min(first_meeting) AS first_meeting, max(last_meeting) AS last_meeting
FROM signals WHERE until_import IS NULL GROUP BY a, b;
""",
    # The date of a LinkedIn export, which may be long before its import: ``export_named``
    # from its file name (Basic_LinkedInDataExport_MM-DD-YYYY.zip), exact; ``newest_entry``
    # the newest date in the file (a connection or message), which the export is no older
    # than. Both YYYY-MM-DD, NULL where the import cannot tell.
    """
ALTER TABLE imports ADD COLUMN export_named TEXT;
ALTER TABLE imports ADD COLUMN newest_entry TEXT;
""",
    # The earlier state's arrays (engine/load.py, for graphwarm changes): a new import row,
    # before its trigger above drops the graph cache, moves the cache here when it is of the
    # current generation, as the state after import ``upto`` (the newest before it): the
    # first import of a command keeps the state before the command, the arrays as they are.
    # Deleting an import (undo, prune) or a person (forget) changes what that state held, so
    # it empties the table; a person erased this way leaves no bytes in it.
    # The sightings' indexes by import and by superseding import hold the person too, so that
    # the people an earlier state shows otherwise are read from the indexes alone.
    """
DROP INDEX sightings_import;
CREATE INDEX sightings_import ON sightings(import_id, person_id);
DROP INDEX sightings_until;
CREATE INDEX sightings_until ON sightings(until_import, person_id) WHERE until_import IS NOT NULL;
CREATE TABLE past_cache (
    name  TEXT PRIMARY KEY,
    upto  INTEGER NOT NULL,
    dtype TEXT NOT NULL,
    data  BLOB NOT NULL
);
CREATE TRIGGER past_cache_keep BEFORE INSERT ON imports
    WHEN EXISTS (SELECT 1 FROM graph_cache) AND NOT EXISTS (SELECT 1 FROM graph_cache
        WHERE generation IS NOT (SELECT value FROM workspace_meta WHERE key = 'generation'))
    BEGIN
        DELETE FROM past_cache;
        INSERT INTO past_cache (name, upto, dtype, data) SELECT name,
            (SELECT coalesce(max(id), 0) FROM imports), dtype, data FROM graph_cache;
    END;
CREATE TRIGGER past_cache_imports_delete AFTER DELETE ON imports
    BEGIN DELETE FROM past_cache; END;
CREATE TRIGGER past_cache_people_delete AFTER DELETE ON people
    BEGIN DELETE FROM past_cache; END;
""",
)
SCHEMA_VERSION = 1 + len(_MIGRATIONS)


def default_db_path() -> Path:
    """``$GRAPHWARM_DB`` or ``./graphwarm.db``."""
    return Path(os.environ.get("GRAPHWARM_DB") or DEFAULT_DB)


def open_workspace(
    path: str | Path | None = None, *, settings: Settings | None = None
) -> Workspace:
    """An existing workspace (``graphwarm.open``): ``path``, else ``$GRAPHWARM_DB`` or
    ``./graphwarm.db``, with the settings of the ``graphwarm.toml`` beside it unless
    ``settings`` are given. Raises :class:`WorkspaceError` when there is none."""
    return Workspace(path, create=False, settings=settings)


@dataclass(frozen=True)
class MemberExport:
    """A member's newest LinkedIn export: its date (``dated``, YYYY-MM-DD) and what dates it
    (``dated_by``): ``"file name"``, LinkedIn's name for the archive (exact), else
    ``"import"``, the day it was imported (the export is no newer); ``imported_at`` (ISO
    time); how many days before the settings' today it is dated (0 for a date after it:
    ``as_of`` in the past), and whether that is more than ``stale_after_days``.

    ``newest_entry``: the newest connection or message date in it (the export is no older).
    An export dated by its import whose newest entry is more than ``stale_after_days`` old
    may be as old as that (``maybe_stale``): a 2019 export imported today, or the export of
    a member who seldom uses LinkedIn; only the file name's date tells them apart."""

    member: str
    imported_at: str
    dated: str
    dated_by: str
    age_days: int
    stale: bool
    newest_entry: str | None = None
    newest_entry_days: int | None = None
    maybe_stale: bool = False


@dataclass(frozen=True)
class MissingExport:
    """A member with no LinkedIn export in the workspace: known from their mail, calendar,
    logged activities or asks (``known_from``: ``"mail"``, ``"calendar"``, ``"3 CRM
    contacts"``, ``"2 asks"``, ``"team roster"``), or only from the team roster
    (``[team] members`` in graphwarm.toml)."""

    member: str
    known_from: tuple[str, ...]

    @property
    def known(self) -> str:
        """What is known of them, in words: ``"known from mail, 2 asks; on the team
        roster"`` or ``"only on the team roster in graphwarm.toml, nothing imported"``."""
        data = [k for k in self.known_from if k != "team roster"]
        if not data:
            return "only on the team roster in graphwarm.toml, nothing imported"
        rostered = "; on the team roster" if "team roster" in self.known_from else ""
        return f"known from {', '.join(data)}{rostered}"


@dataclass
class WorkspaceStatus:
    """Counts for ``graphwarm status``."""

    path: str
    members: list[str]
    people: int
    targets: int
    accounts: int
    target_accounts: int
    ties_by_kind: dict[str, int]
    merged: int
    imports: list[dict[str, object]] = field(default_factory=list)
    exports: list[MemberExport] = field(default_factory=list)
    missing_exports: list[MissingExport] = field(default_factory=list)
    """Members (and names on the team roster) with no LinkedIn export."""
    mail_and_calendars: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Each member's mail and calendar imports: ``{member: [(kind, file), ...]}``."""


class Workspace:
    """An open workspace file.

    >>> import tempfile, os
    >>> ws = Workspace(os.path.join(tempfile.mkdtemp(), "w.db"))
    >>> ws.status().people
    0
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        create: bool = True,
        settings: Settings | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        if not create and not self.path.exists():
            raise WorkspaceError(
                "no workspace here",
                file=self.path,
                hint="import something first (graphwarm import linkedin EXPORT.zip), "
                "or point --db / GRAPHWARM_DB at your workspace",
            )
        self.settings = settings or load_settings(settings_path_for(self.path))
        self.conn = self._connect()
        self._resolver: Resolver | None = None
        self._batch: int | None = None  # the first import of the running command

    def _connect(self) -> sqlite3.Connection:
        if self.path.exists() and self.path.is_dir():
            raise WorkspaceError("is a folder, not a workspace file", file=self.path)
        conn = None
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=_LOCK_TIMEOUT)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA secure_delete = ON")  # erased people leave no bytes behind
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if tables:
                    raise WorkspaceError(
                        "is an SQLite file but not a graphwarm workspace", file=self.path
                    )
            elif version > SCHEMA_VERSION:
                raise WorkspaceError(
                    f"was written by a newer graphwarm (schema {version}, this one reads "
                    f"{SCHEMA_VERSION})",
                    file=self.path,
                    hint="upgrade graphwarm: pip install -U graphwarm",
                )
            # Only now that the file is ours: WAL mode is written into the file itself.
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -131072")  # 128 MiB: big imports hit random pages
            if version == 0:
                conn.executescript(f"BEGIN;{_SCHEMA}{_ADDED_SCHEMA}{_migrations_from(1)}COMMIT;")
            else:
                _add_later_tables(conn)
                if version < SCHEMA_VERSION:
                    _migrate(conn, version, self.path)
        except sqlite3.DatabaseError as err:
            if conn is not None:
                conn.close()
            raise WorkspaceError(
                f"cannot be opened as a workspace ({err})",
                file=self.path,
                hint="is it a graphwarm.db? Use --db to pick another file",
            ) from err
        except WorkspaceError:
            conn.close()  # type: ignore[union-attr]
            raise
        return conn

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self, *, graph: bool = True) -> Iterator[sqlite3.Connection]:
        """All or nothing: commit on success; roll back on any exception, Ctrl-C included.

        ``graph=False``: the change leaves the graph as it was (asks and their outcomes), so
        the graph cache is kept."""
        self._batch = None
        try:
            with _transaction(self.conn):
                before = self.conn.total_changes
                yield self.conn
                if graph and self.conn.total_changes != before:
                    _bump_generation(self.conn)
        except BaseException:
            self._resolver = None  # its in-memory indexes may hold rolled-back rows
            raise

    @property
    def resolver(self) -> Resolver:
        """The identity resolver, loaded once and kept while nothing is rolled back."""
        from .resolve import Resolver

        if self._resolver is None:
            self._resolver = Resolver(self.conn, self.settings)
        return self._resolver

    # -- imports ------------------------------------------------------------------------------

    def find_import(
        self, kind: str, sha256: str, options: str, member_id: int | None
    ) -> int | None:
        """The id of a current (not superseded) import of the same content with the same
        options, if any."""
        row = self.conn.execute(
            "SELECT id FROM imports WHERE kind = ? AND sha256 = ? AND options = ? "
            "AND member_id IS ? AND superseded_by IS NULL",
            (kind, sha256, options, member_id),
        ).fetchone()
        return row[0] if row else None

    def add_import(
        self, kind: str, file: str, sha256: str, options: str = "", member_id: int | None = None
    ) -> int:
        """Record a new import; the imports of one command (one transaction) share a batch,
        which ``graphwarm undo`` takes back as one."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        cur = self.conn.execute(
            "INSERT INTO imports (kind, file, sha256, options, member_id, imported_at, batch,"
            " first_account) VALUES (?, ?, ?, ?, ?, ?, ?,"
            " (SELECT coalesce(max(id), 0) + 1 FROM accounts))",
            (kind, file, sha256, options, member_id, now, self._batch),
        )
        import_id = int(cur.lastrowid or 0)
        if self._batch is None:
            self._batch = import_id
            self.conn.execute("UPDATE imports SET batch = ? WHERE id = ?", (import_id, import_id))
        return import_id

    def finish_import(
        self,
        import_id: int,
        rows_read: int,
        rows_imported: int,
        skipped: list[tuple[int, str]],
        merged: int,
        skip_counts: Mapping[str, int] | None = None,
    ) -> None:
        """Record an import's counts and skips; ``skip_counts`` (reason → how many) are kept
        as one skip without a line per reason, e.g. ``1,234 × mailing list``."""
        counts = {reason: n for reason, n in (skip_counts or {}).items() if n}
        self.conn.execute(
            "UPDATE imports SET rows_read = ?, rows_imported = ?, rows_skipped = ?, merged = ? "
            "WHERE id = ?",
            (rows_read, rows_imported, len(skipped) + sum(counts.values()), merged, import_id),
        )
        self.conn.executemany(
            "INSERT INTO import_skips (import_id, line, reason) VALUES (?, ?, ?)",
            [(import_id, line, reason) for line, reason in skipped]
            + [(import_id, None, f"{n:,} × {reason}") for reason, n in counts.items()],
        )

    def date_export(self, import_id: int, named: str | None, newest: str | None) -> None:
        """Record what dates a LinkedIn import's export (YYYY-MM-DD): the date in its file
        name and the newest date in the file, ``None`` where it does not tell; a date already
        recorded is only ever moved later (the same file, exported again on a later day)."""
        self.conn.execute(
            "UPDATE imports SET export_named = coalesce(max(export_named, ?), export_named, ?),"
            " newest_entry = coalesce(max(newest_entry, ?), newest_entry, ?) WHERE id = ?"
            " AND (? > coalesce(export_named, '') OR ? > coalesce(newest_entry, ''))",
            (named, named, newest, newest, import_id, named or "", newest or ""),
        )

    def delete_imports(self, import_ids: list[int]) -> None:
        """Remove imports and everything they brought; tidy up what nothing backs any more."""
        if not import_ids:
            return
        touched = self.resolver.people_of_imports(import_ids)
        marks = ",".join("?" * len(import_ids))
        self.conn.execute(f"DELETE FROM imports WHERE id IN ({marks})", import_ids)
        self.resolver.refresh_people(touched)
        self._resolver = None  # its indexes still hold the people just removed

    # -- reading ------------------------------------------------------------------------------

    def member_exports(self, settings: Settings | None = None) -> list[MemberExport]:
        """Each member's newest LinkedIn export, oldest first (then by name), aged at
        ``settings`` (default: the workspace's) ``today()`` from the export's own date where
        its file name tells it, else from its import (:class:`MemberExport`).
        Only LinkedIn imports count: a mailbox is no export."""
        settings = settings or self.settings
        today, limit = settings.today(), settings.stale_after_days

        def days_to_today(day: str) -> int:
            # a day after the settings' today (as_of pinned to the data's date): not stale
            return max(0, (today - dt.date.fromisoformat(day)).days)

        out = []
        for name, imported, named, newest in self.conn.execute(
            "SELECT p.name, max(i.imported_at), max(i.export_named), max(i.newest_entry)"
            " FROM people p JOIN imports i ON i.member_id = p.id AND i.superseded_by IS NULL"
            " AND i.kind LIKE 'linkedin:%' WHERE p.is_member AND NOT p.retired GROUP BY p.id"
        ):
            dated, by = (named, "file name") if named else (imported[:10], "import")
            age = days_to_today(dated)
            entry_age = days_to_today(newest) if newest else None
            stale = age > limit
            maybe = not stale and not named and (entry_age or 0) > limit
            out.append(
                MemberExport(name, imported, dated, by, age, stale, newest, entry_age, maybe)
            )
        out.sort(key=lambda e: (e.dated, e.member))
        return out

    def missing_exports(self, settings: Settings | None = None) -> list[MissingExport]:
        """Members with no LinkedIn export, by name: those the workspace knows from a mailbox,
        a calendar, logged activities or asks, and the names of the team roster
        (``[team] members``) that match no member with an export, matched by name as
        ``--member`` is (case, accents and punctuation aside)."""
        settings = settings or self.settings
        q = self.conn.execute
        roster = {name_key(n): n for n in settings.team_members}
        members = q(
            "SELECT p.id, p.name, EXISTS (SELECT 1 FROM imports i WHERE i.member_id = p.id"
            " AND i.superseded_by IS NULL AND i.kind LIKE 'linkedin:%')"
            " FROM people p WHERE p.is_member AND NOT p.retired"
        ).fetchall()
        with_export = {name_key(name) for _, name, exported in members if exported}
        found: dict[str | None, MissingExport] = {}
        for pid, name, _ in members:
            key = name_key(name)
            if key in with_export:  # an export of theirs, or of the same name: one person
                continue
            found[key] = MissingExport(name, self._known_of(pid, key in roster))
        for key, name in roster.items():
            if key not in found and key not in with_export:
                found[key] = MissingExport(name, ("team roster",))
        return sorted(found.values(), key=lambda m: (name_key(m.member) or "", m.member))

    def _known_of(self, pid: int, rostered: bool) -> tuple[str, ...]:
        """What the workspace holds of member ``pid`` besides a LinkedIn export."""
        q = self.conn.execute
        known = [
            kind
            for (kind,) in q(
                "SELECT DISTINCT kind FROM imports WHERE member_id = ? AND superseded_by IS NULL"
                " AND kind NOT LIKE 'linkedin:%' ORDER BY kind",
                (pid,),
            )
        ]
        (contacts,) = q(
            "SELECT count(*) FROM signals s JOIN imports i ON i.id = s.import_id"
            " WHERE i.kind = 'activities' AND s.until_import IS NULL AND (s.a = ? OR s.b = ?)",
            (pid, pid),
        ).fetchone()
        if contacts:
            known.append(counted(contacts, "CRM contact"))
        try:
            (asks,) = q("SELECT count(*) FROM asks WHERE member_id = ?", (pid,)).fetchone()
        except sqlite3.OperationalError:  # a read-only file from before asks
            asks = 0
        if asks:
            known.append(counted(asks, "ask"))
        if rostered:
            known.append("team roster")
        return tuple(known)

    def status(self) -> WorkspaceStatus:
        """Members, people, accounts, ties by kind and each import with its counts."""
        q = self.conn.execute
        members = [
            r[0] for r in q("SELECT name FROM people WHERE is_member AND NOT retired ORDER BY name")
        ]
        ties_by_kind: dict[str, int] = {}
        for kind, count in q(
            "SELECT coalesce(k.kind, 'linkedin'), count(*) FROM ("
            " SELECT a, b, CASE"
            "  WHEN max(kind IS NOT NULL) = 1 THEN 'relationship'"
            "  WHEN sum(msgs_ab + msgs_ba) > 0 THEN 'messaged'"
            "  WHEN sum(meetings) > 0 THEN 'met'"
            "  WHEN sum(mails_ab + mails_ba) > 0 THEN 'e-mailed'"
            "  ELSE 'connection' END AS kind"
            " FROM signals WHERE until_import IS NULL GROUP BY a, b) AS k GROUP BY 1 ORDER BY 1"
        ):
            ties_by_kind[kind] = count
        imports = []
        for row in q(
            "SELECT i.id, i.kind, i.file, i.imported_at, p.name, i.rows_read, i.rows_imported,"
            " i.rows_skipped, i.merged FROM imports i LEFT JOIN people p ON p.id = i.member_id"
            " WHERE i.superseded_by IS NULL ORDER BY i.id"
        ):
            skips = q(
                "SELECT line, reason FROM import_skips WHERE import_id = ? ORDER BY line LIMIT 5",
                (row[0],),
            ).fetchall()
            imports.append(
                {
                    "id": row[0],
                    "kind": row[1],
                    "file": row[2],
                    "imported_at": row[3],
                    "member": row[4],
                    "rows_read": row[5],
                    "rows_imported": row[6],
                    "rows_skipped": row[7],
                    "merged": row[8],
                    "skipped_examples": [{"line": s[0], "reason": s[1]} for s in skips],
                }
            )
        sources: dict[str, list[tuple[str, str]]] = {}
        for imp in imports:
            if imp["kind"] in ("mail", "calendar") and imp["member"]:
                sources.setdefault(str(imp["member"]), []).append(
                    (str(imp["kind"]), str(imp["file"]))
                )
        return WorkspaceStatus(
            path=str(self.path),
            members=members,
            people=q("SELECT count(*) FROM people WHERE NOT retired").fetchone()[0],
            targets=q("SELECT count(*) FROM people WHERE is_target AND NOT retired").fetchone()[0],
            accounts=q("SELECT count(*) FROM accounts").fetchone()[0],
            target_accounts=q(
                "SELECT count(DISTINCT account_id) FROM account_targets WHERE until_import IS NULL"
            ).fetchone()[0],
            ties_by_kind=ties_by_kind,
            merged=q(
                "SELECT coalesce(sum(merged), 0) FROM imports WHERE superseded_by IS NULL"
            ).fetchone()[0],
            imports=imports,
            exports=self.member_exports(),
            missing_exports=self.missing_exports(),
            mail_and_calendars=dict(sorted(sources.items())),
        )


def workspace_generation(conn: sqlite3.Connection) -> int | None:
    """The workspace's generation: bumped by every committed change (``None``: a workspace
    without the counter, e.g. one opened read-only by an older graphwarm)."""
    try:
        row = conn.execute("SELECT value FROM workspace_meta WHERE key = 'generation'").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else int(row[0])


def _bump_generation(conn: sqlite3.Connection) -> None:
    """Inside the caller's transaction: a new generation, and the cache dropped."""
    try:
        conn.execute("UPDATE workspace_meta SET value = value + 1 WHERE key = 'generation'")
        conn.execute("DELETE FROM graph_cache")
    except sqlite3.OperationalError:  # a file without the cache tables (read-only, older)
        pass


def _add_later_tables(conn: sqlite3.Connection) -> None:
    """Add the generation counter, the graph cache, the forgotten keys and the asks to a
    workspace written before them."""
    found = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE name IN ("
        "'graph_cache', 'workspace_meta', 'forgotten', 'asks', 'ask_people', 'call_tallies')"
    ).fetchone()[0]
    if found == 6:
        return
    try:
        conn.executescript(f"BEGIN IMMEDIATE;{_ADDED_SCHEMA}{_KEEP_ASKS}COMMIT;")
    except sqlite3.OperationalError:  # read-only file or busy: work without the cache
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def _migrations_from(version: int) -> str:
    """The SQL that takes a workspace from ``version`` to :data:`SCHEMA_VERSION`."""
    steps = "".join(_MIGRATIONS[version - 1 :])
    return f"{steps}PRAGMA user_version = {SCHEMA_VERSION};"


def _migrate(conn: sqlite3.Connection, version: int, path: Path) -> None:
    """Bring a workspace written by an older graphwarm up to date, all steps or none."""
    try:
        conn.executescript(f"BEGIN IMMEDIATE;{_migrations_from(version)}COMMIT;")
    except sqlite3.OperationalError as err:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise WorkspaceError(
            f"was written by an older graphwarm (schema {version}) and cannot be upgraded "
            f"to schema {SCHEMA_VERSION} ({err})",
            file=path,
            hint="make the file writable (and close other graphwarm commands using it), "
            "then run the command again",
        ) from err


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
