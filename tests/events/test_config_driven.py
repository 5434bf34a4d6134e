"""A new event type and a new trigger need only a rule file: proved with a temporary one."""

from __future__ import annotations

from pathlib import Path

import yaml

from pipeline.config import load_config
from pipeline.resources import configs_dir
from pipeline.stages.events import EventsStage
from tests.events.conftest import build_doc

AWARD = {
    "triggers": [{"id": "honour", "words": ["授予", "表彰"]}],
    "slots": {
        "honour": {"pattern": "“(?P<value>[^”]{2,30})”", "scope": "sentence", "position": "after", "max_gap": 8},
        "recipient": {"labels": ["ORG", "PER"], "scope": "clause", "position": "after", "max_gap": 2, "many": True},
        "date": {"labels": ["DATE"], "fallback": "paragraph"},
    },
    "required": [["honour"]],
}
TEXT = "6月1日，县委召集脱贫攻坚会议。\n县委授予黄家镇“脱贫攻坚先进集体”称号。"
ENTITIES = [("6月1日", "DATE"), ("县委", "ORG"), ("县委", "ORG"), ("黄家镇", "ORG")]


def stage_with(tmp_path: Path, change) -> EventsStage:
    rules = yaml.safe_load((configs_dir() / "events.yaml").read_text(encoding="utf-8"))
    change(rules)
    path = tmp_path / "my_events.yaml"
    path.write_text(yaml.safe_dump(rules, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return EventsStage(load_config(overrides=[f"events.rules={path}"]))


def events_of(stage: EventsStage) -> list[dict]:
    doc = build_doc(TEXT, ENTITIES)
    stage.process(doc)
    return doc.events


def test_shipped_rules_know_neither_the_type_nor_the_trigger(tmp_path):
    assert events_of(stage_with(tmp_path, lambda rules: None)) == []


def test_new_type_from_config_only(tmp_path):
    events = events_of(stage_with(tmp_path, lambda rules: rules["types"].update(award=AWARD)))
    assert [event["type"] for event in events] == ["award"]
    award = events[0]
    assert award["rule"] == "award/honour"
    assert [value["text"] for value in award["slots"]["honour"]] == ["脱贫攻坚先进集体"]
    assert [value["text"] for value in award["slots"]["recipient"]] == ["黄家镇"]
    assert "date" not in award["slots"]  # its paragraph (line) names no date


def test_new_trigger_from_config_only(tmp_path):
    def add_trigger(rules: dict) -> None:
        rules["types"]["meeting"]["triggers"].append({"id": "summon", "words": ["召集"]})

    events = events_of(stage_with(tmp_path, add_trigger))
    assert [(event["type"], event["rule"]) for event in events] == [("meeting", "meeting/summon")]
    assert [value["text"] for value in events[0]["slots"]["name"]] == ["脱贫攻坚会议"]
    assert [value["text"] for value in events[0]["slots"]["date"]] == ["6月1日"]
