"""Readers for LinkedIn's "Get a copy of your data" exports.

An export is a ``.zip``, the folder it unpacks to, or loose files from one. Each file is recognised
by its header (file names vary in case across years), read with the real CSV reader of
:mod:`graphwarm.sources._csvfile`, and turned into :mod:`graphwarm.sources.records`. Message
*content* and subjects are never kept: only counts and dates per pair.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import queue
import signal
import sys
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from ..errors import GraphwarmError, InputError
from ..identity import name_key, url_key
from ._csvfile import Source, Table, read_table
from ._dates import parse_date, parse_month
from .records import PersonRecord, PositionRecord, TieRecord

__all__ = [
    "PARTS",
    "ConnectionsReader",
    "Export",
    "Part",
    "ReadAhead",
    "classify_header",
    "find_exports",
]

# Part kinds, in the order they are imported (connections first: later parts look people up
# in them).
PARTS = (
    "profile",
    "positions",
    "connections",
    "messages",
    "endorsements_received",
    "endorsements_given",
    "recommendations_received",
    "recommendations_given",
    "invitations",
)
_FILE_NAMES = {
    "profile.csv": "profile",
    "positions.csv": "positions",
    "connections.csv": "connections",
    "messages.csv": "messages",
    "invitations.csv": "invitations",
    "endorsement_received_info.csv": "endorsements_received",
    "endorsement_given_info.csv": "endorsements_given",
    "recommendations_received.csv": "recommendations_received",
    "recommendations_given.csv": "recommendations_given",
}
_SIGNATURES: tuple[tuple[str, frozenset[str]], ...] = (
    ("connections", frozenset({"first name", "last name", "connected on"})),
    ("messages", frozenset({"conversation id", "from", "sender profile url", "date"})),
    ("messages", frozenset({"from", "to", "date", "content", "direction"})),
    ("invitations", frozenset({"from", "to", "sent at", "direction"})),
    ("endorsements_received", frozenset({"endorser first name", "endorser last name"})),
    ("endorsements_given", frozenset({"endorsee first name", "endorsee last name"})),
    ("recommendations", frozenset({"first name", "last name", "creation date", "status"})),
    ("positions", frozenset({"company name", "title", "started on"})),
    ("profile", frozenset({"first name", "last name", "headline"})),
)
_KNOWN_FILES = (
    "Connections.csv, messages.csv, Invitations.csv, Endorsement_*_Info.csv, "
    "Recommendations_*.csv, Profile.csv, Positions.csv"
)


def classify_header(header: list[str]) -> str | None:
    """Which LinkedIn file a header belongs to (``recommendations`` has no direction yet)."""
    names = {h.strip().lower() for h in header}
    for kind, needed in _SIGNATURES:
        if needed <= names:
            return kind
    return None


@dataclass
class Part:
    """One file of an export, recognised, with its content hash."""

    kind: str
    source: Source
    sha256: str


@dataclass
class Export:
    """One member's export: its files by kind, and the files that were not used."""

    label: str
    parts: dict[str, Part] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    def member_name(self) -> str | None:
        """The owner's name from Profile.csv, if the export has one."""
        part = self.parts.get("profile")
        if part is None:
            return None
        table = _table(part.source, "profile")
        col = _Columns(table)
        for row in table.rows():
            name = _full_name(col.get(row.fields, "first name"), col.get(row.fields, "last name"))
            if name:
                return name
        return None

    def member_position(self) -> PositionRecord | None:
        """The member's current position (the newest one without an end date)."""
        current = [p for p in self.positions() if not p.finished]
        return max(current, key=lambda p: p.started or "", default=None)

    def positions(self) -> list[PositionRecord]:
        part = self.parts.get("positions")
        if part is None:
            return []
        table = _table(part.source, "positions")
        col = _Columns(table)
        out = []
        for row in table.rows():
            company = col.get(row.fields, "company name")
            if not company:
                continue
            out.append(
                PositionRecord(
                    company=company,
                    title=col.get(row.fields, "title") or None,
                    started=_month(col.get(row.fields, "started on")),
                    finished=_month(col.get(row.fields, "finished on")),
                    line=row.line,
                )
            )
        return out


def find_exports(paths: list[str | Path]) -> list[Export]:
    """Group the paths a user gave into exports: each zip or folder is one, loose files one.

    Raises :class:`InputError` for a missing path, a zip or folder with no LinkedIn file in it,
    or a file whose name and content disagree.
    """
    exports: list[Export] = []
    loose = Export(label="")
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError("no such file or folder", file=path, hint="check the path")
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            sources = [Source(name=str(path / p.relative_to(path)), open=_opener(p)) for p in files]
            exports.append(_export_of(str(path), sources, strict_names=True))
        elif zipfile.is_zipfile(path):
            exports.append(_export_of(str(path), _zip_sources(path), strict_names=True))
        else:
            source = Source.from_path(path)
            kind = _kind_of_loose(source)
            if kind in loose.parts:
                raise InputError(
                    f"two {kind} files given for one export "
                    f"({loose.parts[kind].source.name} and {path})",
                    file=path,
                    hint="import each member's export in its own command, with --member",
                )
            loose.parts[kind] = Part(kind, source, source.sha256())
            loose.label = f"{loose.label} + {path}" if loose.label else str(path)
    if loose.parts:
        exports.append(loose)
    return exports


def _opener(path: Path) -> Callable:
    return lambda: path.open("rb")


def _zip_sources(path: Path) -> list[Source]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as err:
        raise InputError(
            f"is a damaged zip archive ({err})", file=path, hint="download the export again"
        ) from err

    def opener(member: str) -> Callable:
        def open_member():  # type: ignore[no-untyped-def]
            archive = zipfile.ZipFile(path)
            return archive.open(member)

        return open_member

    return [Source(name=f"{path}:{n}", open=opener(n)) for n in names]


def _export_of(label: str, sources: list[Source], *, strict_names: bool) -> Export:
    export = Export(label=label)
    for source in sources:
        base = source.name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower()
        kind = _FILE_NAMES.get(base)
        if kind is None:
            export.ignored.append(source.name)
            continue
        table = _table(source, kind)  # checks that the header fits the name
        del table
        if kind in export.parts:
            export.ignored.append(source.name)
            continue
        export.parts[kind] = Part(kind, source, source.sha256())
    if not export.parts:
        raise InputError(
            "holds no LinkedIn export file",
            file=label,
            hint=f"expected some of {_KNOWN_FILES}",
        )
    return export


def _kind_of_loose(source: Source) -> str:
    named = _FILE_NAMES.get(Path(source.name).name.lower())
    if named is not None:  # LinkedIn's own name: its content must agree
        _table(source, named)
        return named
    table = read_table(source, looks_like_header=lambda h: classify_header(h) is not None)
    kind = classify_header(table.header)
    if kind is None:  # pragma: no cover - read_table only returns matching headers
        raise InputError("is not a LinkedIn export file", file=source.name)
    if kind == "recommendations":
        lower = source.name.lower()
        if "given" in lower:
            return "recommendations_given"
        if "received" in lower:
            return "recommendations_received"
        raise InputError(
            "is a recommendations file, but its name does not say given or received",
            file=source.name,
            hint="keep LinkedIn's name: Recommendations_Given.csv or Recommendations_Received.csv",
        )
    return kind


def _table(source: Source, kind: str) -> Table:
    """Open one part, checking its header is the kind its name says."""
    wanted = "recommendations" if kind.startswith("recommendations") else kind

    def fits(header: list[str]) -> bool:
        return classify_header(header) is not None

    try:
        table = read_table(source, looks_like_header=fits)
    except InputError as err:
        if "header" in err.message:
            raise InputError(
                f"does not look like LinkedIn's {_display(kind)}",
                file=source.name,
                hint=f"its header should hold {', '.join(sorted(_needed(wanted)))}",
            ) from err
        raise
    found = classify_header(table.header)
    if found != wanted:
        raise InputError(
            f"is named like {_display(kind)} but holds {_display(found or 'something else')}"
            f" (header: {', '.join(table.header[:6])})",
            file=source.name,
            hint="check you gave the right file",
        )
    return table


def _needed(kind: str) -> frozenset[str]:
    return next(needed for k, needed in _SIGNATURES if k == kind)


def _display(kind: str) -> str:
    names = {v: k for k, v in _FILE_NAMES.items()}
    names["recommendations"] = "Recommendations_*.csv"
    names["messages"] = "messages.csv"
    return (
        names.get(kind, kind)
        .replace("connections", "Connections")
        .replace("profile", "Profile")
        .replace("positions", "Positions")
        .replace("invitations", "Invitations")
    )


class _Columns:
    """Column positions by lower-case header name."""

    def __init__(self, table: Table) -> None:
        self.index = {h.strip().lower(): i for i, h in enumerate(table.header)}

    def get(self, fields: list[str], name: str) -> str:
        i = self.index.get(name)
        return fields[i] if i is not None and i < len(fields) else ""

    def has(self, name: str) -> bool:
        return name in self.index


def _full_name(first: str, last: str) -> str:
    return " ".join(p for p in (first.strip(), last.strip()) if p)


def _month(text: str) -> str | None:
    try:
        return parse_month(text)
    except ValueError:
        return None


# -- the parts that give ties ---------------------------------------------------------------


class PartReader:
    """Streams the records of one part; counts and skipped rows are known once exhausted."""

    def __init__(self, part: Part) -> None:
        self.part = part
        self.rows_read = 0
        self.skipped: list[tuple[int, str]] = []
        self.notes: list[str] = []
        self._table = _table(part.source, part.kind)
        self._cols = _Columns(self._table)

    def finish(self) -> None:
        self.skipped = sorted(self._table.skipped + self.skipped)
        self.rows_read += len(self._table.skipped)
        if self._table.repaired_lines:
            self.notes.append(f"repaired garbled characters on {self._table.repaired_lines} lines")


ConnectionRow = tuple[
    int, str | None, str | None, str | None, str | None, str | None, str | None, tuple
]
"""One parsed Connections.csv row: line, name, url, email, company, title, connected on, and
the record's keys (see :attr:`PersonRecord.keys`)."""


class ConnectionsReader(PartReader):
    """Connections.csv: one tie per row, member → contact, with the date connected.

    While reading it indexes the connections by URL and by name for the messages reader;
    ``lookup=False`` skips that when the export has no messages.csv. ``ahead`` reads the rows
    from a :class:`ReadAhead` that parses the file in a worker process instead of here.
    """

    def __init__(self, part: Part, *, lookup: bool = True, ahead: ReadAhead | None = None) -> None:
        super().__init__(part)
        self.lookup = lookup
        self.ahead = ahead
        self.by_url: dict[str, PersonRecord] = {}
        self.by_name: dict[str, PersonRecord | None] = {}
        self.bad_dates: list[tuple[int, str]] = []

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
        columns = (
            "first name",
            "last name",
            "url",
            "email address",
            "company",
            "position",
            "connected on",
        )
        width = len(self._table.header)
        picks = [index.get(c) for c in columns]
        missing = None in picks
        pick = itemgetter(*(width if i is None else i for i in picks))
        skipped, bad_dates = self.skipped, self.bad_dates
        rows_read = self.rows_read
        try:
            for line, f in self._table.rows():
                rows_read += 1
                if missing:
                    f.append("")
                first, last, url, email, company, position, when = pick(f)
                name = f"{first} {last}" if first and last else first or last
                if not name and not url:
                    reason = "hidden account: only a date" if when else "no name and no URL"
                    skipped.append((line, reason))
                    continue
                connected = None
                if when:
                    try:
                        connected = parse_date(when)
                    except ValueError:
                        bad_dates.append((line, when))
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
        if bad_dates:
            line, text = bad_dates[0]
            self.notes.append(
                f"{len(bad_dates)} rows have an unreadable Connected On (first: line "
                f"{line}, {text!r}); imported without a date"
            )


class ReadAhead:
    """Parses the Connections.csv of several exports in a worker process, in order.

    While the import resolves and writes one export, the next one's file is being read on
    the other core. Rows come through a bounded queue in chunks, so memory stays bounded
    whatever the size of the files; each file's counts, skipped rows and notes follow its
    rows, and an error comes where it happened, with its file, line and hint, to be raised
    when the import gets there. The rows are those :meth:`ConnectionsReader.parsed` gives.
    Use it as a context manager: leaving it stops the worker.
    """

    _CHUNK_ROWS = 1000
    _QUEUE_CHUNKS = 24  # at most this many chunks read ahead (~24,000 rows, a few MB)

    def __init__(self, parts: list[Part]) -> None:
        ctx = multiprocessing.get_context("fork")
        self._parts = parts
        self._next = 0
        self._queue = ctx.Queue(maxsize=self._QUEUE_CHUNKS)
        self._process = ctx.Process(
            target=_read_ahead,
            args=(parts, self._queue, self._CHUNK_ROWS),
            name="graphwarm-read-ahead",
            daemon=True,
        )
        gc.freeze()  # the worker is a fork: keep its garbage collector off the parent's pages
        try:
            self._process.start()
        finally:
            gc.unfreeze()

    @staticmethod
    def available() -> bool:
        """Whether this platform can fork a worker (Linux and other Unixes but macOS)."""
        return "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._queue.close()

    def rows(self, reader: ConnectionsReader) -> Iterator[ConnectionRow]:
        """The parsed rows of ``reader``'s file; then its counts, skipped rows and notes."""
        index = next(i for i, p in enumerate(self._parts) if p is reader.part)
        while self._next < index:  # a file that was never read through: pass over its rows
            for _ in self._stream(None):
                pass
        if self._next != index:
            raise RuntimeError(f"{reader.part.source.name} was already read")
        return self._stream(reader)

    def _stream(self, reader: ConnectionsReader | None) -> Iterator[ConnectionRow]:
        while True:
            message = self._get()
            if message[0] == "rows":
                yield from message[1]
                continue
            self._next += 1
            if message[0] == "end":
                if reader is not None:
                    reader.rows_read, reader.skipped, reader.bad_dates, notes = message[1:]
                    reader.notes.extend(notes)
                return
            if message[0] == "error":
                cls, text, file, line, column, hint = message[1:]
                raise cls(text, file=file, line=line, column=column, hint=hint)
            raise message[1]

    def _get(self) -> tuple:
        while True:
            try:
                return self._queue.get(timeout=1.0)
            except queue.Empty:
                if self._process.exitcode is None:
                    continue
            try:  # the worker has ended: whatever it sent is in the pipe by now
                return self._queue.get(timeout=1.0)
            except queue.Empty:
                raise RuntimeError(
                    "the process reading Connections.csv ahead stopped unexpectedly "
                    f"(exit code {self._process.exitcode})"
                ) from None


def _read_ahead(parts: list[Part], out: multiprocessing.Queue, chunk_rows: int) -> None:
    """The worker of :class:`ReadAhead`: each part's rows in chunks, then its summary."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    gc.disable()  # rows are plain tuples: no cycles to collect
    for part in parts:
        try:
            reader = ConnectionsReader(part, lookup=False)
            chunk: list[ConnectionRow] = []
            for row in reader.parsed():
                chunk.append(row)
                if len(chunk) == chunk_rows:
                    out.put(("rows", chunk))
                    chunk = []
            if chunk:
                out.put(("rows", chunk))
            out.put(("end", reader.rows_read, reader.skipped, reader.bad_dates, reader.notes))
        except GraphwarmError as err:
            out.put(("error", type(err), err.message, err.file, err.line, err.column, err.hint))
            return
        except Exception as err:  # a bug: hand it over as it is, if it can travel
            try:
                pickle.dumps(err)
            except Exception:
                err = RuntimeError(f"reading {part.source.name}: {err!r}")
            out.put(("failed", err))
            return


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
        table = _table(self.part.source, self.part.kind)
        col = _Columns(table)
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
        for row in self._table.rows():
            self.rows_read += 1
            f = row.fields
            try:
                date = parse_date(col.get(f, "date"))
            except ValueError:
                self.skipped.append((row.line, f"DATE {col.get(f, 'date')!r} is not a date"))
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
            name = _full_name(col.get(f, f"{who} first name"), col.get(f, f"{who} last name"))
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
            name = _full_name(col.get(f, "first name"), col.get(f, "last name"))
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
    table = _table(part.source, "invitations")
    col = _Columns(table)
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
