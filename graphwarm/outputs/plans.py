"""Account plans: for one account, who on the team asks whom, in what order, and what to say.

:func:`plan_accounts` turns the reach of an account's targets into an :class:`AccountPlan`:
its label, best chance and expected meetings, the member who owns it, the people the team
knows there, every target's best path as numbered asks with two backups and the cold-call
fallback, a drafted introduction request for the first ask, and what is missing (the best
near misses beyond ``max_hops`` or below the cold threshold). :func:`render_plan` writes it as
Markdown or self-contained HTML; :func:`write_plans` does both for a list of accounts.

The drafted message comes from a Jinja2 template the team can edit: ``plan_template`` in
``graphwarm.toml`` (a path relative to that file), else the bundled
``graphwarm/outputs/templates/intro_request.md.j2``. The template is user-supplied, so it runs in a
sandboxed environment; an unknown variable, a syntax error or a missing file is a
:class:`~graphwarm.errors.GraphwarmError` naming the file and line. The template decides the
language of the message (see ``intro_request.sv.md.j2`` for a Swedish one).

Safety
    Names, titles and company names are user text. In Markdown every value is escaped so it
    cannot open a link, an image, HTML or break a table; in HTML autoescaping is on, the page
    has no script and loads nothing (CSS inline), so a name like ``<img src=x onerror=…>`` is
    shown as text.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from .._words import percent
from ..engine.asks import AskRecord, list_asks
from ..engine.load import load_graph
from ..engine.reach import reach
from ..engine.routes import TargetReach
from ..errors import InputError
from ..workspace.store import Workspace
from ._intro_request import (
    TemplateError,
    _IntroTemplate,
    _template_path,
    default_template_path,
    render_intro,
)
from ._plan_builder import _account_ids, _Builder, _widened
from ._plan_model import (
    LABEL_TEXT,
    AccountPlan,
    Ask,
    IntroDraft,
    KnownPerson,
    Missing,
    PlanRoute,
    TargetPlan,
)
from .changes import changes_by_account

__all__ = [
    "FORMATS",
    "AccountPlan",
    "Ask",
    "IntroDraft",
    "KnownPerson",
    "Missing",
    "PlanRoute",
    "TargetPlan",
    "TemplateError",
    "default_template_path",
    "md_escape",
    "plan_accounts",
    "plan_file_name",
    "render_intro",
    "render_plan",
    "write_plans",
]

FORMATS = ("md", "html")


# -- building plans ---------------------------------------------------------------------------


def plan_accounts(
    ws: Workspace,
    accounts: Sequence[str | int] | None = None,
    *,
    draft: bool = True,
    template: str | Path | None = None,
) -> list[AccountPlan]:
    """Plans for ``accounts`` (names or ``accounts.id``), or for every target account.

    ``draft``: also draft the introduction request (from ``template``, else the settings'
    ``plan_template``, else the bundled one). Raises :class:`NotFoundError` for an unknown
    account and :class:`TemplateError` for a bad template.
    """
    rg = load_graph(ws)
    settings = ws.settings
    ids = _account_ids(rg, accounts)
    if not ids:
        return []
    results = reach(rg, settings, accounts=ids)
    wider = _widened(rg, settings, results)
    by_account: dict[int, list[TargetReach]] = {a: [] for a in ids}
    for tr in results:
        if tr.account_id in by_account:
            by_account[tr.account_id].append(tr)
    renderer = None
    if draft:
        path = _template_path(ws, settings, template)
        renderer = _IntroTemplate(path)
    builder = _Builder(rg, settings)
    asks = _ask_texts(ws)
    since, changed = changes_by_account(ws)
    plans = []
    for account_id in ids:
        plan = builder.account_plan(account_id, by_account[account_id], wider)
        if account_id in changed:
            plan.since, plan.changes = since, changed[account_id]
        plan.targets = [
            dataclasses.replace(t, ask=asks[t.target_id]) if t.target_id in asks else t
            for t in plan.targets
        ]
        if renderer is not None:
            plan.draft = renderer.draft(builder, plan, by_account[account_id])
        plans.append(plan)
    return plans


def _ask_texts(ws: Workspace) -> dict[int, str]:
    """Each target's ask as a plan shows it (``ask 3: introduced (2026-11-12)``): its open
    one, else its latest."""
    shown: dict[int, AskRecord] = {}
    for ask in list_asks(ws):  # oldest first: a later ask wins, unless it closed over an open one
        held = shown.get(ask.path_ids[-1])
        if held is None or ask.is_open or not held.is_open:
            shown[ask.path_ids[-1]] = ask
    return {t: f"ask {a.id}: {a.status} ({a.status_on.isoformat()})" for t, a in shown.items()}


def write_plans(
    ws: Workspace,
    accounts: Sequence[str | int] | None,
    directory: str | Path,
    fmt: str = "md",
    *,
    template: str | Path | None = None,
) -> list[Path]:
    """Write one plan per account (``None``: every target account) into ``directory``.

    File names come from the account names (:func:`plan_file_name`), made unique. Returns the
    paths written, in the order of the plans.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown plan format {fmt!r}", hint="use md or html")
    plans = plan_accounts(ws, accounts, template=template)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    paths = []
    for plan in plans:
        stem = plan_file_name(plan.account)
        if stem.casefold() in used:
            stem = f"{stem}-{plan.account_id}"
        used.add(stem.casefold())
        path = directory / f"{stem}.{fmt}"
        path.write_text(render_plan(plan, fmt), encoding="utf-8")
        paths.append(path)
    return paths


# -- rendering --------------------------------------------------------------------------------


class MdSafe(str):
    """Markdown that is already safe (built by us): not escaped again."""

    __slots__ = ()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto)(?=:)|\b(www)(?=\.)")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])", re.MULTILINE)


def md_escape(value: Any) -> str:
    """User text as Markdown that shows exactly that text: no link, image, HTML, emphasis
    or table break; newlines become spaces.

    >>> print(md_escape("<img src=x onerror=alert(1)> | [x](y)"))
    \\<img src=x onerror=alert(1)\\> \\| \\[x\\](y)
    """
    if value is None:
        return ""
    if isinstance(value, MdSafe):
        return value
    text = re.sub(r"\s+", " ", str(value))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    # break GitHub's autolinks: a name is never a clickable link
    return _MD_AUTOLINK.sub(lambda m: m.group(0) + "\\", text)


def _md_block(text: str) -> MdSafe:
    """Multi-line user text as a Markdown blockquote, line breaks kept."""
    lines = []
    for line in text.rstrip("\n").split("\n"):
        escaped = _MD_LINE_START.sub(r"\1\\\2", md_escape(line)) if line.strip() else ""
        lines.append(f"> {escaped}  ".rstrip() if escaped else ">")
    # two trailing spaces keep single line breaks inside a paragraph
    out = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ">"
        out.append(line + "  " if line != ">" and nxt != ">" else line)
    return MdSafe("\n".join(out))


def _md_finalize(value: Any) -> Any:
    if isinstance(value, MdSafe | int | float) and not isinstance(value, bool):
        return value
    return md_escape(value)


@functools.cache
def _plan_env(fmt: str) -> jinja2.Environment:
    """One environment per format, so each template is compiled once (45 ms a time)."""

    def load(name: str) -> str:
        return (resources.files("graphwarm.outputs") / "templates" / name).read_text(
            encoding="utf-8"
        )

    common: dict[str, Any] = {
        "loader": jinja2.FunctionLoader(load),
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if fmt == "html":
        env = jinja2.Environment(autoescape=True, **common)
    else:
        env = jinja2.Environment(autoescape=False, finalize=_md_finalize, **common)
        env.filters["quote"] = _md_block
    env.filters["pct"] = percent
    env.globals["LABEL_TEXT"] = LABEL_TEXT
    return env


def render_plan(plan: AccountPlan, fmt: str = "md") -> str:
    """The plan as Markdown (``md``) or one self-contained, printable HTML page (``html``)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown plan format {fmt!r}", hint="use md or html")
    env = _plan_env(fmt)
    template = env.get_template(f"plan.{fmt}.j2")
    return template.render(plan=plan)


# -- file names -------------------------------------------------------------------------------

_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "ł": "l"})
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10))}
_RESERVED |= {f"lpt{i}" for i in range(10)}


def plan_file_name(account: str, *, max_length: int = 80) -> str:
    """A safe, readable file stem from an account name (ASCII, lower case, hyphens).

    >>> plan_file_name("Storå Kraft AB"), plan_file_name("Øysund Industri AS")
    ('stora-kraft-ab', 'oysund-industri-as')
    >>> plan_file_name("../../etc/passwd"), plan_file_name("CON")
    ('etc-passwd', 'account-con')
    """
    text = unicodedata.normalize("NFKD", account.translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:max_length].strip("-")
    if not text:
        return "account"
    if text in _RESERVED:
        return f"account-{text}"
    return text
