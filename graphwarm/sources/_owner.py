"""Whose mailbox or calendar this is: the member's own addresses, as the mail and calendar
readers work them out (one rule for both)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from ..errors import InputError
from ..identity import email_key, name_key

__all__ = ["member_addresses"]


def member_addresses(
    *,
    given: Iterable[str],
    known: Iterable[str],
    member: str,
    names: Mapping[str, str | None],
    on: Counter[str],
    total: int,
    own: Iterable[str],
    own_how: str,
    own_none: str,
    unit: str,
    file: str,
) -> tuple[set[str], str]:
    """The member's own addresses and the note that says how they were found.

    In order: as ``given`` (``--address``); else those of ``known`` (the workspace's) that
    occur; else the addresses shown with the member's name (``names``: address → display
    name); else ``own`` (the senders of Gmail's Sent messages, a calendar's own name), found
    as ``own_how`` says; else the one address on at least half of the ``total`` messages or
    events (``on``: how many each address is on) and on more than any other. Raises
    :class:`InputError` when none of these tells (``own_none`` says why ``own`` did not).
    """
    found = {k for k in map(email_key, given) if k}
    if found:
        return found, _note(found, "given")
    found = {k for k in map(email_key, known) if k and k in names}
    if found:
        return found, _note(found, "known from earlier imports")
    key = name_key(member)
    found = {a for a, name in names.items() if key and name_key(name) == key}
    if found:
        return found, _note(found, "shown with their name")
    found = {k for k in map(email_key, own) if k}
    if found:
        return found, _note(found, own_how)
    top = [*on.most_common(2), ("", 0)]
    if top[0][1] * 2 >= total and top[0][1] > top[1][1]:
        share = round(100 * top[0][1] / total)
        return {top[0][0]}, _note({top[0][0]}, f"on {share} % of the {unit}")
    raise InputError(
        f"cannot tell which address is the member's (none is shown with their name, {own_none}"
        f", and no one address is on most {unit})",
        file=file,
        hint="name it: --address lina@example.com (repeat it for each of the member's addresses)",
    )


def _note(addresses: set[str], how: str) -> str:
    return f"the member's addresses: {', '.join(sorted(addresses))} ({how})"
