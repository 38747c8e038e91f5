"""``graphwarm ask``, ``asks`` and ``outcome`` on the hand-made team of test_plans: what they
print, and every refusal as one ``Error: …`` line with exit 1."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FIXTURES, build_team
from test_cli import assert_error

from graphwarm.cli import main
from graphwarm.cli._common import _COMMAND_MODULES


@pytest.fixture
def run(tmp_path: Path):
    db = build_team(tmp_path / "team")
    runner = CliRunner()

    def invoke(*args: str | Path):
        return runner.invoke(main, ["--db", str(db), *map(str, args)], catch_exceptions=False)

    return invoke


def test_the_commands_are_registered() -> None:
    assert {_COMMAND_MODULES[c] for c in ("ask", "asks", "outcome")} == {"asks"}


def test_ask_then_outcomes_then_asks(run) -> None:
    result = run("ask", "Sofia Wall", "--on", "2026-11-01", "--note", "lunch")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Ask 1 (planned): Lina Ahl → Per Moberg → Sofia Wall — internal, 22 %\n"
    )
    assert run("outcome", "1", "--asked", "--on", "2026-11-02").exit_code == 0
    result = run("outcome", "1", "--introduced", "yes", "--on", "2026-11-04")
    assert result.output.startswith("Ask 1 (introduced): ")
    again = run("outcome", "1", "--introduced", "yes")
    assert again.exit_code == 0
    assert again.output.endswith("(already recorded; nothing changed)\n")
    cold = run("ask", "Ebba Lindgren", "--member", "Lina Ahl", "--on", "2026-11-01")
    assert cold.output == "Ask 2 (planned): cold call to Ebba Lindgren by Lina Ahl — cold, 8 %\n"
    table = run("asks", "--open")
    assert table.exit_code == 0 and "Sofia" in table.output and "nudge" in table.output
    data = json.loads(run("asks", "--format", "json").output)
    assert [(a["id"], a["status"], a["note"]) for a in data] == [
        (1, "introduced", "lunch"),
        (2, "planned", None),
    ]
    rows = list(csv.DictReader(io.StringIO(run("asks", "--format", "csv").output)))
    assert [(r["ask_id"], r["status"], r["status_date"]) for r in rows] == [
        ("1", "introduced", "2026-11-04"),
        ("2", "planned", "2026-11-01"),
    ]
    only = run("asks", "--account", "Storå Kraft AB", "--format", "json")
    assert [a["id"] for a in json.loads(only.output)] == [2]


def test_asks_csv_to_a_file_has_a_bom(run, tmp_path: Path) -> None:
    run("ask", "Sofia Wall")
    out = tmp_path / "asks.csv"
    assert run("asks", "--format", "csv", "-o", out).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfask_id,status,status_date,")


def test_no_asks_yet(run) -> None:
    result = run("asks")
    assert result.exit_code == 0
    assert result.output == "No asks yet: record one with graphwarm ask TARGET.\n"


def test_a_meeting_before_the_introduction_is_refused(run) -> None:
    run("ask", "Sofia Wall", "--on", "2026-11-01")
    result = run("outcome", "1", "--meeting", "yes", "--on", "2026-11-02")
    assert_error(
        result,
        "ask 1 (Sofia Wall, planned): a meeting without an introduction, on a referral path "
        "(internal). record the introduction first: graphwarm outcome 1 --introduced yes",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["outcome", "9", "--asked"], "no ask 9 in the workspace. graphwarm asks lists them"),
        (
            ["outcome", "1", "--asked", "--declined"],
            "give exactly one of --asked, --introduced yes|no, --meeting yes|no, --declined, "
            "--no-answer. e.g. graphwarm outcome 1 --asked",
        ),
        (["outcome", "1"], "give exactly one of"),
        (["ask", "Nobody Here"], "no person or account 'Nobody Here' in the workspace"),
        (["ask", "Sofia Wall", "--via", "Jon Rask"], "no path to Sofia Wall through Jon Rask"),
        (["ask", "Sofia Wall", "--member", "Per Moberg"], "no member 'Per Moberg'"),
        (["asks", "--member", "Nobody"], "no member 'Nobody'"),
        (["asks", "--account", "Nowhere AB"], "no account 'Nowhere AB' in the workspace"),
        (["outcome", "1", "--declined", "--on", "2026-10-01"], "is before its last move"),
        (["ask", "Sofia Wall"], "ask 1 is already open along this path"),
    ],
)
def test_bad_input_is_one_error_line(run, args: list[str], message: str) -> None:
    assert run("ask", "Sofia Wall", "--on", "2026-11-01").exit_code == 0
    assert_error(run(*args), message)


def test_an_ambiguous_name_lists_the_candidates(run) -> None:
    run("import", "people", FIXTURES / "asks" / "namesake_people.csv", "--target")
    result = run("ask", "Karl Berg")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: 'Karl Berg' matches 2 people or accounts. give a LinkedIn URL or e-mail for a "
        "person",
        "  Karl Berg (Nordvik Transport AB): person",
        "  Karl Berg (Tellus Partners AB): person",
    ]


def test_a_bad_date_is_a_usage_error(run) -> None:
    result = run("ask", "Sofia Wall", "--on", "1 Nov")
    assert result.exit_code == 2 and "'1 Nov' does not match the format '%Y-%m-%d'" in (
        result.output
    )


def test_import_outcomes_prints_counts_and_unresolved_rows(run) -> None:
    asks = FIXTURES / "asks"
    result = run("import", "outcomes", asks / "outcomes_filled.csv")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{asks / 'outcomes_filled.csv'}: 5 rows read; 4 asks recorded, 3 moved, 0 already up "
        "to date, 1 without a status, 0 not resolved\n"
    )
    again = run("import", "outcomes", asks / "outcomes_filled.csv")
    assert "0 asks recorded, 0 moved, 4 already up to date" in again.output
    result = run("import", "outcomes", asks / "outcomes_unresolved.csv")
    assert_error(result, "line 7: ask 2 (Ebba Lindgren, no answer): it cannot go back to asked")


def test_import_outcomes_lists_what_does_not_resolve(run) -> None:
    result = run("import", "outcomes", FIXTURES / "asks" / "outcomes_unresolved.csv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith(
        "1 ask recorded, 1 moved, 0 already up to date, 0 without a status, 5 not resolved"
    )
    assert lines[1:3] == [
        "  line 2: not resolved: Nils Ny: not in the workspace any more",
        "  line 3: not resolved: Karl Berg: ask_id p1-2-5 names Sofia Wall now, not this target",
    ]


def test_forget_says_how_many_asks_it_erased(run) -> None:
    run("ask", "Sofia Wall", "--on", "2026-11-01")
    result = run("forget", "--person", "Per Moberg")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Forgot Per Moberg, 2 ties and 1 ask. Later imports skip")
    assert run("asks").output == "No asks yet: record one with graphwarm ask TARGET.\n"


def test_import_outcomes_from_a_crm_task_export(run) -> None:
    tasks = FIXTURES / "asks" / "crm_tasks.csv"
    mapped = ("--column", "ask_id=Graphwarm Ask", "--column", "status=Outcome")
    result = run("import", "outcomes", tasks, *mapped, "--column", "status_date=Completed At")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{tasks}: 3 rows read; 2 asks recorded, 2 moved, 0 already up to date, 1 without a "
        "status, 0 not resolved\n"
    )
    bad = run("import", "outcomes", tasks, "--column", "outcome=Outcome")
    assert_error(bad, "--column outcome: no such field in an outcomes file")
    assert_error(run("import", "outcomes", tasks, "--column", "status"), "is not FIELD=HEADER")


def test_import_outcomes_with_contradictory_rows(run) -> None:
    result = run("import", "outcomes", FIXTURES / "asks" / "outcomes_contradictory.csv")
    assert_error(result, "line 2: rows contradict each other: ask p1-2-5 is 'meeting'")


def test_calibrate_without_outcomes_shows_the_settings(run) -> None:
    result = run("calibrate")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Calibration from 0 asks (prior weight 10):",
        "  p_internal: 84 %, no outcomes yet (survey)",
        "  p_external: 44 %, no outcomes yet (survey)",
        "  p_direct_max: 90 %, no outcomes yet (assumption)",
        "  f_min: 20 %, no outcomes yet (assumption)",
        "  f_max: 75 %, no outcomes yet (assumption)",
        "  beta: 2.00, no outcomes yet (assumption)",
        "  p_connect: 40 %, no outcomes yet (assumption)",
        "  p_cold: 20 %, no outcomes yet (survey)",
        "No outcomes yet: record them with graphwarm outcome or import outcomes.",
        "The chances rest on these figures: from a 1995 survey of executives' stated "
        "attitudes: p_internal 84 %, p_external 44 %, p_cold 20 %; assumptions: p_connect 40 %, "
        "p_direct_max 90 %, f_min 20 %, f_max 75 %, beta 2.00.",
    ]
    data = json.loads(run("calibrate", "--format", "json").output)
    assert data["probability"]["p_internal"] == 0.84 and data["outcomes"] == 0
    assert data["leave_one_out"]["log_loss_settings"] is None


def test_calibrate_with_outcomes(run) -> None:
    run("import", "outcomes", FIXTURES / "asks" / "outcomes_filled.csv")
    result = run("calibrate", "--prior-weight", "5")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Calibration from 3 asks (prior weight 5):"
    assert lines[1].startswith("  p_internal: ")
    assert lines[1].endswith("from 1 internal introduction; survey 84 %")
    assert lines[6].startswith("  beta: ") and lines[6].endswith(
        "from 1 introduction; assumption 2.00"
    )
    assert lines[-2].startswith("Leave-one-out, uncalibrated settings → calibrated: log loss ")
    data = json.loads(run("calibrate", "--format", "json").output)
    fits = {p["name"]: p for p in data["parameters"]}
    assert (fits["f_min"]["n"], fits["f_min"]["successes"]) == (2, 1)
    assert data["probability"]["f_min"] == fits["f_min"]["posterior"]
    assert fits["p_connect"]["calibrated"] and not fits["p_cold"]["calibrated"]
    bad = run("calibrate", "--prior-weight", "0")
    assert bad.exit_code == 2 and "0 is not in the range x>=0.1" in bad.output


def test_calibrate_apply(run, tmp_path: Path) -> None:
    toml = tmp_path / "team" / "graphwarm.toml"
    nothing = run("calibrate", "--apply")
    assert nothing.exit_code == 0 and f"{toml}: nothing to apply, no outcomes yet" in nothing.stderr
    run("import", "outcomes", FIXTURES / "asks" / "outcomes_filled.csv")
    result = run("calibrate", "--apply")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"{toml}: [probability] p_internal = 0.")
    assert ", beta = 2." in result.stderr
    text = toml.read_text(encoding="utf-8")
    assert "# graphwarm calibrate " in text and "[calibrated]" in text
    again = run("calibrate", "--apply")
    assert again.stderr == result.stderr and toml.read_text(encoding="utf-8") == text


def test_reports_mark_the_calibrated_figures(run, tmp_path: Path) -> None:
    survey = "from a 1995 survey of executives' stated attitudes: p_internal 84 %, "
    assert survey in run("reach").stderr
    run("import", "outcomes", FIXTURES / "asks" / "outcomes_filled.csv")
    run("calibrate", "--apply")
    calibrated = "calibrated on the team's own outcomes: p_internal 85 % (from 1 outcome, "
    reach = run("reach")
    assert calibrated in reach.stderr and survey not in reach.stderr
    assert "p_external 44 %, p_cold 20 %" in reach.stderr  # still the survey's
    assert calibrated in " ".join(run("forecast").output.split())
    data = json.loads(run("forecast", "--format", "json").output)
    assert data["figure_sources"]["p_internal"] == "calibrated from 1 outcome"
    assert data["figure_sources"]["p_external"] == "survey"
    out = tmp_path / "plans"
    assert run("plan", "Nordvik Transport AB", "-o", out).exit_code == 0
    plan = " ".join((out / "nordvik-transport-ab.md").read_text(encoding="utf-8").split())
    assert "p\\_internal 85 %" in plan  # Markdown, escaped
    assert calibrated in plan.replace("\\", "") and "graphwarm calibrate" in plan


def test_import_cold_call_tallies_and_calibrate(run) -> None:
    tallies = FIXTURES / "asks" / "tallies.csv"
    result = run("import", "outcomes", tallies)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{tallies}: 3 rows read; 2 cold-call tallies added, 0 updated, 0 already up to date, "
        "1 not resolved",
        "  line 4: not resolved: Per Moberg: no member 'Per Moberg' in the workspace",
    ]
    lines = run("calibrate").output.splitlines()
    assert lines[0] == "Calibration from 0 asks and 220 tallied dials (prior weight 10):"
    assert lines[7] == "  p_connect: 32 % (90 %: 27 %–37 %), from 220 cold calls; assumption 40 %"


def test_the_forecast_counts_open_and_closed_asks(run) -> None:
    run("import", "outcomes", FIXTURES / "asks" / "outcomes_filled.csv")
    result = run("forecast")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Forecast: 2 targets" in text
    assert (
        "Likely range (10th–90th percentile of 2,000 simulated outcomes): 0–1 meetings, at 0–1 "
        "accounts (0.3 expected); asks through one introducer rise and fall together "
        "(introducer_correlation 0.5)." in text
    )
    data = json.loads(run("forecast", "--format", "json").output)
    assert data["range"]["runs"] == 2000 and data["range"]["meetings_high"] == 1
    assert (
        "Asks: 1 open, worth 0.1 expected meetings from where each stands (graphwarm asks "
        "--open lists them); 3 targets left out, their ask closed." in text
    )


def test_a_plan_shows_each_targets_ask(run, tmp_path: Path) -> None:
    run("ask", "Sofia Wall", "--on", "2026-11-01")
    out = tmp_path / "plans"
    assert run("plan", "Nordvik Transport AB", "-o", out).exit_code == 0
    text = (out / "nordvik-transport-ab.md").read_text(encoding="utf-8")
    assert "| Best path | Ask |" in text and "| ask 1: planned (2026-11-01) |" in text
