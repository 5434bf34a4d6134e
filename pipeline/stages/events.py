"""Event slot filling (filled by the events issue)."""

from __future__ import annotations

from ..document import Document
from .base import Stage


class EventsStage(Stage):
    name = "events"

    def process(self, doc: Document) -> None:
        """No event rules yet: no events are claimed."""
