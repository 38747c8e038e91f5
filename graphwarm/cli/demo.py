"""``graphwarm demo``: the whole job on the bundled samples."""

from __future__ import annotations

from pathlib import Path

import click

from ..outputs.demo import run_demo
from ._common import main
from .plans import echo_forecast
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
    help="Folder for the demo's workspace and files (rebuilt on every run).",
)
@click.option("-q", "--quiet", is_flag=True, help="Leave out the line per imported file.")
def demo_command(directory: Path, quiet: bool) -> None:
    """Run the whole job on the bundled samples (an invented Nordic sales team of 4): import
    their LinkedIn exports, CRM files, mailboxes and calendars, show the workspace, the reach
    (counts per label, the ten warmest targets) and the forecast, and write the reach table,
    the map, a plan per target account and the asks as files.

    \b
    Example:
      graphwarm demo -o /tmp/demo
    """
    demo = run_demo(directory)
    try:
        if not quiet:
            echo_reports(demo.reports)
            click.echo()
        echo_status(demo.workspace)
        click.echo()
        echo_reach_summary(demo.reach)
        click.echo()
        echo_forecast(demo.forecast)
        click.echo("\nFiles:")
        for what, path in demo.files.items():
            click.echo(f"  {what + ':':<28} {path}")
        click.echo(f"  {'account plans:':<28} {len(demo.plans)} files in {directory / 'plans'}")
        click.echo(f'\nNext: graphwarm --db {demo.workspace.path} path "Sofia Wall"')
    finally:
        demo.workspace.close()
