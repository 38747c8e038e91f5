"""Import speed: one 30,000-row Connections.csv, and 200 members x ~5,000 connections.

Targets (issue 2): 30,000 rows in <= 2 s; 200 exports (~1 M ties) in <= 60 s on 2 cores.
Run:  python bench/bench_import.py [--members 200] [--per-member 5000] [--repeat 3]
      python bench/bench_import.py --big 1000000     (memory on a ~90 MB file)
Prints medians; copy them with the machine and date into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from graphwarm import Workspace, import_linkedin

_FIRST = [
    "Anna",
    "Erik",
    "Lina",
    "Per",
    "Sofia",
    "Johan",
    "Maja",
    "Oskar",
    "Åsa",
    "Jörg",
    "Kari",
    "Ola",
    "Mette",
    "Jens",
    "Aino",
    "Mikko",
]
_LAST = [
    "Ahl",
    "Berg",
    "Holm",
    "Lind",
    "Moberg",
    "Nyberg",
    "Wall",
    "Sandberg",
    "Lindqvist",
    "Müller",
    "Hansen",
    "Virtanen",
]
_PREAMBLE = (
    'Notes:\n"When exporting your connection data, you may notice that some of the email '
    'addresses are missing."\n\n'
)
_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def _person(i: int) -> str:
    rng = random.Random(i)
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    company = f"Company {int(rng.paretovariate(1.2)) % 20000} AB"
    return (
        f"{first},{last},https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{i},,"
        f"{company},Manager,{rng.randint(1, 28):02d} Feb 20{rng.randint(10, 25)}"
    )


def write_export(folder: Path, member: str, contacts: list[int]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    first, last = member.split(" ", 1)
    (folder / "Profile.csv").write_text(
        f"First Name,Last Name,Maiden Name,Headline\n{first},{last},,Seller\n", encoding="utf-8"
    )
    with (folder / "Connections.csv").open("w", encoding="utf-8") as out:
        out.write(_PREAMBLE + _HEADER)
        out.write("\n".join(_person(i) for i in contacts))


def bench_single(tmp: Path, rows: int, repeat: int) -> list[float]:
    folder = tmp / "single"
    write_export(folder, "Solo Seller", list(range(rows)))
    times = []
    for run in range(repeat):
        with Workspace(tmp / f"single{run}.db") as ws:
            start = time.perf_counter()
            import_linkedin(ws, [folder])
            times.append(time.perf_counter() - start)
    return times


def bench_team(tmp: Path, members: int, per_member: int, pool: int) -> tuple[float, int]:
    rng = random.Random(7)
    folders = []
    for m in range(members):
        size = max(50, int(rng.lognormvariate(0, 0.5) * per_member))
        contacts = rng.sample(range(pool), min(size, pool))
        folder = tmp / f"member{m}"
        write_export(folder, f"Member{m} Seller{m}", contacts)
        folders.append(folder)
    with Workspace(tmp / "team.db") as ws:
        start = time.perf_counter()
        import_linkedin(ws, folders)
        seconds = time.perf_counter() - start
        ties = ws.conn.execute("SELECT count(*) FROM signals").fetchone()[0]
    return seconds, ties


def bench_big(tmp: Path, rows: int) -> str:
    """One huge Connections.csv: seconds, and the peak RSS before and after importing it."""
    folder = tmp / "big"
    write_export(folder, "Big Seller", list(range(rows)))
    size = (folder / "Connections.csv").stat().st_size / 2**20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with Workspace(tmp / "big.db") as ws:
        start = time.perf_counter()
        import_linkedin(ws, [folder])
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        f"{size:.0f} MiB Connections.csv, {rows:,} rows: {seconds:.1f} s, "
        f"peak RSS {before:.0f} MiB before -> {peak:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--per-member", type=int, default=5_000)
    parser.add_argument("--pool", type=int, default=400_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--big",
        type=int,
        default=0,
        metavar="ROWS",
        help="only import one Connections.csv of ROWS rows (1000000 is ~90 MB) and report memory",
    )
    args = parser.parse_args()
    if args.big:
        with tempfile.TemporaryDirectory() as tmpdir:
            print(bench_big(Path(tmpdir), args.big))
        return
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        single = bench_single(tmp, args.rows, args.repeat)
        print(
            f"{args.rows:,}-row Connections.csv: median {statistics.median(single):.2f} s "
            f"(runs: {', '.join(f'{t:.2f}' for t in single)})"
        )
        seconds, ties = bench_team(tmp, args.members, args.per_member, args.pool)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"{args.members} exports, {ties:,} ties: {seconds:.1f} s, peak RSS {peak:.0f} MiB"
            f" (read-ahead worker: {worker:.0f} MiB)"
        )


if __name__ == "__main__":
    main()
