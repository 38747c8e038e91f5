"""Normalised keys that decide when two records are the same person or the same account.

Every importer reduces what it reads to these keys; the resolver matches on them. Matching is
conservative on purpose: a false merge sends a rep to the wrong company, a missed one only
leaves a duplicate.

>>> url_key("https://www.linkedin.com/in/J%C3%B6rg-M%C3%BCller/?trk=x")
'in/jörg-müller'
>>> company_key("NORDVIK Transport AB.") == company_key("nordvik transport")
True
"""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from cleanco import basename

__all__ = [
    "FREE_MAIL_DOMAINS",
    "better_display",
    "company_key",
    "domain_key",
    "email_domain",
    "email_key",
    "name_key",
    "url_key",
]

FREE_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.se",
        "hotmail.no",
        "hotmail.dk",
        "outlook.com",
        "outlook.se",
        "live.com",
        "live.se",
        "msn.com",
        "yahoo.com",
        "yahoo.se",
        "yahoo.no",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "proton.me",
        "protonmail.com",
        "telia.com",
        "bredband.net",
        "spray.se",
        "online.no",
        "live.no",
        "jubii.dk",
        "mail.dk",
    ]
)

_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]")
_PUBL = re.compile(r"\(\s*publ\s*\)", re.IGNORECASE)
# Legal forms that stand before the name in Nordic usage ("Oy Karl Fazer Ab", "AB Volvo").
_LEADING_FORM = re.compile(r"^(?:oy|oyj|ab|aktiebolaget|as|a/s)\s+(?=\S)", re.IGNORECASE)
_PROFILE_PATH = re.compile(r"^/(in|pub)/([^/?#]+)")


def url_key(url: str | None) -> str | None:
    """The LinkedIn profile a URL points to, as ``in/<slug>``; ``None`` for anything else.

    Scheme, ``www.`` or country sub-domain, case, percent-encoding, trailing slash, query and
    fragment are ignored.
    """
    if not url:
        return None
    text = url.strip()
    if not text:
        return None
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if host != "linkedin.com" and not host.endswith(".linkedin.com"):
        return None
    match = _PROFILE_PATH.match(parts.path)
    if not match:
        return None
    slug = unicodedata.normalize("NFC", unquote(match.group(2))).casefold().strip()
    return f"{match.group(1)}/{slug}" if slug else None


def email_key(email: str | None) -> str | None:
    """A lower-cased address, or ``None`` when the text is not one."""
    if not email:
        return None
    text = email.strip().strip("<>").strip().lower()
    if text.startswith("mailto:"):
        text = text[7:]
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or " " in text:
        return None
    return text


def email_domain(email: str | None) -> str | None:
    """The company domain of an address; ``None`` for free-mail providers."""
    key = email_key(email)
    if key is None:
        return None
    domain = key.rsplit("@", 1)[1]
    return None if domain in FREE_MAIL_DOMAINS else domain


def domain_key(domain: str | None) -> str | None:
    """``https://www.Nordvik.se/about`` → ``nordvik.se``."""
    if not domain:
        return None
    text = domain.strip().lower()
    if not text:
        return None
    if "://" not in text:
        text = "http://" + text
    host = (urlsplit(text).hostname or "").removeprefix("www.")
    return host if "." in host else None


def _fold(text: str) -> str:
    """Case-fold and drop accents that only decorate a letter (é → e); keep å, ä, ö, ø, æ."""
    text = unicodedata.normalize("NFC", text).casefold()
    out = []
    for char in text:
        if char in "åäöøæü":
            out.append(char)
            continue
        decomposed = unicodedata.normalize("NFD", char)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


def name_key(name: str | None) -> str | None:
    """A person's name for matching: folded case, no punctuation, single spaces."""
    if not name:
        return None
    text = _SPACE.sub(" ", _NOT_WORD.sub(" ", _fold(name))).strip()
    return text or None


@functools.lru_cache(maxsize=200_000)
def company_key(name: str | None) -> str | None:
    """An organisation's name without case, punctuation or legal form.

    ``Nordvik Transport AB``, ``NORDVIK Transport`` and ``nordvik transport ab.`` share one key;
    ``Procter & Gamble`` and ``Procter and Gamble`` too.
    """
    if not name:
        return None
    text = _SPACE.sub(" ", _PUBL.sub(" ", name.replace("\u00a0", " "))).strip(" .,;")
    if not text:
        return None
    stripped = basename(text).strip(" .,;")
    stripped = _LEADING_FORM.sub("", stripped).strip(" .,;") or stripped
    if len(stripped) < 2:  # "AB", "Oy": nothing left but the legal form
        stripped = text
    folded = _fold(stripped).replace("&", " and ")
    key = _SPACE.sub(" ", _NOT_WORD.sub(" ", folded)).strip()
    return key or None


def _display_rank(text: str) -> tuple[int, int]:
    """Prefer mixed case over ALL CAPS or all lower case, then the fuller form."""
    letters = [c for c in text if c.isalpha()]
    mixed = bool(letters) and not (text.isupper() or text.islower())
    return (1 if mixed else 0, len(text.strip()))


def better_display(current: str | None, candidate: str | None) -> str | None:
    """The better of two spellings of one name, for showing to people.

    >>> better_display("NORDVIK TRANSPORT", "Nordvik Transport AB")
    'Nordvik Transport AB'
    """
    candidate = _SPACE.sub(" ", candidate).strip() if candidate else None
    if not candidate:
        return current
    if not current:
        return candidate
    return candidate if _display_rank(candidate) > _display_rank(current) else current
