"""The introduction request: the drafted message for an account's first ask, rendered from a
Jinja2 template the team can edit (``plan_template`` in ``graphwarm.toml``, else the bundled
``templates/intro_request.md.j2``). The template is user-supplied, so it runs in a sandbox,
and every way it can fail is a :class:`TemplateError` naming the file and line.
"""

from __future__ import annotations

import traceback
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .._words import percent
from ..engine.explain import explain_path
from ..engine.routes import TargetReach
from ..engine.strength import strength_word
from ..errors import GraphwarmError
from ..settings import Settings, settings_path_for
from ..workspace.store import Workspace
from ._plan_builder import _Builder, _names
from ._plan_model import AccountPlan, IntroDraft

__all__ = [
    "TemplateError",
    "_IntroTemplate",
    "_template_path",
    "default_template_path",
    "render_intro",
]


class TemplateError(GraphwarmError):
    """A plan or message template is missing, unreadable or fails to render."""


def default_template_path() -> Path:
    """The bundled ``intro_request.md.j2``."""
    return Path(str(resources.files("graphwarm.outputs") / "templates" / "intro_request.md.j2"))


def _template_path(ws: Workspace, settings: Settings, template: str | Path | None) -> Path:
    if template is not None:
        return Path(template)
    if settings.plan_template:
        path = Path(settings.plan_template).expanduser()
        if not path.is_absolute():
            path = settings_path_for(ws.path).parent / path
        return path
    return default_template_path()


class _IntroTemplate:
    """The team's message template, loaded once, rendered in a sandbox."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            source = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise TemplateError(
                "introduction template not found",
                file=path,
                hint="fix plan_template in graphwarm.toml (a path relative to that file)",
            ) from None
        except (OSError, UnicodeDecodeError) as err:
            raise TemplateError(f"cannot read the template ({err})", file=path) from err
        env = SandboxedEnvironment(
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            loader=jinja2.FunctionLoader(lambda name: (source, str(path), lambda: True)),
        )
        env.filters["names"] = _names
        env.filters["pct"] = percent
        try:
            self.template = env.get_template(path.name)
        except jinja2.TemplateSyntaxError as err:
            raise TemplateError(
                f"template syntax error: {err.message}", file=path, line=err.lineno
            ) from err

    def render(self, context: dict[str, Any]) -> str:
        try:
            text = self.template.render(**context)
        except jinja2.TemplateError as err:
            line = _template_line(err, self.path)
            message = getattr(err, "message", None) or str(err)
            raise TemplateError(
                f"template error: {message}",
                file=self.path,
                line=line,
                hint="the variables a template can use are listed in the bundled "
                "intro_request.md.j2",
            ) from err
        return text.strip() + "\n"

    def draft(
        self, builder: _Builder, plan: AccountPlan, results: list[TargetReach]
    ) -> IntroDraft | None:
        """The message for the first ask of the account's best target."""
        warm = [tr for tr in results if tr.best is not None]
        if not warm:
            return None
        top = max(warm, key=lambda tr: (tr.probability, -tr.hops))
        route = top.best
        assert route is not None
        first = route.path[:2]
        # every target whose best path starts with the same ask goes into one message
        same = [tr for tr in warm if tr.best is not None and tr.best.path[:2] == first]
        same.sort(key=lambda tr: -tr.probability)
        direct = len(route.path) == 2
        explained = explain_path(builder.rg, builder.settings, route)
        ties = explained.data.get("ties", [])
        tie = ties[0] if ties else {"why": "", "strength": float("nan")}
        strength = tie.get("strength")
        context = {
            "account": plan.account,
            "sender": builder.person(route.path[0]),
            "recipient": builder.person(route.path[1]),
            "introduce_to": builder.person(route.path[2]) if len(route.path) > 2 else None,
            "target": builder.person(route.target),
            "targets": [builder.person(tr.target) for tr in same],
            "direct": direct,
            "hops": route.hops,
            "label": route.label,
            "probability": route.probability,
            "tie": {
                "why": tie.get("why", ""),
                "word": strength_word(strength)
                if isinstance(strength, float) and strength == strength
                else "",
            },
            "insider": route.label == "internal",
        }
        text = self.render(context)
        return IntroDraft(
            text=text,
            template=str(self.path),
            sender=context["sender"]["name"],
            recipient=context["recipient"]["name"],
        )


def render_intro(template: str | Path, context: dict[str, Any]) -> str:
    """Render an introduction template with a context of plain values (for trying one out)."""
    return _IntroTemplate(Path(template)).render(context)


def _template_line(err: BaseException, path: Path) -> int | None:
    """The template line an error was raised at (Jinja rewrites tracebacks to point there)."""
    lineno = getattr(err, "lineno", None)
    if lineno:
        return int(lineno)
    line = None
    for frame in traceback.extract_tb(err.__traceback__):
        if frame.filename == str(path):
            line = frame.lineno
    return line
