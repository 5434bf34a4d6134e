"""Is the cleaned document an article? Fiction, machine-generated pages, link lists and paywall
stubs are marked ``not_news`` so that no events are extracted from them."""

from __future__ import annotations

import re
from collections import Counter

from .gate import gated
from .rules import RuleFile, compile_any
from .text import han_count

QUOTED = re.compile(r"“[^”\n]{0,300}”|「[^」\n]{0,300}」")
THIRD_PERSON = "他她"
# a sentence starts where the previous one (or the line) ended; the lookbehind spares the regex a
# retry at every character of a long unpunctuated line (the matches are the same)
SENTENCE = re.compile(r"(?<![^。！？!?\n])[^。！？!?\n]+[。！？!?]")
SENTENCE_LINE = re.compile(r"[。！？!?；;]|.{40}")
MIN_SENTENCE = 8


def text_features(text: str, before_removal: str) -> dict[str, float]:
    """The document-level features the not_news rules can test.

    Repetition is measured before noise lines are removed (removing repeated lines would hide
    it), and only over punctuated sentences, so a repeated banner line does not count.
    """
    han = han_count(text)
    lines = [line for line in text.split("\n") if line.strip()]
    sentences = [part.strip() for part in SENTENCE.findall(before_removal) if len(part.strip()) >= MIN_SENTENCE]
    repeats = Counter(sentences)
    return {
        "han_chars": han,
        "dialogue_share": sum(len(match) for match in QUOTED.findall(text)) / max(len(text), 1),
        "pronoun_rate": sum(map(text.count, THIRD_PERSON)) / max(han, 1),
        "repeated_sentence_share": sum(1 for sentence in sentences if repeats[sentence] > 1) / max(len(sentences), 1),
        "sentences": len(sentences),
        "sentence_line_share": sum(1 for line in lines if SENTENCE_LINE.search(line)) / max(len(lines), 1),
        "lines": len(lines),
    }


class KindDetector:
    def __init__(self, rules: RuleFile):
        self.rules = [(rule, gated(compile_any(rule.patterns, rule.keywords))) for rule in rules.not_news]

    def judge(self, view: str, before_removal: str) -> tuple[str, str | None]:
        """``("not_news", reason)`` for the first rule that fires, else ``("news", None)``.

        ``view`` is the cleaned text, ``before_removal`` the text before noise lines went.
        """
        features = text_features(view, before_removal)
        for rule, regex in self.rules:
            if regex is not None and len(regex.findall(view)) < rule.min_hits:
                continue
            if all(_in_range(features[name], bounds.min, bounds.max) for name, bounds in rule.features.items()):
                return "not_news", f"{rule.id}: {rule.reason}"
        return "news", None


def _in_range(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)
