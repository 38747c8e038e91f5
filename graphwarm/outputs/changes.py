"""What changed since an earlier state of the workspace (``graphwarm changes``).

The earlier state is read from the history (:func:`graphwarm.workspace.history.past_state`):
by default the state before each member's (and file's) latest re-import, i.e. last week's for a
weekly import. Both states are searched with the same settings, and compared:

- targets whose best path changed: a warm path gained or lost, the label changed, or the
  chance moved by more than ``change_points`` percentage points; with the old and new path;
- job changes: a person (the same LinkedIn URL or e-mail) known at one account then and at
  another now (a file that no longer names their employer is no move). Flagged
  above all: someone who moved **into** a target account (a new insider: often a new internal
  path), and an introducer of an earlier best path who **left** the target's account;
- people new at a target account (or whose employer is known now and was not then), and
  targets that are gone;
- ties going cold: a tie on a current best path whose last interaction passed the recency
  half-life between the earlier state and today;
- stale sources: a member whose newest LinkedIn export is older than ``stale_after_days``
  (dated by LinkedIn's file name for it where that tells, else by its import), and members
  with no export yet (known from a mailbox, calendar, CRM activities or asks, or named only
  by the team roster, ``[team] members``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .._csvcells import csv_line
from .._words import percent
from ..engine.explain import node_names
from ..engine.graph import ReferralGraph
from ..engine.load import load_graphs, load_past_graph
from ..engine.reach import reach
from ..engine.routes import TargetReach
from ..settings import Settings
from ..workspace.history import PastState, past_people, past_state
from ..workspace.store import Workspace

__all__ = [
    "KINDS",
    "Change",
    "ChangeReport",
    "Comparison",
    "changes",
    "changes_by_account",
    "changes_csv",
    "changes_table",
    "compare",
    "path_kind",
    "reimported",
]

# Every kind of change, in the order reports list them: the flags first.
KINDS = (
    "moved into a target account",
    "introducer left",
    "warm path gained",
    "warm path lost",
    "label changed",
    "chance up",
    "chance down",
    "job change",
    "new at a target account",
    "target gone",
    "tie going cold",
    "stale export",
    "no export yet",
)


@dataclass(frozen=True)
class Change:
    """One change: what kind, at which account (its name and ``accounts.id``), about whom (a
    target, a person, a member), what it was and what it is now (paths, companies, dates, as
    text)."""

    kind: str
    account: str
    who: str
    old: str
    new: str
    account_id: int | None = None

    @property
    def text(self) -> str:
        """What changed, in words: ``was …; now …`` for best paths (whose text has arrows of
        its own; either alone for a target new or gone), the tie and the path it is on for a
        tie going cold, else ``old → new`` (``new`` alone when there was nothing before)."""
        if self.kind in _PATH_KINDS:
            was, now = f"was {self.old}" if self.old else "", f"now {self.new}" if self.new else ""
            return "; ".join(part for part in (was, now) if part)
        if self.kind == "tie going cold":
            return f"{self.old}; on {self.new}"
        return f"{self.old} → {self.new}" if self.old else self.new


# The kinds whose old and new are a target's best paths (:func:`_path`).
_PATH_KINDS = frozenset(
    (
        "introducer left",
        "warm path gained",
        "warm path lost",
        "label changed",
        "chance up",
        "chance down",
        "target gone",
    )
)


@dataclass
class ChangeReport:
    """The changes since ``since`` (which earlier state; ``began``: when it began)."""

    since: str
    began: str | None
    changes: list[Change] = field(default_factory=list)


def changes(
    ws: Workspace,
    *,
    since_import: int | None = None,
    since: dt.date | None = None,
    settings: Settings | None = None,
) -> ChangeReport:
    """Compare the current state with an earlier one (see the module)."""
    settings = settings or ws.settings
    c = compare(ws, since_import=since_import, since=since, settings=settings)
    state, now_rg, then_rg, now, then = c.state, c.now_rg, c.then_rg, c.now, c.then
    report = ChangeReport(since=state.label, began=state.began)
    found = report.changes
    found += _path_changes(now_rg, then_rg, now, then, settings)
    found += _people_changes(ws, state, now_rg, then_rg, now, then)
    found += _ties_going_cold(ws, now_rg, now, state.began, settings)
    found += _stale_exports(ws, settings)
    order = {kind: i for i, kind in enumerate(KINDS)}
    found.sort(key=lambda c: (order[c.kind], c.account.casefold(), c.who.casefold()))
    return report


@dataclass(frozen=True)
class Comparison:
    """Both states searched alike: the earlier ``state``, each state's graph, and each
    target's best path in it (by target node)."""

    state: PastState
    now_rg: ReferralGraph
    then_rg: ReferralGraph
    now: dict[int, TargetReach]
    then: dict[int, TargetReach]


def compare(
    ws: Workspace,
    *,
    since_import: int | None = None,
    since: dt.date | None = None,
    settings: Settings | None = None,
    current: tuple[ReferralGraph, Sequence[TargetReach]] | None = None,
) -> Comparison:
    """The current state and an earlier one (see :func:`past_state`), each searched from the
    whole team: what :func:`changes` and the map's marks compare. ``current``: the current
    graph and every target's reach from the whole team, when the caller has searched already
    (the map), so that only the earlier state is searched."""
    settings = settings or ws.settings
    state = past_state(ws, since_import=since_import, since=since)
    if current is None:
        now_rg, then_rg = load_graphs(ws, state, settings)
        now_reach: Sequence[TargetReach] = reach(now_rg, settings, per_member=False)
    else:
        (now_rg, now_reach), then_rg = current, load_past_graph(ws, state, settings)
    now = {tr.target: tr for tr in now_reach}
    then = {tr.target: tr for tr in reach(then_rg, settings, per_member=False)}
    return Comparison(state, now_rg, then_rg, now, then)


def _account_names(rg: ReferralGraph) -> dict[int, str]:
    return dict(zip(rg.account_id.tolist(), rg.account_name, strict=True))


def _path(rg: ReferralGraph, tr: TargetReach | None) -> str:
    """A target's best path in names, with its label and chance; "cold" without one."""
    if tr is None:
        return ""
    names = node_names(rg)
    if tr.best is None:
        return f"cold ({percent(tr.probability)})"
    steps = " → ".join(names[x] for x in tr.path)
    return f"{tr.label} {percent(tr.probability)}: {steps}"


def _path_changes(
    now_rg: ReferralGraph,
    then_rg: ReferralGraph,
    now: dict[int, TargetReach],
    then: dict[int, TargetReach],
    settings: Settings,
) -> list[Change]:
    out = []
    now_names, then_names = node_names(now_rg), node_names(then_rg)
    accounts = {**_account_names(then_rg), **_account_names(now_rg)}
    for target in sorted(set(now) | set(then)):
        new, old = now.get(target), then.get(target)
        ref = new or old
        assert ref is not None
        account = accounts.get(ref.account_id, "") if ref.account_id is not None else ""
        who = now_names[target] if new is not None else then_names[target]
        kind = path_kind(old, new, settings)
        if kind:
            old_path, new_path = _path(then_rg, old), _path(now_rg, new)
            out.append(Change(kind, account, who, old_path, new_path, ref.account_id))
    return out


def path_kind(old: TargetReach | None, new: TargetReach | None, settings: Settings) -> str:
    """How a target's best path changed, as a kind of :data:`KINDS` ("" for not enough to
    report)."""
    if new is None:
        return "target gone"
    was_warm, is_warm = old is not None and old.label != "cold", new.label != "cold"
    if is_warm and not was_warm:
        return "warm path gained"
    if was_warm and not is_warm:
        return "warm path lost"
    if old is None or not is_warm:
        return ""
    if old.label != new.label:
        return "label changed"
    moved = (new.probability - old.probability) * 100
    if abs(moved) > settings.change_points:
        return "chance up" if moved > 0 else "chance down"
    return ""


def _people_changes(
    ws: Workspace,
    state: PastState,
    now_rg: ReferralGraph,
    then_rg: ReferralGraph,
    now: dict[int, TargetReach],
    then: dict[int, TargetReach],
) -> list[Change]:
    """Job changes (and the two flags), and people new at a target account."""
    shown_then = past_people(ws, state)
    accounts = {**_account_names(then_rg), **_account_names(now_rg)}
    targets_now = set(now_rg.account_id[now_rg.account_is_target].tolist())
    left_from: dict[int, list[TargetReach]] = {}  # introducer → earlier internal paths
    for tr in then.values():
        if tr.label == "internal" and tr.introducer is not None:
            left_from.setdefault(tr.introducer, []).append(tr)
    rows = ws.conn.execute(
        f"SELECT id, name, company, account_id FROM people WHERE NOT retired"
        f" AND id IN ({','.join(map(str, shown_then)) or 'NULL'})"
    ).fetchall()
    out = []
    for pid, name, company, account in rows:
        before = shown_then[pid]
        old_account = None if before is None else before[3]
        if old_account is None:  # new, or their employer was not known then
            if account in targets_now:
                where = accounts[account]
                out.append(Change("new at a target account", where, name, "", company, account))
            continue
        if account is None or old_account == account:  # no employer known now is no move
            continue
        old_company = before[1]  # type: ignore[index]
        where = accounts.get(account, company or "") if account is not None else company or ""
        old = old_company or ""
        kind = "moved into a target account" if account in targets_now else "job change"
        out.append(Change(kind, where, name, old, company or "", account))
        for tr in left_from.get(pid, []):
            if tr.account_id == old_account and tr.target in now:  # an insider no more
                left = accounts.get(old_account, old)
                paths = _path(then_rg, tr), _path(now_rg, now[tr.target])
                out.append(Change("introducer left", left, name, *paths, old_account))
    return out


def _ties_going_cold(
    ws: Workspace,
    rg: ReferralGraph,
    now: dict[int, TargetReach],
    began: str | None,
    settings: Settings,
) -> list[Change]:
    """Ties on a best path whose last interaction passed the recency half-life since then."""
    if began is None:
        return []
    today = settings.today()
    start = dt.date.fromisoformat(began[:10])
    half_life = dt.timedelta(days=settings.strength.half_life_days)
    names = node_names(rg)
    accounts = _account_names(rg)
    out = []
    last: dict[tuple[int, int], str | None] = {}
    for tr in now.values():
        for a, b in zip(tr.path, tr.path[1:], strict=False):
            if a < 0 or b < 0:  # an account's buyer: an inferred tie, no interaction
                continue
            pair = (min(a, b), max(a, b))
            if pair not in last:
                last[pair] = ws.conn.execute(  # a LinkedIn message, an e-mail or a meeting
                    "SELECT nullif(max(max(coalesce(last_msg, ''), coalesce(last_mail, ''),"
                    " coalesce(last_meeting, ''))), '') FROM signals WHERE a = ? AND b = ?"
                    " AND until_import IS NULL",
                    pair,
                ).fetchone()[0]
            when = last[pair]
            if when is None:
                continue
            crossed = dt.date.fromisoformat(when[:10]) + half_life
            if start < crossed <= today:
                account = accounts.get(tr.account_id, "") if tr.account_id is not None else ""
                out.append(
                    Change(
                        "tie going cold",
                        account,
                        names[tr.target],
                        f"{names[a]} – {names[b]}: last interaction {when[:10]}",
                        _path(rg, tr),
                        tr.account_id,
                    )
                )
    return out


def _stale_exports(ws: Workspace, settings: Settings) -> list[Change]:
    """Stale exports (``old``: the export's date, ``new``: its age and what dated it: its file
    name or its import), and members with no export (``new``: what is known of them)."""
    stale = [
        Change(
            "stale export", "", e.member, e.dated, f"{e.age_days:,} days old (by its {e.dated_by})"
        )
        for e in ws.member_exports(settings)
        if e.stale
    ]
    missing = [
        Change("no export yet", "", m.member, "", m.known) for m in ws.missing_exports(settings)
    ]
    return stale + missing


def reimported(ws: Workspace) -> bool:
    """Whether the default comparison has an earlier state: some file or member's latest
    import replaced an older one."""
    return bool(past_state(ws).rolled_back)


def changes_by_account(ws: Workspace) -> tuple[str | None, dict[int, list[Change]]]:
    """For the account plans: the default comparison's changes per ``accounts.id``, and the
    day the earlier state began; nothing (and no search) when no file was re-imported."""
    if not reimported(ws):
        return None, {}
    report = changes(ws)
    by_account: dict[int, list[Change]] = {}
    for change in report.changes:
        if change.account_id is not None:
            by_account.setdefault(change.account_id, []).append(change)
    return (report.began or "")[:10] or None, by_account


# -- writing ----------------------------------------------------------------------------------

_FIELDS = ("kind", "account", "who", "old", "new")


def changes_csv(report: ChangeReport, *, raw: bool = False) -> Iterable[str]:
    """The changes as CSV lines (text cells neutralised unless ``raw``)."""
    yield csv_line(_FIELDS, raw=raw)
    for c in report.changes:
        yield csv_line([c.kind, c.account, c.who, c.old, c.new], raw=raw)


def changes_table(report: ChangeReport) -> str:
    """The changes for a terminal, grouped by kind."""
    began = f" ({report.began[:10]})" if report.began else ""
    lines = [f"Changes {report.since}{began}:"]
    if not report.changes:
        lines.append("  nothing changed")
    kind = None
    for c in report.changes:
        if c.kind != kind:
            kind = c.kind
            lines.append(f"{kind}:")
        where = f" ({c.account})" if c.account else ""
        lines.append(f"  {c.who}{where}: {c.text}")
    return "\n".join(lines) + "\n"
