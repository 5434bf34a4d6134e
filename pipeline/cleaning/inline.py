"""Repairs inside sentences: each configured rule turns its matches into edits, in one batch.

Rules run in file order over the Simplified view; a match whose edits would overlap edits already
taken by an earlier rule is skipped, so the file order is the priority order. Edits are built as
columns (:class:`EditColumns`): a text can need tens of thousands of them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain
from operator import methodcaller
from pathlib import Path

import cn2an
import numpy as np

from ..document import EditColumns, object_column
from .gate import GatedRegex
from .rules import InlineRule, NumeralWord, RuleFile
from .text import HAN

NUMERAL_CHARS = "一二三四五六七八九十"
SPACES = "[ \\t\\u3000\\u2009\\u202f\\u00a0]*"
DIGITS = re.compile(r"[0-9]+")
#: inside a numeral match: whitespace runs go, digit runs become numerals
RUNS = re.compile(r"(\s+)|[0-9]+")
RECOVERED = "; recovered from the same reading elsewhere in the document"


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


@dataclass
class _Found:
    """One rule's candidate edits as columns; ``groups`` numbers the match each edit comes from,
    as a match's edits are taken or skipped together."""

    starts: np.ndarray
    ends: np.ndarray
    replacements: np.ndarray
    reasons: np.ndarray
    groups: np.ndarray

    @classmethod
    def of(cls, spans: list[tuple[int, int]], replacements: list[str] | str, reasons: list[str] | str, groups: list[int] | None = None) -> _Found:
        """Columns from spans; a single replacement or reason stands for every edit."""
        count = len(spans)
        bounds = np.fromiter(chain.from_iterable(spans), dtype=np.int64, count=2 * count).reshape(-1, 2)
        return cls(bounds[:, 0], bounds[:, 1], object_column(replacements, count), object_column(reasons, count), np.arange(count) if groups is None else np.array(groups))

    def select(self, mask: np.ndarray) -> _Found:
        return _Found(self.starts[mask], self.ends[mask], self.replacements[mask], self.reasons[mask], self.groups[mask])

    def columns(self, rule: InlineRule) -> EditColumns:
        count = len(self.starts)
        return EditColumns(self.starts, self.ends, self.replacements, object_column(rule.kind, count), object_column(rule.id, count), self.reasons)


class _Taken:
    """The spans that earlier rules' edits took (sorted, disjoint, non-empty), searched by bisection."""

    def __init__(self) -> None:
        self.starts = np.empty(0, dtype=np.int64)
        self.ends = np.empty(0, dtype=np.int64)

    def free(self, found: _Found) -> _Found:
        """The edits of the matches none of whose edits overlaps a taken span (an empty edit
        overlaps nothing)."""
        if not len(self.starts):
            return found
        after = np.searchsorted(self.ends, found.starts, side="right")
        clash = (after < len(self.starts)) & (self.starts[np.minimum(after, len(self.starts) - 1)] < found.ends) & (found.ends > found.starts)
        return found.select(~np.isin(found.groups, found.groups[clash])) if clash.any() else found

    def take(self, found: _Found) -> None:
        nonempty = found.ends > found.starts
        starts = np.concatenate((self.starts, found.starts[nonempty]))
        order = np.argsort(starts, kind="stable")
        self.starts, self.ends = starts[order], np.concatenate((self.ends, found.ends[nonempty]))[order]


@dataclass
class _Batch:
    """What the rules of one batch share for one text: every rule's matches on the view."""

    text: str
    matches: dict[str, list[re.Match[str]]]


@dataclass
class _Compiled:
    rule: InlineRule
    regex: GatedRegex
    find: Callable[[_Compiled, list[re.Match[str]], _Batch], _Found]

    @property
    def drop(self) -> str | int:
        """The group a delete removes: ``drop`` when the pattern has one, else the whole match."""
        return "drop" if "drop" in self.regex.regex.groupindex else 0


class InlineRepairer:
    """Compiled inline rules; :meth:`edits` returns the repairs for one text."""

    def __init__(self, rules: RuleFile):
        actions = {
            "delete": self._delete,
            "replace": self._replace,
            "unescape": self._unescape,
            "numeral": self._numeral,
            "numeral_words": self._numeral,
            "lost_reading": self._lost_reading,
        }
        compiled = [_Compiled(rule, self._regex(rule, rules), actions[rule.action]) for rule in rules.inline]
        self.rules = {batch: [item for item in compiled if item.rule.batch == batch] for batch in sorted({item.rule.batch for item in compiled})}
        self.syllable = re.compile(_syllable_pattern(rules))
        # readings repeat (a few hundred toned syllables), so each fragment is parsed once
        self._reading = lru_cache(maxsize=4096)(self._last_syllable)

    @staticmethod
    def _regex(rule: InlineRule, rules: RuleFile) -> GatedRegex:
        return GatedRegex(_numeral_words_regex(rules) if rule.action == "numeral_words" else re.compile(rule.pattern))

    @property
    def batches(self) -> list[int]:
        return list(self.rules)

    def edits(self, text: str, view: str, batch: int) -> EditColumns:
        """Non-overlapping repairs of ``text`` by one batch of rules, found on its Simplified ``view``.

        Matches of one regex never overlap and a rule's edits lie inside its matches, so only the
        edits of earlier rules need checking, for all matches of a rule at once.
        """
        rules = self.rules[batch]
        context = _Batch(text, {item.rule.id: list(item.regex.finditer(view)) for item in rules})
        taken = _Taken()
        columns = []
        for compiled in rules:
            matches = context.matches[compiled.rule.id]
            found = compiled.find(compiled, matches, context) if matches else None
            if found is None or not len(found.starts):
                continue
            found = taken.free(found)
            taken.take(found)
            columns.append(found.columns(compiled.rule))
        return EditColumns.concatenate(columns)

    @staticmethod
    def _delete(compiled: _Compiled, matches: list[re.Match[str]], context: _Batch) -> _Found:
        found = _Found.of(list(map(methodcaller("span", compiled.drop), matches)), "", compiled.rule.reason)
        return found.select(found.ends > found.starts)

    @staticmethod
    def _replace(compiled: _Compiled, matches: list[re.Match[str]], context: _Batch) -> _Found:
        return _Found.of([match.span() for match in matches], compiled.rule.replacement, compiled.rule.reason)

    @staticmethod
    def _unescape(compiled: _Compiled, matches: list[re.Match[str]], context: _Batch) -> _Found:
        replacements = [html.unescape(match.group()).replace("\xa0", " ") for match in matches]
        return _Found.of([match.span() for match in matches], replacements, compiled.rule.reason)

    @staticmethod
    def _numeral(compiled: _Compiled, matches: list[re.Match[str]], context: _Batch) -> _Found:
        """Digits inside a match become Chinese numerals; whitespace inside it goes."""
        spans, replacements, groups = [], [], []
        for group, match in enumerate(matches):
            start, fragment = match.start(), match.group()
            if not DIGITS.search(fragment):
                continue
            for run in RUNS.finditer(fragment):
                spans.append((start + run.start(), start + run.end()))
                replacements.append("" if run.group(1) else _chinese_numeral(run.group()))
                groups.append(group)
        return _Found.of(spans, replacements, compiled.rule.reason, groups)

    def _lost_reading(self, compiled: _Compiled, matches: list[re.Match[str]], context: _Batch) -> _Found:
        """A lost character with a reading: recovered when the reading names one character, else
        only the reading goes."""
        rule = compiled.rule
        lost = [(match.span(), self._reading(match.group())) for match in matches]
        readings = self._readings(context, rule.recover_from, {reading for _, reading in lost}) if rule.recover_from else {}
        spans, replacements, reasons = [], [], []
        for (start, end), reading in lost:
            candidates = readings.get(reading, set())
            if len(candidates) == 1 and not _rare_neighbour(context.text, start, end):
                spans.append((start, end))
                replacements.append(next(iter(candidates)))
                reasons.append(rule.reason + RECOVERED)
            else:
                spans.append((start + 1, end))
                replacements.append("")
                reasons.append(rule.reason)
        return _Found.of(spans, replacements, reasons)

    def _readings(self, context: _Batch, source: str, wanted: set[str]) -> dict[str, set[str]]:
        """Reading -> the characters it follows in this text, from the matches of rule ``source``
        (only the ``wanted`` readings)."""
        table: dict[str, set[str]] = {}
        text = context.text
        for match in context.matches[source]:
            reading = self._reading(match.group())
            if reading not in wanted:
                continue
            before = text[match.start() - 1] if match.start() else ""
            if before.strip() and before not in "?？":
                table.setdefault(reading, set()).add(before)
        return table

    def _last_syllable(self, fragment: str) -> str:
        syllables = self.syllable.findall(fragment)
        return syllables[-1].lower() if syllables else ""


@cache
def _chinese_numeral(digits: str) -> str:
    return cn2an.an2cn(digits)


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
