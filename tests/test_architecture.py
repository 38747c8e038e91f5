"""The package's layering (docs/architecture.md): imports run only down the pipeline.

files ─► sources ─► workspace ─► engine ─► outputs ─► cli, with errors, settings, identity,
_csvcells and _words beneath them all. Every import counts, including those made inside a
function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "graphwarm"

# A module may import from its own stage and from any stage below it.
STAGES = {"base": 0, "sources": 1, "workspace": 2, "engine": 3, "outputs": 4, "cli": 5}
BASE = {"errors", "settings", "identity", "_csvcells", "_words"}


def _stage(module: str) -> str | None:
    """The stage of ``graphwarm.X…``; ``None`` for the package itself and ``__main__``."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] in ("__init__", "__main__"):
        return None
    if parts[1] in BASE:
        return "base"
    if parts[1] in STAGES:
        return parts[1]
    raise AssertionError(f"{module} belongs to no stage: add it to docs/architecture.md")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(source: str, package: str) -> list[tuple[int, str]]:
    """Every graphwarm module that ``source`` (a module of ``package``) imports, with the line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                parts = package.split(".")
                target = ".".join([*parts[: len(parts) - node.level + 1], *filter(None, [target])])
            if node.module is None or target == "graphwarm":  # ``from . import a, b``
                found += [(node.lineno, f"{target}.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return [(line, t) for line, t in found if t.startswith("graphwarm.")]


def _backward(module: str, source: str, *, is_package: bool = False) -> list[str]:
    """The imports of ``module`` that run back up the pipeline."""
    here = _stage(module)
    if here is None:  # the package's public names and ``python -m graphwarm`` may use any
        return []
    package = module if is_package else module.rpartition(".")[0]
    wrong = []
    for line, target in _imports(source, package):
        there = _stage(target)
        if there is not None and (
            there != "base" if here == "base" else STAGES[there] > STAGES[here]
        ):
            wrong.append(f"{module}:{line} imports {target} ({here} → {there})")
    return wrong


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "samples" not in p.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_run_only_down_the_pipeline(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert _backward(_module_name(path), source, is_package=path.name == "__init__.py") == []


def test_the_check_finds_an_import_that_runs_back_up() -> None:
    engine = "from ..outputs.plans import plan_accounts\nfrom .routes import LABELS\n"
    assert _backward("graphwarm.engine.reach", engine) == [
        "graphwarm.engine.reach:1 imports graphwarm.outputs.plans (engine → outputs)"
    ]
    lazy = "def f():\n    from graphwarm.workspace.store import Workspace\n"
    assert _backward("graphwarm.sources.crm", lazy) == [
        "graphwarm.sources.crm:2 imports graphwarm.workspace.store (sources → workspace)"
    ]
    assert _backward("graphwarm.settings", "from .engine import reach\n") == [
        "graphwarm.settings:1 imports graphwarm.engine (base → engine)"
    ]
    assert _backward("graphwarm.workspace.imports", "from ..sources import crm\n") == []
