"""Repairs inside sentences: each configured rule turns its matches into edits, in one batch.

Rules run in file order over the Simplified view; a match whose edits would overlap edits already
taken by an earlier rule is skipped, so the file order is the priority order.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cn2an

from ..document import Edit
from .rules import InlineRule, NumeralWord, RuleFile
from .text import HAN

NUMERAL_CHARS = "一二三四五六七八九十"
SPACES = "[ \\t\\u3000\\u2009\\u202f\\u00a0]*"
WHITESPACE = re.compile(r"\s+")
DIGITS = re.compile(r"[0-9]+")


@dataclass
class _Compiled:
    rule: InlineRule
    regex: re.Pattern[str]


def numeral_word_pattern(entry: str | NumeralWord) -> str:
    """A word's pattern: each numeral character stands for its digits, spaces allowed between."""
    word = entry if isinstance(entry, str) else entry.word
    parts = [str(cn2an.cn2an(char)) if char in NUMERAL_CHARS else re.escape(char) for char in word]
    if word[0] in NUMERAL_CHARS:
        # a lookbehind after the first token keeps the regex's first-character prefilter working
        parts[0] += rf"(?<![\d.]{parts[0]})"
    pattern = SPACES.join(parts)
    if word[-1] in NUMERAL_CHARS:
        pattern += r"(?![\d.%])"
    if isinstance(entry, NumeralWord) and entry.not_followed_by:
        pattern += f"(?!{SPACES}(?:{entry.not_followed_by}))"
    return pattern


def _numeral_words_regex(rules: RuleFile) -> re.Pattern[str]:
    words = [entry for entry in rules.numerals.words if any(char in NUMERAL_CHARS for char in _word(entry))]
    words.sort(key=lambda entry: -len(_word(entry)))
    return re.compile("|".join(f"(?:{numeral_word_pattern(entry)})" for entry in words) or r"(?!)")


def _word(entry: str | NumeralWord) -> str:
    return entry if isinstance(entry, str) else entry.word


class InlineRepairer:
    """Compiled inline rules; :meth:`edits` returns the repairs for one text."""

    def __init__(self, rules: RuleFile):
        self.rules = [self._compile(rule, rules) for rule in rules.inline]
        self.syllable = re.compile(_syllable_pattern(rules))

    @staticmethod
    def _compile(rule: InlineRule, rules: RuleFile) -> _Compiled:
        if rule.action != "numeral_words":
            return _Compiled(rule, re.compile(rule.pattern))
        return _Compiled(rule, _numeral_words_regex(rules))

    @property
    def batches(self) -> list[int]:
        return sorted({compiled.rule.batch for compiled in self.rules})

    def edits(self, text: str, view: str, batch: int) -> list[Edit]:
        """Non-overlapping repairs of ``text`` by one batch of rules, found on its Simplified ``view``."""
        covered = bytearray(len(text) + 1)
        rules = [compiled for compiled in self.rules if compiled.rule.batch == batch]
        readings = lru_cache(maxsize=None)(lambda source: self._readings(text, view, rules, source))
        taken: list[Edit] = []
        for compiled in rules:
            make = self._maker(compiled.rule, text, readings)
            for match in compiled.regex.finditer(view):
                group = make(match)
                if group and all(covered.find(1, edit.start, edit.end) == -1 for edit in group):
                    for edit in group:
                        covered[edit.start : edit.end] = b"\x01" * (edit.end - edit.start)
                    taken.extend(group)
        return taken

    def _readings(self, text: str, view: str, rules: list[_Compiled], source: str) -> dict[str, set[str]]:
        """Reading -> the characters it follows in this text, from the matches of rule ``source``
        (computed only when a lost character needs it)."""
        table: dict[str, set[str]] = {}
        regex = next(item.regex for item in rules if item.rule.id == source)
        for match in regex.finditer(view):
            before = text[match.start() - 1] if match.start() else ""
            if before.strip() and before not in "?？":
                table.setdefault(self._reading(match.group()), set()).add(before)
        return table

    def _reading(self, fragment: str) -> str:
        syllables = self.syllable.findall(fragment)
        return syllables[-1].lower() if syllables else ""

    def _maker(self, rule: InlineRule, text: str, readings: Callable[[str], dict[str, set[str]]]) -> Callable[[re.Match[str]], list[Edit]]:
        """The function turning one match of ``rule`` into its edits (empty edits left out)."""

        def edit(start: int, end: int, replacement: str = "", reason: str = "") -> Edit:
            return Edit(start, end, replacement, rule.kind, rule.id, reason or rule.reason)

        drop = "drop" if "drop" in re.compile(rule.pattern).groupindex else 0

        def delete(match: re.Match[str]) -> list[Edit]:
            start, end = match.span(drop)
            return [edit(start, end)] if end > start else []

        def replace(match: re.Match[str]) -> list[Edit]:
            return [edit(match.start(), match.end(), rule.replacement)]

        def unescape(match: re.Match[str]) -> list[Edit]:
            return [edit(match.start(), match.end(), html.unescape(match.group()).replace("\xa0", " "))]

        def numeral(match: re.Match[str]) -> list[Edit]:
            return list(_numeral_edits(match, edit))

        def lost_reading(match: re.Match[str]) -> list[Edit]:
            candidates = readings(rule.recover_from).get(self._reading(match.group()), set()) if rule.recover_from else set()
            if len(candidates) == 1 and not _rare_neighbour(text, match.start(), match.end()):
                return [edit(match.start(), match.end(), next(iter(candidates)), rule.reason + "; recovered from the same reading elsewhere in the document")]
            return [edit(match.start() + 1, match.end())]

        actions = {"delete": delete, "replace": replace, "unescape": unescape, "numeral": numeral, "numeral_words": numeral, "lost_reading": lost_reading}
        return actions[rule.action]


def _numeral_edits(match: re.Match[str], edit: Callable[..., Edit]) -> Iterator[Edit]:
    """Digits inside the match become Chinese numerals; whitespace inside it goes."""
    start = match.start()
    fragment = match.group()
    if not DIGITS.search(fragment):
        return
    for run in WHITESPACE.finditer(fragment):
        yield edit(start + run.start(), start + run.end())
    for run in DIGITS.finditer(fragment):
        yield edit(start + run.start(), start + run.end(), cn2an.an2cn(run.group()))


def _rare_neighbour(text: str, start: int, end: int) -> bool:
    """Whether a Han character outside the common list touches the span: a sign of mojibake."""
    neighbours = text[max(start - 1, 0) : start] + text[end : end + 1]
    return any(HAN.match(char) and char not in common_chars() for char in neighbours)


@lru_cache(maxsize=1)
def common_chars() -> frozenset[str]:
    """The most frequent Han characters in both scripts (shared with input decoding)."""
    path = Path(__file__).resolve().parent.parent / "io" / "common_chars.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset("".join(line for line in lines if not line.startswith("#")))


def _syllable_pattern(rules: RuleFile) -> str:
    value = rules.macros.get("PY", r"[a-zü]+")
    return value if isinstance(value, str) else "|".join(map(re.escape, value))
