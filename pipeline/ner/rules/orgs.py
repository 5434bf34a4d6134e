"""ORG rules for government and Party bodies (the merge with model spans is in components.py).

A body name is assembled from word lists in entities.yaml: an optional place or administrative
level (县, 河南省, 国务院), then a gazetteer name, a body word (扶贫办, 党委), a department
(财政局) or a working group (脱贫攻坚领导小组), then optional extensions (党组, 办公室).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .config import RuleFile, alternation

HAN = "\u4e00-\u9fff"


@dataclass(frozen=True)
class OrgRules:
    regex: re.Pattern[str]
    canonical: tuple[tuple[str, str], ...]
    joiners: tuple[str, ...]

    @classmethod
    def from_file(cls, rules: RuleFile) -> OrgRules:
        words = {name: alternation(rules.words(f"orgs.{name}")) for name in (
            "gazetteer", "bodies", "department_topics", "department_suffixes", "group_topics",
            "group_suffixes", "levels", "central", "extensions", "places", "short_places",
        )}
        group_prefixes = alternation(rules.words("orgs.group_prefixes"), escape=False)
        rules.compile("orgs.group_prefixes", group_prefixes)
        level_not_after = re.escape(rules.get("orgs.level_not_after", str))
        place_after = re.escape(rules.get("orgs.place_after", str))
        stop = alternation(rules.words("orgs.place_stopwords"))
        place_char = f"(?![{place_after}])(?!{stop})[{HAN}]"
        generic_place = (
            f"(?:(?<=[{place_after}])|(?<![{HAN}A-Za-z0-9]))(?:{place_char}){{2,3}}?"
            f"(?:{alternation(rules.words('orgs.place_levels'))})"
        )
        known_place = f"(?:{words['places']}|{words['short_places']}|{words['central']})"
        level = f"(?<![{level_not_after}])(?:{words['levels']})"
        body = f"(?:{words['bodies']})"
        department = (
            f"(?:{words['department_topics']}){{1,3}}(?:{words['department_suffixes']})"
            f"(?![{re.escape(rules.get('orgs.department_not_followed_by', str))}])"
        )
        group = (
            f"(?:{group_prefixes})?(?:{words['group_topics']}){{1,6}}(?:{words['group_suffixes']})"
            f"(?![{re.escape(rules.get('orgs.group_not_followed_by', str))}])"
        )
        media = "|".join(f"(?:{p})" for p in rules.words("orgs.media"))
        rules.compile("orgs.media", media)
        regex = (
            f"(?:(?:{words['gazetteer']})|{media}"
            f"|(?:{known_place}|{generic_place}|{level}){body}{{1,2}}(?:{group})?"
            f"|(?:{known_place}|{generic_place}|{level})?{department}"
            f"|(?:{known_place}|{level})?{group})"
            f"(?:{words['extensions']})*"
            f"(?![{re.escape(rules.get('orgs.not_followed_by', str))}])"
        )
        canonical = rules.get("orgs.canonical", dict)
        for short, full in canonical.items():
            if not isinstance(short, str) or not isinstance(full, str) or not short or not full:
                raise rules.error(f"orgs.canonical.{short}", "expected short form: canonical name (strings)")
        ordered = tuple(sorted(canonical.items(), key=lambda item: -len(item[0])))
        joiners = tuple(sorted(rules.words("orgs.joiners"), key=len, reverse=True))
        return cls(rules.compile("orgs", regex), ordered, joiners)

    def find(self, text: str, blocked: list[tuple[int, int]] = ()) -> Iterator[tuple[int, int]]:
        """Name spans; a match that starts inside a blocked span (a date) is retried after it.

        当天市委 is a date and a body, not a place 当天市 with a body 委.
        """
        for match in self.regex.finditer(text):
            start, end = match.span()
            for b_start, b_end in blocked:
                if b_start <= start < b_end < end:
                    retry = self.regex.match(text, b_end)
                    start, end = retry.span() if retry and retry.end() <= end else (end, end)
            if end > start:
                yield start, end

    def canonical_name(self, name: str) -> str:
        """The name with a known short form at its end replaced by the full form (县扶贫办)."""
        for short, full in self.canonical:
            if name.endswith(short) and not name.endswith(full):
                return name[: -len(short)] + full
        return name
