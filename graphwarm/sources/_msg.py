"""Outlook ``.msg`` files: one message's header block, never its body, subject or attachments.

A ``.msg`` is an OLE compound file of MAPI properties, one stream per property. Outlook keeps
the headers a received message came with (``PR_TRANSPORT_MESSAGE_HEADERS``): those are handed
on as they are, to be read like an ``.eml``'s. A message saved from Sent Items carries none;
its header block is then written from the MAPI properties (sender, To and Cc recipients,
submit or delivery time, Internet message id, In-Reply-To), so that the mail reader's one set
of rules counts or skips it (so is a message whose headers give an Exchange address wrapped
as an Internet one, ``IMCEAEX-…``). Only the streams of those properties are opened: the body, the
subject and the attachments are never read (the file's directory lists their names).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.parser
import email.policy
import email.utils
import io
import logging
import struct
from collections.abc import Iterator, Sequence

from extract_msg.enums import PropertiesType
from extract_msg.exceptions import ExMsgBaseException
from extract_msg.msg_classes import MSGFile
from extract_msg.properties.properties_store import PropertiesStore

__all__ = ["msg_header_block"]

# Why a .msg is not counted, as the import report names it.
_DAMAGED = "a damaged Outlook .msg (it cannot be opened)"
_NOT_OUTLOOK = "not an Outlook item (an Office file such as a .doc)"
_NOT_A_MESSAGE = "an Outlook item that is not an e-mail (a meeting, contact, task or report)"
_DRAFT = "an unsent Outlook draft"
_X500 = "an Exchange (X.500) address without its SMTP address"

_UNSENT = 0x8  # MSGFLAG_UNSENT in PR_MESSAGE_FLAGS
_TO, _CC = 1, 2  # PR_RECIPIENT_TYPE (Bcc, 3, is not read: an .eml's Bcc is not either)
_HEADERS_PREFIX = "Microsoft Mail Internet Headers Version 2.0"
# The sender as From shows it: on whose behalf it was sent, else who sent it. Each is
# (SMTP address, address type, address, display name), MAPI property ids.
_SENDERS = (("5D02", "0064", "0065", "0042"), ("5D01", "0C1E", "0C1F", "0C1A"))
# olefile, struct and extract-msg raise these on a damaged file (and extract-msg its own).
_DAMAGE = (OSError, ValueError, LookupError, struct.error, ExMsgBaseException)


def msg_header_block(data: bytes) -> bytes | str:
    """The header block of the ``.msg`` whose bytes are ``data``, or why it is skipped."""
    with _quiet():
        try:
            msg = MSGFile(io.BytesIO(data), delayAttachments=True)
        except _DAMAGE:
            return _DAMAGED
        try:
            return _header_block(msg)
        except _DAMAGE:
            return _DAMAGED
        finally:
            msg.close()


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """extract-msg logs what is wrong with a damaged file, which its skip reason says already;
    its lines show only with the debug logging of ``--verbose``."""
    log = logging.getLogger("extract_msg")
    if log.isEnabledFor(logging.DEBUG):
        yield
        return
    level = log.level
    log.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        log.setLevel(level)


def _header_block(msg: MSGFile) -> bytes | str:
    """The transport headers of an e-mail, else its header block from its properties."""
    if not msg.exists("__properties_version1.0"):
        return _NOT_OUTLOOK
    kind = (msg.getStringStream("__substg1.0_001A") or "").lower()
    if not kind.startswith("ipm.note"):
        return _NOT_A_MESSAGE if kind else _DAMAGED
    if msg.getPropertyVal("0E070003", 0) & _UNSENT:
        return _DRAFT
    transport = msg.getStringStream("__substg1.0_007D")
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


def _mapi_block(msg: MSGFile) -> bytes | str:
    """A header block written from the MAPI properties of a message without transport
    headers (saved from Sent Items)."""
    head: list[tuple[str, str]] = []
    for smtp, kind, address, name in _SENDERS:
        sender = _address(msg, smtp, kind, address)
        if sender is None:
            return _X500
        if sender:
            head.append(("From", _named(msg.getStringStream(f"__substg1.0_{name}"), sender)))
            break
    for field, people in (("To", _recipients(msg, _TO)), ("Cc", _recipients(msg, _CC))):
        if people is None:
            return _X500
        if people:
            head.append((field, ", ".join(people)))
    when = msg.getPropertyVal("00390040") or msg.getPropertyVal("0E060040")
    if isinstance(when, dt.datetime):
        if when.tzinfo is None:  # extract-msg's dates out of its range: UTC
            when = when.replace(tzinfo=dt.UTC)
        head.append(("Date", email.utils.format_datetime(when.astimezone(dt.UTC))))
    for field, stream in (("Message-ID", "1035"), ("In-Reply-To", "1042")):
        if value := msg.getStringStream(f"__substg1.0_{stream}"):
            head.append((field, value))
    return "".join(f"{k}: {' '.join(v.split())}\n" for k, v in head).encode("utf-8", "replace")


def _address(
    msg: MSGFile, smtp: str, kind: str, address: str, where: Sequence[str] = ()
) -> str | None:
    """An SMTP address from its properties; ``""``: none given; ``None``: only an Exchange
    (X.500) address, which says no one's e-mail address."""
    found = msg.getStringStream([*where, f"__substg1.0_{smtp}"])
    if found and "@" in found:
        return found.strip()
    given = (msg.getStringStream([*where, f"__substg1.0_{address}"]) or "").strip()
    if not given:
        return ""
    how = (msg.getStringStream([*where, f"__substg1.0_{kind}"]) or "SMTP").strip().upper()
    return given if how == "SMTP" and "@" in given else None


def _recipients(msg: MSGFile, kind: int) -> list[str] | None:
    """The To (``_TO``) or Cc (``_CC``) recipients as header addresses; ``None``: one of
    them has no SMTP address."""
    found = []
    tables = sorted({p[0] for p in msg.listDir() if p[0].startswith("__recip_version1.0_")})
    for table in tables:
        props = PropertiesStore(
            msg.getStream([table, "__properties_version1.0"]), PropertiesType.RECIPIENT
        )
        if props.getValue("0C150003", 0) & 0xF != kind:
            continue
        address = _address(msg, "39FE", "3002", "3003", (table,))
        if address is None:
            return None
        if address:
            found.append(_named(msg.getStringStream([table, "__substg1.0_3001"]), address))
    return found


def _named(name: str | None, address: str) -> str:
    """``Name <address>`` as a header writes it (RFC 2047 where the name needs it)."""
    name = " ".join((name or "").split())
    return email.utils.formataddr((name if name != address else "", address))
