"""Tests for graphwarm.outputs.changes: a week of the invented weekly team, with each kind of
change planted, is reported change by change and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import ANDERS, JONAS, LINA, MAJA, OLLE, Contact, dump

from graphwarm import Workspace, import_linkedin
from graphwarm.engine.queries import reach_targets
from graphwarm.outputs.changes import Change, changes, changes_csv, changes_table, compare
from graphwarm.workspace.imports import import_mail, import_people

KAI = ("Kai Berg", "kai-berg")
KIM = "Kim Wik,Kustbanken AB,CFO\n"
TOVE: Contact = ("Tove Sand", "tove-sand", "Nordmark Energi AB", "Analytiker", "20 Nov 2026")
LARS: Contact = ("Lars Öhman", "lars-ohman", "Granberg Media AB", "Säljare", "01 Mar 2019")
ANDERS_MOVED: Contact = (*ANDERS[:2], "Nordmark Energi AB", "Controller", ANDERS[4])
MAJA_MOVED: Contact = (*MAJA[:2], "Kustbanken AB", "Inköpare", MAJA[4])
# Lina last wrote to Anders on 2026-06-03: 180 days later, 2026-11-30, the tie passes the
# recency half-life, between week 1 (2026-11-24) and as_of (2026-12-01).
TALKS = [("Anders Holm", "anders-holm", "2026-06-03", True)]


def _date(ws: Workspace, day: str) -> None:
    """Date the imports not dated yet (the tests cannot wait a week)."""
    ws.conn.execute(
        "UPDATE imports SET imported_at = ? WHERE imported_at > '2026-12-02'",
        (f"{day}T08:00:00+00:00",),
    )


@pytest.fixture
def week2(weekly_team: Workspace, weekly_export, tmp_path: Path) -> Callable[[], Workspace]:
    """Week 1 of the team (with Kim Wik among the buyers, Lina's messages, and Kai, whose one
    export is from August), then week 2 with a change of each kind."""
    ws = weekly_team
    (tmp_path / "buyers.csv").write_text(
        (tmp_path / "buyers.csv").read_text("utf-8") + KIM, encoding="utf-8"
    )
    import_people(ws, tmp_path / "buyers.csv", target=True)
    import_linkedin(ws, [weekly_export(LINA, [ANDERS, MAJA, JONAS], 1, messages=TALKS)])
    import_linkedin(ws, [weekly_export(KAI, [LARS], 1)])
    ws.conn.execute(
        "UPDATE imports SET imported_at = '2026-08-01T08:00:00+00:00' WHERE id ="
        " (SELECT max(id) FROM imports)"
    )
    _date(ws, "2026-11-24")

    def build() -> Workspace:
        # Anders moves into Nordmark Energi (a target account); Maja, Eva's introducer, leaves
        # it; Tove joins it; Lina no longer knows Jonas, nor Olle Per (both ways to Per
        # Falk); Kim is no longer a buyer.
        lina = [ANDERS_MOVED, MAJA_MOVED, TOVE]
        import_linkedin(ws, [weekly_export(LINA, lina, 2, messages=TALKS)])
        import_linkedin(ws, [weekly_export(OLLE, [MAJA_MOVED], 2)], replace=True)
        (tmp_path / "buyers.csv").write_text(
            (tmp_path / "buyers.csv").read_text("utf-8").replace(KIM, ""), encoding="utf-8"
        )
        import_people(ws, tmp_path / "buyers.csv", target=True)
        _date(ws, "2026-12-01")
        return Workspace(ws.path)  # with the graphwarm.toml beside it: as_of 2026-12-01

    return build


def test_changes_reports_each_planted_change_and_nothing_else(week2) -> None:
    with week2() as ws:
        report = changes(ws)
    got = [(c.kind, c.account, c.who) for c in report.changes]
    assert got == [
        ("moved into a target account", "Nordmark Energi AB", "Anders Holm"),
        ("introducer left", "Nordmark Energi AB", "Maja Lind"),
        ("warm path lost", "Vester Logistik AS", "Per Falk"),
        ("chance up", "Nordmark Energi AB", "Eva Strand"),  # through Anders, the new insider
        ("job change", "Kustbanken AB", "Maja Lind"),
        ("new at a target account", "Nordmark Energi AB", "Tove Sand"),
        ("target gone", "Kustbanken AB", "Kim Wik"),
        ("tie going cold", "Nordmark Energi AB", "Eva Strand"),
        ("stale export", "", "Kai Berg"),
    ]
    by_kind = {c.kind: c for c in report.changes}
    nordmark = by_kind["moved into a target account"].account_id
    assert by_kind["moved into a target account"] == Change(
        "moved into a target account",
        "Nordmark Energi AB",
        "Anders Holm",
        "Kustbanken AB",
        "Nordmark Energi AB",
        nordmark,
    )
    assert by_kind["stale export"].account_id is None
    assert {c.account_id for c in report.changes if c.account == "Nordmark Energi AB"} == {nordmark}
    lost = by_kind["warm path lost"]
    assert (lost.old, lost.new) == ("direct 27 %: Olle Berg → Per Falk", "cold (8 %)")
    up = by_kind["chance up"]
    assert up.old == "internal 20 %: Olle Berg → Maja Lind → Eva Strand"
    assert up.new == "internal 27 %: Lina Ahl → Anders Holm → Eva Strand"
    assert by_kind["introducer left"] == Change(
        "introducer left",
        "Nordmark Energi AB",
        "Maja Lind",
        up.old,
        up.new,
        nordmark,
    )
    assert by_kind["tie going cold"].old == "Lina Ahl – Anders Holm: last interaction 2026-06-03"
    assert by_kind["stale export"].old == "2026-08-01"
    assert by_kind["stale export"].new == "122 days old (by its import)"
    assert report.began == "2026-11-24T08:00:00+00:00"


def test_a_tie_with_a_recent_e_mail_is_not_going_cold(week2, tmp_path: Path) -> None:
    """Lina's last LinkedIn message to Anders passed the half-life, but she e-mailed him last
    week: the tie's last interaction is the e-mail, so it is not going cold."""
    mail = tmp_path / "lina.eml"
    mail.write_text(
        "From: Lina Ahl <lina@example.se>\nTo: Anders Holm <anders@nordmark.se>\n"
        "Date: Sat, 28 Nov 2026 10:00:00 +0100\nMessage-ID: <1@example.se>\n\n",
        encoding="utf-8",
    )
    with week2() as ws:
        import_mail(ws, [mail], member="Lina Ahl", addresses=["lina@example.se"])
        found = changes(ws).changes
    assert [c.kind for c in found if c.who == "Eva Strand"] == ["chance up"]


def test_changes_since_an_import_and_nothing_changed_since_the_last(
    week2, weekly_team: Workspace
) -> None:
    (week1,) = weekly_team.conn.execute("SELECT max(id) FROM imports").fetchone()
    with week2() as ws:
        assert changes(ws, since_import=week1).changes == changes(ws).changes
        (now,) = ws.conn.execute("SELECT max(id) FROM imports").fetchone()
        report = changes(ws, since_import=now)
    assert [c.kind for c in report.changes] == ["stale export"]
    assert changes_table(report).startswith(f"Changes since import {now} (2026-12-01):\n")


def test_changes_reads_the_history_and_changes_nothing(week2) -> None:
    with week2() as ws:
        before = dump(ws.path)
        changes(ws)
        after = dump(ws.path)
    before.pop("graph_cache"), after.pop("graph_cache")  # the current graph, cached
    assert after == before


def test_changes_csv_and_table(week2) -> None:
    with week2() as ws:
        report = changes(ws)
    lines = "".join(changes_csv(report)).splitlines()
    assert lines[0] == "kind,account,who,old,new"
    assert lines[1] == (
        "moved into a target account,Nordmark Energi AB,Anders Holm,Kustbanken AB,"
        "Nordmark Energi AB"
    )
    table = changes_table(report)
    assert (
        "moved into a target account:\n  Anders Holm (Nordmark Energi AB): Kustbanken AB → "
        in table
    )
    # a path has arrows of its own: the table says was and now, never path → path
    assert (
        "introducer left:\n  Maja Lind (Nordmark Energi AB): was internal 20 %: Olle Berg → Maja"
        " Lind → Eva Strand; now internal 27 %: Lina Ahl → Anders Holm → Eva Strand\n" in table
    )
    assert (
        "tie going cold:\n  Eva Strand (Nordmark Energi AB): Lina Ahl – Anders Holm: last"
        " interaction 2026-06-03; on internal 27 %: Lina Ahl → Anders Holm → Eva Strand\n" in table
    )


def test_plans_get_a_since_section_for_an_account_that_changed(week2) -> None:
    from graphwarm.outputs.plans import plan_accounts, render_plan

    with week2() as ws:
        plans = {p.account: p for p in plan_accounts(ws, draft=False)}
    nordmark, vester = plans["Nordmark Energi AB"], plans["Vester Logistik AS"]
    assert nordmark.since == "2026-11-24"
    assert [c.kind for c in nordmark.changes] == [
        "moved into a target account",
        "introducer left",
        "chance up",
        "new at a target account",
        "tie going cold",
    ]
    text = render_plan(nordmark, "md")
    assert (
        "## Since 2026-11-24\n\n- Moved into a target account: Anders Holm: Kustbanken AB → "
        in text
    )
    assert "<h2>Since 2026-11-24</h2>" in render_plan(nordmark, "html")
    assert [c.kind for c in vester.changes] == ["warm path lost"]


def test_plans_without_a_reimport_have_no_since_section(weekly_team: Workspace) -> None:
    from graphwarm.outputs.plans import plan_accounts, render_plan

    plans = plan_accounts(weekly_team, draft=False)
    assert plans and all(p.since is None and not p.changes for p in plans)
    assert "## Since" not in render_plan(plans[0], "md")


def test_no_reimport_no_changes(weekly_team: Workspace) -> None:
    report = changes(weekly_team)
    assert report.changes == [] and report.began is None


def test_an_export_that_no_longer_names_an_employer_is_no_job_change(
    weekly_team: Workspace, weekly_export
) -> None:
    from helpers import WEEK1

    ws = weekly_team
    _date(ws, "2026-11-24")
    unnamed = [(*c[:2], "", "", c[4]) if c[0] == JONAS[0] else c for c in WEEK1]
    assert unnamed != WEEK1  # Jonas is in week 1, at Vester Logistik AS
    import_linkedin(ws, [weekly_export(LINA, unnamed, 2)])
    _date(ws, "2026-12-01")
    with Workspace(ws.path) as again:
        report = changes(again)
    assert not [c for c in report.changes if c.who == JONAS[0] and "job" in c.kind]
    assert not [c for c in report.changes if c.kind == "moved into a target account"]


def test_members_with_no_export_yet(week2, tmp_path: Path) -> None:
    """The roster names Zoé, whom nothing else knows, and Kai, whose export is stale; Bo is a
    member by his mailbox alone."""
    toml = tmp_path / "graphwarm.toml"
    roster = '\n[team]\nmembers = ["Kai Berg", "LINA AHL", "Zoe Ek"]\n'
    toml.write_text(toml.read_text("utf-8") + roster, encoding="utf-8")
    mail = tmp_path / "bo.eml"
    mail.write_text(
        "From: Bo Lind <bo@example.se>\nTo: Anders Holm <anders@nordmark.se>\n"
        "Date: Sat, 28 Nov 2026 10:00:00 +0100\nMessage-ID: <2@example.se>\n\n",
        encoding="utf-8",
    )
    with week2() as ws:
        import_mail(ws, [mail], member="Bo Lind", addresses=["bo@example.se"])
        report = changes(
            ws, since_import=ws.conn.execute("SELECT max(id) FROM imports").fetchone()[0]
        )
    assert [(c.kind, c.who, c.old, c.new) for c in report.changes] == [
        ("stale export", "Kai Berg", "2026-08-01", "122 days old (by its import)"),
        ("no export yet", "Bo Lind", "", "known from mail"),
        (
            "no export yet",
            "Zoe Ek",
            "",
            "only on the team roster in graphwarm.toml, nothing imported",
        ),
    ]
    table = changes_table(report)
    assert "no export yet:\n  Bo Lind: known from mail\n  Zoe Ek: only on the team" in table
    assert list(changes_csv(report))[-1] == (
        'no export yet,,Zoe Ek,,"only on the team roster in graphwarm.toml, nothing imported"\n'
    )


@pytest.mark.parametrize(
    ("kind", "old", "new", "text"),
    [
        (
            "chance down",
            "internal 53 %: A → B → C",
            "internal 21 %: A → D → C",
            "was internal 53 %: A → B → C; now internal 21 %: A → D → C",
        ),
        ("warm path gained", "", "internal 34 %: A → B → C", "now internal 34 %: A → B → C"),
        ("target gone", "direct 40 %: A → C", "", "was direct 40 %: A → C"),
        ("job change", "Nordvik AB", "Havsbris AB", "Nordvik AB → Havsbris AB"),
        ("new at a target account", "", "Sjövall AB", "Sjövall AB"),
    ],
)
def test_a_change_in_words(kind: str, old: str, new: str, text: str) -> None:
    # a target new since (no path before) reads "now …", not "was ; now …"
    assert Change(kind, "Sjövall AB", "Kalle Nyman", old, new).text == text


def test_compare_with_the_callers_current_search_is_the_same(week2) -> None:
    """The map hands compare() its own search of the current state: the comparison is the
    one compare() makes itself."""

    def fields(found: dict) -> dict:
        return {t: (r.label, round(r.probability, 12), tuple(r.path)) for t, r in found.items()}

    with week2() as ws:
        own = compare(ws)
        result = reach_targets(ws)
        shared = compare(ws, current=(result.graph, result.targets))
    assert fields(shared.now) == fields(own.now) and fields(shared.then) == fields(own.then)
    assert shared.state.rows == own.state.rows and len(own.now) == 2 and len(own.then) == 3
