"""Every event record validates against pipeline/schemas/event.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pipeline.config import load_config
from pipeline.records import event_records
from pipeline.resources import SAMPLES_DIR, SCHEMAS_DIR
from pipeline.runner import Runner
from tests.events.conftest import build_doc, day, quantity

SCHEMA = json.loads((SCHEMAS_DIR / "event.schema.json").read_text(encoding="utf-8"))
TEXT = (
    "4月8日，住房和城乡建设部党组召开会议，喻红秋主持会议。随后，住房和城乡建设部印发《工作方案》。\n"
    "全国已累计支持733万户建档立卡贫困户改造危房，县财政下达资金1.2亿元，全镇成立38个自查评估小组。"
)
ENTITIES = [
    ("4月8日", "DATE", day("2020-04-08")),
    ("住房和城乡建设部党组", "ORG"),
    ("喻红秋", "PER"),
    ("住房和城乡建设部", "ORG"),
    ("733万户", "QUANTITY", quantity(7330000, "户", "count")),
    ("县财政", "ORG"),
    ("1.2亿元", "QUANTITY", quantity(120000000, "元", "money")),
    ("38个", "QUANTITY", quantity(38, "个", "count")),
]


def validate(record: dict) -> None:
    jsonschema.validate(record, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_records_of_every_kind_validate(extractor):
    doc = build_doc(TEXT, ENTITIES, meta={"source": "中国建设报", "title": "挂牌督战"})
    doc.events.extend(extractor.extract(doc))
    info = {"version": "0.1.0", "ner_model": None, "config_sha": "0" * 64}
    records = event_records(doc, info)
    assert {record["type"] for record in records} == {
        "meeting",
        "document_issued",
        "statistic",
        "funding",
        "organization_formed",
    }
    for record in records:
        validate(record)
        for values in record["slots"].values():
            for value in values:
                assert TEXT[value["start"] : value["end"]] == value["text"]
                assert doc.raw_text[value["raw_start"] : value["raw_end"]] == value["text"]


def test_a_record_without_slots_is_invalid():
    record = {
        "schema_version": "1.0",
        "doc_id": "d",
        "event_id": "d#1",
        "type": "meeting",
        "sentence": "s",
        "slots": {},
        "trigger": {"text": "召开", "start": 0, "end": 2, "raw_start": 0, "raw_end": 2},
        "rule": "meeting/convene",
        "doc": {"source": None, "published": None, "title": None},
        "pipeline": {"version": "0.1.0", "ner_model": None, "config_sha": "0" * 64},
    }
    with pytest.raises(jsonschema.ValidationError):
        validate(record)


def test_samples_end_to_end_yield_valid_records_only(tmp_path: Path):
    manifest = Runner(load_config()).run(SAMPLES_DIR, tmp_path)
    assert manifest["documents"]["failed"] == 0, manifest["failed"]
    lines = (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines:
        validate(json.loads(line))
    assert len(lines) == manifest["outputs"]["events.jsonl"]
