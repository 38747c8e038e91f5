"""The workspace as tables: people, accounts, ties, imports, reach and its alternatives.

Each table is a pyarrow table with fixed column names and types (:data:`COLUMNS`, listed in
``docs/exports.md``), built from the arrays the engine already holds. One definition feeds
the pandas DataFrames of the Python interface, the Parquet and Neo4j exports and the
attributes of the GraphML/GEXF exports and :func:`networkx_graph`.

>>> import graphwarm                                                   # doctest: +SKIP
>>> ws = graphwarm.open("graphwarm.db")                                # doctest: +SKIP
>>> graphwarm.reach(ws).to_pandas().groupby("label").size()            # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .explain import node_names, target_fields
from .graph import ReferralGraph, to_networkx
from .load import load_graph
from .routes import LABELS, TargetReach
from .strength import COMPONENTS, strength_parts_array

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from ..workspace.store import Workspace
    from .queries import ReachResult

__all__ = [
    "COLUMNS",
    "accounts_frame",
    "accounts_table",
    "alternatives_table",
    "frame",
    "imports_frame",
    "imports_table",
    "networkx_graph",
    "people_frame",
    "people_table",
    "reach_table",
    "ties_batches",
    "ties_frame",
    "ties_table",
]

# The ties table's signal columns: dates (day numbers in the graph) and counts.
_TIE_DATES = (
    "first_msg",
    "last_msg",
    "connected_on",
    "first_mail",
    "last_mail",
    "first_meeting",
    "last_meeting",
)
_TIE_COUNTS = ("msgs_ab", "msgs_ba", "mails_ab", "mails_ba", "meetings", "endorsements")
_PATH = pa.list_(pa.string())
_IDS = pa.list_(pa.int64())

# Every table's columns, in order, with their types: the stable schema of the exports.
COLUMNS: dict[str, tuple[tuple[str, pa.DataType], ...]] = {
    "people": (
        ("id", pa.int64()),
        ("name", pa.string()),
        ("company", pa.string()),
        ("title", pa.string()),
        ("account_id", pa.int64()),
        ("account", pa.string()),
        ("member", pa.bool_()),
        ("target", pa.bool_()),
        ("excluded", pa.bool_()),
        ("label", pa.string()),
        ("probability", pa.float64()),
    ),
    "accounts": (
        ("id", pa.int64()),
        ("name", pa.string()),
        ("domain", pa.string()),
        ("target", pa.bool_()),
        ("tier", pa.string()),
        ("value", pa.float64()),
        ("people", pa.int64()),
        ("label", pa.string()),
        ("probability", pa.float64()),
    ),
    "ties": (
        ("a", pa.int64()),
        ("b", pa.int64()),
        ("strength", pa.float64()),
        ("strength_source", pa.string()),
        ("msgs_ab", pa.int64()),
        ("msgs_ba", pa.int64()),
        ("first_msg", pa.date32()),
        ("last_msg", pa.date32()),
        ("connected_on", pa.date32()),
        ("mails_ab", pa.int64()),
        ("mails_ba", pa.int64()),
        ("first_mail", pa.date32()),
        ("last_mail", pa.date32()),
        ("meetings", pa.int64()),
        ("first_meeting", pa.date32()),
        ("last_meeting", pa.date32()),
        ("endorsements", pa.int64()),
        ("shared_employer", pa.bool_()),
        ("relationship", pa.bool_()),
        ("given_strength", pa.float64()),
        *((f"s_{name}", pa.float64()) for name in COMPONENTS),
    ),
    "imports": (
        ("id", pa.int64()),
        ("kind", pa.string()),
        ("file", pa.string()),
        ("sha256", pa.string()),
        ("options", pa.string()),
        ("member_id", pa.int64()),
        ("member", pa.string()),
        ("imported_at", pa.string()),
        ("rows_read", pa.int64()),
        ("rows_imported", pa.int64()),
        ("rows_skipped", pa.int64()),
        ("merged", pa.int64()),
        ("export_named", pa.date32()),
        ("newest_entry", pa.date32()),
    ),
    "reach": (
        ("target_id", pa.int64()),
        ("account_id", pa.int64()),
        ("account", pa.string()),
        ("target", pa.string()),
        ("title", pa.string()),
        ("label", pa.string()),
        ("probability", pa.float64()),
        ("p_intro", pa.float64()),
        ("p_meeting_if_intro", pa.float64()),
        ("member", pa.string()),
        ("introducer", pa.string()),
        ("hops", pa.int64()),
        ("path", _PATH),
        ("path_ids", _IDS),
        ("p_any", pa.float64()),
        ("reason", pa.string()),
    ),
    "alternatives": (
        ("target_id", pa.int64()),
        ("rank", pa.int64()),
        ("label", pa.string()),
        ("probability", pa.float64()),
        ("p_intro", pa.float64()),
        ("p_meeting_if_intro", pa.float64()),
        ("member", pa.string()),
        ("introducer", pa.string()),
        ("hops", pa.int64()),
        ("path", _PATH),
        ("path_ids", _IDS),
    ),
}


def _schema(name: str) -> pa.Schema:
    return pa.schema([pa.field(col, typ) for col, typ in COLUMNS[name]])


def _table(name: str, columns: dict[str, Any]) -> pa.Table:
    """The columns as table ``name``, in its order and types (a missing column: all null)."""
    schema = _schema(name)
    size = len(next(iter(columns.values()))) if columns else 0
    arrays = []
    for field in schema:
        value = columns.get(field.name)
        if value is None:
            arrays.append(pa.nulls(size, field.type))
        elif isinstance(value, pa.Array | pa.ChunkedArray):
            arrays.append(value.cast(field.type))
        else:
            arrays.append(pa.array(value, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _masked(values: np.ndarray, missing: np.ndarray, typ: pa.DataType) -> pa.Array:
    """``values`` with nulls where ``missing``."""
    return pa.array(values, type=typ, mask=missing)


def _strings(values: Sequence[str | None] | None, size: int) -> pa.Array:
    if values is None:
        return pa.nulls(size, pa.string())
    return pa.array(values, type=pa.string())


# -- people and accounts ----------------------------------------------------------------------


def _outcomes(results: Sequence[TargetReach] | None) -> dict[int, tuple[str, float]]:
    """Public target id → (label, probability)."""
    return {t.target: (t.label, t.probability) for t in results or ()}


def people_table(
    rg: ReferralGraph,
    results: Sequence[TargetReach] | None = None,
    *,
    keep: np.ndarray | None = None,
) -> pa.Table:
    """One row per person (``keep``: a mask over people); ``label`` and ``probability`` are
    the reach ``results``' for the targets among them (null without results)."""
    n = rg.n_people
    acc = rg.account
    no_acc = acc < 0
    account_ids = rg.account_id[np.maximum(acc, 0)] if rg.n_accounts else np.zeros(n, np.int64)
    names = pa.array(list(rg.account_name), type=pa.string())
    account = pc.take(names, pa.array(np.maximum(acc, 0), mask=no_acc)) if len(names) else None
    columns: dict[str, Any] = {
        "id": rg.person_id,
        "name": rg.names if rg.names is not None else [rg.name_of(i) for i in range(n)],
        "company": _strings(rg.companies, n),
        "title": _strings(rg.titles, n),
        "account_id": _masked(account_ids, no_acc, pa.int64()),
        "account": account,
        "member": rg.is_member,
        "target": rg.target_kind > 0,
        "excluded": rg.excluded,
    }
    outcome = _outcomes(results)
    if outcome:
        where = np.array([rg.index_of(t) for t in outcome if t > 0], dtype=np.int64)
        label = np.full(n, None, dtype=object)
        prob = np.full(n, np.nan)
        values = [v for t, v in outcome.items() if t > 0]
        label[where] = [v[0] for v in values]
        prob[where] = [v[1] for v in values]
        columns["label"] = pa.array(label, type=pa.string())
        columns["probability"] = _masked(prob, np.isnan(prob), pa.float64())
    table = _table("people", columns)
    return table if keep is None else table.filter(pa.array(keep))


def accounts_table(
    rg: ReferralGraph,
    results: Sequence[TargetReach] | None = None,
    *,
    keep: np.ndarray | None = None,
) -> pa.Table:
    """One row per account: its name and domain, whether it is a target account, its tier
    and value (from the newest import that gives one), how many people work there, and the
    best label and chance among its targets' reach ``results``."""
    size = rg.n_accounts
    domain: list[str | None] = [None] * size
    tier: list[str | None] = [None] * size
    value = np.full(size, np.nan)
    if rg.conn is not None and size:
        index = {int(x): i for i, x in enumerate(rg.account_id.tolist())}
        for aid, dom in rg.conn.execute("SELECT id, domain FROM accounts"):
            if aid in index:
                domain[index[aid]] = dom
        rows = rg.conn.execute(
            "SELECT account_id, tier, value FROM account_targets WHERE until_import IS NULL"
            " ORDER BY import_id"
        )
        for aid, t, v in rows:  # the newest import that gives one wins
            i = index.get(aid)
            if i is not None and t is not None:
                tier[i] = t
            if i is not None and v is not None:
                value[i] = v
    people = np.bincount(rg.account[rg.account >= 0], minlength=size)[:size]
    label: list[str | None] = [None] * size
    best = np.full(size, np.nan)
    rank = {name: r for r, name in enumerate(LABELS)}
    for t in results or ():
        if t.account_id is None:
            continue
        a = rg.account_index(t.account_id)
        if label[a] is None or rank[t.label] < rank[label[a]]:  # type: ignore[index]
            label[a] = t.label
        if np.isnan(best[a]) or t.probability > best[a]:
            best[a] = t.probability
    table = _table(
        "accounts",
        {
            "id": rg.account_id,
            "name": list(rg.account_name),
            "domain": domain,
            "target": rg.account_is_target,
            "tier": tier,
            "value": _masked(value, np.isnan(value), pa.float64()),
            "people": people.astype(np.int64),
            "label": label,
            "probability": _masked(best, np.isnan(best), pa.float64()),
        },
    )
    return table if keep is None else table.filter(pa.array(keep))


# -- ties -------------------------------------------------------------------------------------


def _dates(days: np.ndarray) -> pa.Array:
    """Day numbers since 1970-01-01 (NaN: none) as dates."""
    missing = np.isnan(days)
    return pa.array(np.where(missing, 0, days).astype(np.int32), type=pa.date32(), mask=missing)


def ties_table(rg: ReferralGraph, *, keep: np.ndarray | None = None) -> pa.Table:
    """One row per observed tie: both people, the strength and where it comes from, every
    signal, and what each part of the strength adds (``s_recency`` … ``s_duration``).

    ``keep``: a mask over the edges. The signals need a graph loaded with
    ``load_graph(..., signals=True)``; without them those columns are null.
    """
    edges = np.arange(rg.edge_u.shape[0]) if keep is None else np.flatnonzero(keep)
    return _ties(rg, edges)


def ties_batches(
    rg: ReferralGraph, *, keep: np.ndarray | None = None, size: int = 200_000
) -> Iterator[pa.Table]:
    """:func:`ties_table` in tables of at most ``size`` rows: an export of 5 M ties holds
    one batch at a time (the whole table takes 600 MB)."""
    edges = np.arange(rg.edge_u.shape[0]) if keep is None else np.flatnonzero(keep)
    for start in range(0, max(edges.shape[0], 1), size):
        yield _ties(rg, edges[start : start + size])


def _ties(rg: ReferralGraph, edges: np.ndarray) -> pa.Table:
    """The ``ties`` rows of the edges at these positions."""
    columns: dict[str, Any] = {
        "a": rg.person_id[rg.edge_u[edges]],
        "b": rg.person_id[rg.edge_v[edges]],
        "strength": rg.edge_s[edges],
        "shared_employer": rg.edge_shared[edges],
    }
    if rg.edge_signals is not None:
        s = {name: np.asarray(values)[edges] for name, values in rg.edge_signals.items()}
        relationship = s["relationship"].astype(bool)
        given = s["given"].astype(np.float64)
        signals = {
            k: v.astype(np.float64) for k, v in s.items() if k not in ("relationship", "given")
        }
        parts = strength_parts_array(
            rg.settings, shared_employer=columns["shared_employer"], **signals
        )
        columns.update(
            {
                "strength_source": np.where(relationship, "relationship", "signals"),
                **{k: _dates(signals[k]) for k in _TIE_DATES},
                **{k: signals[k].astype(np.int64) for k in _TIE_COUNTS},
                "relationship": relationship,
                "given_strength": _masked(given, np.isnan(given), pa.float64()),
                **{f"s_{name}": parts[name] for name in COMPONENTS},
            }
        )
    return _table("ties", columns)


# -- reach ------------------------------------------------------------------------------------


def _path_lists(paths: Sequence[Sequence[int]], names: dict[int, str]) -> tuple[pa.Array, ...]:
    """Paths of public ids as a list-of-names and a list-of-ids column."""
    lengths = np.fromiter((len(p) for p in paths), dtype=np.int32, count=len(paths))
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths, dtype=np.int32)]))
    flat = [x for p in paths for x in p]
    ids = pa.ListArray.from_arrays(offsets, pa.array(flat, type=pa.int64()))
    text = pa.ListArray.from_arrays(offsets, pa.array([names[x] for x in flat], type=pa.string()))
    return text, ids


def reach_table(result: ReachResult) -> pa.Table:
    """One row per target: the fields of ``graphwarm reach --format json`` but the
    alternatives (see :func:`alternatives_table`), with ``path`` as the names along the best
    path and ``path_ids`` as their ids (``-accounts.id`` for "the buyer at" an account)."""
    rg = result.graph
    rows = [target_fields(rg, t) for t in result.targets]
    columns: dict[str, Any] = {
        key: [r[key] for r in rows] for key, _ in COLUMNS["reach"] if rows and key in rows[0]
    }
    columns["target_id"] = [t.target for t in result.targets]
    columns["account_id"] = [t.account_id for t in result.targets]
    paths = [t.best.path if t.best is not None else () for t in result.targets]
    columns["path"], columns["path_ids"] = _path_lists(paths, node_names(rg))
    return _table("reach", columns)


def alternatives_table(result: ReachResult) -> pa.Table:
    """Each target's alternatives (``alternatives`` of the JSON record), one row each,
    ``rank`` 1 first: the best path through each of the top introducers, then each member's
    own best path not already listed. A cold target's are the paths that were too weak."""
    names = node_names(result.graph)
    target_id, rank, routes = [], [], []
    for t in result.targets:
        alternatives = t.alternatives
        target_id += [t.target] * len(alternatives)
        rank += range(1, len(alternatives) + 1)
        routes += alternatives
    path, path_ids = _path_lists([r.path for r in routes], names)
    return _table(
        "alternatives",
        {
            "target_id": target_id,
            "rank": rank,
            "label": [r.label for r in routes],
            "probability": [r.probability for r in routes],
            "p_intro": [r.p_intro for r in routes],
            "p_meeting_if_intro": [r.p_meeting_if_intro for r in routes],
            "member": [names[r.path[0]] for r in routes],
            "introducer": [names[r.path[-2]] for r in routes],
            "hops": [r.hops for r in routes],
            "path": path,
            "path_ids": path_ids,
        },
    )


# -- imports ----------------------------------------------------------------------------------


def imports_table(conn: sqlite3.Connection) -> pa.Table:
    """One row per current import (not superseded): what was read, from which file, for which
    member, with its counts and, for a LinkedIn export, the day LinkedIn's file name gives it
    and the newest day in it (``graphwarm status`` shows the same; ``graphwarm history``
    all)."""
    cur = conn.execute(
        "SELECT i.id, i.kind, i.file, i.sha256, i.options, i.member_id, p.name, i.imported_at,"
        " i.rows_read, i.rows_imported, i.rows_skipped, i.merged, i.export_named,"
        " i.newest_entry"
        " FROM imports i LEFT JOIN people p ON p.id = i.member_id"
        " WHERE i.superseded_by IS NULL ORDER BY i.id"
    )
    rows = [
        (*r[:-2], *(None if d is None else dt.date.fromisoformat(d) for d in r[-2:]))
        for r in cur.fetchall()
    ]
    names = [name for name, _ in COLUMNS["imports"]]
    return _table("imports", {name: [r[i] for r in rows] for i, name in enumerate(names)})


# -- the Python interface ---------------------------------------------------------------------


def frame(table: pa.Table) -> pd.DataFrame:
    """A table as a pandas DataFrame: integer columns with nulls stay integers (``Int64``),
    dates become ``datetime64``, list columns hold lists."""
    import pandas as pd

    df = table.to_pandas(
        date_as_object=False,
        types_mapper={pa.int64(): pd.Int64Dtype()}.get,
    )
    for field in table.schema:
        if pa.types.is_list(field.type):
            df[field.name] = [list(x) if x is not None else None for x in df[field.name]]
    return df


def people_frame(ws: Workspace) -> pd.DataFrame:
    """Everyone in the workspace, one row each (the ``people`` table without reach: ``label``
    and ``probability`` are in :meth:`ReachResult.to_pandas`)."""
    return frame(people_table(load_graph(ws)).drop_columns(["label", "probability"]))


def accounts_frame(ws: Workspace) -> pd.DataFrame:
    """Every account, one row each (the ``accounts`` table without reach)."""
    return frame(accounts_table(load_graph(ws)).drop_columns(["label", "probability"]))


def ties_frame(ws: Workspace) -> pd.DataFrame:
    """Every observed tie, one row each: both ends, every signal, the strength and its parts.
    (Colleague ties are inferred, not stored: two people with the same ``account_id``.)"""
    return frame(ties_table(load_graph(ws, signals=True)))


def imports_frame(ws: Workspace) -> pd.DataFrame:
    """Every import, one row each."""
    return frame(imports_table(ws.conn))


def networkx_graph(
    ws_or_graph: Workspace | ReferralGraph,
    people: Iterable[int] | None = None,
    *,
    results: Sequence[TargetReach] | None = None,
    colleagues: bool = False,
) -> nx.Graph:
    """The referral graph as a new networkx graph (a copy: changing it changes nothing).

    Nodes are ``people.id`` (and ``-accounts.id`` for "the buyer at" a target account that
    names no target, joined to its insiders by colleague ties), with ``name``, ``company``,
    ``title``, ``account``, ``account_id``, ``member``, ``target``, ``excluded`` and ``kind``;
    with reach ``results``, each target's ``label`` and ``probability``. Edges are the
    observed ties with the ``ties`` table's columns (``strength``, the signals, ``s_*``), plus
    ``observed`` and ``colleague``. ``people``: only these ids and the ties among them (a
    graph of 5 M ties takes minutes and gigabytes in networkx). Values that are unknown are
    left out rather than set to ``None``. ``colleagues`` also joins every two people of one
    account (``colleague=True``, ``strength = s_ref`` unless observed): quadratic in an
    account's size, so for subgraphs.
    """
    rg = (
        ws_or_graph
        if isinstance(ws_or_graph, ReferralGraph)
        else load_graph(ws_or_graph, signals=True)
    )
    graph = to_networkx(rg, people, colleagues=colleagues, signals=False)
    for node_id, (label, probability) in _outcomes(results).items():
        if node_id in graph:
            graph.nodes[node_id].update(label=label, probability=probability)
    for _, attrs in graph.nodes(data=True):
        for key in [k for k, v in attrs.items() if v is None]:
            del attrs[key]
    ties = ties_table(rg)
    if people is not None:
        inside = pc.and_(
            pc.is_in(ties["a"], pa.array(list(graph.nodes), pa.int64())),
            pc.is_in(ties["b"], pa.array(list(graph.nodes), pa.int64())),
        )
        ties = ties.filter(inside)
    for row in ties.to_pylist():
        a, b = row.pop("a"), row.pop("b")
        graph.edges[a, b].update({k: v for k, v in row.items() if v is not None})
    return graph
