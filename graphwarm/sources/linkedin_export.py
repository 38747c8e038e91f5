"""What a LinkedIn export is: a ``.zip``, the folder it unpacks to, or loose files from one,
and which of its files graphwarm reads. Each file is recognised by its header (file names vary
in case across years) and opened with the CSV reader of :mod:`graphwarm.sources._csvfile`.

A zip or folder holding several exports (or copies of a file) gives one export: the folder
holding the most of an export's files, and the report notes say which was used and why.

LinkedIn names the archive ``Basic_LinkedInDataExport_MM-DD-YYYY.zip`` (or ``Complete_…``):
that date, in the name of the zip, of the folder it unpacks to or of a loose file's folder, is
the export's (:attr:`Export.named_date`), which may be long before its import.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .._words import counted
from ..errors import InputError
from ._archive import folder_entries, zip_entries
from ._csvfile import Source, Table, read_table
from ._dates import parse_month
from ._headers import norm_header, one_name_column
from ._values import Blanks
from .records import ColumnChoice, PositionRecord, column_label

__all__ = [
    "PARTS",
    "Columns",
    "Export",
    "Part",
    "classify_header",
    "find_exports",
    "full_name",
    "named_date",
    "open_part",
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

# What each file's header holds, as LinkedIn spells it; a file is recognised by the first
# signature its header holds all of (compared by :func:`norm_header`, so ``FirstName`` in old
# exports is ``First Name``).
_SIGNATURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("connections", ("First Name", "Last Name", "Connected On")),
    ("connections", ("Name", "Connected On")),  # a copy with one name column
    ("messages", ("CONVERSATION ID", "FROM", "SENDER PROFILE URL", "DATE")),
    ("messages", ("From", "To", "Date", "Content", "Direction")),
    ("invitations", ("From", "To", "Sent At", "Direction")),
    ("endorsements_received", ("Endorser First Name", "Endorser Last Name")),
    ("endorsements_given", ("Endorsee First Name", "Endorsee Last Name")),
    ("recommendations", ("First Name", "Last Name", "Creation Date", "Status")),
    ("positions", ("Company Name", "Title", "Started On")),
    ("profile", ("First Name", "Last Name", "Headline")),
)

# Every column the readers ask for, as LinkedIn spells it. A header is known by the lower-case
# spelling of the one it normalises to (``FirstName`` → ``first name``), whatever its case,
# spaces or punctuation.
_COLUMN_NAMES = (
    *(name for _, names in _SIGNATURES for name in names),
    *("URL", "Email Address", "Company", "Position", "Job Title", "Finished On"),
    *("RECIPIENT PROFILE URLS", "CONVERSATION TITLE", "SUBJECT", "FOLDER"),
    *("Endorser Public Url", "Endorsee Public Url", "Endorsement Status", "Endorsement Date"),
    *("inviterProfileUrl", "inviteeProfileUrl", "Message"),
)
_KEYS: dict[str, str] = {
    **{norm_header(name): name.lower() for name in _COLUMN_NAMES},
    norm_header("Full Name"): "name",
}

_SHOWN_UNUSED = 10
"""Files listed one by one as not used; more are counted."""

_KNOWN_FILES = (
    "Connections.csv, messages.csv, Invitations.csv, Endorsement_*_Info.csv, "
    "Recommendations_*.csv, Profile.csv, Positions.csv"
)


def classify_header(header: list[str]) -> str | None:
    """Which LinkedIn file a header belongs to (``recommendations`` has no direction yet)."""
    names = {_key(h) for h in header}
    for kind, needed in _SIGNATURES:
        if all(n.lower() in names for n in needed):
            return kind
    return None


def _key(header: str) -> str:
    """The name the readers ask for a column by: ``FirstName`` and ``FIRST NAME`` are
    ``first name``; a column LinkedIn does not have keeps its own lower-case text."""
    return _KEYS.get(norm_header(header), header.strip().lower())


@dataclass
class Part:
    """One file of an export, recognised, with its content hash."""

    kind: str
    source: Source
    sha256: str


@dataclass
class Export:
    """One member's export: its files by kind, the files that were not used, and notes for
    the import report (which files were used when there was a choice, and why)."""

    label: str
    parts: dict[str, Part] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    named_date: str | None = None
    """The day LinkedIn made the export (YYYY-MM-DD), from its name, when that tells."""
    _positions: list[PositionRecord] | None = field(default=None, repr=False)

    def member_name(self) -> str | None:
        """The owner's name from Profile.csv, if the export has one."""
        part = self.parts.get("profile")
        if part is None:
            return None
        table = open_part(part.source, "profile")
        col = Columns(table)
        for row in table.rows():
            name = full_name(col.get(row.fields, "first name"), col.get(row.fields, "last name"))
            if name:
                return name
        return None

    def member_position(self) -> PositionRecord | None:
        """The member's current position (the newest one that has not ended)."""
        current = [p for p in self.positions() if not p.ended]
        return max(current, key=lambda p: p.started or "", default=None)

    def positions(self) -> list[PositionRecord]:
        """The rows of Positions.csv, read once; dates that cannot be read are left out and
        counted in :attr:`notes` (an ended position stays ended)."""
        if self._positions is not None:
            return self._positions
        part = self.parts.get("positions")
        self._positions = []
        if part is None:
            return self._positions
        table = open_part(part.source, "positions")
        col = Columns(table)
        unread: list[str] = []
        for row in table.rows():
            company = col.get(row.fields, "company name")
            if not company:
                continue
            dates = {}
            for column in ("started on", "finished on"):
                text = col.get(row.fields, column)
                dates[column] = _month(text)
                if text and dates[column] is None:
                    unread.append(f"line {row.line}: {text!r}")
            self._positions.append(
                PositionRecord(
                    company=company,
                    title=col.get(row.fields, "title") or None,
                    started=dates["started on"],
                    finished=dates["finished on"],
                    line=row.line,
                    ended=bool(col.get(row.fields, "finished on")),
                )
            )
        if unread:
            self.notes.append(
                f"{part.source.name}: {counted(len(unread), 'date')} could not be read and"
                f" {'was' if len(unread) == 1 else 'were'} left out ({', '.join(unread[:3])}"
                f"{', …' if len(unread) > 3 else ''}); a position whose end date is unreadable"
                " is still taken as ended"
            )
        return self._positions


def find_exports(paths: list[str | Path]) -> list[Export]:
    """Group the paths a user gave into exports: each zip or folder is one, loose files one.

    Raises :class:`InputError` for a missing path, a zip or folder with no LinkedIn file in it,
    a file whose name and content disagree, or a member of a zip that cannot be read
    (password-protected, compressed in a way Python cannot read, damaged).
    """
    exports: list[Export] = []
    loose = Export(label="")
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError("no such file or folder", file=path, hint="check the path")
        if path.is_dir():
            exports.append(_export_of(str(path), folder_entries(path), "folder"))
            exports[-1].named_date = named_date(path.resolve().name) or exports[-1].named_date
        elif zipfile.is_zipfile(path):
            exports.append(_export_of(str(path), zip_entries(path), "zip"))
            exports[-1].named_date = named_date(path.name) or exports[-1].named_date
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
            dated = named_date(path.resolve().parent.name)
            loose.named_date = max(loose.named_date or "", dated or "") or None
    if loose.parts:
        exports.append(loose)
    return exports


def _export_of(label: str, entries: list[tuple[str, Source]], container: str) -> Export:
    """The export in a zip or folder (*container*): each kind's file, from one export folder.

    *entries* are (path inside, source). Only the files used are opened (their headers are
    checked) and hashed, so a zip of 10,000 files costs little more than its directory.
    """
    export = Export(label=label)
    found: dict[str, list[str]] = {}  # kind → paths inside, in the order given
    for inner, _ in entries:
        kind = _FILE_NAMES.get(inner.rsplit("/", 1)[-1].lower())
        if kind is not None:
            found.setdefault(kind, []).append(inner)
    if not found:
        raise InputError(
            "holds no LinkedIn export file",
            file=label,
            hint=f"expected some of {_KNOWN_FILES}",
        )
    root, note = _export_folder(found, container)
    export.notes.extend([note] if note else [])
    export.named_date = named_date(root.rpartition("/")[2])
    chosen: dict[str, str] = {}
    for kind, paths in found.items():
        inside = sorted((p for p in paths if _within(p, root)), key=_place)
        if not inside:
            continue
        chosen[kind] = inside[0]
        if len(inside) > 1:
            nearer = _place(inside[0])[0] < _place(inside[1])[0]
            why = "the one nearest the top" if nearer else "the first in name order"
            export.notes.append(
                f"{len(inside)} {_display(kind)} files in {_shown(root, container)}: "
                f"used {inside[0]}, {why}"
            )
    sources = dict(entries)
    for kind in PARTS:
        if kind in chosen:
            source = sources[chosen[kind]]
            open_part(source, kind)  # checks that the header fits the name
            export.parts[kind] = Part(kind, source, source.sha256())
    used = set(chosen.values())
    export.ignored = [source.name for inner, source in entries if inner not in used]
    export.notes.extend(_unused_notes([inner for inner, _ in entries if inner not in used]))
    return export


_NAMED = re.compile(
    r"(?:basic|complete)_linkedindataexport_(\d{1,2})-(\d{1,2})-(\d{4})", re.IGNORECASE
)


def named_date(name: str) -> str | None:
    """The date in LinkedIn's name for an export (month first, as LinkedIn writes it), or
    ``None`` for a name without one or with an impossible date.

    >>> named_date("Basic_LinkedInDataExport_11-02-2026 (1).zip")
    '2026-11-02'
    >>> named_date("lina.zip"), named_date("Complete_LinkedInDataExport_13-02-2026.zip")
    (None, None)
    """
    found = _NAMED.search(name)
    if found is None:
        return None
    month, day, year = map(int, found.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _export_folder(found: dict[str, list[str]], container: str) -> tuple[str, str | None]:
    """The folder whose files make the export, and a note when other folders hold some too.

    The folder holding (at any depth) the most kinds of export file wins; then the one nearest
    the top; then the first in name order. ``""`` is the top level.
    """
    below: dict[str, set[str]] = {}  # folder → the kinds found in it, at any depth
    for kind, paths in found.items():
        for inner in paths:
            folder = _folder(inner)
            while kind not in below.setdefault(folder, set()):
                below[folder].add(kind)
                if not folder:
                    break
                folder = _folder(folder)
    folders = {_folder(p) for paths in found.values() for p in paths}

    def kinds(folder: str) -> int:
        return len(below[folder])

    def rank(folder: str) -> tuple[int, int, str]:
        return (-kinds(folder), _depth(folder), folder)

    best = min(folders, key=rank)
    others = [f for f in folders if not _within(f + "/", best)]
    if not others:
        return best, None
    runner = min(others, key=rank)
    if kinds(best) > kinds(runner):
        why = f"as it holds the most kinds of export file ({kinds(best)})"
    elif _depth(best) < _depth(runner):
        why = f"as it is nearest the top of the {container}"
    else:
        why = "as the first in name order (the others hold as many kinds of export file, as deep)"
    return best, (
        f"this {container} holds LinkedIn export files in {len(others) + 1:,} folders, as if "
        f"from several exports: used {_shown(best, container)}, {why}; to import another, "
        "give its folder on its own"
    )


def _folder(inner: str) -> str:
    return inner.rpartition("/")[0]


def _depth(folder: str) -> int:
    return folder.count("/") + 1 if folder else 0


def _within(inner: str, folder: str) -> bool:
    """Whether the path *inner* lies in *folder* (``""``: the top level), at any depth."""
    return not folder or inner.startswith(folder + "/")


def _place(inner: str) -> tuple[int, str]:
    """How files of one kind are ordered: nearest the top first, then by name."""
    return inner.count("/"), inner


def _shown(folder: str, container: str) -> str:
    return f"{folder}/" if folder else f"the top level of the {container}"


def _unused_notes(inner_paths: list[str]) -> list[str]:
    """One note per file not used, the first _SHOWN_UNUSED of them, then how many more."""
    notes = [f"not used: {p}" for p in inner_paths[:_SHOWN_UNUSED]]
    if len(inner_paths) > _SHOWN_UNUSED:
        notes.append(f"not used: {len(inner_paths) - _SHOWN_UNUSED:,} more files")
    return notes


def _kind_of_loose(source: Source) -> str:
    named = _FILE_NAMES.get(Path(source.name).name.lower())
    if named is not None:  # LinkedIn's own name: its content must agree
        open_part(source, named)
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


def open_part(source: Source, kind: str) -> Table:
    """Open one part, checking its header is the kind its name says."""
    wanted = "recommendations" if kind.startswith("recommendations") else kind

    def fits(header: list[str]) -> bool:
        return classify_header(header) is not None

    try:
        table = read_table(source, looks_like_header=fits)
    except InputError as err:
        if "header" in err.message:
            raise _missing_column(source, kind, wanted) or InputError(
                f"does not look like LinkedIn's {_display(kind)}",
                file=source.name,
                hint=f"its header should hold {', '.join(_needed(wanted))}",
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


def _needed(kind: str) -> tuple[str, ...]:
    return next(needed for k, needed in _SIGNATURES if k == kind)


def _lacking(header: list[str], kind: str) -> str | None:
    """The one column a header lacks to be ``kind``'s (LinkedIn's first signature for it
    first), or ``None`` when it lacks none or more than one."""
    names = {_key(h) for h in header}
    for k, needed in _SIGNATURES:
        missing = [n for n in needed if n.lower() not in names]
        if k == kind and len(missing) == 1 and len(needed) > 1:
            return missing[0]
    return None


def _missing_column(source: Source, kind: str, wanted: str) -> InputError | None:
    """The error for a file named as ``kind`` whose header lacks just one of its columns
    (``no Last Name column (found: First Name, Company, ...)``), or ``None`` if it is not
    that close to one."""
    try:
        table = read_table(source, looks_like_header=lambda h: _lacking(h, wanted) is not None)
    except InputError:
        return None
    needed = " and ".join(", ".join(_needed(wanted)).rsplit(", ", 1))
    return InputError(
        f"no {_lacking(table.header, wanted)} column (found: {', '.join(table.header)})",
        file=source.name,
        line=table.header_line,
        hint=f"LinkedIn's {_display(kind)} has {needed}: export it from LinkedIn again, or"
        " add the column",
    )


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


class Columns:
    """Column positions by the lower-case name LinkedIn gives a column (``first name``),
    whatever the file's case, spaces or punctuation (``FirstName``, ``FIRST NAME``).

    A file with one name column (``Name`` or ``Full Name``) and no ``First Name`` or
    ``Last Name`` reads it as ``first name``, the full name, and says so in :attr:`notes`.
    """

    def __init__(self, table: Table) -> None:
        self.header = table.header
        self.index: dict[str, int] = {}
        for i, h in enumerate(table.header):
            self.index.setdefault(_key(h), i)  # the first of two alike columns
        self.notes: list[str] = []
        self.single_name = (
            self.index.get("name")
            if "first name" not in self.index and "last name" not in self.index
            else None
        )
        if self.single_name is not None:
            self.index["first name"] = self.single_name
            self.notes.append(one_name_column(column_label(self.header, self.single_name)))
        self.blanks = Blanks(table.header)

    def get(self, fields: list[str], name: str) -> str:
        i = self.index.get(name)
        return self.blanks.clean(fields[i], fields, i) if i is not None and i < len(fields) else ""

    def has(self, name: str) -> bool:
        return name in self.index

    def choices(self, names: tuple[str, ...]) -> list[ColumnChoice]:
        """Which column each of ``names`` is read from, for the import report."""
        out = []
        for name in names:
            i = self.index.get(name)
            if i is None:
                continue
            single = i == self.single_name and name == "first name"
            out.append(
                ColumnChoice(
                    "name" if single else name,
                    (column_label(self.header, i),),
                    "the only name column: read as full names" if single else "",
                    unusual=single,
                )
            )
        return out


def full_name(first: str, last: str) -> str:
    return " ".join(p for p in (first.strip(), last.strip()) if p)


def _month(text: str) -> str | None:
    try:
        return parse_month(text)
    except ValueError:
        return None
