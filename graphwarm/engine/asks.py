"""Asks: the introductions the team asks for, and what came of each.

An ask is recorded along a path (the current best one, or one through a named introducer or
from a named member) with that moment's ids, tie strengths and chances, so that calibration
can later compare what the model said with what happened. No names are stored: the people
and account an ask refers to outlive re-imports for it (``workspace/resolve.py``), and
``graphwarm forget`` erases the asks of a person or member (``workspace/forget.py``).

Its status moves ``planned → asked → introduced → meeting``, or ends ``declined`` or
``no answer``. A direct ask (the member knows the target) and a cold call have no
introduction step: they go from ``asked`` to a meeting or not. Each move is checked
(:func:`move_ask`): none goes back, a closed ask stays closed, and a referral cannot end in a
meeting before its introduction is recorded. Repeating a move that was already made changes
nothing, so a spreadsheet of outcomes can be imported twice.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .._csvcells import csv_line
from ..errors import InputError, NotFoundError
from ..identity import company_key
from ..workspace.forget import one_person
from ..workspace.store import Workspace
from .explain import explain_path, ranked_routes
from .load import load_graph
from .queries import target_node
from .reach import best_paths_to
from .routes import Route, TargetReach, cold_probability

__all__ = [
    "ASK_LIST_COLUMNS",
    "MOVES",
    "OPEN_STATUSES",
    "STATUSES",
    "AskRecord",
    "apply_move",
    "asks_csv",
    "asks_json",
    "get_ask",
    "insert_ask",
    "key_ids",
    "list_asks",
    "move_ask",
    "next_state",
    "path_key",
    "record_ask",
    "record_route",
]

STATUSES = ("planned", "asked", "introduced", "meeting", "declined", "no answer")
OPEN_STATUSES = ("planned", "asked", "introduced")
# What can happen to an ask: graphwarm outcome's options and the outcomes file's statuses.
MOVES = ("asked", "introduced", "not introduced", "meeting", "no meeting", "declined", "no answer")
REFERRALS = ("internal", "external")

# How many introducers' paths to search when an ask names its introducer.
_VIA_ALTERNATIVES = 200


@dataclass(frozen=True)
class AskRecord:
    """One ask as listed: who asks whom for whom, along which path, its status and age.

    ``introduced`` and ``meeting`` are ``True``/``False`` once known. ``age_days`` counts from
    ``created_on``; ``waiting_days`` from the last move. ``nudge``: open and waiting longer
    than ``nudge_after_days``.
    """

    id: int
    status: str
    label: str
    member: str | None
    introducer: str | None
    target: str
    account: str | None
    path: tuple[str, ...]
    path_ids: tuple[int, ...]
    strengths: tuple[float | None, ...]
    probability: float
    p_intro: float
    p_meeting_if_intro: float
    introduced: bool | None
    meeting: bool | None
    note: str | None
    created_on: dt.date
    status_on: dt.date
    age_days: int
    waiting_days: int
    nudge: bool

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def chance_now(self) -> float:
        """The chance of a meeting from where the ask stands: once introduced, only the
        target's yes is left (``p_meeting_if_intro``); closed, 1 or 0."""
        if self.status == "meeting":
            return 1.0
        if not self.is_open:
            return 0.0
        return self.p_meeting_if_intro if self.status == "introduced" else self.probability

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: dates as ``YYYY-MM-DD``, the path as a list of names."""
        data = asdict(self)
        data["path"] = list(self.path)
        data["path_ids"] = list(self.path_ids)
        data["strengths"] = list(self.strengths)
        data["created_on"] = self.created_on.isoformat()
        data["status_on"] = self.status_on.isoformat()
        return data


def path_key(path: Sequence[int], target: int) -> str:
    """An ask's stable key: its path as ids, member first (``"p3-7-12"``; an account's buyer
    is ``a`` and the account's id, ``"p3-7-a4"``), or a cold call to the target (``"c12"``).
    The same path always gives the same key, and a spreadsheet keeps it as text (a letter
    first: ``1.2`` or ``1-2`` would turn into a number or a date)."""
    if not path:
        return f"c{_node_key(target)}"
    return "p" + "-".join(_node_key(x) for x in path)


def _node_key(node: int) -> str:
    return f"a{-node}" if node < 0 else str(node)


def key_ids(key: str) -> tuple[int, ...] | None:
    """The ids of :func:`path_key`'s key (a cold call's: the target alone); ``None`` when
    ``key`` is not one."""
    if len(key) < 2 or key[0] not in "pc":
        return None
    parts = key[1:].split("-")
    if (key[0] == "c" and len(parts) != 1) or (key[0] == "p" and len(parts) < 2):
        return None
    ids = []
    for part in parts:
        body, sign = (part[1:], -1) if part.startswith("a") else (part, 1)
        if not body.isascii() or not body.isdigit() or int(body) == 0:
            return None
        ids.append(sign * int(body))
    if any(x < 0 for x in ids[:-1]):
        return None
    return tuple(ids)


def record_ask(
    ws: Workspace,
    target: str,
    *,
    via: str | None = None,
    member: str | None = None,
    note: str | None = None,
    on: dt.date | None = None,
) -> AskRecord:
    """Record an ask for ``target`` (a name, LinkedIn URL, e-mail or account) along its best
    path now, or the best one through introducer ``via`` and/or from ``member``; a target with
    no warm path gets a cold call (by ``member`` when named). ``on``: the date (today).

    Raises :class:`NotFoundError` for an unknown or ambiguous name (listing the candidates)
    and when no path runs through ``via``; :class:`InputError` when the same path already has
    an open ask.
    """
    node, name = target_node(ws, target)
    member_id = one_person(ws, member, members_only=True)[0] if member else None
    rg = load_graph(ws)
    tr = best_paths_to(
        rg,
        ws.settings,
        node,
        _VIA_ALTERNATIVES if via else 3,
        members=None if member_id is None else [member_id],
    )
    route = tr.best
    if via:
        vid, vname, _ = one_person(ws, via)
        route = _route_via(tr, vid, vname, name, rg)
    return record_route(ws, tr, route, member_id=member_id, note=note, on=on)


def _route_via(tr: TargetReach, vid: int, vname: str, name: str, rg: Any) -> Route:
    routes = [r for r in ranked_routes(tr) if r.introducer == vid]
    if routes:
        return routes[0]
    others = list(dict.fromkeys(str(rg.info(r.introducer)["name"]) for r in ranked_routes(tr)))
    hint = (
        f"introducers on a path there, best first: {', '.join(others[:10])}"
        if others
        else "no warm path reaches them: record a cold call without --via"
    )
    raise NotFoundError(f"no path to {name} through {vname}", hint=hint)


def record_route(
    ws: Workspace,
    tr: TargetReach,
    route: Route | None,
    *,
    member_id: int | None = None,
    note: str | None = None,
    on: dt.date | None = None,
) -> AskRecord:
    """Record an ask along ``route`` (a cold call when ``None``) to ``tr``'s target, with the
    strengths and chances of that route now. Refuses a second open ask on the same path."""
    with ws.transaction(graph=False):
        ask_id = insert_ask(ws, tr, route, member_id=member_id, note=note, on=on)
    return get_ask(ws, ask_id)


def insert_ask(
    ws: Workspace,
    tr: TargetReach,
    route: Route | None,
    *,
    member_id: int | None = None,
    note: str | None = None,
    on: dt.date | None = None,
) -> int:
    """:func:`record_route` inside the caller's transaction; returns the new ask's id."""
    rg = load_graph(ws)
    on = on or dt.date.today()
    key = path_key(route.path if route is not None else (), tr.target)
    found = ws.conn.execute(
        f"SELECT id FROM asks WHERE path_key = ? AND status IN ({_OPEN_SQL})", (key,)
    ).fetchone()
    if found:
        raise InputError(
            f"ask {found[0]} is already open along this path",
            hint=f"record what happened with graphwarm outcome {found[0]} --asked (or another)",
        )
    if route is None:
        label, strengths, people = "cold", [], [member_id, tr.target]
        introducer = None
        prob = ws.settings.probability
        p, p_intro, p_meet = cold_probability(ws.settings), prob.p_connect, prob.p_cold
    else:
        label = route.label
        ties = explain_path(rg, ws.settings, route).data["ties"]
        strengths = [None if math.isnan(t["strength"]) else t["strength"] for t in ties]
        people = list(route.path)
        member_id = route.member
        introducer = None if label == "direct" else route.introducer
        p, p_intro, p_meet = route.probability, route.p_intro, route.p_meeting_if_intro
    account = _account_of(ws, tr.target)
    conn = ws.conn
    cur = conn.execute(
        "INSERT INTO asks (path_key, target_id, account_id, member_id, introducer_id, label,"
        " strengths, probability, p_intro, p_meeting_if_intro, note, status, created_on,"
        " status_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?)",
        (
            key,
            tr.target,
            account,
            member_id,
            introducer,
            label,
            json.dumps(strengths),
            p,
            p_intro,
            p_meet,
            note or None,
            on.isoformat(),
            on.isoformat(),
        ),
    )
    ask_id = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT OR IGNORE INTO ask_people (person_id, ask_id) VALUES (?, ?)",
        [(pid, ask_id) for pid in people if pid is not None and pid > 0],
    )
    return ask_id


def _account_of(ws: Workspace, node: int) -> int | None:
    if node < 0:
        return -node
    row = ws.conn.execute("SELECT account_id FROM people WHERE id = ?", (node,)).fetchone()
    return row[0] if row else None


_OPEN_SQL = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
_COLUMNS = (
    "id, path_key, target_id, account_id, member_id, introducer_id, label, strengths,"
    " probability, p_intro, p_meeting_if_intro, note, status, introduced, meeting,"
    " created_on, status_on"
)


def get_ask(ws: Workspace, ask_id: int, *, today: dt.date | None = None) -> AskRecord:
    """One ask by its id; :class:`NotFoundError` naming the id when there is none."""
    row = ws.conn.execute(f"SELECT {_COLUMNS} FROM asks WHERE id = ?", (ask_id,)).fetchone()
    if row is None:
        raise NotFoundError(
            f"no ask {ask_id} in the workspace", hint="graphwarm asks lists them with their ids"
        )
    return _records(ws, [row], today)[0]


def list_asks(
    ws: Workspace,
    *,
    open_only: bool = False,
    member: str | None = None,
    account: str | None = None,
    today: dt.date | None = None,
) -> list[AskRecord]:
    """Every ask (only open ones with ``open_only``; of one member or account), oldest
    first, with ages counted to ``today``."""
    where, args = [], []
    if open_only:
        where.append(f"status IN ({_OPEN_SQL})")
    if member:
        where.append("member_id = ?")
        args.append(one_person(ws, member, members_only=True)[0])
    if account:
        key = company_key(account)
        row = ws.conn.execute("SELECT id FROM accounts WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise NotFoundError(
                f"no account {account!r} in the workspace", hint="graphwarm status counts them"
            )
        where.append("(account_id = ? OR target_id = ?)")
        args += [row[0], -row[0]]
    sql = f"SELECT {_COLUMNS} FROM asks"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = ws.conn.execute(sql + " ORDER BY created_on, id", args).fetchall()
    return _records(ws, rows, today)


def _records(ws: Workspace, rows: Sequence[tuple], today: dt.date | None) -> list[AskRecord]:
    today = today or dt.date.today()
    ids: set[int] = set()
    accounts: set[int] = set()
    for row in rows:
        ids.update(_ids(row[1], row[2]))
        ids.update(x for x in row[4:6] if x is not None)  # a cold call's member
        if row[3] is not None:
            accounts.add(row[3])
        if row[2] < 0:
            accounts.add(-row[2])
    names = _names(ws, "people", ids)
    account_names = _names(ws, "accounts", accounts)
    nudge_after = ws.settings.nudge_after_days
    out = []
    for row in rows:
        (aid, key, target, account, member, introducer, label, strengths) = row[:8]
        (p, p_intro, p_meet, note, status, introduced, meeting, created, moved) = row[8:]
        path_ids = _ids(key, target)
        created_on, status_on = dt.date.fromisoformat(created), dt.date.fromisoformat(moved)
        waiting = (today - status_on).days
        out.append(
            AskRecord(
                id=aid,
                status=status,
                label=label,
                member=names.get(member) if member is not None else None,
                introducer=names.get(introducer) if introducer is not None else None,
                target=_node_name(target, names, account_names),
                account=account_names.get(account if account is not None else -target),
                path=tuple(_node_name(x, names, account_names) for x in path_ids),
                path_ids=path_ids,
                strengths=tuple(json.loads(strengths)),
                probability=p,
                p_intro=p_intro,
                p_meeting_if_intro=p_meet,
                introduced=None if introduced is None else bool(introduced),
                meeting=None if meeting is None else bool(meeting),
                note=note,
                created_on=created_on,
                status_on=status_on,
                age_days=(today - created_on).days,
                waiting_days=waiting,
                nudge=status in OPEN_STATUSES and waiting > nudge_after,
            )
        )
    return out


def _ids(key: str, target: int) -> tuple[int, ...]:
    """The path's ids from its key; a cold call's is the target alone."""
    return key_ids(key) or (target,)


def _names(ws: Workspace, table: str, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(i for i in ids if i > 0) if table == "people" else sorted(ids)
    out: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        out.update(ws.conn.execute(f"SELECT id, name FROM {table} WHERE id IN ({marks})", chunk))
    return out


def _node_name(node: int, people: dict[int, str], accounts: dict[int, str]) -> str:
    if node < 0:
        return f"the buyer at {accounts.get(-node, '?')}"
    return people.get(node, "?")


def next_state(ask: AskRecord, move: str) -> tuple[str, bool | None, bool | None]:
    """The status, ``introduced`` and ``meeting`` after ``move``, or :class:`InputError`
    saying why the move makes no sense for this ask."""
    referral = ask.label in REFERRALS
    status, introduced, meeting = ask.status, ask.introduced, ask.meeting
    stage = STATUSES.index(status) if status in OPEN_STATUSES else None

    def refuse(why: str, hint: str | None = None) -> InputError:
        return InputError(f"ask {ask.id} ({ask.target}, {status}): {why}", hint=hint)

    if move == "asked":
        if status == "asked":
            return status, introduced, meeting
        if status != "planned":
            raise refuse("it cannot go back to asked")
        return "asked", None, None
    if move in ("introduced", "not introduced"):
        if not referral:
            raise refuse(
                f"a {ask.label} ask has no introduction step",
                hint="record --meeting yes|no, --declined or --no-answer",
            )
        after = ("introduced", True, None) if move == "introduced" else ("declined", False, None)
        if (status, introduced, meeting) == after or status in ("planned", "asked"):
            return after
        raise refuse(f"it cannot be marked {move} any more")
    if move in ("meeting", "no meeting"):
        held = move == "meeting"
        after = ("meeting", introduced, True) if held else ("declined", introduced, False)
        if (status, introduced, meeting) == after:
            return after
        if stage is None:
            raise refuse(f"it is closed, so it cannot be marked {move}")
        if referral and introduced is not True:
            raise refuse(
                f"{'a meeting' if held else 'no meeting'} without an introduction, on a "
                f"referral path ({ask.label})",
                hint=f"record the introduction first: graphwarm outcome {ask.id} --introduced yes",
            )
        return after
    if move in ("declined", "no answer"):
        if stage is None:
            if status == move:
                return status, introduced, meeting
            raise refuse(f"it is closed, so it cannot be marked {move}")
        if referral and status != "introduced":
            return move, False, None
        if ask.label == "cold" and move == "no answer":
            return move, None, None  # the call did not get through
        return move, introduced, False
    raise InputError(f"unknown move {move!r}", hint=f"use one of {', '.join(MOVES)}")


def move_ask(
    ws: Workspace, ask_id: int, status_change: str, *, on: dt.date | None = None
) -> tuple[AskRecord, bool]:
    """Move ask ``ask_id`` by ``status_change`` (one of :data:`MOVES`) on date ``on`` (today).

    Returns the ask after the move and whether anything changed: repeating a move already
    made changes nothing. Raises :class:`NotFoundError` for an unknown id and
    :class:`InputError` for a move that makes no sense (backwards, after the ask closed, a
    meeting before the introduction on a referral, an introduction on a direct ask or cold
    call) or a date before the ask's last move.
    """
    with ws.transaction(graph=False):
        changed = apply_move(ws, get_ask(ws, ask_id), status_change, on=on)
    return get_ask(ws, ask_id), changed


def apply_move(
    ws: Workspace, ask: AskRecord, status_change: str, *, on: dt.date | None = None
) -> bool:
    """:func:`move_ask` inside the caller's transaction, on ``ask`` as it stands; returns
    whether anything changed."""
    after = next_state(ask, status_change)
    if after == (ask.status, ask.introduced, ask.meeting):
        return False
    on = on or dt.date.today()
    if on < ask.status_on:
        raise InputError(
            f"ask {ask.id} ({ask.target}): {on.isoformat()} is before its last move "
            f"({ask.status}, {ask.status_on.isoformat()})",
            hint="give the date it happened with --on YYYY-MM-DD",
        )
    status, introduced, meeting = after
    ws.conn.execute(
        "UPDATE asks SET status = ?, introduced = ?, meeting = ?, status_on = ? WHERE id = ?",
        (status, _flag(introduced), _flag(meeting), on.isoformat(), ask.id),
    )
    return True


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


ASK_LIST_COLUMNS = (
    "ask_id",
    "status",
    "status_date",
    "age_days",
    "nudge",
    "member",
    "introducer",
    "target",
    "account",
    "label",
    "probability",
    "p_intro",
    "p_meeting_if_intro",
    "path",
    "created_on",
    "note",
)


def asks_csv(asks: Sequence[AskRecord], *, raw: bool = False) -> str:
    """The asks as CSV (:data:`ASK_LIST_COLUMNS`), names neutralised for spreadsheets unless
    ``raw``. Its ``ask_id``, ``status`` and ``status_date`` columns read back with
    ``graphwarm import outcomes``."""
    lines = [csv_line(ASK_LIST_COLUMNS)]
    for a in asks:
        row: dict[str, str | int | float | None] = {
            "ask_id": str(a.id),
            "status": a.status,
            "status_date": a.status_on.isoformat(),
            "age_days": a.age_days,
            "nudge": "nudge" if a.nudge else "",
            "member": a.member,
            "introducer": a.introducer,
            "target": a.target,
            "account": a.account,
            "label": a.label,
            "probability": a.probability,
            "p_intro": a.p_intro,
            "p_meeting_if_intro": a.p_meeting_if_intro,
            "path": " → ".join(a.path),
            "created_on": a.created_on.isoformat(),
            "note": a.note,
        }
        lines.append(csv_line([row[c] for c in ASK_LIST_COLUMNS], raw=raw))
    return "".join(lines)


def asks_json(asks: Sequence[AskRecord]) -> Iterator[str]:
    """The asks as one JSON list, one ask per line."""
    yield "["
    between = "\n"
    for a in asks:
        yield between + json.dumps(a.to_dict(), ensure_ascii=False)
        between = ",\n"
    yield "\n]\n"
