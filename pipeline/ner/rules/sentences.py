"""Sentence splitting for Chinese text, with a bound on length so the model sees short inputs."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"[。！？!?；;…]+[”’」』）)】》\"']*|\n+")
SOFT_BREAK = re.compile(r"[，,、：:\s]")


def split_sentences(text: str, max_chars: int = 500) -> list[tuple[int, int]]:
    """(start, end) of each sentence, trimmed of surrounding whitespace.

    Sentences end after 。！？；… (with any closing quotes) or at a line break; a longer stretch
    is cut at the last comma or space before ``max_chars``, or hard at ``max_chars``.
    """
    spans = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        spans.extend(_bounded(text, start, match.end(), max_chars))
        start = match.end()
    spans.extend(_bounded(text, start, len(text), max_chars))
    return spans


def _bounded(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    pieces = []
    while end - start > max_chars:
        window = text[start + max_chars // 2 : start + max_chars]
        breaks = [m.end() for m in SOFT_BREAK.finditer(window)]
        cut = start + max_chars // 2 + breaks[-1] if breaks else start + max_chars
        pieces.extend(_bounded(text, start, cut, max_chars))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces
