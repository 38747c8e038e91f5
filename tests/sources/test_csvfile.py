"""Tests for graphwarm.sources._csvfile: one fixture file per real-world edge case."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from helpers import FIXTURES as ALL_FIXTURES

from graphwarm.errors import InputError
from graphwarm.sources._csvfile import Row, Source, Table, _repair, read_table

FIXTURES = ALL_FIXTURES / "csv"


def linkedin_header(fields: list[str]) -> bool:
    """The predicate the LinkedIn importer uses for Connections.csv."""
    return "First Name" in fields and "Connected On" in fields


def table(name: str, **kwargs: object) -> Table:
    return read_table(Source.from_path(FIXTURES / name), **kwargs)  # type: ignore[arg-type]


def rows(name: str, **kwargs: object) -> tuple[Table, list[Row]]:
    t = table(name, **kwargs)
    return t, list(t.rows())


def error(name: str, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as info:
        rows(name, **kwargs)
    return info.value


# --- empty and binary files ---------------------------------------------------------------


def test_empty_file() -> None:
    err = error("empty.csv")
    assert err.message == "the file is empty"
    assert err.file is not None and err.file.endswith("empty.csv")


def test_whitespace_only_file_is_empty() -> None:
    assert error("whitespace_only.csv").message == "the file is empty"


def test_header_only_yields_no_rows() -> None:
    t, got = rows("header_only.csv")
    assert got == []
    assert t.header[0] == "First Name" and len(t.header) == 7
    assert t.header_line == 1
    assert t.skipped == []


def test_xlsx_renamed_to_csv() -> None:
    assert zipfile.is_zipfile(FIXTURES / "xlsx_as.csv")
    err = error("xlsx_as.csv")
    assert "Excel workbook or ZIP archive" in err.message
    assert err.hint == "save it from Excel as 'CSV UTF-8'"


def test_old_xls_renamed_to_csv() -> None:
    err = error("xls_ole.csv")
    assert "Excel workbook" in err.message and ".xls" in err.message
    assert err.hint == "save it from Excel as 'CSV UTF-8'"


def test_binary_file() -> None:
    assert "is not a text file" in error("binary.csv").message


def test_missing_file() -> None:
    with pytest.raises(InputError, match="cannot be opened"):
        read_table(Source.from_path(FIXTURES / "no_such_file.csv"))


# --- encodings ----------------------------------------------------------------------------


def test_utf8_bom_is_not_left_on_the_first_name() -> None:
    t, got = rows("utf8_bom.csv")
    assert t.encoding == "utf-8-sig"
    assert t.delimiter == ";"
    assert t.header == ["Förnamn", "Efternamn", "Företagsnamn"]
    assert got == [Row(2, ["Åsa", "Lindqvist", "Norrsken AB"])]


def test_cp1252_semicolon_excel_save() -> None:
    t, got = rows("cp1252_semicolon.csv")
    assert t.encoding == "cp1252"
    assert t.delimiter == ";"
    assert t.header == ["Förnamn", "Efternamn", "Företagsnamn", "Titel"]
    assert got[0] == Row(2, ["Åsa", "Lindqvist", "Norrsken AB", "Säljchef"])
    assert got[1].fields[:2] == ["Jörg", "Müller"]


def test_neither_utf8_nor_cp1252_names_the_line() -> None:
    err = error("cp1252_undefined.csv")
    assert err.line == 3
    assert "0x81" in err.message
    assert err.hint == "save it as CSV UTF-8"


def test_utf16_tab_fully_quoted() -> None:
    t, got = rows("utf16_tab.csv")
    assert t.encoding == "utf-16"
    assert t.delimiter == "\t"
    assert t.header == ["First Name", "Last Name", "Company"]
    assert got == [
        Row(2, ["Åsa", "Lindqvist", "Norrsken AB"]),
        Row(3, ["Jörg", "Müller", "Bergwerk, GmbH"]),
    ]


def test_utf16le_without_bom() -> None:
    t, got = rows("utf16le_nobom.csv")
    assert t.encoding == "utf-16-le"
    assert t.delimiter == "\t"
    assert got == [Row(2, ["Åsa", "Lindqvist"])]


def test_invalid_utf8_after_the_first_mebibyte_falls_back_to_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    filler = "Erik,Holm,Fjord AS\n" * 70_000  # > 1 MiB of clean ASCII first
    path.write_bytes(
        b"Name,Last,Company\n" + filler.encode() + "Åsa,Lindqvist,Umeå\n".encode("cp1252")
    )
    t = read_table(Source.from_path(path))
    assert t.encoding == "cp1252"
    last = list(t.rows())[-1]
    assert last == Row(70_002, ["Åsa", "Lindqvist", "Umeå"])


def test_utf8_split_across_chunks_stays_utf8(tmp_path: Path) -> None:
    path = tmp_path / "split.csv"
    head = b"Name\n" + b"x" * (1024 * 1024 - 6) + b"\n"  # the next "Å" straddles 1 MiB
    path.write_bytes(head + "Åsa\n".encode())
    t = read_table(Source.from_path(path))
    assert t.encoding == "utf-8"
    assert list(t.rows())[-1] == Row(3, ["Åsa"])


# --- mojibake -----------------------------------------------------------------------------


def test_double_encoded_utf8_is_repaired() -> None:
    t, got = rows("double_encoded.csv")
    assert t.encoding == "utf-8"
    assert got == [
        Row(2, ["Åsa", "Lindqvist", "Norrsken AB"]),
        Row(3, ["Erik", "Holm", "Fjord AS"]),
        Row(4, ["Jörg", "Müller", "Östra Kajen AB"]),
    ]
    assert t.repaired_lines == 2


def test_correct_names_are_not_repaired() -> None:
    t, got = rows("correct_nordic.csv")
    assert [r.fields for r in got] == [
        ["Åsa", "Lindqvist", "Norrsken AB"],
        ["JOÃO", "Ãlvares", "Ã Consult"],
        ["Jörg", "Müller", "Bergwerk GmbH"],
    ]
    assert t.repaired_lines == 0


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Ã…sa,Lindqvist\r\n", "Åsa,Lindqvist\r\n"),  # ftfy alone keeps "Ã…"
        ("Ãƒâ€¦sa\n", "Åsa\n"),  # encoded wrongly twice
        ("â€œHejâ€\x9d,SÃ£o Paulo", "“Hej”,São Paulo"),
        ('"MÃ¼ller, Jörg",Bergwerk', '"Müller, Jörg",Bergwerk'),  # mixed: ftfy decides
        ("Åsa,JOÃO,Ã\n", "Åsa,JOÃO,Ã\n"),
    ],
)
def test_repair(line: str, expected: str) -> None:
    assert _repair(line) == expected


# --- header and delimiter -----------------------------------------------------------------


def test_linkedin_preamble_skipped_by_predicate() -> None:
    t, got = rows("preamble.csv", looks_like_header=linkedin_header)
    assert t.header_line == 4
    assert t.delimiter == ","
    assert t.header[-1] == "Connected On"
    assert got[0].line == 5 and got[0].fields[0] == "Åsa"
    assert got[1] == Row(
        6,
        [
            "Jörg",
            "Müller",
            "https://www.linkedin.com/in/jorg-muller",
            "",
            "Bergwerk, GmbH",
            "Head of Sales",
            "02 Oct 2023",
        ],
    )


def test_without_predicate_a_preamble_is_taken_as_header_and_rows_are_skipped() -> None:
    """Pinned behaviour: callers of LinkedIn files must pass looks_like_header."""
    t, _ = rows("preamble.csv")
    assert (t.header, t.header_line) == (["Notes:"], 1)
    assert [line for line, _ in t.skipped] == [4, 5, 6]


def test_predicate_also_finds_a_header_without_preamble() -> None:
    t = table("no_final_newline.csv", looks_like_header=linkedin_header)
    assert t.header_line == 1


def test_predicate_picks_the_semicolon() -> None:
    t = table("cp1252_semicolon.csv", looks_like_header=lambda f: "Förnamn" in f)
    assert (t.delimiter, t.header_line, len(t.header)) == (";", 1, 4)


def test_no_header_found_shows_the_first_line() -> None:
    err = error("no_header.csv", looks_like_header=linkedin_header)
    assert err.file is not None and err.file.endswith("no_header.csv")
    assert "no header row" in err.message
    assert err.hint is not None and "Kontaktlista exporterad 2024-05-01" in err.hint


def test_scan_lines_limits_the_header_search() -> None:
    err = error("preamble.csv", looks_like_header=linkedin_header, scan_lines=3)
    assert err.hint is not None and "Notes:" in err.hint


def test_sniffer_ignores_commas_inside_quoted_fields() -> None:
    t, got = rows("quoted_delimiters.csv")
    assert t.delimiter == ";"
    assert got[1] == Row(3, ["Müller, Jörg", "Bergwerk, GmbH", "Köln"])


def test_single_column_file_gets_comma() -> None:
    t, got = rows("single_column.csv")
    assert t.delimiter == ","
    assert t.header == ["Company"]
    assert got == [Row(2, ["Norrsken AB"]), Row(3, ["Bergwerk GmbH"])]


# --- rows and line numbers ----------------------------------------------------------------


def test_crlf_line_numbers() -> None:
    _, got = rows("crlf.csv")
    assert got == [
        Row(2, ["Åsa Lindqvist", "Norrsken AB"]),
        Row(3, ["Jörg Müller", "Bergwerk GmbH"]),
    ]


def test_cr_only_line_endings() -> None:
    _, got = rows("cr_only.csv")
    assert got == [Row(2, ["Åsa Lindqvist", "Norrsken AB"]), Row(3, ["Erik Holm", "Fjord AS"])]


def test_no_final_newline_keeps_last_row() -> None:
    _, got = rows("no_final_newline.csv")
    assert got[-1].line == 3
    assert got[-1].fields[-1] == "02 Oct 2023"
    assert got[-1].fields[4:6] == ["", ""]


def test_multiline_quoted_field_keeps_start_line() -> None:
    _, got = rows("multiline_quoted.csv")
    assert [r.line for r in got] == [2, 6]
    assert got[0].fields[3] == "Hej Jörg,\nthanks for the intro.\n\nBest, Åsa"


def test_blank_lines_are_neither_rows_nor_skipped() -> None:
    t, got = rows("blank_lines.csv")
    assert [r.line for r in got] == [3, 6]
    assert t.skipped == []


def test_excel_trailing_semicolons_are_trimmed() -> None:
    t, got = rows("excel_trailing_semicolons.csv")
    assert t.header == ["Förnamn", "Efternamn", "Företag"]
    assert got == [
        Row(2, ["Åsa", "Lindqvist", "Norrsken AB"]),
        Row(3, ["Jörg", "Müller", "Bergwerk GmbH"]),
    ]
    assert t.skipped == [(5, "4 fields, expected 3")]


def test_too_many_fields_is_skipped() -> None:
    t, got = rows("too_many_fields.csv")
    assert [r.line for r in got] == [2, 4]
    assert t.skipped == [(3, "4 fields, expected 3")]


def test_too_few_fields_is_skipped() -> None:
    t, got = rows("too_few_fields.csv")
    assert [r.line for r in got] == [3]
    assert t.skipped == [(2, "2 fields, expected 3")]


def test_unterminated_quote_points_at_its_start() -> None:
    err = error("unterminated_quote.csv")
    assert err.line == 3
    assert err.message == "a quoted field starts here and never ends"
    assert err.hint == "close the quote or remove it"


def test_unterminated_quote_in_a_large_file_stops_at_the_field_limit(tmp_path: Path) -> None:
    path = tmp_path / "runaway.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write('Name,Company\nÅsa,Norrsken AB\n"Jörg,Bergwerk\n')
        line = "x" * 1023 + "\n"
        for _ in range(17 * 1024):  # 17 MiB inside one quoted field
            out.write(line)
    err = error_for(Source.from_path(path))
    assert err.line == 3
    assert err.message == "a quoted field starts here and never ends"


def test_other_csv_error_names_the_line() -> None:
    err = error("bad_quote.csv")
    assert err.line == 3
    assert "not valid CSV" in err.message


def test_rows_may_be_called_once() -> None:
    t = table("crlf.csv")
    list(t.rows())
    with pytest.raises(RuntimeError):
        t.rows()


# --- report footers -----------------------------------------------------------------------


def test_salesforce_footer_is_not_data() -> None:
    t, got = rows("salesforce_footer.csv")
    assert [r.fields[0] for r in got] == ["Åsa", "Jörg"]
    assert t.footer_lines == 2
    assert t.skipped == []


def test_single_column_company_named_salesforce_is_data(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("Account\nNorrsken AB\n\nSalesforce\nFjord AS\n", encoding="utf-8")
    t = read_table(Source.from_path(path))
    assert [r.fields[0] for r in t.rows()] == ["Norrsken AB", "Salesforce", "Fjord AS"]
    assert t.footer_lines == 0


def test_data_after_the_footer_is_an_error() -> None:
    err = error("salesforce_data_after_footer.csv")
    assert err.line == 5
    assert err.message == "data after the report footer"


# --- sources ------------------------------------------------------------------------------


def test_source_from_a_zip_member() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("Connections.csv", (FIXTURES / "preamble.csv").read_bytes())

    def open_member() -> io.BufferedIOBase:
        return zipfile.ZipFile(io.BytesIO(buf.getvalue())).open("Connections.csv")

    source = Source("export.zip:Connections.csv", open_member)  # type: ignore[arg-type]
    t = read_table(source, looks_like_header=linkedin_header)
    assert [r.line for r in t.rows()] == [5, 6]


def test_from_path_keeps_the_name_as_given() -> None:
    assert Source.from_path("contacts.csv").name == "contacts.csv"


def test_error_message_reads_well() -> None:
    err = error("unterminated_quote.csv")
    assert str(err).endswith(
        "unterminated_quote.csv, line 3: a quoted field starts here and never ends. "
        "close the quote or remove it"
    )


def error_for(source: Source) -> InputError:
    with pytest.raises(InputError) as info:
        list(read_table(source).rows())
    return info.value
