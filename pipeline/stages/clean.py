"""Cleaning stage: removes noise lines and repairs inline corruption (filled by the cleaning issue)."""

from __future__ import annotations

from ..document import Document
from .base import Stage


class CleanStage(Stage):
    name = "clean"

    def process(self, doc: Document) -> None:
        """No cleaning rules yet: the document passes through unchanged."""
