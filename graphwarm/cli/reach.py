"""Commands that answer "who can get us in where": reach, path, exclude."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .._words import percent
from ..engine.queries import (
    ReachResult,
    exclude_people,
    excluded_people,
    find_paths,
    reach_csv,
    reach_json,
    reach_targets,
)
from ..workspace.store import Workspace
from ._common import (
    account_option,
    format_option,
    label_option,
    main,
    member_option,
    output_option,
    pass_workspace,
    raw_option,
    write_output,
)

__all__ = ["echo_reach_summary"]

# A rich table costs about 1 ms a row: 10,000 targets would take 10 s to scroll past.
_TABLE_LIMIT = 500

_LABEL_STYLE = {"direct": "bold green", "internal": "green", "external": "yellow", "cold": "blue"}


@main.command("reach")
@account_option
@label_option
@member_option
@format_option("table", "csv", "json")
@click.option(
    "--limit",
    default=_TABLE_LIMIT,
    show_default=True,
    type=click.IntRange(min=0),
    help="Most rows a table shows (0: all). CSV and JSON always hold every target.",
)
@output_option
@raw_option
@pass_workspace()
def reach_command(
    ws: Workspace,
    accounts: tuple[str, ...],
    labels: tuple[str, ...],
    members: tuple[str, ...],
    fmt: str,
    limit: int,
    output: Path | None,
    raw: bool,
) -> None:
    """One row per target: its label (direct, internal, external, cold), the chance of a
    meeting, and the path that earns it; best first within each account. Accounts without
    named targets get one row for "the buyer there".

    \b
    Example:
      graphwarm reach --account "Nordvik Transport AB"
      graphwarm reach --label internal --format csv -o warm.csv
      graphwarm reach --format csv --raw -o reach.csv
    """
    result = reach_targets(ws, accounts=list(accounts), labels=list(labels), members=list(members))
    if fmt == "json":
        write_output(reach_json(result), output)
    elif fmt == "csv":
        write_output(reach_csv(result, raw=raw), output, bom=output is not None)
    else:
        _echo_table(result.rows(limit or None), output)
        click.echo(ws.settings.figures_text(), err=True)
        hidden = len(result.targets) - limit
        if limit and hidden > 0:
            click.echo(
                f"{limit:,} of {len(result.targets):,} targets shown. Narrow with --account, "
                "--label or --member, show more with --limit, or write them all with "
                "--format csv -o reach.csv.",
                err=True,
            )


def _echo_table(records: list[dict[str, Any]], output: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold")
    for name, kwargs in (
        ("Account", {"overflow": "fold", "max_width": 28}),
        ("Target", {"overflow": "fold", "max_width": 24}),
        ("Title", {"overflow": "fold", "max_width": 20}),
        ("Label", {}),
        ("Meeting", {"justify": "right"}),
        ("Path", {"overflow": "fold"}),
    ):
        table.add_column(name, **kwargs)
    for r in records:
        style = _LABEL_STYLE.get(r["label"], "")
        table.add_row(
            r["account"] or "",
            r["target"],
            r["title"] or "",
            f"[{style}]{r['label']}[/]",
            percent(r["probability"]),
            " → ".join(r["path"]) or r["reason"] or "",
        )
    if output is None:
        Console().print(table)
    else:
        with output.open("w", encoding="utf-8") as out:
            Console(file=out, width=160, color_system=None).print(table)


@main.command("path")
@click.argument("query")
@click.option(
    "--alternatives",
    "-n",
    default=3,
    show_default=True,
    type=click.IntRange(0, 20),
    help="How many other paths to show.",
)
@format_option("text", "json")
@pass_workspace()
def path_command(ws: Workspace, query: str, alternatives: int, fmt: str) -> None:
    """How to reach a person (name, LinkedIn URL or e-mail) or an account: each path hop by
    hop, why each tie counts, and the chances.

    \b
    Example:
      graphwarm path "Sofia Wall"
      graphwarm path "Nordvik Transport AB" --alternatives 5
    """
    result = find_paths(ws, query, alternatives=alternatives)
    if fmt == "json":
        data = {
            "query": query,
            "target": result.target_name,
            "label": result.reach.label,
            "probability": result.reach.probability,
            "p_any": result.reach.p_any,
            "paths": [e.data for e in result.explanations],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(result.text())


@main.command("exclude")
@click.argument("people", nargs=-1)
@click.option("--undo", is_flag=True, help="Take them off the list again.")
@pass_workspace()
def exclude_command(ws: Workspace, people: tuple[str, ...], undo: bool) -> None:
    """Put people on the do-not-contact list (name, LinkedIn URL or e-mail): they are never
    used on a path. Without names, list who is on it. (graphwarm.toml's `exclude` adds more.)

    \b
    Example:
      graphwarm exclude "Per Moberg"
      graphwarm exclude --undo per.moberg@nordviktransport.se
    """
    if not people:
        listed = excluded_people(ws)
        for name, company in listed:
            click.echo(f"{name} ({company or 'no company'})")
        if not listed:
            click.echo("No one is excluded.")
        return
    names = exclude_people(ws, list(people), undo=undo)
    verb = "no longer excluded" if undo else "excluded: never used on a path"
    for name in names:
        click.echo(f"{name}: {verb}")


def echo_reach_summary(result: ReachResult, top: int = 10) -> None:
    """Counts per label and the warmest targets: the demo's closing lines."""
    counts = result.counts()
    click.echo("Reach: " + ", ".join(f"{label} {n}" for label, n in counts.items()))
    warm = sorted((t for t in result.targets if t.label != "cold"), key=lambda t: -t.probability)[
        :top
    ]
    if warm:
        click.echo(f"The {len(warm)} warmest targets:")
    for row in ReachResult(result.graph, warm).rows():
        click.echo(
            f"  {percent(row['probability']):>5}  {row['target']} ({row['account']}), "
            f"{row['label']}: {' → '.join(row['path'])}"
        )
