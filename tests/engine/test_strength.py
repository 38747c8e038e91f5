"""Tie strength: components, special ties, and the bulk version agreeing with the scalar one."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphwarm.engine.strength import (
    COMPONENTS,
    colleague_strength,
    strength_parts_array,
    tie_strength,
    tie_strength_array,
)
from graphwarm.settings import ProbabilitySettings, Settings

AS_OF = dt.date(2026, 11, 1)
S = Settings(as_of=AS_OF)


def test_every_component_is_visible_with_its_weight():
    b = tie_strength({"msgs_ab": 3, "msgs_ba": 1, "last_msg": "2026-10-01"}, S)
    assert [c.name for c in b.components] == list(COMPONENTS)
    weights = {c.name: c.weight for c in b.components}
    assert weights == {
        "recency": 0.25,
        "volume": 0.20,
        "reciprocity": 0.15,
        "shared_employer": 0.15,
        "endorsements": 0.15,
        "duration": 0.10,
    }
    assert b.s == pytest.approx(sum(c.value * c.weight for c in b.components))


def test_the_formulas_of_the_design():
    b = tie_strength(
        {
            "msgs_ab": 25,
            "msgs_ba": 25,
            "last_msg": (AS_OF - dt.timedelta(days=180)).isoformat(),
            "connected_on": "2016-01-01",
            "endorse_ab": 2,
        },
        S,
        shared_employer=True,
    )
    assert b.component("recency").value == pytest.approx(0.5)
    assert b.component("volume").value == pytest.approx(1.0)  # ln(51)/ln(51)
    assert b.component("reciprocity").value == 1.0
    assert b.component("endorsements").value == 1.0
    assert b.component("shared_employer").value == 1.0
    assert b.component("duration").value == 1.0  # over 5 years
    assert b.s == pytest.approx(0.25 * 0.5 + 0.2 + 0.15 + 0.15 + 0.15 + 0.1)


def test_volume_saturates_and_reciprocity_is_min_over_max():
    b = tie_strength({"msgs_ab": 9, "msgs_ba": 3}, S)
    assert b.component("volume").value == pytest.approx(math.log(13) / math.log(51))
    assert b.component("reciprocity").value == pytest.approx(3 / 9)
    assert tie_strength({"msgs_ab": 500}, S).component("volume").value == 1.0


def test_a_bare_connection_is_weak():
    b = tie_strength({"connected_on": "2024-11-01"}, S)
    assert b.s == pytest.approx(0.10 * 2.0 / 5.0, rel=1e-3)
    assert b.word == "weak"
    assert b.describe().startswith("weak: connected only")


def test_describe_reads_like_the_issue():
    b = tie_strength({"msgs_ab": 16, "msgs_ba": 15, "last_msg": "2026-10-29"}, S)
    assert b.describe() == "strong: 31 messages both ways, last 3 days ago"


def test_relationship_tie_takes_its_given_strength_or_s_ref():
    given = tie_strength({"kinds": "partner", "strength": 0.9}, S)
    assert given.s == 0.9 and given.source == "relationship"
    assert "CRM relationship (partner)" in given.describe()
    plain = tie_strength({"kinds": "partner"}, S)
    assert plain.s == S.probability.s_ref
    custom = Settings(as_of=AS_OF, probability=ProbabilitySettings(s_ref=0.3))
    assert tie_strength({"kinds": "partner"}, custom).s == 0.3


def test_colleague_tie_is_s_ref():
    b = colleague_strength(S, "Nordvik Transport AB")
    assert b.s == 0.5
    assert b.describe() == "colleague at Nordvik Transport AB"


def test_recency_is_measured_at_as_of():
    row = {"msgs_ab": 1, "last_msg": "2026-01-01"}
    early = tie_strength(row, Settings(as_of=dt.date(2026, 1, 1)))
    late = tie_strength(row, Settings(as_of=dt.date(2027, 1, 1)))
    assert early.component("recency").value == 1.0
    assert late.component("recency").value < 0.3


def test_missing_and_partial_dates():
    assert tie_strength({}, S).s == 0.0
    month = tie_strength({"connected_on": "2025-11"}, S).component("duration").value
    assert month == pytest.approx(365 / 365.25 / 5)
    assert tie_strength({"connected_on": "not a date"}, S).s == 0.0


_date = st.one_of(
    st.none(),
    st.dates(dt.date(2000, 1, 1), dt.date(2027, 12, 31)).map(dt.date.isoformat),
    st.sampled_from(["2020-05", "2019", "garbage", ""]),
)
_row = st.fixed_dictionaries(
    {
        "msgs_ab": st.integers(0, 300),
        "msgs_ba": st.integers(0, 300),
        "last_msg": _date,
        "connected_on": _date,
        "first_msg": _date,
        "endorse_ab": st.integers(0, 3),
        "recs_ba": st.integers(0, 2),
        "kinds": st.sampled_from([None, None, "partner"]),
        "strength": st.one_of(st.none(), st.floats(0, 1)),
        "shared_employer": st.booleans(),
        "mails_ab": st.integers(0, 300),
        "mails_ba": st.integers(0, 300),
        "meetings": st.integers(0, 40),
        "first_mail": _date,
        "last_mail": _date,
        "first_meeting": _date,
        "last_meeting": _date,
    }
)
_TALK = (
    "mails_ab",
    "mails_ba",
    "meetings",
    "first_mail",
    "last_mail",
    "first_meeting",
    "last_meeting",
)


def _columns(rows: list[dict]) -> dict:
    """The rows as the array functions take them."""
    return {
        **{k: [r[k] for r in rows] for k in ("msgs_ab", "msgs_ba", "last_msg", "first_msg")},
        **{k: [r[k] for r in rows] for k in ("connected_on", "shared_employer", *_TALK)},
        "endorsements": [r["endorse_ab"] + r["recs_ba"] for r in rows],
    }


@settings(max_examples=60, deadline=None)
@given(st.lists(_row, min_size=1, max_size=30))
def test_bulk_strength_equals_scalar_strength(rows):
    scalar = np.array([tie_strength(r, S).s for r in rows])
    bulk = tie_strength_array(
        S,
        relationship=[r["kinds"] is not None for r in rows],
        given=[r["strength"] for r in rows],
        **_columns(rows),
    )
    np.testing.assert_allclose(bulk, scalar, rtol=0, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(_row, min_size=1, max_size=30))
def test_strength_parts_are_each_components_contribution(rows):
    parts = strength_parts_array(S, **_columns(rows))
    for n, row in enumerate(rows):
        plain = {**row, "kinds": None, "strength": None}  # the parts ignore a given strength
        breakdown = tie_strength(plain, S)
        for part in breakdown.components:
            assert parts[part.name][n] == pytest.approx(part.contribution, abs=1e-12)
        assert min(1.0, sum(p[n] for p in parts.values())) == pytest.approx(breakdown.s, abs=1e-12)


# --- one notion of interaction across LinkedIn messages, e-mails and meetings -------------------


def test_e_mails_and_meetings_are_interactions():
    """Volume counts messages + e-mails + 3 × meetings; reciprocity takes both channels each
    way, a meeting both ways; recency and duration the last and first of any channel."""
    b = tie_strength(
        {
            "msgs_ab": 2,
            "mails_ab": 10,
            "mails_ba": 4,
            "meetings": 3,
            "last_msg": "2025-01-01",
            "last_mail": "2026-09-01",
            "last_meeting": "2026-10-18",
            "first_mail": "2024-11-01",
        },
        S,
    )
    n = 2 + 14 + 3 * 3
    assert b.component("volume").value == pytest.approx(math.log1p(n) / math.log1p(50))
    assert b.component("reciprocity").value == pytest.approx((4 + 3) / (2 + 10 + 3))
    assert b.days_since_last == 14  # the meeting
    assert b.component("duration").value == pytest.approx(2 * 365 / 365.25 / 5)
    assert b.describe() == (
        "strong: 2 messages one way, 14 e-mails both ways, met 3 times, last 2 weeks ago"
    )


def test_describe_reads_like_the_mail_issue():
    b = tie_strength(
        {"mails_ab": 12, "mails_ba": 11, "meetings": 4, "last_meeting": "2026-10-18"}, S
    )
    assert b.describe() == "strong: 23 e-mails both ways, met 4 times, last 2 weeks ago"
    once = tie_strength({"meetings": 1, "last_meeting": "2026-10-31"}, S)
    assert once.describe() == "medium: met once, last yesterday"  # a meeting goes both ways


@settings(max_examples=60, deadline=None)
@given(st.lists(_row, min_size=1, max_size=30))
def test_no_mail_and_no_meetings_score_exactly_as_linkedin_alone(rows):
    """Zero e-mails and meetings (as in every workspace without them) change no bit of s."""
    silent = [{**r, "mails_ab": 0, "mails_ba": 0, "meetings": 0} for r in rows]
    silent = [{**r, **{k: None for k in _TALK[3:]}} for r in silent]
    linkedin_only = {k: v for k, v in _columns(silent).items() if k not in _TALK}
    with_zeros = tie_strength_array(S, **_columns(silent))
    without = tie_strength_array(S, **linkedin_only)
    assert with_zeros.tobytes() == without.tobytes()
    for row in silent:
        plain = {k: v for k, v in row.items() if k not in _TALK}
        assert tie_strength(row, S).s == tie_strength(plain, S).s
        assert tie_strength(row, S).describe() == tie_strength(plain, S).describe()
