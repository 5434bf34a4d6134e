"""A small hand-written run folder, so the loader's values can be checked whatever the stages find.

Two documents: one raw Traditional text with markup that cleaning removed (so raw and clean
offsets differ), one with no entities. Offsets are computed from the texts, not typed in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import opencc

from pipeline.records import SCHEMA_VERSION

T2S = opencc.OpenCC("t2s")
PREFIX = "<p>"
RAW_TEXT = PREFIX + "4月8日，住房和城鄉建設部黨組召開會議。全國已累計支持733萬戶貧困戶改造危房。"
CLEAN_TEXT = T2S.convert(RAW_TEXT[len(PREFIX) :])
PIPELINE = {"version": "0.1.0", "ner_model": "synthetic", "config_sha": "0" * 64}
DATE_NORM = {"start": "2020-04-08", "end": "2020-04-08", "granularity": "day", "relation": "on", "year_from": "document_date"}
QUANTITY_NORM = {"value": 7330000, "unit": "户", "kind": "count", "qualifiers": ["累计"]}
ORG = "住房和城乡建设部党组"


def span(text: str, label: str | None = None, norm: Any = None) -> dict[str, Any]:
    """A span of CLEAN_TEXT with both offset pairs (cleaning removed PREFIX from the raw text)."""
    start = CLEAN_TEXT.index(text)
    record: dict[str, Any] = {"text": text, "start": start, "end": start + len(text)}
    record.update(raw_start=start + len(PREFIX), raw_end=start + len(PREFIX) + len(text))
    if label is not None:
        record["label"] = label
    if norm is not None:
        record["norm"] = norm
    return record


def sentence_of(text: str) -> str:
    return next(sentence + "。" for sentence in CLEAN_TEXT.split("。") if text in sentence)


def document_records(raw_path: Path) -> list[dict[str, Any]]:
    entities = [span("4月8日", "DATE", DATE_NORM), span(ORG, "ORG", ORG), span("733万户", "QUANTITY", QUANTITY_NORM)]
    first = {
        "schema_version": SCHEMA_VERSION,
        "id": "doc-a",
        "source": str(raw_path),
        "meta": {"encoding": "utf-8", "tags": ["housing", "poverty"]},
        "kind": "news",
        "kind_reason": None,
        "script": "traditional",
        "clean_text": CLEAN_TEXT,
        "edits": [
            {
                "kind": "remove",
                "rule": "markup",
                "reason": "HTML tag",
                "raw_start": 0,
                "raw_end": len(PREFIX),
                "raw": PREFIX,
                "replacement": "",
            }
        ],
        "flags": [],
        "sentences": [[0, CLEAN_TEXT.index("。") + 1]],
        "entities": entities,
    }
    second = {
        "schema_version": SCHEMA_VERSION,
        "id": "doc-b",
        "source": "elsewhere.txt",
        "meta": {"published": "2020-04-13", "title": "无实体"},
        "kind": "not_news",
        "kind_reason": "too short",
        "script": "simplified",
        "clean_text": "短文。",
        "edits": [],
        "flags": [],
        "sentences": [],
        "entities": [],
    }
    return [first, second]


def event_records() -> list[dict[str, Any]]:
    doc = {"source": "中国建设报", "published": "2020-04-09", "title": "挂牌督战 响鼓重槌"}
    meeting = {
        "schema_version": SCHEMA_VERSION,
        "doc_id": "doc-a",
        "event_id": "doc-a#1",
        "type": "meeting",
        "trigger": span("召开"),
        "sentence": sentence_of("召开"),
        "slots": {
            "date": [span("4月8日", "DATE", DATE_NORM)],
            "organizer": [span(ORG, "ORG", ORG)],
            "name": [span("会议")],
            "venue_note": [span("党组")],
        },
        "rule": "meeting/convene",
        "date_source": "sentence",
        "doc": doc,
        "pipeline": PIPELINE,
    }
    statistic = {
        "schema_version": SCHEMA_VERSION,
        "doc_id": "doc-a",
        "event_id": "doc-a#2",
        "type": "statistic",
        "trigger": span("改造"),
        "sentence": sentence_of("改造"),
        "slots": {"value": [span("733万户", "QUANTITY", QUANTITY_NORM)], "metric": [span("贫困户改造危房")]},
        "rule": "statistic/figure",
        "doc": {**doc, "published": None},
        "pipeline": PIPELINE,
    }
    return [meeting, statistic]




def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")


def write_synthetic_run(directory: Path) -> Path:
    """A run folder holding documents.jsonl, events.jsonl and the raw input file they point to."""
    directory.mkdir(parents=True, exist_ok=True)
    raw_path = directory / "doc-a.txt"
    raw_path.write_text(RAW_TEXT, encoding="utf-8")
    write_jsonl(directory / "documents.jsonl", document_records(raw_path))
    write_jsonl(directory / "events.jsonl", event_records())
    return directory
