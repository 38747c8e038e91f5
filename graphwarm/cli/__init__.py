"""The ``graphwarm`` command line: thin click wrappers over the library.

Each command lives in the module ``_common._COMMAND_MODULES`` names, imported when it runs.
"""

from __future__ import annotations

from ._common import main

__all__ = ["main"]
