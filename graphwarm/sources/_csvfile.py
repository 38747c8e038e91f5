"""Read any CSV a user hands over into rows with exact line numbers, or raise one clear error.

Users bring LinkedIn exports (preambles, no final newline, legacy UTF-16), Excel re-saves
(cp1252, ``;``, trailing ``;;;``, double-encoded UTF-8, UTF-8 and cp1252 lines in one file, a
UTF-8 byte-order mark before cp1252 text), Outlook and Excel files in other code pages
(Cyrillic, Central European, Greek) and CRM exports (report footers). :func:`read_table` works
out the encoding, the header row and the delimiter; :meth:`Table.rows` then streams the rows,
so memory stays bounded however large the file is.

Bytes become text line by line: UTF-8 where a line is UTF-8, else the file's fallback code
page, chosen once for the file from the lines that are not UTF-8 (:class:`Decoding`). Splitting
bytes at CR and LF is safe before decoding: those bytes never occur inside a UTF-8 sequence or
a character of the code pages read here.

Every problem becomes one :class:`~graphwarm.errors.InputError` naming the file and, where
known, the line; rows of the wrong width are not fatal but listed in :attr:`Table.skipped`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO, NamedTuple

import ftfy
import ftfy.bad_codecs  # registers the "sloppy-windows-1252" codec

from graphwarm._words import counted
from graphwarm.errors import InputError

__all__ = ["Decoding", "Row", "Source", "Table", "read_table"]

_FIELD_LIMIT = 16 * 1024 * 1024
"""Largest field the csv module may build; an unclosed quote is reported once it is reached."""
_MAX_LINE = 2 * _FIELD_LIMIT
"""Longest physical line read in one piece (bytes, or characters in UTF-16 files); caps memory
on newline-free input."""
_CHUNK = 1024 * 1024
"""Bytes per read."""
_HEAD = 8 * 1024
"""Bytes examined for signatures, BOMs and NUL bytes."""
_DELIMITERS = (",", ";", "\t")
_SAMPLE_LINES = 50
_SAMPLE_CHARS = 64 * 1024
_SAVE_AS_CSV = "save it from Excel as 'CSV UTF-8'"

_CODE_PAGES = {
    "cp1252": "Windows-1252 (Western European)",
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1255": "Windows-1255 (Hebrew)",
    "cp1256": "Windows-1256 (Arabic)",
    "cp1257": "Windows-1257 (Baltic)",
    "mac_roman": "Mac Roman",
}
"""The code pages Excel ("CSV") and Outlook write, which lines that are not UTF-8 may be in;
cp1252 first: Excel's own in Western Europe and the Americas."""
_UNDEFINED = {
    cp: frozenset(b for b in range(0x80, 0x100) if not bytes([b]).decode(cp, "ignore"))
    for cp in _CODE_PAGES
}
"""Per code page, the bytes it leaves undefined: a line holding one is not in it."""
_SAMPLE_BYTES = 32 * 1024
"""Bytes of the lines that are not UTF-8 that the code page is chosen from."""
_CODEC_NAMES = {"utf-8": "UTF-8", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16"}
_ASCII = bytes(range(0x80))
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Which non-ASCII letters can meet in one word: a word written in a code page is read right
# when its letters belong to one language's alphabet (or to one non-Latin script), and wrong
# when they mix ("Ôàìèëèÿ" is Cyrillic read as cp1252, "Dvoøák" Czech, "Pawe³" Polish).
_ALPHABETS = tuple(
    frozenset(letters) | frozenset(c.upper() for c in letters if len(c.upper()) == 1)
    for letters in (
        "åäöé",  # Swedish
        "æøåéèêóòôü",  # Danish, Norwegian
        "äöåšž",  # Finnish
        "äöüß",  # German
        "àâæçéèêëîïôœùûüÿ",  # French
        "áéíóúñü",  # Spanish, Irish
        "áâãàçéêíóôõú",  # Portuguese
        "àèéìíîòóùú",  # Italian
        "àçèéíïòóú",  # Catalan
        "éèëïöü",  # Dutch
        "áðéíóúýþæö",  # Icelandic
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "ąćęłńóśźż",  # Polish
        "áéíóöőúüű",  # Hungarian
        "ăâîșțşţ",  # Romanian
        "čćđšž",  # Croatian, Serbian, Bosnian, Slovenian
        "âçğıîöşüİ",  # Turkish
        "āčēģīķļņšūž",  # Latvian
        "ąčęėįšųūž",  # Lithuanian
        "äõöüšž",  # Estonian
    )
)
_ANY_ALPHABET = frozenset("ªºµ")
# A word: letters, and the symbols a wrong code page puts where letters were ("M¸ller").
_INTRUDERS = "".join(
    sorted(
        {
            c
            for cp in _CODE_PAGES
            for c in bytes(range(0x80, 0x100)).decode(cp, "ignore")
            if unicodedata.category(c) in ("Sk", "Sc")
        }
    )
)
_WORD_RE = re.compile(rf"(?:[^\W\d_]|[{re.escape(_INTRUDERS)}])+")

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# UTF-8 read as Windows-1252: a lead character (what the bytes C2-F4 decode to) followed by the
# right number of continuation characters (what the bytes 80-BF decode to). Correct text such as
# "Åsa" or "JOÃO" does not match, so ftfy is only consulted on lines that really look broken.
_CONT = re.escape(bytes(range(0x80, 0xC0)).decode("sloppy-windows-1252"))
_MOJIBAKE_RE = re.compile(
    f"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}|[\u00f0-\u00f4][{_CONT}]{{3}}"
)
_FOOTER_RE = re.compile(r"confidential|copyright|©|grand totals|generated by|salesforce", re.I)


@dataclass(frozen=True)
class Source:
    """A named CSV input that can be opened more than once (a path, a zip member, bytes)."""

    name: str
    """Shown in messages: ``contacts.csv`` or ``export.zip:Connections.csv``."""
    open: Callable[[], BinaryIO]
    """Opens a fresh binary stream each call."""

    @classmethod
    def from_path(cls, path: str | Path) -> Source:
        """A source reading the file at *path*, named as given."""
        file = Path(path)
        return cls(name=str(path), open=lambda: file.open("rb"))

    def sha256(self) -> str:
        """The content's SHA-256, read in 1 MiB chunks: how a re-import is recognised."""
        digest = hashlib.sha256()
        with self.open() as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()


class Row(NamedTuple):
    """One data row: where it starts and its stripped fields."""

    line: int
    """1-based physical line where the row starts (quoted fields may span lines)."""
    fields: list[str]
    """Each field with surrounding whitespace stripped."""


@dataclass(frozen=True)
class Decoding:
    """How a file's bytes become text, found by reading all of it once."""

    encoding: str
    """``utf-8``; ``utf-8-sig`` after a UTF-8 byte-order mark; ``utf-16`` after a UTF-16 one,
    ``utf-16-le`` / ``utf-16-be`` without; or a code page such as ``cp1252`` when no line is
    UTF-8 beyond ASCII."""
    codec: str = "utf-8"
    """What decodes a line first: ``utf-8``, ``utf-16-le`` or ``utf-16-be``."""
    bom_size: int = 0
    """Bytes of byte-order mark before the text."""
    fallback: str | None = None
    """The code page the lines that are not UTF-8 are read in, when some are."""
    fallback_lines: int = 0
    """How many physical lines (header and preamble included) were not UTF-8."""
    first_fallback_line: int | None = None

    def notes(self) -> list[str]:
        """What the user should know about how the text was read: a code page was chosen."""
        if not self.fallback or not self.fallback_lines:
            return []
        name = _CODE_PAGES[self.fallback]
        if self.encoding == self.fallback:  # every line beyond ASCII
            what = f"is not UTF-8: read as {name}"
        else:
            n = self.fallback_lines
            lines = "1 line is" if n == 1 else f"{n:,} lines are"
            what = f"{lines} not UTF-8: read as {name} (first: line {self.first_fallback_line})"
        if self.bom_size:
            return [f"the file starts with a UTF-8 byte-order mark but {what}"]
        return [f"the file {what}" if self.encoding == self.fallback else what]


class Table:
    """A CSV file's detected layout (encoding, delimiter, header) and its rows, streamed."""

    source: Source
    decoding: Decoding
    encoding: str
    delimiter: str
    header: list[str]
    header_line: int
    skipped: list[tuple[int, str]]
    repaired_lines: int
    footer_lines: int

    def __init__(
        self,
        source: Source,
        *,
        decoding: Decoding,
        delimiter: str,
        header: list[str],
        header_line: int,
    ) -> None:
        self.source = source
        self.decoding = decoding
        self.encoding = decoding.encoding
        self.delimiter = delimiter
        self.header = header
        self.header_line = header_line
        self.skipped = []
        """(line, reason) for rows of the wrong width; filled while iterating."""
        self.repaired_lines = 0
        """Physical lines (header and preamble included) whose mojibake was repaired."""
        self.footer_lines = 0
        """Non-blank physical lines ignored from a report footer on."""
        self._started = False

    def __repr__(self) -> str:
        return (
            f"Table({self.source.name!r}, encoding={self.encoding!r}, "
            f"delimiter={self.delimiter!r}, header_line={self.header_line}, "
            f"header={self.header!r})"
        )

    def decoding_notes(self) -> list[str]:
        """Notes for the import report on how the bytes were read (see :meth:`Decoding.notes`),
        and on the lines whose garbled characters were repaired."""
        repaired = self.repaired_lines
        return self.decoding.notes() + (
            [f"repaired garbled characters on {counted(repaired, 'line')}"] if repaired else []
        )

    def rows(self) -> Iterator[Row]:
        """Stream the data rows after the header; may be called once.

        Blank rows are dropped, rows of the wrong width are listed in :attr:`skipped`, and a
        report footer ends the data. Raises InputError for broken quoting or decoding.
        """
        if self._started:
            raise RuntimeError(f"rows() of {self.source.name} may be called only once")
        self._started = True
        return self._iter_rows()

    def _iter_rows(self) -> Iterator[Row]:
        name = self.source.name
        width = len(self.header)
        with _open_binary(self.source) as stream:
            feed = _lines(stream, self.source, self.decoding)
            for _ in range(self.header_line):
                if next(feed, None) is None:  # the file shrank since read_table()
                    return
            reader = csv.reader(feed, delimiter=self.delimiter, strict=True)
            after_blank = False
            in_footer = False
            while True:
                start = feed.line + 1
                try:
                    record = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    raise _csv_error(exc, name, start, feed.line) from None
                finally:
                    self.repaired_lines = feed.repaired
                fields = [field.strip() for field in record]
                while len(fields) > width and not fields[-1]:
                    fields.pop()  # Excel's trailing ";;;"
                if not any(fields):
                    after_blank = True
                    continue
                if in_footer:
                    if len(fields) == width:
                        raise InputError(
                            "data after the report footer",
                            file=name,
                            line=start,
                            hint="remove the footer lines, or the rows after them",
                        )
                    self.footer_lines += feed.line - start + 1
                    continue
                if after_blank and width > 1 and _is_footer(fields):
                    in_footer = True
                    self.footer_lines += feed.line - start + 1
                    continue
                after_blank = False
                if len(fields) != width:
                    self.skipped.append((start, f"{len(fields)} fields, expected {width}"))
                    continue
                yield Row(start, fields)


def read_table(
    source: Source,
    *,
    looks_like_header: Callable[[list[str]], bool] | None = None,
    scan_lines: int = 10,
) -> Table:
    """Detect *source*'s encoding, header row and delimiter; rows come later from ``rows()``.

    With *looks_like_header*, the header is the first of the first *scan_lines* lines that
    satisfies it when split by ``,`` ``;`` or tab (so preambles are skipped without matching
    their text); without it, the first non-blank line, the delimiter sniffed from the sample
    that follows. Raises InputError for empty, binary or undecodable files and missing headers.
    """
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    name = source.name
    scan_lines = max(1, scan_lines)
    decoding = _detect(source)
    with _open_binary(source) as stream:
        feed = _lines(stream, source, decoding)
        scanned = [line for _, line in zip(range(scan_lines), feed, strict=False)]
        first = next((i for i, line in enumerate(scanned) if not _is_blank(line)), None)
        if first is None:
            if len(scanned) < scan_lines:
                raise InputError("the file is empty", file=name)
            raise InputError(
                f"no header row in the first {scan_lines} lines: they are all blank",
                file=name,
                hint="remove the blank lines at the top",
            )
        if looks_like_header is not None:
            found = _find_header(scanned, looks_like_header)
            if found is None:
                shown = scanned[first].strip()
                shown = shown if len(shown) <= 80 else shown[:77] + "..."
                raise InputError(
                    f"no header row with the expected columns in the first {scan_lines} lines",
                    file=name,
                    hint=f"the first line reads {shown!r}; is this the right file?",
                )
            index, delimiter, header = found
        else:
            index = first
            sample = scanned[index:]
            size = sum(map(len, sample))
            while len(sample) < _SAMPLE_LINES and size < _SAMPLE_CHARS:
                line = next(feed, None)
                if line is None:
                    break
                sample.append(line)
                size += len(line)
            delimiter = _choose_delimiter(sample)
            header = _parse_line(sample[0], delimiter) or [sample[0].strip()]
    while header and not header[-1]:
        header.pop()
    return Table(
        source, decoding=decoding, delimiter=delimiter, header=header, header_line=index + 1
    )


class _Lines:
    """Physical lines for csv.reader: decoded, counted, length-capped, de-mojibaked."""

    def __init__(self, source: Source, decoding: Decoding) -> None:
        self.line = 0
        """Physical lines handed out so far (= the 1-based number of the last one)."""
        self.repaired = 0
        self._source = source
        self._name = source.name
        self._decoding = decoding

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:  # pragma: no cover - the subclasses read
        raise NotImplementedError

    def _clean(self, line: str) -> str:
        """*line*, which looks like mojibake, repaired if it is."""
        fixed = _repair(line)
        if fixed != line:
            self.repaired += 1
        return fixed


class _ByteLines(_Lines):
    """Lines of a file with lines that are not UTF-8, each decoded on its own: UTF-8, else
    the fallback code page."""

    def __init__(self, stream: BinaryIO, source: Source, decoding: Decoding, fallback: str) -> None:
        super().__init__(source, decoding)
        blocks = _line_blocks(stream, source.name)
        self._raw = itertools.chain.from_iterable(block.splitlines(True) for block, _ in blocks)
        self._fallback = fallback

    def __next__(self) -> str:
        raw = next(self._raw)
        self.line += 1
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = self._decode_fallback(raw)
            if self._fallback != "cp1252":  # the mojibake patterns are cp1252's
                return line
        if line.isascii() or not _MOJIBAKE_RE.search(line):
            return line
        return self._clean(line)

    def _decode_fallback(self, raw: bytes) -> str:
        try:
            return raw.decode(self._fallback)
        except UnicodeDecodeError:  # the file changed since its encoding was detected
            raise InputError(
                f"the text here is neither UTF-8 nor {_CODE_PAGES[self._fallback]}",
                file=self._name,
                line=self.line,
                hint="save it as CSV UTF-8",
            ) from None


class _TextLines(_Lines):
    """Lines of a file in one codec (UTF-8 or UTF-16), through a text stream."""

    def __init__(self, stream: BinaryIO, source: Source, decoding: Decoding) -> None:
        super().__init__(source, decoding)
        self._readline = io.TextIOWrapper(stream, encoding=decoding.codec, newline="").readline

    def __next__(self) -> str:
        try:
            line = self._readline(_MAX_LINE)
        except UnicodeDecodeError as exc:
            # The text stream decodes ahead in chunks: find the line the bad bytes are on.
            raise InputError(
                f"the text here is not valid {_CODEC_NAMES[self._decoding.codec]} ({exc.reason})",
                file=self._name,
                line=_line_of_bad_text(self._source, self._decoding),
                hint="save it as CSV UTF-8",
            ) from None
        if not line:
            raise StopIteration
        self.line += 1
        if len(line) >= _MAX_LINE and line[-1] not in "\r\n":
            raise _too_long(self._name, self.line)
        if line.isascii() or not _MOJIBAKE_RE.search(line):
            return line
        return self._clean(line)


def _lines(stream: BinaryIO, source: Source, decoding: Decoding) -> _Lines:
    """The lines of *stream*, just opened, read as *decoding* says."""
    stream.read(decoding.bom_size)
    if decoding.fallback is not None:
        return _ByteLines(stream, source, decoding, decoding.fallback)
    return _TextLines(stream, source, decoding)


def _line_blocks(
    stream: BinaryIO, name: str, first: bytes = b"", chunk_size: int = _CHUNK
) -> Iterator[tuple[bytes, int]]:
    """*first* and the rest of *stream* in blocks of whole physical lines, about a chunk each,
    with the number of lines in each.

    Lines end at LF, CRLF or a lone CR, as csv.reader and text streams count them
    (``bytes.splitlines`` splits a block into them, :func:`_count_lines` counts them); a CR at
    the end of a chunk waits for the next, which may start with its LF. Raises InputError for a
    line longer than _MAX_LINE bytes, naming the line it starts on.
    """
    done = 0
    rest = b""
    reads: Iterable[bytes] = iter(partial(stream.read, chunk_size), b"")
    for chunk in itertools.chain((first,) if first else (), reads):
        data = rest + chunk
        end = len(data) - 1 if data.endswith(b"\r") else len(data)
        end = max(data.rfind(b"\n", 0, end), data.rfind(b"\r", 0, end)) + 1
        block, rest = data[:end], data[end:]
        if block:
            lines = _count_lines(block)
            done += lines
            yield block, lines
        if len(rest) > _MAX_LINE:
            raise _too_long(name, done + 1)
    if rest:
        yield rest, 1


def _count_lines(block: bytes) -> int:
    """The physical lines in *block*, as ``block.splitlines()`` splits it."""
    breaks = block.count(b"\n")
    if b"\r" in block:  # most files have none: skip two slower counts
        breaks += block.count(b"\r") - block.count(b"\r\n")
    return breaks + (not block.endswith((b"\n", b"\r")))


def _too_long(name: str, line: int) -> InputError:
    return InputError(
        f"a line longer than {_MAX_LINE // (1024 * 1024)} MiB starts here",
        file=name,
        line=line,
        hint="is this really a CSV file?",
    )


def _repair(line: str) -> str:
    """Undo UTF-8 that was decoded as Windows-1252 (``Ã…sa`` -> ``Åsa``), keeping the ending.

    A line whose every non-ASCII character round-trips through cp1252 into valid UTF-8 is
    mojibake through and through, and is decoded back outright: ftfy alone leaves ``Ã…sa``
    alone because ``Ã…`` is plausible text. Whatever still looks broken goes to
    ``ftfy.fix_encoding`` (not ``fix_text``, which would also change quotes).
    """
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    for _ in range(3):  # a file can be double-encoded more than once
        if not _MOJIBAKE_RE.search(body):
            return body + ending
        try:
            body = body.encode("sloppy-windows-1252").decode("utf-8")
        except UnicodeError:
            break
    if _MOJIBAKE_RE.search(body):
        body = ftfy.fix_encoding(body)
    return body + ending


def _open_binary(source: Source) -> BinaryIO:
    try:
        return source.open()
    except OSError as exc:
        raise InputError(f"cannot be opened ({exc.strerror or exc})", file=source.name) from None


def _detect(source: Source) -> Decoding:
    """Read the whole file once: its byte-order mark or UTF-16 layout, else which lines are
    not UTF-8 and the code page they are in.

    Raises InputError for empty files, workbooks, archives and other binary files, and at the
    first line that is neither UTF-8 nor text in a code page that reads the file plausibly.
    """
    name = source.name
    with _open_binary(source) as stream:
        head = stream.read(_HEAD)
        if not head:
            raise InputError("the file is empty", file=name)
        utf16 = _utf16_from_head(head, name)
        if utf16 is not None:
            return utf16
        bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
        line = 0
        utf8_text = False  # a line is UTF-8 beyond ASCII
        other_lines = 0
        first_other: int | None = None
        first_line_of: dict[int, int] = {}  # byte >= 0x80 → first line not UTF-8 holding it
        sample: list[bytes] = []
        sampled = 0
        for block, lines in _line_blocks(stream, name, head[bom:]):
            try:
                block.decode("utf-8")  # commonly all of it is UTF-8
            except UnicodeDecodeError:
                pass
            else:
                utf8_text = utf8_text or not block.isascii()
                line += lines
                continue
            others: list[tuple[int, bytes]] = []
            for raw in block.splitlines(True):
                line += 1
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    others.append((line, raw))
                else:
                    utf8_text = utf8_text or not raw.isascii()
            other_lines += len(others)
            first_other = first_other or others[0][0]
            if not set(b"".join(raw for _, raw in others).translate(None, _ASCII)).issubset(
                first_line_of
            ):
                for number, raw in others:
                    for byte in set(raw.translate(None, _ASCII)):
                        first_line_of.setdefault(byte, number)
            for _, raw in others:
                if sampled >= _SAMPLE_BYTES:
                    break
                sample.append(raw)
                sampled += len(raw)
    utf8 = "utf-8-sig" if bom else "utf-8"
    if not other_lines:
        return Decoding(utf8, bom_size=bom)
    fallback = _choose_code_page(b"".join(sample), frozenset(first_line_of))
    if fallback is None:
        line, byte = min((first_line_of[b], b) for b in _UNDEFINED["cp1252"] & first_line_of.keys())
        raise InputError(
            f"byte 0x{byte:02X} is neither UTF-8 nor Windows-1252 text",
            file=name,
            line=line,
            hint="save it as CSV UTF-8",
        )
    return Decoding(
        utf8 if utf8_text else fallback,
        bom_size=bom,
        fallback=fallback,
        fallback_lines=other_lines,
        first_fallback_line=first_other,
    )


def _choose_code_page(sample: bytes, high: frozenset[int]) -> str | None:
    """The code page of the lines that are not UTF-8 (*sample*: some of them; *high*: every
    byte >= 0x80 they hold), or None when none reads them.

    cp1252 stands when it defines every byte and every word of the sample reads plausibly in
    it (:func:`_implausible_words`). Otherwise charset-normalizer proposes code pages, and one
    that defines every byte wins when it reads fewer words implausibly than cp1252 and at most
    one in ten; failing that, cp1252 if it defines every byte. (charset-normalizer alone takes
    small cp1252 Swedish files for cp1250: it proposes, it does not decide.)
    """

    def defines(cp: str) -> bool:
        return not high & _UNDEFINED[cp]

    cp1252 = defines("cp1252")
    if cp1252 and not _implausible_words(sample.decode("cp1252"))[0]:
        return "cp1252"
    from charset_normalizer import from_bytes  # only here: most files never need it

    proposed = [m.encoding for m in from_bytes(sample, cp_isolation=list(_CODE_PAGES))]
    best: tuple[int, int, str] | None = None  # (implausible, words, code page)
    for cp in dict.fromkeys(["cp1252", *proposed]):
        if cp in _CODE_PAGES and defines(cp):
            bad, words = _implausible_words(sample.decode(cp))
            if best is None or bad < best[0]:
                best = (bad, words, cp)
    if best is not None and best[2] != "cp1252" and best[0] * 10 <= best[1]:
        return best[2]
    return "cp1252" if cp1252 else None


def _implausible_words(text: str) -> tuple[int, int]:
    """(words read implausibly, words with a character beyond ASCII) in *text*.

    A word reads plausibly when its non-ASCII letters all belong to one language's alphabet
    (:data:`_ALPHABETS`), or when all its letters are of one script other than Latin.
    """
    bad = words = 0
    for word in _WORD_RE.findall(text):
        if word.isascii():
            continue
        words += 1
        extra = {c for c in word if not c.isascii()} - _ANY_ALPHABET
        if not extra or any(extra <= alphabet for alphabet in _ALPHABETS):
            continue
        scripts = {unicodedata.name(c, "?").partition(" ")[0] for c in word}
        if len(scripts) != 1 or "LATIN" in scripts:
            bad += 1
    return bad, words


def _utf16_from_head(head: bytes, name: str) -> Decoding | None:
    """The UTF-16 decoding a BOM or the layout of NUL bytes settles, else None (8-bit text).

    Raises InputError for workbooks, archives and other binary files.
    """
    if head.startswith(_ZIP_MAGIC):
        raise InputError(
            "this is an Excel workbook or ZIP archive, not a CSV file", file=name, hint=_SAVE_AS_CSV
        )
    if head.startswith(_OLE2_MAGIC):
        raise InputError(
            "this is an old Excel workbook (.xls) or other Office file, not a CSV file",
            file=name,
            hint=_SAVE_AS_CSV,
        )
    if head.startswith(codecs.BOM_UTF8):
        return None
    if head.startswith(codecs.BOM_UTF16_LE):
        return Decoding("utf-16", codec="utf-16-le", bom_size=2)
    if head.startswith(codecs.BOM_UTF16_BE):
        return Decoding("utf-16", codec="utf-16-be", bom_size=2)
    if b"\x00" not in head:
        return None
    codec = _utf16_layout(head)
    if codec is None:
        raise InputError(
            "this is not a text file (it holds NUL bytes)", file=name, hint=_SAVE_AS_CSV
        )
    return Decoding(codec, codec=codec)


def _utf16_layout(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when *head* is text in it, without a byte-order mark.

    The NUL bytes of ASCII characters fall on one side of each pair (few on the other: letters
    such as U+0100 have one there), and the text decodes without control characters. Cyrillic
    or Greek text has fewer NULs than Latin, but still on one side only.
    """
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd and even * 10 <= odd:
        codec = "utf-16-le"
    elif even and odd * 10 <= even:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = codecs.getincrementaldecoder(codec)().decode(head)  # a cut pair waits
    except UnicodeDecodeError:
        return None
    return None if _CONTROL_RE.search(text) else codec


def _line_of_bad_text(source: Source, decoding: Decoding) -> int:
    """The 1-based line holding the first bytes *decoding*'s codec cannot decode."""
    decoder = codecs.getincrementaldecoder(decoding.codec)()
    line = 1
    pending_cr = False
    with _open_binary(source) as stream:
        stream.read(decoding.bom_size)
        while chunk := stream.read(_CHUNK):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                good = exc.object[: exc.start].decode(decoding.codec, "replace")
                return line + _count_breaks(good, pending_cr)
            line += _count_breaks(text, pending_cr)
            pending_cr = text.endswith("\r")
    return line  # pragma: no cover - only called after a decoding error


def _count_breaks(text: str, pending_cr: bool) -> int:
    """Line breaks (LF, CRLF, lone CR) in *text*; a CRLF split across chunks counts once."""
    count = text.count("\n") + text.count("\r") - text.count("\r\n")
    if pending_cr and text.startswith("\n"):
        count -= 1
    return count


def _is_blank(line: str) -> bool:
    """True for lines without content: whitespace, bare delimiters, empty quotes."""
    return not line.strip(' \t\r\n\ufeff,;"')


def _parse_line(line: str, delimiter: str) -> list[str] | None:
    """One line split by *delimiter* into stripped fields, or None if it is not valid CSV."""
    try:
        record = next(csv.reader([line], delimiter=delimiter, strict=True), [])
    except csv.Error:
        return None
    fields = [field.strip() for field in record]
    if fields:
        fields[0] = fields[0].lstrip("\ufeff").strip()
    return fields


def _find_header(
    lines: list[str], looks_like_header: Callable[[list[str]], bool]
) -> tuple[int, str, list[str]] | None:
    """(index, delimiter, fields) of the first line the predicate accepts, or None."""
    for index, line in enumerate(lines):
        if _is_blank(line):
            continue
        for delimiter in sorted(_DELIMITERS, key=line.count, reverse=True):
            fields = _parse_line(line, delimiter)
            if fields is not None and looks_like_header(fields):
                return index, delimiter, fields
    return None


def _choose_delimiter(sample: list[str]) -> str:
    """The delimiter of *sample* (header line first): csv.Sniffer, checked against the data.

    The sniffed delimiter stands if it occurs in the header and splits the rows at least as
    consistently as any other candidate does; otherwise the most consistent candidate wins,
    ties going to the one occurring most in the header. No candidate in the header: ``,``.
    """
    header = sample[0]
    present = [d for d in _DELIMITERS if d in header]
    if not present:
        return ","
    try:
        sniffed: str | None = (
            csv.Sniffer().sniff("".join(sample), delimiters="".join(_DELIMITERS)).delimiter
        )
    except csv.Error:
        sniffed = None
    scores = {d: (_consistency(sample, d), header.count(d)) for d in present}
    best = max(present, key=lambda d: scores[d])
    if sniffed in scores and scores[sniffed][0] >= scores[best][0]:
        return sniffed
    return best


def _consistency(sample: list[str], delimiter: str) -> float:
    """Share of the sample's non-blank rows as wide as its header when split by *delimiter*."""
    try:
        records = list(csv.reader(sample, delimiter=delimiter))
    except csv.Error:
        return 0.0
    widths = [len(_trim(record)) for record in records if any(f.strip() for f in record)]
    if len(widths) < 2:
        return 1.0
    return sum(width == widths[0] for width in widths[1:]) / (len(widths) - 1)


def _trim(record: list[str]) -> list[str]:
    end = len(record)
    while end > 1 and not record[end - 1].strip():
        end -= 1
    return record[:end]


def _is_footer(fields: list[str]) -> bool:
    """A report footer line: one non-empty field saying confidential, copyright, totals..."""
    filled = [field for field in fields if field]
    return len(filled) == 1 and _FOOTER_RE.search(filled[0]) is not None


def _csv_error(exc: csv.Error, name: str, start: int, line: int) -> InputError:
    """Translate a csv.Error: an unclosed quote points at the line where its row started."""
    text = str(exc)
    if "unexpected end of data" in text or "field larger than field limit" in text:
        return InputError(
            "a quoted field starts here and never ends",
            file=name,
            line=start,
            hint="close the quote or remove it",
        )
    return InputError(
        f"this line is not valid CSV ({text})",
        file=name,
        line=line,
        hint='a field that starts with a quote must end with one; write a quote inside it as ""',
    )
