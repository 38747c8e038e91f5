"""Tests for graphwarm.sources.linkedin_export: finding an export's files in a zip or folder,
and refusing, in one line, the zips that cannot be read."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import LINKEDIN, linkedin_fixture
from hypothesis import given
from hypothesis import strategies as st

from graphwarm import InputError, Workspace, import_linkedin
from graphwarm.sources import linkedin_export
from graphwarm.sources.linkedin_export import find_exports

PROFILE = linkedin_fixture("Profile.csv")
CONNECTIONS = linkedin_fixture("connections_2023.csv")
MESSAGES = linkedin_fixture("messages_2023.csv")


def inner(export: linkedin_export.Export, kind: str) -> str:
    """The path inside the zip or folder of the part of *kind*."""
    name = export.parts[kind].source.name
    return name.split(".zip:", 1)[1] if ".zip:" in name else name.split(export.label + "/", 1)[1]


# --- zips that cannot be read: one line, no traceback ---------------------------------------------


def test_a_password_protected_zip_is_refused_in_one_line() -> None:
    path = LINKEDIN / "encrypted_export.zip"  # made with `zip -P`: ZipCrypto
    with zipfile.ZipFile(path) as archive, pytest.raises(RuntimeError, match="password required"):
        archive.open("Connections.csv")  # what used to end in a traceback
    with pytest.raises(InputError) as info:
        find_exports([path])
    err = info.value
    assert (err.file, err.message) == (str(path), "Connections.csv is password-protected")
    assert err.hint is not None and err.hint.startswith("unzip it first")


def test_a_member_compressed_in_an_unknown_way_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deflate64.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("Connections.csv", CONNECTIONS)
    data = bytearray(path.read_bytes())
    for header in (b"PK\x03\x04", b"PK\x01\x02"):  # method 9: Deflate64, as Windows writes
        at = data.find(header)
        offset = 8 if header == b"PK\x03\x04" else 10
        data[at + offset : at + offset + 2] = (9).to_bytes(2, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as info:
        find_exports([path])
    assert info.value.message.startswith(
        "Connections.csv is compressed in a way Python cannot read"
    )
    assert info.value.hint == "unzip it first, then import the unpacked folder"


def test_a_damaged_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "damaged.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("Connections.csv", CONNECTIONS)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Nordvik Transport", b"Nordvik Transpork", 1))  # bad CRC
    with pytest.raises(InputError) as info:
        find_exports([path])
    assert info.value.file == f"{path}:Connections.csv"
    assert info.value.message.startswith("cannot be read from the zip, which is damaged")
    assert info.value.hint == "download the export again"


# --- several exports in one zip or folder: one is used, and the notes say which and why ----------


def test_the_folder_holding_most_of_an_export_is_used_whole(make_zip: Callable[..., Path]) -> None:
    path = make_zip(
        {
            "anna/Profile.csv": PROFILE,
            "anna/Connections.csv": CONNECTIONS,
            "karin/Profile.csv": PROFILE,
            "karin/Connections.csv": CONNECTIONS,
            "karin/messages.csv": MESSAGES,
        }
    )
    (export,) = find_exports([path])
    assert {k: inner(export, k) for k in export.parts} == {
        "profile": "karin/Profile.csv",
        "connections": "karin/Connections.csv",
        "messages": "karin/messages.csv",
    }
    assert export.notes == [
        "this zip holds LinkedIn export files in 2 folders, as if from several exports: used "
        "karin/, as it holds the most kinds of export file (3); to import another, give its "
        "folder on its own",
        "not used: anna/Profile.csv",
        "not used: anna/Connections.csv",
    ]


def test_an_export_at_the_top_wins_over_one_below(make_zip: Callable[..., Path]) -> None:
    path = make_zip(
        {
            "Connections.csv": CONNECTIONS,
            "Profile.csv": PROFILE,
            "backup/Connections.csv": CONNECTIONS,
            "backup/Profile.csv": PROFILE,
        }
    )
    (export,) = find_exports([path])
    assert inner(export, "connections") == "Connections.csv"
    assert export.notes[:2] == [
        "2 Connections.csv files in the top level of the zip: used Connections.csv, "
        "the one nearest the top",
        "2 Profile.csv files in the top level of the zip: used Profile.csv, "
        "the one nearest the top",
    ]
    assert export.notes[2:] == ["not used: backup/Connections.csv", "not used: backup/Profile.csv"]


def test_alike_exports_in_sibling_folders_go_by_name_in_a_folder(tmp_path: Path) -> None:
    for member in ("oskar", "karin"):
        (tmp_path / "team" / member).mkdir(parents=True)
        shutil.copy(
            LINKEDIN / "connections_2023.csv", tmp_path / "team" / member / "Connections.csv"
        )
    (export,) = find_exports([tmp_path / "team"])
    assert inner(export, "connections") == "karin/Connections.csv"
    assert export.notes == [
        "this folder holds LinkedIn export files in 2 folders, as if from several exports: used "
        "karin/, as the first in name order (the others hold as many kinds of export file, as "
        "deep); to import another, give its folder on its own",
        "not used: oskar/Connections.csv",
    ]


def test_one_export_with_files_in_sub_folders_needs_no_note(make_zip: Callable[..., Path]) -> None:
    path = make_zip(
        {
            "Basic_LinkedInDataExport_05-01-2026/Connections.csv": CONNECTIONS,
            "Basic_LinkedInDataExport_05-01-2026/messages/messages.csv": MESSAGES,
        }
    )
    (export,) = find_exports([path])
    assert set(export.parts) == {"connections", "messages"}
    assert export.notes == []


def test_a_zip_of_many_exports_reads_its_directory_once_and_opens_one_file(
    ws: Workspace, make_zip: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zip of 10,000 exports took 8 minutes: every member opened re-read the directory."""
    entries = 2000
    path = make_zip({f"export{i:05d}/Connections.csv": CONNECTIONS for i in range(entries)})
    directory_reads = 0
    opened: list[str] = []
    read_directory = zipfile.ZipFile._RealGetContents  # type: ignore[attr-defined]
    open_part = linkedin_export.open_part

    def counting_read(self: zipfile.ZipFile) -> None:
        nonlocal directory_reads
        directory_reads += 1
        read_directory(self)

    def counting_open(source, kind):  # type: ignore[no-untyped-def]
        opened.append(source.name)
        return open_part(source, kind)

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", counting_read)
    monkeypatch.setattr(linkedin_export, "open_part", counting_open)
    reports = import_linkedin(ws, [path], member="Karin Lund")
    assert directory_reads == 1
    assert opened == [f"{path}:export00000/Connections.csv"]
    (report,) = reports
    assert report.file == f"{path}:export00000/Connections.csv"
    assert report.rows_imported == 4
    assert report.notes[0] == (
        f"this zip holds LinkedIn export files in {entries:,} folders, as if from several "
        "exports: used export00000/, as the first in name order (the others hold as many kinds "
        "of export file, as deep); to import another, give its folder on its own"
    )
    assert report.notes[1:11] == [f"not used: export{i:05d}/Connections.csv" for i in range(1, 11)]
    assert report.notes[11] == f"not used: {entries - 11:,} more files"
    assert len(report.notes) == 12


def test_folders_written_with_backslashes_are_folders(make_zip: Callable[..., Path]) -> None:
    path = make_zip({"export\\Connections.csv": CONNECTIONS, "export\\Profile.csv": PROFILE})
    (export,) = find_exports([path])
    assert set(export.parts) == {"connections", "profile"}
    assert export.parts["connections"].source.name == f"{path}:export\\Connections.csv"


# --- the export's date, from LinkedIn's name for it ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "date"),
    [
        ("Basic_LinkedInDataExport_11-02-2026.zip", "2026-11-02"),
        ("Complete_LinkedInDataExport_3-7-2019 (1).zip", "2019-03-07"),  # a second download
        ("basic_linkedindataexport_12-31-2025", "2025-12-31"),  # unpacked, case changed
        ("Basic_LinkedInDataExport_31-12-2025.zip", None),  # day first: not LinkedIn's
        ("Basic_LinkedInDataExport_02-30-2026.zip", None),  # no such day
        ("LinkedInDataExport_11-02-2026.zip", None),
        ("lina_2019.zip", None),
    ],
)
def test_named_date(name: str, date: str | None) -> None:
    assert linkedin_export.named_date(name) == date


@given(st.dates(), st.sampled_from(["Basic", "Complete"]), st.booleans())
def test_named_date_reads_every_day_linkedin_can_write(
    day: dt.date, kind: str, unpadded: bool
) -> None:
    month, dom = (str(day.month), str(day.day)) if unpadded else (f"{day:%m}", f"{day:%d}")
    name = f"{kind}_LinkedInDataExport_{month}-{dom}-{day:%Y}.zip"
    assert linkedin_export.named_date(name) == (day.isoformat() if day.year >= 1000 else None)


def test_an_export_is_dated_by_its_zip_folder_or_the_folder_of_loose_files(
    tmp_path: Path, make_zip: Callable[..., Path]
) -> None:
    files = {"Profile.csv": PROFILE, "Connections.csv": CONNECTIONS}
    (zipped,) = find_exports([make_zip(files, "Basic_LinkedInDataExport_11-02-2026.zip")])
    plain = make_zip({f"Basic_LinkedInDataExport_10-01-2026/{k}": v for k, v in files.items()})
    (inside,) = find_exports([plain])  # the folder inside a renamed zip
    folder = tmp_path / "Complete_LinkedInDataExport_09-15-2026"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    (unpacked,) = find_exports([folder])
    (loose,) = find_exports([folder / "Connections.csv"])
    (undated,) = find_exports([make_zip(files, "lina.zip")])
    dates = [e.named_date for e in (zipped, inside, unpacked, loose, undated)]
    assert dates == ["2026-11-02", "2026-10-01", "2026-09-15", "2026-09-15", None]
