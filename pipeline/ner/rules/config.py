"""Reading configs/entities.yaml: macros, vocabulary checks and errors that name the file and entry.

The YAML holds the data (patterns, word lists, canonical names); the modules next to this one
hold the logic. Everything is compiled once per file and cached, so the spaCy components and the
normalisers share one copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...config import read_yaml_mapping

MACRO = re.compile(r"\{\{([A-Z_]+)\}\}")


class EntityRulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the entry."""


class RuleFile:
    """The parsed YAML of one rules file, with typed accessors that raise :class:`EntityRulesError`."""

    def __init__(self, path: Path, data: dict[str, Any]):
        self.path = path
        self.data = data
        self.macros: dict[str, str] = {}

    def error(self, entry: str, message: str) -> EntityRulesError:
        return EntityRulesError(f"{self.path}: entry {entry!r}: {message}")

    def get(self, entry: str, kind: type) -> Any:
        """The value at a dotted ``entry`` (``dates.relative_years``), checked to be of ``kind``."""
        node: Any = self.data
        for key in entry.split("."):
            if not isinstance(node, dict) or key not in node:
                raise self.error(entry, "missing")
            node = node[key]
        if not isinstance(node, kind):
            raise self.error(entry, f"expected {kind.__name__}, got {type(node).__name__}")
        return node

    def words(self, entry: str) -> list[str]:
        """A list of non-empty strings."""
        values = self.get(entry, list)
        for value in values:
            if not isinstance(value, str) or not value:
                raise self.error(entry, f"expected non-empty strings, got {value!r}")
        return values

    def expand(self, entry: str, pattern: str) -> str:
        """Replace ``{{NAME}}`` macros, naming the entry if one is unknown."""

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.macros:
                raise self.error(entry, f"unknown macro {{{{{name}}}}} (known: {', '.join(sorted(self.macros))})")
            return f"(?:{self.macros[name]})"

        return MACRO.sub(replace, pattern)

    def compile(self, entry: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
        """Expand macros and compile, naming the entry on a regex error."""
        try:
            return re.compile(self.expand(entry, pattern), flags)
        except re.error as error:
            raise self.error(entry, f"invalid regular expression: {error}") from None


def alternation(words: Iterable[str], escape: bool = True) -> str:
    """A regex alternation of ``words``, longest first so the longest word wins."""
    ordered = sorted(set(words), key=lambda word: (-len(word), word))
    return "|".join(re.escape(word) if escape else word for word in ordered)


def read_rule_file(path: str | Path) -> RuleFile:
    """Parse the YAML and register the ``macros`` section."""
    path = Path(path)
    data = read_yaml_mapping(path, "entity rules", EntityRulesError)
    rule_file = RuleFile(path, data)
    for name, value in rule_file.get("macros", dict).items():
        if not isinstance(value, str):
            raise rule_file.error(f"macros.{name}", "expected a regex string")
        rule_file.macros[str(name)] = value
    return rule_file


@lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> EntityRules:
    from .dates import DateRules
    from .exclusions import Exclusions
    from .model_spans import ModelSpanFilter
    from .orgs import OrgRules
    from .quantities import QuantityRules

    rule_file = read_rule_file(path)
    return EntityRules(
        path=Path(path),
        dates=DateRules.from_file(rule_file),
        quantities=QuantityRules.from_file(rule_file),
        exclusions=Exclusions.from_file(rule_file),
        orgs=OrgRules.from_file(rule_file),
        model_spans=ModelSpanFilter.from_file(rule_file),
    )


class EntityRules:
    """All compiled rules of one entities.yaml."""

    def __init__(self, path: Path, dates: Any, quantities: Any, exclusions: Any, orgs: Any, model_spans: Any):
        self.path = path
        self.dates = dates
        self.quantities = quantities
        self.exclusions = exclusions
        self.orgs = orgs
        self.model_spans = model_spans


def load_entity_rules(path: str | Path) -> EntityRules:
    """The compiled rules of ``path``, cached until the file changes."""
    resolved = Path(path).resolve()
    if not resolved.is_file():
        raise EntityRulesError(f"entity rules file {path} not found")
    return _load(str(resolved), resolved.stat().st_mtime)
