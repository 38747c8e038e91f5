"""``graphwarm export``: the graph and the reach results for Gephi, Neo4j, pandas or a
warehouse."""

from __future__ import annotations

from pathlib import Path

import click

from ..outputs.exports import FORMATS, export
from ..workspace.store import Workspace
from ._common import main, pass_workspace

__all__: list[str] = []


@main.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    required=True,
    help="graphml or gexf: one file (Gephi, yEd, networkx); parquet: a folder of tables "
    "(pandas, DuckDB, Spark); neo4j: a folder of CSV files for neo4j-admin import.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The file (graphml, gexf) or folder (parquet, neo4j) to write.",
)
@click.option(
    "--everyone",
    is_flag=True,
    help="Every person and tie, not only the warm-path view (members, targets and the "
    "people on their paths). The do-not-contact list is always left out.",
)
@pass_workspace()
def export_command(ws: Workspace, fmt: str, output: Path, everyone: bool) -> None:
    """Export the referral graph and every target's reach: people, accounts and ties with
    their signals, strengths, labels and chances. Columns: docs/exports.md.

    \b
    Example:
      graphwarm export --format gexf -o team.gexf
      graphwarm export --format parquet --everyone -o warehouse/
    """
    summary = export(ws, fmt, output, everyone=everyone)
    what = "everyone" if everyone else "the warm-path view"
    click.echo(
        f"Wrote {output} ({fmt}, {what}): {summary.people:,} people, "
        f"{summary.accounts:,} accounts, {summary.ties:,} ties, reach of "
        f"{summary.targets:,} targets."
    )
    if summary.left_out_excluded:
        n = summary.left_out_excluded
        click.echo(
            f"Left out: {n:,} {'person' if n == 1 else 'people'} on the do-not-contact list, "
            "with their ties."
        )
