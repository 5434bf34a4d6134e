"""A bad entities.yaml fails at start-up with the file and the entry named."""

from __future__ import annotations

import pytest
import yaml

from pipeline.ner.rules import EntityRulesError, load_entity_rules
from pipeline.resources import configs_dir

RULES_PATH = configs_dir() / "entities.yaml"


def broken(tmp_path, edit):
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "entities.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "edit, entry",
    [
        (lambda d: d["dates"]["patterns"].append({"name": "bad", "regex": "(?P<y>\\d{4"}), "dates.patterns[12] (bad)"),
        (lambda d: d["dates"]["patterns"].append({"name": "macro", "regex": "{{NOPE}}"}), "dates.patterns[12] (macro)"),
        (lambda d: d["dates"]["vague"].update({"近日": True}), "dates.vague.近日"),
        (lambda d: d["dates"]["month_parts"].update({"初": [1, 40]}), "dates.month_parts.初"),
        (lambda d: d["quantities"]["units"].update({"money": ["元", "户"]}), "quantities.units.money"),
        (lambda d: d["quantities"]["units"].update({"weight": ["吨"]}), "quantities.units.weight"),
        (lambda d: d["orgs"].update({"gazetteer": ["国务院", 3]}), "orgs.gazetteer"),
        (lambda d: d["orgs"].pop("bodies"), "orgs.bodies"),
        (lambda d: d["model_spans"]["min_chars"].update({"PER": 0}), "model_spans.min_chars.PER"),
        (lambda d: d["model_spans"]["not_names"].update({"ORG": "大众"}), "model_spans.not_names.ORG"),
    ],
)
def test_errors_name_file_and_entry(tmp_path, edit, entry):
    path = broken(tmp_path, edit)
    with pytest.raises(EntityRulesError) as error:
        load_entity_rules(path)
    assert str(path) in str(error.value) and f"'{entry}'" in str(error.value)


def test_invalid_yaml_names_the_file(tmp_path):
    path = tmp_path / "entities.yaml"
    path.write_text("dates: [unclosed", encoding="utf-8")
    with pytest.raises(EntityRulesError, match="not valid YAML"):
        load_entity_rules(path)


def test_missing_file(tmp_path):
    with pytest.raises(EntityRulesError, match="not found"):
        load_entity_rules(tmp_path / "nope.yaml")
