"""Tests for graphwarm.identity: the keys that decide when two records are one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphwarm.identity import (
    better_display,
    company_key,
    domain_key,
    email_domain,
    email_key,
    forget_keys,
    name_key,
    record_forget_keys,
    url_key,
)

# --- url_key ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/asa-oberg",
        "http://www.linkedin.com/in/asa-oberg",
        "www.linkedin.com/in/asa-oberg",  # endorsement files: no scheme
        "linkedin.com/in/asa-oberg",
        "https://se.linkedin.com/in/asa-oberg",  # country sub-domain
        "https://www.linkedin.com/in/Asa-Oberg",  # case
        "https://WWW.LINKEDIN.COM/in/ASA-OBERG",
        "https://www.linkedin.com/in/asa-oberg/",  # trailing slash
        "https://www.linkedin.com/in/asa-oberg?trk=people-guest",  # query
        "https://www.linkedin.com/in/asa-oberg/?originalSubdomain=se#top",
        "  https://www.linkedin.com/in/asa-oberg  ",
    ],
)
def test_url_key_ignores_presentation(url: str) -> None:
    assert url_key(url) == "in/asa-oberg"


def test_url_key_decodes_percent_encoding() -> None:
    encoded = "https://www.linkedin.com/in/j%C3%B6rg-m%C3%BCller"
    assert url_key(encoded) == url_key("www.linkedin.com/in/Jörg-Müller") == "in/jörg-müller"


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "   ",
        "https://www.example.com/in/asa-oberg",  # not LinkedIn
        "https://notlinkedin.com/in/asa-oberg",
        "https://www.linkedin.com/company/nordvik-transport",  # not a person
        "https://www.linkedin.com/in/",
        "Åsa Öberg",
    ],
)
def test_url_key_none_for_non_profiles(url: str | None) -> None:
    assert url_key(url) is None


def test_url_key_keeps_different_slugs_apart() -> None:
    assert url_key("linkedin.com/in/asa-oberg") != url_key("linkedin.com/in/asa-oberg-1")


def test_url_key_keeps_legacy_pub_urls_apart() -> None:
    # Old /pub/ URLs need their numeric tail: two Åsa Öbergs share the name part.
    one = url_key("https://www.linkedin.com/pub/asa-oberg/12/345/678")
    two = url_key("https://www.linkedin.com/pub/asa-oberg/98/765/432")
    assert one and two and one != two
    assert url_key("http://linkedin.com/pub/Asa-Oberg/12/345/678/") == one


# --- email_key, email_domain, domain_key ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "asa.oberg@nordvik.se",
        "Asa.Oberg@Nordvik.SE",
        "  asa.oberg@nordvik.se ",
        "<asa.oberg@nordvik.se>",
        "mailto:asa.oberg@nordvik.se",
    ],
)
def test_email_key_normalises(text: str) -> None:
    assert email_key(text) == "asa.oberg@nordvik.se"


@pytest.mark.parametrize("text", [None, "", "asa", "asa@nordvik", "@nordvik.se", "å sa@x.se"])
def test_email_key_none_for_non_addresses(text: str | None) -> None:
    assert email_key(text) is None


def test_email_domain_skips_free_mail() -> None:
    assert email_domain("Asa@Nordvik.se") == "nordvik.se"
    assert email_domain("asa.oberg@gmail.com") is None
    assert email_domain("asa@hotmail.se") is None
    assert email_domain("not an address") is None


@pytest.mark.parametrize(
    "text", ["nordvik.se", "www.nordvik.se", "https://www.Nordvik.se/about", "NORDVIK.SE "]
)
def test_domain_key(text: str) -> None:
    assert domain_key(text) == "nordvik.se"


@pytest.mark.parametrize("text", [None, "", "nordvik"])
def test_domain_key_none(text: str | None) -> None:
    assert domain_key(text) is None


def test_name_key() -> None:
    assert name_key("Åsa  Öberg-Lind") == name_key("ÅSA ÖBERG LIND") == "åsa öberg lind"
    assert name_key("José Núñez") == "jose nunez"  # decoration goes, Nordic letters stay
    assert name_key("Åsa") != name_key("Asa")
    assert name_key("") is None and name_key(" - ") is None


# --- company_key -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "names",
    [
        [
            "NORDVIK Transport",
            "Nordvik Transport AB",
            "nordvik transport ab.",
            "Nordvik  Transport",
        ],
        ["Nordvik Transport AB (publ)", "Nordvik Transport Aktiebolag", "AB Nordvik Transport"],
        ["Fjordstrand Sjømat AS", "Fjordstrand Sjømat ASA", "FJORDSTRAND SJØMAT"],  # Norway
        ["Koskimaa Kuljetus Oy", "Koskimaa Kuljetus Oyj", "Oy Koskimaa Kuljetus Ab"],  # Finland
        ["Lynghøj Byg ApS", "Lynghøj Byg A/S", "Lynghøj Byg"],  # Denmark
        ["Förde Logistik GmbH", "Förde Logistik AG", "Förde Logistik GmbH & Co. KG"],  # Germany
        ["Tellus Partners Ltd", "Tellus Partners Limited", "Tellus Partners plc"],  # UK
        ["Tellus Partners Inc.", "Tellus Partners, Inc.", "Tellus Partners LLC"],  # US
        ["Tellus Partners Corp", "Tellus Partners Corporation"],
        ["Procter & Gamble", "Procter and Gamble", "PROCTER & GAMBLE"],
        ["Nordvik-Transport", "Nordvik Transport", "Nordvik, Transport."],
    ],
)
def test_company_key_merges_spellings(names: list[str]) -> None:
    keys = {company_key(n) for n in names}
    assert len(keys) == 1, dict(zip(names, map(company_key, names), strict=True))
    assert None not in keys


def test_company_key_values() -> None:
    assert company_key("Nordvik Transport AB") == "nordvik transport"
    assert company_key("Förde Logistik GmbH") == "förde logistik"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Acme Group", "Acme"),
        ("Acme Holding", "Acme"),
        ("Nordvik Transport", "Nordvik Logistik"),
        ("Malmö Trä AB", "Malmo Tra AB"),  # Nordic letters are different letters
        ("Havndal Marine AS", "Havndal AS"),
    ],
)
def test_company_key_is_conservative(one: str, other: str) -> None:
    assert company_key(one) != company_key(other)


@pytest.mark.parametrize("text", [None, "", "   ", " .,; "])
def test_company_key_none_for_empty(text: str | None) -> None:
    assert company_key(text) is None


def test_company_key_keeps_a_bare_legal_form() -> None:
    # "AB" alone must not become an empty key that every blank company would share.
    assert company_key("AB") == "ab"


_LETTERS = "abcdefghijklmnopqrstuvwxyzåäöøæüABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖØÆÜ"
_word = st.text(alphabet=_LETTERS, min_size=2, max_size=10)
_suffix = st.sampled_from(["", " AB", " AS", " Oy", " A/S", " GmbH", " Ltd", " Inc.", " ab."])
_company = st.builds(
    lambda words, suffix: " ".join(words) + suffix,
    st.lists(_word, min_size=1, max_size=3),
    _suffix,
)


@given(_company, st.sampled_from(["", " ", "  ", "\t", "\u00a0"]))
def test_company_key_stable_under_case_and_padding(name: str, pad: str) -> None:
    key = company_key(name)
    assert key is not None
    assert company_key(name.upper()) == key
    assert company_key(name.lower()) == key
    assert company_key(f"{pad}{name}{pad}") == key


def test_a_repeated_legal_form_comes_off_whole() -> None:
    # found by the property below: each key used to lose one more "AB"
    assert company_key("AA AB AB AB") == company_key("aa") == "aa"
    assert company_key("Nordvik Transport AB AB") == company_key("Nordvik Transport")


@given(_company)
def test_company_key_of_a_key_is_stable(name: str) -> None:
    key = company_key(name)
    assert key is not None
    assert company_key(company_key(key)) == company_key(key)


# --- better_display -------------------------------------------------------------------------------


def test_better_display_prefers_mixed_case() -> None:
    assert better_display("NORDVIK TRANSPORT", "Nordvik Transport") == "Nordvik Transport"
    assert better_display("Nordvik Transport", "nordvik transport") == "Nordvik Transport"


def test_better_display_prefers_the_fuller_form() -> None:
    assert better_display("Nordvik Transport", "Nordvik Transport AB") == "Nordvik Transport AB"
    assert better_display("Nordvik Transport AB", "Nordvik Transport") == "Nordvik Transport AB"


def test_better_display_empty_values() -> None:
    assert better_display(None, "  Åsa   Öberg ") == "Åsa Öberg"
    assert better_display("Åsa Öberg", None) == "Åsa Öberg"
    assert better_display("Åsa Öberg", "   ") == "Åsa Öberg"
    assert better_display(None, None) is None


def test_url_key_of_a_non_ascii_slug_is_that_of_its_percent_encoding() -> None:
    from graphwarm.identity import url_key

    plain = url_key("https://www.linkedin.com/in/Jörg-Müller/?trk=x")
    encoded = url_key("https://www.linkedin.com/in/J%C3%B6rg-M%C3%BCller")
    decomposed = url_key("linkedin.com/in/Jo\u0308rg-Mu\u0308ller")
    assert plain == encoded == decomposed == "in/jörg-müller"


# --- forget keys -----------------------------------------------------------------------------

ASA = forget_keys(
    7,
    urls=["https://www.linkedin.com/in/asa-oberg/"],
    emails=["Asa.Oberg@Nordvik.se"],
    names=[("Åsa Öberg", "Nordvik Transport AB")],
)


@pytest.mark.parametrize(
    ("url", "email", "name", "company", "forgotten"),
    [
        ("linkedin.com/in/ASA-OBERG", None, "A. Öberg", None, True),  # her profile
        (None, "asa.oberg@nordvik.se", "Åsa", "Elsewhere AB", True),  # her e-mail
        (None, None, "ÅSA  ÖBERG", "NORDVIK TRANSPORT", True),  # her name at her company
        (None, None, "Åsa Öberg", None, True),  # a name without a company
        ("https://www.linkedin.com/in/asa-oberg-2", None, "Åsa Öberg", "Nordvik", False),
        (None, None, "Åsa Öberg", "Havndal Marine AS", False),  # a namesake elsewhere
        (None, None, None, None, False),
    ],
)
def test_record_forget_keys_find_the_forgotten_person_as_the_resolver_would(
    url, email, name, company, forgotten
):
    keys = record_forget_keys(7, url, email, name, company)
    assert (not ASA.isdisjoint(keys)) is forgotten


def test_forget_keys_are_salted_one_way_hashes():
    other = forget_keys(8, urls=["https://www.linkedin.com/in/asa-oberg/"])
    assert other.isdisjoint(ASA)
    assert all(len(k) == 64 and "oberg" not in k for k in ASA)
