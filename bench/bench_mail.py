"""Mail and calendar import speed and memory (issue 12).

Targets: a 2 GB mbox of 200,000 messages imports in <= 90 s with peak memory <= 300 MB (it is
streamed: only one message's headers are held at a time); a calendar of 20,000 events in
<= 10 s. Writes an invented Takeout-like mbox (headers as Gmail writes them, bodies of base64
"attachments" so the file has real size) and a Google-like .ics into WORKDIR (kept for the
next run), then runs ``graphwarm import mail`` / ``import calendar`` in a child process on a
fresh workspace and reports its wall time and peak RSS.

Run: ``python bench/bench_mail.py [--workdir /tmp/gw-mail-bench] [--messages 200000]
[--size-gb 2] [--events 20000]``. Prints one line per import; copy them with the machine and
date into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWNER = "Lina Ahl <lina.ahl@fjordlys.se>"
_FIRST = ["Åsa", "Jörg", "Erik", "Ingrid", "Björn", "Märta", "Sven", "Øystein", "Anneli", "Lars"]
_LAST = ["Lindqvist", "Müller", "Holm", "Åberg", "Sjöström", "Nyström", "Dahl", "Ek", "Berg"]


def _person(n: int) -> str:
    name = f"{_FIRST[n % len(_FIRST)]} {_LAST[n // len(_FIRST) % len(_LAST)]} {n}"
    address = f"p{n}@company{n % 400}.example"
    if n % 7 == 0:  # some names RFC 2047-encoded, as Gmail writes non-ASCII names
        return f"=?utf-8?b?{base64.b64encode(name.encode()).decode()}?= <{address}>"
    return f"{name} <{address}>"


def write_mbox(path: Path, messages: int, size: int) -> None:
    """About ``size`` bytes of ``messages`` messages: 2,000 correspondents, a sixth list mail,
    replies, Sent labels; bodies are base64 lines."""
    rng = random.Random(12)
    body_line = base64.b64encode(bytes(range(57))).decode() + "\n"
    per_message = size // messages
    start = datetime(2022, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        for n in range(messages):
            when = start + timedelta(minutes=rng.randrange(0, 5 * 365 * 24 * 60))
            other = _person(rng.randrange(2000))
            sent = rng.random() < 0.35
            lines = [
                f"From {1800000000000000000 + n}@xxx {when:%a %b %d %H:%M:%S} +0000 {when:%Y}",
                f"X-GM-THRID: {1700000000000000000 + n // 3}",
                f"X-Gmail-Labels: {'Sent' if sent else rng.choice(['Inbox', 'Inbox,Important'])}",
                "Delivered-To: lina.ahl@fjordlys.se",
                f"Received: by 2002:a05:6a10:{n:x} with SMTP id x;        {when:%a, %d %b %Y}",
                "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example; s=x; "
                "h=from:to:subject; bh=" + "a" * 44 + "; b=" + "b" * 300,
                f"From: {OWNER if sent else other}",
                f"To: {other if sent else OWNER}",
                f"Date: {when:%a, %d %b %Y %H:%M:%S} +0100",
                f"Message-ID: <{n}.{when:%Y%m%d}@mail.example>",
            ]
            if n % 3:
                lines.append(f"In-Reply-To: <{n - 1}.{when:%Y%m%d}@mail.example>")
            if n % 6 == 0:
                lines.append("List-Id: <news.lists.example>")
            lines += [
                "Subject: not read",
                'Content-Type: multipart/mixed; boundary="b1"',
                "",
            ]
            head = "\n".join(lines) + "\n"
            body = body_line * max(1, (per_message - len(head)) // len(body_line))
            out.write(head + body + "\n")


def write_ics(path: Path, events: int) -> None:
    """``events`` events over five years in Google's shape (its properties, attendee
    parameters and alarms), 1-12 attendees, one in a hundred a weekly series."""
    rng = random.Random(13)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "X-WR-CALNAME:lina.ahl@fjordlys.se",
        "X-WR-TIMEZONE:Europe/Stockholm",
    ]
    start = datetime(2022, 1, 1, 9)
    for n in range(events):
        when = start + timedelta(hours=rng.randrange(0, 5 * 365 * 24))
        lines += [
            "BEGIN:VEVENT",
            f"UID:e{n}@google.com",
            f"DTSTART;TZID=Europe/Stockholm:{when:%Y%m%dT%H%M%S}",
            f"DTEND;TZID=Europe/Stockholm:{when + timedelta(hours=1):%Y%m%dT%H%M%S}",
            f"DTSTAMP:{when:%Y%m%dT%H%M%S}Z",
            "ORGANIZER;CN=Lina Ahl:mailto:lina.ahl@fjordlys.se",
            f"CREATED:{when:%Y%m%dT%H%M%S}Z",
            "DESCRIPTION:" + "x" * 300,
            f"LAST-MODIFIED:{when:%Y%m%dT%H%M%S}Z",
            "LOCATION:",
            "SEQUENCE:0",
            "STATUS:CONFIRMED",
            "SUMMARY:not read",
            "TRANSP:OPAQUE",
        ]
        for _ in range(rng.choice([1, 1, 2, 3, 5, 12])):
            p = rng.randrange(3000)
            lines.append(
                "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE;"
                f"CN=Person {p};X-NUM-GUESTS=0:mailto:p{p}@c{p % 300}.example"
            )
        if n % 100 == 0:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=50")
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "DESCRIPTION:This is an event reminder",
            "TRIGGER:-P0DT0H10M0S",
            "END:VALARM",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def run(args: list[str], db: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system: less at the mercy of the other jobs on a
    shared machine) and peak RSS (MiB) of one graphwarm command in a child process, on a
    fresh workspace measured at 2026-11-01."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    (db.parent / "graphwarm.toml").write_text('as_of = "2026-11-01"\n')
    code = "import sys; from graphwarm.cli import main; main(sys.argv[1:])"
    command = [sys.executable, "-c", code, "--db", str(db), *args]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: run the command and report its own peak memory
        os.execv(sys.executable, command)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(args)}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/gw-mail-bench"))
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--size-gb", type=float, default=2.0)
    parser.add_argument("--events", type=int, default=20_000)
    opts = parser.parse_args()
    opts.workdir.mkdir(parents=True, exist_ok=True)
    mbox = opts.workdir / f"mail-{opts.messages}-{opts.size_gb:g}GB.mbox"
    ics = opts.workdir / f"calendar-{opts.events}.ics"
    if not mbox.exists():
        write_mbox(mbox, opts.messages, int(opts.size_gb * 1e9))
    if not ics.exists():
        write_ics(ics, opts.events)
    db = opts.workdir / "bench.db"
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · nproc {os.cpu_count()}")
    seconds, cpu, rss = run(["import", "mail", str(mbox), "--member", "Lina Ahl"], db)
    size = mbox.stat().st_size / 1e9
    print(
        f"import mail: {opts.messages:,} messages, {size:.2f} GB: {seconds:.1f} s "
        f"({cpu:.1f} s CPU), peak RSS {rss:.0f} MiB (targets: 90 s, 300 MB)"
    )
    seconds, cpu, rss = run(["import", "calendar", str(ics), "--member", "Lina Ahl"], db)
    print(
        f"import calendar: {opts.events:,} events: {seconds:.1f} s ({cpu:.1f} s CPU), "
        f"peak RSS {rss:.0f} MiB (target: 10 s)"
    )
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
