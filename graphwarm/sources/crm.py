"""Readers for CRM and address-book exports: people, target accounts and relationships.

Columns are found by name (compared by :func:`~graphwarm.sources._headers.norm_header`: no
case, accents, spaces or punctuation), with the synonyms HubSpot, Salesforce, Pipedrive, Google
and Outlook use in English, Swedish, Norwegian, Danish, Finnish, German, French, Spanish and
Russian; ``--column field=Header`` overrides. A field several columns name (HubSpot's
``Company Name`` and ``Company name``) reads them in order, the first that is not empty; a
header that only nearly names a field (``Företagets namn``) is matched fuzzily, strictly and
never when it is as close to two fields. Every choice is in :attr:`TableReader.choices` for the
import report. A file whose columns cannot be told apart is an error that lists the headers it
has and the flag that fixes it; nothing is guessed silently.

A Salesforce data export names a contact's company by ``AccountId``: :class:`PeopleReader`
looks it up in the export's ``Account.csv`` (:class:`SalesforceAccounts`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rapidfuzz import fuzz, process

from ..errors import InputError
from ._archive import base_name, folder_entries, zip_entries
from ._csvfile import Source, Table, read_table
from ._headers import norm_header, one_name_column
from ._synonyms import (
    ACCOUNT_FIELDS,
    ACCOUNT_ID_FIELDS,
    ONLY_ALONE,
    PEOPLE_FIELDS,
    SPELLED,
    TIE_FIELDS,
)
from ._values import Blanks
from .records import ColumnChoice, PersonRecord, TieRecord, column_label

__all__ = [
    "ACCOUNT_FIELDS",
    "FUZZY_THRESHOLD",
    "PEOPLE_FIELDS",
    "TIE_FIELDS",
    "AccountRecord",
    "AccountsReader",
    "PeopleReader",
    "SalesforceAccounts",
    "TableReader",
    "TiesReader",
    "salesforce_id",
]

FUZZY_THRESHOLD = 90.0
"""The least similarity (0-100, :func:`rapidfuzz.fuzz.ratio` of the normalised names) at which
a header no synonym names is taken for a field: one letter added or dropped in a name of five
letters or more (``Emailadress``), two in one of ten or more (``Företagets namn``)."""

_DIGITS = re.compile(r"\d+")


@dataclass(slots=True)
class _Pick:
    """The columns chosen for one field, in reading order, and how they were chosen."""

    columns: list[int]
    how: str = ""
    unusual: bool = False


class TableReader:
    """A CSV file read with a field → column mapping; iterate for records.

    :attr:`column` maps each field to its column (and ``"company 2"``, ... to the further
    columns of a field several columns name); :meth:`value` reads a field, :attr:`choices`
    says where from.
    """

    fields: ClassVar[dict[str, tuple[str, ...]]] = {}
    what: ClassVar[str] = "file"
    may_be_empty: ClassVar[bool] = False
    """Whether a file with a header and no rows is fine (an export's object without records)."""

    def __init__(self, path: str | Path | Source, *, columns: dict[str, str] | None = None) -> None:
        source = path if isinstance(path, Source) else _csv_source(Path(path))
        self.name = source.name
        """The file as messages and reports name it (``export.zip:Contact.csv`` in a zip)."""
        self.sha256 = source.sha256()
        self.table: Table = read_table(source)
        self.rows_read = 0
        self.skipped: list[tuple[int, str]] = []
        self.notes: list[str] = []
        self.blanks = Blanks(self.table.header)
        self.column: dict[str, int] = {}
        self.choices: list[ColumnChoice] = []
        self._more: dict[str, tuple[str, ...]] = {}
        self._use(self._map(self.table, columns or {}))

    def _map(self, table: Table, overrides: dict[str, str]) -> dict[str, _Pick]:
        """Each field's columns: as ``--column`` says, else every column a synonym names
        (in the synonyms' order, then the file's), else a fuzzy near-miss."""
        header = table.header
        norms = [norm_header(h) for h in header]
        at: dict[str, list[int]] = {}
        for i, n in enumerate(norms):
            if n:
                at.setdefault(n, []).append(i)
        picks: dict[str, _Pick] = {}
        for field, text in overrides.items():
            if field not in self.fields:
                raise InputError(
                    f"--column {field}= is not a field of {self.what} files",
                    file=self.name,
                    hint=f"fields: {', '.join(self.fields)}",
                )
            # the header as written, else as the synonyms are compared
            found = [i for i, h in enumerate(header) if h == text.strip()]
            found = found or at.get(norm_header(text), [])
            if not found:
                raise InputError(
                    f"--column {field}={text}: no column {text!r}",
                    file=self.name,
                    line=table.header_line,
                    hint=f"the columns are: {', '.join(header)}",
                )
            picks[field] = _Pick(found, "as --column asked", unusual=len(found) > 1)
        taken = {i for pick in picks.values() for i in pick.columns}
        named = set(taken)  # every column some synonym names: not for the fuzzy matcher
        for field, synonyms in self.fields.items():
            main: list[int] = []
            alone: list[int] = []
            for name in synonyms:
                for i in at.get(name, ()):
                    named.add(i)
                    if i not in taken:
                        (alone if name in ONLY_ALONE else main).append(i)
            found = main or alone
            if field not in picks and found:
                picks[field] = _Pick(found, unusual=len(found) > 1)
        self._fuzzy(header, norms, picks, named)
        self._check(picks, table)
        return {f: picks[f] for f in self.fields if f in picks}

    def _fuzzy(
        self, header: list[str], norms: list[str], picks: dict[str, _Pick], named: set[int]
    ) -> None:
        """Give the fields still without a column a header that nearly names them: never one
        as close to two fields, nor one of two headers as close to a field (both are noted)."""
        wanted = [(syn, f) for f in self.fields if f not in picks for syn in self.fields[f]]
        if not wanted:
            return
        choices = [syn for syn, _ in wanted]
        best: dict[str, list[tuple[float, int, str]]] = {}
        for i, norm in enumerate(norms):
            if not norm or i in named:
                continue
            scores: dict[str, tuple[float, str]] = {}
            for syn, score, k in process.extract(
                norm, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=None
            ):
                if syn in norm or norm in syn or _DIGITS.findall(syn) != _DIGITS.findall(norm):
                    continue  # more than the synonym (Company ID), or another number (E-mail 2)
                field = wanted[k][1]
                scores[field] = max(scores.get(field, (0.0, "")), (score, syn))
            if not scores:
                continue
            top = max(score for score, _ in scores.values())
            fields = sorted(f for f, (score, _) in scores.items() if score == top)
            if len(fields) > 1:
                self.notes.append(
                    f"{column_label(header, i)} is as near to {' as to '.join(fields)}: not"
                    f" read (name it with --column {fields[0]}={header[i]} if it is one)"
                )
                continue
            best.setdefault(fields[0], []).append((top, i, scores[fields[0]][1]))
        for field, found in best.items():
            found.sort(key=lambda c: (-c[0], c[1]))
            tied = [c for c in found if c[0] == found[0][0]]
            if len(tied) > 1:
                labels = " and ".join(column_label(header, i) for _, i, _ in tied)
                self.notes.append(
                    f"{labels} are as near to {field} as each other: neither is read"
                    f" (name one with --column {field}=HEADER)"
                )
                continue
            _, i, syn = found[0]
            picks[field] = _Pick([i], f"matched fuzzily to {SPELLED[syn]!r}", unusual=True)

    def _check(self, picks: dict[str, _Pick], table: Table) -> None:
        """Raise for a file without the columns it needs; may rework ``picks``."""
        raise NotImplementedError

    def _missing(self, table: Table, what: str, example: str) -> InputError:
        return InputError(
            f"no {what} column (found: {', '.join(table.header)})",
            file=self.name,
            line=table.header_line,
            hint=f"name it with --column, e.g. --column {example}",
        )

    def _use(self, picks: dict[str, _Pick]) -> None:
        header = self.table.header
        for field, pick in picks.items():
            self.column[field] = pick.columns[0]
            more = []
            for n, index in enumerate(pick.columns[1:], 2):
                self.column[f"{field} {n}"] = index
                more.append(f"{field} {n}")
            if more:
                self._more[field] = tuple(more)
            sources = tuple(column_label(header, i) for i in pick.columns)
            self.choices.append(ColumnChoice(field, sources, pick.how, pick.unusual))

    def get(self, fields: list[str], field: str) -> str:
        index = self.column.get(field)
        return self.blanks.clean(fields[index], fields, index) if index is not None else ""

    def value(self, fields: list[str], field: str) -> str:
        """``field`` in one row: its first column, or where that is empty the next of its
        columns that is not."""
        text = self.get(fields, field)
        if text or field not in self._more:
            return text
        for key in self._more[field]:
            text = self.get(fields, key)
            if text:
                return text
        return ""

    def _reader(self, field: str) -> Callable[[list[str], str], str]:
        """:meth:`value` for a field several columns name, else the quicker :meth:`get`."""
        return self.value if field in self._more else self.get

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
        if blanked := self.blanks.note():
            self.notes.append(blanked)
        if self.rows_read == 0 and not self.may_be_empty:
            raise InputError(
                f"has a header but no {self.what} rows", file=self.name, line=self.table.header_line
            )


class PeopleReader(TableReader):
    """Contacts: one :class:`PersonRecord` per row.

    ``path`` may also be a Salesforce data export (its folder or ``.zip``): its
    ``Contact.csv`` is read, and its ``Account.csv`` names each contact's company by
    ``AccountId``; ``accounts`` names that file beside a loose ``Contact.csv``.
    """

    fields = PEOPLE_FIELDS
    what = "people"

    def __init__(
        self,
        path: str | Path | Source,
        *,
        columns: dict[str, str] | None = None,
        target: bool = False,
        accounts: str | Path | Source | None = None,
    ) -> None:
        contacts, found = _people_sources(path)
        self._accounts_asked = accounts is not None
        self._account_source: Source | None = found
        if isinstance(accounts, Source):
            self._account_source = accounts
        elif accounts is not None:
            self._account_source = _csv_source(Path(accounts))
        super().__init__(contacts, columns=columns)
        self.target = target
        self.accounts: dict[str, str] | None = None
        """Account Id → name, from the export's Account.csv (``None`` without one)."""
        self.accounts_sha256: str | None = None
        self._unknown_accounts: list[tuple[int, str]] = []
        if self._account_source is not None and "account_id" in self.column:
            self._read_accounts(self._account_source)
        elif self._account_source is not None:
            self.notes.append(f"{self._account_source.name} not used: no AccountId column")

    def _check(self, picks: dict[str, _Pick], table: Table) -> None:
        names = [f for f in ("name", "first_name", "last_name") if f in picks]
        if not names:
            raise self._missing(table, "name", '"name=Full Name"')
        if names in (["first_name"], ["last_name"]):  # one name column: the full name
            pick = picks.pop(names[0])
            how = "the only name column: read as full names"
            picks["name"] = _Pick(pick.columns, f"{pick.how}; {how}" if pick.how else how, True)
            self.notes.append(one_name_column(column_label(table.header, pick.columns[0])))
        if "account_id" not in picks:
            if self._accounts_asked:
                raise InputError(
                    "--accounts names an Account file, but this file has no AccountId column"
                    " to look its contacts' accounts up by",
                    file=self.name,
                    line=table.header_line,
                    hint="name the column with --column account_id=HEADER",
                )
        elif self._account_source is None and "company" not in picks:
            raise InputError(
                "names each contact's company by AccountId, but no Account file was given"
                " to look the names up in",
                file=self.name,
                line=table.header_line,
                hint="give the Account.csv of the same export with --accounts Account.csv, or"
                " import the whole export folder or .zip",
            )
        elif self._account_source is None:
            self.notes.append(
                f"{column_label(table.header, picks['account_id'].columns[0])} not used: no"
                " Account file given (--accounts)"
            )

    def _read_accounts(self, source: Source) -> None:
        """Read the Account file and say in the report how the company is found."""
        book = SalesforceAccounts(source)
        self.accounts = book.names()
        self.accounts_sha256 = book.sha256
        self.notes.append(
            f"{source.name}: {len(self.accounts):,} accounts read, to name each contact's"
            " company by its AccountId"
        )
        self.notes += [f"{source.name}: {note}" for note in book.notes]
        if book.skipped:
            line, reason = book.skipped[0]
            self.notes.append(
                f"{source.name}: {len(book.skipped)} rows not used (first: line {line}, {reason})"
            )
        account_id = next(c for c in self.choices if c.field == "account_id")
        join = f"{_file_name(source)}'s 'Name' for {account_id.sources[0]}"
        company = next((c for c in self.choices if c.field == "company"), None)
        joined = ColumnChoice("company", (join,))
        if company is not None:
            joined = ColumnChoice("company", (*company.sources, join), company.how, company.unusual)
            self.choices.remove(company)
        self.choices.insert(self.choices.index(account_id), joined)

    def __iter__(self) -> Iterator[PersonRecord]:
        name_of, first_of, last_of, email_of, company_of, title_of, url_of, account_of = map(
            self._reader,
            ("name", "first_name", "last_name", "email", "company", "title", "url", "account_id"),
        )
        accounts = self.accounts
        for line, f in self._rows():
            name = name_of(f, "name") or " ".join(
                p for p in (first_of(f, "first_name"), last_of(f, "last_name")) if p
            )
            email = email_of(f, "email").split(" ::: ")[0].strip()
            if not name.strip() and not email:
                self.skipped.append((line, "no name and no e-mail"))
                continue
            company = company_of(f, "company")
            if not company and accounts is not None:
                account_id = account_of(f, "account_id")
                company = accounts.get(salesforce_id(account_id), "") if account_id else ""
                if account_id and not company:
                    self._unknown_accounts.append((line, account_id))
            yield PersonRecord(
                name=name or None,
                url=url_of(f, "url") or None,
                email=email or None,
                company=company or None,
                title=title_of(f, "title") or None,
                is_target=self.target,
                line=line,
            )
        if self._unknown_accounts:
            line, account_id = self._unknown_accounts[0]
            n = len(self._unknown_accounts)
            file = _file_name(self._account_source)
            self.notes.append(
                f"{n} contact{' has' if n == 1 else 's have'} an AccountId that {file} does"
                f" not hold: imported without a company (first: line {line}, {account_id!r})"
            )


class SalesforceAccounts(TableReader):
    """A Salesforce export's ``Account.csv``: each account's name by its ``Id``."""

    fields = ACCOUNT_ID_FIELDS
    what = "account"

    def _check(self, picks: dict[str, _Pick], table: Table) -> None:
        for field, column in (("id", "Id"), ("name", "Name")):
            if field not in picks:
                raise InputError(
                    f"no {column} column (found: {', '.join(table.header)})",
                    file=self.name,
                    line=table.header_line,
                    hint="give the Account.csv of the Salesforce data export the contacts come"
                    " from (its columns are Id, Name, ...)",
                )

    def names(self) -> dict[str, str]:
        """Account Id → name (an Id twice: the first); rows without either are skipped."""
        out: dict[str, str] = {}
        for line, f in self._rows():
            key, name = salesforce_id(self.value(f, "id")), self.value(f, "name")
            if not key or not name:
                self.skipped.append((line, "no Id" if not key else "no Name"))
                continue
            out.setdefault(key, name)
        return out


def salesforce_id(text: str) -> str:
    """A Salesforce record Id as both its forms compare: the 18-character Id is the
    15-character one followed by a checksum of its letters' case."""
    text = text.strip()
    return text[:15] if len(text) == 18 and text.isalnum() else text


def _file_name(source: Source | None) -> str:
    """``Account.csv`` of ``export.zip:Account.csv`` or ``export/Account.csv``."""
    return Path(source.name.rsplit(":", 1)[-1]).name if source else "the Account file"


def _csv_source(path: Path) -> Source:
    """A CSV file to read, or why it cannot be one."""
    if not path.exists():
        raise InputError("no such file", file=path, hint="check the path")
    if path.is_dir():
        raise InputError("is a folder, not a CSV file", file=path)
    return Source.from_path(path)


def _people_sources(path: str | Path | Source) -> tuple[Source, Source | None]:
    """The contacts file to read, and the Account file beside it in a Salesforce export.

    A folder or ``.zip`` must hold one ``Contact.csv``; anything else is a CSV file.
    """
    if isinstance(path, Source):
        return path, None
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", file=path, hint="check the path")
    if path.is_dir():
        entries, what = folder_entries(path), "folder"
    elif path.suffix.lower() == ".zip":
        entries, what = zip_entries(path), "zip archive"
    else:
        return _csv_source(path), None
    sources = [source for _, source in entries]
    contacts = [s for s in sources if base_name(s) == "contact.csv"]
    accounts = [s for s in sources if base_name(s) == "account.csv"]
    if not contacts:
        raise InputError(
            f"is a {what} with no Contact.csv in it",
            file=path,
            hint="give the contacts CSV file itself, or a Salesforce data export (its folder"
            " or .zip) holding Contact.csv",
        )
    for found, name in ((contacts, "Contact.csv"), (accounts, "Account.csv")):
        if len(found) > 1:
            raise InputError(
                f"is a {what} with {len(found)} {name} files in it ({found[0].name}, ...)",
                file=path,
                hint="give the Contact.csv to import, and its Account.csv with --accounts",
            )
    return contacts[0], accounts[0] if accounts else None


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

    def _check(self, picks: dict[str, _Pick], table: Table) -> None:
        if "name" not in picks:
            raise self._missing(table, "account name", '"name=Company"')

    def __iter__(self) -> Iterator[AccountRecord]:
        read = self.value if self._more else self.get
        for line, f in self._rows():
            name = read(f, "name")
            if not name:
                self.skipped.append((line, "no account name"))
                continue
            raw_value = read(f, "value")
            value = None
            if raw_value:
                try:
                    value = _number(raw_value)
                except ValueError:
                    self.skipped.append((line, f"value {raw_value!r} is not a number"))
                    continue
            yield AccountRecord(
                name=name,
                domain=read(f, "domain") or None,
                tier=read(f, "tier") or None,
                value=value,
                line=line,
            )


class TiesReader(TableReader):
    """Known relationships: one :class:`TieRecord` between two people per row."""

    fields = TIE_FIELDS
    what = "relationship"

    def _check(self, picks: dict[str, _Pick], table: Table) -> None:
        for side in "ab":
            if not ({f"{side}_name", f"{side}_email", f"{side}_url"} & picks.keys()):
                raise self._missing(
                    table,
                    f"person {side.upper()} name, e-mail or URL",
                    f'"{side}_name=Person {side.upper()}"',
                )

    def _person(self, f: list[str], side: str, line: int) -> PersonRecord | None:
        rec = PersonRecord(
            name=self.value(f, f"{side}_name") or None,
            company=self.value(f, f"{side}_company") or None,
            email=self.value(f, f"{side}_email") or None,
            url=self.value(f, f"{side}_url") or None,
            line=line,
        )
        return rec if (rec.name or rec.email or rec.url) else None

    def __iter__(self) -> Iterator[TieRecord]:
        for line, f in self._rows():
            a, b = self._person(f, "a", line), self._person(f, "b", line)
            if a is None or b is None:
                self.skipped.append((line, f"person {'A' if a is None else 'B'} is empty"))
                continue
            raw = self.value(f, "strength")
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
                a=a, b=b, kind=self.value(f, "kind") or "relationship", strength=strength, line=line
            )


def _number(text: str) -> float:
    """``'1 200,50'`` or ``'1,200.50'`` or ``'0,7'`` → a float."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    return float(cleaned)
