"""Commands that track the team's asks and learn from them: ask, asks, outcome, calibrate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .._words import counted, percent
from ..engine.asks import AskRecord, asks_csv, asks_json, list_asks, move_ask, record_ask
from ..errors import InputError
from ..workspace.store import Workspace
from ._common import format_option, main, output_option, pass_workspace, raw_option, write_output

__all__ = ["date_option", "describe_ask"]

date_option = click.option(
    "--on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date it happened, YYYY-MM-DD.  [default: today]",
)


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


def describe_ask(ask: AskRecord) -> str:
    """One line: ``Ask 3 (planned): Lina Ahl → Per Moberg → Sofia Wall — internal, 22 %``."""
    who = f" by {ask.member}" if ask.label == "cold" and ask.member else ""
    path = " → ".join(ask.path) if ask.label != "cold" else f"cold call to {ask.target}{who}"
    return f"Ask {ask.id} ({ask.status}): {path} — {ask.label}, {percent(ask.probability)}"


@main.command("ask")
@click.argument("target")
@click.option("--via", help="Ask through this introducer (name, LinkedIn URL or e-mail).")
@click.option("--member", help="The member who asks.  [default: the best path's]")
@click.option("--note", help="A note kept with the ask.")
@date_option
@pass_workspace()
def ask_command(
    ws: Workspace,
    target: str,
    via: str | None,
    member: str | None,
    note: str | None,
    on: dt.datetime | None,
) -> None:
    """Record an ask for TARGET (a person or an account) along its best path now, or the best
    one through --via or from --member, with the strengths and chances of this moment. A
    target without a warm path gets a cold call. Move it along with graphwarm outcome.

    \b
    Example:
      graphwarm ask "Sofia Wall"
      graphwarm ask "Ørjan Ødegård" --via "Jon Rask" --note "board colleagues"
    """
    ask = record_ask(ws, target, via=via, member=member, note=note, on=_date(on))
    click.echo(describe_ask(ask))


@main.command("asks")
@click.option("--open", "open_only", is_flag=True, help="Only asks still open.")
@click.option("--member", help="Only this member's asks.")
@click.option("--account", help="Only asks for this account.")
@format_option("table", "csv", "json")
@output_option
@raw_option
@pass_workspace()
def asks_command(
    ws: Workspace,
    open_only: bool,
    member: str | None,
    account: str | None,
    fmt: str,
    output: Path | None,
    raw: bool,
) -> None:
    """List the asks with their status and age; an open ask that has waited longer than
    nudge_after_days (graphwarm.toml, default 7) is flagged "nudge". The CSV reads back with
    graphwarm import outcomes once its status column is filled in.

    \b
    Example:
      graphwarm asks --open
      graphwarm asks --member "Lina Ahl" --format csv -o asks.csv
    """
    asks = list_asks(ws, open_only=open_only, member=member, account=account)
    if fmt == "json":
        write_output(asks_json(asks), output)
    elif fmt == "csv":
        write_output(asks_csv(asks, raw=raw), output, bom=output is not None)
    elif not asks:
        click.echo("No asks yet: record one with graphwarm ask TARGET.")
    else:
        _echo_table(asks, output)


def _echo_table(asks: list[AskRecord], output: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(header_style="bold")
    for name, kwargs in (
        ("Ask", {"justify": "right"}),
        ("Status", {}),
        ("Age", {"justify": "right", "no_wrap": True}),
        ("Target", {"ratio": 2}),
        ("Account", {"ratio": 2}),
        ("Label", {"no_wrap": True}),
        ("Meeting", {"justify": "right"}),
        ("Path", {"ratio": 3}),
    ):
        table.add_column(name, **kwargs)
    for a in asks:
        table.add_row(
            str(a.id),
            f"{a.status}\n[bold red]nudge[/]" if a.nudge else a.status,
            f"{a.age_days} d",
            a.target,
            a.account or "",
            a.label,
            percent(a.probability),
            " → ".join(a.path) if a.label != "cold" else "cold call",
        )
    if output is None:
        Console().print(table)
    else:
        with output.open("w", encoding="utf-8") as out:
            Console(file=out, width=160, color_system=None).print(table)


_YES_NO = click.Choice(["yes", "no"])


@main.command("outcome")
@click.argument("ask_id", metavar="ASK", type=int)
@click.option("--asked", is_flag=True, help="The ask was made.")
@click.option("--introduced", type=_YES_NO, help="The introducer made the introduction, or not.")
@click.option("--meeting", type=_YES_NO, help="A meeting came of it, or not.")
@click.option("--declined", is_flag=True, help="Someone on the path said no.")
@click.option("--no-answer", "no_answer", is_flag=True, help="No reply came.")
@date_option
@pass_workspace()
def outcome_command(
    ws: Workspace,
    ask_id: int,
    asked: bool,
    introduced: str | None,
    meeting: str | None,
    declined: bool,
    no_answer: bool,
    on: dt.datetime | None,
) -> None:
    """Record what happened to ask ASK (its number in graphwarm asks): planned → asked →
    introduced → meeting, or declined / no answer. A direct ask or cold call has no
    introduction step; a referral's meeting needs its introduction first.

    \b
    Example:
      graphwarm outcome 3 --asked
      graphwarm outcome 3 --introduced yes --on 2026-11-12
    """
    moves = [
        move
        for move, given in (
            ("asked", asked),
            ({"yes": "introduced", "no": "not introduced"}.get(introduced or ""), introduced),
            ({"yes": "meeting", "no": "no meeting"}.get(meeting or ""), meeting),
            ("declined", declined),
            ("no answer", no_answer),
        )
        if given
    ]
    if len(moves) != 1:
        raise InputError(
            "give exactly one of --asked, --introduced yes|no, --meeting yes|no, --declined, "
            "--no-answer",
            hint=f"e.g. graphwarm outcome {ask_id} --asked",
        )
    ask, changed = move_ask(ws, ask_id, str(moves[0]), on=_date(on))
    click.echo(describe_ask(ask) + ("" if changed else " (already recorded; nothing changed)"))


@main.command("calibrate")
@format_option("table", "json")
@click.option(
    "--prior-weight",
    type=click.FloatRange(min=0.1),
    help="How many outcomes the settings count as.  [default: prior_weight in graphwarm.toml, 10]",
)
@click.option(
    "--apply",
    is_flag=True,
    help="Write the calibrated values into graphwarm.toml under [probability], keeping the "
    "other settings and comments.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write one offline HTML page: a reliability diagram and the table.",
)
@output_option
@pass_workspace()
def calibrate_command(
    ws: Workspace,
    fmt: str,
    prior_weight: float | None,
    apply: bool,
    report: Path | None,
    output: Path | None,
) -> None:
    """Learn the team's own figures from the asks' outcomes (the rates, and the strength
    slopes f_min, f_max and beta): per figure, the setting before any calibration as the
    prior, the outcomes that inform it, the calibrated value and its 90 % credible interval;
    and whether it predicts better (leave-one-out log loss and Brier score). With no outcomes
    every figure is the prior's. --apply records what it wrote, so applying again counts no
    outcome twice.

    \b
    Example:
      graphwarm calibrate
      graphwarm calibrate --format json --prior-weight 20
      graphwarm calibrate --report calibration.html
      graphwarm calibrate --apply
    """
    import json

    from ..engine.calibrate import apply_calibration, calibrate

    result = calibrate(ws, prior_weight=prior_weight)
    if report is not None:
        from ..outputs.calibration import write_calibration

        click.echo(f"Wrote {write_calibration(result, ws.path.name, report)}", err=True)
    if apply:
        path, values = apply_calibration(ws, result)
        if values:
            written = ", ".join(f"{k} = {v:g}" for k, v in values.items())
            click.echo(f"{path}: [probability] {written}", err=True)
        else:
            click.echo(f"{path}: nothing to apply, no outcomes yet", err=True)
    if fmt == "json":
        write_output(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", output)
        return
    dials = f" and {counted(result.dials, 'tallied dial')}" if result.dials else ""
    lines = [
        f"Calibration from {counted(result.outcomes, 'ask')}{dials} "
        f"(prior weight {result.prior_weight:g}):"
    ]
    lines += [f"  {p.text()}" for p in result.parameters]
    if result.log_loss_settings is None:
        lines.append("No outcomes yet: record them with graphwarm outcome or import outcomes.")
    else:
        lines.append(
            "Leave-one-out, uncalibrated settings → calibrated: log loss "
            f"{result.log_loss_settings:.3f} → {result.log_loss_calibrated:.3f}, Brier "
            f"{result.brier_settings:.3f} → {result.brier_calibrated:.3f} (lower is better)."
        )
    lines.append(ws.settings.figures_text())  # the figures in use now
    write_output("\n".join(lines) + "\n", output)
