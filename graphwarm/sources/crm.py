"""Readers for CRM and address-book exports: people, target accounts and relationships.

Columns are found by name, case-, space- and punctuation-insensitively, with the synonyms
HubSpot, Salesforce, Pipedrive, Google and Outlook use (and Swedish/Norwegian/Finnish ones);
``--column field=Header`` overrides. A file whose columns cannot be told apart is an error
that lists the headers it has and the flag that fixes it; nothing is guessed silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ..errors import InputError
from ._csvfile import Source, Table, read_table
from .records import PersonRecord, TieRecord

__all__ = [
    "ACCOUNT_FIELDS",
    "PEOPLE_FIELDS",
    "TIE_FIELDS",
    "AccountRecord",
    "AccountsReader",
    "PeopleReader",
    "TableReader",
    "TiesReader",
]


def _norm(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.casefold())


def _syn(*names: str) -> tuple[str, ...]:
    return tuple(_norm(n) for n in names)


PEOPLE_FIELDS: dict[str, tuple[str, ...]] = {
    "name": _syn(
        "name",
        "full name",
        "contact name",
        "person - name",
        "person name",
        "display name",
        "namn",
        "fullständigt namn",
        "navn",
        "nimi",
    ),
    "first_name": _syn("first name", "firstname", "given name", "förnamn", "fornavn", "etunimi"),
    "last_name": _syn(
        "last name", "lastname", "surname", "family name", "efternamn", "etternavn", "sukunimi"
    ),
    "company": _syn(
        "company name",
        "company",
        "associated company",
        "account name",
        "account",
        "account.name",
        "organization",
        "organisation",
        "organization name",
        "person - organization",
        "organization - name",
        "employer",
        "företag",
        "företagsnamn",
        "firma",
        "bedrift",
        "yritys",
    ),
    "title": _syn(
        "job title",
        "title",
        "position",
        "role",
        "organization title",
        "person - title",
        "befattning",
        "titel",
        "tittel",
        "stilling",
        "jobbtitel",
        "yrkestitel",
        "titteli",
    ),
    "email": _syn(
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "e-mail 1 - value",
        "person - email - work",
        "person - email",
        "work email",
        "primary email",
        "e-post",
        "epost",
        "e-postadress",
        "sähköposti",
    ),
    "url": _syn(
        "linkedin url",
        "linkedin",
        "linkedin profile",
        "linkedin profile url",
        "profile url",
        "url",
        "public profile url",
    ),
}
ACCOUNT_FIELDS: dict[str, tuple[str, ...]] = {
    "name": _syn(
        "company name",
        "account name",
        "name",
        "organization name",
        "organization - name",
        "organisation",
        "organization",
        "company",
        "account",
        "företagsnamn",
        "företag",
        "bedrift",
        "yritys",
    ),
    "domain": _syn(
        "company domain name",
        "domain",
        "website",
        "website url",
        "web",
        "domän",
        "webbplats",
        "nettside",
    ),
    "tier": _syn("tier", "priority", "segment", "prioritet"),
    "value": _syn(
        "value", "deal value", "potential", "potential value", "expected value", "amount", "värde"
    ),
}
TIE_FIELDS: dict[str, tuple[str, ...]] = {
    **{
        f"{side}_{field}": _syn(f"{side}_{field}", f"person {side} {field}", f"{side} {field}")
        for side in "ab"
        for field in ("name", "company", "email", "url")
    },
    "kind": _syn("kind", "relationship", "relation", "type", "relationship type"),
    "strength": _syn("strength", "weight", "score", "tie strength"),
}


class TableReader:
    """A CSV file read with a field → column mapping; iterate for records."""

    fields: ClassVar[dict[str, tuple[str, ...]]] = {}
    what: ClassVar[str] = "file"

    def __init__(self, path: str | Path, *, columns: dict[str, str] | None = None) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise InputError("no such file", file=self.path, hint="check the path")
        if self.path.is_dir():
            raise InputError("is a folder, not a CSV file", file=self.path)
        source = Source.from_path(self.path)
        self.sha256 = source.sha256()
        self.table: Table = read_table(source)
        self.column = self._map(self.table, columns or {})
        self.rows_read = 0
        self.skipped: list[tuple[int, str]] = []
        self.notes: list[str] = []

    def _map(self, table: Table, overrides: dict[str, str]) -> dict[str, int]:
        headers = {_norm(h): i for i, h in reversed(list(enumerate(table.header))) if h}
        mapping: dict[str, int] = {}
        for field, header in overrides.items():
            if field not in self.fields:
                raise InputError(
                    f"--column {field}= is not a field of {self.what} files",
                    file=self.path,
                    hint=f"fields: {', '.join(self.fields)}",
                )
            if _norm(header) not in headers:
                raise InputError(
                    f"--column {field}={header}: no column {header!r}",
                    file=self.path,
                    line=table.header_line,
                    hint=f"the columns are: {', '.join(table.header)}",
                )
            mapping[field] = headers[_norm(header)]
        taken = set(mapping.values())
        for field, synonyms in self.fields.items():
            if field in mapping:
                continue
            for name in synonyms:
                index = headers.get(name)
                if index is not None and index not in taken:
                    mapping[field] = index
                    taken.add(index)
                    break
        self._check(mapping, table)
        return mapping

    def _check(self, mapping: dict[str, int], table: Table) -> None:
        raise NotImplementedError

    def _missing(self, table: Table, needed: str, example: str) -> InputError:
        return InputError(
            f"has no column for {needed} (columns: {', '.join(table.header)})",
            file=self.path,
            line=table.header_line,
            hint=f"name it with --column, e.g. --column {example}",
        )

    def get(self, fields: list[str], field: str) -> str:
        index = self.column.get(field)
        return fields[index] if index is not None else ""

    def _rows(self) -> Iterator[tuple[int, list[str]]]:
        for row in self.table.rows():
            self.rows_read += 1
            if not any(row.fields):
                self.skipped.append((row.line, "empty row"))
                continue
            yield row.line, row.fields
        self.rows_read += len(self.table.skipped)
        self.skipped.extend(self.table.skipped)
        self.notes.extend(self.table.decoding_notes())
        if self.table.footer_lines:
            self.notes.append(f"report footer ignored ({self.table.footer_lines} lines)")
        if self.table.repaired_lines:
            self.notes.append(f"repaired garbled characters on {self.table.repaired_lines} lines")
        if self.rows_read == 0:
            raise InputError(
                f"has a header but no {self.what} rows", file=self.path, line=self.table.header_line
            )


class PeopleReader(TableReader):
    """Contacts: one :class:`PersonRecord` per row."""

    fields = PEOPLE_FIELDS
    what = "people"

    def __init__(
        self, path: str | Path, *, columns: dict[str, str] | None = None, target: bool = False
    ) -> None:
        super().__init__(path, columns=columns)
        self.target = target

    def _check(self, mapping: dict[str, int], table: Table) -> None:
        if not ({"name", "first_name", "last_name"} & mapping.keys()):
            raise self._missing(table, "the person's name", '"name=Full Name"')

    def __iter__(self) -> Iterator[PersonRecord]:
        for line, f in self._rows():
            name = self.get(f, "name") or " ".join(
                p for p in (self.get(f, "first_name"), self.get(f, "last_name")) if p
            )
            email = self.get(f, "email").split(" ::: ")[0].strip()
            if not name.strip() and not email:
                self.skipped.append((line, "no name and no e-mail"))
                continue
            yield PersonRecord(
                name=name or None,
                url=self.get(f, "url") or None,
                email=email or None,
                company=self.get(f, "company") or None,
                title=self.get(f, "title") or None,
                is_target=self.target,
                line=line,
            )


@dataclass(slots=True)
class AccountRecord:
    """One target account row."""

    name: str
    domain: str | None
    tier: str | None
    value: float | None
    line: int


class AccountsReader(TableReader):
    """Target accounts: name, domain, tier, value."""

    fields = ACCOUNT_FIELDS
    what = "account"

    def _check(self, mapping: dict[str, int], table: Table) -> None:
        if "name" not in mapping:
            raise self._missing(table, "the account name", '"name=Company"')

    def __iter__(self) -> Iterator[AccountRecord]:
        for line, f in self._rows():
            name = self.get(f, "name")
            if not name:
                self.skipped.append((line, "no account name"))
                continue
            raw_value = self.get(f, "value")
            value = None
            if raw_value:
                try:
                    value = _number(raw_value)
                except ValueError:
                    self.skipped.append((line, f"value {raw_value!r} is not a number"))
                    continue
            yield AccountRecord(
                name=name,
                domain=self.get(f, "domain") or None,
                tier=self.get(f, "tier") or None,
                value=value,
                line=line,
            )


class TiesReader(TableReader):
    """Known relationships: one :class:`TieRecord` between two people per row."""

    fields = TIE_FIELDS
    what = "relationship"

    def _check(self, mapping: dict[str, int], table: Table) -> None:
        for side in "ab":
            if not ({f"{side}_name", f"{side}_email", f"{side}_url"} & mapping.keys()):
                raise self._missing(
                    table,
                    f"person {side.upper()} (a name, e-mail or URL)",
                    f'"{side}_name=Person {side.upper()}"',
                )

    def _person(self, f: list[str], side: str, line: int) -> PersonRecord | None:
        rec = PersonRecord(
            name=self.get(f, f"{side}_name") or None,
            company=self.get(f, f"{side}_company") or None,
            email=self.get(f, f"{side}_email") or None,
            url=self.get(f, f"{side}_url") or None,
            line=line,
        )
        return rec if (rec.name or rec.email or rec.url) else None

    def __iter__(self) -> Iterator[TieRecord]:
        for line, f in self._rows():
            a, b = self._person(f, "a", line), self._person(f, "b", line)
            if a is None or b is None:
                self.skipped.append((line, f"person {'A' if a is None else 'B'} is empty"))
                continue
            raw = self.get(f, "strength")
            strength = None
            if raw:
                try:
                    strength = _number(raw)
                except ValueError:
                    strength = -1.0
                if not 0.0 <= strength <= 1.0:
                    self.skipped.append((line, f"strength {raw!r} is not a number from 0 to 1"))
                    continue
            yield TieRecord(
                a=a, b=b, kind=self.get(f, "kind") or "relationship", strength=strength, line=line
            )


def _number(text: str) -> float:
    """``'1 200,50'`` or ``'1,200.50'`` or ``'0,7'`` → a float."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    return float(cleaned)
