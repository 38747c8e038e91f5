"""Outlook ``.msg`` files: one message's header block, never its body, subject or attachments.

A ``.msg`` is an OLE compound file ([MS-CFB], read with ``olefile``) of MAPI properties laid
out as [MS-OXMSG] says: a ``__properties_version1.0`` stream of fixed-size values, one
``__substg1.0_<id><type>`` stream per string, one ``__recip_version1.0_#n`` storage per
recipient. Outlook keeps the headers a received message came with
(``PR_TRANSPORT_MESSAGE_HEADERS``): those are handed on as they are, to be read like an
``.eml``'s. A message saved from Sent Items carries none; its header block is then written from
the MAPI properties (sender, To and Cc recipients, submit or delivery time, Internet message
id, In-Reply-To), so that the mail reader's one set of rules counts or skips it (so is a
message whose headers give an Exchange address wrapped as an Internet one, ``IMCEAEX-…``).
Only the streams of those properties are opened: the body, the subject and the attachments
are never read (the file's directory lists their names).
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.parser
import email.policy
import email.utils
import io
import logging
import struct
from collections.abc import Sequence

import olefile

__all__ = ["msg_header_block"]

log = logging.getLogger(__name__)

# Why a .msg is not counted, as the import report names it.
_DAMAGED = "a damaged Outlook .msg (it cannot be opened)"
_NOT_OUTLOOK = "not an Outlook item (an Office file such as a .doc)"
_NOT_A_MESSAGE = "an Outlook item that is not an e-mail (a meeting, contact, task or report)"
_DRAFT = "an unsent Outlook draft"
_X500 = "an Exchange (X.500) address without its SMTP address"

_PROPERTIES = "__properties_version1.0"
_RECIPIENT_TABLE = "__recip_version1.0_"
# Property tags (id << 16 | type) of the fixed-size values read: PT_LONG (0x0003) and
# PT_SYSTIME (0x0040, a FILETIME).
_MESSAGE_FLAGS = 0x0E070003
_RECIPIENT_TYPE = 0x0C150003
_SUBMIT_TIME, _DELIVERY_TIME = 0x00390040, 0x0E060040
_MESSAGE_CODEPAGE, _INTERNET_CODEPAGE = 0x3FFD0003, 0x3FDE0003
# Ids (four hex digits) of the string properties read, each a stream of PT_UNICODE (001F,
# UTF-16LE) or PT_STRING8 (001E, 8-bit in the message's code page).
_MESSAGE_CLASS, _TRANSPORT_HEADERS = "001A", "007D"
_MESSAGE_ID, _IN_REPLY_TO = "1035", "1042"
# The sender as From shows it: on whose behalf it was sent, else who sent it; and a
# recipient. Each is (SMTP address, address type, address, display name).
_SENDERS = (("5D02", "0064", "0065", "0042"), ("5D01", "0C1E", "0C1F", "0C1A"))
_RECIPIENT = ("39FE", "3002", "3003", "3001")

_UNSENT = 0x8  # MSGFLAG_UNSENT in PR_MESSAGE_FLAGS
_TO, _CC = 1, 2  # PR_RECIPIENT_TYPE (Bcc, 3, is not read: an .eml's Bcc is not either)
_HEADERS_PREFIX = "Microsoft Mail Internet Headers Version 2.0"
# Bytes before the 16-byte entries of a property stream: the message's own, a recipient's.
_TOP_HEADER, _TABLE_HEADER = 32, 8
_FILETIME_START = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)
_NULL_TIME = 915_000_000_000_000_000  # MAPI's "no time" values are in the year 4500
# Windows code pages whose Python codec is not named cp<number>.
_CODECS = {
    65001: "utf-8",
    20127: "ascii",
    1200: "utf-16-le",
    1201: "utf-16-be",
    10000: "mac-roman",
    20866: "koi8-r",
    21866: "koi8-u",
    20932: "euc-jp",
    51932: "euc-jp",
    50220: "iso2022-jp",
    50221: "iso2022-jp",
    50222: "iso2022-jp",
    50225: "iso2022-kr",
    51949: "euc-kr",
    936: "gbk",
    54936: "gb18030",
    **{28590 + n: f"iso8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 15)},
}
# olefile and struct raise these on a damaged file (a decoding error is a ValueError, an
# unknown code page a LookupError).
_DAMAGE = (OSError, ValueError, LookupError, struct.error)


def msg_header_block(data: bytes) -> bytes | str:
    """The header block of the ``.msg`` whose bytes are ``data``, or why it is skipped."""
    try:
        # olefile takes short bytes for a file name: a file object keeps them data.
        ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    except _DAMAGE as err:
        log.debug("a .msg that cannot be opened: %s", err)
        return _DAMAGED
    try:
        return _header_block(_Message(ole))
    except _DAMAGE as err:
        log.debug("a .msg that cannot be read: %s", err)
        return _DAMAGED
    finally:
        ole.close()


class _Message:
    """The MAPI properties of one ``.msg``, each stream opened only when asked for."""

    def __init__(self, ole: olefile.OleFileIO) -> None:
        self.ole = ole
        self._fixed: dict[str, dict[int, bytes]] = {}  # per storage, by tag
        self._codec = ""

    def string(self, pid: str, where: str = "") -> str | None:
        """The string property ``pid`` of the message, or of its storage ``where`` (a
        recipient's); ``None``: not set."""
        path = [where] if where else []
        for kind in ("001F", "001E"):
            name = [*path, f"__substg1.0_{pid}{kind}"]
            if self.ole.exists(name):
                data = self.ole.openstream(name).read()
                return data.decode("utf-16-le" if kind == "001F" else self.codec())
        return None

    def long(self, tag: int, where: str = "") -> int | None:
        """The PT_LONG property ``tag`` of the message or of its storage ``where``; ``None``:
        not set."""
        raw = self._values(where).get(tag)
        return None if raw is None else struct.unpack("<I", raw[:4])[0]

    def time(self, tag: int) -> dt.datetime | None:
        """The PT_SYSTIME property ``tag`` of the message (a FILETIME: 100 ns since 1601 in
        UTC) as a UTC datetime; ``None``: not set, or MAPI's "no time"."""
        raw = self._values("").get(tag)
        filetime = None if raw is None else struct.unpack("<Q", raw)[0]
        if filetime is None or filetime >= _NULL_TIME:
            return None
        return _FILETIME_START + dt.timedelta(microseconds=filetime // 10)

    def recipient_tables(self) -> list[str]:
        """The names of the recipients' storages, in their order."""
        return sorted(
            {p[0] for p in self.ole.listdir() if p[0].startswith(_RECIPIENT_TABLE) and len(p) > 1}
        )

    def codec(self) -> str:
        """The codec of the 8-bit strings: the code page of the message's strings
        (PR_MESSAGE_CODEPAGE), else of its body (PR_INTERNET_CPID), else Windows-1252."""
        if not self._codec:
            page = self.long(_MESSAGE_CODEPAGE) or self.long(_INTERNET_CODEPAGE) or 1252
            self._codec = codecs.lookup(_CODECS.get(page, f"cp{page}")).name
        return self._codec

    def _values(self, where: str) -> dict[int, bytes]:
        """The 8-byte values of a property stream by tag ([MS-OXMSG] 2.4: a header, then
        16-byte entries of tag, flags and value)."""
        if where not in self._fixed:
            name = [where, _PROPERTIES] if where else [_PROPERTIES]
            data = self.ole.openstream(name).read() if self.ole.exists(name) else b""
            skip = _TABLE_HEADER if where else _TOP_HEADER
            if not where and len(data) < skip:
                raise ValueError("the message's property stream is cut off")
            entries = data[skip:]
            entries = entries[: len(entries) - len(entries) % 16]  # a cut-off entry: none
            self._fixed[where] = {t: v for t, _, v in struct.iter_unpack("<II8s", entries)}
        return self._fixed[where]


def _header_block(msg: _Message) -> bytes | str:
    """The transport headers of an e-mail, else its header block from its properties."""
    if not msg.ole.exists(_PROPERTIES):
        return _NOT_OUTLOOK
    kind = (msg.string(_MESSAGE_CLASS) or "").lower()
    if not kind.startswith("ipm.note"):
        return _NOT_A_MESSAGE if kind else _DAMAGED
    if (msg.long(_MESSAGE_FLAGS) or 0) & _UNSENT:
        return _DRAFT
    transport = msg.string(_TRANSPORT_HEADERS)
    if transport and transport.strip():
        block = _transport_block(transport)
        if not _encapsulated(block):
            return block
    return _mapi_block(msg)


def _transport_block(text: str) -> bytes:
    """The stored Internet headers, up to the blank line that ends them."""
    text = text.lstrip()
    if text.startswith(_HEADERS_PREFIX):
        text = text[len(_HEADERS_PREFIX) :].lstrip()
    lines = []
    for line in text.splitlines():
        if not line.strip():
            break
        lines.append(line + "\n")
    return "".join(lines).encode("utf-8", "replace")


def _encapsulated(block: bytes) -> bool:
    """Whether the headers give someone by an Exchange address wrapped as an Internet one
    (``IMCEAEX-_O=…@domain``), which is no one's address: the properties then say it."""
    head = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(block)
    return any(
        address.lower().startswith("imceaex-")
        for _, address in email.utils.getaddresses(
            [str(v) for k in ("from", "to", "cc") for v in head.get_all(k, [])]
        )
    )


def _mapi_block(msg: _Message) -> bytes | str:
    """A header block written from the MAPI properties of a message without transport
    headers (saved from Sent Items)."""
    head: list[tuple[str, str]] = []
    for ids in _SENDERS:
        sender = _address(msg, ids)
        if sender is None:
            return _X500
        if sender:
            head.append(("From", _named(msg.string(ids[3]), sender)))
            break
    for field, people in (("To", _recipients(msg, _TO)), ("Cc", _recipients(msg, _CC))):
        if people is None:
            return _X500
        if people:
            head.append((field, ", ".join(people)))
    if when := msg.time(_SUBMIT_TIME) or msg.time(_DELIVERY_TIME):
        head.append(("Date", email.utils.format_datetime(when)))
    for field, pid in (("Message-ID", _MESSAGE_ID), ("In-Reply-To", _IN_REPLY_TO)):
        if value := msg.string(pid):
            head.append((field, value))
    return "".join(f"{k}: {' '.join(v.split())}\n" for k, v in head).encode("utf-8", "replace")


def _address(msg: _Message, ids: Sequence[str], where: str = "") -> str | None:
    """An SMTP address from its properties (``ids``: SMTP address, address type, address);
    ``""``: none given; ``None``: only an Exchange (X.500) address, which says no one's
    e-mail address."""
    smtp, kind, address = ids[:3]
    found = msg.string(smtp, where)
    if found and "@" in found:
        return found.strip()
    given = (msg.string(address, where) or "").strip()
    if not given:
        return ""
    how = (msg.string(kind, where) or "SMTP").strip().upper()
    return given if how == "SMTP" and "@" in given else None


def _recipients(msg: _Message, kind: int) -> list[str] | None:
    """The To (``_TO``) or Cc (``_CC``) recipients as header addresses; ``None``: one of
    them has no SMTP address."""
    found = []
    for table in msg.recipient_tables():
        if (msg.long(_RECIPIENT_TYPE, table) or 0) & 0xF != kind:
            continue
        address = _address(msg, _RECIPIENT, table)
        if address is None:
            return None
        if address:
            found.append(_named(msg.string(_RECIPIENT[3], table), address))
    return found


def _named(name: str | None, address: str) -> str:
    """``Name <address>`` as a header writes it (RFC 2047 where the name needs it)."""
    name = " ".join((name or "").split())
    return email.utils.formataddr((name if name != address else "", address))
