"""Filters on the statistical model's spans, for words that mean something else in our documents.

The model learnt from 1990s newswire: there 大众 is Volkswagen and a lone surname is a person;
in government web documents 大众 is the public and a lone character tagged PER (云 in 云督战) is
almost always a misreading.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import RuleFile


@dataclass(frozen=True)
class ModelSpanFilter:
    min_chars: dict[str, int]
    not_names: dict[str, frozenset[str]]

    @classmethod
    def from_file(cls, rules: RuleFile) -> ModelSpanFilter:
        min_chars = rules.get("model_spans.min_chars", dict)
        for label, n in min_chars.items():
            if not isinstance(n, int) or n < 1:
                raise rules.error(f"model_spans.min_chars.{label}", f"expected a positive integer, got {n!r}")
        not_names = {
            label: frozenset(rules.words(f"model_spans.not_names.{label}"))
            for label in rules.get("model_spans.not_names", dict)
        }
        return cls(min_chars, not_names)

    def keeps(self, label: str, text: str) -> bool:
        """Whether a model span of ``label`` covering ``text`` stays."""
        return len(text) >= self.min_chars.get(label, 1) and text not in self.not_names.get(label, ())
