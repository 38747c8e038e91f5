"""Numbers in words for messages: "1 ask", "2 asks", "3 people"; "51 %", "0.3 %"."""

from __future__ import annotations

__all__ = ["counted", "percent"]


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` (thousands separated) and the noun, plural unless ``n`` is 1 (``plural``: when
    it is not the singular with an ``s``).

    >>> counted(1, "ask"), counted(2, "ask"), counted(1200, "person", "people")
    ('1 ask', '2 asks', '1,200 people')
    """
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


def percent(p: float) -> str:
    """A chance as people read it: whole percent, one decimal below 1 % (a cold call per dial
    is not "0 %").

    >>> percent(0.514), percent(0.003), percent(0.0)
    ('51 %', '0.3 %', '0 %')
    """
    value = p * 100
    return f"{value:.1f} %" if 0 < value < 0.95 else f"{value:.0f} %"
