"""Outlook .msg import against an earlier graphwarm, turn about.

Writes a folder of invented ``.msg`` files into WORKDIR (kept for the next run) with the
fixture writer of the tests (``tests/fixtures/mail/make_msg.py``, which needs the test extra's
extract-msg): three in five received (Outlook's stored transport headers), the rest saved from
Sent Items (headers written from the MAPI properties: Exchange senders, 1-4 recipients on To,
Cc and Bcc); each with a subject, a body, 20-60 kB of random bytes as its compressed RTF body
and an attachment, which graphwarm never reads. Then runs ``graphwarm import mail`` on the
folder in a child process, alternately with this tree's graphwarm and with an earlier one
(``git archive REV``, default ``main``), ROUNDS times each (see ``bench_calendar.turn_about``);
then, in this process, REV's ``msg_header_block`` and this tree's turn about on the same files
read into memory (the reader alone, without starting Python and the import), and must give the
same header block for every file.

Run: ``python bench/bench_msg.py [--rev main] [--rounds 5] [--files 2000]
[--workdir /tmp/gw-msg-bench]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench_calendar import turn_about
from bench_mail import ROOT

_FIRST = ["Åsa", "Jörg", "Erik", "Ingrid", "Björn", "Märta", "Sven", "Øystein", "Anneli", "Lars"]
_LAST = ["Lindqvist", "Müller", "Holm", "Åberg", "Sjöström", "Nyström", "Dahl", "Ek", "Berg"]
OWNER = ("Lina Ahl", "lina.ahl@fjordlys.se")


def _module(name: str, path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _person(n: int) -> tuple[str, str]:
    name = f"{_FIRST[n % len(_FIRST)]} {_LAST[n // len(_FIRST) % len(_LAST)]}"
    return name, f"p{n}@company{n % 400}.example"


def write_msgs(folder: Path, files: int) -> None:
    """``files`` .msg files between the owner and 500 correspondents over five years."""
    make = _module("make_msg", ROOT / "tests" / "fixtures" / "mail" / "make_msg.py")
    rng = random.Random(14)
    folder.mkdir(parents=True)
    start = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    for n in range(files):
        when = start + dt.timedelta(minutes=rng.randrange(0, 5 * 365 * 24 * 60))
        stamp = f"{when:%a, %d %b %Y %H:%M:%S} +0000"
        other = _person(rng.randrange(500))
        rtf = (0x1009, make._BINARY, rng.randbytes(rng.randrange(20_000, 60_000)))
        if rng.random() < 0.6:  # received: Outlook's stored headers
            headers = (
                "Microsoft Mail Internet Headers Version 2.0\r\n"
                f"Received: from mx.example by mx.fjordlys.se; {stamp}\r\n"
                f"From: {other[0]} <{other[1]}>\r\n"
                f"To: {OWNER[0]} <{OWNER[1]}>\r\n"
                f"Date: {stamp}\r\n"
                f"Message-ID: <m{n}@company.example>\r\n"
                f"In-Reply-To: <k{n - 1}@fjordlys.se>\r\n"
                "Subject: not read\r\n\r\n"
            )
            props = [*make.sender(other), (0x0E06, make._TIME, when), rtf]
            props.append((0x007D, make._STRING, headers))
            recipients = [(1, OWNER, False)]
        else:  # sent: headers written from the properties
            props = [*make.sender(OWNER, ex=True), (0x0039, make._TIME, when), rtf]
            props.append((0x1035, make._STRING, f"<k{n}@fjordlys.se>"))
            recipients = [(1, other, True)] + [
                (rng.choice([1, 2, 3]), _person(rng.randrange(500)), rng.random() < 0.5)
                for _ in range(rng.randrange(0, 4))
            ]
        (folder / f"{n:05}.msg").write_bytes(make.build(props, recipients))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", default="main")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/gw-msg-bench"))
    opts = parser.parse_args()
    folder = opts.workdir / f"msg-{opts.files}"
    if not folder.exists():
        write_msgs(folder, opts.files)
    command = ["import", "mail", str(folder), "--member", OWNER[0]]
    turn_about(command, opts.rev, opts.rounds, opts.workdir / "bench-msg.db")
    compare_readers(folder, opts.rev, opts.rounds)


def compare_readers(folder: Path, rev: str, rounds: int) -> None:
    """REV's ``msg_header_block`` and this tree's, turn about, on the files in memory."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:graphwarm/sources/_msg.py"],
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.NamedTemporaryFile(suffix=".py") as earlier:
        earlier.write(source)
        earlier.flush()
        readers = {
            rev: _module("earlier_msg", Path(earlier.name)).msg_header_block,
            "this tree": _module(
                "this_msg", ROOT / "graphwarm" / "sources" / "_msg.py"
            ).msg_header_block,
        }
    files = [path.read_bytes() for path in sorted(folder.glob("*.msg"))]
    times: dict[str, list[float]] = {name: [] for name in readers}
    blocks = {}
    for _ in range(rounds):
        for name, reader in readers.items():
            start = time.perf_counter()
            blocks[name] = [reader(data) for data in files]
            times[name].append(time.perf_counter() - start)
    if blocks[rev] != blocks["this tree"]:
        raise SystemExit(f"the header blocks of {rev} and this tree differ")
    median = {name: statistics.median(runs) for name, runs in times.items()}
    for name, runs in times.items():
        print(
            f"msg_header_block, {name}: median {median[name]:.3f} s for {len(files):,} files "
            f"({', '.join(f'{t:.3f}' for t in runs)})"
        )
    print(f"this tree / {rev}: {median['this tree'] / median[rev]:.2f}; the same header blocks")


if __name__ == "__main__":
    main()
