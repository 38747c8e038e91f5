"""Tests for graphwarm.sources._csvfile: one fixture file per real-world edge case."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from helpers import FIXTURES as ALL_FIXTURES
from hypothesis import given
from hypothesis import strategies as st

from graphwarm.errors import InputError
from graphwarm.sources._csvfile import (
    Row,
    Source,
    Table,
    _choose_code_page,
    _implausible_words,
    _line_blocks,
    _repair,
    read_table,
)

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


def test_utf16_big_endian_with_bom() -> None:
    t, got = rows("utf16be_bom.csv")
    assert (t.encoding, t.decoding.codec, t.delimiter) == ("utf-16", "utf-16-be", "\t")
    assert got == [
        Row(2, ["Åsa", "Lindqvist", "Norrsken AB"]),
        Row(3, ["Jörg", "Müller", "Bergwerk GmbH"]),
    ]


def test_utf16le_without_bom_holding_cyrillic() -> None:
    """Cyrillic has few NUL bytes (only its ASCII has), but all on one side of each pair."""
    t, got = rows("utf16le_nobom_cyrillic.csv")
    assert t.encoding == "utf-16-le"
    assert t.header == ["Имя", "Фамилия", "Организация"]
    assert got[0] == Row(2, ["Ирина", "Соколова", "Северный Ветер"])


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


# --- lines that are not UTF-8: read one by one, in the file's code page ----------------------

CP1252_NOTE = "read as Windows-1252 (Western European)"


def test_mixed_utf8_and_cp1252_lines_are_each_read_right() -> None:
    t, got = rows("mixed_utf8_cp1252.csv")
    assert (t.encoding, t.decoding.fallback, t.decoding.fallback_lines) == ("utf-8", "cp1252", 2)
    assert got == [
        Row(2, ["Jörg", "Müller", "Bergwerk GmbH"]),
        Row(3, ["Linnéa", "Berg", "Norrsken AB 👍"]),  # 👍 holds 0x8D, undefined in cp1252
        Row(4, ["Åsa", "Lindqvist", "Umeå Kraft"]),
        Row(5, ["Ærling", "Ødegård", "Fjord AS"]),
    ]
    assert t.decoding_notes() == [f"2 lines are not UTF-8: {CP1252_NOTE} (first: line 2)"]
    assert t.repaired_lines == 0


def test_a_quoted_field_over_lines_in_two_encodings() -> None:
    t, got = rows("mixed_multiline_quoted.csv")
    assert got == [
        Row(
            2,
            [
                "Åsa Lindqvist",
                "Norrsken AB",
                "Met at the fair 🚀\nJörg sends regards\n— call in May",
            ],
        ),
        Row(5, ["Erik Holm", "Fjord AS", ""]),
    ]
    assert t.decoding_notes() == [f"1 line is not UTF-8: {CP1252_NOTE} (first: line 3)"]


def test_a_utf8_bom_before_cp1252_text_is_noted_not_refused() -> None:
    t, got = rows("bom_then_cp1252.csv")
    assert (t.encoding, t.delimiter) == ("cp1252", ";")
    assert t.header == ["Förnamn", "Efternamn", "Företagsnamn"]  # no BOM on the first name
    assert got[1] == Row(3, ["Jörg", "Müller", "Bergwerk GmbH"])
    assert t.decoding_notes() == [
        f"the file starts with a UTF-8 byte-order mark but is not UTF-8: {CP1252_NOTE}"
    ]


def test_a_utf8_bom_before_some_cp1252_lines(tmp_path: Path) -> None:
    path = tmp_path / "bom_mixed.csv"
    path.write_bytes(
        "\ufeffName,Company\nÅsa Lindqvist,Norrsken AB\n".encode()
        + "Jörg Müller,Bergwerk GmbH\n".encode("cp1252")
    )
    t, got = read_table(Source.from_path(path)), None
    got = list(t.rows())
    assert t.encoding == "utf-8-sig"
    assert [r.fields[0] for r in got] == ["Åsa Lindqvist", "Jörg Müller"]
    assert t.decoding_notes() == [
        "the file starts with a UTF-8 byte-order mark but 1 line is not UTF-8: "
        f"{CP1252_NOTE} (first: line 3)"
    ]


def test_a_plain_utf8_or_cp1252_file_needs_no_code_page_note() -> None:
    assert table("utf8_bom.csv").decoding_notes() == []
    assert table("cp1252_semicolon.csv").decoding_notes() == [
        f"the file is not UTF-8: {CP1252_NOTE}"
    ]


@pytest.mark.parametrize(
    ("name", "encoding", "header", "first_row", "note"),
    [
        (
            "outlook_ru_cp1251.csv",
            "cp1251",
            ["Имя", "Отчество", "Фамилия", "Организация", "Должность", "Адрес эл. почты"],
            ["Ирина", "Павловна", "Соколова", "Северный Ветер", "Директор по продажам"],
            "the file is not UTF-8: read as Windows-1251 (Cyrillic)",
        ),
        (
            "outlook_cs_cp1250.csv",
            "cp1250",
            ["Jméno", "Příjmení", "Společnost", "Funkce", "E-mailová adresa"],
            ["Jiří", "Dvořák", "Vltava Strojírny s.r.o.", "Ředitel"],
            "the file is not UTF-8: read as Windows-1250 (Central European)",
        ),
        (
            "excel_pl_cp1250.csv",
            "cp1250",
            ["Imię", "Nazwisko", "Firma", "Stanowisko"],
            ["Paweł", "Wójcik", "Żuraw Łódź sp. z o.o.", "Kierownik sprzedaży"],
            "the file is not UTF-8: read as Windows-1250 (Central European)",
        ),
        (
            "outlook_el_cp1253.csv",
            "cp1253",
            ["Όνομα", "Επώνυμο", "Εταιρεία", "Τίτλος εργασίας"],
            ["Γιώργος", "Παπαδόπουλος", "Αιγαίο Ναυτιλιακή", "Διευθυντής πωλήσεων"],
            "the file is not UTF-8: read as Windows-1253 (Greek)",
        ),
    ],
)
def test_other_code_pages_excel_and_outlook_write(
    name: str, encoding: str, header: list[str], first_row: list[str], note: str
) -> None:
    t, got = rows(name)
    assert t.encoding == encoding
    assert t.header == header
    assert got[0].fields[: len(first_row)] == first_row
    assert t.decoding_notes() == [note]


def test_a_missing_column_error_shows_cyrillic_headers_readably() -> None:
    err = error("outlook_ru_cp1251.csv", looks_like_header=lambda f: "Name" in f)
    assert err.hint is not None and "Имя,Отчество,Фамилия" in err.hint


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Förnamn;Efternamn\nÅsa;Lindqvist;Umeå\nJörg;Müller\n", "cp1252"),
        ("Åsa;Lindqvist;Umeå\n", "cp1252"),  # charset-normalizer alone says cp1250 here
        ("Søren;Kierkegård;Ærø Æbler\nBjørn;Østergaard\n", "cp1252"),
        ("Prénom;Nom\nFrançois;Lefèvre\nCécile;Mañé\nZoë;O’Brien\n", "cp1252"),
        ("Jméno;Příjmení;Firma\nTomáš;Novák;Škoda\nLucie;Svobodová;Brno\n", "cp1250"),
        ("Ad;Soyad\nIşık;Yılmaz\nAyşe;Öztürk\nÇağrı;Güneş\n", "cp1254"),
        ("Förnamn;Efternamn\nÅsa;Lindqvist\nJörg;Müller\n", "mac_roman"),  # Mac Excel
        (
            "שם פרטי,שם משפחה,חברה,תפקיד\nדוד,כהן,אלביט מערכות,מנהל מכירות\n"
            "שרה,לוי,בנק הפועלים,סמנכלית\nיוסי,מזרחי,טבע,מהנדס\n",
            "cp1255",
        ),
    ],
)
def test_code_page_choice(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    assert _choose_code_page(data, frozenset(b for b in data if b >= 0x80)) == encoding


@pytest.mark.parametrize(
    ("text", "implausible"),
    [
        ("Åsa Lindqvist, Jörg Müller, Ærø, Þórður, François", 0),
        ("Ôàìèëèÿ", 1),  # Cyrillic read as cp1252
        ("Dvoøák Pøíjmení", 2),  # Czech read as cp1252
        ("Pawe³ ¯uraw £ódŸ", 3),  # Polish read as cp1252: symbols inside words
        ("Фамилия Παπαδόπουλος", 0),  # one non-Latin script per word
        ("Fцrnamn", 1),  # two scripts in one word
    ],
)
def test_implausible_words(text: str, implausible: int) -> None:
    assert _implausible_words(text)[0] == implausible


_LANGUAGE_LETTERS = ["åäöÅÄÖé", "äöüßÄÖÜ", "éèêàçëïôÉÈ", "áéíóúñÁÉÑ", "æøåÆØÅ"]


@st.composite
def _western_words(draw: st.DrawFn) -> str:
    """A word of ASCII letters and the letters of one Western European language."""
    letters = draw(st.sampled_from(_LANGUAGE_LETTERS)) + "abcdefghijklmnopqrstuvwxyzABCDEL"
    return draw(st.text(alphabet=letters, min_size=1, max_size=12))


@given(
    st.lists(
        st.tuples(st.lists(_western_words(), min_size=3, max_size=3), st.booleans()),
        min_size=1,
        max_size=12,
    )
)
def test_lines_in_utf8_or_cp1252_read_back_exactly(lines: list[tuple[list[str], bool]]) -> None:
    """Each line written in UTF-8 or cp1252 at random reads back as written, and the lines
    that needed cp1252 are counted."""
    data = b"A,B,C\n" + b"".join(
        (",".join(words) + "\n").encode("cp1252" if legacy else "utf-8") for words, legacy in lines
    )
    t = read_table(Source("mixed.csv", lambda: io.BytesIO(data)))  # type: ignore[arg-type,return-value]
    assert [r.fields for r in t.rows()] == [words for words, _ in lines]
    legacy = [n for n, (words, cp) in enumerate(lines, 2) if cp and not "".join(words).isascii()]
    assert t.decoding.fallback_lines == len(legacy)
    assert t.decoding.first_fallback_line == (legacy[0] if legacy else None)
    assert t.decoding.fallback == ("cp1252" if legacy else None)


@given(st.binary(max_size=200).map(lambda b: b.replace(b"x", b"\r")), st.integers(1, 9))
def test_line_blocks_split_as_splitlines_whatever_the_chunks(data: bytes, chunk_size: int) -> None:
    blocks = list(_line_blocks(io.BytesIO(data), "x.csv", chunk_size=chunk_size))
    assert b"".join(block for block, _ in blocks) == data
    assert [line for block, _ in blocks for line in block.splitlines(True)] == data.splitlines(True)
    assert [n for block, n in blocks] == [len(block.splitlines()) for block, _ in blocks]


# --- errors name the line the bad bytes are on --------------------------------------------


def test_bad_bytes_on_line_5_are_blamed_on_line_5_not_on_a_valid_a_acute() -> None:
    err = error("bad_bytes_line5.csv")  # line 2's UTF-8 "Á" is C3 81: 0x81 is undefined in cp1252
    assert err.line == 5
    assert err.message == "byte 0x81 is neither UTF-8 nor Windows-1252 text"
    assert err.hint == "save it as CSV UTF-8"


def test_a_valid_utf8_a_acute_is_not_blamed() -> None:
    t, got = rows("utf8_a_acute_and_cp1252.csv")
    assert got == [
        Row(2, ["Ágnes Szabó", "Duna Kft"]),
        Row(3, ["Erik Holm", "Fjord AS"]),
        Row(4, ["Jörg Müller", "Bergwerk GmbH"]),
    ]
    assert t.decoding.first_fallback_line == 4


def test_undecodable_utf16_names_its_line() -> None:
    err = error("utf16_bad_line5.csv")
    assert err.line == 5
    assert err.message == "the text here is not valid UTF-16 (illegal UTF-16 surrogate)"


def _changing(*contents: bytes) -> Source:
    """A source whose content changes at each open (the last one stays): a file being saved."""
    versions = list(contents)

    def open_next() -> io.BytesIO:
        return io.BytesIO(versions.pop(0) if len(versions) > 1 else versions[0])

    return Source("changing.csv", open_next)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("before", "message"),
    [
        (b"Name\n\xc3\x85sa\nErik\n", "the text here is not valid UTF-8 (invalid start byte)"),
        (
            b"Name\n\xc5sa\nErik\n",
            "the text here is neither UTF-8 nor Windows-1252 (Western European)",
        ),
    ],
)
def test_a_file_changed_after_detection_is_refused_at_the_changed_line(
    before: bytes, message: str
) -> None:
    after = b"Name\n\xc3\x85sa\nJ\x81rg\n"  # 0x81: neither UTF-8 nor cp1252
    t = read_table(_changing(before, before, after))  # detection and header see *before*
    with pytest.raises(InputError) as info:
        list(t.rows())
    assert (info.value.line, info.value.message) == (3, message)


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


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
def test_a_line_without_end_is_refused_where_it_starts(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "endless.csv"
    path.write_bytes("Name\nÅsa\n".encode(encoding) + "x".encode(encoding) * (33 * 1024 * 1024))
    err = error_for(Source.from_path(path))
    assert (err.line, err.message) == (3, "a line longer than 32 MiB starts here")


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
