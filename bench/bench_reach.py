"""Benchmark the reach engine (issue 3). Prints its figures; run from the repository root:

    python bench/bench_reach.py M                 # end to end from a workspace + search vs nx
    python bench/bench_reach.py L --skip-networkx # networkx at L takes minutes per run
    python bench/bench_reach.py M --arrays        # also reach from in-memory arrays
    python bench/bench_reach.py M --baseline ../old  # the CLI side by side with another tree

End to end is what ``graphwarm reach --format csv -o /dev/null`` does on an existing
workspace: open → load_graph → reach over every target → one CSV row per target with every
column. The workspace is written once through SQL into the real schema (``--workdir`` keeps
it for the next run). Measured three ways, each in a fresh process:

- ``cli``: the real command (``python -m graphwarm``), wall clock and peak RSS of that process,
  interpreter start and imports included;
- ``e2e``: the same steps in-process, timed one by one (open+load, reach, CSV rows);
- ``cold``: ``e2e`` right after the graph cache was dropped, as on the first run after an
  import or ``forget`` (load_graph reads the tables and writes the cache).

Medians of ``--runs`` (3). The search step is timed side by side with
``networkx.multi_source_dijkstra`` on the same graph in one process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sqlite3
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

from graphwarm.engine._search import search, search_net
from graphwarm.engine.load import load_graph
from graphwarm.engine.reach import reach
from graphwarm.settings import Settings

SETTINGS = Settings(as_of=network.AS_OF)
ROOT = Path(__file__).resolve().parent.parent


def _env(root: Path = ROOT) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    return env


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


def part_e2e(db: str) -> dict:
    """What ``graphwarm reach --format csv -o /dev/null`` does, step by step (fresh process):
    the command's own functions (``graphwarm.engine.queries``), timed one by one."""
    from graphwarm.engine.queries import ReachResult, reach_csv
    from graphwarm.workspace.store import Workspace

    t0 = time.perf_counter()
    ws = Workspace(db, create=False)
    rg = load_graph(ws)
    t1 = time.perf_counter()
    results = reach(rg, ws.settings)
    t2 = time.perf_counter()
    text = reach_csv(ReachResult(rg, results))
    with open(os.devnull, "w", encoding="utf-8") as out:
        out.write(text)
    t3 = time.perf_counter()
    ws.close()
    return {
        "targets": len(results),
        "labels": _labels(results),
        "alternatives": sum(len(r.alternatives) for r in results),
        "csv_mb": len(text) / 1e6,
        "load_s": t1 - t0,
        "reach_s": t2 - t1,
        "csv_s": t3 - t2,
        "total_s": t3 - t0,
        "peak_rss_mb": _peak_mb(),
    }


def workspace(size: str, folder: Path) -> str:
    """``folder/bench-SIZE.db``, written from the generated network unless it is there."""
    folder.mkdir(parents=True, exist_ok=True)
    db = str(folder / f"bench-{size}.db")
    if not Path(db).exists():
        t = time.perf_counter()
        network.write_workspace(network.generate(size), db + ".part")
        for suffix in ("-wal", "-shm"):
            Path(db + ".part" + suffix).unlink(missing_ok=True)
        os.replace(db + ".part", db)
        print(f"workspace written in {time.perf_counter() - t:.1f} s: {db}")
    return db


def drop_cache(db: str) -> None:
    """Forget the graph cache, as an import or ``forget`` would."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE workspace_meta SET value = value + 1 WHERE key = 'generation'")
    conn.execute("DELETE FROM graph_cache")
    conn.execute("COMMIT")
    conn.close()


def run_cli(
    db: str,
    root: Path = ROOT,
    args: tuple[str, ...] = ("reach", "--format", "csv", "-o", os.devnull),
) -> dict:
    """A graphwarm command in a child process: wall clock and that process's peak RSS.
    ``root``: the source tree whose graphwarm runs (another checkout for a side-by-side)."""
    cmd = [sys.executable, "-m", "graphwarm", "--db", db, *args]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, env=_env(root), stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if status != 0:
        raise SystemExit(f"graphwarm {' '.join(args)} failed with status {status}")
    return {"wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024}


def machine() -> dict:
    mem_kb = 0
    with open("/proc/meminfo", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "mem_total": f"{mem_kb / 1024**2:.1f} GiB",
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sqlite": sqlite3.sqlite_version,
    }


def part_search(size: str, skip_networkx: bool) -> dict:
    """The search step side by side: networkx.multi_source_dijkstra vs the array search."""
    net = network.generate(size)
    rg = network.to_graph(net, SETTINGS)
    t0 = time.perf_counter()
    arrays = search_net(rg, SETTINGS)
    build_arrays = time.perf_counter() - t0
    sources = np.flatnonzero(rg.is_member & ~rg.excluded)
    ours = []
    for _ in range(3):
        t = time.perf_counter()
        dist, _, _ = search(arrays, sources, SETTINGS.max_hops)
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
    full, _, _ = search(arrays, sources, 64)
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
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True, env=_env()
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _med(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("size", nargs="?", default="M", choices=sorted(network.SIZES))
    parser.add_argument("--skip-networkx", action="store_true")
    parser.add_argument("--arrays", action="store_true", help="also reach from in-memory arrays")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", help="keep the workspace here (reused when present)")
    parser.add_argument(
        "--baseline",
        metavar="DIR",
        help="also time the command from this source tree (e.g. a git worktree of an older "
        "commit), alternating runs with this one",
    )
    parser.add_argument("--part", choices=["reach", "search", "e2e"])
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.part == "reach":
        print(json.dumps(part_reach(args.size)))
        return
    if args.part == "search":
        print(json.dumps(part_search(args.size, args.skip_networkx)))
        return
    if args.part == "e2e":
        print(json.dumps(part_e2e(args.db)))
        return

    info = machine()
    print(f"== size {args.size}: {network.SIZES[args.size]}")
    print(
        f"   {info['date']} · nproc {info['nproc']} · memory {info['mem_total']} · "
        f"{info['cpu']} · Python {info['python']} · numpy {info['numpy']} · "
        f"SQLite {info['sqlite']}"
    )
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = workspace(args.size, Path(args.workdir) if args.workdir else Path(tmp))
        cold = []
        for _ in range(args.runs):
            drop_cache(db)
            cold.append(_child("--part", "e2e", "--db", db))
        warm = [_child("--part", "e2e", "--db", db) for _ in range(args.runs)]
        cli, base = [], []
        for _ in range(args.runs):  # alternated, so both see the same spells of a noisy host
            cli.append(run_cli(db))
            if args.baseline:
                base.append(run_cli(db, Path(args.baseline).resolve()))
        first = warm[0]
        print(
            f"targets {first['targets']}, labels {first['labels']}, "
            f"alternatives {first['alternatives']}"
        )
        for name, runs in (("e2e, graph cache current", warm), ("e2e, cache rebuilt", cold)):
            rows.append(
                (
                    name,
                    f"load {_med(runs, 'load_s'):.2f} · reach {_med(runs, 'reach_s'):.2f} · "
                    f"CSV {_med(runs, 'csv_s'):.2f} · total {_med(runs, 'total_s'):.2f} s",
                    f"{_med(runs, 'peak_rss_mb'):.0f} MB",
                )
            )
        rows.append(
            (
                "graphwarm reach --format csv -o /dev/null",
                f"{_med(cli, 'wall_s'):.2f} s wall (process)",
                f"{_med(cli, 'peak_rss_mb'):.0f} MB",
            )
        )
        if base:
            rows.append(
                (
                    f"  the same from {args.baseline}",
                    f"{_med(base, 'wall_s'):.2f} s wall → this tree takes "
                    f"{_med(cli, 'wall_s') / _med(base, 'wall_s'):.2f}× that",
                    f"{_med(base, 'peak_rss_mb'):.0f} MB",
                )
            )
    if args.arrays:
        runs = [_child(args.size, "--part", "reach") for _ in range(args.runs)]
        rows.append(
            (
                "reach from arrays (no DB, no output)",
                f"best+top-3 {_med(runs, 'reach_best_and_top3_s'):.2f} s · with per-member "
                f"{_med(runs, 'reach_with_per_member_s'):.2f} s",
                f"{_med(runs, 'peak_rss_mb'):.0f} MB",
            )
        )
    s = _child(args.size, "--part", "search", *(["--skip-networkx"] if args.skip_networkx else []))
    if "speedup" in s:
        rows.append(
            (
                "search: networkx.multi_source_dijkstra vs arrays",
                f"{s['networkx_search_s']:.2f} s vs {s['array_search_s']:.3f} s → "
                f"{s['speedup']:.0f}×",
                "",
            )
        )
    else:
        rows.append(("search (arrays; networkx skipped)", f"{s['array_search_s']:.3f} s", ""))
    width = max(len(r[0]) for r in rows)
    wide = max(len(r[1]) for r in rows)
    print(f"\n{'step':<{width}}  {'time (median of ' + str(args.runs) + ')':<{wide}}  peak RSS")
    for name, time_text, rss in rows:
        print(f"{name:<{width}}  {time_text:<{wide}}  {rss}")


if __name__ == "__main__":
    main()
