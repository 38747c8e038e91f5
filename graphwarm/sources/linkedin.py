"""Readers for the files of a LinkedIn export (:mod:`graphwarm.sources.linkedin_export` finds
and recognises them): connections, messages, endorsements and recommendations, turned into
:mod:`graphwarm.sources.records`. Message *content* and subjects are never kept: only counts
and dates per pair.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import Protocol

from ..identity import name_key, url_key
from ._csvfile import Row
from ._dates import DateColumn
from .linkedin_export import Columns, Part, full_name, open_part
from .records import PersonRecord, TieRecord

__all__ = [
    "READERS",
    "ConnectionRow",
    "ConnectionsReader",
    "EndorsementsReader",
    "MessagesReader",
    "PartReader",
    "RecommendationsReader",
    "RowsAhead",
    "invitation_owner_url",
]

# -- the parts that give ties ---------------------------------------------------------------


class PartReader:
    """Streams the records of one part; counts and skipped rows are known once exhausted."""

    reads: tuple[str, ...] = ()
    """The columns the report says the reader reads (by :class:`Columns` name)."""

    def __init__(self, part: Part) -> None:
        self.part = part
        self.rows_read = 0
        self.skipped: list[tuple[int, str]] = []
        self.notes: list[str] = []
        self._table = open_part(part.source, part.kind)
        self._cols = Columns(self._table)
        self.columns = self._cols.choices(self.reads)

    def finish(self) -> None:
        self.skipped = sorted(self._table.skipped + self.skipped)
        self.rows_read += len(self._table.skipped)
        self.notes.extend(self._table.decoding_notes())
        self.notes.extend(self._cols.notes)
        if blanked := self._cols.blanks.note():
            self.notes.append(blanked)

    def _date_column(self, name: str) -> DateColumn:
        """The reader of this file's column ``name`` of dates (its header as the file has it)."""
        return DateColumn(self.part.source.name, self._table.header[self._cols.index[name]])

    def _rows_by_date(self, dates: DateColumn, name: str) -> Iterator[Row]:
        """The rows, each once its date in column ``name`` can be read (see
        :meth:`DateColumn.in_order`; it may read the file a second time for the order)."""
        index = self._cols.index[name]

        def rescan() -> Iterable[tuple[int, str]]:
            table = open_part(self.part.source, self.part.kind)
            return ((row.line, row.fields[index]) for row in table.rows())

        return dates.in_order(self._table.rows(), index, rescan)


ConnectionRow = tuple[
    int, str | None, str | None, str | None, str | None, str | None, str | None, tuple
]
"""One parsed Connections.csv row: line, name, url, email, company, title, connected on, and
the record's keys (see :attr:`PersonRecord.keys`)."""


class RowsAhead(Protocol):
    """Parses Connections.csv files elsewhere (:class:`~graphwarm.sources.read_ahead.ReadAhead`)
    and hands each reader its rows."""

    def rows(self, reader: ConnectionsReader) -> Iterator[ConnectionRow]: ...


class ConnectionsReader(PartReader):
    """Connections.csv: one tie per row, member → contact, with the date connected.

    While reading it indexes the connections by URL and by name for the messages reader;
    ``lookup=False`` skips that when the export has no messages.csv. ``ahead`` reads the rows
    from a :class:`RowsAhead` (the read-ahead worker) that parses the file in another process.
    """

    reads = (
        "first name",
        "last name",
        "url",
        "email address",
        "company",
        "position",
        "connected on",
    )

    def __init__(self, part: Part, *, lookup: bool = True, ahead: RowsAhead | None = None) -> None:
        super().__init__(part)
        self.lookup = lookup
        self.ahead = ahead
        self.by_url: dict[str, PersonRecord] = {}
        self.by_name: dict[str, PersonRecord | None] = {}
        self.dates = self._date_column("connected on")
        """The Connected On dates: their order, and those that could not be read."""

    def __iter__(self) -> Iterator[TieRecord]:
        rows = self.parsed() if self.ahead is None else self.ahead.rows(self)
        lookup = self.lookup
        by_url, by_name = self.by_url, self.by_name
        for line, name, url, email, company, title, connected, keys in rows:
            person = PersonRecord(name, url, email, company, title, False, line, keys)
            if lookup:
                ukey, nkey = keys
                if ukey:
                    by_url[ukey] = person
                if nkey:  # a name shared by two connections identifies neither
                    by_name[nkey] = None if nkey in by_name else person
            yield TieRecord(None, person, connected, line=line)

    def parsed(self) -> Iterator[ConnectionRow]:
        """The rows as plain tuples; counts, skipped rows and notes are final once exhausted."""
        # Rows of the wrong width never reach here (the reader skips them), so plain indexing
        # is safe; a column the era lacks reads as "" (one empty field added past the end).
        index = self._cols.index
        columns = self.reads
        width = len(self._table.header)
        picks = [index.get(c) for c in columns]
        missing = None in picks
        pick = itemgetter(*(width if i is None else i for i in picks))
        skipped, dates, blanks = self.skipped, self.dates, self._cols.blanks
        rows_read = self.rows_read
        try:
            for line, f in self._rows_by_date(dates, "connected on"):
                rows_read += 1
                if missing:
                    f.append("")
                first, last, url, email, company, position, when = blanks.clean_picked(
                    pick(f), f, picks
                )
                name = f"{first} {last}" if first and last else first or last
                if not name and not url:
                    reason = "hidden account: only a date" if when else "no name and no URL"
                    skipped.append((line, reason))
                    continue
                connected = dates.read(when, line) if when else None
                yield (
                    line,
                    name or None,
                    url or None,
                    email or None,
                    company or None,
                    position or None,
                    connected,
                    (url_key(url) if url else None, name_key(name) if name else None),
                )
        finally:
            self.rows_read = rows_read
        self.finish()
        self.notes.extend(dates.notes("imported without a date"))


class MessagesReader(PartReader):
    """messages.csv: counts and first/last dates per pair, never content or subjects.

    Direction comes from the sender's profile URL compared with the owner's (the URL on
    most conversations); 2018 exports say it in a Direction column and name people only.
    """

    def __init__(
        self, part: Part, connections: ConnectionsReader | None, owner_name: str | None = None
    ) -> None:
        super().__init__(part)
        self.connections = connections
        self.owner_name = name_key(owner_name)
        """Breaks a tie between URLs on equally many conversations (small exports)."""
        self.owner_url: str | None = None

    def find_owner(self) -> str | None:
        """The owner's profile URL, read ahead of the import so the member can be matched by
        it (a colleague's connections may already hold them)."""
        table = open_part(self.part.source, self.part.kind)
        col = Columns(table)
        if not col.has("sender profile url"):
            return None
        conversations: dict[str, set[str]] = {}
        sender_names: dict[str, str | None] = {}
        for row in table.rows():
            f = row.fields
            sender = url_key(col.get(f, "sender profile url"))
            if not sender:
                continue
            seen = conversations.setdefault(col.get(f, "conversation id") or str(row.line), set())
            seen.add(sender)
            seen.update(
                url_key(u) or ""
                for _, u in _recipients(col.get(f, "to"), col.get(f, "recipient profile urls"))
            )
            sender_names.setdefault(sender, name_key(col.get(f, "from")))
        self._owner_from(conversations, sender_names)
        return f"https://www.linkedin.com/{self.owner_url}" if self.owner_url else None

    def __iter__(self) -> Iterator[TieRecord]:
        col = self._cols
        legacy = not col.has("sender profile url")
        pairs: dict[str, list] = {}  # key → [person, out, in, first, last]
        raw: list[tuple[int, str, str, list[tuple[str, str]], str | None]] = []
        conversations: dict[str, set[str]] = {}
        sender_names: dict[str, str | None] = {}  # url key → the name it sends as
        dates = self._date_column("date")
        for row in self._rows_by_date(dates, "date"):
            self.rows_read += 1
            f = row.fields
            text = col.get(f, "date")
            date = dates.read(text, row.line)
            if date is None and text:
                self.skipped.append((row.line, f"{dates.column} {text!r} is not a date"))
                continue
            if legacy:
                direction = col.get(f, "direction").upper()
                other = col.get(f, "to") if direction.startswith("OUT") else col.get(f, "from")
                if not other:
                    self.skipped.append((row.line, "no sender or recipient name"))
                    continue
                outgoing = direction.startswith("OUT")
                for name in _split_names(other):
                    self._count(pairs, self._person_by_name(name), outgoing, date)
                continue
            sender_url = col.get(f, "sender profile url")
            if not url_key(sender_url):
                self.skipped.append(
                    (row.line, "sender has no profile URL (LinkedIn Member or sponsored)")
                )
                continue
            recipients = _recipients(col.get(f, "to"), col.get(f, "recipient profile urls"))
            conv = col.get(f, "conversation id") or str(row.line)
            seen = conversations.setdefault(conv, set())
            seen.add(url_key(sender_url) or "")
            seen.update(url_key(u) or "" for _, u in recipients)
            sender_names.setdefault(url_key(sender_url) or "", name_key(col.get(f, "from")))
            raw.append((row.line, col.get(f, "from"), sender_url, recipients, date))
        if not legacy:
            self._owner_from(conversations, sender_names)
            owner = self.owner_url
            # 2021-22 exports name recipients only: a name that sends from one URL is that URL.
            url_of_name: dict[str | None, str | None] = {}
            for ukey, nkey in sender_names.items():
                url_of_name[nkey] = None if nkey in url_of_name else ukey
            for _line, sender_name, sender_url, recipients, date in raw:
                if url_key(sender_url) == owner:
                    for name, url in recipients:
                        if not url:
                            known = url_of_name.get(name_key(name))
                            url = f"https://www.linkedin.com/{known}" if known else ""
                        if url_key(url) != owner and not (
                            not url and self.owner_name and name_key(name) == self.owner_name
                        ):
                            self._count(pairs, self._person(name, url), True, date)
                else:
                    self._count(pairs, self._person(sender_name, sender_url), False, date)
        self.finish()
        self.notes.extend(dates.notes("those messages were skipped"))
        for person, out, inc, first, last in pairs.values():
            if person is not None:
                yield TieRecord(
                    a=None,
                    b=person,
                    msgs_ab=out,
                    msgs_ba=inc,
                    first_msg=first,
                    last_msg=last,
                    line=person.line,
                )

    def _owner_from(
        self, conversations: dict[str, set[str]], sender_names: dict[str, str | None]
    ) -> None:
        """The URL on most conversations; a tie goes to the one sending as the owner's name,
        then to the first in sort order (never to set order, which varies between runs)."""
        counts: Counter[str] = Counter()
        for urls in conversations.values():
            counts.update(u for u in urls if u)
        if counts:
            top = max(counts.values())
            tied = sorted(u for u, n in counts.items() if n == top)
            named = [u for u in tied if self.owner_name and sender_names.get(u) == self.owner_name]
            self.owner_url = (named or tied)[0]

    def _person(self, name: str, url: str) -> PersonRecord | None:
        """The connection a sender or recipient is: by URL, else by a name only one connection
        has (2018-2022 Connections.csv has no URLs; 2021-22 messages name recipients only)."""
        ukey = url_key(url)
        known = self.connections.by_url.get(ukey) if self.connections and ukey else None
        if known is not None:
            return known
        nkey = name_key(name)
        by_name = self.connections.by_name.get(nkey) if self.connections and nkey else None
        if by_name is not None and not ukey:
            return by_name
        if by_name is not None and not url_key(by_name.url):
            return PersonRecord(
                name=by_name.name,
                url=url or None,
                email=by_name.email,
                company=by_name.company,
                title=by_name.title,
                line=by_name.line,
            )
        if not nkey and not ukey:
            return None
        return PersonRecord(name=name or None, url=url or None)

    def _person_by_name(self, name: str) -> PersonRecord | None:
        nkey = name_key(name)
        if self.connections and nkey in self.connections.by_name:
            return self.connections.by_name[nkey]
        return PersonRecord(name=name) if nkey else None

    @staticmethod
    def _count(
        pairs: dict[str, list], person: PersonRecord | None, outgoing: bool, date: str | None
    ) -> None:
        if person is None:
            return
        key = url_key(person.url) or f"name:{name_key(person.name)}"
        entry = pairs.setdefault(key, [person, 0, 0, date, date])
        entry[1 if outgoing else 2] += 1
        if date:
            entry[3] = min(entry[3] or date, date)
            entry[4] = max(entry[4] or date, date)


def _recipients(names: str, urls: str) -> list[tuple[str, str]]:
    url_list = [u.strip() for u in urls.split(",") if u.strip()] if urls else []
    name_list = [n.strip() for n in names.split(", ")] if names else []
    if not url_list:  # 2021-22 exports: recipients by name only
        return [(n, "") for n in name_list if n]
    if len(name_list) != len(url_list):
        name_list = [""] * len(url_list) if len(url_list) != 1 else [names.strip()]
    return list(zip(name_list, url_list, strict=True))


def _split_names(text: str) -> list[str]:
    return [n.strip() for n in text.split(", ") if n.strip()]


class EndorsementsReader(PartReader):
    """Endorsement_Received_Info.csv / Endorsement_Given_Info.csv: one count per endorsement."""

    def __iter__(self) -> Iterator[TieRecord]:
        col = self._cols
        who = "endorser" if self.part.kind == "endorsements_received" else "endorsee"
        pairs: dict[str, TieRecord] = {}
        for row in self._table.rows():
            self.rows_read += 1
            f = row.fields
            status = col.get(f, "endorsement status").upper()
            if status in ("REJECTED", "HIDDEN", "DELETED"):
                self.skipped.append((row.line, f"endorsement status {status}"))
                continue
            name = full_name(col.get(f, f"{who} first name"), col.get(f, f"{who} last name"))
            url = col.get(f, f"{who} public url")
            if not name and not url:
                self.skipped.append((row.line, "no name and no URL"))
                continue
            key = url_key(url) or f"name:{name_key(name)}"
            tie = pairs.get(key)
            if tie is None:
                tie = pairs[key] = TieRecord(
                    a=None,
                    b=PersonRecord(name=name or None, url=url or None, line=row.line),
                    line=row.line,
                )
            if who == "endorser":
                tie.endorse_ba += 1
            else:
                tie.endorse_ab += 1
        self.finish()
        yield from pairs.values()


class RecommendationsReader(PartReader):
    """Recommendations_Received.csv / _Given.csv: the text is never read into the store."""

    def __iter__(self) -> Iterator[TieRecord]:
        col = self._cols
        received = self.part.kind == "recommendations_received"
        for row in self._table.rows():
            self.rows_read += 1
            f = row.fields
            name = full_name(col.get(f, "first name"), col.get(f, "last name"))
            if not name:
                self.skipped.append((row.line, "no name"))
                continue
            person = PersonRecord(
                name=name,
                company=col.get(f, "company") or None,
                title=col.get(f, "job title") or None,
                line=row.line,
            )
            yield TieRecord(
                a=None, b=person, recs_ba=int(received), recs_ab=int(not received), line=row.line
            )
        self.finish()


def invitation_owner_url(part: Part) -> tuple[str | None, int]:
    """The owner's profile URL as Invitations.csv shows it, and the rows read."""
    table = open_part(part.source, "invitations")
    col = Columns(table)
    counts: Counter[str] = Counter()
    rows = 0
    for row in table.rows():
        rows += 1
        outgoing = col.get(row.fields, "direction").upper().startswith("OUT")
        url = col.get(row.fields, "inviterprofileurl" if outgoing else "inviteeprofileurl")
        if url_key(url):
            counts[url_key(url)] += 1  # type: ignore[index]
    if not counts:
        return None, rows
    return f"https://www.linkedin.com/{counts.most_common(1)[0][0]}", rows


READERS: dict[str, type[PartReader]] = {
    "connections": ConnectionsReader,
    "endorsements_received": EndorsementsReader,
    "endorsements_given": EndorsementsReader,
    "recommendations_received": RecommendationsReader,
    "recommendations_given": RecommendationsReader,
}
