"""graphwarm: the warmest introduction path from a sales team to every target account.

Import the team's LinkedIn exports and CRM files into a workspace, then find for every target
who on the team should ask whom, and how likely that is to end in a meeting.

>>> import graphwarm
>>> ws = graphwarm.Workspace(":memory:")  # doctest: +SKIP
>>> graphwarm.import_linkedin(ws, ["Basic_LinkedInDataExport.zip"])  # doctest: +SKIP
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import (
    AmbiguousQueryError,
    GraphwarmError,
    InputError,
    NotFoundError,
    SettingsError,
    WorkspaceError,
)
from .forget import forget_member, forget_person
from .imports import import_accounts, import_linkedin, import_people, import_ties
from .records import ImportReport
from .settings import Settings, load_settings
from .store import Workspace, WorkspaceStatus

try:
    __version__ = version("graphwarm")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

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
