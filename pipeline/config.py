"""Run configuration: YAML files validated by pydantic, ``--set`` overrides, and a stable hash.

The config in force (with the contents of the rule files it names) is hashed and written into
every run's manifest and event record, so a result can always be traced to the rules that made it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .resources import configs_dir, default_config_path


class ConfigError(ValueError):
    """A config file or override that cannot be used; the message says which key and why."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StageSection(Section):
    enabled: bool = True


class ReadConfig(Section):
    """Input decoding and record fields. Reading cannot be disabled: it is the input."""

    glob: str = "**/*"
    encoding: str = Field("auto", description="'auto' to detect, or a Python codec name")
    max_bytes: int = Field(50_000_000, gt=0, description="larger files are skipped")
    id_field: str = "id"
    text_field: str = "text"
    meta_fields: list[str] | None = Field(None, description="record fields kept as metadata; null keeps all others")


class CleanConfig(StageSection):
    rules: str = "cleaning.yaml"


class ConvertConfig(StageSection):
    opencc: Literal["t2s", "hk2s", "tw2s"] = "t2s"
    traditional_share: float = Field(
        0.6, gt=0.5, le=1, description="share of Traditional among script markers that makes a segment Traditional"
    )


class NerConfig(StageSection):
    backend: Literal["spacy", "hanlp"] = "spacy"
    model: str | None = Field("zh_msra_ner", description="null: rule-based entities only, no statistical model")
    rules: str = "entities.yaml"
    batch_size: int = Field(64, gt=0)
    max_sentence_chars: int = Field(500, ge=50, description="longer sentences are cut before the model sees them")
    threads: int = Field(1, gt=0, description="torch threads for a torch-based model; 1 is fastest on shared cores")


class EventsConfig(StageSection):
    rules: str = "events.yaml"


class WriteConfig(StageSection):
    """With ``enabled: false`` a run writes only its manifest and errors (a dry run)."""

    documents: bool = True
    events: bool = True


class RunConfig(Section):
    batch_size: int = Field(16, gt=0, description="documents handed to each stage at once")


class Config(Section):
    read: ReadConfig = ReadConfig()
    clean: CleanConfig = CleanConfig()
    convert: ConvertConfig = ConvertConfig()
    ner: NerConfig = NerConfig()
    events: EventsConfig = EventsConfig()
    write: WriteConfig = WriteConfig()
    run: RunConfig = RunConfig()

    #: The folder rule files are looked up in first (the config file's own folder).
    base_dir: Path = Field(default_factory=configs_dir, exclude=True)

    def rule_path(self, name: str) -> Path:
        """A rule file named in the config: beside the config file, else among the shipped configs."""
        path = Path(name).expanduser()
        for candidate in (path, self.base_dir / path, configs_dir() / path):
            if candidate.is_file():
                return candidate
        raise ConfigError(f"rule file {name!r} not found beside {self.base_dir} or in {configs_dir()}")

    def rule_files(self) -> dict[str, Path]:
        """The rule files of the enabled stages, by stage."""
        sections = {"clean": self.clean, "ner": self.ner, "events": self.events}
        return {stage: self.rule_path(section.rules) for stage, section in sections.items() if section.enabled}

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def sha(self) -> str:
        """sha256 of the config and the contents of the rule files it uses."""
        digest = hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False).encode())
        for stage, path in sorted(self.rule_files().items()):
            digest.update(stage.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()


def parse_override(item: str) -> tuple[list[str], Any]:
    """``a.b=value`` to (["a", "b"], value); the value is read as YAML (``false``, ``3``, ``[a, b]``)."""
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--set expects KEY=VALUE, got {item!r}")
    return key.strip().split("."), yaml.safe_load(value) if value.strip() else ""


def _set_path(data: dict[str, Any], keys: list[str], value: Any) -> None:
    node = data
    for key in keys[:-1]:
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise ConfigError(f"--set {'.'.join(keys)}: {key!r} is not a section")
        node = child
    node[keys[-1]] = value


def _format_validation_error(error: ValidationError, source: str) -> str:
    lines = [f"invalid configuration in {source}:"]
    for problem in error.errors():
        location = ".".join(str(part) for part in problem["loc"])
        message = "unknown key" if problem["type"] == "extra_forbidden" else problem["msg"]
        lines.append(f"  {location}: {message} (got {problem.get('input')!r})")
    return "\n".join(lines)


def read_yaml_mapping(path: str | Path, what: str, error: type[Exception] = ConfigError) -> dict[str, Any]:
    """Read a YAML file that must hold a mapping; problems raise ``error`` naming ``what`` and the file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as problem:
        raise error(f"cannot read {what} {path}: {problem.strerror or problem}") from problem
    except yaml.YAMLError as problem:
        raise error(f"{what} {path} is not valid YAML: {problem}") from problem
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise error(f"{what} {path} must hold a mapping, not {type(data).__name__}")
    return data


def load_config(path: str | Path | None = None, overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Load and validate a config file (the shipped default if ``path`` is None) with overrides."""
    config_path = Path(path) if path else default_config_path()
    data = read_yaml_mapping(config_path, "config file")
    for item in overrides:
        keys, value = parse_override(item)
        _set_path(data, keys, value)
    data["base_dir"] = config_path.resolve().parent
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_format_validation_error(error, str(config_path))) from None
