"""Sentences, clauses and paragraphs of a document's cleaned text, as ``(start, end)`` spans.

The NER stage sets ``doc.sentences``; when it did not (NER disabled), sentences are cut here at
sentence punctuation and line ends so the events stage still runs on its own.
"""

from __future__ import annotations

import re

from ..document import Document


def split_sentences(text: str, delimiters: str) -> list[tuple[int, int]]:
    """Sentence spans cut after each delimiter and at line ends, without surrounding blanks."""
    pattern = re.compile(f"[^{re.escape(delimiters)}\\n]*(?:[{re.escape(delimiters)}]+|\\n|$)")
    spans = []
    for match in pattern.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def sentences(doc: Document, delimiters: str) -> list[tuple[int, int]]:
    """The document's sentences: the NER stage's, or cut here when it set none."""
    return list(doc.sentences) if doc.sentences else split_sentences(doc.text, delimiters)


def clause(text: str, span: tuple[int, int], sentence: tuple[int, int], delimiters: str) -> tuple[int, int]:
    """The clause of ``sentence`` around ``span``, bounded by clause delimiters outside the span.

    A span may itself contain a delimiter (a trigger such as ``目标任务，就是``); its clause then
    runs from the clause start before it to the clause end after it.
    """
    start, end = sentence
    left = max((text.rfind(mark, start, span[0]) for mark in delimiters), default=-1)
    rights = [index for index in (text.find(mark, span[1], end) for mark in delimiters) if index != -1]
    return (left + 1 if left >= start else start, min(rights, default=end))


def paragraph(text: str, position: int) -> tuple[int, int]:
    """The line of the cleaned text around ``position``."""
    end = text.find("\n", position)
    return text.rfind("\n", 0, position) + 1, len(text) if end == -1 else end
