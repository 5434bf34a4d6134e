"""Sentences and named entities (filled by the NER issue)."""

from __future__ import annotations

from ..document import Document
from .base import Stage


class NerStage(Stage):
    name = "ner"

    def process(self, doc: Document) -> None:
        """No recogniser yet: no entities are claimed."""
