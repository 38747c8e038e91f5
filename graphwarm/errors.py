"""The exceptions graphwarm raises.

Library code never prints or exits: it raises one of these, and the CLI turns it into one
``Error: …`` line and a non-zero exit. Each carries where the problem is (file, line, column)
and, where one exists, what the user can do about it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AmbiguousQueryError",
    "GraphwarmError",
    "InputError",
    "NotFoundError",
    "SettingsError",
    "WorkspaceError",
]


class GraphwarmError(Exception):
    """Base class: a problem the user can fix, with its place and a remedy.

    >>> str(InputError("unterminated quote", file="c.csv", line=7, hint="close the quote"))
    'c.csv, line 7: unterminated quote. close the quote'
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: str | int | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(self.__str__())

    def where(self) -> str:
        """``file, line N, column C`` for the parts that are known."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(
                f"column {self.column!r}"
                if isinstance(self.column, str)
                else f"column {self.column}"
            )
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text = f"{text.rstrip('.')}. {self.hint}"
        return text


class InputError(GraphwarmError):
    """An input file cannot be read as what it was given as."""


class SettingsError(GraphwarmError):
    """``graphwarm.toml`` has an unknown key or a value out of range."""


class WorkspaceError(GraphwarmError):
    """The workspace database is missing, locked, corrupt or from a newer release."""


class NotFoundError(GraphwarmError):
    """A person, member or account named on the command line is not in the workspace."""


class AmbiguousQueryError(NotFoundError):
    """A query names more than one person or account; ``candidates`` lists them."""

    def __init__(self, message: str, candidates: list[str], **kwargs: object) -> None:
        self.candidates = candidates
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
