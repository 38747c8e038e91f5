"""The files inside a folder or a zip archive, as :class:`Source` objects to read.

Both LinkedIn and Salesforce hand their exports over as a ``.zip`` that users often unpack;
each reader picks its files out of the list by name.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ._csvfile import Source

__all__ = ["base_name", "folder_sources", "zip_sources"]


def folder_sources(path: Path) -> list[Source]:
    """Every file under a folder, sub-folders included, in name order."""
    return [Source(name=str(p), open=_opener(p)) for p in sorted(path.rglob("*")) if p.is_file()]


def zip_sources(path: Path) -> list[Source]:
    """Every file in a zip archive, named ``archive.zip:inner/name.csv``."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as err:
        raise InputError(
            f"is a damaged zip archive ({err})", file=path, hint="download the export again"
        ) from err

    def opener(member: str) -> Callable[[], BinaryIO]:
        def open_member() -> BinaryIO:
            archive = zipfile.ZipFile(path)
            return archive.open(member)  # type: ignore[return-value]

        return open_member

    return [Source(name=f"{path}:{n}", open=opener(n)) for n in names]


def base_name(source: Source) -> str:
    """A source's file name without its folders or archive, lower-case: ``contact.csv``."""
    return source.name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower()


def _opener(path: Path) -> Callable[[], BinaryIO]:
    return lambda: path.open("rb")
