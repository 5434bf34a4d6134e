"""Shared fixtures: the shipped config, the stages, and the gold documents processed once."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.document import Document
from pipeline.evaluation.cleaning import load_gold, normalise
from pipeline.stages.clean import CleanStage
from pipeline.stages.convert import ConvertStage

GOLD = Path(__file__).parent / "gold"


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD


@pytest.fixture(scope="session")
def config():
    return load_config()


@pytest.fixture(scope="session")
def stages(config):
    return CleanStage(config), ConvertStage(config)


@pytest.fixture(scope="session")
def normalise_text(stages):
    """Clean and convert one text; returns the document."""

    def run(text: str) -> Document:
        doc = Document(id="t", raw_text=text)
        for stage in stages:
            stage.process(doc)
        return doc

    return run


@pytest.fixture(scope="session")
def gold_runs(config):
    """Every gold document with its processed Document, by folder name (seeds, team)."""
    runs = {}
    for folder in ("seeds", "team"):
        documents = load_gold(GOLD / folder)
        runs[folder] = list(zip(documents, normalise(documents, config)))
    return runs
