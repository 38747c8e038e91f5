"""Time each command that reads a workspace, as a user runs it, on a synthetic team network.

    python bench/bench_commands.py M --workdir /tmp/gwreach/bench
    python bench/bench_commands.py M --workdir /tmp/gwreach/bench --baseline ../old-checkout
    python bench/bench_commands.py L --workdir /tmp/gwreach/bench --only json

Every command is the real ``python -m graphwarm`` process (wall clock and peak RSS, interpreter
start included) on the workspace ``bench_reach.py`` writes (M: 50 members, 250,000 people,
5,000 target accounts, 9,802 targets). Output goes to a temporary folder (``/dev/null`` for the
CSV and JSON). With ``--baseline DIR`` each command also runs from that source tree, right
after this tree's run, and the ratio is printed; it runs on its own copy of the workspace,
made before this tree opens it (a schema step of this tree would lock an older one out, so
the workspace in ``--workdir`` must not have been opened by this tree yet). Medians of
``--runs`` (1: ``plan --all`` alone takes half a minute).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import network
from bench_reach import machine, run_cli, workspace


def commands(db: str, out: Path) -> dict[str, tuple[str, ...]]:
    """What a user runs, by the name the results table shows."""
    conn = sqlite3.connect(db)
    (account,) = conn.execute("SELECT name FROM accounts ORDER BY id LIMIT 1").fetchone()
    conn.close()
    return {
        "reach (table)": ("reach", "-o", str(out / "reach.txt")),
        "reach --format csv": ("reach", "--format", "csv", "-o", os.devnull),
        "reach --format json": ("reach", "--format", "json", "-o", os.devnull),
        f'path "{account}"': ("path", account),
        "forecast": ("forecast", "-o", str(out / "forecast.txt")),
        "plan --all": ("plan", "--all", "-o", str(out / "plans")),
        "map": ("map", "-o", str(out / "map.html")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("size", nargs="?", default="M", choices=sorted(network.SIZES))
    parser.add_argument("--workdir", help="keep the workspace here (reused when present)")
    parser.add_argument("--baseline", metavar="DIR", help="also run each command from this tree")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", metavar="TEXT", help="only the commands whose name has TEXT")
    args = parser.parse_args()
    info = machine()
    print(f"== size {args.size}: {network.SIZES[args.size]}")
    print(f"   {info['date']} · nproc {info['nproc']} · memory {info['mem_total']}")
    with tempfile.TemporaryDirectory() as tmp:
        db = workspace(args.size, Path(args.workdir) if args.workdir else Path(tmp))
        base_db = str(Path(tmp) / "baseline.db")
        if args.baseline:
            shutil.copy(db, base_db)
            run_cli(base_db, Path(args.baseline).resolve())
        run_cli(db)  # the first run after writing the workspace builds the graph cache
        rows = []
        for name, cmd in commands(db, Path(tmp)).items():
            if args.only and args.only not in name:
                continue
            ours, base = [], []
            for _ in range(args.runs):
                ours.append(run_cli(db, args=cmd))
                if args.baseline:
                    base.append(run_cli(base_db, Path(args.baseline).resolve(), cmd))
            wall = statistics.median(r["wall_s"] for r in ours)
            rss = max(r["peak_rss_mb"] for r in ours)
            row = [name, f"{wall:.1f} s", f"{rss:.0f} MB"]
            if base:
                then = statistics.median(r["wall_s"] for r in base)
                row += [f"{then:.1f} s", f"{wall / then:.2f}×"]
            rows.append(row)
            print("  ", " · ".join(row), flush=True)
    header = ["command", "wall", "peak RSS"] + (["baseline", "ratio"] if args.baseline else [])
    print("\n| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
