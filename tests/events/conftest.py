"""Fixtures for the events tests: documents with hand-made entities, so no NER model is needed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pipeline.document import Document, Entity
from pipeline.events import EventExtractor, load_rules
from pipeline.resources import configs_dir

EntitySpec = tuple[str, str] | tuple[str, str, Any]


def build_doc(text: str, entities: list[EntitySpec] = (), **fields: Any) -> Document:
    """A document whose entities are given as (surface, label[, norm]).

    Each surface takes its first occurrence that no entity given before it covers, so list a
    long name before a short name inside it, and a repeated surface once per mention.
    """
    doc = Document(id=fields.pop("id", "doc"), raw_text=text, meta=fields.pop("meta", {}))
    for key, value in fields.items():
        setattr(doc, key, value)
    for spec in entities:
        surface, label = spec[0], spec[1]
        start = _free_occurrence(text, surface, doc.entities)
        norm = spec[2] if len(spec) > 2 else None
        doc.entities.append(
            Entity(surface, label, start, start + len(surface), start, start + len(surface), norm, "test")
        )
    return doc


def _free_occurrence(text: str, surface: str, entities: list[Entity]) -> int:
    start = text.find(surface)
    while start != -1:
        end = start + len(surface)
        if not any(entity.start < end and start < entity.end for entity in entities):
            return start
        start = text.find(surface, start + 1)
    raise ValueError(f"no free occurrence of {surface!r}")


def day(iso: str) -> dict[str, str]:
    return {"start": iso, "end": iso, "granularity": "day", "relation": "on", "year_from": "document_date"}


def quantity(value: float, unit: str, kind: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "kind": kind, "qualifiers": []}


@pytest.fixture(scope="session")
def extractor() -> EventExtractor:
    return EventExtractor(load_rules(configs_dir() / "events.yaml"))


@pytest.fixture
def extract(extractor: EventExtractor) -> Callable[..., list[dict[str, Any]]]:
    """Events of a document built with :func:`build_doc`."""
    return lambda text, entities=(), **fields: extractor.extract(build_doc(text, list(entities), **fields))
