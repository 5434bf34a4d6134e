"""The code passes the linter configured in pyproject.toml (unused names, import order, syntax)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_finds_nothing():
    pytest.importorskip("ruff", reason="ruff comes with the [test] extra")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "pipeline", "tests", "benchmarks"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
