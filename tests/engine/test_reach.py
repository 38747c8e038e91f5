"""Reach: labels and probabilities on hand-made networks, and the search against brute force."""

from __future__ import annotations

import itertools
import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphwarm.engine import reach as reach_module
from graphwarm.engine._search import search, search_net
from graphwarm.engine.explain import alternatives_text, explain_path, path_names, reach_record
from graphwarm.engine.graph import graph_from_lists, to_networkx
from graphwarm.engine.reach import best_paths_to, reach
from graphwarm.engine.routes import cold_probability
from graphwarm.errors import InputError, NotFoundError
from graphwarm.settings import ProbabilitySettings, Settings

S = Settings()


def f(s, p=S.probability):
    return p.f_min + (p.f_max - p.f_min) * s


def logistic_last(anchor, s, p=S.probability):
    z = math.log(anchor / (1 - anchor)) + p.beta * (s - p.s_ref)
    return 1 / (1 + math.exp(-z))


def one(results, target):
    (hit,) = [r for r in results if r.target == target]
    return hit


# Team: Lina (1) and Max (2) at Seller AB. Nordvik Transport AB is the target account.
SELLER = {"company": "Seller AB", "member": True}
NORDVIK = "Nordvik Transport AB"


def person(pid, name, company=None, **kw):
    return {"id": pid, "name": name, "company": company, **kw}


def test_direct():
    g = graph_from_lists(
        [person(1, "Lina", **SELLER), person(3, "Sofia", NORDVIK, title="CFO")],
        [(1, 3, 0.6)],
        target_accounts=[NORDVIK],
    )
    r = one(reach(g), 3)
    assert r.label == "direct" and r.hops == 1 and r.path == (1, 3)
    assert r.probability == pytest.approx(0.20 + (0.90 - 0.20) * 0.6)
    assert r.p_intro == 1.0 and r.member == 1 and r.introducer == 1


def test_internal_via_observed_tie_uses_its_strength():
    g = graph_from_lists(
        [
            person(1, "Lina", **SELLER),
            person(2, "Per", "Other AB"),
            person(3, "Sofia", NORDVIK, title="CFO"),
            person(4, "Karl", NORDVIK),
        ],
        [(1, 4, 0.4), (4, 3, 0.9)],
        target_accounts=[NORDVIK],
    )
    r = one(reach(g), 3)
    assert r.label == "internal" and r.path == (1, 4, 3) and r.introducer == 4
    assert r.p_meeting_if_intro == pytest.approx(logistic_last(0.84, 0.9))
    assert r.probability == pytest.approx(f(0.4) * logistic_last(0.84, 0.9))


def test_inferred_colleague_tie_gives_exactly_p_internal():
    g = graph_from_lists(
        [
            person(1, "Lina", **SELLER),
            person(3, "Sofia", NORDVIK, title="CFO"),
            person(4, "Karl", NORDVIK),
        ],
        [(1, 4, 0.7)],
        target_accounts=[NORDVIK],
    )
    r = one(reach(g), 3)
    assert r.label == "internal" and r.path == (1, 4, 3) and r.hops == 2
    assert r.p_meeting_if_intro == 0.84
    assert r.probability == pytest.approx(f(0.7) * 0.84)
    text = explain_path(g, None, r).text
    assert text == (
        "Lina → Karl (strong: tie strength 0.70) → Sofia (colleague at Nordvik Transport AB)"
        f" — internal referral: 84 % if made, {f(0.7) * 84:.0f} % overall"
    )


def test_external():
    g = graph_from_lists(
        [
            person(1, "Lina", **SELLER),
            person(2, "Per", "Other AB"),
            person(3, "Sofia", NORDVIK, title="CFO"),
        ],
        [(1, 2, 1.0), (2, 3, 1.0)],
        target_accounts=[NORDVIK],
    )
    r = one(reach(g), 3)
    assert r.label == "external" and r.introducer == 2
    assert r.probability == pytest.approx(0.75 * logistic_last(0.44, 1.0))


def test_cold_when_no_path_and_cold_by_margin():
    people = [
        person(1, "Lina", **SELLER),
        person(2, "Per", "Other AB"),
        person(5, "Olle", "Far AB"),
        person(3, "Sofia", NORDVIK, title="CFO"),
        person(6, "Ulla", "Lonely AB", target=True),
    ]
    g = graph_from_lists(people, [(1, 2, 0.0), (2, 5, 0.0), (5, 3, 0.0)], target_accounts=[NORDVIK])
    sofia, ulla = one(reach(g), 3), one(reach(g), 6)
    assert ulla.label == "cold" and ulla.reason == "no path within 3 hops"
    assert ulla.probability == pytest.approx(0.08) == cold_probability(S)
    assert ulla.path == () and ulla.member is None
    # 0.2 * 0.2 * p_external(s=0) ≈ 0.009 < 0.088: a warm path, but worse than calling
    assert sofia.label == "cold" and sofia.probability == pytest.approx(0.08)
    assert "does not beat a cold call" in sofia.reason
    assert sofia.by_introducer[0].path == (1, 2, 5, 3)
    # the margin decides: just above the cold call but within the margin is still cold
    g2 = graph_from_lists(
        [*people[:2], people[3]], [(1, 2, 0.0), (2, 3, 0.46)], target_accounts=[NORDVIK]
    )
    p = 0.2 * logistic_last(0.44, 0.46)
    assert 0.08 < p < 0.088
    assert one(reach(g2), 3).label == "cold"
    assert one(reach(g2, Settings(margin=0.0)), 3).label == "external"


def test_hop_limit():
    chain = [person(1, "Lina", **SELLER)] + [person(i, f"P{i}", f"C{i}") for i in (2, 3, 4)]
    chain.append(person(9, "Sofia", NORDVIK, title="CFO"))
    ties = [(1, 2, 1.0), (2, 3, 1.0), (3, 4, 1.0), (4, 9, 1.0)]  # 4 edges
    g = graph_from_lists(chain, ties, target_accounts=[NORDVIK])
    assert one(reach(g), 9).reason == "no path within 3 hops"
    r = one(reach(g, Settings(max_hops=4)), 9)
    assert r.label == "external" and r.hops == 4 and r.path == (1, 2, 3, 4, 9)


def test_hop_bound_prefers_a_weaker_short_path():
    # best overall is 4 edges of strong ties; within 3 edges the weak shortcut must win
    people = [person(1, "Lina", **SELLER)] + [person(i, f"P{i}", f"C{i}") for i in range(2, 6)]
    people.append(person(9, "Sofia", NORDVIK, title="CFO"))
    ties = [(1, 2, 1.0), (2, 3, 1.0), (3, 4, 1.0), (4, 9, 1.0), (1, 5, 0.3), (5, 9, 0.3)]
    g = graph_from_lists(people, ties, target_accounts=[NORDVIK])
    assert one(reach(g, Settings(max_hops=3, margin=0.0)), 9).path == (1, 5, 9)
    assert one(reach(g, Settings(max_hops=4, margin=0.0)), 9).path == (1, 2, 3, 4, 9)


def test_excluded_people_are_never_on_a_path():
    people = [
        person(1, "Lina", **SELLER),
        person(2, "Per", "Other AB"),
        person(4, "Karl", "Third AB"),
        person(3, "Sofia", NORDVIK, title="CFO"),
    ]
    ties = [(1, 2, 1.0), (2, 3, 1.0), (1, 4, 0.2), (4, 3, 0.2)]
    g = graph_from_lists(people, ties, target_accounts=[NORDVIK])
    assert one(reach(g), 3).path == (1, 2, 3)
    g = graph_from_lists(
        people, ties, target_accounts=[NORDVIK], settings=Settings(exclude=("Per",))
    )
    r = one(reach(g), 3)
    assert 2 not in r.path and all(2 not in a.path for a in r.alternatives)
    # an excluded insider cannot pass the request on as a colleague either
    people2 = [people[0], person(5, "Karl", NORDVIK, excluded=True), people[3]]
    g = graph_from_lists(people2, [(1, 5, 1.0)], target_accounts=[NORDVIK])
    assert one(reach(g), 3).reason == "no path within 3 hops"
    with pytest.raises(InputError, match="do-not-contact"):
        best_paths_to(g, None, 5)


def test_members_are_not_introducers_or_intermediaries():
    people = [
        person(1, "Lina", **SELLER),
        person(2, "Max", **SELLER),
        person(3, "Sofia", NORDVIK, title="CFO"),
        person(4, "Per", "Other AB"),
    ]
    # Max knows Sofia well; Lina only reaches her through Per
    ties = [(1, 2, 1.0), (2, 3, 0.9), (1, 4, 0.5), (4, 3, 0.5)]
    g = graph_from_lists(people, ties, target_accounts=[NORDVIK])
    r = one(reach(g), 3)
    assert r.label == "direct" and r.path == (2, 3)
    for route in r.alternatives:
        assert all(not g.is_member[g.index_of(x)] for x in route.path[1:])
    mine = {route.member: route for route in r.by_member}
    assert mine[1].path == (1, 4, 3)  # never Lina → Max → Sofia
    assert mine[2].path == (2, 3)
    only_lina = one(reach(g, members=["lina"]), 3)
    assert only_lina.path == (1, 4, 3) and only_lina.label == "external"
    with pytest.raises(NotFoundError):
        reach(g, members=["Nobody"])


def test_account_without_named_targets_is_reached_through_an_insider():
    people = [
        person(1, "Lina", **SELLER),
        person(4, "Karl", NORDVIK, title="Driver"),
        person(5, "Eva", NORDVIK, title="Driver"),
    ]
    g = graph_from_lists(people, [(1, 4, 0.3), (1, 5, 0.8)], target_accounts=[NORDVIK])
    (r,) = reach(g)
    assert r.target < 0 and r.label == "internal" and r.path == (1, 5, r.target)
    assert r.p_meeting_if_intro == 0.84 and r.probability == pytest.approx(f(0.8) * 0.84)
    assert [a.introducer for a in r.by_introducer] == [5, 4]
    record = reach_record(g, r)
    assert record["target"] == "the buyer at Nordvik Transport AB"
    assert record["path"][-1] == {"name": "the buyer at Nordvik Transport AB", "company": NORDVIK}
    # any account can be asked for, target account or not
    other = best_paths_to(g, None, r.target)
    assert other.probability == r.probability
    assert reach(g, accounts=["nordvik transport"])[0].target == r.target


def test_account_filter_adds_the_buyer_of_a_non_target_account():
    g = graph_from_lists([person(1, "Lina", **SELLER), person(4, "Karl", "Acme AB")], [(1, 4, 0.5)])
    assert reach(g) == []
    (r,) = reach(g, accounts=["Acme"])
    assert r.label == "internal" and r.path[:2] == (1, 4)
    with pytest.raises(NotFoundError):
        reach(g, accounts=["No Such AB"])


def test_top_introducers_alternatives_and_p_any():
    people = [person(1, "Lina", **SELLER), person(9, "Sofia", NORDVIK, title="CFO")]
    people += [person(i, f"P{i}", f"C{i}") for i in range(2, 7)]
    ties = [(1, i, 1.0) for i in range(2, 7)] + [(i, 9, 0.1 * i) for i in range(2, 7)]
    g = graph_from_lists(people, ties, target_accounts=[NORDVIK])
    r = one(reach(g), 9)
    assert [a.introducer for a in r.by_introducer] == [6, 5, 4]
    probs = [a.probability for a in r.alternatives]
    assert probs == sorted(probs, reverse=True)
    assert r.p_any == pytest.approx(1 - math.prod(1 - p for p in probs))
    assert r.p_any > r.probability
    r5 = best_paths_to(g, None, 9, 5)
    assert [a.introducer for a in r5.by_introducer] == [6, 5, 4, 3, 2]


def test_best_paths_to_refuses_a_member_and_unknown_ids():
    g = graph_from_lists([person(1, "Lina", **SELLER)], [])
    with pytest.raises(InputError, match="member of the team"):
        best_paths_to(g, None, 1)
    with pytest.raises(NotFoundError):
        best_paths_to(g, None, 42)


def test_explain_direct_and_cold():
    g = graph_from_lists(
        [
            person(1, "Lina", **SELLER),
            person(3, "Sofia", NORDVIK, title="CFO"),
            person(6, "Ulla", "Lonely AB", target=True),
        ],
        [
            {
                "a": 1,
                "b": 3,
                "msgs_ab": 16,
                "msgs_ba": 15,
                "last_msg": "2026-10-29",
            }
        ],
        target_accounts=[NORDVIK],
        settings=Settings(as_of=__import__("datetime").date(2026, 11, 1)),
    )
    results = reach(g)
    text = explain_path(g, None, one(results, 3)).text
    assert text.startswith("Lina → Sofia (strong: 31 messages both ways, last 3 days ago)")
    assert "— direct:" in text
    cold = explain_path(g, None, one(results, 6))
    assert cold.text == "Ulla: cold call (no path within 3 hops) — 8 % per call"
    assert cold.data["label"] == "cold"


def test_settings_change_the_numbers():
    g = graph_from_lists(
        [
            person(1, "Lina", **SELLER),
            person(3, "Sofia", NORDVIK, title="CFO"),
            person(4, "K", NORDVIK),
        ],
        [(1, 4, 0.5)],
        target_accounts=[NORDVIK],
    )
    custom = Settings(probability=ProbabilitySettings(p_internal=0.7, f_max=0.9))
    r = one(reach(g, custom), 3)
    assert r.p_meeting_if_intro == 0.7
    assert r.probability == pytest.approx((0.2 + 0.7 * 0.5) * 0.7)


# -- brute force ----------------------------------------------------------------------------


def _brute(rg, settings, target_id):
    """Best P per label, per introducer and per member over all simple paths (networkx)."""
    p = settings.probability
    model = to_networkx(rg, colleagues=True, signals=False)
    members = [n for n, d in model.nodes(data=True) if d["member"] and not d["excluded"]]
    t_acc = model.nodes[target_id]["account_id"]
    by_label: dict[str, float] = {}
    by_intro: dict[int, float] = {}
    by_member: dict[int, float] = {}

    def s_eff(a, b):
        e = model.edges[a, b]
        s = e["strength"] if e["observed"] else -1.0
        return max(s, p.s_ref) if e["colleague"] else s

    for m in members:
        if m == target_id:
            continue
        for path in nx.all_simple_paths(model, m, target_id, cutoff=settings.max_hops):
            inner = path[1:-1]
            if any(model.nodes[x]["member"] or model.nodes[x]["excluded"] for x in inner):
                continue
            prob = 1.0
            for a, b in itertools.pairwise(path[:-1]):
                prob *= f(s_eff(a, b), p)
            s_last = s_eff(path[-2], path[-1])
            intro = path[-2]
            if len(path) == 2:
                label, last = "direct", p.p_cold + (p.p_direct_max - p.p_cold) * s_last
            else:
                inside = t_acc is not None and model.nodes[intro]["account_id"] == t_acc
                label = "internal" if inside else "external"
                anchor = p.p_internal if inside else p.p_external
                last = anchor if s_last == p.s_ref else logistic_last(anchor, s_last, p)
            prob *= last
            by_label[label] = max(by_label.get(label, 0.0), prob)
            by_intro[intro] = max(by_intro.get(intro, 0.0), prob)
            by_member[m] = max(by_member.get(m, 0.0), prob)
    return by_label, by_intro, by_member


@st.composite
def networks(draw):
    n = draw(st.integers(2, 8))
    companies = ["A", "B", "C", None]
    people = []
    for pid in range(1, n + 1):
        people.append(
            {
                "id": pid,
                "name": f"p{pid}",
                "company": draw(st.sampled_from(companies)),
                "title": draw(st.sampled_from(["CFO", "Driver", None])),
                "member": pid <= draw(st.integers(1, 2)),
                "target": draw(st.booleans()),
                "excluded": draw(st.integers(0, 9)) == 0,
            }
        )
    pairs = [(a, b) for a in range(1, n + 1) for b in range(a + 1, n + 1)]
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=len(pairs)) if pairs else st.just([]))
    strength = st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.5, 1.0]))
    ties = [(a, b, draw(strength)) for a, b in chosen]
    targets = draw(st.lists(st.sampled_from(["A", "B", "C", "D"]), max_size=3))
    config = Settings(
        max_hops=draw(st.integers(1, 4)), margin=draw(st.sampled_from([0.0, 0.1, 1.0]))
    )
    return people, ties, targets, config


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_reach_equals_brute_force_over_all_simple_paths(net):
    people, ties, target_accounts, config = net
    rg = graph_from_lists(people, ties, target_accounts=target_accounts, settings=config)
    threshold = cold_probability(config) * (1 + config.margin)
    for r in reach(rg, config):
        by_label, by_intro, by_member = _brute(rg, config, r.target)
        best = max(by_label.values(), default=0.0)
        top = r.by_introducer[0].probability if r.by_introducer else 0.0
        assert top == pytest.approx(best, rel=1e-9, abs=1e-15)
        if best < threshold:
            assert r.label == "cold" and r.probability == pytest.approx(cold_probability(config))
        else:
            assert r.probability == pytest.approx(best, rel=1e-9)
            assert by_label[r.label] == pytest.approx(best, rel=1e-9)
            assert r.hops == len(r.path) - 1 <= config.max_hops
        # each introducer's route is a real simple path with the chance brute force gives it
        # (an introducer whose best route runs through the target itself is skipped, so a
        # route may be below that introducer's best simple path, never above it)
        intros = [a.introducer for a in r.by_introducer]
        assert len(set(intros)) == len(intros) <= 3
        probs = [a.probability for a in r.by_introducer]
        assert probs == sorted(probs, reverse=True)
        for route in r.alternatives:
            assert len(set(route.path)) == len(route.path) == route.hops + 1
            assert route.probability == pytest.approx(_path_p(rg, config, route), rel=1e-9)
            assert route.probability <= by_intro[route.introducer] * (1 + 1e-9)
        mine = {a.member: a.probability for a in r.by_member}
        assert mine == pytest.approx(by_member, rel=1e-9)


def _path_p(rg, config, route):
    """P of one given path, recomputed from the networkx model."""
    p = config.probability
    model = to_networkx(rg, colleagues=True, signals=False)
    if route.target not in model:  # an account queried ad hoc
        return float("nan")
    path = route.path
    for x in path[1:-1]:
        assert not model.nodes[x]["member"] and not model.nodes[x]["excluded"]

    def s_eff(a, b):
        e = model.edges[a, b]
        s = e["strength"] if e["observed"] else -1.0
        return max(s, p.s_ref) if e["colleague"] else s

    prob = math.prod(f(s_eff(a, b), p) for a, b in itertools.pairwise(path[:-1]))
    s_last = s_eff(path[-2], path[-1])
    if len(path) == 2:
        return prob * (p.p_cold + (p.p_direct_max - p.p_cold) * s_last)
    t_acc = model.nodes[path[-1]]["account_id"]
    inside = t_acc is not None and model.nodes[path[-2]]["account_id"] == t_acc
    anchor = p.p_internal if inside else p.p_external
    return prob * (anchor if s_last == p.s_ref else logistic_last(anchor, s_last, p))


# -- reference: the array search against networkx -------------------------------------------


# -- the bulk per-member routes against the one-by-one construction ---------------------------


def _old_by_member(rg, config):
    """Each member's best route per target the way it was built before: one Route list per
    member search, then a Python sort by (-P, hops, path)."""
    from graphwarm.engine._scoring import Table, member_sources, route_arrays, score, target_spec
    from graphwarm.engine.reach import _group, _make_routes

    net = search_net(rg, config)
    spec = target_spec(rg, None)
    table = Table(rg, net, config, spec)
    rounds = config.max_hops - 1
    out = [[] for _ in range(table.n_targets)]
    for m in member_sources(rg, None).tolist():
        d1, h1, p1 = search(net, np.array([m]), rounds)
        rows, paths = route_arrays(score(table, d1, h1, 2), p1, spec, 1)
        routes = _group(rows.g, _make_routes(rows, paths, rg.person_id, spec), table.n_targets)
        for g, route in enumerate(routes):
            if route:
                out[g].append(route[0])
    return {
        int(spec.public[g]): tuple(sorted(r, key=lambda x: (-x.probability, x.hops, x.path)))
        for g, r in enumerate(out)
    }


def _random_team(seed):
    """A random team network with many ties in P (few distinct strengths), so the order's
    tie-breaks are exercised."""
    rng = np.random.default_rng(seed)
    n, m = 300, 1200
    companies = [f"C{i}" for i in range(12)] + [None] * 3
    people = [
        {
            "id": i + 1,
            "name": f"p{i}",
            "company": companies[rng.integers(len(companies))],
            "title": "CFO" if rng.random() < 0.1 else "Driver",
            "member": i < 6,
            "target": rng.random() < 0.05,
            "excluded": rng.random() < 0.02,
        }
        for i in range(n)
    ]
    ties = [
        (int(a) + 1, int(b) + 1, float(rng.choice([0.0, 0.25, 0.5, 1.0])))
        for a, b in zip(rng.integers(n, size=m), rng.integers(n, size=m), strict=True)
        if a != b
    ]
    config = Settings(max_hops=int(rng.integers(2, 5)))
    rg = graph_from_lists(people, ties, target_accounts=["C1", "C2", "C3"], settings=config)
    return rg, config


@pytest.mark.parametrize("seed", range(6))
def test_bulk_member_routes_equal_the_one_by_one_routes(seed):
    rg, config = _random_team(seed)
    old = _old_by_member(rg, config)
    results = reach(rg, config)
    assert len(results) == len(old) and sum(len(r.by_member) for r in results) > 0
    for r in results:
        assert r.by_member == old[r.target]


@pytest.mark.parametrize("seed", range(6))
def test_alternatives_list_each_path_once_and_p_any_counts_them(seed):
    rg, config = _random_team(seed)
    for r in reach(rg, config):
        expected = []
        for route in r.by_introducer + r.by_member:
            if all(route.path != seen.path for seen in expected):
                expected.append(route)
        assert r.alternatives == tuple(expected)
        # the CSV's text, made from the arrays, against formatting each route
        assert alternatives_text(rg, r) == "; ".join(
            f"{' → '.join(path_names(rg, a))} ({a.label}, {a.probability:.3f})" for a in expected
        )
        if expected:
            assert r.p_any == pytest.approx(1 - math.prod(1 - a.probability for a in expected))
        else:
            assert r.p_any == cold_probability(config)


def test_member_searches_on_threads_equal_one_thread(monkeypatch):
    rg, config = _random_team(7)
    monkeypatch.setattr(reach_module, "_cpus", lambda: 4)
    threaded = reach(rg, config)
    monkeypatch.setattr(reach_module, "_MAX_THREADS", 1)
    serial = reach(rg, config)
    assert threaded == serial
    assert [r.by_member for r in threaded] == [r.by_member for r in serial]


def _sorted_best_rows(rows, k):
    """The selection as it was written first: two sorts (floats included)."""
    from graphwarm.engine._scoring import rank

    gi = rows.g.astype(np.int64) * (int(rows.i.max(initial=0)) + 1) + rows.i
    order = np.lexsort((rows.hops, -rows.p, gi))
    rows, gi = rows.take(order), gi[order]
    first = np.ones(rows.g.shape[0], dtype=bool)
    first[1:] = gi[1:] != gi[:-1]
    rows = rows.take(np.flatnonzero(first))
    rows = rows.take(np.lexsort((rows.i, rows.hops, -rows.p, rows.g)))
    return rows.take(np.flatnonzero(rank(rows.g) < k))


@pytest.mark.parametrize("seed", range(20))
def test_best_rows_selection_equals_sorting(seed):
    from graphwarm.engine._scoring import Rows, _best_rows

    rng = np.random.default_rng(seed)
    size = int(rng.integers(0, 400))
    g = rng.integers(0, 40, size)
    i = rng.integers(0, 30, size)
    p = rng.choice([0.1, 0.2, 0.3, 0.0], size)  # many ties
    rows = Rows(
        g=g,
        i=i,
        p=p,
        p_intro=rng.random(size),
        p_last=rng.random(size),
        label=rng.integers(0, 3, size).astype(np.int8),
        hops=rng.integers(1, 4, size).astype(np.int16),
    )
    for k in (1, 2, 3, 4):
        got, want = _best_rows(rows, k), _sorted_best_rows(rows, k)
        for f in ("g", "i", "p", "p_intro", "p_last", "label", "hops"):
            assert np.array_equal(getattr(got, f), getattr(want, f)), (k, f)


@given(
    st.lists(st.lists(st.integers(-1, 40), min_size=3, max_size=3), min_size=0, max_size=60).map(
        lambda rows: np.array(rows, dtype=np.int64).reshape(-1, 3)
    ),
    st.sampled_from([0, 2**40]),
)
def test_distinct_rows_groups_equal_rows(rows, shift):
    from graphwarm.engine.explain import _distinct_rows

    rows = np.where(rows >= 0, rows + shift, -1)  # a large shift takes the unpacked way
    first, inverse = _distinct_rows(rows)
    assert (rows[first][inverse] == rows).all()
    if shift == 0 and rows.shape[0]:
        assert first.shape[0] == np.unique(rows, axis=0).shape[0]
