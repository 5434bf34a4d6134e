"""Document metadata kept from the lines cleaning removes: date, source, author, reporter, editor, title."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from .rules import RuleFile
from .text import han_count


class MetaExtractor:
    """Applies the rule file's metadata patterns; the first value found for a key wins."""

    def __init__(self, rules: RuleFile):
        self.rules = [(rule, re.compile(rule.pattern)) for rule in rules.metadata]
        self.title = rules.title

    def extract(self, removed: Iterable[str], head: Iterable[str]) -> dict[str, str]:
        """Metadata from removed lines (every rule) and kept head lines (rules with scope head)."""
        meta: dict[str, str] = {}
        for lines, scopes in ((removed, {"removed", "head"}), (head, {"head"})):
            for line in lines:
                for rule, regex in self.rules:
                    if rule.key in meta or rule.scope not in scopes:
                        continue
                    value = _value(regex.search(line))
                    if value:
                        meta[rule.key] = value
        return meta

    def title_of(self, first_line: str) -> str | None:
        """The first kept line is the title when it is short, mostly Han and not a sentence."""
        line = first_line.strip()
        if not line or len(line) > self.title.max_length or line[-1] in self.title.sentence_end:
            return None
        return line if han_count(line) / len(line) >= self.title.min_han_share else None


def _value(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    groups = match.groupdict()
    if groups.get("y"):
        return iso_date(groups)
    value = (groups.get("value") or "").strip(" \t:：|｜,，")
    return value or None


def iso_date(groups: dict[str, str | None]) -> str | None:
    """``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM`` when a time is given; None for an impossible date."""
    try:
        stamp = datetime(int(groups["y"]), int(groups["m"]), int(groups["d"]), int(groups.get("H") or 0), int(groups.get("M") or 0))
    except (TypeError, ValueError):
        return None
    return stamp.strftime("%Y-%m-%dT%H:%M") if groups.get("H") else stamp.strftime("%Y-%m-%d")
