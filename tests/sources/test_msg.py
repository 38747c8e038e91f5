"""Tests for graphwarm.sources._msg: Outlook .msg files read by the mail reader, one fixture per
case in tests/fixtures/mail/msg (written by tests/fixtures/mail/make_msg.py)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import importlib.util
import io
import logging
import shutil
import tempfile
import zipfile
from pathlib import Path

import extract_msg
import olefile
import pytest
from extract_msg.enums import PropertiesType
from extract_msg.properties.properties_store import PropertiesStore
from helpers import FIXTURES, dump
from hypothesis import example, given, settings
from hypothesis import strategies as st

from graphwarm import Workspace, import_mail
from graphwarm.sources import _msg
from graphwarm.sources._msg import msg_header_block
from graphwarm.sources.mail import MailReader

MSG = FIXTURES / "mail" / "msg"
_MAKE = importlib.util.spec_from_file_location("make_msg", FIXTURES / "mail" / "make_msg.py")
make_msg = importlib.util.module_from_spec(_MAKE)  # type: ignore[arg-type]
_MAKE.loader.exec_module(make_msg)  # type: ignore[union-attr]
KARIN = "Karin Lund"


def read(*paths: Path) -> MailReader:
    reader = MailReader(list(paths))
    reader.read((), (), KARIN)
    return reader


def test_a_sent_message_without_transport_headers_is_written_from_its_mapi_properties() -> None:
    # Karin's Exchange (X.500) addresses give way to their SMTP addresses; the Bcc is not read;
    # the submit time is UTC (09:00 in Stockholm)
    assert msg_header_block((MSG / "thread" / "sent.msg").read_bytes()) == (
        b"From: Karin Lund <karin.lund@nordvik.se>\n"
        b"To: Mikko Virtanen <mikko.virtanen@koskimaa.fi>\n"
        b"Cc: Sigrid Dahl <sigrid.dahl@gmail.com>\n"
        b"Date: Tue, 06 Oct 2026 07:00:00 +0000\n"
        b"Message-ID: <k1@nordvik.se>\n"
    )


def test_a_received_message_gives_its_transport_headers_without_outlooks_prefix() -> None:
    block = msg_header_block((MSG / "thread" / "reply.msg").read_bytes())
    assert isinstance(block, bytes)
    assert block.startswith(b"Received: from mx.koskimaa.fi")
    assert b"In-Reply-To: <k1@nordvik.se>\n" in block
    assert not block.endswith(b"\n\n")


def test_headers_with_a_wrapped_exchange_address_give_way_to_the_properties() -> None:
    # From: <IMCEAEX-_O=NORDVIK_…@nordvik.se> is no one's address; the SMTP property is hers
    assert msg_header_block((MSG / "imceaex.msg").read_bytes()) == (
        b"From: Karin Lund <karin.lund@nordvik.se>\n"
        b"To: Mikko Virtanen <mikko.virtanen@koskimaa.fi>\n"
        b"Date: Tue, 06 Oct 2026 07:00:00 +0000\n"
    )


def test_msg_files_count_as_the_same_messages_as_eml_files() -> None:
    as_msg, as_eml = read(MSG / "thread"), read(MSG / "thread_eml")
    assert list(as_msg.records()) == list(as_eml.records())
    mikko = next(r for r in as_msg.records() if r.b.email == "mikko.virtanen@koskimaa.fi")
    assert (mikko.b.name, mikko.mails_ab, mikko.mails_ba, mikko.replies_ba) == (
        "Mikko Virtanen",
        1,
        1,
        1,
    )
    assert (mikko.first_mail, mikko.last_mail) == ("2026-10-06", "2026-10-07")
    assert (as_msg.rows_read, as_msg.rows_imported, as_msg.skip_counts) == (2, 2, {})
    assert as_msg.owners == {"karin.lund@nordvik.se"}


def test_the_same_messages_as_msg_or_eml_make_the_same_workspace(tmp_path: Path) -> None:
    for name in ("thread", "thread_eml"):
        with Workspace(tmp_path / f"{name}.db") as ws:
            report = import_mail(ws, [MSG / name], member=KARIN)
            assert (report.rows_read, report.rows_imported) == (2, 2)
    as_msg, as_eml = dump(tmp_path / "thread.db"), dump(tmp_path / "thread_eml.db")
    for table in ("imports", "workspace_meta"):  # file names and hashes; a random salt
        del as_msg[table], as_eml[table]
    assert as_msg == as_eml
    assert len(as_msg["signals"]) == 2


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("x500_sender.msg", "an Exchange (X.500) address without its SMTP address"),
        ("no_date.msg", "no readable Date"),
        ("draft.msg", "an unsent Outlook draft"),
        (
            "meeting.msg",
            "an Outlook item that is not an e-mail (a meeting, contact, task or report)",
        ),
        ("damaged.msg", "a damaged Outlook .msg (it cannot be opened)"),
        ("letter.doc", "not an Outlook item (an Office file such as a .doc)"),
    ],
)
def test_each_msg_that_is_not_counted_is_skipped_with_its_reason(name: str, reason: str) -> None:
    reader = read(MSG / name)
    assert (reader.rows_read, reader.rows_imported) == (1, 0)
    assert reader.skip_counts == {reason: 1}
    assert not list(reader.records())


def test_why_a_msg_is_damaged_shows_only_in_debug_logging(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    read(MSG / "damaged.msg")
    assert not [r for r in caplog.records if r.name.startswith(("olefile", "graphwarm"))]
    caplog.set_level(logging.DEBUG)  # as graphwarm --verbose
    read(MSG / "damaged.msg")
    said = [r.getMessage() for r in caplog.records if r.name == "graphwarm.sources._msg"]
    assert said == ["a .msg that cannot be opened: incorrect OLE FAT, sector index out of range"]


def test_8_bit_strings_are_read_in_the_code_page_of_the_messages_strings() -> None:
    # Windows-1252 (PR_MESSAGE_CODEPAGE), not the body's UTF-8 (PR_INTERNET_CPID)
    block = msg_header_block((MSG / "ansi.msg").read_bytes())
    assert isinstance(block, bytes)
    head = email.message_from_bytes(block, policy=email.policy.default)
    assert (head["From"], head["To"], head["Cc"]) == (
        "Åsa Öberg <asa.oberg@nordvik.se>",
        "Jörg Müller <jorg.muller@forde-nord.de>",
        "Karin Lund <karin.lund@nordvik.se>",
    )
    reader = read(MSG / "ansi.msg")
    assert (reader.rows_imported, reader.skip_counts) == (1, {})
    assert [(r.b.name, r.b.email) for r in reader.records()] == [
        ("Åsa Öberg", "asa.oberg@nordvik.se")
    ]


@pytest.mark.parametrize(
    ("pages", "codec"),
    [
        ([(0x3FDE, 1251)], "cp1251"),  # no code page of its strings: its body's
        ([], "cp1252"),  # neither: Windows-1252
        ([(0x3FFD, 1251), (0x3FDE, 65001)], "cp1251"),
    ],
)
def test_the_code_page_of_8_bit_strings_falls_back_to_the_bodys_then_windows_1252(
    pages: list[tuple[int, int]], codec: str
) -> None:
    olga = ("Ольга Петрова" if codec == "cp1251" else "Åsa Öberg", "olga@nordvik.se")
    props = [*make_msg.sender(olga), (0x0039, make_msg._TIME, make_msg._SENT)]
    props += [(pid, make_msg._INT, page) for pid, page in pages]
    data = make_msg.build(props, [(1, _PEOPLE[1], False)], codec=codec)
    block = msg_header_block(data)
    assert isinstance(block, bytes)
    assert email.message_from_bytes(block, policy=email.policy.default)["From"] == (
        f"{olga[0]} <{olga[1]}>"
    )


def test_a_code_page_python_does_not_know_is_a_damaged_msg() -> None:
    props = [*make_msg.sender(_PEOPLE[0]), (0x3FFD, make_msg._INT, 4711)]
    assert msg_header_block(make_msg.build(props, codec="cp1252")) == (
        "a damaged Outlook .msg (it cannot be opened)"
    )


def test_msg_and_eml_files_mixed_in_a_folder_and_in_a_zip(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(MSG / "thread" / "sent.msg", folder)
    shutil.copy(MSG / "thread_eml" / "reply.eml", folder)
    shutil.copy(MSG / "draft.msg", folder)
    archive = tmp_path / "mixed.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.iterdir()):
            out.write(path, f"Outlook/{path.name}")
    expected = list(read(MSG / "thread").records())
    for path in (folder, archive):
        reader = read(path)
        assert list(reader.records()) == expected
        assert reader.skip_counts == {"an unsent Outlook draft": 1}


def test_no_body_subject_or_attachment_stream_is_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real = olefile.OleFileIO.openstream

    def spy(self: olefile.OleFileIO, name: str | list[str]):  # type: ignore[no-untyped-def]
        opened.append(name if isinstance(name, str) else "/".join(name))
        return real(self, name)

    monkeypatch.setattr(olefile.OleFileIO, "openstream", spy)
    read(MSG / "thread", MSG / "meeting.msg", MSG / "ansi.msg")
    assert any("__substg1.0_007D" in name for name in opened)  # the spy sees the reads
    never = ("__substg1.0_1000", "__substg1.0_0037", "__substg1.0_1009", "__attach")
    assert not [name for name in opened if any(part in name for part in never)]


# --- the reference: any message written as .msg (MAPI properties only) and as .eml ---------

_PEOPLE = [
    ("Karin Lund", "karin.lund@nordvik.se"),
    ("Mikko Virtanen", "mikko.virtanen@koskimaa.fi"),
    ("Åsa Öberg", "asa.oberg@nordvik.se"),
    ("Ahl, Lina", "lina.ahl@nordvik.se"),
    ("", "sigrid.dahl@gmail.com"),
    ("Jörg Müller", "noreply@forde-nord.de"),
]
_message = st.tuples(
    st.sampled_from(_PEOPLE),
    st.lists(st.tuples(st.sampled_from([1, 2]), st.sampled_from(_PEOPLE)), max_size=4),
    st.datetimes(dt.datetime(1975, 1, 1), dt.datetime(2030, 12, 31), timezones=st.just(dt.UTC)),
    st.sampled_from(["", "<a1@nordvik.se>", "<b2@koskimaa.fi>"]),
    st.sampled_from(["", "<a1@nordvik.se>", "<b2@koskimaa.fi>"]),
)


def _as_eml(sender, recipients, when, message_id, reply_to) -> bytes:  # type: ignore[no-untyped-def]
    def who(person: tuple[str, str]) -> str:
        name, address = person
        return f'"{name}" <{address}>' if name else address

    lines = [f"From: {who(sender)}"]
    for field, kind in (("To", 1), ("Cc", 2)):
        if people := [who(p) for k, p in recipients if k == kind]:
            lines.append(f"{field}: {', '.join(people)}")
    lines.append(f"Date: {when.strftime('%a, %d %b %Y %H:%M:%S +0000')}")
    lines += [f"{k}: {v}" for k, v in (("Message-ID", message_id), ("In-Reply-To", reply_to)) if v]
    return ("\n".join(lines) + "\nSubject: x\n\nbody\n").encode("utf-8")


def _as_msg(sender, recipients, when, message_id, reply_to) -> bytes:  # type: ignore[no-untyped-def]
    props = [*make_msg.sender(sender), (0x0039, make_msg._TIME, when)]
    props += [(0x1035, make_msg._STRING, message_id)] if message_id else []
    props += [(0x1042, make_msg._STRING, reply_to)] if reply_to else []
    return make_msg.build(props, [(kind, who, False) for kind, who in recipients])


_LATE = (  # 22:00 UTC is the next day east of UTC: the day must be UTC's on both sides
    _PEOPLE[1],
    [(1, _PEOPLE[0])],
    dt.datetime(2026, 10, 6, 22, 0, tzinfo=dt.UTC),
    "<b2@koskimaa.fi>",
    "",
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_message, min_size=1, max_size=6))
@example([_LATE])
def test_any_message_reads_alike_as_msg_and_as_eml(messages: list) -> None:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as tmp:
        readers = []
        for suffix, write in ((".msg", _as_msg), (".eml", _as_eml)):
            folder = Path(tmp) / suffix
            folder.mkdir()
            for n, message in enumerate(messages):
                (folder / f"{n:02}{suffix}").write_bytes(write(*message))
            reader = MailReader([folder])
            reader.read(["karin.lund@nordvik.se"], (), KARIN)
            readers.append(reader)
        as_msg, as_eml = readers
        assert list(as_msg.records()) == list(as_eml.records())
        assert (as_msg.rows_read, as_msg.rows_imported, as_msg.skip_counts) == (
            as_eml.rows_read,
            as_eml.rows_imported,
            as_eml.skip_counts,
        )


# --- the reference: what the reader takes of a .msg is what extract-msg reads of it ---------

_STRINGS = [
    _msg._MESSAGE_CLASS,
    _msg._TRANSPORT_HEADERS,
    _msg._MESSAGE_ID,
    _msg._IN_REPLY_TO,
    *(pid for ids in _msg._SENDERS for pid in ids),
]
_TIMES = (_msg._SUBMIT_TIME, _msg._DELIVERY_TIME)


def _taken_by_graphwarm(data: bytes) -> dict[str, object]:
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        msg = _msg._Message(ole)
        return {
            "strings": {pid: msg.string(pid) for pid in _STRINGS},
            "flags": msg.long(_msg._MESSAGE_FLAGS),
            "times": [msg.time(tag) for tag in _TIMES],
            "recipients": [
                (msg.long(_msg._RECIPIENT_TYPE, t), [msg.string(pid, t) for pid in _msg._RECIPIENT])
                for t in msg.recipient_tables()
            ],
        }


def _taken_by_extract_msg(data: bytes) -> dict[str, object]:
    def utc(when: dt.datetime | None) -> dt.datetime | None:  # before 1970 it gives no zone
        return when.replace(tzinfo=dt.UTC) if when and when.tzinfo is None else when

    msg = extract_msg.MSGFile(io.BytesIO(data), delayAttachments=True)
    try:
        tables = sorted({p[0] for p in msg.listDir() if p[0].startswith("__recip_version1.0_")})
        props = {
            t: PropertiesStore(
                msg.getStream([t, "__properties_version1.0"]), PropertiesType.RECIPIENT
            )
            for t in tables
        }
        return {
            "strings": {pid: msg.getStringStream(f"__substg1.0_{pid}") for pid in _STRINGS},
            "flags": msg.getPropertyVal(f"{_msg._MESSAGE_FLAGS:08X}"),
            "times": [utc(msg.getPropertyVal(f"{tag:08X}")) for tag in _TIMES],
            "recipients": [
                (
                    props[t].getValue(f"{_msg._RECIPIENT_TYPE:08X}"),
                    [msg.getStringStream([t, f"__substg1.0_{pid}"]) for pid in _msg._RECIPIENT],
                )
                for t in tables
            ],
        }
    finally:
        msg.close()


@pytest.mark.parametrize(
    "path",
    sorted(p for p in MSG.rglob("*.msg") if p.name != "damaged.msg"),
    ids=lambda p: p.relative_to(MSG).as_posix(),
)
def test_each_msg_fixture_reads_as_extract_msg_reads_it(path: Path) -> None:
    data = path.read_bytes()
    taken = _taken_by_graphwarm(data)
    assert taken == _taken_by_extract_msg(data)
    assert taken["strings"][_msg._MESSAGE_CLASS]  # type: ignore[index]


def test_a_damaged_msg_opens_with_neither() -> None:
    data = (MSG / "damaged.msg").read_bytes()
    with pytest.raises(OSError):
        olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    with pytest.raises(OSError):
        extract_msg.MSGFile(io.BytesIO(data))


_recipient = st.tuples(  # To, Cc or Bcc; who (or a name without an address); Exchange?
    st.sampled_from([1, 2, 3]), st.sampled_from([*_PEOPLE, ("Jörg Müller", "")]), st.booleans()
)
_msg_file = st.tuples(
    _message,
    st.booleans(),  # an Exchange sender: an X.500 address beside the SMTP one
    st.lists(_recipient, max_size=5),
    st.one_of(st.none(), st.datetimes(dt.datetime(1960, 1, 1), dt.datetime(2030, 12, 31))),
    st.sampled_from(["", make_msg.REPLY_HEADERS]),
    st.sampled_from(["IPM.Note", "IPM.Note.SMIME", "IPM.Schedule.Meeting.Request", "IPM.Task"]),
    st.sampled_from([1, 8, 9]),
    st.sampled_from([None, "cp1252"]),
)


@settings(max_examples=60, deadline=None)
@given(_msg_file)
def test_any_msg_reads_as_extract_msg_reads_it(msg_file: tuple) -> None:  # type: ignore[type-arg]
    message, ex, recipients, delivered, headers, kind, flags, codec = msg_file
    (sender, _, when, message_id, reply_to) = message
    props = [*make_msg.sender(sender, ex=ex), (0x0039, make_msg._TIME, when)]
    props += [(0x1035, make_msg._STRING, message_id)] if message_id else []
    props += [(0x1042, make_msg._STRING, reply_to)] if reply_to else []
    props += [(0x007D, make_msg._STRING, headers)] if headers else []
    if delivered:
        props.append((0x0E06, make_msg._TIME, delivered.replace(tzinfo=dt.UTC)))
    if codec:
        props.append((0x3FFD, make_msg._INT, 1252))
    data = make_msg.build(props, recipients, kind=kind, flags=flags, codec=codec)
    assert _taken_by_graphwarm(data) == _taken_by_extract_msg(data)
