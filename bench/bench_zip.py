"""Import time of a zip holding many exports: each a small Connections.csv in its own folder.

A user once handed over a zip of 10,000 such folders; graphwarm imports one of them and lists
the rest as not used. That took 8 minutes while every member opened re-read the zip's whole
directory; it should take seconds and grow linearly with the number of entries.

Run: ``python bench/bench_zip.py [entries ...]`` (default: 1000 2000 10000)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphwarm import Workspace, import_linkedin

_CONNECTIONS = (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Åsa,Lindqvist,https://www.linkedin.com/in/asa-lindqvist-{i},,Norrsken AB,CFO,08 Feb 2023\n"
)


def write_zip(path: Path, entries: int) -> None:
    """A zip of *entries* folders, each holding one small Connections.csv."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(entries):
            archive.writestr(f"export{i:05d}/Connections.csv", _CONNECTIONS.format(i=i))


def time_import(tmp: Path, entries: int) -> float:
    """Seconds to import one zip of *entries* exports into a fresh workspace."""
    path = tmp / f"many{entries}.zip"
    write_zip(path, entries)
    with Workspace(tmp / f"many{entries}.db") as ws:
        start = time.perf_counter()
        import_linkedin(ws, [path], member="Bench Seller")
        return time.perf_counter() - start


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("entries", nargs="*", type=int, default=[1000, 2000, 10_000])
    sizes = parser.parse_args(argv[1:]).entries
    with tempfile.TemporaryDirectory() as tmpdir:
        for entries in sizes:
            seconds = time_import(Path(tmpdir), entries)
            each = seconds / entries * 1e3
            print(f"{entries:>6,} entries: {seconds:7.2f} s ({each:.2f} ms each)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
