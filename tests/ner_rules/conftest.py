"""Fixtures for the rule tests: the shipped rules and a rules-only spaCy pipeline."""

from __future__ import annotations

import pytest
import spacy

import pipeline.ner.rules  # noqa: F401  (registers zh_entity_rules)
from pipeline.ner.rules import load_entity_rules
from pipeline.resources import configs_dir

RULES_PATH = configs_dir() / "entities.yaml"


@pytest.fixture(scope="session")
def rules():
    return load_entity_rules(RULES_PATH)


@pytest.fixture(scope="session")
def nlp():
    pipeline = spacy.blank("zh")
    pipeline.add_pipe("zh_entity_rules", config={"rules_path": str(RULES_PATH)})
    return pipeline


@pytest.fixture
def ents(nlp):
    """(text, label) of the entities the rules find in a text."""

    def run(text: str, label: str | None = None) -> list[tuple[str, str]]:
        return [(e.text, e.label_) for e in nlp(text).ents if label is None or e.label_ == label]

    return run
