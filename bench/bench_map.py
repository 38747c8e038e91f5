"""Benchmark the network map (issue 4): time to interactive in headless Chromium.

    python bench/bench_map.py            # 1,500-node warm-path map and 10,000-node --everyone map
    python bench/bench_map.py --runs 5

The maps are drawn from a synthetic team network (bench/network.py, size S: 10 members,
20,000 people, ~80,000 ties, 500 target accounts): the warm-path view cut at 1,500 nodes and
the everyone view cut at 10,000. Each page is opened from file:// in a fresh Chromium profile,
offline (tests/browser.py), and timed from navigation start to the network's first drawing
(``afterDrawing``: the map can be clicked from then on). Targets: ≤ 3 s and ≤ 10 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import network  # noqa: E402
from browser import chromium_missing, open_page  # noqa: E402

from graphwarm.engine.reach import reach  # noqa: E402
from graphwarm.outputs.netmap import map_view, render_map  # noqa: E402
from graphwarm.settings import Settings  # noqa: E402

READY = "window.graphwarmMap && window.graphwarmMap.state.ready"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        chromium = subprocess.run(
            ["/usr/bin/chromium", "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        chromium = "chromium not found"
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {chromium}, "
        f"{platform.system()} {platform.release()}"
    )


def time_page(path: Path, runs: int) -> dict[str, float]:
    tti, wall, click = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        with open_page(path, width=1400, height=900) as page:
            page.wait_ready(READY, 120_000)
            wall.append(time.perf_counter() - start)
            tti.append(page.evaluate("window.graphwarmMap.state.readyAt") / 1000)
            key = page.evaluate("Object.keys(window.graphwarmMap.data.targets)[0]")
            t0 = time.perf_counter()
            page.evaluate(
                "key => new Promise(done => { window.graphwarmMap.highlight(key, false);"
                " network.once('afterDrawing', () => done()); network.redraw(); })",
                key,
            )
            click.append(time.perf_counter() - t0)
            problems = {k: v for k, v in page.problems().items() if v}
            if problems:
                raise SystemExit(f"{path.name}: {problems}")
    return {
        "tti": statistics.median(tti),
        "wall": statistics.median(wall),
        "highlight": statistics.median(click),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="S", choices=sorted(network.SIZES))
    args = parser.parse_args()
    reason = chromium_missing()
    if reason:
        raise SystemExit(f"cannot run: {reason}")
    print(f"{dt.date.today()} · {machine()}")
    settings = Settings(as_of=network.AS_OF)
    t0 = time.perf_counter()
    rg = network.to_graph(network.generate(args.size), settings)
    targets = reach(rg, settings)
    print(
        f"network {args.size}: {rg.n_people:,} people, {rg.edge_u.shape[0]:,} ties, "
        f"{len(targets):,} targets (generate + reach {time.perf_counter() - t0:.1f} s)"
    )
    cases = [
        ("warm-path map", False, 1_500, 3.0),
        ("--everyone map", True, 10_000, 10.0),
    ]
    with tempfile.TemporaryDirectory() as folder:
        for name, everyone, max_nodes, goal in cases:
            t1 = time.perf_counter()
            view = map_view(rg, targets, settings=settings, everyone=everyone, max_nodes=max_nodes)
            t2 = time.perf_counter()
            page = render_map(view)
            t3 = time.perf_counter()
            path = Path(folder) / f"{'everyone' if everyone else 'warm'}.html"
            path.write_text(page, encoding="utf-8")
            timing = time_page(path, args.runs)
            verdict = "ok" if timing["tti"] <= goal else "OVER TARGET"
            print(
                f"{name}: {len(view.nodes):,} nodes, {len(view.edges):,} edges, "
                f"{len(page) / 1e6:.1f} MB; Python view {t2 - t1:.2f} s + render {t3 - t2:.2f} s; "
                f"Chromium median of {args.runs}: interactive {timing['tti']:.2f} s "
                f"(open to ready {timing['wall']:.2f} s incl. browser start), "
                f"highlight + redraw {timing['highlight'] * 1000:.0f} ms; "
                f"target ≤ {goal:.0f} s: {verdict}"
            )


if __name__ == "__main__":
    main()
