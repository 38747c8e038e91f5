"""What every command shares: the ``graphwarm`` group, ``--db``, and turning errors into
one ``Error: …`` line with a non-zero exit (the traceback only with ``-v``)."""

from __future__ import annotations

import functools
import importlib
import logging
import sqlite3
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from ..engine.routes import LABELS
from ..errors import GraphwarmError
from ..workspace.store import Workspace, default_db_path

__all__ = [
    "account_option",
    "format_option",
    "label_option",
    "main",
    "member_option",
    "open_workspace",
    "output_option",
    "pass_workspace",
    "raw_option",
    "since_options",
    "write_output",
]

_EPILOG = "Example: graphwarm demo   (the whole job on the bundled samples)"


# Which module defines each command: a command's module (and the library behind it) is
# imported only when that command runs or the help lists them all, so ``graphwarm reach``
# starts without loading the importers, the map or the plans (a third of a second).
_COMMAND_MODULES = {
    "ask": "asks",
    "asks": "asks",
    "calibrate": "asks",
    "changes": "changes",
    "demo": "demo",
    "exclude": "reach",
    "export": "export",
    "forecast": "plans",
    "forget": "workspace",
    "history": "workspace",
    "import": "workspace",
    "map": "map",
    "outcome": "asks",
    "path": "reach",
    "plan": "plans",
    "reach": "reach",
    "status": "workspace",
    "undo": "workspace",
}


class _Group(click.Group):
    """Loads each command's module on first use, and catches library errors at the
    boundary: a clear message, exit 1, no traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _COMMAND_MODULES.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            importlib.import_module(f"{__package__}.{module}")
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GraphwarmError as err:
            if ctx.obj and ctx.obj.get("verbose"):
                logging.getLogger("graphwarm").exception("details")
            click.echo(f"Error: {err}", err=True)
            for candidate in getattr(err, "candidates", ()):
                click.echo(f"  {candidate}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted: nothing was changed.", err=True)
            sys.exit(130)
        except sqlite3.Error as err:  # locked by another command, disk full, damaged file
            if ctx.obj and ctx.obj.get("verbose"):
                logging.getLogger("graphwarm").exception("details")
            db = ctx.obj.get("db") if ctx.obj else None
            click.echo(
                f"Error: {db}: the workspace could not be used ({err}); nothing was "
                "changed. If another graphwarm command is running, try again when it "
                "has finished.",
                err=True,
            )
            sys.exit(1)


@click.group(cls=_Group, epilog=_EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="GRAPHWARM_DB",
    show_envvar=True,
    help="Workspace file.  [default: ./graphwarm.db]",
)
@click.option("-v", "--verbose", is_flag=True, help="Show details (and tracebacks) of errors.")
@click.version_option(package_name="graphwarm")
@click.pass_context
def main(ctx: click.Context, db: Path | None, verbose: bool) -> None:
    """graphwarm: the warmest introduction path from your sales team to every target account.

    Import your team's LinkedIn exports and CRM files into a workspace, then ask who can get
    you a meeting where.
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db or default_db_path()
    ctx.obj["verbose"] = verbose
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def open_workspace(ctx: click.Context, *, create: bool = False) -> Workspace:
    """The workspace named by ``--db``; closed when the command ends."""
    ws = Workspace(ctx.obj["db"], create=create)
    ctx.call_on_close(ws.close)
    return ws


def pass_workspace(create: bool = False) -> Callable:
    """Decorator: give the command the open workspace as its first argument."""

    def decorate(func: Callable) -> Callable:
        @click.pass_context
        @functools.wraps(func)
        def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
            path = Path(ctx.obj["db"])
            fresh = create and not path.exists()
            ws = open_workspace(ctx, create=create)
            try:
                return func(ws, *args, **kwargs)
            except BaseException:
                if fresh:  # a first import that failed leaves no empty workspace behind
                    ws.close()
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{path}{suffix}").unlink(missing_ok=True)
                raise

        return wrapper

    return decorate


def write_output(text: str | Iterable[str], output: Path | None, *, bom: bool = False) -> None:
    """Print ``text`` (a string, or pieces written as they come), or write it to ``output``
    as UTF-8 (with a BOM for CSV that Excel opens: without one it shows å, ä, ö as garbage)."""
    pieces = [text] if isinstance(text, str) else text
    if output is None:
        for piece in pieces:
            click.echo(piece, nl=False)
        return
    with output.open("w", encoding="utf-8-sig" if bom else "utf-8") as out:
        for piece in pieces:
            out.write(piece)


account_option = click.option(
    "--account", "accounts", multiple=True, help="Only this account (repeatable)."
)
member_option = click.option(
    "--member", "members", multiple=True, help="Only paths from this member (repeatable)."
)
label_option = click.option(
    "--label", "labels", multiple=True, type=click.Choice(LABELS), help="Only these labels."
)


def format_option(*choices: str, help: str | None = None) -> Callable:
    """``--format`` with these choices; the first is the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=help,
    )


raw_option = click.option(
    "--raw",
    is_flag=True,
    help="CSV: write names, titles and companies exactly as stored, for programs. By default "
    "a text cell that a spreadsheet would run as a formula (it begins with = + - @, a tab or "
    "a line break, or has = + - @ after a ; or a line break) gets a ' in front, so that a "
    "hostile name like =HYPERLINK(...) cannot run in Excel or Sheets. JSON is always exact.",
)
output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of the screen.",
)


def since_options(command: Callable) -> Callable:
    """``--since DATE`` and ``--since-import N``: which earlier state to compare with (at most
    one; the command gets ``since`` as a date or ``None``, and ``since_import``)."""

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None and ctx.params.get("since") is not None:
            raise click.UsageError("give at most one of --since or --since-import")
        return value

    command = click.option(
        "--since-import",
        type=int,
        metavar="N",
        callback=check,
        help="Compare with the workspace as it was right after import N (graphwarm history).",
    )(command)
    return click.option(
        "--since",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        metavar="DATE",
        is_eager=True,
        callback=lambda ctx, param, value: value.date() if value else None,
        help="Compare with the workspace as it was at the start of DATE (YYYY-MM-DD).",
    )(command)
