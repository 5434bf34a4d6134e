"""Whole-line noise: keyword and pattern rules plus line-level features, and related-content tails.

A line is judged on its own text (length, keywords, patterns, share of Han characters, separator
density), on where it sits (head or tail of the document) and on how often it repeats; the rules
and thresholds come from the rule file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from .gate import GatedRegex, gated
from .rules import LineRule, RuleFile, compile_any
from .text import HAN, line_spans

SENTENCE_END = re.compile(r"[。！？!?；;]")
TOKEN_SPLIT = re.compile(r"[\s/|｜]+")
#: a line rule with its gated regex (None for a rule of tokens only) and its tokens
_Rule = tuple[LineRule, GatedRegex | None, frozenset[str]]


@dataclass
class Noise:
    """A noisy span of the current text: ``start:end`` (a line with its newline, or a tail)."""

    start: int
    end: int
    rule: str
    category: str
    reason: str
    text: str


@dataclass
class _Line:
    index: int
    start: int
    end: int
    text: str


class LineClassifier:
    """Finds noise lines and tails in a text, given its Simplified view."""

    def __init__(self, rules: RuleFile):
        self.rules = rules
        self.features = rules.features
        self.line_rules = [(rule, gated(compile_any(rule.patterns, rule.keywords)), frozenset(rule.tokens)) for rule in rules.lines]
        self.tails = [(rule, gated(re.compile(f"(?:{'|'.join(rule.markers)})"))) for rule in rules.tails]
        self.separators = re.compile(f"[{re.escape(self.features.link_farm.separators)}]")
        farm = self.features.link_farm
        self._farm_verdict = (farm.id, "link_farm", "separators between short items")

    def find(self, view: str) -> list[Noise]:
        """Noise spans in document order, non-overlapping; a tail swallows the lines after it."""
        lines = [_Line(i, start, end, view[start:end].strip()) for i, (start, end) in enumerate(line_spans(view))]
        content = [line for line in lines if line.text]
        if not content:
            return []
        verdicts: dict[int, tuple[str, str, str]] = {}
        counts = Counter(line.text for line in content)
        head = {line.index for line in content[: self.features.head_lines]}
        tail = {line.index for line in content[-self.features.tail_lines :]}
        rules = self._rules_by_place(view)
        for line in content:
            verdict = self._rule_verdict(rules[line.index in head, line.index in tail], line) or self._feature_verdict(line, counts)
            if verdict:
                verdicts[line.index] = verdict
        self._farm_neighbours(content, verdicts)
        self._header_block(content, verdicts)
        noise = [self._line_noise(lines[index], verdict, len(view)) for index, verdict in sorted(verdicts.items())]
        cut = self._tail(view, lines)
        if cut is None:
            return noise
        return [item for item in noise if item.end <= cut.start] + [cut]

    def _rules_by_place(self, view: str) -> dict[tuple[bool, bool], list[_Rule]]:
        """For a line in the head or not and in the tail or not, the line rules that can fire on
        it, in file order. The place and the regex gates are tested once per document: a gate that
        fails on the whole view fails on each of its lines."""
        possible = [(rule, regex, tokens) for rule, regex, tokens in self.line_rules if tokens or (regex is not None and regex.may_match(view))]
        return {
            (in_head, in_tail): [item for item in possible if _applies(item[0].where, in_head, in_tail)]
            for in_head in (False, True)
            for in_tail in (False, True)
        }

    @staticmethod
    def _rule_verdict(rules: list[_Rule], line: _Line) -> tuple[str, str, str] | None:
        for rule, regex, tokens in rules:
            if len(line.text) > rule.max_length:
                continue
            if (regex and regex.search(line.text)) or (tokens and _all_tokens_in(line.text, tokens)):
                return rule.id, rule.category, rule.reason
        return None

    def _feature_verdict(self, line: _Line, counts: Counter[str]) -> tuple[str, str, str] | None:
        features = self.features
        if self._link_farm(line.text, features.link_farm.min_separators):
            return self._farm_verdict
        if not HAN.search(line.text) and len(line.text) <= features.no_han.max_length:
            return features.no_han.id, "residue", "short line without Chinese text"
        if counts[line.text] >= features.repeated.min_count and len(line.text) <= features.repeated.max_length:
            return features.repeated.id, "repeated", f"line repeated {counts[line.text]} times"
        return None

    def _link_farm(self, text: str, min_separators: int) -> bool:
        """Many separators between short items: a list of links, not prose."""
        if sum(map(text.count, self.features.link_farm.separators)) < min_separators:
            return False
        segments = [part for part in self.separators.split(text) if part.strip()]
        return bool(segments) and sum(map(len, segments)) / len(segments) <= self.features.link_farm.max_mean_segment

    def _farm_neighbours(self, content: list[_Line], verdicts: dict[int, tuple[str, str, str]]) -> None:
        """A shorter list right next to a link farm continues it (the farm wrapped over lines)."""
        minimum = self.features.link_farm.min_separators_next_to_farm
        changed = self._farm_verdict in verdicts.values()  # without a farm, no line continues one
        while changed:
            changed = False
            for position, line in enumerate(content):
                if line.index in verdicts or not self._link_farm(line.text, minimum):
                    continue
                neighbours = content[max(position - 1, 0) : position] + content[position + 1 : position + 2]
                if any(verdicts.get(other.index) == self._farm_verdict for other in neighbours):
                    verdicts[line.index] = self._farm_verdict
                    changed = True

    def _header_block(self, content: list[_Line], verdicts: dict[int, tuple[str, str, str]]) -> None:
        """Short lines above the head's first chrome line, or between two chrome lines, are chrome
        too (site name, menu items)."""
        block = self.features.header_block
        window = content[: block.max_lines]
        chrome = [verdicts.get(line.index, ("", ""))[1] == "chrome" for line in window]
        if not any(chrome):
            return
        first = chrome.index(True)
        for position, line in enumerate(window):
            sandwiched = 0 < position < len(window) - 1 and chrome[position - 1] and chrome[position + 1]
            if (position < first or sandwiched) and line.index not in verdicts and self._short(line.text, block.max_length):
                verdicts[line.index] = (block.id, "chrome", "short line among the site's navigation")

    @staticmethod
    def _short(text: str, max_length: int) -> bool:
        return len(text) <= max_length and not SENTENCE_END.search(text)

    @staticmethod
    def _line_noise(line: _Line, verdict: tuple[str, str, str], length: int) -> Noise:
        rule, category, reason = verdict
        return Noise(line.start, min(line.end + 1, length), rule, category, reason, line.text)

    def _tail(self, view: str, lines: list[_Line]) -> Noise | None:
        """The earliest related-content marker at a line start or right after a sentence end that
        sits late in the document (by share of characters, or by lines left after it)."""
        line_starts = [line.start for line in lines if line.text]
        best: Noise | None = None
        for rule, regex in self.tails:
            for match in regex.finditer(view):
                start = _tail_start(view, match.start())
                lines_after = len(line_starts) - bisect_right(line_starts, match.start())
                late = match.start() >= len(view) * rule.min_position or lines_after <= rule.max_lines_after
                if start is not None and late:
                    if best is None or start < best.start:
                        best = Noise(start, len(view), rule.id, rule.category, rule.reason, view[start:])
                    break
        return best


def _tail_start(view: str, position: int) -> int | None:
    """Where a tail starting at a marker begins: its line start, or the marker after a sentence end."""
    line_start = view.rfind("\n", 0, position) + 1
    before = view[line_start:position].rstrip()
    if not before:
        return line_start
    if before[-1] in "。！？!?”\"":
        return line_start + len(before)
    return None


def _applies(where: str, in_head: bool, in_tail: bool) -> bool:
    """Whether a rule for lines ``where`` (anywhere, head, tail) applies to a line in this place."""
    return where == "anywhere" or (where == "head" and in_head) or (where == "tail" and in_tail)


def _all_tokens_in(text: str, tokens: frozenset[str]) -> bool:
    parts = [part for part in TOKEN_SPLIT.split(text) if part]
    return bool(parts) and all(part in tokens for part in parts)
