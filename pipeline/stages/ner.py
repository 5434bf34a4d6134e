"""The NER stage: sentences, then one spaCy pipeline (statistical ORG/PER/LOC + rule components).

Sentences of the whole batch of documents go through ``nlp.pipe`` together. Entity spans are
mapped back to document offsets and raw offsets, entities touching a flagged span
(placeholder, lost character) are dropped, and ``norm`` is filled after piping, because DATE
normalisation needs the publication date, which a spaCy component does not see.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc as SpacyDoc

from ..config import Config, ConfigError
from ..document import Document, Entity
from ..ner.rules import (
    DateContext,
    load_entity_rules,
    normalise_date,
    normalise_quantity,
    split_sentences,
)
from ..ner.rules.config import EntityRules
from ..resources import models_dir, resolve_model
from .base import Stage, StageFailure


class NerModelError(ConfigError):
    """The configured statistical model cannot be loaded; the message says what was looked for."""


def build_ner_pipeline(backend: str, model: str | None, rules_path: str | Path, threads: int = 1) -> Language:
    """The statistical pipeline (or a blank char-level one when ``model`` is None) plus the rules."""
    nlp = spacy.blank("zh") if model is None else _load_model(backend, model)
    limit_torch_threads(threads)
    if model is None:
        nlp.meta.update(name="rules_only", version="0")
    nlp.add_pipe("zh_entity_rules", config={"rules_path": str(rules_path)})
    return nlp


def limit_torch_threads(threads: int) -> None:
    """Cap torch's threads if a model loaded it: two threads fighting another process on a
    shared machine run many times slower."""
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


def _load_model(backend: str, model: str) -> Language:
    resolved = resolve_model(model)
    looked = (
        f"the path {Path(model).expanduser()}, {models_dir() / model} and an installed spaCy package"
        if backend == "spacy"
        else f"the HanLP model {model}"
    )
    try:
        from ..ner.loading import load_ner_pipeline
    except ImportError as error:
        raise NerModelError(f"cannot load NER model {model!r}: the model loader is unavailable ({error})") from error
    try:
        return load_ner_pipeline(backend, resolved)
    except (OSError, ValueError) as error:
        raise NerModelError(
            f"NER model {model!r} ({backend} backend) could not be loaded; looked for {looked}: {error}. "
            "Train it with `python -m pipeline train ner`, point ner.model at a model, "
            "or set ner.model: null to run the rule-based entities only."
        ) from error


def reference_date(doc: Document) -> date | None:
    """The publication date of the cleaning stage's ``meta["published"]`` (``YYYY-MM-DD[THH:MM]``)."""
    published = doc.meta.get("published")
    if not isinstance(published, str):
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


class NerStage(Stage):
    name = "ner"

    def __init__(self, config: Config):
        super().__init__(config)
        ner = config.ner
        self.rules_path = config.rule_path(ner.rules)
        self.rules: EntityRules = load_entity_rules(self.rules_path)
        self.nlp = build_ner_pipeline(ner.backend, ner.model, self.rules_path, ner.threads)

    def describe(self) -> dict[str, Any]:
        meta = self.nlp.meta
        model = None if self.config.ner.model is None else f"{meta.get('name')}-{meta.get('version')}"
        return {
            "model": model,
            "backend": self.config.ner.backend if model else None,
            "rules": str(self.rules_path),
            "components": list(self.nlp.pipe_names),
        }

    def process(self, doc: Document) -> None:
        failures = self.process_batch([doc])
        if failures:
            raise RuntimeError(failures[0].error)

    def process_batch(self, docs: list[Document]) -> list[StageFailure]:
        """Pipe the sentences of all documents at once; on an error, retry one by one to isolate it."""
        active = [doc for doc in docs if doc.kind != "not_news"]
        for doc in docs:
            doc.entities, doc.sentences = [], []
        for doc in active:
            doc.sentences = split_sentences(doc.text, self.config.ner.max_sentence_chars)
        try:
            self._annotate(active)
            return []
        except Exception as error:  # noqa: BLE001  (one bad document must not stop the batch)
            if len(active) == 1:
                return [self._failure(active[0], error)]
        failures = []
        for doc in active:
            try:
                self._annotate([doc])
            except Exception as error:  # noqa: BLE001
                failures.append(self._failure(doc, error))
        return failures

    def _failure(self, doc: Document, error: Exception) -> StageFailure:
        return StageFailure(doc, self.name, f"{type(error).__name__}: {error}")

    def _annotate(self, docs: list[Document]) -> None:
        units = [(doc, number, start, end) for doc in docs for number, (start, end) in enumerate(doc.sentences)]
        texts = (doc.text[start:end] for doc, _, start, end in units)
        entities: dict[int, list[Entity]] = {id(doc): [] for doc in docs}
        contexts = {id(doc): DateContext(reference_date(doc)) for doc in docs}
        for (doc, number, offset, _), parsed in zip(units, self.nlp.pipe(texts, batch_size=self.config.ner.batch_size)):
            contexts[id(doc)].enter_sentence(number)
            entities[id(doc)].extend(self._entities(doc, parsed, offset, contexts[id(doc)]))
        for doc in docs:
            doc.entities = entities[id(doc)]

    def _entities(self, doc: Document, parsed: SpacyDoc, offset: int, context: DateContext) -> Iterator[Entity]:
        for ent in parsed.ents:
            start, end = offset + ent.start_char, offset + ent.end_char
            if doc.is_flagged(start, end):
                continue
            raw_start, raw_end = doc.raw_span(start, end)
            text = doc.text[start:end]
            yield Entity(text, ent.label_, start, end, raw_start, raw_end, self._norm(text, ent.label_, context), ent.id_ or "model")

    def _norm(self, text: str, label: str, context: DateContext) -> Any:
        if label == "DATE":
            norm = normalise_date(text, self.rules.dates, context)
            context.remember(norm)
            return norm
        if label == "QUANTITY":
            return normalise_quantity(text, self.rules.quantities)
        if label == "ORG":
            return self.rules.orgs.canonical_name(text)
        return text
