"""What a LinkedIn export is: a ``.zip``, the folder it unpacks to, or loose files from one,
and which of its files graphwarm reads. Each file is recognised by its header (file names vary
in case across years) and opened with the CSV reader of :mod:`graphwarm.sources._csvfile`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ._csvfile import Source, Table, read_table
from ._dates import parse_month
from ._values import Blanks
from .records import PositionRecord

__all__ = [
    "PARTS",
    "Columns",
    "Export",
    "Part",
    "classify_header",
    "find_exports",
    "full_name",
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
        table = open_part(part.source, "profile")
        col = Columns(table)
        for row in table.rows():
            name = full_name(col.get(row.fields, "first name"), col.get(row.fields, "last name"))
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
        table = open_part(part.source, "positions")
        col = Columns(table)
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
        table = open_part(source, kind)  # checks that the header fits the name
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


class Columns:
    """Column positions by lower-case header name."""

    def __init__(self, table: Table) -> None:
        self.index = {h.strip().lower(): i for i, h in enumerate(table.header)}
        self.blanks = Blanks(table.header)

    def get(self, fields: list[str], name: str) -> str:
        i = self.index.get(name)
        return self.blanks.clean(fields[i], fields, i) if i is not None and i < len(fields) else ""

    def has(self, name: str) -> bool:
        return name in self.index


def full_name(first: str, last: str) -> str:
    return " ".join(p for p in (first.strip(), last.strip()) if p)


def _month(text: str) -> str | None:
    try:
        return parse_month(text)
    except ValueError:
        return None
