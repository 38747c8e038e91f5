"""Tests for graphwarm.workspace.resolve: one stored person per real person, one account per
company."""

from __future__ import annotations

from pathlib import Path

from helpers import CRM, FIXTURES, LINKEDIN, build_team, dump, linkedin_fixture

from graphwarm import Workspace, forget_person, import_accounts, import_linkedin, import_people


def person_ids(ws: Workspace, name: str) -> list[int]:
    return [r[0] for r in ws.conn.execute("SELECT id FROM people WHERE name = ?", (name,))]


def karin_connections(ws: Workspace) -> None:
    import_linkedin(ws, [LINKEDIN / "connections_2023.csv"], member="Karin Lund")


def test_match_on_linkedin_url_first(ws: Workspace) -> None:
    karin_connections(ws)
    r = import_people(ws, CRM / "people_linkedin_url.csv")
    # another company, same profile: the URL decides
    assert len(person_ids(ws, "Åsa Öberg")) == 1
    assert r.merged == 1 and ws.status().merged == 1


def test_match_on_email_case_insensitively(ws: Workspace) -> None:
    karin_connections(ws)
    (mikko,) = person_ids(ws, "Mikko Virtanen")
    r = import_people(ws, CRM / "people_email_match.csv")  # "M. Virtanen", MIKKO.VIRTANEN@...
    assert r.merged == 1
    assert ws.conn.execute("SELECT count(*) FROM people").fetchone()[0] == 5
    (pid,) = ws.conn.execute("SELECT person_id FROM sightings WHERE name = 'M. Virtanen'")
    assert pid == (mikko,)


def test_match_on_name_and_normalised_company(ws: Workspace) -> None:
    karin_connections(ws)  # "Nordvik Transport AB"
    import_people(ws, CRM / "hubspot_contacts.csv")  # "NORDVIK TRANSPORT"
    (asa,) = person_ids(ws, "Åsa Öberg")
    row = ws.conn.execute("SELECT company, url_key FROM people WHERE id = ?", (asa,)).fetchone()
    assert row == ("Nordvik Transport AB", "in/asa-oberg")  # best display form kept
    emails = ws.conn.execute("SELECT email FROM emails WHERE person_id = ?", (asa,)).fetchall()
    assert emails == [("asa.oberg@nordvik.se",)]


def test_same_name_at_another_company_is_another_person(ws: Workspace) -> None:
    karin_connections(ws)
    import_people(ws, CRM / "people_namesake.csv")
    assert len(person_ids(ws, "Åsa Öberg")) == 2


def test_two_linkedin_urls_never_merge(ws: Workspace) -> None:
    karin_connections(ws)
    import_people(ws, CRM / "people_other_url.csv")  # same name and company, other URL
    ids = person_ids(ws, "Åsa Öberg")
    assert len(ids) == 2
    keys = {r[0] for r in ws.conn.execute("SELECT url_key FROM people WHERE name = 'Åsa Öberg'")}
    assert keys == {"in/asa-oberg", "in/asa-oberg-2"}


def test_member_in_a_colleagues_connections_is_that_member(ws: Workspace, make_zip) -> None:
    karin = make_zip(
        {
            "Profile.csv": linkedin_fixture("Profile.csv"),
            "Positions.csv": linkedin_fixture("Positions.csv"),
            "Connections.csv": linkedin_fixture("connections_2023.csv"),
        },
        "karin.zip",
    )
    oskar = make_zip(
        {
            "Profile.csv": linkedin_fixture("Profile_oskar.csv"),
            "Connections.csv": linkedin_fixture("connections_colleague.csv"),
        },
        "oskar.zip",
    )
    import_linkedin(ws, [karin])
    import_linkedin(ws, [oskar])
    assert len(person_ids(ws, "Karin Lund")) == 1
    assert len(person_ids(ws, "Åsa Öberg")) == 1
    (karin_id,) = person_ids(ws, "Karin Lund")
    (oskar_id,) = person_ids(ws, "Oskar Nyberg")
    a, b = sorted((karin_id, oskar_id))
    assert ws.conn.execute("SELECT connected_on FROM ties WHERE a = ? AND b = ?", (a, b)).fetchone()
    assert ws.status().members == ["Karin Lund", "Oskar Nyberg"]


def test_colleagues_connections_first_then_the_member(ws: Workspace, make_zip) -> None:
    oskar = make_zip(
        {
            "Profile.csv": linkedin_fixture("Profile_oskar.csv"),
            "Connections.csv": linkedin_fixture("connections_colleague.csv"),
        },
        "oskar.zip",
    )
    karin = make_zip(
        {
            "Profile.csv": linkedin_fixture("Profile.csv"),
            "Connections.csv": linkedin_fixture("connections_2023.csv"),
            "messages.csv": linkedin_fixture("messages_2023.csv"),
        },
        "karin.zip",
    )
    import_linkedin(ws, [oskar])
    import_linkedin(ws, [karin])  # no Positions.csv: no company, found by name and URL
    ids = person_ids(ws, "Karin Lund")
    assert len(ids) == 1
    row = ws.conn.execute("SELECT is_member, url_key FROM people WHERE id = ?", ids).fetchone()
    assert row == (1, "in/karin-lund")


def test_email_domain_links_a_person_to_the_account(ws: Workspace) -> None:
    import_accounts(ws, CRM / "hubspot_companies.csv")  # nordvik.se
    import_people(ws, CRM / "people_no_company.csv")
    rows = dict(
        ws.conn.execute(
            "SELECT p.name, a.name FROM people p LEFT JOIN accounts a ON a.id = p.account_id"
        )
    )
    assert rows == {"Per Moberg": "Nordvik Transport AB", "Liv Berg": None}  # gmail: no account


def _account_names(ws: Workspace) -> set[tuple[str, str]]:
    return set(
        ws.conn.execute(
            "SELECT p.name, a.name FROM people p JOIN accounts a ON a.id = p.account_id"
        )
    )


def test_alias_table_merges_what_no_rule_can(tmp_path: Path) -> None:
    (tmp_path / "graphwarm.toml").write_text(
        '[aliases]\n"International Business Machines" = ["IBM"]\n', encoding="utf-8"
    )
    with Workspace(tmp_path / "w.db") as ws:
        import_accounts(ws, CRM / "accounts_aliases.csv")
        import_people(ws, CRM / "people_ibm.csv")
        assert _account_names(ws) == {("Nils Ek", "International Business Machines")}
        assert ws.status().accounts == 1


def test_without_the_alias_they_stay_apart(ws: Workspace) -> None:
    import_accounts(ws, CRM / "accounts_aliases.csv")
    import_people(ws, CRM / "people_ibm.csv")
    assert _account_names(ws) == {("Nils Ek", "IBM")}
    assert ws.status().accounts == 2


def test_company_spellings_are_one_account(ws: Workspace) -> None:
    karin_connections(ws)
    import_people(ws, CRM / "hubspot_contacts.csv")
    import_accounts(ws, CRM / "hubspot_companies.csv")
    nordvik = ws.conn.execute(
        "SELECT id, name FROM accounts WHERE key = 'nordvik transport'"
    ).fetchall()
    assert len(nordvik) == 1
    count = ws.conn.execute(
        "SELECT count(*) FROM people WHERE account_id = ?", (nordvik[0][0],)
    ).fetchone()[0]
    assert count == 1  # Åsa, once


def test_fast_path_equals_a_full_refresh(tmp_path) -> None:
    """What imports fold in person by person equals recomputing everyone from sightings."""
    from graphwarm.outputs.demo import build_demo

    ws, _ = build_demo(tmp_path)
    query = "SELECT id, name, url, company, account_id, title, is_member, is_target FROM people"
    before = sorted(ws.conn.execute(query))
    with ws.transaction():
        ws.resolver.refresh_people([row[0] for row in before])
    assert sorted(ws.conn.execute(query)) == before
    ws.close()


def shown(ws: Workspace) -> dict[str, tuple]:
    """name → (company, title, e-mail, is_target) of everyone."""
    rows = ws.conn.execute(
        "SELECT p.name, p.company, p.title, e.email, p.is_target FROM people p"
        " LEFT JOIN emails e ON e.person_id = p.id ORDER BY p.id"
    )
    return {r[0]: r[1:] for r in rows}


def test_contact_with_only_an_email_is_never_matched_by_name(db_path: Path) -> None:
    with Workspace(db_path) as ws:
        import_people(ws, CRM / "people_email_only.csv")
        import_people(ws, CRM / "people_email_only_again.csv")  # seen again, by e-mail
        assert ws.conn.execute("SELECT name_key FROM people").fetchall() == [(None,)]
        import_people(ws, CRM / "people_named_like_an_address.csv")  # "Anna Berg", no more
        assert shown(ws) == {
            "anna.berg@example.com": (None, "Inköpare", "anna.berg@example.com", 0),
            "Anna Berg": (None, None, None, 0),
        }
    with Workspace(db_path) as ws:  # the resolver's indexes read back from the store
        import_people(ws, CRM / "people_named_like_an_address.csv", target=True)
        assert shown(ws)["anna.berg@example.com"][3] == 0
        assert len(shown(ws)) == 2
        forget_person(ws, "Anna Berg")  # a refresh of everyone her rows touched
        assert shown(ws) == {
            "anna.berg@example.com": (None, "Inköpare", "anna.berg@example.com", 0)
        }
        assert ws.conn.execute("SELECT name_key FROM people").fetchall() == [(None,)]


def test_refresh_keeps_no_name_key_for_someone_shown_by_their_address(ws: Workspace) -> None:
    import_people(ws, CRM / "people_email_only.csv")
    (pid,) = person_ids(ws, "anna.berg@example.com")
    with ws.transaction():
        ws.resolver.refresh_people([pid])
    row = ws.conn.execute("SELECT name, name_key FROM people WHERE id = ?", (pid,)).fetchone()
    assert row == ("anna.berg@example.com", None)
    import_people(ws, CRM / "people_named_like_an_address.csv")
    assert len(shown(ws)) == 2


# --- asks outlive a re-import -----------------------------------------------------------------


def test_asks_outlive_a_newer_export_that_drops_their_people(tmp_path: Path) -> None:
    import datetime as dt

    from graphwarm.engine.asks import list_asks, move_ask, record_ask
    from graphwarm.engine.calibrate import observations
    from graphwarm.engine.queries import find_paths
    from graphwarm.workspace.history import undo

    nov = dt.date(2026, 11, 1)
    with Workspace(build_team(tmp_path / "t")) as ws:
        import_linkedin(ws, [FIXTURES / "asks" / "lina_before"])
        first = ws.conn.execute("SELECT max(id) FROM imports").fetchone()[0]
        via_karl = record_ask(ws, "Sofia Wall", via="Karl Berg", on=nov)
        tove = record_ask(ws, "Tove Lund", on=nov)  # direct; Vik Bygg AB is no target account
        move_ask(ws, via_karl.id, "not introduced", on=nov)
        move_ask(ws, tove.id, "meeting", on=nov)
        asks, evidence = list_asks(ws, today=nov), observations(ws)
        assert "Karl Berg" in find_paths(ws, "Sofia Wall", alternatives=10).text()
        next_id = ws.resolver.next_id
        import_linkedin(ws, [FIXTURES / "asks" / "lina_after"])  # Karl and Tove are gone
        assert list_asks(ws, today=nov) == asks  # every name, path, account and outcome
        assert observations(ws) == evidence
        assert asks[1].account == "Vik Bygg AB"
        # a re-import keeps them in the history: retired, out of the graph, ids kept
        kept = ws.conn.execute(
            "SELECT name, company, retired FROM people"
            " WHERE name IN ('Karl Berg', 'Tove Lund') ORDER BY name"
        ).fetchall()
        assert kept == [("Karl Berg", "Nordvik Transport AB", 1), ("Tove Lund", "Vik Bygg AB", 1)]
        assert ws.conn.execute(
            "SELECT count(*) FROM signals s JOIN people p ON p.id IN (s.a, s.b)"
            " WHERE p.name IN ('Karl Berg', 'Tove Lund') AND s.until_import IS NULL"
        ).fetchone() == (0,)
        assert "Karl Berg" not in find_paths(ws, "Sofia Wall", alternatives=10).text()
        assert ws.resolver.next_id == next_id
        # undoing Lina's imports: Karl is back as the team's other files show him; Tove, whom
        # only Lina's exports saw, keeps a row only for her ask, out of the graph
        undo(ws, first, cascade=True)
        assert list_asks(ws, today=nov) == asks
        assert observations(ws) == evidence
        kept = ws.conn.execute(
            "SELECT name, company, account_id, title, is_target, retired FROM people"
            " WHERE name IN ('Karl Berg', 'Tove Lund') ORDER BY name"
        ).fetchall()
        assert kept[0][:2] == ("Karl Berg", "Nordvik Transport AB") and kept[0][5] == 0
        assert kept[1] == ("Tove Lund", None, None, None, 0, 1)


def test_forget_still_finds_and_erases_a_person_kept_for_asks(tmp_path: Path) -> None:
    import datetime as dt

    from graphwarm.engine.asks import list_asks, record_ask

    with Workspace(build_team(tmp_path / "t")) as ws:
        import_linkedin(ws, [FIXTURES / "asks" / "lina_before"])
        record_ask(ws, "Tove Lund", note="met at the fair", on=dt.date(2026, 11, 1))
        import_linkedin(ws, [FIXTURES / "asks" / "lina_after"])
        report = forget_person(ws, "tove@vikbygg.se")  # her e-mail stays with her row
        assert (report.who, report.asks) == ("Tove Lund", 1)
        assert list_asks(ws) == [] and not person_ids(ws, "Tove Lund")
    assert "met at the fair" not in repr(dump(tmp_path / "t" / "w.db"))
