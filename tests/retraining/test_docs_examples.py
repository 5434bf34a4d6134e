"""The files behind docs/retraining.md stay valid: the synthetic data is reproducible, the event rule block loads."""

from __future__ import annotations

from pathlib import Path

from pipeline.events.rules import load_rules
from pipeline.resources import configs_dir
from pipeline.training.formats import read_annotations
from tests.retraining.synthetic import make_doccano

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def test_policy_example_is_what_the_generator_writes(tmp_path):
    regenerated = make_doccano(tmp_path / "policy.jsonl", 120, seed=0)
    assert regenerated.read_bytes() == (EXAMPLES / "policy_ner.jsonl").read_bytes()
    labels = {label for example in read_annotations([regenerated]) for _, _, label in example.spans}
    assert labels == {"ORG", "PER", "LOC", "POLICY"}


def test_commendation_block_appended_to_the_shipped_rules_loads(tmp_path):
    rules = tmp_path / "events.yaml"
    shipped = (configs_dir() / "events.yaml").read_text(encoding="utf-8")
    rules.write_text(shipped + (EXAMPLES / "commendation_rules.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert "commendation" in load_rules(rules).types
