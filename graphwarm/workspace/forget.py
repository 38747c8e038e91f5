"""Erasing data on request: a member's imports, or a person and every tie to them.

Either erases every ask the member or person is on too (asker, introducer, target or in
between): only forget erases asks; a re-import keeps them (``resolve.Resolver.refresh_people``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import AmbiguousQueryError, NotFoundError
from ..identity import email_key, forget_keys, name_key, url_key
from .store import Workspace

__all__ = [
    "ForgetReport",
    "find_people",
    "forget_member",
    "forget_person",
    "history_only",
    "one_person",
]


@dataclass
class ForgetReport:
    """What was erased."""

    who: str
    imports: int = 0
    people: int = 0
    ties: int = 0
    asks: int = 0


def find_people(
    ws: Workspace, query: str, *, members_only: bool = False, history: bool = False
) -> list[tuple[int, str, str | None]]:
    """People a name, LinkedIn URL or e-mail names: ``(id, name, company)``; with
    ``history``, also those only replaced imports saw (retired)."""
    q = ws.conn.execute
    only = " AND is_member" if members_only else ""
    only += "" if history else " AND NOT retired"
    if url_key(query):
        rows = q(f"SELECT id, name, company FROM people WHERE url_key = ?{only}", (url_key(query),))
    elif email_key(query):
        rows = q(
            "SELECT p.id, p.name, p.company FROM people p JOIN emails e ON e.person_id = p.id"
            f" WHERE e.email = ?{only}",
            (email_key(query),),
        )
    else:
        rows = q(
            f"SELECT id, name, company FROM people WHERE name_key = ?{only} ORDER BY id",
            (name_key(query),),
        )
    return [tuple(r) for r in rows]


def one_person(
    ws: Workspace, query: str, *, members_only: bool = False, history: bool = False
) -> tuple[int, str, str | None]:
    """The one person (or member) a name, URL or e-mail names: ``(id, name, company)``;
    ``history`` as for :func:`find_people`.

    Raises :class:`NotFoundError` when no one matches and :class:`AmbiguousQueryError`,
    listing the candidates, when several do.
    """
    found = find_people(ws, query, members_only=members_only, history=history)
    what = "member" if members_only else "person"
    if not found:
        hint = "graphwarm status lists the members" if members_only else None
        raise history_only(ws, query, members_only=members_only) or NotFoundError(
            f"no {what} {query!r} in the workspace", hint=hint
        )
    if len(found) > 1:
        raise AmbiguousQueryError(
            f"{query!r} names {len(found)} people",
            [f"{n} ({c or 'no company'})" for _, n, c in found],
            hint="give their LinkedIn URL or e-mail instead",
        )
    return found[0]


def history_only(ws: Workspace, query: str, *, members_only: bool = False) -> NotFoundError | None:
    """For a query that found no one current: the error saying it names people whom only
    replaced imports saw (they are in the history), else ``None``."""
    if not find_people(ws, query, members_only=members_only, history=True):
        return None
    return NotFoundError(
        f"{query!r} is only in the workspace's history: no current import sees them",
        hint="graphwarm history lists the imports, graphwarm changes what changed",
    )


def _tie_count(ws: Workspace, pid: int) -> int:
    return ws.conn.execute(
        "SELECT count(*) FROM (SELECT DISTINCT a, b FROM signals WHERE a = ? OR b = ?)", (pid, pid)
    ).fetchone()[0]


def forget_member(ws: Workspace, name: str) -> ForgetReport:
    """Remove every import of a member's LinkedIn data, in one transaction.

    Contacts that only this member's export knew go too; people others know stay.
    """
    with ws.transaction():
        pid, display, _ = one_person(ws, name, members_only=True)
        imports = [
            r[0] for r in ws.conn.execute("SELECT id FROM imports WHERE member_id = ?", (pid,))
        ]
        before_people = ws.conn.execute("SELECT count(*) FROM people").fetchone()[0]
        before_ties = ws.conn.execute("SELECT count(*) FROM ties").fetchone()[0]
        asks = _erase_asks(ws, pid)  # first: the people only their asks kept go with the imports
        ws.delete_imports(imports)
        ws.conn.execute("UPDATE people SET is_member = 0 WHERE id = ?", (pid,))
        after_people = ws.conn.execute("SELECT count(*) FROM people").fetchone()[0]
        after_ties = ws.conn.execute("SELECT count(*) FROM ties").fetchone()[0]
    return ForgetReport(
        who=display,
        imports=len(imports),
        people=before_people - after_people,
        ties=before_ties - after_ties,
        asks=asks,
    )


def _erase_asks(ws: Workspace, pid: int) -> int:
    """Erase every ask ``pid`` is on (their ``ask_people`` rows go with them); how many."""
    return ws.conn.execute(
        "DELETE FROM asks WHERE id IN (SELECT ask_id FROM ask_people WHERE person_id = ?)", (pid,)
    ).rowcount


def _remember(ws: Workspace, pid: int) -> None:
    """Keep one-way keys of every URL, e-mail and name the workspace holds for ``pid``, so
    later imports skip them (:func:`graphwarm.identity.forget_keys`)."""
    q = ws.conn.execute
    seen = q(
        "SELECT url, email, name, company FROM sightings WHERE person_id = ?"
        " UNION ALL SELECT url, NULL, name, company FROM people WHERE id = ?",
        (pid, pid),
    ).fetchall()
    emails = [r[0] for r in q("SELECT email FROM emails WHERE person_id = ?", (pid,))]
    (salt,) = q("SELECT value FROM workspace_meta WHERE key = 'forget_salt'").fetchone()
    keys = forget_keys(
        int(salt),
        urls=[r[0] for r in seen],
        emails=[r[1] for r in seen] + emails,
        names=[(r[2], r[3]) for r in seen],
    )
    ws.conn.executemany("INSERT OR IGNORE INTO forgotten (key) VALUES (?)", [(k,) for k in keys])


def forget_person(ws: Workspace, query: str) -> ForgetReport:
    """Remove one person (by name, URL or e-mail) and every tie to them: a privacy request.

    They stay forgotten: later imports skip the rows that describe them (by LinkedIn URL,
    e-mail, or, for a row without a URL, name at its company), and say so in the report.
    """
    with ws.transaction():
        pid, display, _ = one_person(ws, query, history=True)  # the history too
        is_member = ws.conn.execute("SELECT is_member FROM people WHERE id = ?", (pid,)).fetchone()[
            0
        ]
        if is_member:
            raise NotFoundError(
                f"{display} is a team member", hint="use: graphwarm forget --member NAME"
            )
        ties = _tie_count(ws, pid)
        _remember(ws, pid)
        asks = _erase_asks(ws, pid)
        ws.conn.execute("DELETE FROM people WHERE id = ?", (pid,))
        ws._resolver = None
    return ForgetReport(who=display, people=1, ties=ties, asks=asks)
