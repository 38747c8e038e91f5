"""graphwarm: the warmest introduction path from a sales team to every target account.

Import the team's LinkedIn exports and CRM files into a workspace, then find for every target
who on the team should ask whom, and how likely that is to end in a meeting.

>>> import graphwarm
>>> ws = graphwarm.Workspace("graphwarm.db")  # doctest: +SKIP
>>> graphwarm.import_linkedin(ws, ["Basic_LinkedInDataExport.zip"])  # doctest: +SKIP

For analysts (docs/notebook.md): ``graphwarm.open(path)`` opens a workspace; ``reach(ws)``
gives the result whose ``.to_pandas()`` is the reach table; ``people``, ``accounts``,
``ties`` and ``imports`` give DataFrames, ``to_networkx`` a networkx graph, and ``export``
writes GraphML, GEXF, Parquet or Neo4j files.
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
    from .engine.queries import ReachResult
    from .engine.queries import reach_targets as reach
    from .engine.tables import accounts_frame as accounts
    from .engine.tables import imports_frame as imports
    from .engine.tables import networkx_graph as to_networkx
    from .engine.tables import people_frame as people
    from .engine.tables import ties_frame as ties
    from .outputs.exports import export
    from .settings import Settings, load_settings
    from .sources.records import ImportReport
    from .workspace.forget import forget_member, forget_person
    from .workspace.imports import (
        import_accounts,
        import_activities,
        import_calendar,
        import_linkedin,
        import_mail,
        import_people,
        import_ties,
    )
    from .workspace.store import Workspace, WorkspaceStatus
    from .workspace.store import open_workspace as open

# Imported on first use (PEP 562): a command that only reads the workspace need not load the
# importers' CSV and encoding machinery. ``module:name`` where the public name differs.
_LAZY = {
    "ImportReport": "sources.records",
    "ReachResult": "engine.queries",
    "accounts": "engine.tables:accounts_frame",
    "export": "outputs.exports",
    "imports": "engine.tables:imports_frame",
    "open": "workspace.store:open_workspace",
    "people": "engine.tables:people_frame",
    "reach": "engine.queries:reach_targets",
    "ties": "engine.tables:ties_frame",
    "to_networkx": "engine.tables:networkx_graph",
    "Settings": "settings",
    "Workspace": "workspace.store",
    "WorkspaceStatus": "workspace.store",
    "forget_member": "workspace.forget",
    "forget_person": "workspace.forget",
    "import_accounts": "workspace.imports",
    "import_activities": "workspace.imports",
    "import_calendar": "workspace.imports",
    "import_linkedin": "workspace.imports",
    "import_mail": "workspace.imports",
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
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'graphwarm' has no attribute {name!r}")
    module, _, attr = where.partition(":")
    value = getattr(import_module(f".{module}", __name__), attr or name)
    globals()[name] = value
    return value


__all__ = [
    "AmbiguousQueryError",
    "GraphwarmError",
    "ImportReport",
    "InputError",
    "NotFoundError",
    "ReachResult",
    "Settings",
    "SettingsError",
    "Workspace",
    "WorkspaceError",
    "WorkspaceStatus",
    "__version__",
    "accounts",
    "export",
    "forget_member",
    "forget_person",
    "import_accounts",
    "import_activities",
    "import_calendar",
    "import_linkedin",
    "import_mail",
    "import_people",
    "import_ties",
    "imports",
    "load_settings",
    "open",
    "people",
    "reach",
    "ties",
    "to_networkx",
]
