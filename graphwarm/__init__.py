"""graphwarm: the warmest introduction path from a sales team to every target account.

Import the team's LinkedIn exports and CRM files into a workspace, then find for every target
who on the team should ask whom, and how likely that is to end in a meeting.

>>> import graphwarm
>>> ws = graphwarm.Workspace(":memory:")  # doctest: +SKIP
>>> graphwarm.import_linkedin(ws, ["Basic_LinkedInDataExport.zip"])  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .errors import (
    AmbiguousQueryError,
    GraphwarmError,
    InputError,
    NotFoundError,
    SettingsError,
    WorkspaceError,
)

if TYPE_CHECKING:
    from .settings import Settings, load_settings
    from .sources.records import ImportReport
    from .workspace.forget import forget_member, forget_person
    from .workspace.imports import import_accounts, import_linkedin, import_people, import_ties
    from .workspace.store import Workspace, WorkspaceStatus

# Imported on first use (PEP 562): a command that only reads the workspace need not load the
# importers' CSV and encoding machinery.
_LAZY = {
    "ImportReport": "sources.records",
    "Settings": "settings",
    "Workspace": "workspace.store",
    "WorkspaceStatus": "workspace.store",
    "forget_member": "workspace.forget",
    "forget_person": "workspace.forget",
    "import_accounts": "workspace.imports",
    "import_linkedin": "workspace.imports",
    "import_people": "workspace.imports",
    "import_ties": "workspace.imports",
    "load_settings": "settings",
}


def __getattr__(name: str) -> object:
    """``graphwarm.NAME`` for the names in ``_LAZY``, importing their module on first use."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("graphwarm")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            return "0.0.0"
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'graphwarm' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "AmbiguousQueryError",
    "GraphwarmError",
    "ImportReport",
    "InputError",
    "NotFoundError",
    "Settings",
    "SettingsError",
    "Workspace",
    "WorkspaceError",
    "WorkspaceStatus",
    "__version__",
    "forget_member",
    "forget_person",
    "import_accounts",
    "import_linkedin",
    "import_people",
    "import_ties",
    "load_settings",
]
