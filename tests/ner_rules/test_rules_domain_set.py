"""The hand-annotated domain set: its size, its format, and the DATE/QUANTITY targets (rules only)."""

from __future__ import annotations

import pytest

from pipeline.config import load_config
from pipeline.ner.rules.evaluation import (
    count_mentions,
    evaluate,
    parse_line,
    read_gold,
)
from pipeline.stages.ner import NerStage


@pytest.fixture(scope="module")
def stage():
    return NerStage(load_config(overrides=["ner.model=null"]))


def test_at_least_300_org_date_quantity_mentions():
    counts = count_mentions(read_gold("all"))
    assert sum(counts[label] for label in ("ORG", "DATE", "QUANTITY")) >= 300
    assert min(counts["ORG"], counts["DATE"], counts["QUANTITY"]) >= 100


def test_gold_marks_parse_to_offsets():
    item = parse_line("2020-05-06\t{{4月8日|DATE|2020-04-08,2020-04-08,day,on,document_date}}，{{县扶贫办|ORG}}投入{{1万元|QUANTITY|10000,元,money,q=近}}", "x")
    assert item.text == "4月8日，县扶贫办投入1万元"
    assert [(item.text[s.start : s.end], s.label) for s in item.spans] == [("4月8日", "DATE"), ("县扶贫办", "ORG"), ("1万元", "QUANTITY")]
    assert item.spans[2].norm == {"value": 10000, "unit": "元", "kind": "money", "qualifiers": ["近"]}
    with pytest.raises(ValueError):
        parse_line("-\t{{4月8日|DATE}}", "x")


@pytest.mark.parametrize("part", ["dev", "test"])
def test_date_and_quantity_targets(stage, part):
    scores = evaluate(read_gold(part), stage)
    assert scores.f1("DATE") >= 0.93, scores.table()
    assert scores.f1("QUANTITY") >= 0.93, scores.table()
    assert scores.norm_accuracy() >= 0.95, scores.table()
