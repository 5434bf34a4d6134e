"""The stages inside the pipeline: documents.jsonl records validate, seed metadata is right."""

from __future__ import annotations

import json

import jsonschema
import pytest

from pipeline.records import document_record
from pipeline.resources import SCHEMAS_DIR


@pytest.fixture(scope="module")
def schema():
    return json.loads((SCHEMAS_DIR / "document.schema.json").read_text(encoding="utf-8"))


def test_records_validate_against_the_schema(gold_runs, schema):
    for _, doc in gold_runs["seeds"] + gold_runs["team"]:
        record = json.loads(json.dumps(document_record(doc), ensure_ascii=False))
        jsonschema.validate(record, schema)


def test_every_seed_edit_names_a_rule_and_a_kind(gold_runs):
    for _, doc in gold_runs["seeds"]:
        assert doc.edits
        assert all(edit["rule"] and edit["kind"] for edit in doc.edits)


def test_seed_metadata(gold_runs):
    meta = {gold.id: doc.meta for gold, doc in gold_runs["seeds"]}
    assert meta["seed-000"] == {"source": "中国建设报", "title": "挂牌督战 响鼓重槌"}
    assert meta["seed-002"]["source"] == "河南日报"
    assert meta["seed-004"]["published"] == "2019-10-17T20:34"
    assert "published" not in meta["seed-000"]
