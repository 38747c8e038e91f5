"""The ``graphwarm`` command line: thin click wrappers over the library."""

from __future__ import annotations

from . import demo, map, plans, reach, workspace  # noqa: F401  (registers the commands)
from ._common import main

__all__ = ["main"]
