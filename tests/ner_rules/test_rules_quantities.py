"""QUANTITY spans and norms, and what is never a quantity (ordinals, formulas, dates, placeholders)."""

from __future__ import annotations

import pytest

from pipeline.ner.rules import normalise_quantity, parse_number


@pytest.mark.parametrize(
    "text, expected",
    [
        ("733万户", {"value": 7330000, "unit": "户", "kind": "count"}),
        ("39.8万", {"value": 398000, "unit": None, "kind": "count"}),
        ("三万", {"value": 30000, "unit": None, "kind": "count"}),
        ("1万元", {"value": 10000, "unit": "元", "kind": "money"}),
        ("1.2亿元", {"value": 120000000, "unit": "元", "kind": "money"}),
        ("5%", {"value": 5, "unit": "%", "kind": "percent"}),
        ("百分之九十五", {"value": 95, "unit": "%", "kind": "percent"}),
        ("220天以上", {"value": 220, "unit": "天", "kind": "duration", "qualifiers": ["以上"]}),
        ("7至10天", {"value": None, "unit": "天", "kind": "duration", "min": 7, "max": 10}),
        ("14个", {"value": 14, "unit": "个", "kind": "count"}),
        ("2000字", {"value": 2000, "unit": "字", "kind": "count"}),
        ("9899万人", {"value": 98990000, "unit": "人", "kind": "count"}),
        ("3万人以上", {"value": 30000, "unit": "人", "kind": "count", "qualifiers": ["以上"]}),
        ("12万亩", {"value": 120000, "unit": "亩", "kind": "measure"}),
        ("两个月", {"value": 2, "unit": "个月", "kind": "duration"}),
        ("一年多", {"value": 1, "unit": "年", "kind": "duration", "qualifiers": ["多"]}),
        ("3100余名", {"value": 3100, "unit": "名", "kind": "count", "qualifiers": ["余"]}),
        ("60多万", {"value": 600000, "unit": None, "kind": "count", "qualifiers": ["多"]}),
        ("近800亿元", {"value": 80000000000, "unit": "元", "kind": "money", "qualifiers": ["近"]}),
        ("累计1,200户", {"value": 1200, "unit": "户", "kind": "count", "qualifiers": ["累计"]}),
        ("一两年", {"value": None, "unit": "年", "kind": "duration", "min": 1, "max": 2}),
        ("半年", {"value": 0.5, "unit": "年", "kind": "duration"}),
        ("15.6%", {"value": 15.6, "unit": "%", "kind": "percent"}),
    ],
)
def test_span_and_norm(rules, ents, text, expected):
    assert ents(f"全县共有{text}，情况良好。", "QUANTITY") == [(text, "QUANTITY")]
    assert normalise_quantity(text, rules.quantities) == expected


def test_two_quantities_side_by_side(ents):
    assert ents("黄家镇有贫困户1021户4360人。", "QUANTITY") == [("1021户", "QUANTITY"), ("4360人", "QUANTITY")]


@pytest.mark.parametrize(
    "text",
    [
        "今天是第六个全国扶贫日。",
        "这是第1次会议，第 4 次扩大会议。",
        "聚焦“两不愁三保障”，增强“四个意识”，坚定“四个自信”，做到“两个维护”。",
        "开展“3+1”冲刺清零和“5+1”专项提升，决战“六大任务”，完成“十大专项行动”。",
        "这是一个高频词汇，也是一项重要举措，大家一起努力。",
        "**个县已经完成，xx个村正在推进。",
        "2019年10月17日召开会议。",
        "贫困人口要在6月底前全部脱贫。",
        "坚持不漏一户、不落一人，推行一户一策。",
    ],
)
def test_not_quantities(ents, text):
    assert ents(text, "QUANTITY") == []


def test_a_number_inside_a_date_is_not_a_quantity(ents):
    assert ents("2019年11月，全县投入资金1万元。") == [("2019年11月", "DATE"), ("1万元", "QUANTITY")]


@pytest.mark.parametrize("text, value", [("一千零二十一", 1021), ("39.8万", 398000), ("二〇二〇", 2020), ("１２", 12), ("半", 0.5)])
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_parse_number_rejects_units():
    with pytest.raises(ValueError):
        parse_number("3万户")


def test_latin_words_are_not_placeholders(ents):
    assert ents("用Excel 统计了1021户。", "QUANTITY") == [("1021户", "QUANTITY")]
