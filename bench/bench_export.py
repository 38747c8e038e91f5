"""Time ``graphwarm export`` in each format, as a user runs it, on a synthetic team network.

    python bench/bench_export.py L --workdir /tmp/gwbench          # every format, medians of 3
    python bench/bench_export.py L --workdir /tmp/gwbench --runs 1 --only parquet
    python bench/bench_export.py XL --workdir /tmp/gwbench --runs 1 --networkx

Each run is the real ``python -m graphwarm export --everyone`` process (wall clock and peak RSS
of that process, interpreter start included) on the workspace ``bench_reach.py`` writes
(L: 200 members, 1 M people, ~5 M ties), with the graph cache current (the first command
after writing the workspace builds it, and is not counted). Output goes to ``--workdir``
(sizes are printed) and is deleted after each run. ``--networkx`` also times building the
networkx graph of the whole network and writing it with ``networkx.write_graphml`` in a child
process, for comparison (at L that needs more memory than the export's budget).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import network
from bench_reach import ROOT, _env, machine, run_cli, workspace

FORMATS = ("parquet", "neo4j", "graphml", "gexf")


def size_of(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    return path.stat().st_size


def run_networkx(db: str) -> dict:
    """networkx's own GraphML writer over ``graphwarm.to_networkx`` of everyone, in a child."""
    code = (
        "import sys, time, datetime as dt, networkx as nx, graphwarm\n"
        "ws = graphwarm.open(sys.argv[1]); t = time.perf_counter()\n"
        "g = graphwarm.to_networkx(ws)\n"
        "for _, _, d in g.edges(data=True):  # GraphML has no date type: ISO text, as ours\n"
        "    d.update({k: v.isoformat() for k, v in d.items() if isinstance(v, dt.date)})\n"
        "built = time.perf_counter() - t\n"
        "nx.write_graphml(g, sys.argv[2])\n"
        "print(f'networkx: graph built in {built:.1f} s, written in "
        "{time.perf_counter() - t - built:.1f} s', flush=True)\n"
    )
    out = Path(db).with_suffix(".nx.graphml")
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, db, str(out)], env=_env(ROOT))
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    out.unlink(missing_ok=True)
    return {"wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024, "status": status}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("size", nargs="?", default="L", choices=sorted(network.SIZES))
    parser.add_argument("--workdir", required=True, help="workspace and output go here")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=FORMATS, action="append")
    parser.add_argument("--networkx", action="store_true")
    parser.add_argument(
        "--reach", action="store_true", help="also time reach --format csv (cache current)"
    )
    args = parser.parse_args()
    info = machine()
    print(f"== size {args.size}: {network.SIZES[args.size]}")
    print(f"   {info['date']} · {info['cpu']} · nproc {info['nproc']} · {info['mem_total']}")
    print(f"   Python {info['python']} · SQLite {info['sqlite']}")
    folder = Path(args.workdir)
    db = workspace(args.size, folder)
    first = run_cli(db)  # builds the graph cache
    print(f"workspace file: {Path(db).stat().st_size / 1e6:,.0f} MB")
    print(
        f"first reach after writing (graph cache built): {first['wall_s']:.1f} s, "
        f"{first['peak_rss_mb']:.0f} MB"
    )
    if args.reach:
        again = run_cli(db)
        print(
            f"reach --format csv, cache current: {again['wall_s']:.1f} s, "
            f"{again['peak_rss_mb']:.0f} MB"
        )
    print("| format | wall (median) | runs | peak RSS (max) | output |")
    print("|---|---|---|---|---|")
    for fmt in args.only or FORMATS:
        out = folder / (f"export.{fmt}" if fmt in ("graphml", "gexf") else f"export-{fmt}")
        runs, size = [], 0
        for _ in range(args.runs):
            runs.append(run_cli(db, args=("export", "--format", fmt, "--everyone", "-o", str(out))))
            size = size_of(out)
            shutil.rmtree(out) if out.is_dir() else out.unlink()
        wall = statistics.median(r["wall_s"] for r in runs)
        rss = max(r["peak_rss_mb"] for r in runs)
        each = ", ".join(f"{r['wall_s']:.1f}" for r in runs)
        print(
            f"| {fmt} | {wall:.1f} s | {each} | {rss:,.0f} MB | {size / 1e6:,.0f} MB |", flush=True
        )
    if args.networkx:
        r = run_networkx(db)
        print(
            f"networkx graph + write_graphml: {r['wall_s']:.1f} s, {r['peak_rss_mb']:,.0f} MB"
            f" (exit status {r['status']})"
        )


if __name__ == "__main__":
    main()
