"""The rule file: the shipped one loads, and a bad one fails with the file and the entry named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.events import EventRulesError, load_rules
from pipeline.resources import configs_dir

MINIMAL = {
    "types": {
        "meeting": {
            "triggers": [{"id": "convene", "words": ["召开"]}],
            "slots": {"name": {"pattern": "会议", "position": "after"}},
            "required": [["name"]],
        }
    }
}


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def broken(change) -> dict:
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    change(data["types"]["meeting"])
    return data


def test_shipped_rules_have_the_seven_types():
    rules = load_rules(configs_dir() / "events.yaml")
    assert set(rules.types) == {
        "meeting",
        "document_issued",
        "inspection",
        "statistic",
        "target",
        "funding",
        "organization_formed",
    }


def test_minimal_rules_load(tmp_path):
    assert list(load_rules(write(tmp_path, MINIMAL)).types) == ["meeting"]


@pytest.mark.parametrize(
    ("change", "entry", "message"),
    [
        (
            lambda t: t["triggers"][0].update(patterns=["召开("]),
            "types.meeting.triggers.0.patterns",
            "invalid regular expression",
        ),
        (
            lambda t: t["triggers"][0].update(blocking_patterns=["会议("]),
            "types.meeting.triggers.0.blocking_patterns",
            "invalid regular expression",
        ),
        (lambda t: t.update(required=[["title"]]), "types.meeting", "required names unknown slots ['title']"),
        (lambda t: t["slots"]["name"].update(colour="red"), "types.meeting.slots.name.0.colour", "unknown key"),
        (
            lambda t: t["slots"]["name"].update(labels=["ORG"]),
            "types.meeting.slots.name.0",
            "exactly one of labels, pattern or cues",
        ),
        (
            lambda t: t["slots"]["name"].update(anchor="date"),
            "types.meeting",
            "anchor 'date' is not a slot listed before it",
        ),
        (lambda t: t["triggers"][0].pop("words"), "types.meeting.triggers.0", "needs words or patterns"),
        (lambda t: t.update(merge_on=["name"], merge_min=3), "types.meeting", "merge_min 3 exceeds"),
    ],
)
def test_bad_entry_is_named(tmp_path, change, entry, message):
    path = write(tmp_path, broken(change))
    with pytest.raises(EventRulesError) as error:
        load_rules(path)
    text = str(error.value)
    assert str(path) in text
    assert entry in text
    assert message in text


def test_not_yaml_and_missing_file(tmp_path):
    with pytest.raises(EventRulesError, match="not valid YAML"):
        load_rules(write(tmp_path, "types: [unclosed"))
    with pytest.raises(EventRulesError, match="cannot read event rules"):
        load_rules(tmp_path / "missing.yaml")
    with pytest.raises(EventRulesError, match="must hold a mapping"):
        load_rules(write(tmp_path, "- a list"))
