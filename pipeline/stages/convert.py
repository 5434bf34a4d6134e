"""Script conversion stage: detects the script per segment and converts only Traditional text."""

from __future__ import annotations

from typing import Any

from ..config import Config
from ..conversion import ScriptConverter
from ..document import Document
from .base import Stage


class ConvertStage(Stage):
    name = "convert"

    def __init__(self, config: Config):
        super().__init__(config)
        section = config.convert
        self.converter = ScriptConverter(section.opencc, section.traditional_share)

    def process(self, doc: Document) -> None:
        self.converter.convert(doc)

    def describe(self) -> dict[str, Any]:
        return {"opencc": self.converter.config, "traditional_share": self.converter.share}
