"""Config files and overrides are validated with messages that name the key."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline.config import ConfigError, load_config


def test_default_config_loads_and_hashes_stably():
    assert load_config().sha() == load_config().sha()


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("clean.bogus=1", "clean.bogus: unknown key"),
        ("run.batch_size=many", "run.batch_size: Input should be a valid integer"),
        ("convert.opencc=s2t", "convert.opencc: Input should be 't2s', 'hk2s' or 'tw2s'"),
        ("novalue", "--set expects KEY=VALUE"),
        ("ner.batch_size=0", "ner.batch_size: Input should be greater than 0"),
    ],
)
def test_bad_overrides_are_named(override, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(overrides=[override])


def test_user_config_file_with_rules_beside_it(tmp_path):
    (tmp_path / "my.yaml").write_text("clean:\n  enabled: false\nwrite:\n  events: false\n", encoding="utf-8")
    config = load_config(tmp_path / "my.yaml")
    assert config.clean.enabled is False and config.write.events is False and config.convert.enabled is True
    (tmp_path / "bad.yaml").write_text("- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must hold a mapping"):
        load_config(tmp_path / "bad.yaml")


def test_cli_reports_config_errors_without_a_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--set", "ner.backend=bert"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "ner.backend: Input should be 'spacy' or 'hanlp'" in result.stderr
    assert "Traceback" not in result.stderr
