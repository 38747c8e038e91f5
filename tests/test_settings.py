"""Tests for graphwarm.settings: defaults, every constant overridable, clear errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from graphwarm.errors import SettingsError
from graphwarm.settings import (
    DEFAULT_BUYER_TITLES,
    Calibrated,
    ProbabilitySettings,
    Settings,
    StrengthSettings,
    load_settings,
    settings_path_for,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "graphwarm.toml"
    path.write_text(text, encoding="utf-8")
    return path


def settings_error(tmp_path: Path, text: str) -> SettingsError:
    with pytest.raises(SettingsError) as info:
        load_settings(write(tmp_path, text))
    return info.value


def test_defaults_without_a_file(tmp_path: Path) -> None:
    assert load_settings(None) == Settings()
    assert load_settings(tmp_path / "missing.toml") == Settings()
    s = Settings()
    assert (s.max_hops, s.margin, s.max_asks_per_introducer) == (3, 0.10, 3)
    assert s.buyer_titles == DEFAULT_BUYER_TITLES and s.exclude == () and s.aliases == {}
    assert s.as_of is None and s.plan_template is None
    p = s.probability
    assert (p.f_min, p.f_max, p.p_internal, p.p_external, p.p_cold) == (
        0.20,
        0.75,
        0.84,
        0.44,
        0.20,
    )
    assert (p.p_connect, p.p_direct_max, p.beta, p.s_ref) == (0.40, 0.90, 2.0, 0.5)
    st = s.strength
    assert st.recency + st.volume + st.reciprocity == pytest.approx(0.60)
    assert st.shared_employer + st.endorsements + st.duration == pytest.approx(0.40)
    assert (st.half_life_days, st.volume_saturation, st.duration_saturation_years) == (
        180.0,
        50,
        5.0,
    )


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, "# nothing set\n")) == Settings()


def test_settings_file_sits_beside_the_workspace(tmp_path: Path) -> None:
    assert settings_path_for(tmp_path / "w.db") == tmp_path.resolve() / "graphwarm.toml"


def _changed(value: object) -> object:
    if isinstance(value, bool):
        raise AssertionError("no boolean settings expected")
    if isinstance(value, int):
        return value + 1
    return round(float(value) * 0.9, 6) if value else 0.05


@pytest.mark.parametrize(
    ("section", "cls"), [("probability", ProbabilitySettings), ("strength", StrengthSettings)]
)
def test_every_section_constant_is_overridable(tmp_path: Path, section: str, cls: type) -> None:
    defaults = cls()
    for f in dataclasses.fields(cls):
        value = _changed(getattr(defaults, f.name))
        got = getattr(load_settings(write(tmp_path, f"[{section}]\n{f.name} = {value}\n")), section)
        assert getattr(got, f.name) == value, f.name
        others = {g.name for g in dataclasses.fields(cls)} - {f.name}
        assert all(getattr(got, o) == getattr(defaults, o) for o in others), f.name


def test_every_top_level_setting_is_overridable(tmp_path: Path) -> None:
    s = load_settings(
        write(
            tmp_path,
            """
as_of = 2026-11-01
max_hops = 4
margin = 0.25
buyer_titles = ["CFO", " Inköpschef ", ""]
exclude = ["Konkurrent AB"]
max_asks_per_introducer = 5
forecast_runs = 500
introducer_correlation = 0.2
nudge_after_days = 14
prior_weight = 20
plan_template = "plan.md.j2"
keep_history_days = 30
stale_after_days = 60
change_points = 2.5
max_recipients = 12
max_attendees = 6
max_occurrences = 50
public_mail_domains = ["Mail.example", "@post.example", " "]
""",
        )
    )
    assert (s.max_recipients, s.max_attendees, s.max_occurrences) == (12, 6, 50)
    assert s.public_mail_domains == {"mail.example", "post.example"}  # replaces the built-in
    assert s.as_of == dt.date(2026, 11, 1)
    assert (s.keep_history_days, s.stale_after_days, s.change_points) == (30, 60, 2.5)
    assert (s.max_hops, s.margin, s.max_asks_per_introducer) == (4, 0.25, 5)
    assert s.buyer_titles == ("CFO", "Inköpschef")
    assert s.exclude == ("Konkurrent AB",)
    assert s.plan_template == "plan.md.j2"
    assert (s.nudge_after_days, s.prior_weight) == (14, 20.0)
    assert (s.forecast_runs, s.introducer_correlation) == (500, 0.2)
    assert s.today() == dt.date(2026, 11, 1)
    fields = {f.name for f in dataclasses.fields(Settings)}
    assert fields == {
        "as_of",
        "max_hops",
        "margin",
        "buyer_titles",
        "exclude",
        "max_asks_per_introducer",
        "forecast_runs",
        "introducer_correlation",
        "nudge_after_days",
        "prior_weight",
        "plan_template",
        "keep_history_days",
        "stale_after_days",
        "change_points",
        "max_recipients",
        "max_attendees",
        "max_occurrences",
        "public_mail_domains",
        "probability",
        "strength",
        "aliases",
        "calibrated",  # test_what_calibrate_applied_is_recorded
        "team_members",  # test_team_roster
    }, "a new setting needs a test here"


def test_as_of_as_a_string(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, 'as_of = "2026-01-31"\n')).as_of == dt.date(2026, 1, 31)


def test_aliases(tmp_path: Path) -> None:
    s = load_settings(
        write(
            tmp_path,
            """
[aliases]
"International Business Machines" = ["IBM", "I.B.M."]
"Nordvik Transport" = "NVT"
""",
        )
    )
    assert s.aliases == {
        "International Business Machines": ("IBM", "I.B.M."),
        "Nordvik Transport": ("NVT",),
    }


def test_team_roster(tmp_path: Path) -> None:
    text = '[team]\nmembers = ["Anna Berg", "  Bo   Ek ", "", "Åsa Öberg"]\n'
    assert load_settings(write(tmp_path, text)).team_members == ("Anna Berg", "Bo Ek", "Åsa Öberg")
    assert load_settings(None).team_members == ()


@pytest.mark.parametrize(
    ("text", "key", "line", "message"),
    [
        ('team = ["Anna Berg"]\n', "team", 1, "[team] must be a table: members = ["),
        ('[team]\nmembers = "Anna Berg"\n', "members", 2, "members must be a list of names"),
        ("[team]\nmembers = [1, 2]\n", "members", 2, "members must be a list of names"),
        ('[team]\nmember = ["Anna Berg"]\n', "member", 2, "unknown setting 'member' in [team]"),
        (
            '[team]\nmembers = ["Anna Berg", "ANNA  berg"]\n',
            "members",
            2,
            "members names 'Anna Berg' and 'ANNA berg', one person to graphwarm",
        ),
        ('[team]\nmembers = ["Bo Ek", "Bo Ek"]\n', "members", 2, "members names 'Bo Ek' twice"),
    ],
)
def test_team_roster_errors_name_key_and_line(
    tmp_path: Path, text: str, key: str, line: int, message: str
) -> None:
    err = settings_error(tmp_path, text)
    assert (err.column, err.line) == (key, line)
    assert message in str(err)


def test_unknown_key_names_key_and_line(tmp_path: Path) -> None:
    err = settings_error(tmp_path, "max_hops = 3\nmax_hop = 4\n")
    assert err.column == "max_hop" and err.line == 2
    assert "unknown setting 'max_hop'" in str(err)
    assert "did you mean 'max_hops'?" in str(err)
    assert str(err).startswith(str(tmp_path / "graphwarm.toml"))


def test_unknown_key_in_a_section(tmp_path: Path) -> None:
    err = settings_error(tmp_path, "[probability]\np_cold = 0.2\np_colt = 0.3\n")
    assert err.column == "p_colt" and err.line == 3
    assert "did you mean 'p_cold'?" in str(err)


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ("max_hops = 0\n", "max_hops", 1),
        ("margin = -1\n", "margin", 1),
        ("\n[probability]\np_internal = 1.0\n", "p_internal", 3),
        ("[probability]\nf_min = 1.5\n", "f_min", 2),
        ("[strength]\nrecency = 2\n", "recency", 2),
        ("[strength]\nhalf_life_days = 0\n", "half_life_days", 2),
    ],
)
def test_out_of_range_names_key_and_line(tmp_path: Path, text: str, key: str, line: int) -> None:
    err = settings_error(tmp_path, text)
    assert err.column == key and err.line == line
    assert f"{key} = " in str(err) and "is out of range" in str(err)
    assert "use a value from" in str(err)


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ('max_hops = "three"\n', "max_hops", "must be a number"),
        ("max_hops = 2.5\n", "max_hops", "must be a whole number"),
        ("max_hops = true\n", "max_hops", "must be a number"),
        ('buyer_titles = "CFO"\n', "buyer_titles", "must be a list of strings"),
        ('as_of = "yesterday"\n', "as_of", "as_of must be a date"),
        ("probability = 3\n", "probability", "must be a table"),
        ('aliases = "IBM"\n', "aliases", "[aliases] must be a table"),
        ("[strength]\nvolume_saturation = 10.5\n", "volume_saturation", "whole number"),
    ],
)
def test_wrong_types(tmp_path: Path, text: str, key: str, message: str) -> None:
    err = settings_error(tmp_path, text)
    assert err.column == key and message in str(err)
    assert err.line is not None


def test_f_min_above_f_max(tmp_path: Path) -> None:
    err = settings_error(tmp_path, "[probability]\nf_min = 0.8\nf_max = 0.5\n")
    assert err.column == "f_min" and err.line == 2 and "must not exceed f_max" in str(err)


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    err = settings_error(tmp_path, "max_hops = 3\nmargin = = 2\n")
    assert err.line == 2 and "is not valid TOML" in str(err)


def test_a_settings_file_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "graphwarm.toml"
    path.write_bytes("\ufeffmax_hops = 5\n".encode())
    assert load_settings(path).max_hops == 5


def test_nudge_after_days_and_prior_weight(tmp_path: Path) -> None:
    path = tmp_path / "graphwarm.toml"
    assert (load_settings(None).nudge_after_days, load_settings(None).prior_weight) == (7, 10.0)
    path.write_text("nudge_after_days = 3\nprior_weight = 25\n", encoding="utf-8")
    settings = load_settings(path)
    assert (settings.nudge_after_days, settings.prior_weight) == (3, 25.0)
    path.write_text("nudge_after_days = 2.5\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="nudge_after_days must be a whole number"):
        load_settings(path)
    path.write_text("prior_weight = 0\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="prior_weight = 0 is out of range"):
        load_settings(path)


# --- [calibrated]: what graphwarm calibrate --apply wrote -----------------------------------------

CALIBRATED = """[probability]
p_internal = 0.61
f_max = 0.8

[calibrated]
p_internal = { value = 0.61, prior = 0.84, outcomes = 37, on = 2026-12-05 }
f_max = { value = 0.9, prior = 0.75, outcomes = 12, on = 2026-12-05 }
"""


def test_what_calibrate_applied_is_recorded(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, CALIBRATED))
    # f_max was changed by hand after it was applied: the team's own setting again
    assert s.calibrated == {"p_internal": Calibrated(0.61, 0.84, 37, dt.date(2026, 12, 5))}
    prior = s.uncalibrated()
    assert prior.probability.p_internal == 0.84 and prior.probability.f_max == 0.8
    assert prior.calibrated == {} and prior.uncalibrated() == prior
    assert s.source_of("p_internal") == "calibrated from 37 outcomes"
    assert prior.source_of("p_internal") == "survey"
    assert s.source_of("f_max") == "setting" and s.source_of("f_min") == "assumption"
    assert Settings().source_of("p_cold") == "survey"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("[calibrated]\np_nothing = 1\n", "unknown probability setting 'p_nothing'", 1),
        ("[calibrated]\np_cold = 0.2\n", "calibrated p_cold must read { value = 0.61,", 1),
        (
            "[calibrated]\np_cold = { value = 0.2, prior = 0.3, outcomes = 1.5, on = 2026-12-05 }",
            "calibrated p_cold must read",
            1,
        ),
        (
            "[calibrated]\np_cold = { value = 2, prior = 0.3, outcomes = 1, on = 2026-12-05 }",
            "p_cold = 2 is out of range",
            2,
        ),
        ("calibrated = 3\n", "[calibrated] must be a table", 1),
    ],
)
def test_a_broken_calibrated_record_names_its_line(
    tmp_path: Path, text: str, message: str, line: int
) -> None:
    err = settings_error(tmp_path, text)
    assert message in str(err) and err.line == line


def test_reports_say_where_each_figure_comes_from(tmp_path: Path) -> None:
    assert Settings().figures_text() == (
        "The chances rest on these figures: from a 1995 survey of executives' stated "
        "attitudes: p_internal 84 %, p_external 44 %, p_cold 20 %; assumptions: p_connect 40 %, "
        "p_direct_max 90 %, f_min 20 %, f_max 75 %, beta 2.00."
    )
    s = load_settings(write(tmp_path, CALIBRATED))
    assert s.figures_text().startswith(
        "The chances rest on these figures: calibrated on the team's own outcomes: "
        "p_internal 61 % (from 37 outcomes, 2026-12-05); the team's settings: f_max 80 %; "
        "from a 1995 survey of executives' stated attitudes: p_external 44 %, p_cold 20 %; "
    )
    assert s.figure_sources()["p_internal"] == "calibrated from 37 outcomes"
