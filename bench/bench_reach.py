"""Benchmark the reach engine (issue 3). Prints its figures; run from the repository root:

    python bench/bench_reach.py M                 # reach over every target + search vs networkx
    python bench/bench_reach.py M --workspace     # also end to end from a workspace file
    python bench/bench_reach.py L --skip-networkx

Each timed part that reports peak memory runs in a fresh process, so one part's memory does
not count against another.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import network

from graphwarm.graph import load_graph
from graphwarm.reach import _net, _search, reach
from graphwarm.settings import Settings

SETTINGS = Settings(as_of=network.AS_OF)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _labels(results) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.label] = counts.get(r.label, 0) + 1
    return counts


def part_reach(size: str) -> dict:
    """Generate → graph → reach over every target, in this (fresh) process."""
    t0 = time.perf_counter()
    net = network.generate(size)
    t1 = time.perf_counter()
    rg = network.to_graph(net, SETTINGS)
    t2 = time.perf_counter()
    before = _peak_mb()
    results = reach(rg, SETTINGS, per_member=False)
    t3 = time.perf_counter()
    results = reach(rg, SETTINGS)
    t4 = time.perf_counter()
    return {
        "people": rg.n_people,
        "ties": int(rg.edge_u.shape[0]),
        "members": int(rg.is_member.sum()),
        "targets": len(results),
        "labels": _labels(results),
        "alternatives": sum(len(r.alternatives) for r in results),
        "generate_s": t1 - t0,
        "graph_from_arrays_s": t2 - t1,
        "reach_best_and_top3_s": t3 - t2,
        "reach_with_per_member_s": t4 - t3,
        "peak_rss_before_reach_mb": before,
        "peak_rss_mb": _peak_mb(),
    }


def part_workspace(db: str) -> dict:
    """load_graph from a workspace file, then reach over every target (fresh process)."""
    t0 = time.perf_counter()
    rg = load_graph(db, SETTINGS)
    t1 = time.perf_counter()
    results = reach(rg, SETTINGS)
    t2 = time.perf_counter()
    return {
        "targets": len(results),
        "labels": _labels(results),
        "load_graph_s": t1 - t0,
        "reach_s": t2 - t1,
        "total_s": t2 - t0,
        "peak_rss_mb": _peak_mb(),
    }


def part_search(size: str, skip_networkx: bool) -> dict:
    """The search step side by side: networkx.multi_source_dijkstra vs the array search."""
    net = network.generate(size)
    rg = network.to_graph(net, SETTINGS)
    t0 = time.perf_counter()
    arrays = _net(rg, SETTINGS)
    build_arrays = time.perf_counter() - t0
    sources = np.flatnonzero(rg.is_member & ~rg.excluded)
    ours = []
    for _ in range(3):
        t = time.perf_counter()
        dist, _, _ = _search(arrays, sources, SETTINGS.max_hops)
        ours.append(time.perf_counter() - t)
    out = {
        "array_build_s": build_arrays,
        "array_search_s": statistics.median(ours),
        "array_search_runs_s": ours,
        "reached": int(np.isfinite(dist).sum()),
    }
    if skip_networkx:
        return out
    import networkx as nx

    t0 = time.perf_counter()
    g = nx.DiGraph()
    src = np.repeat(np.arange(arrays.n), np.diff(arrays.arc_ptr))
    g.add_weighted_edges_from(
        zip(src.tolist(), arrays.arc_dst.tolist(), arrays.arc_w.tolist(), strict=True),
        weight="w",
    )
    # the same colleague hubs: insider → hub costs one colleague tie, hub → insider nothing
    hub = arrays.n + np.arange(arrays.n_acc)
    for a in range(arrays.n_acc):
        insiders = arrays.hub_list[arrays.hub_ptr[a] : arrays.hub_ptr[a + 1]].tolist()
        h = int(hub[a])
        g.add_weighted_edges_from(((i, h, arrays.c_col) for i in insiders), weight="w")
        g.add_weighted_edges_from(((h, i, 0.0) for i in insiders if arrays.receiver[i]), weight="w")
    build_nx = time.perf_counter() - t0
    theirs = []
    for _ in range(3):
        t = time.perf_counter()
        nx_dist, _ = nx.multi_source_dijkstra(g, set(sources.tolist()), weight="w")
        theirs.append(time.perf_counter() - t)
    # with enough rounds the array search is plain shortest paths: check it agrees
    full, _, _ = _search(arrays, sources, 64)
    worst = max(abs(full[i] - d) for i, d in nx_dist.items() if i < arrays.n)
    out.update(
        {
            "networkx_build_s": build_nx,
            "networkx_search_s": statistics.median(theirs),
            "networkx_search_runs_s": theirs,
            "speedup": statistics.median(theirs) / statistics.median(ours),
            "max_abs_diff_unbounded_vs_networkx": worst,
        }
    )
    return out


def _child(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("size", nargs="?", default="M", choices=sorted(network.SIZES))
    parser.add_argument("--skip-networkx", action="store_true")
    parser.add_argument("--workspace", action="store_true", help="also run end to end from SQL")
    parser.add_argument("--part", choices=["reach", "search", "workspace"])
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.part == "reach":
        print(json.dumps(part_reach(args.size)))
        return
    if args.part == "search":
        print(json.dumps(part_search(args.size, args.skip_networkx)))
        return
    if args.part == "workspace":
        print(json.dumps(part_workspace(args.db)))
        return

    print(f"== size {args.size}: {network.SIZES[args.size]}")
    medians = {}
    for run in range(3):
        r = _child(args.size, "--part", "reach")
        medians.setdefault("best", []).append(r["reach_best_and_top3_s"])
        medians.setdefault("all", []).append(r["reach_with_per_member_s"])
        medians.setdefault("rss", []).append(r["peak_rss_mb"])
        if run == 0:
            print(json.dumps(r, indent=1))
    print(
        f"reach over every target, median of 3: {statistics.median(medians['best']):.2f} s "
        f"(best + top-3 introducers), {statistics.median(medians['all']):.2f} s (with each "
        f"member's own path); peak RSS {statistics.median(medians['rss']):.0f} MB"
    )
    s = _child(args.size, "--part", "search", *(["--skip-networkx"] if args.skip_networkx else []))
    print(json.dumps(s, indent=1))
    if "speedup" in s:
        print(
            f"search: networkx {s['networkx_search_s']:.2f} s vs arrays "
            f"{s['array_search_s']:.3f} s → {s['speedup']:.0f}× (medians of 3)"
        )
    if args.workspace:
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp) / "bench.db")
            t = time.perf_counter()
            network.write_workspace(network.generate(args.size), db)
            print(f"workspace written in {time.perf_counter() - t:.1f} s")
            runs = [_child("--part", "workspace", "--db", db) for _ in range(3)]
            print(json.dumps(runs[0], indent=1))
            total = statistics.median(r["total_s"] for r in runs)
            rss = statistics.median(r["peak_rss_mb"] for r in runs)
            print(f"end to end from the workspace, median of 3: {total:.2f} s, {rss:.0f} MB")


if __name__ == "__main__":
    main()
