"""Reading a member's mailbox: who wrote to whom and when, from the headers alone.

A Google Takeout ``.mbox`` (loose, or inside its ``.zip`` / ``.tgz``), ``.eml`` or Outlook
``.msg`` files or a folder of them. The mailbox is streamed line by line and split at its
``From `` lines (a ``.msg``'s header block comes from :mod:`._msg`); only each message's
header block is parsed (``From``, ``To``, ``Cc``, ``Date``, ``Message-ID``,
``In-Reply-To``, the list and bulk markers, ``X-Gmail-Labels``). A subject, a body or an
attachment is never parsed or kept: what leaves this module is counts and dates per
correspondent (:class:`~graphwarm.sources.records.InteractionRecord`).

What is not a relationship is skipped and counted per reason: mailing lists, bulk and
automatic mail, no-reply senders, Spam and Trash, messages to more than ``max_recipients``
people, messages without a date or sender, and those neither from nor to the member.
"""

from __future__ import annotations

import datetime as dt
import email.errors
import email.header
import email.utils
import hashlib
import re
import tarfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path
from typing import IO

from .._words import counted
from ..errors import InputError
from ..identity import email_key
from ._msg import msg_header_block
from ._owner import member_addresses
from .records import InteractionRecord, PersonRecord

__all__ = ["MailReader"]

_Progress = Callable[[str, int], None]  # as graphwarm.workspace.imports.Progress

# Why a message is not counted, as the import report names it.
_SPAM = "labelled Spam or Trash"
_DRAFT = "an unsent draft (labelled Drafts)"
_LIST = "mailing list (List-Id or List-Unsubscribe)"
_BULK = "bulk or automatic (Precedence or Auto-Submitted)"
_NO_REPLY = "from a no-reply address"
_CROWD = "to more than {max_recipients} recipients"
_NO_DATE = "no readable Date"
_NO_SENDER = "no sender address"
_NOT_MEMBER = "neither from nor to the member"
_SELF = "only between the member's own addresses"
_CUT = "cut off inside its headers (the file ends there)"
_NOT_MAIL = "not an e-mail (no From, To or Date header)"

_NO_REPLY_RE = re.compile(
    r"^(?:.*[-_.+])?(?:no-?reply|do-?not-?reply|donotreply|mailer-daemon|postmaster|bounces?)"
    r"(?:[-_.+].*)?@",
    re.IGNORECASE,
)
# The headers read; every other (Subject first of all) is passed over.
_WANTED = frozenset(
    [
        "from",
        "to",
        "cc",
        "date",
        "message-id",
        "in-reply-to",
        "list-id",
        "list-unsubscribe",
        "precedence",
        "auto-submitted",
        "x-gmail-labels",
    ]
)
_MAX_HEADER = 256 * 1024  # of a header block no more is kept (a file that is not mail)
_MAILBOX_SUFFIXES = (".mbox", ".eml", ".msg")
_EPOCH = dt.date(1970, 1, 1)
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Outlook .msg (and other Office files)
# A header block, why a message is skipped (a .msg's), or None: cut off; and the mbox date.
_Block = tuple[bytes | str | None, str | None]
_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+:")


@dataclass(slots=True)
class _Message:
    """What one counted message leaves behind: its day, sender, recipients and thread ids."""

    day: int
    sender: int
    recipients: tuple[int, ...]
    message_id: int
    reply_to: int


class MailReader:
    """One member's mailbox: one or more files (mbox, eml, msg, zip or tgz of them, folders).

    ``sha256`` (of every file read, in order) is known on construction, so an unchanged
    mailbox is recognised before it is read; :meth:`read` makes one pass over the messages,
    and :meth:`records` then gives one record per correspondent of the member.
    """

    def __init__(
        self,
        paths: Sequence[str | Path],
        *,
        max_recipients: int = 10,
        progress: _Progress | None = None,
    ) -> None:
        if not paths:
            raise InputError("no mailbox given", hint="name an .mbox, .eml, .msg, folder or .zip")
        self.paths = [Path(p) for p in paths]
        self.name = ", ".join(str(p) for p in paths)
        self.max_recipients = max_recipients
        self.progress = progress
        self.inputs = [_Input.open(p) for p in self.paths]
        digest = hashlib.sha256()
        for one in self.inputs:
            one.hash_into(digest)
        self.sha256 = digest.hexdigest()
        self.rows_read = 0
        self.rows_imported = 0
        self.skip_counts: Counter[str] = Counter()
        self.notes: list[str] = []
        self.owners: set[str] = set()
        self._addresses: dict[str, int] = {}  # address → its index in _keys and _names
        self._records: list[InteractionRecord] = []  # what read() found
        self._keys: list[str] = []
        self._names: list[str | None] = []
        self._messages: list[_Message] = []
        self._sent_labelled: Counter[int] = Counter()
        self._undecoded = 0

    # -- reading ------------------------------------------------------------------------------

    def read(
        self, addresses: Iterable[str] = (), known: Iterable[str] = (), member: str = ""
    ) -> None:
        """Read every message's headers, then work out the member's own addresses.

        ``addresses``: the member's own, as given (``--address``); ``known``: those the
        workspace knows for the member; ``member``: their name. Raises :class:`InputError`
        when it cannot tell which address is the member's.
        """
        parser = BytesHeaderParser(policy=compat32)
        for one in self.inputs:
            for block, fallback_date in one.header_blocks():
                self.rows_read += 1
                if block is None:
                    self.skip_counts[_CUT] += 1
                    continue
                if isinstance(block, str):
                    self.skip_counts[block] += 1
                    continue
                self._take(parser.parsebytes(block), fallback_date)
                if self.progress and self.rows_read % 10_000 == 0:
                    self.progress("mail", self.rows_read)
            self.notes.extend(one.notes)
        if self.skip_counts[_CUT]:
            self.notes.append(
                "the mailbox ends inside a message's headers: was the file cut off? "
                "(download or unpack it again to be sure)"
            )
        if self._undecoded:
            self.notes.append(
                f"{self._undecoded:,} display names could not be decoded; those people are "
                "matched by address only"
            )
        if not self.rows_read:
            raise InputError("has no messages", file=self.name)
        self.owners = self._owners(addresses, known, member)
        self._records = list(self._tally())

    def _take(self, msg: Message, fallback_date: str | None) -> None:
        """Count one message's header block, or the reason it is skipped."""
        skip = self.skip_counts
        head: dict[str, list[str]] = {}
        for name, value in msg.raw_items():  # as written: 8-bit bytes still undecoded
            key = name.lower()
            if key in _WANTED:
                head.setdefault(key, []).append(_text(value))

        def one(key: str) -> str:
            return head[key][0].strip() if key in head else ""

        if not ("from" in head or "to" in head or "date" in head):
            skip[_NOT_MAIL] += 1
            return
        labels = {x.strip().lower() for x in one("x-gmail-labels").split(",")}
        if "spam" in labels or "trash" in labels:
            skip[_SPAM] += 1
            return
        if "drafts" in labels or "draft" in labels:  # Takeout names Gmail's label as shown
            skip[_DRAFT] += 1
            return
        if one("list-id") or one("list-unsubscribe"):
            skip[_LIST] += 1
            return
        precedence, auto = one("precedence").lower(), one("auto-submitted").lower()
        if precedence in ("bulk", "list", "junk") or (auto and auto != "no"):
            skip[_BULK] += 1
            return
        senders = self._people(head.get("from", []))
        if not senders:
            skip[_NO_SENDER] += 1
            return
        sender = senders[0]
        if _NO_REPLY_RE.match(self._keys[sender]):
            skip[_NO_REPLY] += 1
            return
        people = self._people(head.get("to", []) + head.get("cc", []))
        recipients = tuple(dict.fromkeys(r for r in people if r != sender))
        if len(recipients) > self.max_recipients:
            skip[_CROWD.format(max_recipients=self.max_recipients)] += 1
            return
        day = _day(one("date"), fallback_date)
        if day is None:
            skip[_NO_DATE] += 1
            return
        if "sent" in labels:
            self._sent_labelled[sender] += 1
        self._messages.append(
            _Message(
                day,
                sender,
                recipients,
                _thread_id(one("message-id")),
                _thread_id(one("in-reply-to")),
            )
        )

    def _people(self, values: list[str]) -> list[int]:
        """Address indices of the people in header values, learning their display names."""
        found = []
        for name, address in email.utils.getaddresses(values):
            key = email_key(address)
            if key is None:
                continue
            index = self._addresses.get(key)
            if index is None:
                index = self._addresses[key] = len(self._keys)
                self._keys.append(key)
                self._names.append(None)
            if self._names[index] is None and name:
                self._names[index] = self._display(name)
            found.append(index)
        return found

    def _display(self, name: str) -> str | None:
        """A display name decoded (RFC 2047) and in the order people write it."""
        if "=?" in name:
            try:
                name = str(email.header.make_header(email.header.decode_header(name)))
            except (LookupError, ValueError, email.errors.HeaderParseError):
                self._undecoded += 1
                return None
        name = " ".join(name.replace('"', " ").split())
        if "@" in name or not name:  # an address where the name should be
            return None
        last, comma, first = name.partition(",")
        if comma and first.strip() and "," not in first and " " not in last.strip():
            name = f"{first.strip()} {last.strip()}"  # Outlook's "Ahl, Lina"
        return name

    def _owners(self, given: Iterable[str], known: Iterable[str], member: str) -> set[str]:
        """The member's own addresses (:func:`~graphwarm.sources._owner.member_addresses`);
        none needed when no message counts."""
        if not self._messages and not any(map(email_key, given)):
            return set()
        on: Counter[str] = Counter()
        for m in self._messages:
            on[self._keys[m.sender]] += 1
            on.update(self._keys[r] for r in m.recipients)
        owners, note = member_addresses(
            given=given,
            known=known,
            member=member,
            names=dict(zip(self._keys, self._names, strict=True)),
            on=on,
            total=len(self._messages),
            own=[self._keys[i] for i in self._sent_labelled],
            own_how="senders of the messages labelled Sent",
            own_none="no message is labelled Sent",
            unit="messages",
            file=self.name,
        )
        self.notes.append(note)
        return owners

    # -- what it found ------------------------------------------------------------------------

    def records(self) -> Iterator[InteractionRecord]:
        """One record per correspondent of the member, in the order first seen."""
        return iter(self._records)

    def _tally(self) -> Iterator[InteractionRecord]:
        """The records, counting the messages or events that count and those skipped."""
        owners = {self._addresses[a] for a in self.owners if a in self._addresses}
        by_id = {m.message_id: m.sender for m in self._messages if m.message_id}
        found: dict[int, list[int]] = {}  # correspondent → [ab, ba, rep_ab, rep_ba, first, last]
        for m in self._messages:
            if m.sender in owners:
                others = [r for r in m.recipients if r not in owners]
                if not others:
                    self.skip_counts[_SELF] += 1
                    continue
                way = 0
            elif owners.intersection(m.recipients):
                others = [m.sender]
                way = 1
            else:
                self.skip_counts[_NOT_MEMBER] += 1
                continue
            self.rows_imported += 1
            answered = by_id.get(m.reply_to) if m.reply_to else None  # whose message it answers
            for other in others:
                pair = found.get(other)
                if pair is None:
                    pair = found[other] = [0, 0, 0, 0, m.day, m.day]
                pair[way] += 1
                if answered == other if way == 0 else answered in owners:
                    pair[2 + way] += 1
                pair[4] = min(pair[4], m.day)
                pair[5] = max(pair[5], m.day)
        for other, (ab, ba, rep_ab, rep_ba, first, last) in found.items():
            yield InteractionRecord(
                b=PersonRecord(name=self._names[other], email=self._keys[other]),
                mails_ab=ab,
                mails_ba=ba,
                replies_ab=rep_ab,
                replies_ba=rep_ba,
                first_mail=_iso(first),
                last_mail=_iso(last),
            )


# -- the files ------------------------------------------------------------------------------


class _Input:
    """One path given: a mailbox file, an .eml, a .msg, a folder, or a .zip / .tgz of them."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind  # "mbox", "eml", "msg", "folder", "zip", "tar"
        self.notes: list[str] = []
        self.files = self._files()

    @classmethod
    def open(cls, path: Path) -> _Input:
        if path.is_dir():
            return cls(path, "folder")
        try:
            with path.open("rb") as stream:
                head = stream.read(4096)
        except OSError as err:
            raise InputError(f"cannot be read ({err.strerror or err})", file=path) from err
        return cls(path, _sniff(path.name, head, path))

    def hash_into(self, digest: hashlib._Hash) -> None:
        """Add this input's bytes (a folder: each mail file's name and bytes) to ``digest``."""
        for name, open_file in self.files:
            digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
            with open_file() as stream:
                while chunk := stream.read(1 << 20):
                    digest.update(chunk)

    def _files(self) -> list[tuple[str, Callable[[], IO[bytes]]]]:
        if self.kind != "folder":
            return [(self.path.name, lambda: self.path.open("rb"))]
        files = sorted(p for p in self.path.rglob("*") if p.is_file())
        mail = [p for p in files if p.suffix.lower() in _MAILBOX_SUFFIXES]
        if not mail:
            raise InputError(
                "has no .mbox, .eml or .msg files",
                file=self.path,
                hint="point at the mailbox itself",
            )
        if len(mail) < len(files):
            self.notes.append(
                f"{self.path}: {counted(len(files) - len(mail), 'file')} not read "
                "(not .mbox, .eml or .msg)"
            )
        return [(p.relative_to(self.path).as_posix(), _opener(p)) for p in mail]

    def header_blocks(self) -> Iterator[_Block]:
        """Each message's header block (``None``: cut off; text: why it is skipped) and its
        mbox ``From `` line date."""
        if self.kind == "mbox":
            with self.path.open("rb") as stream:
                yield from _mbox_blocks(stream, str(self.path))
        elif self.kind == "eml":
            with self.path.open("rb") as stream:
                yield _eml_block(stream)
        elif self.kind == "msg":
            yield msg_header_block(self.path.read_bytes()), None
        elif self.kind == "folder":
            for name, open_file in self.files:
                with open_file() as stream:
                    yield from _file_blocks(stream, f"{self.path}/{name}")
        elif self.kind == "zip":
            yield from self._zip_blocks()
        else:
            yield from self._tar_blocks()

    def _zip_blocks(self) -> Iterator[_Block]:
        try:
            archive = zipfile.ZipFile(self.path)
            infos = [i for i in archive.infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, OSError) as err:
            raise InputError(f"is a damaged zip archive ({err})", file=self.path) from err
        with archive:
            mail = [i for i in infos if i.filename.lower().endswith(_MAILBOX_SUFFIXES)]
            self._note_others(len(infos) - len(mail), len(mail))
            for info in mail:
                name = f"{self.path}:{info.filename}"
                if info.flag_bits & 0x1:
                    raise InputError(
                        "is password-protected", file=name, hint="unzip it first, then import"
                    )
                try:
                    with archive.open(info) as stream:
                        yield from _file_blocks(stream, name)
                except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as err:
                    raise InputError(
                        f"cannot be read from the zip ({err})",
                        file=name,
                        hint="download the archive again, or unzip it and import the .mbox",
                    ) from None

    def _tar_blocks(self) -> Iterator[_Block]:
        found = others = 0
        try:
            with tarfile.open(self.path, mode="r|*") as archive:
                for member in archive:
                    if not member.isfile():
                        continue
                    if not member.name.lower().endswith(_MAILBOX_SUFFIXES):
                        others += 1
                        continue
                    found += 1
                    stream = archive.extractfile(member)
                    if stream is not None:
                        yield from _file_blocks(stream, f"{self.path}:{member.name}")
        except (tarfile.TarError, EOFError, zlib.error, OSError) as err:
            raise InputError(
                f"is a damaged archive ({err})",
                file=self.path,
                hint="download the archive again, or unpack it and import the .mbox",
            ) from None
        self._note_others(others, found)

    def _note_others(self, others: int, found: int) -> None:
        if not found:
            raise InputError(
                "has no .mbox, .eml or .msg inside",
                file=self.path,
                hint="a Google Takeout archive holds Takeout/Mail/*.mbox: export Mail too",
            )
        if others:
            self.notes.append(f"{self.path}: {counted(others, 'file')} not read (not mail)")


def _opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def _sniff(name: str, head: bytes, path: Path) -> str:
    """What a file is, from its first bytes (its name only for an .eml)."""
    if head.startswith(b"From "):
        return "mbox"
    if head.startswith(_OLE2_MAGIC):
        return "msg"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b") or head[257:262] == b"ustar":
        return "tar"
    if name.lower().endswith(".eml") or _HEADER_LINE.match(head):
        return "eml"
    raise InputError(
        "is not mail: not an mbox (it does not start with a 'From ' line), an .eml, an Outlook "
        ".msg, or a .zip or .tgz of them",
        file=path,
        hint="give the .mbox from Google Takeout (or its .zip / .tgz), or .eml or .msg files",
    )


def _file_blocks(stream: IO[bytes], name: str) -> Iterator[_Block]:
    """An mbox, one .eml or one .msg, told apart by their first bytes."""
    first = stream.readline()
    if first.startswith(_OLE2_MAGIC):
        yield msg_header_block(first + stream.read()), None
    elif first.startswith(b"From "):
        yield from _mbox_blocks(stream, name, first)
    else:
        yield _eml_block(stream, first)


def _mbox_blocks(stream: IO[bytes], name: str, first: bytes | None = None) -> Iterator[_Block]:
    """Split an mbox at its ``From `` lines; yield each header block, never a body.

    Only the current message's header lines are held; body lines are passed over.
    """
    if first is None:
        first = stream.readline()
    if not first.startswith(b"From "):
        raise InputError("is not an mbox: it does not start with a 'From ' line", file=name)
    lines: list[bytes] = []
    size = 0
    in_headers = True
    from_date = _from_line_date(first)
    for line in stream:
        if line.startswith(b"From "):
            if in_headers:  # a message with no body: its headers end here
                yield b"".join(lines), from_date
            lines, size, in_headers = [], 0, True
            from_date = _from_line_date(line)
        elif in_headers:
            if line in (b"\n", b"\r\n"):
                yield b"".join(lines), from_date
                in_headers = False
            elif size < _MAX_HEADER:
                lines.append(line)
                size += len(line)
    if in_headers:  # the file ends before the blank line that ends the headers
        yield None, None


def _eml_block(stream: IO[bytes], first: bytes | None = None) -> tuple[bytes | None, None]:
    """The header block of one message file (``None``: it ends inside its headers)."""
    lines = [] if first is None else [first]
    if first in (b"\n", b"\r\n"):
        return b"", None
    size = 0
    for line in stream:
        if line in (b"\n", b"\r\n"):
            return b"".join(lines), None
        if size < _MAX_HEADER:
            lines.append(line)
            size += len(line)
    return (b"".join(lines) or None), None


def _from_line_date(line: bytes) -> str | None:
    """The date an mbox ``From sender date`` line gives, as text (tried when Date fails)."""
    parts = line.decode("latin-1").split(None, 2)
    return parts[2].strip() if len(parts) == 3 else None


def _text(value: str) -> str:
    """A header value as text: raw 8-bit bytes read as UTF-8, else Windows-1252."""
    if value.isascii():
        return value
    try:
        raw = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:  # already text
        return value
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _day(value: str, fallback: str | None) -> int | None:
    """Days since 1970 of the day a message was written, in the writer's own time zone (a
    date without one is taken as written); the mbox ``From `` line when Date is unreadable."""
    for text in (value, fallback):
        if not text:
            continue
        text = text.strip()
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            try:
                when = dt.datetime.fromisoformat(text)
            except ValueError:
                continue
        if 1980 <= when.year <= 2100:
            return (when.date() - _EPOCH).days
    return None


def _thread_id(text: str) -> int:
    """A Message-ID (the first one in the value) as a number to match replies by; 0: none."""
    start = text.find("<")
    if start >= 0:
        end = text.find(">", start)
        text = text[start : end + 1] if end > start else text[start:]
    return (hash(text.lower()) or 1) if text else 0


def _iso(day: int) -> str:
    return (_EPOCH + dt.timedelta(days=day)).isoformat()
