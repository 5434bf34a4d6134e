"""Character classes, line spans and the Simplified matching view shared by the cleaning passes."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import opencc

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
LINE = re.compile(r"[^\n]*")


@cache
def converter(config: str) -> opencc.OpenCC:
    """One OpenCC converter per configuration (building one reads its dictionaries)."""
    return opencc.OpenCC(config)


def simplified_view(text: str) -> str:
    """The text converted with t2s, for matching Simplified rules against either script.

    t2s keeps the length, so view offsets are text offsets; a line whose conversion changed
    length is kept unconverted, which costs matching but never offsets.
    """
    view = converter("t2s").convert(text)
    if len(view) == len(text):
        return view
    lines = text.split("\n")
    converted = [converter("t2s").convert(line) for line in lines]
    return "\n".join(new if len(new) == len(old) else old for new, old in zip(converted, lines))


def line_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line, the newline excluded."""
    spans = []
    start = 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FFFF))


def _han_table() -> np.ndarray:
    """Is-Han by code point, up to the first code point above the ranges (standing for all above)."""
    table = np.zeros(HAN_RANGES[-1][1] + 2, dtype=bool)
    for low, high in HAN_RANGES:
        table[low : high + 1] = True
    return table


_HAN_TABLE = _han_table()


def code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def han_mask(points: np.ndarray) -> np.ndarray:
    """Which code points are Han characters (the ranges of :data:`HAN`): one table lookup rather
    than two comparisons per range."""
    return _HAN_TABLE[np.minimum(points, len(_HAN_TABLE) - 1)]


def han_count(text: str) -> int:
    return int(han_mask(code_points(text)).sum())
