"""Script detection per segment and Traditional-to-Simplified conversion with OpenCC.

A character is a Traditional marker when t2s changes it and a Simplified marker when s2t changes
it. Each segment (a sentence or line) is classified from its markers; only Traditional segments
are converted with the configured OpenCC table. In other segments only the Traditional markers
are converted, with t2s, so Simplified text is never run through a Taiwan or Hong Kong phrase
table that could corrupt it (``什么`` to ``什幺``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .cleaning.text import HAN, code_points, converter, han_mask
from .document import Document, Edit

SEGMENT = re.compile(r"[^\n。！？!?；;]+[。！？!?；;]*")
#: the metadata keys the cleaning stage sets (converted to Simplified with the text)
META_KEYS = ("title", "source", "author", "reporter", "editor")
#: a segment with fewer script markers than this is never called mixed on its own
MIN_MIXED_MARKERS = 8


@dataclass
class Segment:
    start: int
    end: int
    script: str
    traditional: int
    simplified: int


def _changed(points: np.ndarray, text: str, config: str, converted: str | None = None) -> np.ndarray:
    """Which characters the OpenCC table changes (per segment when it changes the length)."""
    converted = converter(config).convert(text) if converted is None else converted
    if len(converted) == len(text):
        return points != code_points(converted)
    changed = np.zeros(len(points), dtype=bool)
    for match in SEGMENT.finditer(text):
        part = converter(config).convert(match.group())
        if len(part) == len(match.group()):
            changed[match.start() : match.end()] = points[match.start() : match.end()] != code_points(part)
    return changed


class ScriptConverter:
    def __init__(self, opencc_config: str = "t2s", traditional_share: float = 0.6):
        self.config = opencc_config
        self.share = traditional_share

    def segments(self, text: str, simplified: str | None = None) -> list[Segment]:
        """Every segment with Han characters, classified by its script markers.

        ``simplified`` is the text converted with t2s, when the caller already has it.
        """
        points = code_points(text)
        han = np.concatenate(([0], np.cumsum(han_mask(points))))
        traditional = np.concatenate(([0], np.cumsum(_changed(points, text, "t2s", simplified))))
        simplified_markers = np.concatenate(([0], np.cumsum(_changed(points, text, "s2t"))))
        overall = self._script(int(traditional[-1]), int(simplified_markers[-1]))
        segments = []
        for match in SEGMENT.finditer(text):
            start, end = match.span()
            if han[end] == han[start]:
                continue
            t_count, s_count = int(traditional[end] - traditional[start]), int(simplified_markers[end] - simplified_markers[start])
            script = self._script(t_count, s_count)
            if script == "mixed" and t_count + s_count < MIN_MIXED_MARKERS:
                # a few ambiguous characters (干, 于, 后 are also Traditional) decide nothing: the
                # document's script does
                script = overall
            segments.append(Segment(start, end, script, t_count, s_count))
        return segments

    def _script(self, traditional: int, simplified: int) -> str:
        if traditional + simplified == 0:
            return "neutral"
        share = traditional / (traditional + simplified)
        return "traditional" if share >= self.share else "simplified" if share <= 1 - self.share else "mixed"

    def convert(self, doc: Document) -> None:
        """Set ``doc.script`` and convert the Traditional parts of ``doc.text`` to Simplified.

        A conversion that keeps the length (t2s, hk2s and tw2s do) is a character-for-character
        substitution, so the offset map needs no edit; one that changes it becomes an edit.
        """
        tables = {"t2s": _converted(doc.text, "t2s")}
        if tables["t2s"] == doc.text:
            # no Traditional character anywhere: nothing to convert, no need to classify segments
            doc.script = "simplified" if HAN.search(doc.text) else "none"
            self._convert_meta(doc)
            return
        if self.config not in tables:
            tables[self.config] = _converted(doc.text, self.config)
        segments = self.segments(doc.text, tables["t2s"])
        doc.script = document_script(segments)
        parts: list[str] = []
        resized: list[Edit] = []
        cursor = 0
        for segment in segments:
            converted = self._segment_conversion(doc.text, segment, tables)
            if converted is None:
                continue
            table, text = converted
            original = doc.text[segment.start : segment.end]
            same_length = len(text) == len(original)
            raw_start, raw_end = doc.raw_span(segment.start, segment.end)
            doc.record_edit(
                "convert", f"opencc.{table}", raw_start, raw_end, f"{segment.script} segment to Simplified",
                characters=int((code_points(original) != code_points(text)).sum()) if same_length else len(original),
            )
            if same_length:
                parts.extend((doc.text[cursor : segment.start], text))
                cursor = segment.end
            else:
                resized.append(Edit(segment.start, segment.end, text, "convert", f"opencc.{table}"))
        parts.append(doc.text[cursor:])
        doc.substitute("".join(parts))
        doc.apply_edits(resized, record=False)
        self._convert_meta(doc)

    @staticmethod
    def _convert_meta(doc: Document) -> None:
        """The metadata the cleaner keeps is Simplified too (input record fields are left alone)."""
        for key in META_KEYS:
            if isinstance(doc.meta.get(key), str):
                doc.meta[key] = converter("t2s").convert(doc.meta[key])

    def _segment_conversion(self, text: str, segment: Segment, tables: dict[str, str | None]) -> tuple[str, str] | None:
        """(table, converted text) for a segment with Traditional markers, None if it has none.

        A Traditional segment takes the configured table; any other only t2s, which changes its
        Traditional markers and leaves Simplified characters alone.
        """
        if not segment.traditional:
            return None
        table = self.config if segment.script == "traditional" else "t2s"
        whole = tables[table]
        original = text[segment.start : segment.end]
        converted = whole[segment.start : segment.end] if whole is not None else converter(table).convert(original)
        return (table, converted) if converted != original else None


def _converted(text: str, table: str) -> str | None:
    """The whole text converted once (None when the table changed its length: convert per segment)."""
    converted = converter(table).convert(text)
    return converted if len(converted) == len(text) else None


def document_script(segments: list[Segment]) -> str:
    """simplified / traditional when every classified segment agrees, mixed otherwise, none without Han."""
    scripts = {segment.script for segment in segments} - {"neutral"}
    if not segments:
        return "none"
    if not scripts:
        return "simplified"
    if scripts <= {"traditional"}:
        return "traditional"
    if scripts <= {"simplified"}:
        return "simplified"
    return "mixed"
