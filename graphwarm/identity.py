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
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from cleanco import basename

__all__ = [
    "FREE_MAIL_DOMAINS",
    "better_display",
    "company_key",
    "domain_key",
    "email_domain",
    "email_key",
    "forget_keys",
    "name_key",
    "record_forget_keys",
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
_PROFILE_PATH = re.compile(r"^/(in|pub)/([^?#]+)")
# Nordic legal forms spelled out, or ones cleanco does not know ("Nordvik Aktiebolag").
_TRAILING_FORM = re.compile(
    r"\s+(?:aktiebolag|aktieselskab|aksjeselskap|allmennaksjeselskap|osakeyhtiö|abp)$",
    re.IGNORECASE,
)


_FAST_URL = re.compile(
    r"^(?:https?://)?(?:[a-z]{2,3}\.|www\.)?linkedin\.com/(in|pub)/([^/?#%\s]+)/?(?:[?#].*)?$",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=65_536)
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
    fast = _FAST_URL.match(text)
    if fast:  # the common shape: no percent-encoding, nothing after the slug but a query
        kind, slug = fast.groups()
        if slug.isascii():
            return f"{kind.lower()}/{slug.lower()}"
        slug = unicodedata.normalize("NFC", slug).casefold().strip()
        return f"{kind.lower()}/{slug}" if slug else None
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
    kind, rest = match.groups()
    segments = [s for s in rest.split("/") if s]
    if not segments:
        return None
    # /in/<slug> names one person; a legacy /pub/<name>/<a>/<b>/<c> needs its numeric tail.
    path = "/".join(segments) if kind == "pub" else segments[0]
    slug = unicodedata.normalize("NFC", unquote(path)).casefold().strip()
    return f"{kind}/{slug}" if slug else None


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


def email_domain(
    email: str | None, public: frozenset[str] | set[str] = FREE_MAIL_DOMAINS
) -> str | None:
    """The company domain of an address; ``None`` for a public mail domain (``public``: the
    settings' ``public_mail_domains``, by default :data:`FREE_MAIL_DOMAINS`)."""
    key = email_key(email)
    if key is None:
        return None
    domain = key.rsplit("@", 1)[1]
    return None if domain in public else domain


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


# Accents that only decorate a letter (é → e) are dropped; the ring and diaeresis that make
# å, ä, ö, ü letters of their own in Nordic names are kept.
_DECORATION = re.compile("[\u0300-\u0307\u0309\u030b-\u036f]")


def _fold(text: str) -> str:
    """Case-fold and drop decorating accents; keep å, ä, ö, ø, æ, ü."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return unicodedata.normalize("NFC", _DECORATION.sub("", decomposed))


@functools.lru_cache(maxsize=65_536)
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
    stripped = text
    while True:  # until nothing more comes off: "Foo AB AB" is "Foo", as its key's key is
        shorter = _TRAILING_FORM.sub("", basename(stripped).strip(" .,;")).strip(" .,;")
        shorter = _LEADING_FORM.sub("", shorter).strip(" .,;") or shorter
        if shorter == stripped or len(shorter) < 2:  # "AB", "Oy": only the legal form left
            break
        stripped = shorter
    folded = _fold(stripped).replace("&", " and ")
    key = _SPACE.sub(" ", _NOT_WORD.sub(" ", folded)).strip()
    return key or None


def _display_rank(text: str) -> tuple[bool, bool, int]:
    """Prefer mixed case over ALL CAPS or all lower case, no stray end punctuation, then the
    fuller form."""
    return (
        not (text.isupper() or text.islower()),
        not text.endswith((".", ",", ";")),
        len(text),
    )


def better_display(current: str | None, candidate: str | None) -> str | None:
    """The better of two spellings of one name, for showing to people.

    >>> better_display("NORDVIK TRANSPORT", "Nordvik Transport AB")
    'Nordvik Transport AB'
    """
    if candidate == current or not candidate:
        return current
    candidate = _SPACE.sub(" ", candidate).strip()
    if not candidate:
        return current
    if not current:
        return candidate
    return candidate if _display_rank(candidate) > _display_rank(current) else current


def forget_keys(
    salt: int,
    *,
    urls: Iterable[str | None] = (),
    emails: Iterable[str | None] = (),
    names: Iterable[tuple[str | None, str | None]] = (),
) -> set[str]:
    """One-way keys that recognise a forgotten person in later imports without keeping who
    they were: salted SHA-256 of each LinkedIn URL key, each e-mail key, and each name at a
    company (``names``: ``(name, company)`` pairs; a name is also kept without a company).

    :func:`record_forget_keys` gives the keys a record is checked by.
    """
    found = {f"url:{k}" for k in map(url_key, urls) if k}
    found |= {f"email:{k}" for k in map(email_key, emails) if k}
    for name, company in names:
        nkey = name_key(name)
        if nkey:
            found |= {f"name:{nkey}@{company_key(company) or ''}", f"name:{nkey}@"}
    return {_hashed(salt, key) for key in found}


def record_forget_keys(
    salt: int, url: str | None, email: str | None, name: str | None, company: str | None
) -> set[str]:
    """The keys by which a record is checked against :func:`forget_keys`, as the resolver
    matches: its URL, its e-mail, and, unless it has a URL (another profile is someone else),
    its name at its company (the same name at another company is someone else too)."""
    ukey, ekey, nkey = url_key(url), email_key(email), name_key(name)
    keys = {f"url:{ukey}"} if ukey else set()
    if ekey:
        keys.add(f"email:{ekey}")
    if nkey and not ukey:
        keys.add(f"name:{nkey}@{company_key(company) or ''}")
    return {_hashed(salt, key) for key in keys}


def _hashed(salt: int, key: str) -> str:
    return hashlib.sha256(f"{salt}:{key}".encode()).hexdigest()
