"""What importers hand to the workspace: people and ties as seen in one file, not yet resolved.

Readers build these from rows; :mod:`graphwarm.workspace.resolve` decides which stored
person each one is. Keeping the two apart lets every reader stay a pure function of its input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ImportReport", "PersonRecord", "PositionRecord", "TieRecord"]


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
class PositionRecord:
    """One line of a member's Positions.csv: where they worked and when (``YYYY-MM`` dates)."""

    company: str
    title: str | None
    started: str | None
    finished: str | None
    line: int | None = None


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

    @property
    def rows_skipped(self) -> int:
        return len(self.skipped)
