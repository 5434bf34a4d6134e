"""Output records: the document record and the event record of ../shared/EVENTS.md.

Both carry ``schema_version`` so loaders can refuse output they do not understand; the JSON
Schemas in ``pipeline/schemas/`` describe them and the tests validate every line against them.
"""

from __future__ import annotations

from typing import Any

from .document import Document

SCHEMA_VERSION = "1.0"
#: Metadata keys copied from the document into every event's ``doc`` block.
EVENT_DOC_KEYS = ("source", "published", "title", "author")


def document_record(doc: Document) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "id": doc.id,
        "source": doc.source,
        "meta": doc.meta,
        "kind": doc.kind,
        "kind_reason": doc.kind_reason,
        "script": doc.script,
        "clean_text": doc.text,
        "edits": doc.edits,
        "flags": [flag.to_record() for flag in doc.flags],
        "sentences": [list(sentence) for sentence in doc.sentences],
        "entities": [entity.to_record() for entity in doc.entities],
    }


def event_records(doc: Document, pipeline_info: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's events as full records, numbered ``<doc_id>#<n>`` in document order."""
    doc_block = {key: doc.meta.get(key) for key in EVENT_DOC_KEYS}
    records = []
    for number, event in enumerate(doc.events, start=1):
        record = {"schema_version": SCHEMA_VERSION, "doc_id": doc.id, "event_id": f"{doc.id}#{number}"}
        record.update(event)
        record["doc"] = doc_block
        record["pipeline"] = pipeline_info
        records.append(record)
    return records
