"""The ``changes`` command: what changed since an earlier state of the workspace."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path

import click

from ..outputs.changes import changes, changes_csv, changes_table
from ..workspace.store import Workspace
from ._common import format_option, main, output_option, pass_workspace, raw_option, write_output

__all__: list[str] = []


@main.command("changes")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="Compare with the workspace as it was at the start of DATE (YYYY-MM-DD).",
)
@click.option(
    "--since-import",
    type=int,
    metavar="N",
    help="Compare with the workspace as it was right after import N (graphwarm history).",
)
@format_option("table", "csv", "json")
@output_option
@raw_option
@pass_workspace()
def changes_command(
    ws: Workspace,
    since: dt.datetime | None,
    since_import: int | None,
    fmt: str,
    output: Path | None,
    raw: bool,
) -> None:
    """What changed since last time: targets whose best path changed (warm path gained or
    lost, label changed, chance up or down by more than change_points), job changes (above
    all someone who moved into a target account, and an introducer who left the target's
    account), people new at a target account, targets gone, ties on a best path going cold,
    and members whose export is older than stale_after_days or missing.

    By default it compares with the workspace before each member's (and file's) latest
    re-import: last week's, when the team imports every week.

    \b
    Example:
      graphwarm changes
      graphwarm changes --since 2026-11-01 --format csv -o changes.csv
      graphwarm changes --since-import 12
    """
    if since is not None and since_import is not None:
        raise click.UsageError("give at most one of --since or --since-import")
    report = changes(ws, since_import=since_import, since=since.date() if since else None)
    if fmt == "json":
        data = {
            "since": report.since,
            "began": report.began,
            "changes": [asdict(c) for c in report.changes],
        }
        write_output(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output)
    elif fmt == "csv":
        write_output(changes_csv(report, raw=raw), output, bom=output is not None)
    else:
        write_output(changes_table(report), output)
