"""Commands that turn paths into the week's work: plan and forecast."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .._words import counted, percent
from ..errors import InputError
from ..outputs.forecast import Forecast, MeetingRange, forecast, forecast_csv
from ..outputs.plans import FORMATS, write_plans
from ..workspace.store import Workspace
from ._common import (
    format_option,
    main,
    output_option,
    pass_workspace,
    raw_option,
    write_output,
)

__all__ = ["echo_forecast", "range_text"]


@main.command("plan")
@click.argument("accounts", nargs=-1)
@click.option("--all", "all_accounts", is_flag=True, help="A plan for every target account.")
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("plans"),
    show_default=True,
    help="Folder to write the plans to.",
)
@format_option(*FORMATS)
@pass_workspace()
def plan_command(
    ws: Workspace, accounts: tuple[str, ...], all_accounts: bool, directory: Path, fmt: str
) -> None:
    """Write an account plan per account: label, chances and owner; the people known there;
    for each target the asks to make in order, two backups and the cold-call odds; a drafted
    introduction request (from plan_template in graphwarm.toml); and what is missing.

    \b
    Example:
      graphwarm plan "Nordvik Transport AB" -o plans
      graphwarm plan --all --format html
    """
    if bool(accounts) == all_accounts:
        raise InputError(
            "name one or more accounts, or give --all",
            hint='e.g. graphwarm plan "Nordvik Transport AB"',
        )
    paths = write_plans(ws, None if all_accounts else list(accounts), directory, fmt)
    if not paths:
        click.echo("No target accounts: import some with graphwarm import accounts FILE.")
    for path in paths:
        click.echo(str(path))


@main.command("forecast")
@format_option("table", "csv", "json", help="csv: one row per ask, ready for a CRM task list.")
@output_option
@click.option(
    "--no-spread",
    is_flag=True,
    help="Keep every best path even when an introducer carries too many asks.",
)
@raw_option
@pass_workspace()
def forecast_command(
    ws: Workspace, fmt: str, output: Path | None, no_spread: bool, raw: bool
) -> None:
    """Expected meetings by label against cold-calling everyone, each member's asks, and the
    load on each introducer (more than max_asks_per_introducer is flagged and spread across
    the alternatives, losing the fewest expected meetings).

    \b
    Example:
      graphwarm forecast
      graphwarm forecast --format csv -o asks.csv
    """
    result = forecast(ws, spread=not no_spread)
    if fmt == "json":
        text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
        write_output(text, output)
    elif fmt == "csv":
        write_output(forecast_csv(result, raw=raw), output, bom=output is not None)
    else:
        echo_forecast(result, output)


# What the forecast's text shows at most; --format csv or json holds everything.
_WHOM = 8  # introducers per member
_LINES = 20  # overload warnings, and moved asks


def _more(console: Any, total: int) -> None:
    if total > _LINES:
        console.print(
            f"  … and {total - _LINES} more: graphwarm forecast --format csv -o asks.csv "
            "lists every ask."
        )


def range_text(r: MeetingRange) -> str:
    """The interval in one sentence."""
    return (
        f"Likely range (10th–90th percentile of {r.runs:,} simulated outcomes): "
        f"{r.meetings_low}–{r.meetings_high} meetings, at {r.accounts_low}–{r.accounts_high} "
        f"accounts ({r.accounts_expected:.1f} expected); asks through one introducer rise and "
        f"fall together (introducer_correlation {r.correlation:g})."
    )


def echo_forecast(result: Forecast, output: Path | None = None) -> None:
    """The forecast as tables and a few sentences (the demo prints this too)."""
    from rich.console import Console
    from rich.table import Table

    if output is None:
        console = Console()
        out = None
    else:
        out = output.open("w", encoding="utf-8")
        console = Console(file=out, width=120, color_system=None)
    try:
        table = Table(title=f"Forecast: {result.targets} targets", header_style="bold")
        table.add_column("Label")
        table.add_column("Targets", justify="right")
        table.add_column("Expected meetings", justify="right")
        for line in result.by_label:
            table.add_row(line.label, str(line.targets), f"{line.expected_meetings:.1f}")
        table.add_row("total", str(result.targets), f"{result.expected_meetings:.1f}")
        console.print(table)
        if result.range is not None:
            console.print(range_text(result.range))
        console.print(
            f"Cold-calling every target instead: {result.all_cold_meetings:.1f} expected "
            f"meetings from {result.all_cold_dials} dials ({percent(result.cold_probability)} "
            f"per dial: {percent(result.p_connect)} pick up × {percent(result.p_cold)} agree). "
            f"Matching the warm plan's {result.expected_meetings:.1f} meetings cold would take "
            f"about {result.dials_to_match} dials."
        )
        console.print(result.figures, markup=False)
        members = Table(title="Per member", header_style="bold")
        members.add_column("Member")
        members.add_column("Asks", justify="right")
        members.add_column("Expected meetings", justify="right")
        members.add_column("Asks whom", overflow="fold")
        for m in result.members:
            whom = ", ".join(f"{n} ({c})" if c > 1 else n for n, c in m.to_whom[:_WHOM])
            if len(m.to_whom) > _WHOM:
                whom += f" and {len(m.to_whom) - _WHOM} more"
            members.add_row(m.member, str(m.asks), f"{m.expected_meetings:.1f}", whom)
        console.print(members)
        if result.pipeline or result.closed_targets:
            console.print(
                f"Asks: {len(result.pipeline)} open, worth {result.pipeline_meetings:.1f} "
                "expected meetings from where each stands (graphwarm asks --open lists them); "
                f"{counted(result.closed_targets, 'target')} left out, their ask closed."
            )
        limit = result.max_asks_per_introducer
        grouped = [i for i in result.introducers if i.asks > i.conversations and not i.over]
        if grouped:
            console.print(
                "Several targets at one account through one introducer: one conversation."
            )
            for load in grouped[:_LINES]:
                console.print(f"  {load.text()}", markup=False)
            _more(console, len(grouped))
        if not result.overloaded:
            console.print(
                f"Introducer load: no one has more than {counted(limit, 'conversation')}."
            )
            return
        who = counted(len(result.overloaded), "introducer has", "introducers have")
        console.print(
            f"[yellow]Warning:[/] {who} more than {counted(limit, 'conversation')} "
            "(max_asks_per_introducer):"
        )
        for warning in result.warnings[:_LINES]:
            console.print(f"  {warning}", markup=False)
        _more(console, len(result.warnings))
        if result.moves:
            console.print(
                f"Spreading the asks loses {result.spread_loss:.2f} expected meetings "
                f"({result.expected_meetings:.1f} → {result.spread_meetings:.1f}); "
                f"{result.method}:"
            )
            for move in result.moves[:_LINES]:
                after = move.after
                new = (
                    f"{' → '.join(after.path)} ({percent(after.probability)})"
                    if after.label != "cold"
                    else f"a cold call ({percent(after.probability)})"
                )
                console.print(
                    f"  {move.target} ({move.account}): instead of {move.before.introducer} "
                    f"({percent(move.before.probability)}), {new}"
                )
            _more(console, len(result.moves))
    finally:
        if out is not None:
            out.close()
