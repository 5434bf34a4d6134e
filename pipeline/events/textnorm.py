"""Text normalisation for comparing slot values: the same words, whatever the spacing or punctuation."""

from __future__ import annotations

import json
import unicodedata
from typing import Any


def normalise(text: str) -> str:
    """NFKC text without whitespace, punctuation or symbols (``《方案》`` equals ``方案``)."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(char for char in folded if unicodedata.category(char)[0] in "LN")


def _resolved(norm: dict[str, Any]) -> bool:
    """Whether a structured norm pins its value: ``4月8日`` with an unresolved year does not."""
    return all(norm.get(key) is not None for key in ("start", "end", "value") if key in norm)


def value_key(value: dict[str, Any]) -> str:
    """What identifies a slot value: an entity's resolved structured ``norm`` (a date, a figure) as
    JSON, its canonical name when ``norm`` is a string (ORG ``扶贫办``), else its normalised text."""
    norm = value.get("norm")
    if value.get("label") and isinstance(norm, dict) and _resolved(norm):
        return json.dumps(norm, sort_keys=True, ensure_ascii=False)
    return normalise(norm if value.get("label") and isinstance(norm, str) else value["text"])
