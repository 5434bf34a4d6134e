"""Fixtures of the retraining tests: synthetic doccano data with a new label and a tiny training config."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.retraining.synthetic import make_doccano

HERE = Path(__file__).resolve().parent
TINY_CONFIG = HERE / "tiny_config.yaml"


@pytest.fixture(scope="session")
def policy_doccano(tmp_path_factory) -> Path:
    """80 doccano texts annotated with ORG, PER, LOC and the new label POLICY."""
    return make_doccano(tmp_path_factory.mktemp("doccano") / "policy.jsonl", 80, seed=1)


@pytest.fixture(scope="session")
def tiny_config() -> Path:
    return TINY_CONFIG
