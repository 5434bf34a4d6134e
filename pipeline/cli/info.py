"""``python -m pipeline info``: versions, the config in force, and the models found.

The runner (and with its stages spaCy and torch) is imported only when the command runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer
import yaml

from ..config import load_config
from ..resources import models_dir
from . import app
from .common import CONFIG_OPTION, SET_OPTION, user_errors


def find_models(directory: Path) -> list[dict[str, Any]]:
    """Every model folder under ``directory`` with the metadata it ships (spaCy's meta.json)."""
    found = []
    for meta_path in sorted(directory.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        found.append(
            {
                "path": str(meta_path.parent),
                "name": meta.get("name"),
                "version": meta.get("version"),
                "labels": meta.get("labels", {}).get("ner") or meta.get("labels"),
                "performance": meta.get("performance"),
            }
        )
    return found


@app.command()
def info(config: Optional[Path] = CONFIG_OPTION, overrides: list[str] = SET_OPTION) -> None:
    """Show package versions, the config in force with its hash, and the models found."""
    from ..runner import package_versions

    with user_errors():
        loaded = load_config(config, overrides)
        report = {
            "versions": package_versions(),
            "config_sha": loaded.sha(),
            "config": loaded.to_dict(),
            "models_dir": str(models_dir()),
            "models": find_models(models_dir()),
        }
    typer.echo(yaml.safe_dump(report, allow_unicode=True, sort_keys=False))
