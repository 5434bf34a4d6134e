"""The stage contract: one job per stage, documents in batches, one bad document never stops a batch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..config import Config
from ..document import Document


@dataclass
class StageFailure:
    """A document a stage could not process, with the error, for errors.jsonl and the manifest."""

    doc: Document
    stage: str
    error: str


class Stage:
    """Base class: a stage mutates documents in place.

    Subclasses implement :meth:`process` for one document, or override :meth:`process_batch` when
    batching pays (NER pipes sentences of many documents through the model at once).
    """

    name: ClassVar[str]

    def __init__(self, config: Config):
        self.config = config

    def process(self, doc: Document) -> None:
        raise NotImplementedError

    def process_batch(self, docs: list[Document]) -> list[StageFailure]:
        failures = []
        for doc in docs:
            try:
                self.process(doc)
            except Exception as error:  # one bad document must not stop the run
                failures.append(StageFailure(doc, self.name, f"{type(error).__name__}: {error}"))
        return failures

    def describe(self) -> dict[str, Any]:
        """What the manifest says about this stage (models, rule files); override to add more."""
        return {}
