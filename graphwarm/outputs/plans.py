"""Account plans: for one account, who on the team asks whom, in what order, and what to say.

:func:`plan_accounts` turns the reach of an account's targets into an :class:`AccountPlan`:
its label, best chance and expected meetings, the member who owns it, the people the team
knows there, every target's best path as numbered asks with two backups and the cold-call
fallback, a drafted introduction request for the first ask, and what is missing (the best
near misses beyond ``max_hops`` or below the cold threshold). :func:`render_plan` writes it as
Markdown or self-contained HTML; :func:`write_plans` does both for a list of accounts.

The drafted message comes from a Jinja2 template the team can edit: ``plan_template`` in
``graphwarm.toml`` (a path relative to that file), else the bundled
``graphwarm/outputs/templates/intro_request.md.j2``. The template is user-supplied, so it runs in a
sandboxed environment; an unknown variable, a syntax error or a missing file is a
:class:`~graphwarm.errors.GraphwarmError` naming the file and line. The template decides the
language of the message (see ``intro_request.sv.md.j2`` for a Swedish one).

Safety
    Names, titles and company names are user text. In Markdown every value is escaped so it
    cannot open a link, an image, HTML or break a table; in HTML autoescaping is on, the page
    has no script and loads nothing (CSS inline), so a name like ``<img src=x onerror=…>`` is
    shown as text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
import traceback
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
from jinja2.sandbox import SandboxedEnvironment

from ..engine.explain import explain_path, node_names
from ..engine.graph import ReferralGraph
from ..engine.load import load_graph
from ..engine.reach import reach
from ..engine.routes import LABELS, Route, TargetReach, cold_probability, cold_threshold
from ..engine.strength import strength_word
from ..errors import GraphwarmError, InputError, NotFoundError
from ..identity import company_key
from ..settings import Settings, settings_path_for
from ..workspace.store import Workspace

__all__ = [
    "FORMATS",
    "AccountPlan",
    "Ask",
    "IntroDraft",
    "KnownPerson",
    "Missing",
    "PlanRoute",
    "TargetPlan",
    "TemplateError",
    "default_template_path",
    "md_escape",
    "plan_accounts",
    "plan_file_name",
    "render_intro",
    "render_plan",
    "write_plans",
]

FORMATS = ("md", "html")
LABEL_TEXT = {
    "direct": "direct",
    "internal": "internal referral",
    "external": "external referral",
    "cold": "cold call",
}
MAX_KNOWN = 25  # people listed under "known there"; the rest are counted
MAX_TOGETHER = 5  # other targets named under "one conversation can cover"; the rest counted
WIDEN_HOPS = 2  # near misses: search this many hops beyond max_hops


class TemplateError(GraphwarmError):
    """A plan or message template is missing, unreadable or fails to render."""


# -- what a plan holds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """One numbered step: ``asker`` asks ``asked`` (``why`` their tie counts) to ``request``."""

    asker: str
    asked: str
    why: str
    request: str
    direct: bool = False

    @property
    def text(self) -> str:
        """``Lina Ahl asks Per Moberg — a strong tie: … — to recommend us to Sofia Wall, CFO``."""
        if self.direct:
            return f"{self.asker} contacts {self.asked} directly — {self.why} — {self.request}"
        return f"{self.asker} asks {self.asked} — {self.why} — {self.request}"


@dataclass(frozen=True)
class PlanRoute:
    """A path as asks, with its chance and the two parts of it."""

    route: Route
    asks: tuple[Ask, ...]
    names: tuple[str, ...]
    member: str
    first_contact: str
    introducer: str

    @property
    def label(self) -> str:
        return self.route.label

    @property
    def probability(self) -> float:
        return self.route.probability

    @property
    def asks_text(self) -> str:
        """All asks in one line (for backups): ``… Then: …``."""
        return " Then: ".join(ask.text for ask in self.asks)

    @property
    def chances(self) -> str:
        """``51 % chance of a meeting: 61 % the introduction is made × 84 % if it is``."""
        r = self.route
        if r.label == "direct":
            return f"{pct(r.probability)} chance of a meeting (direct)"
        return (
            f"{pct(r.probability)} chance of a meeting: {pct(r.p_intro)} the introduction is "
            f"made × {pct(r.p_meeting_if_intro)} meeting if it is"
        )


@dataclass(frozen=True)
class TargetPlan:
    """One target: the best path, backups, the cold call, and why it is cold if it is."""

    target_id: int
    name: str
    title: str | None
    label: str
    probability: float
    best: PlanRoute | None
    backups: tuple[PlanRoute, ...]
    reason: str
    named: bool
    together: tuple[str, ...] = ()

    @property
    def label_text(self) -> str:
        return LABEL_TEXT[self.label]

    @property
    def together_text(self) -> str:
        """``together`` for a sentence: the first few names, then how many more."""
        shown = self.together[:MAX_TOGETHER]
        more = len(self.together) - len(shown)
        return ", ".join(shown) + (f" and {more} more" if more else "")

    @property
    def heading(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


@dataclass(frozen=True)
class KnownPerson:
    """Someone at the account the team knows: directly (a member's tie) or through a contact."""

    name: str
    title: str | None
    how: str
    strength: float
    target: bool


@dataclass(frozen=True)
class Missing:
    """A gap in the plan and what to try (``route``: the near miss, if there is one)."""

    text: str
    route: PlanRoute | None = None


@dataclass(frozen=True)
class IntroDraft:
    """The drafted message for the first ask, and the template it came from."""

    text: str
    template: str
    sender: str
    recipient: str


@dataclass
class AccountPlan:
    """Everything one account's plan says; :func:`render_plan` writes it."""

    account_id: int
    account: str
    label: str
    best_probability: float
    expected_meetings: float
    owner: str | None
    targets: list[TargetPlan]
    known: list[KnownPerson]
    known_more: int
    missing: list[Missing]
    cold_probability: float
    p_connect: float
    p_cold: float
    max_hops: int
    as_of: dt.date
    draft: IntroDraft | None = None
    generated: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def label_text(self) -> str:
        return LABEL_TEXT[self.label]

    @property
    def calls_per_meeting(self) -> int:
        """Dials per expected meeting by cold call, rounded up."""
        return math.ceil(1.0 / self.cold_probability - 1e-9) if self.cold_probability > 0 else 0

    @property
    def warm_targets(self) -> list[TargetPlan]:
        return [t for t in self.targets if t.best is not None]

    @property
    def cold_targets(self) -> list[TargetPlan]:
        return [t for t in self.targets if t.best is None]


# -- building plans ---------------------------------------------------------------------------


def plan_accounts(
    ws: Workspace,
    accounts: Sequence[str | int] | None = None,
    *,
    draft: bool = True,
    template: str | Path | None = None,
) -> list[AccountPlan]:
    """Plans for ``accounts`` (names or ``accounts.id``), or for every target account.

    ``draft``: also draft the introduction request (from ``template``, else the settings'
    ``plan_template``, else the bundled one). Raises :class:`NotFoundError` for an unknown
    account and :class:`TemplateError` for a bad template.
    """
    rg = load_graph(ws)
    settings = ws.settings
    ids = _account_ids(rg, accounts)
    if not ids:
        return []
    results = reach(rg, settings, accounts=ids)
    wider = _widened(rg, settings, results)
    by_account: dict[int, list[TargetReach]] = {a: [] for a in ids}
    for tr in results:
        if tr.account_id in by_account:
            by_account[tr.account_id].append(tr)
    renderer = None
    if draft:
        path = _template_path(ws, settings, template)
        renderer = _IntroTemplate(path)
    builder = _Builder(rg, settings)
    plans = []
    for account_id in ids:
        plan = builder.account_plan(account_id, by_account[account_id], wider)
        if renderer is not None:
            plan.draft = renderer.draft(builder, plan, by_account[account_id])
        plans.append(plan)
    return plans


def write_plans(
    ws: Workspace,
    accounts: Sequence[str | int] | None,
    directory: str | Path,
    fmt: str = "md",
    *,
    template: str | Path | None = None,
) -> list[Path]:
    """Write one plan per account (``None``: every target account) into ``directory``.

    File names come from the account names (:func:`plan_file_name`), made unique. Returns the
    paths written, in the order of the plans.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown plan format {fmt!r}", hint="use md or html")
    plans = plan_accounts(ws, accounts, template=template)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    paths = []
    for plan in plans:
        stem = plan_file_name(plan.account)
        if stem.casefold() in used:
            stem = f"{stem}-{plan.account_id}"
        used.add(stem.casefold())
        path = directory / f"{stem}.{fmt}"
        path.write_text(render_plan(plan, fmt), encoding="utf-8")
        paths.append(path)
    return paths


def _account_ids(rg: ReferralGraph, accounts: Sequence[str | int] | None) -> list[int]:
    """``accounts.id`` of the accounts named (in the order given), or of every account that
    is a target account or has a target (by name)."""
    if accounts is None:
        wanted = set(np.flatnonzero(rg.account_is_target).tolist())
        targets = rg.targets()
        wanted.update(int(a) for a in rg.node_accounts(targets).tolist() if a >= 0)
        order = sorted(wanted, key=lambda a: (rg.account_name[a].casefold(), a))
        return [int(rg.account_id[a]) for a in order]
    keys: dict[str | None, list[int]] = {}
    out: list[int] = []
    for account in accounts:
        if isinstance(account, int):
            found = [rg.account_index(account)]
        else:
            if not keys:
                for a, name in enumerate(rg.account_name):
                    keys.setdefault(company_key(name), []).append(a)
            found = keys.get(company_key(account), [])
            if not found:
                close = _close_names(account, rg.account_name)
                raise NotFoundError(
                    f"no account called {account!r}",
                    hint=f"did you mean {close}?" if close else "see graphwarm status",
                )
        for a in found:
            if int(rg.account_id[a]) not in out:
                out.append(int(rg.account_id[a]))
    return out


def _close_names(name: str, names: Sequence[str]) -> str:
    import difflib

    hits = difflib.get_close_matches(name, list(names), n=2, cutoff=0.6)
    return " or ".join(repr(h) for h in hits)


def _widened(
    rg: ReferralGraph, settings: Settings, results: list[TargetReach]
) -> dict[int, TargetReach]:
    """Near misses: each cold target searched again ``WIDEN_HOPS`` hops further."""
    cold = [tr for tr in results if tr.label == "cold" and tr.account_id is not None]
    if not cold or settings.max_hops >= 10:
        return {}
    wide = dataclasses.replace(settings, max_hops=min(10, settings.max_hops + WIDEN_HOPS))
    accounts = sorted({tr.account_id for tr in cold if tr.account_id is not None})
    wanted = {tr.target for tr in cold}
    found = reach(rg, wide, accounts=accounts, per_member=False)
    return {tr.target: tr for tr in found if tr.target in wanted}


class _Builder:
    """Turns reach results into plan parts; caches the member ties of the graph."""

    def __init__(self, rg: ReferralGraph, settings: Settings) -> None:
        self.rg = rg
        self.settings = settings
        member_u = rg.is_member[rg.edge_u]
        member_v = rg.is_member[rg.edge_v]
        one = member_u ^ member_v
        self.tie_member = np.where(member_u, rg.edge_u, rg.edge_v)[one]
        self.tie_other = np.where(member_u, rg.edge_v, rg.edge_u)[one]
        self.tie_s = rg.edge_s[one]
        self.names = node_names(rg)

    # -- people ---------------------------------------------------------------------------

    def name(self, node_id: int) -> str:
        return self.names[node_id]

    def person(self, node_id: int) -> dict[str, Any]:
        """Name, first name, title and company of a public id (for templates)."""
        info = self.rg.info(node_id)
        name = str(info["name"])
        pseudo = node_id < 0
        return {
            "name": name,
            "first_name": "" if pseudo else name.split()[0] if name.split() else name,
            "title": info["title"] or "",
            "company": info["company"] or "",
            "named": not pseudo,
        }

    def with_title(self, node_id: int, *, company: bool = False) -> str:
        info = self.rg.info(node_id)
        parts = [p for p in (info["title"], info["company"] if company else None) if p]
        if not parts:
            return str(info["name"])
        if company:
            return f"{info['name']} ({', '.join(parts)})"
        return f"{info['name']}, {parts[0]}"

    # -- routes ---------------------------------------------------------------------------

    def plan_route(self, route: Route) -> PlanRoute:
        rg = self.rg
        explained = explain_path(rg, self.settings, route)
        whys = [tie_words(t["why"]) for t in explained.data.get("ties", [])]
        path = route.path
        names = tuple(self.name(x) for x in path)
        target = path[-1]
        if target < 0:
            account = rg.info(target)["company"]
            goal = f"the right buyer at {account} (no buyer is named yet)"
        else:
            goal = self.with_title(target)
        asks: list[Ask] = []
        if len(path) == 2:
            request = (
                "and asks for a meeting."
                if target > 0
                else "and asks who decides and for a meeting."
            )
            asks.append(Ask(names[0], goal, whys[0], request, direct=True))
        else:
            for step in range(1, len(path) - 1):
                asker = names[0] if step == 1 else names[step - 1]
                if step < len(path) - 2:
                    nxt = self.with_title(path[step + 1], company=True)
                    request = f"to introduce us to {nxt}."
                else:
                    last = whys[-1]
                    request = f"to recommend us to {goal} ({_their(last)})."
                asks.append(Ask(asker, names[step], whys[step - 1], request))
        return PlanRoute(
            route=route,
            asks=tuple(asks),
            names=names,
            member=names[0],
            first_contact=names[1],
            introducer=names[-2],
        )

    def backups(self, tr: TargetReach, best: Route | None, n: int = 2) -> list[Route]:
        """The next ``n`` routes, preferring ones that avoid the best path's contacts (if
        Per says no, asking Per to ask a colleague is no backup)."""
        others = [r for r in tr.alternatives if best is None or r.path != best.path]
        others = [r for r in others if r.probability >= cold_threshold(self.settings)]
        others.sort(key=lambda r: (-r.probability, r.hops, r.path))
        avoid = set(best.path[1:-1]) if best is not None else set()
        chosen: list[Route] = []
        for strict in (True, False):
            for r in others:
                if len(chosen) >= n:
                    break
                if r in chosen:
                    continue
                middle = set(r.path[1:-1])
                if strict and (middle & avoid or _shares_contacts(r, chosen)):
                    continue
                chosen.append(r)
        return sorted(chosen, key=lambda r: (-r.probability, r.hops, r.path))

    # -- the account ----------------------------------------------------------------------

    def account_plan(
        self, account_id: int, results: list[TargetReach], wider: dict[int, TargetReach]
    ) -> AccountPlan:
        rg, settings = self.rg, self.settings
        a = rg.account_index(account_id)
        account = rg.account_name[a]
        # targets whose best paths start with the same ask: one conversation covers them all
        first_ask: dict[tuple[int, ...], list[int]] = {}
        for tr in results:
            if tr.best is not None:
                first_ask.setdefault(tr.best.path[:2], []).append(tr.target)
        together: dict[int, tuple[str, ...]] = {}
        for group in first_ask.values():
            names = tuple(self.name(t) for t in group)
            for k, t in enumerate(group):
                together[t] = names[:k] + names[k + 1 :]
        targets = []
        for tr in results:
            best = tr.best
            info = rg.info(tr.target)
            targets.append(
                TargetPlan(
                    target_id=tr.target,
                    name=str(info["name"]),
                    title=info["title"],
                    label=tr.label,
                    probability=tr.probability,
                    best=self.plan_route(best) if best is not None else None,
                    backups=tuple(self.plan_route(r) for r in self.backups(tr, best)),
                    reason=tr.reason,
                    named=tr.target > 0,
                    together=together.get(tr.target, ()),
                )
            )
        label = min((t.label for t in targets), key=LABELS.index, default="cold")
        best_p = max((t.probability for t in targets), default=cold_probability(settings))
        expected = sum(t.probability for t in targets)
        known, more = self.known_people(a, results)
        p = settings.probability
        return AccountPlan(
            account_id=account_id,
            account=account,
            label=label,
            best_probability=best_p,
            expected_meetings=expected,
            owner=self.owner(results),
            targets=targets,
            known=known,
            known_more=more,
            missing=self.missing(account, a, results, wider, known),
            cold_probability=cold_probability(settings),
            p_connect=p.p_connect,
            p_cold=p.p_cold,
            max_hops=settings.max_hops,
            as_of=settings.today(),
            generated=dt.date.today().isoformat(),
        )

    def owner(self, results: list[TargetReach]) -> str | None:
        """The member whose best paths bring the most expected meetings (then the best one)."""
        score: dict[int, tuple[float, float]] = {}
        for tr in results:
            if tr.best is None:
                continue
            total, top = score.get(tr.best.member, (0.0, 0.0))
            score[tr.best.member] = (total + tr.probability, max(top, tr.probability))
        if not score:
            return None
        member = min(score, key=lambda m: (-score[m][0], -score[m][1], self.name(m)))
        return self.name(member)

    def known_people(self, a: int, results: list[TargetReach]) -> tuple[list[KnownPerson], int]:
        """Insiders a member knows (strongest tie first), then insiders on a planned path."""
        rg = self.rg
        insiders = rg.insiders(a)
        insiders = insiders[~rg.is_member[insiders] & ~rg.excluded[insiders]]
        mask = np.isin(self.tie_other, insiders)
        ties: dict[int, list[tuple[float, int]]] = {}
        for i, m, s in zip(
            self.tie_other[mask].tolist(),
            self.tie_member[mask].tolist(),
            self.tie_s[mask].tolist(),
            strict=True,
        ):
            if not rg.excluded[m]:
                ties.setdefault(i, []).append((s, m))
        targets = set(np.flatnonzero(rg.target_kind > 0).tolist())
        people: list[KnownPerson] = []
        for i, found in ties.items():
            found.sort(key=lambda x: (-x[0], rg.name_of(x[1])))
            hows = []
            for s, m in found[:3]:
                breakdown = rg.tie_breakdown(m, i)
                why = breakdown.describe() if breakdown is not None else strength_word(s)
                hows.append(f"{rg.name_of(m)} ({why})")
            if len(found) > 3:
                hows.append(f"{len(found) - 3} more")
            people.append(
                KnownPerson(
                    name=rg.name_of(i),
                    title=rg.title_of(i),
                    how="; ".join(hows),
                    strength=found[0][0],
                    target=i in targets,
                )
            )
        # insiders reached through a contact on a planned path
        seen = set(ties)
        for tr in results:
            for r in tr.alternatives:
                for prev, node in zip(r.path, r.path[1:-1], strict=False):
                    if node < 0:
                        continue
                    i = rg.index_of(node)
                    if i in seen or rg.node_account(i) != a or rg.is_member[i]:
                        continue
                    seen.add(i)
                    how = f"through {self.name(prev)}"
                    if prev != r.path[0]:
                        how += f", a contact of {self.name(r.path[0])}"
                    people.append(
                        KnownPerson(
                            name=rg.name_of(i),
                            title=rg.title_of(i),
                            how=how,
                            strength=0.0,
                            target=i in targets,
                        )
                    )
        people.sort(key=lambda k: (-k.strength, k.name.casefold()))
        return people[:MAX_KNOWN], max(0, len(people) - MAX_KNOWN)

    def missing(
        self,
        account: str,
        a: int,
        results: list[TargetReach],
        wider: dict[int, TargetReach],
        known: list[KnownPerson],
    ) -> list[Missing]:
        """Gaps, each with the best near miss: a path beyond ``max_hops`` or below the cold
        threshold, and whom to ask for it. With no one known at the account, one line for
        the account (the best near miss to any of its targets)."""
        out: list[Missing] = []
        settings = self.settings
        cold_p = cold_probability(settings)
        hops = settings.max_hops
        wide_hops = min(10, hops + WIDEN_HOPS)
        if any(tr.target < 0 for tr in results):
            out.append(
                Missing(
                    f"No buyer is named at {account}: the plan aims at whoever buys there. "
                    "Add the buyer to the CRM export and import it with "
                    "`graphwarm import people FILE --target` for a named path."
                )
            )
        cold = [tr for tr in results if tr.label == "cold"]
        if not cold:
            return out

        def near_misses(tr: TargetReach) -> list[Route]:
            found = list(tr.alternatives)
            far = wider.get(tr.target)
            if not found and far is not None:
                found = list(far.alternatives)
            return sorted(found, key=lambda r: (-r.probability, r.hops, r.path))

        if not known:
            pairs = [(r, tr) for tr in cold for r in near_misses(tr)[:1]]
            if pairs:
                r, tr = min(pairs, key=lambda x: (-x[0].probability, x[0].hops, x[0].path))
                out.append(
                    Missing(
                        f"No one known at {account}: ask {self._whom(r)}? That path reaches "
                        f"{self.name(tr.target)} in {r.hops} hops ({pct(r.probability)}; "
                        f"a cold call is {pct(cold_p)}).",
                        self.plan_route(r),
                    )
                )
            else:
                who = _names(self.name(tr.target) for tr in cold)
                out.append(
                    Missing(
                        f"No one known at {account}, not even within {wide_hops} hops: "
                        f"cold-call {who}, or connect with someone there first (a member's "
                        "LinkedIn connection or a CRM relationship puts them on the map)."
                    )
                )
            return out
        for tr in cold:
            who = self.name(tr.target)
            misses = near_misses(tr)
            if not misses:
                out.append(
                    Missing(
                        f"{who}: no path even within {wide_hops} hops. Cold-call, or ask the "
                        f"people known at {account} who decides there."
                    )
                )
                continue
            r = misses[0]
            if r.hops > hops:
                text = (
                    f"{who}: no path within {hops} hops. Ask {self._whom(r)}? That path "
                    f"takes {r.hops} hops ({pct(r.probability)}; a cold call is {pct(cold_p)})."
                )
            else:
                text = (
                    f"{who}: the best path ({pct(r.probability)}) does not beat a cold call "
                    f"({pct(cold_p)}) by the margin. Worth a try through {self._whom(r)}, "
                    "or strengthen that tie first."
                )
            out.append(Missing(text, self.plan_route(r)))
        return out

    def _whom(self, route: Route) -> str:
        """``Tellus Partners AB's Jon Rask`` — the member's contact who starts the path."""
        node = route.path[1]
        info = self.rg.info(node)
        if node < 0 or len(route.path) == 2:
            return f"{info['name']} directly"
        company = info["company"]
        return f"{company}'s {info['name']}" if company else str(info["name"])


def _shares_contacts(route: Route, chosen: list[Route]) -> bool:
    middle = set(route.path[1:-1])
    return any(middle & set(c.path[1:-1]) for c in chosen)


def _their(why: str) -> str:
    """The introducer–target tie as a clause: ``they are colleagues at X`` / ``their tie: …``."""
    if why.startswith("colleagues"):
        return f"they are {why}"
    if why.startswith("a "):
        return f"they have {why}"
    return f"their tie: {why}"


def tie_words(why: str) -> str:
    """``strong: 31 messages…`` → ``a strong tie: 31 messages…``; ``colleague at X`` →
    ``colleagues at X``.

    >>> tie_words("strong: 31 messages both ways, last 3 days ago")
    'a strong tie: 31 messages both ways, last 3 days ago'
    >>> tie_words("colleague at Nordvik Transport AB")
    'colleagues at Nordvik Transport AB'
    """
    for word in ("strong", "medium", "weak"):
        if why.startswith(f"{word}:"):
            return f"a {word} tie:{why[len(word) + 1 :]}"
    if why.startswith("colleague"):
        return "colleagues" + why[len("colleague") :]
    return why


def pct(p: float) -> str:
    """``0.514`` → ``51 %``; below 1 % one decimal."""
    value = p * 100
    return f"{value:.1f} %" if 0 < value < 1 else f"{value:.0f} %"


# -- the introduction request -----------------------------------------------------------------


def default_template_path() -> Path:
    """The bundled ``intro_request.md.j2``."""
    return Path(str(resources.files("graphwarm.outputs") / "templates" / "intro_request.md.j2"))


def _template_path(ws: Workspace, settings: Settings, template: str | Path | None) -> Path:
    if template is not None:
        return Path(template)
    if settings.plan_template:
        path = Path(settings.plan_template).expanduser()
        if not path.is_absolute():
            path = settings_path_for(ws.path).parent / path
        return path
    return default_template_path()


def _names(people: Iterable[Any], conjunction: str = "and") -> str:
    """``Sofia Wall (CFO), Frida Larsson and Ulf Berg`` from person dicts or names."""
    parts = []
    for p in people:
        if isinstance(p, dict):
            text = p.get("name", "")
            if p.get("title"):
                text += f" ({p['title']})"
        else:
            text = str(p)
        parts.append(text)
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {conjunction} {parts[-1]}"


class _IntroTemplate:
    """The team's message template, loaded once, rendered in a sandbox."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            source = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise TemplateError(
                "introduction template not found",
                file=path,
                hint="fix plan_template in graphwarm.toml (a path relative to that file)",
            ) from None
        except (OSError, UnicodeDecodeError) as err:
            raise TemplateError(f"cannot read the template ({err})", file=path) from err
        env = SandboxedEnvironment(
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            loader=jinja2.FunctionLoader(lambda name: (source, str(path), lambda: True)),
        )
        env.filters["names"] = _names
        env.filters["pct"] = pct
        try:
            self.template = env.get_template(path.name)
        except jinja2.TemplateSyntaxError as err:
            raise TemplateError(
                f"template syntax error: {err.message}", file=path, line=err.lineno
            ) from err

    def render(self, context: dict[str, Any]) -> str:
        try:
            text = self.template.render(**context)
        except jinja2.TemplateError as err:
            line = _template_line(err, self.path)
            message = getattr(err, "message", None) or str(err)
            raise TemplateError(
                f"template error: {message}",
                file=self.path,
                line=line,
                hint="the variables a template can use are listed in the bundled "
                "intro_request.md.j2",
            ) from err
        return text.strip() + "\n"

    def draft(
        self, builder: _Builder, plan: AccountPlan, results: list[TargetReach]
    ) -> IntroDraft | None:
        """The message for the first ask of the account's best target."""
        warm = [tr for tr in results if tr.best is not None]
        if not warm:
            return None
        top = max(warm, key=lambda tr: (tr.probability, -tr.hops))
        route = top.best
        assert route is not None
        first = route.path[:2]
        # every target whose best path starts with the same ask goes into one message
        same = [tr for tr in warm if tr.best is not None and tr.best.path[:2] == first]
        same.sort(key=lambda tr: -tr.probability)
        direct = len(route.path) == 2
        explained = explain_path(builder.rg, builder.settings, route)
        ties = explained.data.get("ties", [])
        tie = ties[0] if ties else {"why": "", "strength": float("nan")}
        strength = tie.get("strength")
        context = {
            "account": plan.account,
            "sender": builder.person(route.path[0]),
            "recipient": builder.person(route.path[1]),
            "introduce_to": builder.person(route.path[2]) if len(route.path) > 2 else None,
            "target": builder.person(route.target),
            "targets": [builder.person(tr.target) for tr in same],
            "direct": direct,
            "hops": route.hops,
            "label": route.label,
            "probability": route.probability,
            "tie": {
                "why": tie.get("why", ""),
                "word": strength_word(strength)
                if isinstance(strength, float) and strength == strength
                else "",
            },
            "insider": route.label == "internal",
        }
        text = self.render(context)
        return IntroDraft(
            text=text,
            template=str(self.path),
            sender=context["sender"]["name"],
            recipient=context["recipient"]["name"],
        )


def render_intro(template: str | Path, context: dict[str, Any]) -> str:
    """Render an introduction template with a context of plain values (for trying one out)."""
    return _IntroTemplate(Path(template)).render(context)


def _template_line(err: BaseException, path: Path) -> int | None:
    """The template line an error was raised at (Jinja rewrites tracebacks to point there)."""
    lineno = getattr(err, "lineno", None)
    if lineno:
        return int(lineno)
    line = None
    for frame in traceback.extract_tb(err.__traceback__):
        if frame.filename == str(path):
            line = frame.lineno
    return line


# -- rendering --------------------------------------------------------------------------------


class MdSafe(str):
    """Markdown that is already safe (built by us): not escaped again."""

    __slots__ = ()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto)(?=:)|\b(www)(?=\.)")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])", re.MULTILINE)


def md_escape(value: Any) -> str:
    """User text as Markdown that shows exactly that text: no link, image, HTML, emphasis
    or table break; newlines become spaces.

    >>> print(md_escape("<img src=x onerror=alert(1)> | [x](y)"))
    \\<img src=x onerror=alert(1)\\> \\| \\[x\\](y)
    """
    if value is None:
        return ""
    if isinstance(value, MdSafe):
        return value
    text = re.sub(r"\s+", " ", str(value))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    # break GitHub's autolinks: a name is never a clickable link
    return _MD_AUTOLINK.sub(lambda m: m.group(0) + "\\", text)


def _md_block(text: str) -> MdSafe:
    """Multi-line user text as a Markdown blockquote, line breaks kept."""
    lines = []
    for line in text.rstrip("\n").split("\n"):
        escaped = _MD_LINE_START.sub(r"\1\\\2", md_escape(line)) if line.strip() else ""
        lines.append(f"> {escaped}  ".rstrip() if escaped else ">")
    # two trailing spaces keep single line breaks inside a paragraph
    out = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ">"
        out.append(line + "  " if line != ">" and nxt != ">" else line)
    return MdSafe("\n".join(out))


def _md_finalize(value: Any) -> Any:
    if isinstance(value, MdSafe | int | float) and not isinstance(value, bool):
        return value
    return md_escape(value)


@functools.cache
def _plan_env(fmt: str) -> jinja2.Environment:
    """One environment per format, so each template is compiled once (45 ms a time)."""

    def load(name: str) -> str:
        return (resources.files("graphwarm.outputs") / "templates" / name).read_text(
            encoding="utf-8"
        )

    common: dict[str, Any] = {
        "loader": jinja2.FunctionLoader(load),
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if fmt == "html":
        env = jinja2.Environment(autoescape=True, **common)
    else:
        env = jinja2.Environment(autoescape=False, finalize=_md_finalize, **common)
        env.filters["quote"] = _md_block
    env.filters["pct"] = pct
    env.globals["LABEL_TEXT"] = LABEL_TEXT
    return env


def render_plan(plan: AccountPlan, fmt: str = "md") -> str:
    """The plan as Markdown (``md``) or one self-contained, printable HTML page (``html``)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown plan format {fmt!r}", hint="use md or html")
    env = _plan_env(fmt)
    template = env.get_template(f"plan.{fmt}.j2")
    return template.render(plan=plan)


# -- file names -------------------------------------------------------------------------------

_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "ł": "l"})
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10))}
_RESERVED |= {f"lpt{i}" for i in range(10)}


def plan_file_name(account: str, *, max_length: int = 80) -> str:
    """A safe, readable file stem from an account name (ASCII, lower case, hyphens).

    >>> plan_file_name("Storå Kraft AB"), plan_file_name("Øysund Industri AS")
    ('stora-kraft-ab', 'oysund-industri-as')
    >>> plan_file_name("../../etc/passwd"), plan_file_name("CON")
    ('etc-passwd', 'account-con')
    """
    text = unicodedata.normalize("NFKD", account.translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:max_length].strip("-")
    if not text:
        return "account"
    if text in _RESERVED:
        return f"account-{text}"
    return text
