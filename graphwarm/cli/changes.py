"""The ``changes`` command: what changed since an earlier state of the workspace."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path

from ..outputs.changes import changes, changes_csv, changes_table
from ..workspace.store import Workspace
from ._common import (
    format_option,
    main,
    output_option,
    pass_workspace,
    raw_option,
    since_options,
    write_output,
)

__all__: list[str] = []


@main.command("changes")
@since_options
@format_option("table", "csv", "json")
@output_option
@raw_option
@pass_workspace()
def changes_command(
    ws: Workspace,
    since: dt.date | None,
    since_import: int | None,
    fmt: str,
    output: Path | None,
    raw: bool,
) -> None:
    """What changed since last time: targets whose best path changed (warm path gained or
    lost, label changed, chance up or down by more than change_points), job changes (above
    all someone who moved into a target account, and an introducer who left the target's
    account), people new at a target account, targets gone, ties on a best path going cold,
    members whose LinkedIn export is older than stale_after_days, and members with no export
    yet (known from their mail, calendar, CRM activities or asks, or named by the [team]
    members roster in graphwarm.toml).

    By default it compares with the workspace before each member's (and file's) latest
    re-import: last week's, when the team imports every week.

    \b
    Example:
      graphwarm changes
      graphwarm changes --since 2026-11-01 --format csv -o changes.csv
      graphwarm changes --since-import 12
    """
    report = changes(ws, since_import=since_import, since=since)
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
