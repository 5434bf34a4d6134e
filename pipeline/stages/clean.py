"""Cleaning stage: removes noise lines and tails, repairs inline corruption, keeps metadata."""

from __future__ import annotations

from typing import Any

from ..cleaning import Cleaner, RuleError
from ..config import Config, ConfigError
from ..document import Document
from .base import Stage


class CleanStage(Stage):
    name = "clean"

    def __init__(self, config: Config):
        super().__init__(config)
        self.rule_path = config.rule_path(config.clean.rules)
        try:
            self.cleaner = Cleaner.from_file(self.rule_path)
        except RuleError as error:
            raise ConfigError(str(error)) from None

    def process(self, doc: Document) -> None:
        self.cleaner.clean(doc)

    def describe(self) -> dict[str, Any]:
        rules = self.cleaner.rules
        return {"rules": str(self.rule_path), "line_rules": len(rules.lines), "inline_rules": len(rules.inline)}
