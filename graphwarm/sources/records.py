"""What importers hand to the workspace: people and ties as seen in one file, not yet resolved.

Readers build these from rows; :mod:`graphwarm.workspace.resolve` decides which stored
person each one is. Keeping the two apart lets every reader stay a pure function of its input.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = [
    "ColumnChoice",
    "ImportReport",
    "InteractionRecord",
    "PersonRecord",
    "PositionRecord",
    "TieRecord",
    "column_label",
    "import_unit",
]


@dataclass(slots=True)
class PersonRecord:
    """A person as one row of one file describes them."""

    name: str | None = None
    url: str | None = None
    email: str | None = None
    company: str | None = None
    title: str | None = None
    is_target: bool = False
    line: int | None = None
    keys: tuple[str | None, str | None] | None = field(default=None, repr=False, compare=False)
    """``(url_key(url), name_key(name))`` when the reader worked them out already (the
    resolver then need not); whoever changes ``url`` or ``name`` afterwards must reset it."""


@dataclass(slots=True)
class TieRecord:
    """The signals one file gives about the tie between ``a`` and ``b``.

    ``a is None`` stands for the member whose export is being read. Directional counts read
    "from a to b" (``msgs_ab``) and "from b to a" (``msgs_ba``). Dates are ISO ``YYYY-MM-DD``.
    """

    a: PersonRecord | None
    b: PersonRecord
    connected_on: str | None = None
    msgs_ab: int = 0
    msgs_ba: int = 0
    first_msg: str | None = None
    last_msg: str | None = None
    endorse_ab: int = 0
    endorse_ba: int = 0
    recs_ab: int = 0
    recs_ba: int = 0
    kind: str | None = None
    strength: float | None = None
    line: int | None = None


@dataclass(slots=True)
class InteractionRecord:
    """What a member's mailbox or calendar says about one correspondent ``b``: e-mails and
    replies each way (``_ab``: from the member to ``b``), meetings, first and last dates (ISO
    ``YYYY-MM-DD``). Counts and dates only: no subject, body or event text."""

    b: PersonRecord
    mails_ab: int = 0
    mails_ba: int = 0
    replies_ab: int = 0
    replies_ba: int = 0
    first_mail: str | None = None
    last_mail: str | None = None
    meetings: int = 0
    first_meeting: str | None = None
    last_meeting: str | None = None


@dataclass(slots=True)
class PositionRecord:
    """One line of a member's Positions.csv: where they worked and when (``YYYY-MM`` dates)."""

    company: str
    title: str | None
    started: str | None
    finished: str | None
    line: int | None = None
    ended: bool = False
    """The file says the position ended (its ``Finished On`` is not empty), even when that
    date cannot be read and ``finished`` is ``None``: an ended job is never the current one."""


def import_unit(kind: str) -> str:
    """What an import of this kind counts: ``messages`` (mail), ``events`` (calendar) or
    ``rows``."""
    return {"mail": "messages", "calendar": "events"}.get(kind, "rows")


def column_label(header: list[str], index: int) -> str:
    """How a report names a column: ``'Company name' (column 21)``, counting from 1."""
    return f"{header[index]!r} (column {index + 1})"


@dataclass(frozen=True, slots=True)
class ColumnChoice:
    """Which column(s) a file's values for one field were read from, and why.

    ``str()`` gives the report's line: ``company ← 'Company Name' (column 8), then
    'Company name' (column 21): the first that is not empty``.
    """

    field: str
    sources: tuple[str, ...]
    """Where the values come from, in reading order (the first non-empty one wins), as
    :func:`column_label` names them."""
    how: str = ""
    """Why, when not plainly by its name: ``as --column asked``, ``matched fuzzily to
    'job title'``."""
    unusual: bool = False
    """Worth showing without ``-v``: a fuzzy match, several columns, one name column."""

    def __str__(self) -> str:
        text = f"{self.field} ← {self.sources[0]}"
        if len(self.sources) > 1:
            text += "".join(f", then {s}" for s in self.sources[1:])
            text += ": the first that is not empty"
        return f"{text}; {self.how}" if self.how else text


@dataclass
class ImportReport:
    """What one import did: counts, skipped rows with reasons, and whether anything changed."""

    file: str
    kind: str
    member: str | None = None
    rows_read: int = 0
    rows_imported: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    merged: int = 0
    unchanged: bool = False
    replaced: bool = False
    notes: list[str] = field(default_factory=list)
    columns: list[ColumnChoice] = field(default_factory=list)
    """Which column each field was read from (``graphwarm -v import`` prints them)."""
    skip_counts: Counter[str] = field(default_factory=Counter)
    """Skips counted per reason rather than listed one by one (a mailbox skips thousands of
    newsletters): ``{"mailing list (List-Id or List-Unsubscribe)": 1234}``."""

    @property
    def rows_skipped(self) -> int:
        return len(self.skipped) + sum(self.skip_counts.values())

    @property
    def unit(self) -> str:
        """What ``rows_read`` counts: ``rows``, or ``messages`` of a mailbox, ``events`` of a
        calendar."""
        return import_unit(self.kind)

    @property
    def columns_unusual(self) -> bool:
        """Whether a column was chosen in a way worth a look (fuzzily, one of several, ...)."""
        return any(c.unusual for c in self.columns)
