"""Text normalisation for comparing slot values: the same words, whatever the spacing or punctuation."""

from __future__ import annotations

import json
import unicodedata
from typing import Any


def normalise(text: str) -> str:
    """NFKC text without whitespace, punctuation or symbols (``《方案》`` equals ``方案``)."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(char for char in folded if unicodedata.category(char)[0] in "LN")


def value_key(value: dict[str, Any]) -> str:
    """What identifies a slot value: an entity's normalised value when it has one, else its text."""
    norm = value.get("norm")
    if value.get("label") and norm is not None:
        return json.dumps(norm, sort_keys=True, ensure_ascii=False)
    return normalise(value["text"])
