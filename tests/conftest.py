"""Shared test helpers: schema validation and tracing output spans back to the raw input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import jsonschema
import opencc
import pytest

from pipeline.resources import SAMPLES_DIR, SCHEMAS_DIR

_T2S = opencc.OpenCC("t2s")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def output_spans(documents: list[dict], events: list[dict]) -> Iterator[tuple[str, dict]]:
    """Every span of a run's outputs with its document id: entities, triggers and slot values."""
    for record in documents:
        for entity in record["entities"]:
            yield record["id"], entity
    for event in events:
        yield event["doc_id"], event["trigger"]
        for values in event["slots"].values():
            yield from ((event["doc_id"], value) for value in values)


def original_of(raw_text: str, raw_start: int, raw_end: int, edits: list[dict]) -> str:
    """The raw slice with the recorded edits inside it replayed and converted to Simplified.

    This is what the span's text must equal if its raw offsets are exact: the Traditional,
    uncleaned original, cleaned by the same recorded edits, then converted.
    """
    inside = sorted(
        (edit for edit in edits if "replacement" in edit and raw_start <= edit["raw_start"] and edit["raw_end"] <= raw_end),
        key=lambda edit: (edit["raw_start"], edit["raw_end"]),
    )
    parts, cursor = [], raw_start
    for edit in inside:
        if edit["raw_start"] < cursor:
            continue
        parts.append(raw_text[cursor : edit["raw_start"]])
        parts.append(edit["replacement"])
        cursor = edit["raw_end"]
    parts.append(raw_text[cursor:raw_end])
    return _T2S.convert("".join(parts))


def assert_spans_trace_to_raw(run_dir: Path, raw_texts: dict[str, str]) -> int:
    """Assert every output span's raw slice is its original; returns how many spans were checked."""
    documents = read_jsonl(run_dir / "documents.jsonl")
    events = read_jsonl(run_dir / "events.jsonl")
    edits = {record["id"]: record["edits"] for record in documents}
    checked = 0
    for doc_id, span in output_spans(documents, events):
        original = original_of(raw_texts[doc_id], span["raw_start"], span["raw_end"], edits[doc_id])
        assert original == span["text"], f"{doc_id}: {span['text']!r} traced to {original!r}"
        checked += 1
    return checked


@pytest.fixture(scope="session")
def sample_texts() -> dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(SAMPLES_DIR.glob("*.txt"))}
