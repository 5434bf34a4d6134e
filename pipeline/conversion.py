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
from itertools import chain

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

        ``simplified`` is the text converted with t2s, when the caller already has it. Markers are
        counted with prefix sums over the whole text, so a segment costs no per-character work.
        """
        points = code_points(text)
        return self._classify(text, points, _prefix(_changed(points, text, "t2s", simplified)))

    def _classify(self, text: str, points: np.ndarray, traditional: np.ndarray) -> list[Segment]:
        """:meth:`segments`, given the code points and the prefix counts of Traditional markers
        (which :meth:`convert` needs too, so they are computed once)."""
        han = _prefix(han_mask(points))
        simplified_markers = _prefix(_changed(points, text, "s2t"))
        overall = self._script(int(traditional[-1]), int(simplified_markers[-1]))
        bounds = np.fromiter(chain.from_iterable(match.span() for match in SEGMENT.finditer(text)), dtype=np.int64).reshape(-1, 2)
        bounds = bounds[han[bounds[:, 1]] > han[bounds[:, 0]]]
        starts, ends = bounds[:, 0], bounds[:, 1]
        t_counts, s_counts = traditional[ends] - traditional[starts], simplified_markers[ends] - simplified_markers[starts]
        scripts = self._scripts(t_counts, s_counts)
        # a few ambiguous characters (干, 于, 后 are also Traditional) decide nothing: the document's script does
        scripts[(scripts == "mixed") & (t_counts + s_counts < MIN_MIXED_MARKERS)] = overall
        columns = (starts.tolist(), ends.tolist(), scripts.tolist(), t_counts.tolist(), s_counts.tolist())
        return [Segment(*values) for values in zip(*columns)]

    def _script(self, traditional: int, simplified: int) -> str:
        return str(self._scripts(np.array([traditional]), np.array([simplified]))[0])

    def _scripts(self, traditional: np.ndarray, simplified: np.ndarray) -> np.ndarray:
        """neutral without markers, else traditional / simplified / mixed by the Traditional share."""
        markers = traditional + simplified
        share = traditional / np.maximum(markers, 1)
        labels = np.where(share >= self.share, "traditional", np.where(share <= 1 - self.share, "simplified", "mixed"))
        return np.where(markers == 0, "neutral", labels).astype(object)

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
        points = code_points(doc.text)
        changed = {"t2s": _prefix(_changed(points, doc.text, "t2s", tables["t2s"]))}
        segments = self._classify(doc.text, points, changed["t2s"])
        doc.script = document_script(segments)
        conversions = [(segment, *converted) for segment in segments if (converted := self._segment_conversion(doc.text, segment, tables))]
        for table in {table for _, table, _ in conversions} - changed.keys():
            changed[table] = _prefix(_changed(points, doc.text, table, tables[table]))
        spans = np.array([(segment.start, segment.end) for segment, _, _ in conversions], dtype=np.int64).reshape(-1, 2)
        raw_starts, raw_ends = doc.offsets.raw_spans(spans[:, 0], spans[:, 1])
        parts: list[str] = []
        resized: list[Edit] = []
        cursor = 0
        for (segment, table, text), raw_start, raw_end in zip(conversions, raw_starts.tolist(), raw_ends.tolist()):
            original = doc.text[segment.start : segment.end]
            same_length = len(text) == len(original)
            doc.record_edit(
                "convert", f"opencc.{table}", raw_start, raw_end, f"{segment.script} segment to Simplified",
                characters=int(changed[table][segment.end] - changed[table][segment.start]) if same_length else len(original),
            )
            if same_length:
                parts.extend((doc.text[cursor : segment.start], text))
                cursor = segment.end
            else:
                resized.append(Edit(segment.start, segment.end, text, "convert", f"opencc.{table}"))
        parts.append(doc.text[cursor:])
        doc.substitute("".join(parts))
        if resized:
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


def _prefix(mask: np.ndarray) -> np.ndarray:
    """Counts of ``mask`` before each position (one more entry than the mask)."""
    return np.concatenate(([0], np.cumsum(mask)))


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
