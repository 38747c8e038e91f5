"""``graphwarm map``: the team's warm paths as one interactive HTML page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..outputs.netmap import DEFAULT_MAX_NODES, EVERYONE_MAX_NODES, write_map
from ..workspace.store import Workspace
from ._common import (
    account_option,
    label_option,
    main,
    member_option,
    pass_workspace,
    since_options,
)

__all__: list[str] = []


@main.command("map")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("map.html"),
    show_default=True,
    help="The HTML file to write.",
)
@account_option
@member_option
@label_option
@click.option(
    "--max-nodes",
    type=click.IntRange(1, None),
    default=None,
    help=f"Leave out the least probable paths beyond this many nodes "
    f"[default: {DEFAULT_MAX_NODES:,}; {EVERYONE_MAX_NODES:,} with --everyone].",
)
@click.option("--everyone", is_flag=True, help="Draw the whole network, not only warm paths.")
@since_options
@pass_workspace()
def map_command(
    ws: Workspace,
    output: Path,
    accounts: tuple[str, ...],
    members: tuple[str, ...],
    labels: tuple[str, ...],
    max_nodes: int | None,
    everyone: bool,
    since: dt.date | None,
    since_import: int | None,
) -> None:
    """Write an interactive map of who on the team reaches which account, through whom, and
    how warm it is: one HTML file that opens offline. Search for a person or account, click
    a target to see its best path and why.

    Targets whose warm path is new, or lost, since an earlier state are marked (as
    graphwarm changes finds them, for the whole team): by default since each member's import
    before the latest; a workspace where nothing was re-imported gets no marks. Their paths
    are drawn first, so a map cut to --max-nodes still shows what changed.

    \b
    Example:
      graphwarm map -o map.html
      graphwarm map --account "Nordvik Transport AB" --label internal -o nordvik.html
      graphwarm map --since 2026-11-01
    """
    view = write_map(
        ws,
        output,
        accounts=list(accounts),
        members=list(members),
        labels=list(labels),
        max_nodes=max_nodes,
        everyone=everyone,
        since=since,
        since_import=since_import,
    )
    counts = view.counts()
    click.echo(
        f"Wrote {output}: {len(view.targets):,} targets at {counts['account']:,} accounts, "
        f"{len(view.nodes):,} nodes, {len(view.edges):,} edges."
    )
    for note in (view.since_note, view.left_out_note):
        if note:
            click.echo(note)
