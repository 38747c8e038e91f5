"""Reading a CRM's activity export: the e-mails, meetings and calls its users logged.

A HubSpot export of e-mails, meetings or calls (or any CSV like it): one activity per row,
with its owner (the member who wrote, met or called: ``Lina Ahl``, ``lina@nordvik.se`` or
``Lina Ahl (lina@nordvik.se)``), its contacts (the same forms, several separated by ``;``),
its type, its date (any form :class:`~graphwarm.sources._dates.DateColumn` reads, or Unix
milliseconds as API exports write ``hs_timestamp``) and, for an e-mail, its direction. Only
these are read: never a subject, body or note.

An e-mail counts as one e-mail in its direction (none given: outgoing, as logged e-mails
mostly are, and the report says so); a meeting counts as a meeting, and so does a call that
got through: both are a live conversation, both ways. A call that did not (no answer, busy,
voicemail, wrong number), a meeting that did not take place, an activity after ``as_of``
(scheduled, not yet held) and an activity of another type (a note, a task) are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .._words import counted
from ..errors import InputError
from ..identity import email_key
from ._csvfile import Table
from ._dates import DateColumn
from ._headers import norm_header
from ._synonyms import ACTIVITY_FIELDS
from .crm import TableReader, _Pick
from .records import InteractionRecord, PersonRecord, column_label

__all__ = ["ACTIVITY_TYPES", "ActivitiesReader", "Activity", "parse_party"]

ACTIVITY_TYPES = ("email", "meeting", "call")
"""What ``--type`` may say every row of a file is (for an export of one kind without a type
column)."""

# Each written type (in its normal form, see norm_header) → (type, incoming e-mail?).
_TYPES: dict[str, tuple[str, bool | None]] = {
    **{w: ("email", None) for w in ("email", "emails", "loggedemail", "emailsent", "sentemail")},
    **{w: ("email", True) for w in ("incomingemail", "emailreceived", "receivedemail")},
    **{w: ("email", False) for w in ("forwardedemail", "outgoingemail")},
    **{w: ("meeting", None) for w in ("meeting", "meetings", "event", "events")},
    **{w: ("call", None) for w in ("call", "calls", "phonecall")},
}
_INCOMING = frozenset(("incoming", "incomingemail", "inbound", "received", "in"))
_OUTGOING = frozenset(
    ("outgoing", "outgoingemail", "outbound", "sent", "out", "email", "forwardedemail")
)
_NOT_CONNECTED = frozenset(("noanswer", "busy", "leftvoicemail", "leftlivemessage", "wrongnumber"))
_NOT_HELD = frozenset(("canceled", "cancelled", "noshow", "rescheduled"))
_MILLISECONDS = re.compile(r"\d{11,13}")
_ADDRESS_IN = re.compile(r"^(?P<name>.*?)\s*[(<](?P<email>[^()<>]*@[^()<>]*)[)>]\s*$")


def parse_party(text: str) -> PersonRecord | None:
    """An owner or contact as CRMs write one: ``'Per Moberg (per@example.com)'``,
    ``'Per Moberg <per@example.com>'``, an address or a name; ``None`` for empty text."""
    text = " ".join(text.split())
    if not text:
        return None
    if m := _ADDRESS_IN.match(text):
        email = email_key(m["email"])
        if email:
            return PersonRecord(name=m["name"].strip(' "') or None, email=email)
    if email := email_key(text):
        return PersonRecord(email=email)
    return PersonRecord(name=text)


@dataclass(slots=True)
class Activity:
    """One logged activity: its owner, contacts, type, day and (e-mails) direction. The
    activities of one row (its ``file`` and ``line``) are one event that several users
    attended, its owner's first."""

    line: int
    owner: PersonRecord
    contacts: list[PersonRecord]
    type: str
    day: str
    incoming: bool
    file: str = ""
    """The file of the row, where the activities come from several (``Task.csv``)."""
    invited: bool = False
    """Whether ``owner`` is a user invited to the event rather than its owner: the same
    row (``file`` and ``line``) again, with the attendees who are contacts or leads."""

    def records(self) -> Iterator[InteractionRecord]:
        """One record per contact, as the owner's mailbox or calendar would give it."""
        day = self.day
        for contact in self.contacts:
            if self.type == "email":
                yield InteractionRecord(
                    b=contact,
                    mails_ab=int(not self.incoming),
                    mails_ba=int(self.incoming),
                    first_mail=day,
                    last_mail=day,
                )
            else:
                yield InteractionRecord(b=contact, meetings=1, first_meeting=day, last_meeting=day)


class ActivitiesReader(TableReader):
    """A CRM activity export; iterate for :class:`Activity` rows up to ``as_of``.

    ``activity_type`` says what every row is when the file has no type column (HubSpot exports
    e-mails, meetings and calls as separate files). Rows that are not a relationship are
    skipped with their reason (:attr:`skipped`).
    """

    fields = ACTIVITY_FIELDS
    what = "activity"

    def __init__(
        self,
        path: str | Path,
        *,
        as_of: dt.date,
        columns: dict[str, str] | None = None,
        activity_type: str | None = None,
    ) -> None:
        if activity_type is not None and activity_type not in ACTIVITY_TYPES:
            raise InputError(
                f"--type {activity_type}: not a type of activity",
                hint=f"one of {', '.join(ACTIVITY_TYPES)}",
            )
        self.type = activity_type
        super().__init__(path, columns=columns)
        self.as_of = as_of.isoformat()
        self.no_direction = 0  # e-mails read as outgoing for want of a direction
        self.skip_counts: Counter[str] = Counter()  # none: this file's skips are by line

    def _check(self, picks: dict[str, _Pick], table: Table) -> None:
        if not {"owner", "date"} & picks.keys():
            raise InputError(
                f"is not an activity export: no owner and no date column (found:"
                f" {', '.join(table.header)})",
                file=self.name,
                line=table.header_line,
                hint="export the logged e-mails, meetings or calls from the CRM, or name the"
                " columns with --column owner=HEADER --column date=HEADER",
            )
        for field, example in (("owner", '"owner=Activity assigned to"'), ("contact", None)):
            if field not in picks:
                raise self._missing(table, field, example or '"contact=Associated Contact"')
        if "date" not in picks:
            raise self._missing(table, "date", '"date=Activity date"')
        if "type" not in picks and self.type is None:
            raise InputError(
                f"no activity type column (found: {', '.join(table.header)})",
                file=self.name,
                line=table.header_line,
                hint="say what every row is with --type email, --type meeting or --type call,"
                " or name the column with --column type=HEADER",
            )
        if "type" in picks and self.type is not None:
            label = column_label(table.header, picks["type"].columns[0])
            self.notes.append(f"every row read as a {self.type} (--type): {label} not read")
            del picks["type"]

    def __iter__(self) -> Iterator[Activity]:
        value = self.value
        date_index = self.column["date"]
        dates = DateColumn(self.name, self.table.header[date_index])
        skip = self.skipped.append
        for line, f in dates.in_order(self._rows(), date_index):
            owner = parse_party(value(f, "owner"))
            if owner is None:
                skip((line, "no owner"))
                continue
            contacts = [p for p in map(parse_party, value(f, "contact").split(";")) if p]
            if not contacts:
                skip((line, "no contact"))
                continue
            kind = self._type(f, line)
            if kind is None:
                continue
            text = value(f, "date")
            day = _day(text, dates, line)
            if day is None:
                skip((line, f"date {text!r} cannot be read" if text else "no date"))
                continue
            if day > self.as_of:
                skip((line, f"on {day}, after as_of ({self.as_of}): not held yet"))
                continue
            type_, incoming = kind
            yield Activity(line, owner, contacts, type_, day, incoming)
        self.notes += dates.notes("their rows are skipped")
        if self.no_direction:
            self.notes.append(
                f"{counted(self.no_direction, 'e-mail')} without a direction: counted as sent by"
                " their owner (name the column with --column direction=HEADER if the file has one)"
            )

    def _type(self, f: list[str], line: int) -> tuple[str, bool] | None:
        """``(type, incoming)`` of one row, or ``None`` (the row skipped, with why)."""
        text = self.value(f, "type")
        written = _TYPES.get(norm_header(text)) if text else None
        if self.type is not None:
            written = (self.type, None)
        if written is None:
            why = f"type {text!r} is not an e-mail, meeting or call" if text else "no type"
            self.skipped.append((line, why))
            return None
        kind, incoming = written
        outcome = norm_header(self.value(f, "outcome"))
        if kind == "call" and outcome in _NOT_CONNECTED:
            self.skipped.append((line, f"call not answered ({self.value(f, 'outcome')})"))
            return None
        if kind == "meeting" and outcome in _NOT_HELD:
            self.skipped.append((line, f"meeting not held ({self.value(f, 'outcome')})"))
            return None
        if kind != "email":
            return kind, False
        direction = self.value(f, "direction")
        if incoming is None and direction:
            said = norm_header(direction)
            if said not in _INCOMING and said not in _OUTGOING:
                self.skipped.append((line, f"e-mail direction {direction!r} is not in or out"))
                return None
            incoming = said in _INCOMING
        elif incoming is None:
            self.no_direction += 1
            incoming = False
        return kind, incoming


def _day(text: str, dates: DateColumn, line: int) -> str | None:
    """The ISO day of one date cell: Unix milliseconds (UTC), else as ``dates`` reads it."""
    if _MILLISECONDS.fullmatch(text):
        return dt.datetime.fromtimestamp(int(text) / 1000, dt.UTC).date().isoformat()
    return dates.read(text, line)
