"""What is never a DATE or QUANTITY: ordinals, fixed political formulas and placeholders."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config import RuleFile, alternation

Spans = list[tuple[int, int]]


@dataclass(frozen=True)
class Exclusions:
    ordinal_prefixes: frozenset[str]
    formulas: re.Pattern[str]
    placeholder: re.Pattern[str]

    @classmethod
    def from_file(cls, rules: RuleFile) -> Exclusions:
        patterns = [alternation(rules.words("exclusions.formulas"))]
        for number, pattern in enumerate(rules.words("exclusions.formula_patterns")):
            rules.compile(f"exclusions.formula_patterns[{number}]", pattern)
            patterns.append(pattern)
        return cls(
            ordinal_prefixes=frozenset(rules.words("exclusions.ordinal_prefixes")),
            formulas=rules.compile("exclusions.formulas", "|".join(f"(?:{p})" for p in patterns)),
            placeholder=rules.compile("exclusions.placeholder", rules.get("exclusions.placeholder", str)),
        )

    def scan(self, text: str) -> tuple[Spans, Spans]:
        """Formula spans and placeholder spans of a text (computed once per sentence)."""
        formulas = [match.span() for match in self.formulas.finditer(text)]
        placeholders = [match.span() for match in self.placeholder.finditer(text)]
        return formulas, placeholders

    def excluded(self, text: str, start: int, end: int, formulas: Spans, placeholders: Spans) -> bool:
        """Whether ``text[start:end]`` is an ordinal, inside a formula, or touches a placeholder."""
        if self.is_ordinal(text, start):
            return True
        if any(s < end and start < e for s, e in formulas):
            return True
        return any(_touch(text, s, e, start, end) for s, e in placeholders)

    def is_ordinal(self, text: str, start: int) -> bool:
        """A number right after 第 (spaces allowed between, as in 第 1 次)."""
        before = text[max(0, start - 8) : start].rstrip()
        return bool(before) and before[-1] in self.ordinal_prefixes


def _touch(text: str, start: int, end: int, other_start: int, other_end: int) -> bool:
    """Two spans overlap or only whitespace separates them (xx 月 27 日)."""
    if start < other_end and other_start < end:
        return True
    gap = text[end:other_start] if end <= other_start else text[other_end:start]
    return not gap.strip()
