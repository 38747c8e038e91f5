"""How every reader compares a file's column headers: one normal form for all of them.

``First Name``, ``FirstName``, ``first_name``, ``FIRST NAME`` and ``First-Name`` are one
header; so are ``Företagsnamn`` and ``Foretagsnamn``, or ``Prénom`` and ``Prenom`` (exports
re-saved without accents), and a Salesforce custom field's API name is its label
(``Company__c`` is ``Company``). The CRM readers (:mod:`graphwarm.sources.crm`) and the LinkedIn
export (:mod:`graphwarm.sources.linkedin_export`) both use it, so a header one of them
recognises the other recognises too.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["norm_header", "one_name_column"]

_NOT_ALNUM = re.compile(r"[\W_]+")


def norm_header(header: str) -> str:
    """A header without case, accents, spaces or punctuation.

    >>> norm_header("E-mail Address"), norm_header("Företagsnamn"), norm_header("Company__c")
    ('emailaddress', 'foretagsnamn', 'company')
    """
    text = header.strip().casefold().removesuffix("__c")
    if not text.isascii():  # é → e + a combining accent, which the pattern then drops
        text = unicodedata.normalize("NFKD", text).casefold()  # NFKD may give capitals: 𝝖 → Α
    return _NOT_ALNUM.sub("", text)


def one_name_column(column: str) -> str:
    """The report's note for a file whose one name column is read as full names."""
    return f"one name column, {column}: its values are imported as full names"
