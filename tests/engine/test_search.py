"""The array search against networkx: with enough rounds it is plain shortest paths."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from graphwarm.engine._search import search, search_net
from graphwarm.engine.graph import graph_from_lists, to_networkx
from graphwarm.settings import Settings

S = Settings()


def f(s, p=S.probability):
    return p.f_min + (p.f_max - p.f_min) * s


def test_array_search_matches_networkx_dijkstra():
    rng = np.random.default_rng(7)
    n, m = 400, 1600
    companies = [f"C{i}" for i in range(30)] + [None] * 5
    people = [
        {
            "id": i + 1,
            "name": f"p{i}",
            "company": companies[rng.integers(len(companies))],
            "member": i < 5,
            "excluded": rng.random() < 0.02,
        }
        for i in range(n)
    ]
    ties = [
        (int(a) + 1, int(b) + 1, float(s))
        for a, b, s in zip(
            rng.integers(n, size=m), rng.integers(n, size=m), rng.random(m), strict=True
        )
        if a != b
    ]
    rg = graph_from_lists(people, ties, settings=S)
    net = search_net(rg, S)
    sources = np.flatnonzero(rg.is_member & ~rg.excluded)
    dist, _, _ = search(net, sources, rounds=n)
    # the same graph in networkx: colleague ties pairwise, no arcs into members, no excluded
    model = to_networkx(rg, colleagues=True, signals=False)
    g = nx.DiGraph()
    g.add_nodes_from(x for x, d in model.nodes(data=True) if not d["excluded"] and x > 0)
    for a, b, e in model.edges(data=True):
        if a < 0 or b < 0 or not (g.has_node(a) and g.has_node(b)):
            continue
        s = e["strength"] if e["observed"] else -1.0
        s = max(s, S.probability.s_ref) if e["colleague"] else s
        w = -math.log(f(s))
        for x, y in ((a, b), (b, a)):
            if not model.nodes[y]["member"]:
                g.add_edge(x, y, w=w)
    ref = nx.multi_source_dijkstra_path_length(
        g, {int(rg.person_id[i]) for i in sources}, weight="w"
    )
    ours = {int(rg.person_id[i]): float(d) for i, d in enumerate(dist) if np.isfinite(d)}
    assert ours.keys() == ref.keys()
    for node, d in ref.items():
        assert ours[node] == pytest.approx(d, rel=1e-9, abs=1e-12)
