"""Counts in words for messages: "1 ask", "2 asks", "1 person", "3 people"."""

from __future__ import annotations

__all__ = ["counted"]


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` (thousands separated) and the noun, plural unless ``n`` is 1 (``plural``: when
    it is not the singular with an ``s``).

    >>> counted(1, "ask"), counted(2, "ask"), counted(1200, "person", "people")
    ('1 ask', '2 asks', '1,200 people')
    """
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"
