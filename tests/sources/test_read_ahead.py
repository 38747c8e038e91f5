"""Tests for graphwarm.sources.read_ahead: Connections.csv read in a worker process gives
exactly what reading it in the import's own process gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import linkedin_fixture

from graphwarm import InputError, Workspace, import_linkedin
from graphwarm.sources.linkedin import ConnectionsReader
from graphwarm.sources.linkedin_export import find_exports
from graphwarm.sources.read_ahead import ReadAhead


def _connection_parts(tmp_path: Path, files: dict[str, bytes]) -> list:
    parts = []
    for name, data in files.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "Connections.csv").write_bytes(data)
        parts.append(find_exports([folder])[0].parts["connections"])
    return parts


def _read(reader) -> tuple:
    rows = [(t.line, t.b.name, t.b.url, t.b.company, t.connected_on, t.b.keys) for t in reader]
    return rows, reader.rows_read, reader.skipped, reader.notes, vars(reader.dates)


def test_read_ahead_gives_what_reading_here_gives(tmp_path: Path) -> None:
    bad_date = linkedin_fixture("connections_2023_no_preamble.csv") + b"Ola,Nordmann,,,,,someday\n"
    files = {
        "hidden": linkedin_fixture("connections_hidden_rows.csv"),
        "wide": linkedin_fixture("connections_too_many_fields.csv"),
        "mojibake": linkedin_fixture("connections_double_encoded.csv"),
        "no_url": linkedin_fixture("connections_2018.csv"),
        "placeholders": linkedin_fixture("connections_placeholders.csv"),
        "day_first": linkedin_fixture("connections_day_first.csv"),
        "unreadable": linkedin_fixture("connections_unreadable_dates.csv"),
        "bad_date": bad_date,  # last: checked below
    }
    parts = _connection_parts(tmp_path, files)
    here = [_read(ConnectionsReader(p)) for p in parts]
    assert any(skipped for _, _, skipped, _, _ in here)
    assert any(notes for _, _, _, notes, _ in here)
    dates = here[-1][4]
    assert (dates["unreadable"], dates["example"]) == (1, (here[-1][1] + 1, "someday"))
    with ReadAhead(parts) as ahead:
        there = [_read(ConnectionsReader(p, ahead=ahead)) for p in parts]
    assert there == here


def test_read_ahead_passes_over_a_file_not_read(tmp_path: Path) -> None:
    files = {
        "first": linkedin_fixture("connections_2023.csv"),
        "second": linkedin_fixture("connections_colleague.csv"),
    }
    parts = _connection_parts(tmp_path, files)
    with ReadAhead(parts) as ahead:
        second = _read(ConnectionsReader(parts[1], ahead=ahead))
        with pytest.raises(RuntimeError, match="already read"):
            list(ConnectionsReader(parts[0], ahead=ahead))
    assert second == _read(ConnectionsReader(parts[1]))


def test_read_ahead_error_keeps_its_file_line_and_hint(tmp_path: Path) -> None:
    files = {
        "good": linkedin_fixture("connections_2023.csv"),
        "broken": linkedin_fixture("connections_unterminated_quote.csv"),
    }
    parts = _connection_parts(tmp_path, files)
    with pytest.raises(InputError) as here:
        list(ConnectionsReader(parts[1]))
    with ReadAhead(parts) as ahead:
        assert len(list(ConnectionsReader(parts[0], ahead=ahead))) > 0
        broken = ConnectionsReader(parts[1], ahead=ahead)
        with pytest.raises(InputError) as there:
            list(broken)
    assert (there.value.file, there.value.line, there.value.hint, str(there.value)) == (
        here.value.file,
        here.value.line,
        here.value.hint,
        str(here.value),
    )
    assert there.value.line == 3


def test_read_ahead_dates_in_both_orders_error_names_both_lines(tmp_path: Path) -> None:
    files = {
        "good": linkedin_fixture("connections_2023.csv"),
        "both": linkedin_fixture("connections_both_orders.csv"),
    }
    parts = _connection_parts(tmp_path, files)
    with ReadAhead(parts) as ahead:
        list(ConnectionsReader(parts[0], ahead=ahead))
        with pytest.raises(InputError) as there:
            list(ConnectionsReader(parts[1], ahead=ahead))
    assert (there.value.line, there.value.column) == (4, "Connected On")
    assert "line 2 ('13/05/2021')" in there.value.message


def test_several_exports_import_alike_with_and_without_read_ahead(
    tmp_path: Path, karin_export, make_zip, monkeypatch
) -> None:
    oskar = make_zip(
        {
            "Profile.csv": linkedin_fixture("Profile_oskar.csv"),
            "Connections.csv": linkedin_fixture("connections_colleague.csv"),
            "messages.csv": linkedin_fixture("messages_2021.csv"),
        },
        "oskar.zip",
    )
    used = []
    real_rows = ReadAhead.rows

    def rows(self, reader):
        used.append(reader.part.source.name)
        return real_rows(self, reader)

    def imported(name: str) -> tuple[dict, list]:
        with Workspace(tmp_path / name) as ws:
            reports = import_linkedin(ws, [karin_export(), oskar])
            tables = {
                t: sorted(ws.conn.execute(f"SELECT * FROM {t}"), key=repr)
                for t in ("people", "emails", "accounts", "sightings", "signals", "import_skips")
            }
        return tables, reports

    monkeypatch.setattr(ReadAhead, "rows", rows)
    ahead = imported("ahead.db")
    assert len(used) == 2
    monkeypatch.setattr(ReadAhead, "available", staticmethod(lambda: False))
    assert imported("here.db") == ahead
    assert len(used) == 2
