"""Several named regexes compiled into one, so a sentence is scanned once for all of them.

Python forbids a group name twice in one regex, so each pattern's groups are renamed
``p<i>_<name>`` and read back by pattern; the pattern that matched is the outer group
``p<i>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

GROUP = re.compile(r"\(\?P<([A-Za-z_][A-Za-z0-9_]*)>")
BACKREF = re.compile(r"\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)")


@dataclass(frozen=True)
class Hit:
    """One match: its span, the pattern's name and the text of each named group that took part."""

    start: int
    end: int
    pattern: str
    groups: dict[str, str]


class PatternSet:
    """Named regexes scanned together; alternatives are tried in the order given.

    ``first_chars`` (a character class body) lets the scan skip positions no pattern can start at.
    """

    def __init__(self, patterns: list[tuple[str, str]], flags: int = 0, first_chars: str | None = None):
        self.names = [name for name, _ in patterns]
        parts = []
        for index, (_, regex) in enumerate(patterns):
            renamed = GROUP.sub(lambda m, i=index: f"(?P<p{i}_{m.group(1)}>", regex)
            renamed = BACKREF.sub(lambda m, i=index: f"(?P=p{i}_{m.group(1)})", renamed)
            parts.append(f"(?P<p{index}>{renamed})")
        guard = f"(?=[{first_chars}])" if first_chars else ""
        self.regex = re.compile(guard + "(?:" + "|".join(parts) + ")", flags)

    def finditer(self, text: str) -> Iterator[Hit]:
        for match in self.regex.finditer(text):
            if match.end() > match.start():
                yield self._hit(match)

    def fullmatch(self, text: str) -> Hit | None:
        match = self.regex.fullmatch(text)
        return self._hit(match) if match else None

    def _hit(self, match: re.Match[str]) -> Hit:
        index = int(match.lastgroup[1:])
        prefix = f"p{index}_"
        groups = {
            name[len(prefix) :]: value
            for name, value in match.groupdict().items()
            if value is not None and name.startswith(prefix)
        }
        return Hit(match.start(), match.end(), self.names[index], groups)
