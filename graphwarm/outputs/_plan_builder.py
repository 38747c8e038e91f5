"""Building plans: :class:`_Builder` turns the reach of an account's targets into the parts of
an :class:`~graphwarm.outputs._plan_model.AccountPlan` (numbered asks, backups, the people
known there, what is missing), with the helpers that pick the accounts to plan and search
cold targets again a few hops further for near misses, and the phrases the asks are written
in. :mod:`graphwarm.outputs.plans` drives it; the introduction request reads people from it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .._words import percent
from ..engine.explain import explain_path, node_names
from ..engine.graph import ReferralGraph
from ..engine.reach import reach
from ..engine.routes import LABELS, Route, TargetReach, cold_probability, cold_threshold
from ..engine.strength import strength_word
from ..errors import NotFoundError
from ..identity import company_key
from ..settings import Settings
from ._plan_model import AccountPlan, Ask, KnownPerson, Missing, PlanRoute, TargetPlan

__all__ = ["_Builder", "_account_ids", "_names", "_widened"]

MAX_KNOWN = 25  # people listed under "known there"; the rest are counted
WIDEN_HOPS = 2  # near misses: search this many hops beyond max_hops


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
            figures=settings.figures_text(),
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
                        f"{self.name(tr.target)} in {r.hops} hops ({percent(r.probability)}; "
                        f"a cold call is {percent(cold_p)}).",
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
                    f"takes {r.hops} hops ({percent(r.probability)}; a cold call is"
                    f" {percent(cold_p)})."
                )
            else:
                text = (
                    f"{who}: the best path ({percent(r.probability)}) does not beat a cold call "
                    f"({percent(cold_p)}) by the margin. Worth a try through {self._whom(r)}, "
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
