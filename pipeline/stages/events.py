"""Event slot filling: the rules of ``events.rules`` applied to each document's sentences and entities."""

from __future__ import annotations

from typing import Any

from ..config import Config
from ..document import Document
from ..events import EventExtractor, load_rules
from .base import Stage


class EventsStage(Stage):
    name = "events"

    def __init__(self, config: Config):
        super().__init__(config)
        self.rules_path = config.rule_path(config.events.rules)
        self.extractor = EventExtractor(load_rules(self.rules_path))

    def process(self, doc: Document) -> None:
        """Append the document's events (none for a skipped kind such as not_news)."""
        doc.events.extend(self.extractor.extract(doc))

    def describe(self) -> dict[str, Any]:
        return {"rules": str(self.rules_path), "types": list(self.extractor.rules.types)}
