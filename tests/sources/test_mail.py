"""Tests for graphwarm.sources.mail: one fixture per case in tests/fixtures/mail (written by its
make_fixtures.py), read as the import reads them."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from helpers import FIXTURES

from graphwarm.errors import InputError
from graphwarm.sources.mail import MailReader
from graphwarm.sources.records import InteractionRecord

MAIL = FIXTURES / "mail"
KARIN = "Karin Lund"


def read(*paths: Path, addresses: tuple[str, ...] = (), **options: int) -> MailReader:
    reader = MailReader(list(paths), **options)
    reader.read(addresses, (), KARIN)
    return reader


def by_address(reader: MailReader) -> dict[str, InteractionRecord]:
    return {rec.b.email or "": rec for rec in reader.records()}


def test_takeout_mbox_counts_e_mails_each_way_and_replies() -> None:
    reader = read(MAIL / "takeout.mbox")
    found = by_address(reader)
    mikko = found["mikko.virtanen@koskimaa.fi"]
    assert (mikko.b.name, mikko.mails_ab, mikko.mails_ba) == ("Mikko Virtanen", 2, 1)
    assert (mikko.replies_ab, mikko.replies_ba) == (0, 1)  # Mikko answered Karin's message
    assert (mikko.first_mail, mikko.last_mail) == ("2026-10-06", "2026-10-12")
    sigrid = found["sigrid.dahl@gmail.com"]
    assert (sigrid.mails_ab, sigrid.mails_ba) == (1, 0)
    # ">From the meeting" is a quoted body line, not a message
    assert (reader.rows_read, reader.rows_imported) == (3, 3)
    assert reader.owners == {"karin.lund@nordvik.se"}
    assert "the member's addresses: karin.lund@nordvik.se (shown with their name)" in reader.notes


def test_rfc2047_and_outlook_names_are_decoded() -> None:
    found = by_address(read(MAIL / "rfc2047_names.mbox"))
    assert found["asa.oberg@nordvik.se"].b.name == "Åsa Öberg"
    assert (found["asa.oberg@nordvik.se"].mails_ab, found["asa.oberg@nordvik.se"].mails_ba) == (
        1,
        1,
    )
    assert found["jorg.muller@forde-nord.de"].b.name == "Jörg Müller"  # Latin-1, base64
    assert found["mikko.virtanen@koskimaa.fi"].b.name == "Mikko Virtanen"  # "Virtanen, Mikko"


def test_raw_8bit_names_are_read_as_utf8_or_windows_1252() -> None:
    reader = read(MAIL / "raw_8bit.mbox")
    found = by_address(reader)
    assert found["asa.oberg@nordvik.se"].b.name == "Åsa Öberg"
    assert found["jorg.muller@forde-nord.de"].b.name == "Jörg Müller"
    assert found["sigrid.dahl@gmail.com"].b.name is None  # an unknown charset: address only
    assert (
        "1 display names could not be decoded; those people are matched by address only"
        in reader.notes
    )


def test_odd_dates_are_read_or_the_message_skipped() -> None:
    reader = read(MAIL / "odd_dates.mbox")
    mikko = by_address(reader)["mikko.virtanen@koskimaa.fi"]
    assert mikko.mails_ba == 4
    # no zone: the day as written; two-digit year; ISO; the From line when Date is unreadable
    assert (mikko.first_mail, mikko.last_mail) == ("2026-10-06", "2026-10-09")
    assert reader.skip_counts == {"no readable Date": 1}


def test_mailing_lists_bulk_and_automatic_mail_are_skipped() -> None:
    reader = read(MAIL / "list_mail.mbox")
    assert reader.skip_counts == {
        "mailing list (List-Id or List-Unsubscribe)": 2,
        "bulk or automatic (Precedence or Auto-Submitted)": 2,
    }
    assert list(by_address(reader)) == ["mikko.virtanen@koskimaa.fi"]  # Auto-Submitted: no


def test_no_reply_senders_are_skipped() -> None:
    reader = read(MAIL / "no_reply.mbox")
    assert reader.skip_counts == {"from a no-reply address": 4}
    assert list(by_address(reader)) == ["mikko.virtanen@koskimaa.fi"]


def test_messages_to_more_than_max_recipients_are_skipped() -> None:
    reader = read(MAIL / "many_recipients.mbox")
    assert reader.skip_counts == {"to more than 10 recipients": 1}
    assert len(by_address(reader)) == 10  # To and Cc together
    wider = read(MAIL / "many_recipients.mbox", max_recipients=11)
    assert not wider.skip_counts
    assert by_address(wider)["mikko.virtanen@koskimaa.fi"].mails_ab == 2


def test_spam_trash_and_drafts_labels_are_skipped() -> None:
    reader = read(MAIL / "spam_trash.mbox")
    assert reader.skip_counts == {
        "labelled Spam or Trash": 2,
        "an unsent draft (labelled Drafts)": 1,
    }
    assert by_address(reader)["mikko.virtanen@koskimaa.fi"].mails_ba == 1


def test_a_cut_off_mailbox_counts_its_last_message_as_skipped() -> None:
    reader = read(MAIL / "truncated.mbox")
    assert reader.skip_counts == {"cut off inside its headers (the file ends there)": 1}
    assert by_address(reader)["mikko.virtanen@koskimaa.fi"].mails_ba == 1
    assert any("was the file cut off?" in note for note in reader.notes)


def test_a_file_that_is_not_mail_is_refused() -> None:
    with pytest.raises(InputError) as info:
        MailReader([MAIL / "not_mail.mbox"])
    assert str(info.value) == (
        f"{MAIL / 'not_mail.mbox'}: is not mail: not an mbox (it does not start with a 'From ' "
        "line), an .eml, an Outlook .msg, or a .zip or .tgz of them. give the .mbox from Google "
        "Takeout (or its .zip / .tgz), or .eml or .msg files"
    )


def test_a_mailbox_whose_owner_cannot_be_told_asks_for_the_address() -> None:
    reader = MailReader([MAIL / "no_owner.mbox"])
    with pytest.raises(InputError) as info:
        reader.read((), (), KARIN)
    assert "cannot tell which address is the member's" in str(info.value)
    assert "--address" in str(info.value)
    given = read(MAIL / "no_owner.mbox", addresses=("Sigrid.Dahl@gmail.com",))
    assert list(by_address(given)) == ["mikko.virtanen@koskimaa.fi"]
    assert given.skip_counts == {"neither from nor to the member": 2}


def test_a_folder_of_eml_files() -> None:
    reader = read(MAIL / "eml")
    mikko = by_address(reader)["mikko.virtanen@koskimaa.fi"]
    assert (mikko.mails_ab, mikko.mails_ba, mikko.replies_ab) == (1, 1, 1)  # CRLF too
    assert reader.notes[0] == f"{MAIL / 'eml'}: 1 file not read (not .mbox, .eml or .msg)"


def _takeout_zip(tmp_path: Path) -> Path:
    path = tmp_path / "takeout-20261101T000000Z-001.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Takeout/archive_browser.html", "<html></html>")
        archive.write(MAIL / "takeout.mbox", "Takeout/Mail/All mail Including Spam and Trash.mbox")
    return path


def _takeout_tgz(tmp_path: Path) -> Path:
    path = tmp_path / "takeout-20261101T000000Z-001.tgz"
    with tarfile.open(path, "w:gz") as archive:
        page = tarfile.TarInfo("Takeout/archive_browser.html")
        page.size = 13
        archive.addfile(page, io.BytesIO(b"<html></html>"))
        archive.add(MAIL / "takeout.mbox", "Takeout/Mail/All mail Including Spam and Trash.mbox")
    return path


@pytest.mark.parametrize("build", [_takeout_zip, _takeout_tgz])
def test_takeout_archives_read_like_the_loose_mailbox(tmp_path: Path, build) -> None:  # type: ignore[no-untyped-def]
    archive = build(tmp_path)
    reader = read(archive)
    loose = read(MAIL / "takeout.mbox")
    assert list(reader.records()) == list(loose.records())
    assert f"{archive}: 1 file not read (not mail)" in reader.notes


def test_a_damaged_tgz_is_refused(tmp_path: Path) -> None:
    whole = _takeout_tgz(tmp_path).read_bytes()
    cut = tmp_path / "cut.tgz"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputError) as info:
        read(cut)
    assert "is a damaged archive" in str(info.value)


def test_an_archive_without_mail_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "takeout.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Takeout/Drive/notes.txt", "x")
    with pytest.raises(InputError, match=r"has no \.mbox, \.eml or \.msg inside"):
        read(path)


def test_the_same_mailbox_has_the_same_sha256_and_another_does_not() -> None:
    first = MailReader([MAIL / "takeout.mbox"]).sha256
    assert MailReader([MAIL / "takeout.mbox"]).sha256 == first
    assert MailReader([MAIL / "takeout.mbox", MAIL / "odd_dates.mbox"]).sha256 != first
