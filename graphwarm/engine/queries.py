"""What the reach commands ask of a workspace: every target's best path, one query's paths,
and the do-not-contact list. Each function here is what one command calls."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._csvcells import csv_line
from ..errors import AmbiguousQueryError, InputError, NotFoundError
from ..identity import company_key
from ..workspace.forget import find_people, history_only, one_person
from ..workspace.store import Workspace
from .explain import (
    RECORD_KEYS,
    PathExplanation,
    alternatives_text,
    explain_routes,
    path_names,
    paths_text,
    reach_record,
    target_fields,
)
from .graph import ReferralGraph
from .load import load_graph
from .reach import best_paths_to, reach
from .routes import LABELS, TargetReach

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CSV_COLUMNS",
    "PathsResult",
    "ReachResult",
    "exclude_people",
    "excluded_people",
    "find_paths",
    "reach_csv",
    "reach_json",
    "reach_targets",
    "target_node",
]


@dataclass
class ReachResult:
    """Every target's reach, with the graph that explains it."""

    graph: ReferralGraph
    targets: list[TargetReach]

    def records(self) -> list[dict[str, Any]]:
        """Each target as the JSON-able record of ``graphwarm reach --format json``."""
        return [reach_record(self.graph, t) for t in self.targets]

    def rows(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The first ``limit`` targets' flat fields, ``path`` as the best path's names: what
        a table shows (the records without their alternatives, which cost seconds at M)."""
        rows = []
        for t in self.targets[:limit]:
            row = target_fields(self.graph, t)
            row["path"] = path_names(self.graph, t.best) if t.best is not None else []
            rows.append(row)
        return rows

    def to_pandas(self) -> pd.DataFrame:
        """One row per target with the JSON record's fields (``path`` as a list of names,
        ``path_ids`` as their ids); the alternatives are :meth:`alternatives_to_pandas`."""
        from .tables import frame, reach_table

        return frame(reach_table(self))

    def alternatives_to_pandas(self) -> pd.DataFrame:
        """One row per alternative path of each target (``target_id``, ``rank`` 1 first)."""
        from .tables import alternatives_table, frame

        return frame(alternatives_table(self))

    def counts(self) -> dict[str, int]:
        """Targets per label, in label order."""
        counts = dict.fromkeys(LABELS, 0)
        for t in self.targets:
            counts[t.label] += 1
        return counts


@dataclass
class PathsResult:
    """The paths to one person or account: the reach, and each path explained."""

    graph: ReferralGraph
    query: str
    target_name: str
    reach: TargetReach
    explanations: list[PathExplanation] = field(default_factory=list)

    def text(self) -> str:
        """The paths as ``graphwarm path`` prints them."""
        return paths_text(self.target_name, self.reach, self.explanations)


def reach_targets(
    ws: Workspace,
    *,
    accounts: Sequence[str] | str | None = None,
    labels: Sequence[str] | str | None = None,
    members: Sequence[str] | str | None = None,
) -> ReachResult:
    """The best path and label for every target (of ``accounts``), from (some) ``members``.

    ``labels`` keeps only targets with those labels. Each of the three takes one name too.
    """
    accounts, labels, members = (
        [x] if isinstance(x, str) else x for x in (accounts, labels, members)
    )
    unknown = sorted(set(labels or ()) - set(LABELS))
    if unknown:
        raise InputError(f"unknown label {unknown[0]!r}", hint=f"use one of {', '.join(LABELS)}")
    rg = load_graph(ws)
    results = reach(rg, ws.settings, accounts=accounts or None, members=members or None)
    if labels:
        wanted = set(labels)
        results = [r for r in results if r.label in wanted]
    return ReachResult(rg, results)


def find_paths(ws: Workspace, query: str, *, alternatives: int = 3) -> PathsResult:
    """The best paths to a person (name, LinkedIn URL or e-mail) or an account (its name).

    Raises :class:`NotFoundError` for an unknown query and :class:`AmbiguousQueryError`
    listing the candidates when it names several.
    """
    node, name = target_node(ws, query)
    rg = load_graph(ws)
    tr = best_paths_to(rg, ws.settings, node, alternatives)
    return PathsResult(rg, query, name, tr, explain_routes(rg, ws.settings, tr, alternatives))


def target_node(ws: Workspace, query: str) -> tuple[int, str]:
    """A query as a graph node and its name: ``people.id``, or ``-accounts.id`` for an
    account. Raises :class:`NotFoundError`, or :class:`AmbiguousQueryError` listing the
    candidates."""
    people = find_people(ws, query)
    key = company_key(query)
    accounts = (
        ws.conn.execute("SELECT id, name FROM accounts WHERE key = ?", (key,)).fetchall()
        if key
        else []
    )
    if len(people) == 1 and not accounts:
        return people[0][0], people[0][1]
    if len(accounts) == 1 and not people:
        return -accounts[0][0], accounts[0][1]
    if not people and not accounts:
        raise history_only(ws, query) or NotFoundError(
            f"no person or account {query!r} in the workspace",
            hint="give a name, LinkedIn URL or e-mail, or an account name (graphwarm status)",
        )
    candidates = [f"{name} ({company or 'no company'}): person" for _, name, company in people]
    candidates += [f"{name}: account" for _, name in accounts]
    raise AmbiguousQueryError(
        f"{query!r} matches {len(candidates)} people or accounts",
        candidates,
        hint="give a LinkedIn URL or e-mail for a person",
    )


def exclude_people(ws: Workspace, queries: list[str], *, undo: bool = False) -> list[str]:
    """Put people on (or, with ``undo``, take them off) the do-not-contact list.

    Excluded people are never used on a path. Returns their names. All or nothing.
    """
    names = []
    with ws.transaction():
        for query in queries:
            pid, name, _ = one_person(ws, query)
            ws.conn.execute("UPDATE people SET excluded = ? WHERE id = ?", (int(not undo), pid))
            names.append(name)
    return names


def excluded_people(ws: Workspace) -> list[tuple[str, str | None]]:
    """Everyone on the do-not-contact list kept in the workspace (name, company)."""
    return [
        (r[0], r[1])
        for r in ws.conn.execute("SELECT name, company FROM people WHERE excluded ORDER BY name")
    ]


CSV_COLUMNS = RECORD_KEYS


def reach_json(result: ReachResult) -> Iterator[str]:
    """Every target's record as a JSON list, one target per line, made piece by piece as it
    is written (``"".join`` it for one string): at L the 900,000 alternatives' records would
    take 2 GB at once.

    Not ``indent=2``: the json module encodes indented output in Python, not C, which took
    20 s for the 357,000 alternatives of a 10,000-target reach.
    """
    yield "["
    between = "\n"
    for t in result.targets:
        yield between + json.dumps(reach_record(result.graph, t), ensure_ascii=False)
        between = ",\n"
    yield "\n]\n"


def reach_csv(result: ReachResult, *, raw: bool = False) -> str:
    """Every target as one CSV row with every field; alternatives joined in one column.

    Names, titles, companies and reasons are neutralised for spreadsheets (a ``'`` before a
    cell that would run as a formula, see :mod:`graphwarm._csvcells`) unless ``raw``;
    probabilities and hops stay numbers.

    Built straight from the results (not from the JSON records): at 10,000 targets with
    350,000 alternatives the records alone cost seconds.
    """
    rg = result.graph
    lines = [csv_line(CSV_COLUMNS)]
    for tr in result.targets:
        row = target_fields(rg, tr)
        best = tr.best
        row["path"] = " → ".join(path_names(rg, best)) if best is not None else ""
        row["alternatives"] = alternatives_text(rg, tr)
        lines.append(csv_line([row[c] for c in CSV_COLUMNS], raw=raw))
    return "".join(lines)
