"""Account plans on a hand-made workspace built through the real importers.

The team: Lina Ahl knows Per Moberg and Karl Berg at Nordvik Transport AB (Per is a friend of
the CFO Sofia Wall) and Jon Rask at Tellus Partners AB (on Øysund's board; four hops from
Storå Kraft AB's COO through Mia Holt and Ola Strand). Ödemark Skog AB names no buyer and no
one there is known. Nordvik also has a buyer whose name and title are an XSS payload.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import build_team

from graphwarm.outputs._plan_model import MAX_TOGETHER
from graphwarm.outputs.plans import (
    TargetPlan,
    TemplateError,
    md_escape,
    plan_accounts,
    plan_file_name,
    render_plan,
    write_plans,
)
from graphwarm.workspace.store import Workspace

XSS = "<img src=x onerror=alert(1)>"
NORDVIK = "Nordvik Transport AB"


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return build_team(tmp_path / "team")


def plans_by_name(db: Path, accounts=None, **kw):
    with Workspace(db) as ws:
        return {p.account: p for p in plan_accounts(ws, accounts, **kw)}


def target(plan, name):
    (hit,) = [t for t in plan.targets if t.name == name]
    return hit


def test_nordvik_plan_asks_backups_owner_and_known_people(team: Path) -> None:
    plan = plans_by_name(team, [NORDVIK])[NORDVIK]
    assert plan.label == "internal" and plan.owner == "Lina Ahl"
    sofia = target(plan, "Sofia Wall")
    assert sofia.label == "internal"
    assert sofia.best is not None and sofia.best.names == ("Lina Ahl", "Per Moberg", "Sofia Wall")
    (ask,) = sofia.best.asks
    assert ask.text.startswith("Lina Ahl asks Per Moberg — a weak tie: connected only")
    assert ask.text.endswith(
        "— to recommend us to Sofia Wall, CFO (they have a strong tie: CRM relationship "
        "(friend), strength 0.90, shared employer)."
    )
    # the backup avoids Per: if he says no, asking him to ask a colleague is no backup
    assert sofia.backups[0].names == ("Lina Ahl", "Karl Berg", "Sofia Wall")
    assert plan.best_probability == pytest.approx(max(t.probability for t in plan.targets))
    assert plan.expected_meetings == pytest.approx(sum(t.probability for t in plan.targets))
    known = {k.name: k for k in plan.known}
    assert set(known) >= {"Per Moberg", "Karl Berg"}
    assert known["Per Moberg"].how.startswith("Lina Ahl (weak: connected only")
    assert not plan.missing


def test_one_conversation_names_a_few_targets_and_counts_the_rest() -> None:
    def plan(n: int) -> TargetPlan:
        names = tuple(f"Buyer {k}" for k in range(n))
        return TargetPlan(1, "T", None, "internal", 0.5, None, (), "", True, together=names)

    assert plan(0).together_text == ""
    assert plan(2).together_text == "Buyer 0, Buyer 1"
    shown = ", ".join(f"Buyer {k}" for k in range(MAX_TOGETHER))
    assert plan(MAX_TOGETHER + 3).together_text == f"{shown} and 3 more"


def test_external_path_and_the_first_ask_of_a_longer_path(team: Path) -> None:
    plan = plans_by_name(team, ["Øysund Industri AS"])["Øysund Industri AS"]
    orjan = target(plan, "Ørjan Ødegård")
    assert orjan.label == "external"
    assert orjan.best.names == ("Lina Ahl", "Jon Rask", "Ørjan Ødegård")
    assert (
        "to recommend us to Ørjan Ødegård, CFO (they have a strong tie" in orjan.best.asks[0].text
    )


def test_near_miss_beyond_max_hops_names_whom_to_ask(team: Path) -> None:
    plan = plans_by_name(team, ["Storå Kraft AB"])["Storå Kraft AB"]
    assert plan.label == "cold" and plan.owner is None and plan.draft is None
    ebba = target(plan, "Ebba Lindgren")
    assert ebba.best is None and ebba.probability == pytest.approx(0.08)
    (missing,) = plan.missing
    assert missing.text.startswith(
        "No one known at Storå Kraft AB: ask Tellus Partners AB's Jon Rask? That path reaches "
        "Ebba Lindgren in 4 hops"
    )
    assert missing.route.names == (
        "Lina Ahl",
        "Jon Rask",
        "Mia Holt",
        "Ola Strand",
        "Ebba Lindgren",
    )
    asks = [a.text for a in missing.route.asks]
    assert asks[0].startswith("Lina Ahl asks Jon Rask") and "to introduce us to Mia Holt" in asks[0]
    assert asks[-1].startswith("Mia Holt asks Ola Strand")


def test_near_miss_below_the_cold_threshold(tmp_path: Path) -> None:
    # a very high margin makes every warm path "not good enough"
    db = build_team(tmp_path / "t", 'as_of = "2026-11-01"\nmargin = 9.0\n')
    plan = plans_by_name(db, [NORDVIK])[NORDVIK]
    assert plan.label == "cold"
    texts = [m.text for m in plan.missing]
    assert any(
        t.startswith("Sofia Wall: the best path (") and "does not beat a cold call" in t
        for t in texts
    )
    assert any("Per Moberg" in t for t in texts)


def test_account_without_a_named_buyer_or_anyone_known(team: Path) -> None:
    plan = plans_by_name(team, ["Ödemark Skog AB"])["Ödemark Skog AB"]
    assert [t.name for t in plan.targets] == ["the buyer at Ödemark Skog AB"]
    texts = [m.text for m in plan.missing]
    assert texts[0].startswith("No buyer is named at Ödemark Skog AB")
    assert texts[1].startswith("No one known at Ödemark Skog AB, not even within 5 hops")


def test_all_accounts_and_unknown_account(team: Path) -> None:
    assert set(plans_by_name(team)) == {
        NORDVIK,
        "Øysund Industri AS",
        "Storå Kraft AB",
        "Ödemark Skog AB",
    }
    from graphwarm.errors import NotFoundError

    with pytest.raises(NotFoundError, match=r"no account called 'Nordvik Transprt AB'.*did you"):
        plans_by_name(team, ["Nordvik Transprt AB"])


# -- the drafted message ----------------------------------------------------------------------


def test_default_draft_asks_per_about_both_buyers(team: Path) -> None:
    draft = plans_by_name(team, [NORDVIK])[NORDVIK].draft
    assert draft is not None and draft.sender == "Lina Ahl" and draft.recipient == "Per Moberg"
    assert draft.text.startswith("Subject: An introduction at Nordvik Transport AB?")
    assert "Hi Per," in draft.text
    assert "Sofia Wall (CFO)" in draft.text and draft.text.rstrip().endswith("Lina Ahl")


def test_a_swedish_template_from_the_settings(tmp_path: Path) -> None:
    db = build_team(tmp_path / "t", 'plan_template = "intro.sv.md.j2"\n')
    bundled = (
        Path(__file__).parents[2] / "graphwarm" / "outputs" / "templates" / "intro_request.sv.md.j2"
    )
    shutil.copy(bundled, tmp_path / "t" / "intro.sv.md.j2")
    draft = plans_by_name(db, [NORDVIK])[NORDVIK].draft
    assert "Hej Per!" in draft.text and "Vänliga hälsningar" in draft.text
    assert draft.template.endswith("intro.sv.md.j2")


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("Hi {{ recipient.first_name }}\n{% if %}\n", 2, "syntax error"),
        ("Hi\n\n{{ recipent.name }}\n", 3, "'recipent' is undefined"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}\n", 1, "unsafe"),
    ],
)
def test_a_bad_template_names_the_file_and_line(
    tmp_path: Path, source: str, line: int, message: str
) -> None:
    db = build_team(tmp_path / "t", 'plan_template = "mine.j2"\n')
    (tmp_path / "t" / "mine.j2").write_text(source, encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        plans_by_name(db, [NORDVIK])
    assert err.value.file.endswith("mine.j2") and err.value.line == line
    assert message in str(err.value)


def test_a_missing_template_is_a_clear_error(tmp_path: Path) -> None:
    db = build_team(tmp_path / "t", 'plan_template = "nowhere.j2"\n')
    with pytest.raises(TemplateError, match=r"nowhere\.j2: introduction template not found"):
        plans_by_name(db, [NORDVIK])


# -- Markdown and HTML ------------------------------------------------------------------------


def test_markdown_reads_well_and_escapes_user_text(team: Path) -> None:
    plan = plans_by_name(team, [NORDVIK])[NORDVIK]
    text = render_plan(plan, "md")
    assert text.startswith("# Account plan: Nordvik Transport AB\n")
    assert "1. Lina Ahl asks Per Moberg — a weak tie" in text
    assert "One conversation with Per Moberg can cover Eve" in text
    assert XSS not in text and "<script>" not in text
    assert "https://" not in text and "](" not in text.replace("\\](", "")
    # every table row keeps its column count despite the | in the name
    for block in re.findall(r"(?:^\|.*\|\n)+", text, flags=re.MULTILINE):
        rows = block.strip("\n").split("\n")
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, rows
    assert "> Hi Per," in text


def test_md_escape() -> None:
    assert md_escape("Ahl-Berg & Co") == "Ahl-Berg & Co"
    assert md_escape("a|b *c* [d](e) <f> `g` &amp;") == (r"a\|b \*c\* \[d\](e) \<f\> \`g\` \&amp;")
    assert md_escape("two\nlines") == "two lines"
    assert md_escape("see https://x.example or www.x.example") == (
        r"see https\://x.example or www\.x.example"
    )


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if not self.in_style:
            self.text.append(data)


def test_html_is_self_contained_printable_and_safe(team: Path, tmp_path: Path) -> None:
    with Workspace(team) as ws:
        (path,) = write_plans(ws, [NORDVIK], tmp_path / "out", "html")
    html = path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    tags = [t for t, _ in page.tags]
    assert "script" not in tags and "img" not in tags and "iframe" not in tags
    assert "link" not in tags  # no stylesheet to fetch
    for _, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on")
            assert "http" not in (value or "") or name == "content"
    assert not re.search(r"https?://", html.replace("https://evil.example/", ""))
    assert "url(" not in html and "@import" not in html
    text = "".join(page.text)
    assert XSS in text  # shown as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "@media print" in html and "default-src 'none'" in html


def test_write_plans_makes_safe_unique_file_names(team: Path, tmp_path: Path) -> None:
    with Workspace(team) as ws:
        paths = write_plans(ws, None, tmp_path / "out", "md")
    assert sorted(p.name for p in paths) == [
        "nordvik-transport-ab.md",
        "odemark-skog-ab.md",
        "oysund-industri-as.md",
        "stora-kraft-ab.md",
    ]
    assert plan_file_name("../../etc/passwd") == "etc-passwd"
    assert plan_file_name("<script>") == "script"
    assert plan_file_name("???") == "account"
    assert plan_file_name("nul") == "account-nul"
