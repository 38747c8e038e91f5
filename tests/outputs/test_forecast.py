"""The forecast: numbers by label, the cold comparison, per-member asks, introducer load and
the load-spreading assignment (checked against brute force)."""

from __future__ import annotations

import itertools
import random

import pytest

from graphwarm.engine.graph import graph_from_lists
from graphwarm.engine.reach import reach
from graphwarm.outputs.forecast import assign_asks, forecast_from_reach
from graphwarm.settings import Settings


def brute_force(options, capacity, fallback, topics):
    """The best total over every choice, at most ``capacity`` topics (conversations) a key."""
    best = -1.0
    for choice in itertools.product(*[range(-1, len(o)) for o in options]):
        talks: dict = {}
        for i, c in enumerate(choice):
            key = options[i][c][0] if c >= 0 else None
            if key is not None:
                talks.setdefault(key, set()).add(topics[i])
        if any(len(t) > capacity for t in talks.values()):
            continue
        total = sum(options[i][c][1] if c >= 0 else fallback[i] for i, c in enumerate(choice))
        best = max(best, total)
    return best


@pytest.mark.parametrize("seed", range(100))
def test_assignment_is_optimal_against_brute_force(seed: int) -> None:
    # the first 60 seeds: each target its own conversation; then two accounts, so targets at
    # one account through one introducer share a conversation
    rng = random.Random(seed)
    n = rng.randint(1, 6)
    keys = ["per", "ulf", "jon", None][: rng.randint(1, 4)]
    options = []
    for _ in range(n):
        picked = rng.sample(keys, rng.randint(0, len(keys)))
        opts = [(k, round(rng.uniform(0.05, 0.9), 2)) for k in picked]
        opts.sort(key=lambda o: -o[1])
        options.append(opts)
    fallback = [0.08] * n
    capacity = rng.randint(0, 3)
    topics = [rng.choice("AB") for _ in range(n)] if seed >= 60 else None
    choice, total = assign_asks(options, capacity, fallback, topics)
    topics = topics or list(range(n))
    assert total == pytest.approx(brute_force(options, capacity, fallback, topics))
    talks: dict = {}
    for i, c in enumerate(choice):
        if c >= 0 and options[i][c][0] is not None:
            talks.setdefault(options[i][c][0], set()).add(topics[i])
    assert all(len(t) <= capacity for t in talks.values())
    assert total == pytest.approx(
        sum(options[i][c][1] if c >= 0 else fallback[i] for i, c in enumerate(choice))
    )


def test_assignment_keeps_best_paths_among_equal_totals() -> None:
    options = [[("per", 0.3), ("ulf", 0.3)], [("per", 0.3), ("ulf", 0.3)]]
    choice, total = assign_asks(options, 2, [0.08, 0.08])
    assert choice == [0, 0] and total == pytest.approx(0.6)
    assert assign_asks([], 3, []) == ([], 0.0)


# Lina (member) knows Per (Tellus, an outsider) who is tied to the CFO of four accounts;
# Lina also knows Ulf, an insider of account D, and she knows the CFO of E herself.
ACCOUNTS = ["A AB", "B AB", "C AB", "D AB", "E AB", "F AB"]


def network(max_asks: int = 3, more_people: tuple = (), more_ties: tuple = (), more_accounts=()):
    people = [
        {"id": 1, "name": "Lina Ahl", "company": "Seller AB", "member": True},
        {"id": 2, "name": "Per Moberg", "company": "Tellus AB"},
        {"id": 3, "name": "Ulf Berg", "company": "D AB"},
    ]
    ties = [(1, 2, 0.9), (1, 3, 0.05)]
    for k, account in enumerate(ACCOUNTS[:5]):
        pid = 10 + k
        people.append({"id": pid, "name": f"CFO {account}", "company": account, "title": "CFO"})
        if k < 4:
            ties.append((2, pid, 0.6 + 0.1 * k if k < 3 else 0.3))
    ties.append((1, 14, 0.8))  # Lina knows E's CFO: direct
    people.append({"id": 20, "name": "CFO F AB", "company": "F AB", "title": "CFO"})  # cold
    people += more_people
    ties += more_ties
    settings = Settings(max_asks_per_introducer=max_asks)
    accounts = [*ACCOUNTS, *more_accounts]
    rg = graph_from_lists(people, ties, target_accounts=accounts, settings=settings)
    return rg, settings


def test_forecast_numbers_load_and_spreading() -> None:
    rg, settings = network()
    targets = reach(rg, settings)
    fc = forecast_from_reach(rg, settings, targets)
    counts = {line.label: line.targets for line in fc.by_label}
    assert counts == {"direct": 1, "internal": 0, "external": 4, "cold": 1}
    assert fc.targets == 6
    assert fc.expected_meetings == pytest.approx(sum(t.probability for t in targets))
    assert fc.all_cold_meetings == pytest.approx(6 * 0.08) and fc.all_cold_dials == 6
    assert fc.dials_to_match == -(-fc.expected_meetings // 0.08)
    # Per carries four asks at four accounts: four conversations, one more than allowed
    (over,) = fc.overloaded
    assert over.introducer == "Per Moberg" and (over.asks, over.conversations) == (4, 4)
    assert fc.warnings[0] == (
        "Per Moberg: 4 conversations about CFO A AB at A AB; about CFO B AB at B AB; about "
        "CFO C AB at C AB; about CFO D AB at D AB (more than 3)"
    )
    # the weakest of Per's asks moves: D's CFO goes through Ulf (an insider) instead
    (move,) = fc.moves
    assert move.target == "CFO D AB" and move.before.introducer == "Per Moberg"
    assert move.after.path == ("Lina Ahl", "Ulf Berg", "CFO D AB") and move.after.moved
    assert fc.spread_meetings == pytest.approx(fc.expected_meetings - move.loss)
    # the per-member view follows the spread plan
    (lina,) = fc.members
    assert lina.member == "Lina Ahl" and lina.asks == 5
    assert dict(lina.to_whom) == {"Per Moberg": 3, "Ulf Berg": 1, "CFO E AB": 1}
    cold = [a for a in fc.spread if a.label == "cold"]
    assert [a.target for a in cold] == ["CFO F AB"] and cold[0].member is None


def test_load_counts_conversations_not_targets() -> None:
    # two buyers at G AB whom Per knows well: six targets of Per's, five conversations
    people = tuple(
        {"id": 30 + k, "name": f"{title} G AB", "company": "G AB", "title": title}
        for k, title in enumerate(("CEO", "CFO"))
    )
    rg, settings = network(5, people, ((2, 30, 0.95), (2, 31, 0.95)), ["G AB"])
    fc = forecast_from_reach(rg, settings, reach(rg, settings))
    per = next(i for i in fc.introducers if i.introducer == "Per Moberg")
    assert (per.asks, per.conversations, per.over) == (6, 5, False)
    assert per.accounts[0] == ("G AB", ("CEO G AB", "CFO G AB"))
    assert per.text().startswith("Per Moberg: 5 conversations about 2 targets at G AB; about ")
    assert not fc.moves  # counted per target, six asks would be over the limit of five


def test_spreading_is_optional_and_not_needed_under_the_limit() -> None:
    rg, settings = network(max_asks=4)
    fc = forecast_from_reach(rg, settings, reach(rg, settings))
    assert not fc.overloaded and not fc.moves and fc.spread == fc.asks
    rg, settings = network()
    fc = forecast_from_reach(rg, settings, reach(rg, settings), spread=False)
    assert fc.overloaded and not fc.moves and fc.spread_meetings == fc.expected_meetings
    assert fc.to_dict()["overloaded"][0]["introducer"] == "Per Moberg"


# --- asks: closed targets left out, open asks as the pipeline -------------------------------------


def test_the_forecast_leaves_out_closed_asks_and_shows_the_open_ones(tmp_path) -> None:
    import datetime as dt
    import json

    from helpers import FIXTURES, build_team

    from graphwarm.engine.asks import move_ask, record_ask
    from graphwarm.engine.outcomes import import_outcomes
    from graphwarm.outputs.forecast import forecast
    from graphwarm.workspace.store import Workspace

    with Workspace(build_team(tmp_path / "team")) as ws:
        before = forecast(ws)
        assert before.targets == 5 and before.pipeline == [] and before.closed_targets == 0
        # Sofia: meeting; Ebba: no answer; Ødemark's buyer: planned; Ørjan: not introduced
        import_outcomes(ws, FIXTURES / "asks" / "outcomes_filled.csv")
        eve = record_ask(ws, "eve@nordvik.se", on=dt.date(2026, 11, 1))
        move_ask(ws, eve.id, "introduced", on=dt.date(2026, 11, 2))
        result = forecast(ws)
        assert result.closed_targets == 3 and result.targets == 2
        assert sorted(a.target for a in result.pipeline) == [
            "Eve <img src=x onerror=alert(1)> | [x](https://evil.example/)",
            "the buyer at Ödemark Skog AB",
        ]
        introduced = next(a for a in result.pipeline if a.status == "introduced")
        planned = next(a for a in result.pipeline if a.status == "planned")
        assert result.pipeline_meetings == pytest.approx(
            introduced.p_meeting_if_intro + planned.probability
        )
        data = json.loads(json.dumps(result.to_dict()))
        assert len(data["pipeline"]) == 2 and data["closed_targets"] == 3


# --- the interval ---------------------------------------------------------------------------------


def _asks(chances: list[float], introducers: list[int | None], accounts: list[str]) -> list:
    from graphwarm.outputs.forecast import Ask

    return [
        Ask(None, None, f"T{i}", None, a, "external", p, introducer_id=who, target_id=i + 1)
        for i, (p, who, a) in enumerate(zip(chances, introducers, accounts, strict=True))
    ]


def test_independent_asks_scatter_like_a_binomial() -> None:
    from scipy.stats import binom

    from graphwarm.outputs.forecast import simulate_meetings

    asks = _asks([0.5] * 20, list(range(20)), [f"A{i}" for i in range(20)])
    r = simulate_meetings(asks, 20_000, 0.5, seed=1)  # each ask its own introducer
    assert (r.meetings_low, r.meetings_high) == (binom.ppf(0.1, 20, 0.5), binom.ppf(0.9, 20, 0.5))
    assert (r.accounts_low, r.accounts_high) == (r.meetings_low, r.meetings_high)
    assert r.accounts_expected == pytest.approx(10, abs=0.1)  # the mean stays Σ P
    assert simulate_meetings(asks, 500, 0.5, seed=3) == simulate_meetings(asks, 500, 0.5, seed=3)


def test_one_introducers_asks_rise_and_fall_together() -> None:
    from graphwarm.outputs.forecast import simulate_meetings

    one = _asks([0.3] * 10, [7] * 10, ["Lysdal Kraft AS"] * 5 + ["Vik Bygg AB"] * 5)
    together = simulate_meetings(one, 5_000, 1.0, seed=1)
    assert (together.meetings_low, together.meetings_high) == (0, 10)  # all or none
    assert (together.accounts_low, together.accounts_high) == (0, 2)
    apart = simulate_meetings(one, 5_000, 0.0, seed=1)
    assert apart.meetings_low > 0 and apart.meetings_high < 10
    assert apart.accounts_expected == pytest.approx(2 * (1 - 0.7**5), abs=0.03)
    # direct asks and cold calls (no introducer) are drawn alone, whatever the correlation
    alone = simulate_meetings(_asks([0.3] * 10, [None] * 10, ["X"] * 10), 5_000, 1.0, seed=1)
    assert (alone.meetings_low, alone.meetings_high) == (apart.meetings_low, apart.meetings_high)
    assert simulate_meetings([], 100, 0.5).meetings_high == 0
