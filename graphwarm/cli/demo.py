"""``graphwarm demo``: the whole job on the bundled samples."""

from __future__ import annotations

from pathlib import Path

import click

from ..demo import build_demo
from ..queries import reach_targets
from ._common import main
from .reach import echo_reach_summary
from .workspace import echo_reports, echo_status


@main.command("demo")
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("graphwarm-demo"),
    show_default=True,
    help="Folder for the demo workspace (rebuilt on every run).",
)
@click.option("-q", "--quiet", is_flag=True, help="Only the status, not each import.")
def demo_command(directory: Path, quiet: bool) -> None:
    """Build a workspace from the bundled samples (an invented Nordic sales team), show it and
    its reach: counts per label and the ten warmest targets.

    \b
    Example:
      graphwarm demo -o /tmp/demo
    """
    ws, reports = build_demo(directory)
    try:
        if not quiet:
            echo_reports(reports)
            click.echo()
        echo_status(ws)
        click.echo()
        echo_reach_summary(reach_targets(ws))
        click.echo(f"\nTry: graphwarm --db {ws.path} reach")
    finally:
        ws.close()
