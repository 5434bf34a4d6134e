"""The rule file is validated on load with errors naming the file and the rule, and a user can
add a site's footer without touching code."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.cleaning import Cleaner, RuleError, load_rules
from pipeline.config import ConfigError, load_config
from pipeline.document import Document
from pipeline.resources import configs_dir
from pipeline.stages.clean import CleanStage

SHIPPED = configs_dir() / "cleaning.yaml"


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _shipped() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def test_the_shipped_rules_load():
    rules = load_rules(SHIPPED)
    assert rules.lines and rules.inline and rules.flags and rules.metadata and rules.not_news


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda data: data["lines"].append({"id": "footer.mysite", "category": "footer", "patterns": ["(unclosed"]}), "footer.mysite"),
        (lambda data: data["lines"].append({"id": "footer.empty", "category": "footer"}), "footer.empty"),
        (lambda data: data["lines"].append({"id": "footer.typo", "category": "footer", "keyword": ["x"]}), "footer.typo"),
        (lambda data: data["inline"].append({"id": "repair.macro", "pattern": "{{NOPE}}"}), "repair.macro"),
        (lambda data: data["flags"].append({"id": "flag.kind", "kind": "secret", "pattern": "x"}), "flag.kind"),
        (lambda data: data["lines"].append(dict(data["lines"][0])), "chrome.account"),
        (lambda data: data["metadata"].append({"id": "meta.nogroup", "key": "source", "pattern": "来源"}), "meta.nogroup"),
        (lambda data: data["numerals"]["words"].append({"word": "一线", "not_followed_by": "(x"}), "一线"),
    ],
    ids=["bad-regex", "no-test", "unknown-key", "unknown-macro", "bad-flag-kind", "duplicate-id", "meta-without-group", "numeral-word"],
)
def test_a_bad_rule_is_named_with_its_file(tmp_path, change, message):
    data = _shipped()
    change(data)
    path = _write(tmp_path, data)
    with pytest.raises(RuleError) as error:
        load_rules(path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_the_stage_reports_a_bad_rule_file_as_a_config_error(tmp_path):
    data = _shipped()
    data["inline"][0]["pattern"] = "[unclosed"
    _write(tmp_path, data)
    config = load_config(overrides=[f"clean.rules={tmp_path / 'rules.yaml'}"])
    with pytest.raises(ConfigError, match="pinyin.lost_char"):
        CleanStage(config)


def test_a_new_site_footer_is_a_rule_file_change(tmp_path):
    text = "全县完成危房改造856户。\n本站由某某科技提供运维服务 联系QQ 12345\n"
    before = Document(id="a", raw_text=text)
    Cleaner.from_file(SHIPPED).clean(before)
    assert "运维服务" in before.text
    data = _shipped()
    data["lines"].append({"id": "footer.mysite", "category": "footer", "keywords": ["提供运维服务"], "where": "tail"})
    after = Document(id="b", raw_text=text)
    Cleaner.from_file(_write(tmp_path, data)).clean(after)
    assert "运维服务" not in after.text
    assert any(edit["rule"] == "footer.mysite" for edit in after.edits)
