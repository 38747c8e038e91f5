"""Show that graphwarm.sources._csvfile streams: peak memory stays flat on a ~100 MB
Connections.csv.

Writes a LinkedIn-style Connections.csv (preamble, 7 columns, invented Nordic names, some
quoted commas) to a temporary directory, reads it with ``read_table(...).rows()``, and prints
the row count, the seconds taken and the peak RSS before and after reading.

Run: ``python bench/bench_csv_memory.py [size_mb]``
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphwarm.sources._csvfile import Source, read_table

_FIRST = ["Åsa", "Jörg", "Erik", "Ingrid", "Björn", "Märta", "Sven", "Øystein", "Anneli", "Lars"]
_LAST = ["Lindqvist", "Müller", "Holm", "Åberg", "Sjöström", "Nyström", "Dahl", "Ek", "Berg"]
_COMPANIES = ["Norrsken AB", '"Bergwerk, GmbH"', "Fjord AS", "Östra Kajen AB", "", "Tallbo Oy"]
_POSITIONS = ["CFO", "Head of Sales", '"VP, Nordics"', "Säljchef", "", "Engineer"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
_PREAMBLE = 'Notes:\n"When exporting your connection data, you may notice ..."\n\n'


def _peak_rss_mib() -> float:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_connections(path: Path, size_mb: int) -> int:
    """Write about *size_mb* MB of invented connections in batches; return the row count."""
    rng = random.Random(42)
    target = size_mb * 1_000_000
    written = 0
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(_PREAMBLE + _HEADER)
        while written < target:
            batch = []
            for _ in range(10_000):
                first, last = rng.choice(_FIRST), rng.choice(_LAST)
                slug = f"{first}-{last}-{count:x}".lower()
                email = f"{slug}@example.se" if count % 40 == 0 else ""
                date = f"{rng.randint(1, 28):02d} {rng.choice(_MONTHS)} {rng.randint(2015, 2025)}"
                batch.append(
                    f"{first},{last},https://www.linkedin.com/in/{slug},{email},"
                    f"{rng.choice(_COMPANIES)},{rng.choice(_POSITIONS)},{date}\n"
                )
                count += 1
            text = "".join(batch)
            out.write(text)
            written += len(text.encode("utf-8"))
    return count


def main(argv: list[str]) -> int:
    size_mb = int(argv[1]) if len(argv) > 1 else 100
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Connections.csv"
        expected = write_connections(path, size_mb)
        file_mib = path.stat().st_size / (1024 * 1024)
        before = _peak_rss_mib()
        start = time.perf_counter()
        table = read_table(
            Source.from_path(path),
            looks_like_header=lambda f: "First Name" in f and "Connected On" in f,
        )
        count = sum(1 for _ in table.rows())
        seconds = time.perf_counter() - start
        after = _peak_rss_mib()
    print(f"file:            {file_mib:.1f} MiB, {expected} rows written")
    print(
        f"rows read:       {count} (skipped {len(table.skipped)}, header line {table.header_line})"
    )
    print(f"seconds:         {seconds:.2f} ({file_mib / seconds:.1f} MiB/s)")
    print(f"peak RSS before: {before:.1f} MiB")
    print(f"peak RSS after:  {after:.1f} MiB (+{after - before:.1f} MiB while reading)")
    return 0 if count == expected else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
