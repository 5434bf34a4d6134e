"""Placeholders, lost characters and lost ranges: the text stays, later stages skip the span."""

from __future__ import annotations

import re

from ..document import Document
from .gate import GatedRegex
from .rules import RuleFile


class Flagger:
    def __init__(self, rules: RuleFile):
        self.rules = [(rule, GatedRegex(re.compile(rule.pattern))) for rule in rules.flags]

    def flag(self, doc: Document, view: str) -> None:
        """Flag every match of every flag rule in the current text (``view`` is its Simplified view)."""
        for rule, regex in self.rules:
            for match in regex.finditer(view):
                if match.end() > match.start():
                    doc.flag(match.start(), match.end(), rule.kind, rule.id)
