"""Script conversion stage: Traditional to Simplified (filled by the normalisation issue)."""

from __future__ import annotations

from ..document import Document
from .base import Stage


class ConvertStage(Stage):
    name = "convert"

    def process(self, doc: Document) -> None:
        """No conversion yet: the document passes through unchanged."""
