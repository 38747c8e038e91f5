"""Weekly re-imports with history: import time, workspace size, the first reach after an
import, and ``graphwarm changes``, against a warm reach.

A team of MEMBERS exports (log-normal sizes around PER_MEMBER connections, drawn from a pool of
POOL people) and a list of 5,000 target accounts are imported, then the exports re-imported
WEEKS times with CHURN of each export changed every week: two fifths of it connections dropped,
two fifths new ones, one fifth people who changed jobs (a new company for the same profile URL,
seen so by everyone who knows them).

Targets (issue 11): import time with history <= 1.1x the code before it; size after 10 weekly
re-imports with 5 % churn <= 2x the size after the first import; the first reach after an
import as fast as a warm one; changes <= 3x a warm reach.

After week 1, ``changes`` and a warm reach run ROUNDS times in turn (medians); where the
workspace keeps the state before the import (``past_cache``), so does ``changes`` with that
state dropped (in a transaction rolled back after: the way the code before it worked), and
keeping the state is timed alone (also rolled back).

Run it in this tree and in a worktree of the code before (it leaves out what that code lacks):
    python bench/bench_history.py [--members 50] [--per-member 4000] [--weeks 10]
    PYTHONPATH=/tmp/gw-base python /tmp/gw-base/bench/bench_history.py ...   (or this file)
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench_import import _person, write_export

from graphwarm import Workspace, import_accounts, import_linkedin
from graphwarm.engine.load import load_graph
from graphwarm.engine.reach import reach

try:  # only in the code with history
    from graphwarm.engine.load import warm_cache
    from graphwarm.outputs.changes import changes
except ImportError:
    warm_cache = changes = None  # type: ignore[assignment]


def _contact(i: int, moves: dict[int, int]) -> str:
    """Person ``i``'s row, at a new company for each job change they made."""
    line = _person(i)
    if i not in moves:
        return line
    fields = line.split(",")
    fields[4] = f"Company {(i * 7919 + moves[i]) % 20000} AB"
    return ",".join(fields)


def _write_week(
    folder: Path, team: list[list[int]], moves: dict[int, int], week: int
) -> list[Path]:
    folders = []
    for m, contacts in enumerate(team):
        path = folder / f"week{week}" / f"member{m}"
        write_export(path, f"Member{m} Seller{m}", [])
        with (path / "Connections.csv").open("a", encoding="utf-8") as out:
            out.write("\n".join(_contact(i, moves) for i in contacts))
        folders.append(path)
    return folders


def _churn(
    rng: random.Random, team: list[list[int]], moves: dict[int, int], pool: int, churn: float
) -> None:
    for contacts in team:
        n = max(1, int(len(contacts) * churn / 5))
        for _ in range(2 * n):
            contacts.pop(rng.randrange(len(contacts)))
        known = set(contacts)
        contacts.extend(i for i in rng.sample(range(pool), 4 * n) if i not in known)
        del contacts[len(known) + 2 * n :]
        for i in rng.sample(contacts, n):
            moves[i] = moves.get(i, 0) + 1


def _size(db: Path) -> tuple[int, int, int]:
    """The file's bytes, the bytes its pages in use hold (without the graph cache), and the
    bytes of the kept earlier state among them."""
    with Workspace(db) as ws:
        q = ws.conn.execute
        q("PRAGMA wal_checkpoint(TRUNCATE)")
        cache = q("SELECT coalesce(sum(length(data)), 0) FROM graph_cache").fetchone()[0]
        kept = 0
        if _keeps(ws):
            kept = q("SELECT coalesce(sum(length(data)), 0) FROM past_cache").fetchone()[0]
        used = q("PRAGMA page_count").fetchone()[0] - q("PRAGMA freelist_count").fetchone()[0]
        return db.stat().st_size, used * q("PRAGMA page_size").fetchone()[0] - cache, kept


def _reach_seconds(ws: Workspace) -> float:
    start = time.perf_counter()
    reach(load_graph(ws))
    return time.perf_counter() - start


def _keeps(ws: Workspace) -> bool:
    """Whether the code keeps the state before an import (``past_cache``)."""
    found = "SELECT 1 FROM sqlite_master WHERE name = 'past_cache'"
    return ws.conn.execute(found).fetchone() is not None


def _changes_seconds(ws: Workspace, *, kept: bool = True) -> tuple[float, int]:
    """Seconds for ``changes`` and how many it found; ``kept=False``: without the kept state."""
    if not kept:
        ws.conn.execute("BEGIN")
        ws.conn.execute("DELETE FROM past_cache")
    try:
        start = time.perf_counter()
        found = changes(ws)
        return time.perf_counter() - start, len(found.changes)
    finally:
        if not kept:
            ws.conn.execute("ROLLBACK")


def _keep_seconds(ws: Workspace) -> float:
    """Seconds to keep the current state as the earlier one, as the trigger that an import
    row fires does (rolled back after)."""
    warm_cache(ws)
    ws.conn.execute("BEGIN")
    try:
        start = time.perf_counter()
        ws.conn.execute("DELETE FROM past_cache")
        ws.conn.execute(
            "INSERT INTO past_cache (name, upto, dtype, data)"
            " SELECT name, 0, dtype, data FROM graph_cache"
        )
        return time.perf_counter() - start
    finally:
        ws.conn.execute("ROLLBACK")


def _compare(ws: Workspace, rounds: int) -> None:
    """``changes`` against a warm reach (and without the kept state), in turn; medians."""
    kinds = ["reach", "changes"] + (["without"] if _keeps(ws) else [])
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    counts = set()
    for _ in range(rounds):
        times["reach"].append(_reach_seconds(ws))
        seconds, count = _changes_seconds(ws)
        times["changes"].append(seconds)
        counts.add(count)
        if "without" in times:
            seconds, count = _changes_seconds(ws, kept=False)
            times["without"].append(seconds)
            counts.add(count)
    warm = statistics.median(times["reach"])
    for kind in kinds[1:]:
        got = statistics.median(times[kind])
        label = "changes" if kind == "changes" else "changes without the kept state"
        print(
            f"{label}: median {got:.2f} s ({got / warm:.2f}x a warm reach, median {warm:.2f} s;"
            f" runs {', '.join(f'{t:.2f}' for t in times[kind])}), {sorted(counts)} changes"
        )
    if _keeps(ws):
        kept = statistics.median(_keep_seconds(ws) for _ in range(3))
        print(f"keeping the state (done by the next import): {kept:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--per-member", type=int, default=4_000)
    parser.add_argument("--pool", type=int, default=250_000)
    parser.add_argument("--weeks", type=int, default=10)
    parser.add_argument("--churn", type=float, default=0.05)
    parser.add_argument("--rounds", type=int, default=5, help="changes and reach, in turn")
    args = parser.parse_args()
    rng = random.Random(11)
    team = [
        rng.sample(range(args.pool), max(50, int(rng.lognormvariate(0, 0.5) * args.per_member)))
        for _ in range(args.members)
    ]
    moves: dict[int, int] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        db = tmp / "team.db"
        targets = tmp / "accounts.csv"
        targets.write_text(
            "Company name\n" + "".join(f"Company {k} AB\n" for k in range(0, 20_000, 4)),
            encoding="utf-8",
        )
        imports, warming, sizes = [], [], []
        for week in range(args.weeks + 1):
            if week:
                _churn(rng, team, moves, args.pool, args.churn)
            folders = _write_week(tmp, team, moves, week)
            with Workspace(db) as ws:
                start = time.perf_counter()
                import_linkedin(ws, folders, replace=True)
                imports.append(time.perf_counter() - start)
                if not week:
                    import_accounts(ws, targets)
                if warm_cache is not None:  # as graphwarm import does after the import
                    start = time.perf_counter()
                    warm_cache(ws)
                    warming.append(time.perf_counter() - start)
                if week == 1:
                    first = _reach_seconds(ws)
                    warm = statistics.median(_reach_seconds(ws) for _ in range(3))
                    ties = ws.conn.execute("SELECT count(*) FROM ties").fetchone()[0]
                    print(f"ties after week 1: {ties:,}")
                    print(f"first reach after the import: {first:.2f} s; warm: {warm:.2f} s")
                    if changes is not None:
                        _compare(ws, args.rounds)
            sizes.append(_size(db))
            print(
                f"week {week}: import {imports[-1]:.1f} s"
                + (f" (+ cache {warming[-1]:.1f} s)" if warming else "")
                + f"; file {sizes[-1][0] / 2**20:.0f} MiB, data {sizes[-1][1] / 2**20:.0f} MiB"
                + (f" (kept state {sizes[-1][2] / 2**20:.0f} MiB)" if sizes[-1][2] else "")
            )
        if changes is not None:
            from graphwarm.workspace.history import history

            with Workspace(db) as ws:
                start = time.perf_counter()
                entries = history(ws)
                seconds = time.perf_counter() - start
            print(f"history: {len(entries):,} imports listed in {seconds:.2f} s")
        again = statistics.median(imports[1:])
        print(f"re-import median {again:.1f} s; first import {imports[0]:.1f} s")
        print(
            f"size after {args.weeks} weekly re-imports: file {sizes[-1][0] / sizes[0][0]:.2f}x,"
            f" data {sizes[-1][1] / sizes[0][1]:.2f}x the first import's"
            f" ({(sizes[-1][1] - sizes[-1][2]) / sizes[0][1]:.2f}x without the kept state)"
        )


if __name__ == "__main__":
    main()
