"""The files inside a folder or a zip archive, as :class:`Source` objects to read.

Both LinkedIn and Salesforce hand their exports over as a ``.zip`` that users often unpack;
each reader picks its files out of the list by name.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, BinaryIO

from ..errors import InputError
from ._csvfile import Source

__all__ = ["base_name", "folder_entries", "zip_entries"]

_UNZIP_FIRST = "unzip it first, then import the unpacked folder"


def folder_entries(path: Path) -> list[tuple[str, Source]]:
    """``(path inside, source)`` for every file under a folder, sub-folders included, in name
    order."""
    files = sorted(p for p in path.rglob("*") if p.is_file())
    return [(p.relative_to(path).as_posix(), Source(name=str(p), open=_opener(p))) for p in files]


def zip_entries(path: Path) -> list[tuple[str, Source]]:
    """``(path inside, source)`` for every file in a zip archive, each source named
    ``archive.zip:inner/name.csv``."""
    return _Zip(path).entries()


def base_name(source: Source) -> str:
    """A source's file name without its folders or archive, lower-case: ``contact.csv``."""
    return source.name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower()


def _opener(path: Path) -> Callable[[], BinaryIO]:
    return lambda: path.open("rb")


class _Zip:
    """A zip archive whose members are opened many times.

    Its directory is read once per process, not once per member opened: re-reading it made
    a zip of 10,000 entries take minutes (each open read all 10,000 entries). A forked worker
    (:mod:`read_ahead`) opens its own handle, so the two never share a file position.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._archive: zipfile.ZipFile | None = None
        self._pid = 0

    def entries(self) -> list[tuple[str, Source]]:
        """(path inside the zip, source) for every file in it; the path with ``/`` between
        folders even where a Windows tool wrote ``\\``."""
        try:
            infos = [i for i in self._handle().infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, OSError) as err:
            raise InputError(
                f"is a damaged zip archive ({err})",
                file=self.path,
                hint="download the export again",
            ) from err
        return [
            (i.filename.replace("\\", "/"), Source(f"{self.path}:{i.filename}", self._opener(i)))
            for i in infos
        ]

    def _handle(self) -> zipfile.ZipFile:
        if self._archive is None or self._pid != os.getpid():
            self._archive = zipfile.ZipFile(self.path)
            self._pid = os.getpid()
        return self._archive

    def _opener(self, info: zipfile.ZipInfo) -> Callable[[], BinaryIO]:
        return lambda: self.open(info)

    def open(self, info: zipfile.ZipInfo) -> BinaryIO:
        """A stream of one member; InputError if it is encrypted or cannot be read."""
        if info.flag_bits & 0x1:  # zipfile would raise RuntimeError: "password required"
            raise InputError(
                f"{info.filename} is password-protected",
                file=self.path,
                hint="unzip it first (your unzip tool asks for the password), "
                "then import the unpacked folder",
            )
        name = f"{self.path}:{info.filename}"
        try:
            return _Member(self._handle().open(info), name)
        except NotImplementedError as err:  # e.g. Deflate64, which Windows writes for big zips
            raise InputError(
                f"{info.filename} is compressed in a way Python cannot read ({err})",
                file=self.path,
                hint=_UNZIP_FIRST,
            ) from None
        except (zipfile.BadZipFile, OSError) as err:
            raise _damaged(name, err) from None


class _Member(io.BufferedIOBase):
    """A zip member's stream whose read errors (a bad CRC: a damaged download) are
    InputErrors instead of tracebacks."""

    def __init__(self, raw: IO[bytes], name: str) -> None:
        super().__init__()
        self._raw = raw
        self._name = name

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        try:
            return self._raw.read(-1 if size is None else size)
        except (zipfile.BadZipFile, EOFError, zlib.error) as err:
            raise _damaged(self._name, err) from None

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _damaged(name: str, err: Exception) -> InputError:
    return InputError(
        f"cannot be read from the zip, which is damaged ({err})",
        file=name,
        hint="download the export again",
    )
