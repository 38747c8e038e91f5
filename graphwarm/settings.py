"""Settings: every constant of the model, read from ``graphwarm.toml`` beside the workspace.

The file is optional; each key left out keeps its built-in default. An unknown key or a value
out of range is an error that names the key and its line, so a typo never goes unnoticed.

Example ``graphwarm.toml``::

    max_hops = 3
    buyer_titles = ["CFO", "Ekonomichef", "Head of Procurement"]

    [probability]
    p_connect = 0.30          # fewer people pick up the phone these days

    [aliases]
    "International Business Machines" = ["IBM"]

    [team]
    members = ["Anna Berg", "Bo Ek"]   # the team roster: members with no export are reported

``graphwarm calibrate --apply`` writes ``[probability]`` values and records each in
``[calibrated]`` (:class:`Calibrated`), so that calibration always starts again from the
setting it replaced and reports can say which figures are the team's own.
Mail and calendar imports read ``max_recipients`` (10), ``max_attendees`` (8),
``max_occurrences`` (200 per recurring series) and ``public_mail_domains`` (a list that
replaces the built-in one of gmail.com, outlook.com, …).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._words import counted, percent
from .errors import SettingsError
from .identity import FREE_MAIL_DOMAINS, name_key

__all__ = [
    "DEFAULT_BUYER_TITLES",
    "FIGURES",
    "SURVEY_FIGURES",
    "Calibrated",
    "ProbabilitySettings",
    "Settings",
    "StrengthSettings",
    "load_settings",
    "settings_path_for",
    "write_probability",
]

DEFAULT_BUYER_TITLES = (
    "CEO",
    "CFO",
    "COO",
    "CIO",
    "CTO",
    "Chief * Officer",
    "VD",
    "Verkställande direktör",
    "Ekonomichef",
    "Finanschef",
    "Inköpschef",
    "IT-chef",
    "Head of Procurement",
    "Head of Purchasing",
    "Head of Finance",
    "Head of IT",
    "Procurement Director",
    "Purchasing Manager",
    "Finance Director",
    "Administrerende direktør",
    "Økonomisjef",
    "Toimitusjohtaja",
)


@dataclass(frozen=True)
class ProbabilitySettings:
    """The meeting-probability model of DESIGN.md; see docs for where each figure comes from."""

    f_min: float = 0.20
    f_max: float = 0.75
    p_internal: float = 0.84
    p_external: float = 0.44
    p_cold: float = 0.20
    p_connect: float = 0.40
    p_direct_max: float = 0.90
    beta: float = 2.0
    s_ref: float = 0.5


# The probability settings whose defaults are the 1995 survey's figures; every other default is
# an assumption (docs/model.md).
SURVEY_FIGURES = ("p_internal", "p_external", "p_cold")


# The figures of the meeting-probability model, as reports list them (s_ref is a reference
# point, not a chance), and the headings of their sources.
FIGURES = (
    "p_internal",
    "p_external",
    "p_cold",
    "p_connect",
    "p_direct_max",
    "f_min",
    "f_max",
    "beta",
)
_FIGURE_GROUPS = {
    "calibrated": "calibrated on the team's own outcomes",
    "setting": "the team's settings",
    "survey": "from a 1995 survey of executives' stated attitudes",
    "assumption": "assumptions",
}


@dataclass(frozen=True)
class Calibrated:
    """A ``[probability]`` value that ``graphwarm calibrate --apply`` wrote: the value, the
    setting it replaced (calibration's prior, so that applying again counts no outcome
    twice), how many outcomes informed it, and the day. Kept only while the value is still
    the one in ``[probability]``: a value changed by hand is the team's own setting again."""

    value: float
    prior: float
    outcomes: int
    on: dt.date


@dataclass(frozen=True)
class StrengthSettings:
    """Weights of the tie-strength components and their saturation points."""

    recency: float = 0.25
    volume: float = 0.20
    reciprocity: float = 0.15
    shared_employer: float = 0.15
    endorsements: float = 0.15
    duration: float = 0.10
    half_life_days: float = 180.0
    volume_saturation: int = 50
    duration_saturation_years: float = 5.0


@dataclass(frozen=True)
class Settings:
    """All settings; build with :func:`load_settings` or directly with keyword overrides."""

    as_of: dt.date | None = None
    max_hops: int = 3
    margin: float = 0.10
    buyer_titles: tuple[str, ...] = DEFAULT_BUYER_TITLES
    exclude: tuple[str, ...] = ()
    max_asks_per_introducer: int = 3
    forecast_runs: int = 2000
    introducer_correlation: float = 0.5
    nudge_after_days: int = 7
    prior_weight: float = 10.0
    plan_template: str | None = None
    keep_history_days: int = 365
    stale_after_days: int = 90
    change_points: float = 5.0
    max_recipients: int = 10
    """A message to more people than this is not a relationship (graphwarm import mail)."""
    max_attendees: int = 8
    """A meeting of more people than this is not one either (graphwarm import calendar)."""
    max_occurrences: int = 200
    """At most this many meetings of one recurring series count."""
    public_mail_domains: frozenset[str] = FREE_MAIL_DOMAINS
    """Mail domains anyone can have an address at (gmail.com, …): they name no employer."""
    team_members: tuple[str, ...] = ()
    """The team roster (``[team] members``): who should have an export in the workspace, so
    that ``changes`` and ``status`` can name a member who has none yet."""
    probability: ProbabilitySettings = field(default_factory=ProbabilitySettings)
    strength: StrengthSettings = field(default_factory=StrengthSettings)
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    calibrated: dict[str, Calibrated] = field(default_factory=dict)

    def today(self) -> dt.date:
        """The date recency and duration are measured at: ``as_of`` or today."""
        return self.as_of or dt.date.today()

    def uncalibrated(self) -> Settings:
        """These settings with every calibrated ``[probability]`` value back at the setting
        it replaced: calibration's prior."""
        priors = {key: c.prior for key, c in self.calibrated.items()}
        return dataclasses.replace(
            self, probability=dataclasses.replace(self.probability, **priors), calibrated={}
        )

    def source_of(self, key: str) -> str:
        """Where the ``[probability]`` figure ``key`` comes from, for reports: "calibrated
        from 37 outcomes", "survey" (a built-in 1995 survey figure), "assumption" (another
        built-in value) or "setting" (the team's own value)."""
        if key in self.calibrated:
            return f"calibrated from {counted(self.calibrated[key].outcomes, 'outcome')}"
        if getattr(self.probability, key) != getattr(ProbabilitySettings(), key):
            return "setting"
        return "survey" if key in SURVEY_FIGURES else "assumption"

    def figure_sources(self) -> dict[str, str]:
        """Each figure of :data:`FIGURES` and where it comes from (:meth:`source_of`)."""
        return {key: self.source_of(key) for key in FIGURES}

    def figures_text(self) -> str:
        """Where the model's figures come from, for the footers of reports: those calibrated
        on the team's outcomes (from how many, when), the team's own settings, the survey's,
        and the assumptions."""
        groups: dict[str, list[str]] = {}
        for key, source in self.figure_sources().items():
            value = getattr(self.probability, key)
            shown = f"{key} {value:.2f}" if key == "beta" else f"{key} {percent(value)}"
            c = self.calibrated.get(key)
            if c is not None:
                shown += f" (from {counted(c.outcomes, 'outcome')}, {c.on.isoformat()})"
            groups.setdefault(source.split(" ")[0], []).append(shown)
        parts = [
            f"{heading}: {', '.join(groups[source])}"
            for source, heading in _FIGURE_GROUPS.items()
            if source in groups
        ]
        return f"The chances rest on these figures: {'; '.join(parts)}."


# (low, high, inclusive-low) per numeric key; probabilities stay strictly below 1 so no edge
# ever costs 0 in the search.
_RANGES: dict[str, tuple[float, float]] = {
    "max_hops": (1, 10),
    "margin": (0.0, 10.0),
    "max_asks_per_introducer": (1, 1000),
    "forecast_runs": (100, 1_000_000),
    "introducer_correlation": (0.0, 1.0),
    "nudge_after_days": (1, 3650),
    "keep_history_days": (0, 36500),
    "stale_after_days": (1, 36500),
    "change_points": (0.0, 100.0),
    "prior_weight": (0.1, 100000.0),
    "f_min": (0.0, 0.999),
    "f_max": (0.0, 0.999),
    "p_internal": (0.001, 0.999),
    "p_external": (0.001, 0.999),
    "p_cold": (0.001, 0.999),
    "p_connect": (0.001, 1.0),
    "p_direct_max": (0.001, 0.999),
    "beta": (0.0, 20.0),
    "s_ref": (0.0, 1.0),
    "recency": (0.0, 1.0),
    "volume": (0.0, 1.0),
    "reciprocity": (0.0, 1.0),
    "shared_employer": (0.0, 1.0),
    "endorsements": (0.0, 1.0),
    "duration": (0.0, 1.0),
    "half_life_days": (1.0, 36500.0),
    "volume_saturation": (1, 100000),
    "duration_saturation_years": (0.1, 100.0),
    "max_recipients": (1, 10000),
    "max_attendees": (2, 10000),
    "max_occurrences": (1, 100000),
}


_INTEGERS = (
    "max_hops",
    "max_asks_per_introducer",
    "nudge_after_days",
    "keep_history_days",
    "stale_after_days",
    "forecast_runs",
    "max_recipients",
    "max_attendees",
    "max_occurrences",
)


def settings_path_for(db_path: str | Path) -> Path:
    """``graphwarm.toml`` in the workspace's folder."""
    return Path(db_path).resolve().parent / "graphwarm.toml"


def load_settings(path: str | Path | None) -> Settings:
    """Read settings from a TOML file; a missing file gives the defaults.

    >>> load_settings(None).max_hops
    3
    """
    if path is None or not Path(path).exists():
        return Settings()
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        # Python < 3.14 has no err.lineno: the place is only in the text, "(at line 2, ...)".
        where = re.search(r"\s*\(at line (\d+), column \d+\)$", str(err))
        line = getattr(err, "lineno", None) or (int(where.group(1)) if where else None)
        message = getattr(err, "msg", None) or str(err)[: where.start() if where else None]
        raise SettingsError(f"is not valid TOML ({message})", file=path, line=line) from err
    return _parse(data, path, text)


def write_probability(
    path: str | Path,
    values: Mapping[str, float],
    comments: Mapping[str, str],
    calibrated: Mapping[str, Calibrated | None] | None = None,
) -> Settings:
    """Set ``[probability]`` values in the ``graphwarm.toml`` at ``path`` (made if missing),
    keeping every other setting, comment and the layout; each value written gets its line's
    comment from ``comments``. ``calibrated``: the ``[calibrated]`` record of each key,
    ``None`` to remove it. Returns the settings read back.

    Refuses (:class:`SettingsError`) a file that does not load as it is, or that sets
    ``probability`` other than as a ``[probability]`` table. The file is replaced in one step.
    """
    import os
    import tempfile

    import tomlkit
    from tomlkit.items import Table

    path = Path(path)
    before = load_settings(path)  # a broken file is the user's to fix first
    text = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    doc = tomlkit.parse(text)
    if "probability" not in doc:
        doc.add("probability", tomlkit.table())
    section = doc["probability"]
    if not isinstance(section, Table) or section.is_super_table():
        raise SettingsError(
            "probability is not written as a [probability] table, so it cannot be updated",
            file=path,
            line=_line_of(text, "probability"),
            column="probability",
            hint="write it as a [probability] table, one key per line, and try again",
        )
    known = dataclasses.asdict(before.probability)
    for key, value in values.items():
        if key not in known:
            raise ValueError(f"unknown probability setting {key!r}")
        section[key] = float(value)
        if key in comments:
            section[key].comment(comments[key])
    if calibrated:
        if "calibrated" not in doc:
            table = tomlkit.table()
            table.comment("graphwarm calibrate --apply: what it wrote, the prior, from how many")
            doc.add("calibrated", table)
        record = doc["calibrated"]
        for key, c in calibrated.items():
            if c is None:
                record.pop(key, None)  # type: ignore[union-attr]
                continue
            entry = tomlkit.inline_table()
            entry.update({"value": float(c.value), "prior": float(c.prior), "outcomes": c.outcomes})
            entry["on"] = c.on
            record[key] = entry  # type: ignore[index]
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".graphwarm.toml.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(tomlkit.dumps(doc))
        after = load_settings(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return after


def _calibrated(value: Any, fail: Any) -> dict[str, Calibrated]:
    if not isinstance(value, dict):
        raise fail("calibrated", "[calibrated] must be a table")
    known = {f.name for f in dataclasses.fields(ProbabilitySettings)}
    out: dict[str, Calibrated] = {}
    for key, entry in value.items():
        if key not in known:  # the line of [calibrated]: the key's own is in [probability]
            raise fail("calibrated", f"unknown probability setting {key!r}", _suggest(key, known))
        if not (
            isinstance(entry, dict)
            and set(entry) == {"value", "prior", "outcomes", "on"}
            and type(entry["outcomes"]) is int
            and entry["outcomes"] >= 0
            and type(entry["on"]) is dt.date
        ):
            raise fail(
                "calibrated",
                f"calibrated {key} must read {{ value = 0.61, prior = 0.84, outcomes = 37, "
                "on = 2026-12-05 }",
                "graphwarm calibrate --apply writes it; delete the line to drop the record",
            )
        value_, prior = (_number(key, entry[k], fail, integer=False) for k in ("value", "prior"))
        out[key] = Calibrated(float(value_), float(prior), entry["outcomes"], entry["on"])
    return out


def _parse(data: dict[str, Any], path: Path, text: str) -> Settings:
    def fail(key: str, message: str, hint: str | None = None) -> SettingsError:
        return SettingsError(message, file=path, line=_line_of(text, key), column=key, hint=hint)

    top: dict[str, Any] = {}
    sections = {"probability": ProbabilitySettings, "strength": StrengthSettings}
    nested: dict[str, Any] = {}
    simple = {f.name for f in dataclasses.fields(Settings)} - set(sections)
    simple -= {"aliases", "calibrated", "team_members"}
    for key, value in data.items():
        if key in sections:
            if not isinstance(value, dict):
                raise fail(key, f"[{key}] must be a table")
            nested[key] = _section(sections[key], value, fail)
        elif key == "aliases":
            top["aliases"] = _aliases(value, fail)
        elif key == "calibrated":
            top["calibrated"] = _calibrated(value, fail)
        elif key == "team":
            top["team_members"] = _team(value, fail)
        elif key in simple:
            top[key] = _simple_value(key, value, fail)
        else:
            known = simple | set(sections) | {"aliases", "calibrated", "team"}
            raise fail(key, f"unknown setting {key!r}", _suggest(key, known))
    settings = Settings(**top, **nested)
    p = settings.probability
    if p.f_min > p.f_max:
        raise fail("f_min", "f_min must not exceed f_max")
    in_effect = {k: c for k, c in settings.calibrated.items() if getattr(p, k) == c.value}
    return dataclasses.replace(settings, calibrated=in_effect)


def _section(cls: type, values: dict[str, Any], fail: Any) -> Any:
    known = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in values.items():
        if key not in known:
            raise fail(key, f"unknown setting {key!r}", _suggest(key, set(known)))
        kwargs[key] = _number(key, value, fail, integer=known[key].type == "int")
    return cls(**kwargs)


def _simple_value(key: str, value: Any, fail: Any) -> Any:
    if key == "as_of":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise fail(key, f"as_of must be a date like 2026-11-01, not {value!r}")
    if key in ("buyer_titles", "exclude", "public_mail_domains"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(key, f"{key} must be a list of strings")
        if key == "public_mail_domains":  # the list replaces the built-in one
            return frozenset(v.strip().lower().lstrip("@") for v in value if v.strip())
        return tuple(v.strip() for v in value if v.strip())
    if key == "plan_template":
        if not isinstance(value, str):
            raise fail(key, "plan_template must be a file path")
        return value
    return _number(key, value, fail, integer=key in _INTEGERS)


def _number(key: str, value: Any, fail: Any, *, integer: bool) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(key, f"{key} must be a number, not {value!r}")
    if integer and not float(value).is_integer():
        raise fail(key, f"{key} must be a whole number, not {value!r}")
    low, high = _RANGES[key]
    if not low <= value <= high:
        raise fail(key, f"{key} = {value} is out of range", f"use a value from {low} to {high}")
    return int(value) if integer else float(value)


def _aliases(value: Any, fail: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise fail("aliases", '[aliases] must be a table: "Canonical Name" = ["Alias", ...]')
    out: dict[str, tuple[str, ...]] = {}
    for name, names in value.items():
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise fail(name, f"alias {name!r} must map to a name or a list of names")
        out[name] = tuple(names)
    return out


def _team(value: Any, fail: Any) -> tuple[str, ...]:
    """``[team] members``: the roster's names, each once (compared as ``--member`` compares
    names: case, accents and punctuation aside)."""
    example = '[team] must be a table: members = ["Anna Berg", "Bo Ek"]'
    if not isinstance(value, dict):
        raise fail("team", example)
    for key in value:
        if key != "members":
            raise fail(key, f"unknown setting {key!r} in [team]", _suggest(key, {"members"}))
    names = value.get("members", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise fail("members", 'members must be a list of names: ["Anna Berg", "Bo Ek"]')
    out: dict[str, str] = {}
    for raw in names:
        name = " ".join(raw.split())
        key = name_key(name)
        if not key:
            continue
        if key in out:
            raise fail(
                "members",
                f"members names {out[key]!r} twice"
                if out[key] == name
                else f"members names {out[key]!r} and {name!r}, one person to graphwarm",
                "list each member once",
            )
        out[key] = name
    return tuple(out.values())


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(
        rf'^\s*(?:"{re.escape(key)}"|{re.escape(key)})\s*=|^\s*\[{re.escape(key)}\]'
    )
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            return number
    return None


def _suggest(key: str, known: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(known), n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return "known settings: " + ", ".join(sorted(known))
