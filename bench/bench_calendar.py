"""The calendar import against an earlier graphwarm, turn about (issue 12: <= 10 s for 20,000
events).

Runs ``graphwarm import calendar`` on bench_mail.py's Google-like calendar of 20,000 events
(written into WORKDIR when missing) in a child process, alternately with this tree's graphwarm
and with an earlier one unpacked by ``git archive REV`` (default ``main``), ROUNDS times each,
so a busy machine slows both alike; prints each run, the medians and their ratio.

Run: ``python bench/bench_calendar.py [--rev main] [--rounds 5] [--events 20000]
[--workdir /tmp/gw-mail-bench]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

from bench_mail import ROOT, run, write_ics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", default="main")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/gw-mail-bench"))
    opts = parser.parse_args()
    opts.workdir.mkdir(parents=True, exist_ok=True)
    ics = opts.workdir / f"calendar-{opts.events}.ics"
    if not ics.exists():
        write_ics(ics, opts.events)
    command = ["import", "calendar", str(ics), "--member", "Lina Ahl"]
    turn_about(command, opts.rev, opts.rounds, opts.workdir / "bench-calendar.db")


def turn_about(command: list[str], rev: str, rounds: int, db: Path) -> None:
    """Runs a graphwarm ``command`` in a child process alternately with this tree's graphwarm
    and with REV's (unpacked by ``git archive``), ROUNDS times each, on a fresh workspace
    ``db``; prints each run, the medians and their ratio."""
    with tempfile.TemporaryDirectory() as earlier:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", rev, "graphwarm"],
            check=True,
            capture_output=True,
        ).stdout
        archive_path = Path(earlier) / "tree.tar"
        archive_path.write_bytes(archive)
        with tarfile.open(archive_path) as tar:
            tar.extractall(earlier, filter="data")
        trees = {rev: earlier, "this tree": str(ROOT)}
        os.chdir(db.parent)  # python -c puts the working folder before PYTHONPATH
        print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · nproc {os.cpu_count()}")
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        for n in range(rounds):
            for name, tree in trees.items():
                os.environ["PYTHONPATH"] = tree  # before the installed graphwarm
                seconds, cpu, rss = run(command, db)
                times[name].append((seconds, cpu))
                print(f"round {n + 1}, {name}: {seconds:.2f} s ({cpu:.2f} s CPU), {rss:.0f} MiB")
        del os.environ["PYTHONPATH"]
    wall = {name: statistics.median(t for t, _ in runs) for name, runs in times.items()}
    cpu = {name: statistics.median(c for _, c in runs) for name, runs in times.items()}
    for name in trees:
        print(f"median {name}: {wall[name]:.2f} s wall, {cpu[name]:.2f} s CPU")
    print(
        f"this tree / {rev}: {wall['this tree'] / wall[rev]:.2f} (wall), "
        f"{cpu['this tree'] / cpu[rev]:.2f} (CPU)"
    )
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
