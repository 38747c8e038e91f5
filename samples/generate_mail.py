"""Generate the invented mail and calendar samples in ``graphwarm/samples/mail`` and
``graphwarm/samples/calendar``.

Every person, company and address here is invented, and belongs to the sample team's story
(``generate.py``): Lina Ahl writes and meets Per Moberg at Nordvik Transport, Maja Holm writes
with Kaisa Savolainen at Havborg Transport, Oskar Nyberg meets Björn Söderberg at Silvernäs
Media. Around them, what a real mailbox and calendar hold and graphwarm skips: newsletters,
no-reply mail, spam, a crowd, all-day and declined events.

Run ``python samples/generate_mail.py`` from the repository root. Standard library only; a
fixed seed makes every run byte-identical. Only headers are written (bodies are one line):
graphwarm never reads more.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

SEED = 20261101
AS_OF = datetime(2026, 11, 1)
OUT = Path(__file__).resolve().parent.parent / "graphwarm" / "samples"

LINA = ("Lina Ahl", "lina.ahl@fjordlys.se")
MAJA = ("Maja Holm", "maja.holm@fjordlys.se")
OSKAR = ("Oskar Nyberg", "oskar.nyberg@fjordlys.se")
PER = ("Per Moberg", "per.moberg@nordviktransport.se")
KAISA = ("Kaisa Savolainen", "kaisa.savolainen@havborgtransport.dk")
BJORN = ("Björn Söderberg", "bjorn.soderberg@silvernasmedia.se")


def who(person: tuple[str, str]) -> str:
    name, address = person
    if name.isascii():
        return f"{name} <{address}>"
    encoded = "".join(
        c if c.isascii() and c.isalnum() else "".join(f"={b:02X}" for b in c.encode())
        for c in name.replace(" ", "_")
    ).replace("=5F", "_")
    return f"=?utf-8?q?{encoded}?= <{address}>"


class Mailbox:
    """An mbox in Google Takeout's shape: From_ lines, X-GM-THRID, X-Gmail-Labels."""

    def __init__(self, owner: tuple[str, str]) -> None:
        self.owner = owner
        self.parts: list[str] = []
        self.count = 0

    def add(
        self,
        sender: tuple[str, str],
        to: list[tuple[str, str]],
        when: datetime,
        labels: str,
        *extra: str,
        reply_to: str | None = None,
    ) -> str:
        self.count += 1
        msgid = f"<{self.count:04d}.{when:%Y%m%d%H%M}@{sender[1].split('@')[1]}>"
        lines = [
            f"From {1800000000000000000 + self.count}@xxx {when:%a %b %d %H:%M:%S} +0000 {when:%Y}",
            f"X-GM-THRID: {1700000000000000000 + self.count}",
            f"X-Gmail-Labels: {labels}",
            f"From: {who(sender)}",
            f"To: {', '.join(who(p) for p in to)}",
            f"Date: {when:%a, %d %b %Y %H:%M:%S} +0100",
            f"Message-ID: {msgid}",
            *([f"In-Reply-To: {reply_to}", f"References: {reply_to}"] if reply_to else []),
            *extra,
            "Subject: (not read by graphwarm)",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "(the body is never read)",
            "",
        ]
        self.parts.append("\n".join(lines) + "\n")
        return msgid

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes("".join(self.parts).encode("utf-8"))


def conversation(
    box: Mailbox,
    other: tuple[str, str],
    rng: random.Random,
    mine: int,
    theirs: int,
    first: datetime,
    last: datetime,
) -> None:
    """``mine`` messages from the owner and ``theirs`` answers, spread from first to last."""
    total = mine + theirs
    step = (last - first) / max(1, total - 1)
    previous = None
    for n in range(total):
        when = first + step * n + timedelta(minutes=rng.randrange(0, 600))
        when = min(when, last)
        if (n % 2 == 0 and mine > 0) or theirs == 0:
            previous = box.add(box.owner, [other], when, "Sent", reply_to=previous)
            mine -= 1
        else:
            labels = rng.choice(["Inbox,Important", "Inbox", "Important,Opened"])
            previous = box.add(other, [box.owner], when, labels, reply_to=previous)
            theirs -= 1


def noise(box: Mailbox, rng: random.Random) -> None:
    """What every mailbox holds and graphwarm skips."""
    for n in range(6):
        when = AS_OF - timedelta(days=rng.randrange(1, 300))
        box.add(
            ("Logistikforum", "forum@lists.logistikforum.example"),
            [box.owner],
            when,
            "Inbox,Category Forums",
            "List-Id: Logistikforum <forum.lists.logistikforum.example>",
        )
        box.add(
            ("Kontorsbutiken", "nyheter@kontorsbutiken.example"),
            [box.owner],
            when + timedelta(hours=3),
            "Inbox,Category Promotions",
            "List-Unsubscribe: <mailto:unsubscribe@kontorsbutiken.example>",
            "Precedence: bulk",
        )
        box.add(
            ("Resebyrån", "no-reply@resebyran.example"),
            [box.owner],
            when + timedelta(hours=5),
            "Inbox,Category Updates",
        )
        if n % 2 == 0:
            box.add(
                ("Vinnare", "prize@lottery.example"), [box.owner], when, "Spam,Category Updates"
            )
    crowd = [(f"Kollega {i}", f"kollega{i}@fjordlys.se") for i in range(1, 15)]
    box.add(box.owner, crowd, AS_OF - timedelta(days=20), "Sent")


def mailboxes() -> None:
    rng = random.Random(SEED)
    lina = Mailbox(LINA)
    conversation(lina, PER, rng, 12, 11, datetime(2026, 3, 2, 9), datetime(2026, 10, 16, 15))
    noise(lina, rng)
    lina.write(OUT / "mail" / "lina_ahl.mbox")
    maja = Mailbox(MAJA)
    conversation(maja, KAISA, rng, 8, 7, datetime(2026, 5, 4, 9), datetime(2026, 10, 27, 11))
    noise(maja, rng)
    maja.write(OUT / "mail" / "maja_holm.mbox")


def attendee(person: tuple[str, str], status: str = "ACCEPTED") -> str:
    return f"ATTENDEE;CN={person[0]};PARTSTAT={status}:mailto:{person[1]}"


def ics_event(uid: str, start: datetime, organizer: tuple[str, str], *lines: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}@fjordlys.se",
        f"DTSTART;TZID=Europe/Stockholm:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID=Europe/Stockholm:{start + timedelta(hours=1):%Y%m%dT%H%M%S}",
        "SUMMARY:(not read by graphwarm)",
        f"ORGANIZER;CN={organizer[0]}:mailto:{organizer[1]}",
        attendee(organizer),
        *lines,
        "END:VEVENT",
    ]


def calendar(owner: tuple[str, str], events: list[list[str]]) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{owner[1]}",
        "X-WR-TIMEZONE:Europe/Stockholm",
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Stockholm",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "TZNAME:CEST",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "TZNAME:CET",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    for event in events:
        lines += event
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def calendars() -> None:
    team = [
        attendee(MAJA),
        attendee(OSKAR),
        attendee(("Erik Sandberg", "erik.sandberg@fjordlys.se")),
    ]
    lina = [
        ics_event(f"lina-per-{n}", day, LINA, attendee(PER))
        for n, day in enumerate(
            [
                datetime(2026, 4, 14, 10),
                datetime(2026, 6, 9, 13),
                datetime(2026, 9, 1, 9),
                datetime(2026, 10, 18, 10),
            ]
        )
    ]
    lina.append(  # the team's weekly meeting: a series, expanded up to as_of
        ics_event("team-weekly", datetime(2026, 8, 3, 9), LINA, *team, "RRULE:FREQ=WEEKLY;BYDAY=MO")
    )
    lina.append(
        [
            "BEGIN:VEVENT",
            "UID:holiday@fjordlys.se",
            "DTSTART;VALUE=DATE:20260619",
            "SUMMARY:(not read by graphwarm)",
            "END:VEVENT",
        ]
    )
    lina.append(ics_event("declined", datetime(2026, 10, 21, 15), PER, attendee(LINA, "DECLINED")))
    lina.append(ics_event("future", datetime(2026, 11, 12, 10), LINA, attendee(PER)))
    (OUT / "calendar").mkdir(parents=True, exist_ok=True)
    (OUT / "calendar" / "lina_ahl.ics").write_bytes(calendar(LINA, lina))
    oskar = [
        ics_event(f"oskar-bjorn-{n}", datetime(2026, 5 + n, 12, 14), OSKAR, attendee(BJORN))
        for n in range(5)
    ]
    oskar.append(ics_event("oskar-alone", datetime(2026, 10, 2, 8), OSKAR))
    (OUT / "calendar" / "oskar_nyberg.ics").write_bytes(calendar(OSKAR, oskar))


if __name__ == "__main__":
    mailboxes()
    calendars()
