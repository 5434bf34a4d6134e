"""The cleaning passes in order; each pass is one batch of recorded edits.

1. inline repairs in batches (first junk: pinyin readings, HTML residue, spam; then what the junk
   hid: punctuation, numerals, spaces), so lines are judged and metadata read on repaired text;
2. noise lines and tails, whose metadata is kept in ``doc.meta``;
3. whitespace (indentation, runs of blank lines);
4. flags on placeholders and lost characters, the title, and the not_news judgement.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..document import Document, Edit, EditColumns
from .flags import Flagger
from .inline import InlineRepairer
from .kind import KindDetector
from .lines import LineClassifier, Noise
from .metadata import MetaExtractor
from .rules import RuleFile, load_rules
from .text import HAN, simplified_view

SPACE_RUN = re.compile(r"[ \t\u3000\u00a0]+")


class Cleaner:
    def __init__(self, rules: RuleFile):
        self.rules = rules
        self.inline = InlineRepairer(rules)
        self.lines = LineClassifier(rules)
        self.meta = MetaExtractor(rules)
        self.flagger = Flagger(rules)
        self.kind = KindDetector(rules)
        space = rules.whitespace
        self.blank_runs = re.compile(rf"\n(?:[ \t\u3000]*\n){{{space.max_blank_lines + 1},}}")

    @classmethod
    def from_file(cls, path: str | Path) -> Cleaner:
        return cls(load_rules(path))

    def clean(self, doc: Document) -> None:
        view = simplified_view(doc.text)
        for batch in self.inline.batches:
            view = _edit(doc, view, self.inline.edits(doc.text, view, batch))
        before_removal = view
        view = self._remove_noise(doc, view)
        view = self._normalise_whitespace(doc, view)
        self.flagger.flag(doc, view)
        title = self.meta.title_of(view.lstrip().split("\n", 1)[0])
        if title and "title" not in doc.meta:
            doc.meta["title"] = title
        if doc.kind == "news":
            doc.kind, doc.kind_reason = self.kind.judge(view, before_removal)

    def _remove_noise(self, doc: Document, view: str) -> str:
        noise = self.lines.find(view)
        removed = [item.text for item in noise if item.category != "related"]
        head = _head_lines(view, noise, self.rules.features.head_lines)
        for key, value in self.meta.extract(removed, head).items():
            doc.meta.setdefault(key, value)
        return _edit(doc, view, [Edit(item.start, item.end, "", "remove", item.rule, item.reason) for item in noise])

    def _normalise_whitespace(self, doc: Document, view: str) -> str:
        space = self.rules.whitespace
        text = doc.text
        if space.strip_lines:
            edges = [
                Edit(m.start(), m.end(), "", "whitespace", space.id, "space at a line edge")
                for m in SPACE_RUN.finditer(text)
                if m.start() == 0 or text[m.start() - 1] == "\n" or m.end() == len(text) or text[m.end()] == "\n"
            ]
            view = _edit(doc, view, edges)
            text = doc.text
        keep = "\n" * (space.max_blank_lines + 1)
        leading = len(text) - len(text.lstrip("\n"))
        trailing = len(text) - len(text.rstrip("\n")) if leading < len(text) else 0
        inner = self.blank_runs.finditer(text, leading, len(text) - trailing)
        runs = [Edit(m.start(), m.end(), keep, "whitespace", space.id, "run of blank lines") for m in inner]
        if leading:
            runs.insert(0, Edit(0, leading, "", "whitespace", space.id, "blank lines at the start"))
        if trailing:
            runs.append(Edit(len(text) - trailing, len(text), "", "whitespace", space.id, "blank lines at the end"))
        return _edit(doc, view, runs)


def _edit(doc: Document, view: str, edits: list[Edit] | EditColumns) -> str:
    """Apply ``edits`` to the document and return its updated Simplified view (kept in step, so
    the view is converted once per document rather than once per pass)."""
    if not len(edits):
        return view
    columns = EditColumns.of(edits).sorted()
    doc.apply_edits(columns)
    view = _in_view(columns).apply_to(view)
    if len(view) != len(doc.text):
        return simplified_view(doc.text)
    return view


def _in_view(columns: EditColumns) -> EditColumns:
    """The edits as they apply to the Simplified view: replacements with Han characters converted."""
    han = [index for index in np.flatnonzero(columns.sizes()).tolist() if HAN.search(columns.replacements[index])]
    if not han:
        return columns
    replacements = columns.replacements.copy()
    for index in han:
        replacements[index] = _simplified_replacement(replacements[index])
    return replace(columns, replacements=replacements)


@lru_cache(maxsize=4096)
def _simplified_replacement(replacement: str) -> str:
    """The view of a replacement (repairs write the same few numerals and characters again and again)."""
    return simplified_view(replacement)


def _head_lines(view: str, noise: list[Noise], count: int) -> list[str]:
    """The first ``count`` kept non-empty lines of the view."""
    removed = {item.start for item in noise}
    tail = min((item.start for item in noise if item.end == len(view)), default=len(view))
    kept = []
    position = 0
    for line in view.split("\n"):
        start, position = position, position + len(line) + 1
        if start >= tail or len(kept) == count:
            break
        if line.strip() and start not in removed:
            kept.append(line)
    return kept
