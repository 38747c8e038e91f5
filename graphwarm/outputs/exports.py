"""Exports for other tools: GraphML and GEXF (Gephi, networkx, yEd), Parquet (pandas, DuckDB,
Spark, a warehouse) and the CSV layout of ``neo4j-admin database import full``.

What is exported
    The people, accounts and observed ties of the *warm-path view* that ``graphwarm map``
    draws: the members, every target, everyone on a target's best path or alternatives, and
    every tie among them. With ``everyone``: every person and every tie (``map --everyone``'s
    whole network). Either way, people on the do-not-contact list are left out, with their
    ties, as the map leaves them out; the reach results (every target) are always complete.

The columns are the tables of :mod:`graphwarm.engine.tables` (``docs/exports.md``). GraphML
and GEXF are written here, a batch of rows at a time from those tables, rather than through
networkx's writers: at 5 M ties a networkx graph alone takes minutes and many gigabytes. A
networkx reader reads them back as :func:`~graphwarm.engine.tables.networkx_graph` builds the
same graph (the tests check it). Text is written exactly as stored.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..engine.graph import ReferralGraph
from ..engine.load import load_graph
from ..engine.queries import ReachResult
from ..engine.reach import reach
from ..engine.routes import TargetReach
from ..engine.tables import (
    COLUMNS,
    accounts_table,
    alternatives_table,
    people_table,
    reach_table,
    ties_batches,
)
from ..errors import GraphwarmError
from ..workspace.store import Workspace

__all__ = ["FORMATS", "ExportError", "ExportSummary", "export", "export_graph"]

FORMATS = ("graphml", "gexf", "parquet", "neo4j")
"""GraphML and GEXF write one file; Parquet and Neo4j a folder of files."""

_BATCH = 200_000  # rows formatted at once: bounds memory and keeps each text under 2 GB


class ExportError(GraphwarmError):
    """An export cannot be written as asked (the place it goes, or text a format cannot
    carry)."""


@dataclass
class ExportSummary:
    """What an export wrote."""

    format: str
    path: Path
    people: int
    accounts: int
    ties: int
    targets: int
    everyone: bool
    left_out_excluded: int
    files: list[Path] = field(default_factory=list)


def export(ws: Workspace, fmt: str, path: str | Path, *, everyone: bool = False) -> ExportSummary:
    """Export the workspace's graph and reach results in ``fmt`` (one of :data:`FORMATS`) to
    ``path``: a file for GraphML and GEXF, a folder for Parquet and Neo4j (made if missing;
    files of the same names in it are replaced). See the module for what is exported."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    rg = load_graph(ws, signals=True)
    # each member's own best path (one search per member, kept for every target: 15 GB at
    # 2,000 members and 10,000 targets) is read only by the alternatives table and to choose
    # the warm-path view's people; the labels and chances do not depend on it
    per_member = fmt == "parquet" or not everyone
    result = ReachResult(rg, reach(rg, ws.settings, per_member=per_member))
    return export_graph(result, fmt, Path(path), everyone=everyone)


def export_graph(
    result: ReachResult, fmt: str, path: Path, *, everyone: bool = False
) -> ExportSummary:
    """:func:`export` from a graph (loaded with ``signals=True``) and its reach results."""
    rg = result.graph
    person = _people_kept(rg, result.targets, everyone)
    edge = person[rg.edge_u] & person[rg.edge_v]
    acc = np.zeros(rg.n_accounts, dtype=bool)
    acc[rg.account_is_target] = True
    acc[rg.account[person & (rg.account >= 0)]] = True
    summary = ExportSummary(
        format=fmt,
        path=path,
        people=int(person.sum()),
        accounts=int(acc.sum()),
        ties=int(edge.sum()),
        targets=len(result.targets),
        everyone=everyone,
        left_out_excluded=int(rg.excluded.sum()),
    )
    if fmt in ("graphml", "gexf"):
        _check_file(path)
        nodes, edges = _graph_tables(rg, result.targets, person, edge)
        write = _write_graphml if fmt == "graphml" else _write_gexf
        with _replacing(path) as out:
            write(out, nodes, edges)
        summary.files = [path]
        return summary
    _check_folder(path)
    targets = result.targets
    people = people_table(rg, targets, keep=person)
    accounts = accounts_table(rg, targets, keep=acc)
    ties = ties_batches(rg, keep=edge, size=_BATCH)
    if fmt == "parquet":
        tables: dict[str, Iterable[pa.Table]] = {
            "people": [people],
            "accounts": [accounts],
            "ties": ties,
            "reach": [reach_table(result)],
            "alternatives": [alternatives_table(result)],
        }
        summary.files = [_write_parquet(path / f"{name}.parquet", t) for name, t in tables.items()]
    else:
        summary.files = _write_neo4j(path, people, accounts, ties)
    return summary


def _people_kept(rg: ReferralGraph, targets: Sequence[TargetReach], everyone: bool) -> np.ndarray:
    """Who is exported: everyone, or the members, targets and people on their paths; never
    anyone on the do-not-contact list."""
    if everyone:
        keep = np.ones(rg.n_people, dtype=bool)
    else:
        keep = rg.is_member | (rg.target_kind > 0)
        ids = {x for t in targets for r in t.alternatives for x in r.path if x > 0}
        if ids:
            keep[[rg.index_of(x) for x in ids]] = True
    return keep & ~rg.excluded


# -- where it goes ----------------------------------------------------------------------------


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise ExportError(
            "is a folder; GraphML and GEXF are written to one file",
            file=path,
            hint="give a file name, e.g. -o graph.graphml",
        )
    if not path.parent.is_dir():
        raise ExportError("the folder to write it in does not exist", file=path)


def _check_folder(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise ExportError(
            "is a file; Parquet and Neo4j exports are a folder of files",
            file=path,
            hint="give a folder name, e.g. -o export",
        )
    if not path.parent.is_dir():
        raise ExportError("the folder to write it in does not exist", file=path)
    path.mkdir(exist_ok=True)


class _replacing:
    """A text file written beside ``path`` and renamed onto it when complete: an export
    that fails or is interrupted leaves no half-written file behind."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.part = path.with_name(path.name + ".part")

    def __enter__(self) -> IO[bytes]:
        self.out = self.part.open("wb")
        return self.out

    def __exit__(self, kind: type | None, *rest: object) -> None:
        self.out.close()
        if kind is None:
            os.replace(self.part, self.path)
        else:
            self.part.unlink(missing_ok=True)


# -- Parquet ----------------------------------------------------------------------------------


def _write_parquet(path: Path, tables: Iterable[pa.Table]) -> Path:
    """One Parquet file from tables of one schema, written as they come."""
    import pyarrow.parquet as pq

    return _write_tables(
        path, tables, lambda part, schema: pq.ParquetWriter(part, schema, compression="zstd")
    )


def _write_tables(
    path: Path, tables: Iterable[pa.Table], open_writer: Callable[[Path, pa.Schema], Any]
) -> Path:
    """Tables of one schema through the writer ``open_writer`` makes, into ``path.part``,
    renamed to ``path`` once complete: an export that fails leaves no half-written file."""
    part = path.with_name(path.name + ".part")
    writer = None
    try:
        for table in tables:
            if writer is None:
                writer = open_writer(part, table.schema)
            writer.write_table(table)
        if writer is not None:
            writer.close()
        os.replace(part, path)
    finally:
        if writer is not None:
            writer.close()
        part.unlink(missing_ok=True)
    return path


# -- Neo4j ------------------------------------------------------------------------------------

# The header's type of each Arrow type (neo4j-admin's typed property columns).
_NEO4J_TYPES = {
    pa.int64(): "long",
    pa.float64(): "double",
    pa.bool_(): "boolean",
    pa.string(): "string",
    pa.date32(): "date",
}


def _neo4j_columns(table: pa.Table, skip: Sequence[str] = ()) -> tuple[list[str], list[Any]]:
    """Property columns as ``name:type`` headers and their values."""
    names, values = [], []
    for f in table.schema:
        if f.name not in skip:
            names.append(f"{f.name}:{_NEO4J_TYPES[f.type]}")
            values.append(table[f.name])
    return names, values


def _labels(base: str, extra: Sequence[tuple[str, pa.ChunkedArray]]) -> pa.Array:
    """``:LABEL`` values: ``base`` plus each extra label where its flag is true (``;``)."""
    out = pa.array([base] * len(extra[0][1]), pa.string())
    for name, flag in extra:
        out = pc.if_else(flag, pc.binary_join_element_wise(out, name, ";"), out)
    return out


def _write_neo4j(
    folder: Path, people: pa.Table, accounts: pa.Table, ties: Iterable[pa.Table]
) -> list[Path]:
    """``people.csv`` and ``accounts.csv`` (nodes), ``knows.csv`` and ``works_at.csv``
    (relationships), for ``neo4j-admin database import full --id-type=integer``."""
    names, values = _neo4j_columns(people, skip=("id",))
    labels = _labels("Person", [("Member", people["member"]), ("Target", people["target"])])
    written = [
        _write_csv(
            folder / "people.csv",
            [
                pa.Table.from_arrays(
                    [people["id"], labels, *values], ["id:ID(Person)", ":LABEL", *names]
                )
            ],
        )
    ]
    names, values = _neo4j_columns(accounts, skip=("id",))
    labels = _labels("Account", [("TargetAccount", accounts["target"])])
    header = ["id:ID(Account)", ":LABEL", *names]
    written.append(
        _write_csv(
            folder / "accounts.csv",
            [pa.Table.from_arrays([accounts["id"], labels, *values], header)],
        )
    )

    def knows() -> Iterator[pa.Table]:
        for batch in ties:
            names, values = _neo4j_columns(batch, skip=("a", "b"))
            kind = pa.array(["KNOWS"] * batch.num_rows, pa.string())
            header = [":START_ID(Person)", ":END_ID(Person)", ":TYPE", *names]
            yield pa.Table.from_arrays([batch["a"], batch["b"], kind, *values], header)

    written.append(_write_csv(folder / "knows.csv", knows()))
    works = people.filter(pc.is_valid(people["account_id"]))
    kind = pa.array(["WORKS_AT"] * works.num_rows, pa.string())
    header = [":START_ID(Person)", ":END_ID(Account)", ":TYPE"]
    written.append(
        _write_csv(
            folder / "works_at.csv",
            [pa.Table.from_arrays([works["id"], works["account_id"], kind], header)],
        )
    )
    return written


def _write_csv(path: Path, tables: Iterable[pa.Table]) -> Path:
    """RFC 4180 CSV, UTF-8 without a BOM, ``"`` doubled inside quoted text, empty for null;
    the tables (of one schema) written as they come."""
    import pyarrow.csv as pacsv

    return _write_tables(path, tables, pacsv.CSVWriter)


# -- GraphML and GEXF -------------------------------------------------------------------------

# Each node and edge attribute, with the table column it comes from.
_NODE_COLUMNS = (
    ("kind", pa.string()),
    ("name", pa.string()),
    ("company", pa.string()),
    ("title", pa.string()),
    ("account", pa.string()),
    ("account_id", pa.int64()),
    ("member", pa.bool_()),
    ("target", pa.bool_()),
    ("excluded", pa.bool_()),
    ("label", pa.string()),
    ("probability", pa.float64()),
)


def _graph_tables(
    rg: ReferralGraph, targets: Sequence[TargetReach], person: np.ndarray, edge: np.ndarray
) -> tuple[pa.Table, Iterator[pa.Table]]:
    """Nodes (``id`` and the attributes) and edges (``source``, ``target`` and the
    attributes) of the graph :func:`~graphwarm.engine.tables.networkx_graph` builds."""
    people = people_table(rg, targets, keep=person)
    nodes = {
        "id": people["id"],
        "kind": pa.array(["person"] * people.num_rows, pa.string()),
        **{name: people[name] for name, _ in _NODE_COLUMNS if name in people.column_names},
    }
    # "the buyer at" each target account that names no target: a node of its own, joined to
    # each insider by a colleague tie
    n = rg.n_people
    pseudo = rg.pseudo_account
    outcome = {t.target: t for t in targets}
    buyer_ids = -rg.account_id[pseudo]
    buyers = {
        "id": buyer_ids,
        "kind": ["account"] * len(pseudo),
        "name": [rg.name_of(n + j) for j in range(len(pseudo))],
        "company": [rg.account_name[a] for a in pseudo.tolist()],
        "title": [None] * len(pseudo),
        "account": [rg.account_name[a] for a in pseudo.tolist()],
        "account_id": rg.account_id[pseudo],
        "member": np.zeros(len(pseudo), dtype=bool),
        "target": np.ones(len(pseudo), dtype=bool),
        "excluded": np.zeros(len(pseudo), dtype=bool),
        "label": [outcome[x].label if x in outcome else None for x in buyer_ids.tolist()],
        "probability": [
            outcome[x].probability if x in outcome else None for x in buyer_ids.tolist()
        ],
    }
    schema = pa.schema([("id", pa.int64()), *_NODE_COLUMNS])
    node_table = pa.concat_tables(
        [
            pa.Table.from_pydict({k: nodes.get(k) for k in schema.names}, schema=schema)
            if people.num_rows
            else schema.empty_table(),
            pa.Table.from_pydict(buyers, schema=schema),
        ]
    )
    return node_table, _graph_edges(rg, person, edge, buyer_ids)


def _graph_edges(
    rg: ReferralGraph, person: np.ndarray, edge: np.ndarray, buyer_ids: np.ndarray
) -> Iterator[pa.Table]:
    """The edges in batches: the observed ties (``source``, ``target``, the ``ties``
    columns), then each exported insider's colleague tie to the buyer at their account."""
    tie_cols = [name for name, _ in COLUMNS["ties"] if name not in ("a", "b")]
    names = ["source", "target", *tie_cols, "observed", "colleague"]
    schema = None
    for ties in ties_batches(rg, keep=edge, size=_BATCH):
        size = ties.num_rows
        batch = pa.Table.from_arrays(
            [
                ties["a"],
                ties["b"],
                *(ties[name] for name in tie_cols),
                pa.array(np.ones(size, dtype=bool)),
                pa.array(np.zeros(size, dtype=bool)),
            ],
            names=names,
        )
        schema = batch.schema
        yield batch
    assert schema is not None
    pseudo = rg.pseudo_account
    insider = np.flatnonzero(person & (rg.account >= 0))
    which = np.full(rg.n_accounts, -1, dtype=np.int64)
    which[pseudo] = np.arange(len(pseudo))
    insider = insider[which[rg.account[insider]] >= 0]
    size = insider.shape[0]
    inferred = {
        "source": rg.person_id[insider],
        "target": buyer_ids[which[rg.account[insider]]],
        "strength": np.full(size, rg.settings.probability.s_ref),
        "observed": np.zeros(size, dtype=bool),
        "colleague": np.ones(size, dtype=bool),
    }
    yield pa.Table.from_arrays(
        [
            pa.array(inferred[f.name], f.type) if f.name in inferred else pa.nulls(size, f.type)
            for f in schema
        ],
        schema=schema,
    )


_XML_BAD = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]"
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_ATTR_ESCAPES = (*_TEXT_ESCAPES, ('"', "&quot;"), ("\n", "&#10;"), ("\t", "&#9;"))


def _xml_values(column: pa.ChunkedArray | pa.Array, escapes: Sequence[tuple[str, str]]) -> Any:
    """A column as XML text: strings escaped, numbers as Python reads them back, booleans
    ``true``/``false``, dates ISO; null stays null."""
    typ = column.type
    if pa.types.is_string(typ):
        for old, new in escapes:
            column = pc.replace_substring(column, old, new)
        return column
    if pa.types.is_boolean(typ):
        return pc.if_else(column, "true", "false")
    return pc.cast(column, pa.string())


def _check_xml_text(table: pa.Table, what: str, ids: str) -> None:
    """Refuse text that XML 1.0 cannot carry at all (control characters): exported as
    anything else it would be lost or changed."""
    for f in table.schema:
        if not pa.types.is_string(f.type):
            continue
        bad = pc.match_substring_regex(table[f.name], _XML_BAD)
        if pc.any(bad).as_py():
            row = pc.index(bad, True).as_py()
            raise ExportError(
                f"the {f.name} of {what} {table[ids][row].as_py()} holds a control "
                "character that GraphML and GEXF (XML) cannot carry",
                hint="export --format parquet or neo4j, which keep it",
            )


def _batches(table: pa.Table) -> Iterator[pa.Table]:
    for start in range(0, table.num_rows, _BATCH):
        yield table.slice(start, _BATCH)


def _write_lines(out: IO[bytes], pieces: list[Any]) -> None:
    """Write the row-wise concatenation of ``pieces`` (string columns or scalars; a null
    piece writes nothing)."""
    joined = pc.binary_join_element_wise(*pieces, "", null_handling="replace", null_replacement="")
    array = joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined
    if len(array) == 0:
        return
    width = 8 if pa.types.is_large_string(array.type) else 4
    offsets = np.frombuffer(array.buffers()[1], dtype=f"<i{width}")
    start, end = int(offsets[array.offset]), int(offsets[array.offset + len(array)])
    out.write(memoryview(array.buffers()[2])[start:end])


def _attr_type(typ: pa.DataType, names: dict[str, str]) -> str:
    if pa.types.is_boolean(typ):
        return names["bool"]
    if pa.types.is_integer(typ):
        return names["int"]
    if pa.types.is_floating(typ):
        return names["float"]
    return "string"


def _elements(
    table: pa.Table, skip: Sequence[str], make: Callable[[int, Any], Any], escapes: Any
) -> list[Any]:
    """One XML piece per attribute column (``make(number, text)``), null where null."""
    pieces = []
    number = 0
    for f in table.schema:
        if f.name in skip:
            continue
        pieces.append(make(number, _xml_values(table[f.name], escapes)))
        number += 1
    return pieces


def _write_graphml(out: IO[bytes], nodes: pa.Table, edges: Iterator[pa.Table]) -> None:
    _check_xml_text(nodes, "person", "id")
    types = {"bool": "boolean", "int": "long", "float": "double"}
    head = [
        "<?xml version='1.0' encoding='utf-8'?>\n",
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n',
    ]
    node_attrs = [f for f in nodes.schema if f.name != "id"]
    first = next(edges)
    edges = itertools.chain([first], edges)
    edge_attrs = [f for f in first.schema if f.name not in ("source", "target")]
    for prefix, scope, attrs in (("n", "node", node_attrs), ("e", "edge", edge_attrs)):
        for number, f in enumerate(attrs):
            head.append(
                f'<key id="{prefix}{number}" for="{scope}" attr.name="{f.name}" '
                f'attr.type="{_attr_type(f.type, types)}"/>\n'
            )
    head.append('<graph edgedefault="undirected">\n')
    out.write("".join(head).encode("utf-8"))

    def data(prefix: str) -> Callable[[int, Any], Any]:
        return lambda number, text: pc.binary_join_element_wise(
            f'<data key="{prefix}{number}">', text, "</data>", ""
        )

    for batch in _batches(nodes):
        pieces = _elements(batch, ("id",), data("n"), _TEXT_ESCAPES)
        ids = pc.cast(batch["id"], pa.string())
        _write_lines(out, ['<node id="', ids, '">', *pieces, "</node>\n"])
    for batch in edges:
        pieces = _elements(batch, ("source", "target"), data("e"), _TEXT_ESCAPES)
        a, b = pc.cast(batch["source"], pa.string()), pc.cast(batch["target"], pa.string())
        _write_lines(out, ['<edge source="', a, '" target="', b, '">', *pieces, "</edge>\n"])
    out.write(b"</graph>\n</graphml>\n")


def _write_gexf(out: IO[bytes], nodes: pa.Table, edges: Iterator[pa.Table]) -> None:
    _check_xml_text(nodes, "person", "id")
    types = {"bool": "boolean", "int": "long", "float": "double"}
    # A GEXF node's own ``label`` is its name (what Gephi shows); readers keep it under the
    # key "label", so the reach label goes by "reach_label" here.
    nodes = nodes.rename_columns(["reach_label" if c == "label" else c for c in nodes.column_names])
    head = [
        "<?xml version='1.0' encoding='utf-8'?>\n",
        '<gexf xmlns="http://www.gexf.net/1.2draft" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.gexf.net/1.2draft '
        'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n',
        "<meta><creator>graphwarm</creator></meta>\n",
        '<graph defaultedgetype="undirected" mode="static">\n',
    ]
    node_attrs = [f for f in nodes.schema if f.name != "id"]
    first = next(edges)
    edges = itertools.chain([first], edges)
    edge_attrs = [f for f in first.schema if f.name not in ("source", "target")]
    for scope, attrs in (("node", node_attrs), ("edge", edge_attrs)):
        head.append(f'<attributes class="{scope}" mode="static">\n')
        for number, f in enumerate(attrs):
            head.append(
                f'<attribute id="{number}" title="{f.name}" type="{_attr_type(f.type, types)}"/>\n'
            )
        head.append("</attributes>\n")
    head.append("<nodes>\n")
    out.write("".join(head).encode("utf-8"))

    def value(number: int, text: Any) -> Any:
        return pc.binary_join_element_wise(f'<attvalue for="{number}" value="', text, '"/>', "")

    for batch in _batches(nodes):
        pieces = _elements(batch, ("id",), value, _ATTR_ESCAPES)
        ids = pc.cast(batch["id"], pa.string())
        name = _xml_values(batch["name"], _ATTR_ESCAPES)
        _write_lines(
            out,
            [
                '<node id="',
                ids,
                '" label="',
                name,
                '"><attvalues>',
                *pieces,
                "</attvalues></node>\n",
            ],
        )
    out.write(b"</nodes>\n<edges>\n")
    start = 0
    for batch in edges:
        pieces = _elements(batch, ("source", "target"), value, _ATTR_ESCAPES)
        a, b = pc.cast(batch["source"], pa.string()), pc.cast(batch["target"], pa.string())
        ids = pc.cast(pa.array(np.arange(start, start + batch.num_rows)), pa.string())
        weight = _xml_values(batch["strength"], _ATTR_ESCAPES)
        start += batch.num_rows
        _write_lines(
            out,
            [
                '<edge id="',
                ids,
                '" source="',
                a,
                '" target="',
                b,
                '" weight="',
                weight,
                '"><attvalues>',
                *pieces,
                "</attvalues></edge>\n",
            ],
        )
    out.write(b"</edges>\n</graph>\n</gexf>\n")
