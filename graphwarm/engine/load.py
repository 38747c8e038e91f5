"""Reading a workspace into a :class:`~graphwarm.engine.graph.ReferralGraph`, with the graph
cache.

:func:`load_graph` reads the workspace's tables straight into numpy arrays. The
settings-independent arrays (people, accounts, each pair's summed signals, shared employers)
are kept in the workspace's ``graph_cache`` (numpy ``.npy`` blobs, no pickle) for the current
``generation``; every committed change drops them, and the next load rebuilds them. The
settings (tie strength, buyer titles, ``exclude``) are applied on every load.
"""

from __future__ import annotations

import contextlib
import io
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..settings import Settings
from .graph import Excluder, ReferralGraph
from .strength import _day_numbers, tie_strength_array

if TYPE_CHECKING:
    from ..workspace.history import PastState

__all__ = ["TIE_SIGNALS", "load_graph", "load_graphs", "load_past_graph", "warm_cache"]

# Each tie's signals as the graph cache sums them over its imports (``load_graph(...,
# signals=True)`` keeps them on the graph): LinkedIn message and e-mail counts each way,
# meetings, endorsements and recommendations either way, whether a relationships file names
# the pair and the strength it gives (NaN: none), and the dates as day numbers since
# 1970-01-01 (NaN: none).
TIE_SIGNALS = (
    "msgs_ab",
    "msgs_ba",
    "endorsements",
    "relationship",
    "given",
    "connected_on",
    "first_msg",
    "last_msg",
    "mails_ab",
    "mails_ba",
    "meetings",
    "first_mail",
    "last_mail",
    "first_meeting",
    "last_meeting",
)
# How the ties of several imports of one pair combine, as the store's ``ties`` view does.
_SUMMED = ("msgs_ab", "msgs_ba", "endorsements", "mails_ab", "mails_ba", "meetings")
_LATEST = ("relationship", "given", "last_msg", "last_mail", "last_meeting")
_EARLIEST = ("connected_on", "first_msg", "first_mail", "first_meeting")
_DAYS = _EARLIEST + _LATEST[2:]

log = logging.getLogger(__name__)


def load_graph(
    ws_or_conn: Any,
    settings: Settings | None = None,
    *,
    keep_connection: bool = True,
    cache: bool = True,
    signals: bool = False,
    past: PastState | None = None,
) -> ReferralGraph:
    """Read a workspace into a :class:`ReferralGraph` (arrays only; no networkx).

    ``ws_or_conn``: a :class:`~graphwarm.workspace.store.Workspace`, an open ``sqlite3.Connection``
    or a path to a workspace file. ``settings`` defaults to the workspace's own. With
    ``keep_connection`` the graph keeps the connection to explain ties on demand
    (:meth:`ReferralGraph.tie_breakdown`); keep the workspace open while you do.

    With ``cache`` (the default) the settings-independent arrays (people, accounts, each pair's
    summed signals, shared employers) are read from the workspace's ``graph_cache`` when it is
    of the current generation, else read from the tables and stored there for next time; the
    tie strengths, buyer titles and ``exclude`` are always applied from ``settings``.
    ``cache=False`` reads the tables and leaves the cache alone (the same arrays).
    ``signals`` keeps each tie's :data:`TIE_SIGNALS` on the graph (``edge_signals``), for the
    exports and tables that show them (about 250 MB more at 5 M ties).

    ``past``: the graph of an earlier state (:func:`graphwarm.workspace.history.past_state`;
    ``ws_or_conn`` must then be a workspace), without a connection to explain ties by: the
    current arrays with what changed since read again (``cache=False``: all from the tables).
    """
    conn, ws_settings = _connection(ws_or_conn)
    settings = settings or ws_settings or Settings()
    if past is not None:
        read = _past_raw if cache else _read_past
        return _graph_from_raw(conn, read(ws_or_conn, past), settings, False, signals)
    raw = _load_raw(conn) if cache else None
    if raw is None:
        raw = _read_raw_consistent(conn, store=cache)
    return _graph_from_raw(conn, raw, settings, keep_connection, signals)


def load_graphs(
    ws: Any, past: PastState, settings: Settings | None = None
) -> tuple[ReferralGraph, ReferralGraph]:
    """The current graph and the graph of an earlier state (as :func:`load_graph` makes
    each), from one read of the current arrays."""
    settings = settings or ws.settings
    now = _current_raw(ws.conn)
    then = _past_raw(ws, past, now)
    return (
        _graph_from_raw(ws.conn, now, settings, True),
        _graph_from_raw(ws.conn, then, settings, False),
    )


def load_past_graph(ws: Any, past: PastState, settings: Settings | None = None) -> ReferralGraph:
    """The graph of an earlier state alone, for a caller that has the current one."""
    return _graph_from_raw(ws.conn, _past_raw(ws, past), settings or ws.settings, False)


def _current_raw(conn: sqlite3.Connection) -> dict[str, Any]:
    """The current arrays: from the cache when it is current, else read (and cached)."""
    return _load_raw(conn) or _read_raw_consistent(conn, store=True)


def _past_raw(ws: Any, past: PastState, now: dict[str, Any] | None = None) -> dict[str, Any]:
    """The arrays of an earlier state: from the kept arrays of that state when the workspace
    has them (:func:`_load_past`), else from the current ones (:func:`_past_from_now`);
    the same arrays either way. ``now``: the current arrays, when already read."""
    now = now or _current_raw(ws.conn)
    kept = _load_past(ws.conn, past)
    raw = _past_from_kept(ws, past, now, kept) if kept is not None else None
    return raw if raw is not None else _past_from_now(ws, past, now)


def warm_cache(ws_or_conn: Any) -> None:
    """Make the graph cache current now (after an import, say), so that the next command
    that reads the graph starts warm; nothing to do when it is current already."""
    conn, _ = _connection(ws_or_conn)
    if _load_raw(conn) is None:
        _read_raw_consistent(conn, store=True)


# What the cache holds: settings-independent arrays (``*_text``: strings, see _pack_text).
_RAW_ARRAYS = (
    "person_id",
    "account",
    "is_member",
    "is_target",
    "excluded",
    "unnamed",
    "account_id",
    "account_is_target",
    "u",
    "v",
    *TIE_SIGNALS,
    "shared",
)

_RAW_TEXTS = ("names", "companies", "titles", "account_name")

_CURRENT = "until_import IS NULL"  # the evidence rows of the current state

_CACHE_FORMAT = 3  # bump when what the cache holds changes meaning


def _read_raw(
    conn: sqlite3.Connection, rows: str = _CURRENT, people: str = "people WHERE NOT retired"
) -> dict[str, Any]:
    """The settings-independent arrays, straight from the tables: of the evidence ``rows``
    (an SQL condition; default: the current ones) and the ``people`` (a table and condition).
    """
    q = conn.execute
    rows_of_people = q(
        "SELECT id, coalesce(account_id, -1), is_member, is_target, excluded, name, company, "
        f"title, name_key IS NULL FROM {people} ORDER BY id"
    ).fetchall()
    if rows_of_people:
        pid_t, acc_t, mem_t, tgt_t, exc_t, name_t, comp_t, title_t, unnamed_t = zip(
            *rows_of_people, strict=True
        )
    else:
        pid_t = acc_t = mem_t = tgt_t = exc_t = name_t = comp_t = title_t = unnamed_t = ()
    del rows_of_people
    person_id = np.array(pid_t, dtype=np.int64)
    acc_rows = q("SELECT id, name FROM accounts ORDER BY id").fetchall()
    account_id = np.array([r[0] for r in acc_rows], dtype=np.int64)
    account_name = [r[1] for r in acc_rows]
    account = _positions_of(account_id, np.array(acc_t, dtype=np.int64)).astype(np.int32)
    acc_target = _target_accounts(conn, account_id, rows)
    u, v, cols = _read_ties(conn, person_id, rows)
    shared = _shared_employer(conn, person_id, account_id, account, u, v, rows)
    return {
        "person_id": person_id,
        "account": account,
        "is_member": np.array(mem_t, dtype=bool).reshape(-1),
        "is_target": np.array(tgt_t, dtype=bool).reshape(-1),
        "excluded": np.array(exc_t, dtype=bool).reshape(-1),
        "unnamed": np.array(unnamed_t, dtype=bool).reshape(-1),
        "account_id": account_id,
        "account_is_target": acc_target,
        "u": u,
        "v": v,
        **cols,
        "shared": shared,
        "names": list(name_t),
        "companies": list(comp_t),
        "titles": list(title_t),
        "account_name": account_name,
    }


def _target_accounts(conn: sqlite3.Connection, account_id: np.ndarray, rows: str) -> np.ndarray:
    """Which of the accounts the evidence ``rows`` (an SQL condition) name as targets."""
    targets = np.array(
        [
            r[0]
            for r in conn.execute(f"SELECT DISTINCT account_id FROM account_targets WHERE {rows}")
        ],
        dtype=np.int64,
    )
    is_target = np.zeros(account_id.shape[0], dtype=bool)
    hits = _positions_of(account_id, targets)
    is_target[hits[hits >= 0]] = True
    return is_target


def _past_from_now(ws: Any, past: PastState, now: dict[str, Any] | None = None) -> dict[str, Any]:
    """The arrays of an earlier state from the current ones (cached, usually): the people it
    shows otherwise and the pairs whose signals it holds otherwise are read again, the rest
    kept. Equal to :func:`_read_past`, at the cost of what changed rather than of everything.
    ``now``: the current arrays, when already read.
    """
    from ..workspace.history import past_people

    conn = ws.conn
    now = now or _current_raw(conn)
    shown = past_people(ws, past)
    pid_now = now["person_id"]
    kept = np.flatnonzero(~np.isin(pid_now, np.fromiter(shown, dtype=np.int64)))
    back = sorted(pid for pid, fields in shown.items() if fields is not None)
    base = _people_rows(conn, back, "is_member, excluded, name")
    back = [pid for pid in back if pid in base]
    account_id = now["account_id"]
    acc_back = _positions_of(
        account_id,
        np.array([shown[p][3] or -1 for p in back], dtype=np.int64),  # type: ignore[index]
    )
    person_id = np.concatenate([pid_now[kept], np.array(back, dtype=np.int64)])
    order = np.argsort(person_id, kind="stable")
    person_id = person_id[order]

    def people(column: str, values: list) -> np.ndarray:
        return np.concatenate([now[column][kept], np.array(values, dtype=now[column].dtype)])[order]

    def texts(column: str, field: int) -> list:
        values = np.empty(len(kept) + len(back), dtype=object)
        values[: len(kept)] = np.array(now[column], dtype=object)[kept]
        values[len(kept) :] = [shown[p][field] for p in back]  # type: ignore[index]
        if column == "names":  # a state that names them not: as they are shown now
            again = zip(values[len(kept) :], back, strict=True)
            values[len(kept) :] = [v or base[p][2] for v, p in again]
        return values[order].tolist()

    raw: dict[str, Any] = {
        "person_id": person_id,
        "account": people("account", acc_back.astype(np.int32).tolist()),
        "is_member": people("is_member", [bool(base[p][0]) for p in back]),
        "is_target": people("is_target", [bool(shown[p][4]) for p in back]),  # type: ignore[index]
        "excluded": people("excluded", [bool(base[p][1]) for p in back]),
        "names": texts("names", 0),
        "companies": texts("companies", 1),
        "titles": texts("titles", 2),
        "account_id": account_id,
        "account_name": now["account_name"],
    }
    raw["account_is_target"] = _target_accounts(conn, account_id, past.rows)
    # ties: the pairs the state holds otherwise are summed again from its rows
    a_now, b_now = pid_now[now["u"]], pid_now[now["v"]]
    touched = conn.execute(f"SELECT DISTINCT a, b FROM signals WHERE {past.changed}").fetchall()
    pair_key = (a_now << 32) | b_now
    touched_key = np.array([(x << 32) | y for x, y in touched], dtype=np.int64)
    stay = ~np.isin(pair_key, touched_key)
    a_then, b_then, cols_then = _ties_of(
        conn,
        f"(SELECT DISTINCT a AS ta, b AS tb FROM signals WHERE {past.changed})"
        f" JOIN signals ON a = ta AND b = tb WHERE {past.rows}",
    )
    a = np.concatenate([a_now[stay], a_then])
    b = np.concatenate([b_now[stay], b_then])
    ties = np.lexsort((b, a))
    for name in TIE_SIGNALS:
        raw[name] = np.concatenate([now[name][stay], cols_then[name]])[ties]
    a, b = a[ties], b[ties]
    raw["u"], raw["v"] = _positions_of(person_id, a), _positions_of(person_id, b)
    raw["shared"] = _shared_employer(
        conn, person_id, account_id, raw["account"], raw["u"], raw["v"], past.rows
    )
    return raw


def _past_from_kept(
    ws: Any, past: PastState, now: dict[str, Any], kept: dict[str, Any]
) -> dict[str, Any] | None:
    """The arrays of an earlier state from the arrays kept of it (:func:`_load_past`),
    shown as :func:`_past_from_now` shows it: everyone whose sightings did not change since, the
    accounts, membership and exclusions as now; the people whose sightings changed as the
    state showed them, their account found by their company among today's accounts. The ties
    are the state's own. Also fills ``past.people`` (:func:`past_people`) from them, which
    saves reading and folding their sightings again.

    ``None`` when the kept people do not fit the current ones (read it the slow way then).
    """
    from ..workspace.history import past_people
    from ..workspace.resolve import Folder

    conn = ws.conn
    person_id, pid_now = kept["person_id"], now["person_id"]
    found = conn.execute(past.changed_rows("sightings", "person_id"))
    touched = np.unique(np.fromiter((r[0] for r in found), dtype=np.int64))
    changed, changed_now = np.isin(person_id, touched), np.isin(pid_now, touched)
    if not np.array_equal(person_id[~changed], pid_now[~changed_now]):
        return None
    same, same_now = np.flatnonzero(~changed), np.flatnonzero(~changed_now)
    back = np.flatnonzero(changed)
    back_ids = person_id[back].tolist()
    at_now = _positions_of(pid_now, person_id)
    gone = np.flatnonzero(at_now < 0)  # whose sightings changed, out of the graph now
    current = _people_rows(conn, person_id[gone].tolist(), "is_member, excluded")
    if len(current) != gone.shape[0]:  # someone deleted since (the triggers empty the cache)
        return None
    # someone no sighting named then is shown by their name of today: fold those few again
    unnamed = person_id[back[kept["unnamed"][back]]].tolist()
    again = past_people(ws, past, only=unnamed) if unnamed else {}
    if any(again[p] is None for p in again):
        return None

    def as_now(name: str, field: int) -> np.ndarray:  # membership, exclusion: everyone's today
        out = np.zeros(person_id.shape[0], dtype=bool)
        out[at_now >= 0] = now[name][at_now[at_now >= 0]]
        out[gone] = [bool(current[pid][field]) for pid in person_id[gone].tolist()]
        return out

    packed = {name: _texts_at(kept[name], back) for name in ("names", "companies", "titles")}
    if any(values is None for values in packed.values()):
        return None

    def texts(name: str) -> np.ndarray:
        out = np.empty(person_id.shape[0], dtype=object)
        out[same] = np.array(now[name], dtype=object)[same_now]
        out[back] = packed[name]
        return out

    names, companies, titles = texts("names"), texts("companies"), texts("titles")
    is_target = np.array(kept["is_target"])
    is_target[same] = now["is_target"][same_now]
    folder = ws._resolver or Folder(conn, ws.settings)
    account = np.full(person_id.shape[0], -1, dtype=np.int64)
    account[same] = now["account"][same_now]
    shown: dict[int, tuple | None] = dict.fromkeys(touched.tolist())
    account_id = now["account_id"]
    for i, pid in zip(back.tolist(), back_ids, strict=True):
        if pid in again:
            names[i], companies[i], titles[i], _, is_target[i] = again[pid]  # type: ignore[misc]
        company = companies[i]
        found = folder.account_by_key.get(folder.account_key(company) or "")
        shown[pid] = (names[i], company, titles[i], found, bool(is_target[i]))
        if pid in again and not names[i]:
            names[i] = _people_rows(conn, [pid], "name")[pid][0]
        account[i] = -1 if found is None else found
    account[back] = _positions_of(account_id, account[back])  # their ids, as positions
    raw: dict[str, Any] = {
        "person_id": person_id,
        "account": account.astype(np.int32),
        "is_member": as_now("is_member", 0),
        "is_target": is_target,
        "excluded": as_now("excluded", 1),
        "names": names.tolist(),
        "companies": companies.tolist(),
        "titles": titles.tolist(),
        "account_id": account_id,
        "account_name": now["account_name"],
        "account_is_target": _target_accounts(conn, account_id, past.rows),
        "u": kept["u"],
        "v": kept["v"],
        **{name: kept[name] for name in TIE_SIGNALS},
    }
    ids = _ids_of(account_id, raw["account"])
    if np.array_equal(ids, _ids_of(kept["account_id"], kept["account"])):
        raw["shared"] = kept["shared"]  # every employer as then: the same shared employers
    else:
        raw["shared"] = _shared_employer(
            conn, person_id, account_id, raw["account"], raw["u"], raw["v"], past.rows
        )
    past.people = shown
    return raw


def _ids_of(account_id: np.ndarray, account: np.ndarray) -> np.ndarray:
    """Each person's ``accounts.id`` from their position in ``account_id`` (``-1``: none)."""
    if not account_id.size:
        return np.full(account.shape, -1, dtype=np.int64)
    return np.where(account >= 0, account_id[np.maximum(account, 0)], -1)


def _people_rows(conn: sqlite3.Connection, ids: Sequence[int], columns: str) -> dict[int, tuple]:
    """``columns`` of the people ``ids`` (those that have a row), by id."""
    return {
        r[0]: r[1:]
        for start in range(0, len(ids), 900)
        for r in conn.execute(
            f"SELECT id, {columns} FROM people WHERE id IN"
            f" ({','.join('?' * len(ids[start : start + 900]))})",
            list(ids[start : start + 900]),
        )
    }


def _read_past(ws: Any, past: PastState) -> dict[str, Any]:
    """:func:`_read_raw` of an earlier state: its rows, and its people as a temporary table
    (everyone as now, but those the state shows otherwise, as it shows them)."""
    from ..workspace.history import past_people

    conn = ws.conn
    changed = past_people(ws, past)
    conn.execute("DROP TABLE IF EXISTS temp.past_people")
    conn.execute(
        "CREATE TEMP TABLE past_people (id INTEGER PRIMARY KEY, account_id INTEGER,"
        " is_member INTEGER, is_target INTEGER, excluded INTEGER, name TEXT, company TEXT,"
        " title TEXT, name_key TEXT)"
    )
    try:
        conn.execute(
            "INSERT INTO temp.past_people SELECT id, account_id, is_member, is_target, excluded,"
            " name, company, title, name_key FROM people WHERE NOT retired"
        )
        conn.executemany("DELETE FROM temp.past_people WHERE id = ?", [(p,) for p in changed])
        conn.executemany(
            "INSERT INTO temp.past_people SELECT id, ?, is_member, ?, excluded,"
            " coalesce(?, name), ?, ?, name_key FROM people WHERE id = ?",
            [
                (account, int(target), name, company, title, pid)
                for pid, shown in changed.items()
                if shown is not None
                for name, company, title, account, target in [shown]
            ],
        )
        return _read_raw(conn, past.rows, "temp.past_people")
    finally:
        conn.execute("DROP TABLE temp.past_people")


def _read_raw_consistent(conn: sqlite3.Connection, *, store: bool) -> dict[str, Any]:
    """:func:`_read_raw` from one snapshot; with ``store``, also write it to the cache in the
    same transaction, so a change committed meanwhile makes the write fail (SQLite refuses to
    upgrade a stale read snapshot) rather than cache stale arrays."""
    if conn.in_transaction:  # the caller's transaction: read in it, leave the cache alone
        return _read_raw(conn)
    conn.execute("BEGIN")
    try:
        raw = _read_raw(conn)
        if store:
            _store_raw(conn, raw)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as err:  # busy: the arrays read are still consistent
        log.debug("graph cache not written: %s", err)
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
    return raw


def _fingerprint(conn: sqlite3.Connection) -> np.ndarray:
    """Cheap counts that a writer going around the generation counter still changes."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM people), (SELECT coalesce(max(id), 0) FROM people), "
        "(SELECT count(*) FROM imports), (SELECT coalesce(max(id), 0) FROM imports), "
        "(SELECT count(*) FROM accounts)"
    ).fetchone()
    return np.array([_CACHE_FORMAT, *row], dtype=np.int64)


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None
    )


def _has_cache(conn: sqlite3.Connection) -> bool:
    return (
        conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('graph_cache', 'workspace_meta')"
        ).fetchone()[0]
        == 2
    )


def _store_raw(conn: sqlite3.Connection, raw: Mapping[str, Any]) -> None:
    """Write ``raw`` into ``graph_cache`` (inside the caller's read transaction)."""
    from ..workspace.store import workspace_generation

    if not _has_cache(conn):
        return
    generation = workspace_generation(conn)
    if generation is None:
        return
    blobs: list[tuple[str, int, str, bytes]] = []
    for name in _RAW_ARRAYS:
        arr = np.ascontiguousarray(raw[name])
        small = _compact(arr)
        if name in TIE_SIGNALS and small.size > 1 and _constant(small):
            small = small[:1]  # (e-mail columns without e-mail imports): see _unpacked
        blobs.append((name, generation, arr.dtype.str, _npy(small)))
    for name in _RAW_TEXTS:
        text, none = _pack_text(raw[name])
        blobs.append((name + ":text", generation, "|u1", _npy(text)))
        blobs.append((name + ":none", generation, "|b1", _npy(none)))
    blobs.append(("fingerprint", generation, "<i8", _npy(_fingerprint(conn))))
    try:
        conn.execute("DELETE FROM graph_cache")
        conn.executemany(
            "INSERT INTO graph_cache (name, generation, dtype, data) VALUES (?, ?, ?, ?)", blobs
        )
    except sqlite3.OperationalError as err:  # read-only file, locked: carry on uncached
        log.debug("graph cache not written: %s", err)


def _cache_is_current(conn: sqlite3.Connection) -> bool:
    """Whether ``graph_cache`` holds the arrays of the current generation (and fingerprint)."""
    from ..workspace.store import workspace_generation

    generation = workspace_generation(conn)
    gens = conn.execute("SELECT DISTINCT generation FROM graph_cache").fetchall()
    fp = conn.execute("SELECT data FROM graph_cache WHERE name = 'fingerprint'").fetchone()
    return (
        generation is not None
        and gens == [(generation,)]
        and fp is not None
        and np.array_equal(_from_npy(fp[0]), _fingerprint(conn))
    )


def _load_raw(conn: sqlite3.Connection) -> dict[str, Any] | None:
    """The cached arrays if the cache is of the current generation, else ``None``."""
    if not _has_cache(conn):
        return None
    with _snapshot(conn):  # one snapshot for the generation and the blobs
        try:
            if not _cache_is_current(conn):
                return None
            return _unpacked(conn.execute("SELECT name, dtype, data FROM graph_cache"))
        except (ValueError, OSError, sqlite3.DatabaseError) as err:  # damaged: read tables
            log.warning("graph cache unreadable, reading the tables: %s", err)
            return None


def _load_past(conn: sqlite3.Connection, past: PastState) -> dict[str, Any] | None:
    """The arrays kept of the state ``past``, or ``None`` when the workspace keeps none of
    exactly that state.

    An import keeps the graph cache of the state before it (the trigger ``past_cache_keep``,
    workspace/store.py), as the state after import ``upto``; what deletes imports or people
    drops it."""
    if not _has_table(conn, "past_cache"):
        return None
    with _snapshot(conn):
        (low, upto) = conn.execute("SELECT min(upto), max(upto) FROM past_cache").fetchone()
        if upto is None or low != upto or not _describes(conn, past, upto):
            return None
        try:
            fp = conn.execute("SELECT data FROM past_cache WHERE name = 'fingerprint'").fetchone()
            (imports,) = conn.execute(
                "SELECT count(*) FROM imports WHERE id <= ?", (upto,)
            ).fetchone()
            # of this cache format, and written after import upto: the state it describes
            got = _from_npy(fp[0]).tolist() if fp is not None else []
            if got[:1] + got[3:5] != [_CACHE_FORMAT, imports, upto]:
                return None
            rows = conn.execute("SELECT name, dtype, data FROM past_cache")
            return _unpacked(rows, texts=False)
        except (ValueError, OSError, sqlite3.DatabaseError) as err:  # damaged: the slow way
            log.warning("kept earlier state unreadable, reading the tables: %s", err)
            return None


def _describes(conn: sqlite3.Connection, past: PastState, upto: int) -> bool:
    """Whether ``past`` is the state after import ``upto``: it is named so, or it is the
    current state without exactly the imports made since."""
    if past.upto is not None:
        return past.upto == upto
    since = {r[0] for r in conn.execute("SELECT id FROM imports WHERE id > ?", (upto,))}
    return since == past.rolled_back


@contextlib.contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read snapshot for the statements inside (the caller's transaction, if any)."""
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        yield
    finally:
        if own:
            conn.execute("COMMIT")


def _unpacked(
    rows: Iterable[tuple[str, str, bytes]], *, texts: bool = True
) -> dict[str, Any] | None:
    """The arrays of cache rows ``(name, dtype, .npy data)``; ``None`` if some are missing.
    ``texts=False``: each text column left packed, as ``(buffer, none)`` (see
    :func:`_texts_at`)."""
    stored = {name: (dtype, data) for name, dtype, data in rows}
    raw: dict[str, Any] = {}
    for name in _RAW_ARRAYS:
        if name not in stored:
            return None
        dtype, data = stored.pop(name)
        raw[name] = _from_npy(data).astype(np.dtype(dtype), copy=False)
    ties = raw["u"].shape[0]
    for name in TIE_SIGNALS:  # a column of one value is stored as that value
        if raw[name].shape[0] == 1 and ties != 1:
            raw[name] = np.full(ties, raw[name][0], dtype=raw[name].dtype)
    for name in _RAW_TEXTS:
        text, none = stored.get(name + ":text"), stored.get(name + ":none")
        if text is None or none is None:
            return None
        packed = _from_npy(text[1]), _from_npy(none[1])
        values = _unpack_text(*packed) if texts else packed
        if values is None:
            return None
        raw[name] = values
    return raw


def _texts_at(packed: tuple[np.ndarray, np.ndarray], at: np.ndarray) -> list[str | None] | None:
    """The strings at positions ``at`` of a packed text column (:func:`_pack_text`), without
    decoding the others; ``None`` if the column does not fit (a NUL inside a name)."""
    buf, none = packed
    ends = np.flatnonzero(buf == 0)
    if ends.shape[0] + 1 != none.shape[0] and none.shape[0]:
        return None
    starts = np.concatenate([[0], ends + 1])[at].tolist()
    stops = np.concatenate([ends, [buf.shape[0]]])[at].tolist()
    data = buf.tobytes()
    return [
        None if missing else data[start:stop].decode("utf-8", "surrogatepass")
        for start, stop, missing in zip(starts, stops, none[at].tolist(), strict=True)
    ]


def _npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


def _from_npy(data: bytes) -> np.ndarray:
    return np.load(io.BytesIO(data), allow_pickle=False)


def _compact(arr: np.ndarray) -> np.ndarray:
    """A column in fewer bytes when that loses nothing: float64 as float32 (counts, day
    numbers, NaN), int64 as int32 (positions and ids below 2**31)."""
    if arr.dtype == np.float64 and arr.size:
        small = arr.astype(np.float32)
        if np.array_equal(small.astype(np.float64), arr, equal_nan=True):
            return small
    fits = arr.dtype == np.int64 and arr.size and arr.min() >= -(2**31) and arr.max() < 2**31
    if fits:
        return arr.astype(np.int32)
    return arr


def _constant(arr: np.ndarray) -> bool:
    """Whether every value of a column is its first (NaN counting as equal)."""
    return bool(np.array_equal(arr, np.full_like(arr, arr[0]), equal_nan=arr.dtype.kind == "f"))


def _pack_text(values: Sequence[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Strings as one UTF-8 buffer joined by NUL, plus a mask of ``None``."""
    none = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    joined = "\0".join("" if v is None else str(v) for v in values)
    return np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8), none


def _unpack_text(buf: np.ndarray, none: np.ndarray) -> list[str | None] | None:
    """The strings back; ``None`` if they do not fit (a NUL inside a name)."""
    size = none.shape[0]
    values: list[str | None] = (
        buf.tobytes().decode("utf-8", "surrogatepass").split("\0") if size else []
    )
    if len(values) != size:
        return None
    if none.any():
        for i in np.flatnonzero(none).tolist():
            values[i] = None
    return values


def _graph_from_raw(
    conn: sqlite3.Connection,
    raw: Mapping[str, Any],
    settings: Settings,
    keep_connection: bool,
    signals: bool = False,
) -> ReferralGraph:
    """Apply the settings (exclusions, tie strength, buyer titles) to the raw arrays."""
    person_id = raw["person_id"]
    excluded = raw["excluded"].copy()
    extra = _excluded_ids(conn, settings)
    if extra.size:
        pos = _positions_of(person_id, extra)
        excluded[pos[pos >= 0]] = True
    shared = raw["shared"]
    s = tie_strength_array(
        settings, shared_employer=shared, **{name: raw[name] for name in TIE_SIGNALS}
    )
    return ReferralGraph.from_arrays(
        person_id=person_id,
        is_member=raw["is_member"],
        account=raw["account"],
        edge_u=raw["u"],
        edge_v=raw["v"],
        edge_s=s,
        edge_shared=shared,
        account_id=raw["account_id"],
        account_name=raw["account_name"],
        account_is_target=raw["account_is_target"],
        named_target=raw["is_target"],
        titles=raw["titles"],
        excluded=excluded,
        names=raw["names"],
        companies=raw["companies"],
        settings=settings,
        conn=conn if keep_connection else None,
        edge_signals={name: raw[name] for name in TIE_SIGNALS} if signals else None,
    )


def _positions_of(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Index of each id in ``sorted_ids``; ``-1`` where absent."""
    if sorted_ids.size == 0:
        return np.full(ids.shape, -1, dtype=np.int64)
    pos = np.searchsorted(sorted_ids, ids)
    pos = np.minimum(pos, sorted_ids.shape[0] - 1)
    return np.where(sorted_ids[pos] == ids, pos, -1)


# The signals columns that make :data:`TIE_SIGNALS`, in its order after the pair: the ones
# every tie may have, then those only e-mail and calendar imports give (read only from their
# rows: most workspaces have none, and a million ties should not pay for them).
_TIE_COLUMNS = (
    "a, b, msgs_ab, msgs_ba, endorse_ab + endorse_ba + recs_ab + recs_ba, kind IS NOT NULL, "
    "coalesce(strength, 'nan'), connected_on, first_msg, last_msg"
)
_TALK_COLUMNS = (
    "a, b, mails_ab, mails_ba, meetings, first_mail, last_mail, first_meeting, last_meeting"
)
_TALK_ROWS = (
    "mails_ab + mails_ba + meetings > 0"
    " OR coalesce(first_mail, last_mail, first_meeting, last_meeting) IS NOT NULL"
)
_TALK = TIE_SIGNALS[8:]


def _read_ties(
    conn: sqlite3.Connection, person_id: np.ndarray, rows: str = _CURRENT
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The ``ties`` view's sums, computed in numpy from the plain ``signals`` rows.

    Same result as ``SELECT … FROM ties`` (counts summed, first dates min, last date max, any
    relationship kind, strongest given strength), but about twice as fast: SQLite's GROUP BY
    and the view's ``group_concat`` cost more than reading the rows.
    """
    a, b, cols = _ties_of(conn, f"signals WHERE {rows}")
    return _positions_of(person_id, a), _positions_of(person_id, b), cols


def _ties_of(
    conn: sqlite3.Connection, source: str
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The pairs ``(a, b)`` of the signals rows ``source`` (what follows ``FROM``, with a
    ``WHERE``) and their :data:`TIE_SIGNALS`, summed per pair as the ``ties`` view does."""
    a, b, cols = _summed_rows(conn, _TIE_COLUMNS, TIE_SIGNALS[:8], source)
    talk_a, talk_b, talk = _summed_rows(conn, _TALK_COLUMNS, _TALK, f"{source} AND ({_TALK_ROWS})")
    size = a.shape[0]
    # Every pair with e-mails or meetings is among all pairs (its rows are signals rows too).
    width = int(max(a.max(initial=0), b.max(initial=0))) + 1
    at = np.searchsorted(a * width + b, talk_a * width + talk_b)
    for name in _TALK:
        full = np.full(size, np.nan) if name in _DAYS else np.zeros(size)
        full[at] = talk[name]
        cols[name] = full
    cols["relationship"] = cols["relationship"] > 0
    return a, b, cols


def _summed_rows(
    conn: sqlite3.Connection, columns: str, names: Sequence[str], source: str
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The pairs ``(a, b)`` of the signals rows ``source`` and their ``names`` columns, one
    entry per pair, the rows of several imports combined as the ``ties`` view does."""
    rows = conn.execute(f"SELECT {columns} FROM {source} ORDER BY a, b").fetchall()
    values = list(zip(*rows, strict=True)) if rows else [()] * (2 + len(names))
    del rows
    size = len(values[0])
    a, b = np.array(values[0], dtype=np.int64), np.array(values[1], dtype=np.int64)
    cols = {
        name: _day_numbers(column, size) if name in _DAYS else np.array(column, dtype=np.float64)
        for name, column in zip(names, values[2:], strict=True)
    }
    del values
    start = np.ones(size, dtype=bool)
    start[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    if not start.all():  # a pair seen by several imports: combine like the view does
        at = np.flatnonzero(start)
        for key in cols:
            how = np.add if key in _SUMMED else np.fmax if key in _LATEST else np.fmin
            cols[key] = how.reduceat(cols[key], at)
        a, b = a[at], b[at]
    return a, b, cols


def _shared_employer(
    conn: sqlite3.Connection,
    person_id: np.ndarray,
    account_id: np.ndarray,
    account: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    rows: str = _CURRENT,
) -> np.ndarray:
    """Same current account, or one side's positions name the other's current account."""
    ok = (u >= 0) & (v >= 0)
    au = np.where(ok, account[np.where(ok, u, 0)], -1).astype(np.int64)
    av = np.where(ok, account[np.where(ok, v, 0)], -1).astype(np.int64)
    shared = (au >= 0) & (au == av)
    rows = conn.execute(
        f"SELECT DISTINCT person_id, account_id FROM positions WHERE account_id IS NOT NULL"
        f" AND {rows}"
    ).fetchall()
    if rows:
        pos = np.array(rows, dtype=np.int64)
        who = _positions_of(person_id, pos[:, 0])
        where = _positions_of(account_id, pos[:, 1])
        good = (who >= 0) & (where >= 0)
        width = account_id.shape[0] + 1
        known = np.unique(who[good] * width + where[good])
        shared |= (av >= 0) & np.isin(u.astype(np.int64) * width + av, known)
        shared |= (au >= 0) & np.isin(v.astype(np.int64) * width + au, known)
    return shared


def _excluded_ids(conn: sqlite3.Connection, settings: Settings) -> np.ndarray:
    """Ids of people that ``settings.exclude`` names (by name, profile URL or e-mail)."""
    ex = Excluder(settings)
    found: set[int] = set()
    for column, keys in (("name_key", ex.names), ("url_key", ex.urls)):
        if keys:
            marks = ",".join("?" * len(keys))
            found.update(
                r[0]
                for r in conn.execute(
                    f"SELECT id FROM people WHERE {column} IN ({marks})", sorted(keys)
                )
            )
    if ex.emails:
        marks = ",".join("?" * len(ex.emails))
        found.update(
            r[0]
            for r in conn.execute(
                f"SELECT person_id FROM emails WHERE email IN ({marks})", sorted(ex.emails)
            )
        )
    return np.array(sorted(found), dtype=np.int64)


def _connection(ws_or_conn: Any) -> tuple[sqlite3.Connection, Settings | None]:
    if isinstance(ws_or_conn, sqlite3.Connection):
        return ws_or_conn, None
    if isinstance(ws_or_conn, str | Path):
        from ..workspace.store import Workspace

        ws = Workspace(ws_or_conn, create=False)
        return ws.conn, ws.settings
    conn = getattr(ws_or_conn, "conn", None)
    if isinstance(conn, sqlite3.Connection):
        return conn, getattr(ws_or_conn, "settings", None)
    raise TypeError(f"load_graph needs a Workspace, a connection or a path, not {ws_or_conn!r}")
