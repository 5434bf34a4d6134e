"""A cheap proof that a regex cannot match a text: characters every match needs are absent.

Python's ``re`` tries a pattern at every character of the text (about 15 ns each, for every rule
on every pass), while ``char in text`` scans fifty times faster. From the parsed pattern we derive
its *needs*: alternatives, each a set of small character sets, such that every match (with its
positive lookarounds) contains a character of each set of one alternative. One set is chosen per
alternative (rare and shared ones first), and a text without any character of the chosen sets (the
*cover*) cannot match. Needs that cannot be proved (large classes, negations, optional or case-insensitive parts)
are left out, which only makes the gate pass more texts, so gating never changes a result. The
parser is the standard library's private ``re._parser``; without it no text is gated out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

try:  # the standard library's own regex parser: private, so a Python without it gets no gates
    from re import _constants as sre
    from re import _parser
except ImportError:  # pragma: no cover (present in Python 3.11 to 3.14)
    sre = _parser = None

#: a character class larger than this is no useful need
MAX_CLASS = 48
#: alternatives kept per pattern (a longer alternation gets no gate; a longer sequence keeps the
#: needs of its first items)
MAX_ALTERNATIVES = 64
#: alternatives tested one by one on a whole document (more cost more than the scan they save)
MAX_TESTED = 16

Needs = frozenset[frozenset[str]]
#: one alternative that needs nothing: any text may match
ANYTHING: tuple[Needs, ...] = (frozenset(),)


class GatedRegex:
    """A compiled regex that skips texts lacking characters every match needs.

    :meth:`search` (run on many short lines) tests only the cover, a handful of characters;
    :meth:`finditer` and :meth:`findall` (run on whole documents) also test each alternative's
    sets, when there are few alternatives.
    """

    def __init__(self, regex: re.Pattern[str]):
        self.regex = regex
        needs = pattern_needs(regex)
        self.chars = _cover(needs)
        # sets without common characters first: they are the likeliest to be missing
        self.alternatives = [sorted(sets, key=lambda chars: any(map(_common, chars))) for sets in needs] if len(needs) <= MAX_TESTED else []

    def may_match(self, text: str) -> bool:
        """Whether ``text`` has a character of the cover (False: no match possible)."""
        return self.chars is None or any(map(text.__contains__, self.chars))

    def may_match_whole(self, text: str) -> bool:
        """:meth:`may_match`, and some alternative has all its sets in ``text``."""
        if not self.may_match(text):
            return False
        has = text.__contains__
        return not self.alternatives or any(all(any(map(has, chars)) for chars in sets) for sets in self.alternatives)

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if self.may_match(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text) if self.may_match_whole(text) else iter(())

    def findall(self, text: str) -> list[Any]:
        return self.regex.findall(text) if self.may_match_whole(text) else []


def gated(regex: re.Pattern[str] | None) -> GatedRegex | None:
    """``regex`` gated (None stays None: a rule made only of tokens or features)."""
    return GatedRegex(regex) if regex is not None else None


def pattern_needs(regex: re.Pattern[str]) -> tuple[Needs, ...]:
    """The alternatives of character sets a match of ``regex`` needs (ANYTHING when unknown)."""
    if _parser is None or regex.flags & re.IGNORECASE:
        return ANYTHING
    try:
        parsed = _parser.parse(regex.pattern, regex.flags)
    except re.error:
        return ANYTHING
    return ANYTHING if parsed.state.flags & re.IGNORECASE else _sequence(list(parsed))


def _cover(alternatives: tuple[Needs, ...]) -> frozenset[str] | None:
    """Characters of which every match has one: a set from each alternative, picked greedily (a
    set without ASCII letters, digits or spaces, which most texts have, then the set most
    alternatives share); None when an alternative needs nothing."""
    if frozenset() in alternatives:
        return None
    chars: set[str] = set()
    uncovered = list(alternatives)
    while uncovered:
        sets = {chars for needs in uncovered for chars in needs}
        best = min(sets, key=lambda chars: (any(map(_common, chars)), -sum(chars in needs for needs in uncovered), len(chars), sorted(chars)))
        chars |= best
        uncovered = [needs for needs in uncovered if best not in needs]
    return frozenset(chars)


def _common(char: str) -> bool:
    return char.isascii() and char.isalnum() or char.isspace()


def _sequence(items: list[tuple[object, object]]) -> tuple[Needs, ...]:
    needs = ANYTHING
    for op, value in items:
        needs = _both(needs, _item(op, value))
    return needs


def _both(left: tuple[Needs, ...], right: tuple[Needs, ...]) -> tuple[Needs, ...]:
    """Needs of a sequence; when the product grows too large, the right side's needs are dropped."""
    if len(left) * len(right) > MAX_ALTERNATIVES:
        return left
    return tuple({first | second for first in left for second in right})


def _item(op: object, value: object) -> tuple[Needs, ...]:
    if op is sre.LITERAL:
        return (frozenset({frozenset(chr(value))}),)
    if op is sre.IN:
        chars = _class(value)
        return ANYTHING if chars is None else (frozenset({chars}),)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, body = value
        return _sequence(body) if low >= 1 else ANYTHING
    if op is sre.SUBPATTERN:
        _, add_flags, _, body = value
        return ANYTHING if add_flags & re.IGNORECASE else _sequence(body)
    if op is sre.ATOMIC_GROUP:
        return _sequence(value)
    if op is sre.ASSERT:
        _, body = value
        return _sequence(body)
    if op is sre.BRANCH:
        return _either([_sequence(branch) for branch in value[1]])
    return ANYTHING


def _either(branches: list[tuple[Needs, ...]]) -> tuple[Needs, ...]:
    alternatives = {needs for branch in branches for needs in branch}
    if frozenset() in alternatives or len(alternatives) > MAX_ALTERNATIVES:
        return ANYTHING
    return tuple(alternatives)


def _class(items: list[tuple[object, object]]) -> frozenset[str] | None:
    """The characters of a small positive class ``[...]``; None for a large or negated one."""
    chars: set[str] = set()
    for op, value in items:
        if op is sre.LITERAL:
            chars.add(chr(value))
        elif op is sre.RANGE and value[1] - value[0] < MAX_CLASS:
            chars.update(map(chr, range(value[0], value[1] + 1)))
        else:
            return None
    return frozenset(chars) if len(chars) <= MAX_CLASS else None
