"""The command line starts without the heavy libraries: they are imported only when a command runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys

HEAVY = ("spacy", "thinc", "torch", "datasets", "pandas")
COMMANDS = ("run", "info", "export", "evaluate", "train")
SUBCOMMANDS = (("evaluate", "cleaning"), ("evaluate", "events"), ("evaluate", "ner"), ("train", "ner"))
HELPS = [["--help"], *([command, "--help"] for command in COMMANDS), *([*names, "--help"] for names in SUBCOMMANDS)]

# In a fresh interpreter: import the CLI, show every command's help, report the heavy modules loaded.
PROBE = f"""
import json, sys
import pipeline.cli
imported = [name for name in {HEAVY!r} if name in sys.modules]
from typer.testing import CliRunner
codes = [CliRunner().invoke(pipeline.cli.app, args).exit_code for args in {HELPS!r}]
after_help = [name for name in {HEAVY!r} if name in sys.modules]
print(json.dumps({{"imported": imported, "after_help": after_help, "codes": codes}}))
"""


def _python(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300)


def test_importing_the_cli_and_showing_help_loads_no_heavy_library():
    result = _python("-c", PROBE)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["imported"] == [], f"import pipeline.cli imported {report['imported']}"
    assert report["after_help"] == [], f"--help imported {report['after_help']}"
    assert report["codes"] == [0] * len(HELPS)


def test_help_exits_0_and_lists_the_commands():
    result = _python("-m", "pipeline", "--help")
    assert result.returncode == 0, result.stderr
    listed = set(re.findall(r"^\W*(\w+)\s", result.stdout, flags=re.MULTILINE))
    assert set(COMMANDS) <= listed, result.stdout
