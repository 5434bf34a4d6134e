"""The document model: raw text, current text, and an offset map that composes across edits.

Every text-changing stage edits a :class:`Document` through :meth:`Document.apply_edits`, so the
map from the current text back to the raw (decoded, unedited) text stays exact however many stages
delete, insert or replace text of unequal length. Spans in the output carry both offset pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to the current text: replace ``text[start:end]`` by ``replacement``.

    ``kind`` says what the edit is (``remove``, ``repair``, ``convert``, ...), ``rule`` names the
    configured rule that made it and ``reason`` says why, for the audit trail in documents.jsonl.
    """

    start: int
    end: int
    replacement: str = ""
    kind: str = "remove"
    rule: str = ""
    reason: str = ""


class OffsetMap:
    """Maps every character of the current text to the raw span it came from.

    ``starts[i]:ends[i]`` is the raw span of current character ``i``. A copied character covers one
    raw character; all characters written by a replacement cover the whole replaced raw segment, so
    a replacement maps back atomically; inserted characters cover an empty raw span. A sentinel at
    index ``len(text)`` anchors empty spans at the end. Edits are applied in batches with array
    slicing, so one stage costs O(n) however many edits it makes.
    """

    __slots__ = ("starts", "ends")

    def __init__(self, starts: np.ndarray, ends: np.ndarray):
        self.starts = starts
        self.ends = ends

    @classmethod
    def identity(cls, length: int) -> "OffsetMap":
        positions = np.arange(length + 1, dtype=np.int64)
        ends = positions + 1
        ends[-1] = length
        return cls(positions, ends)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw span that the current span ``[start, end)`` came from."""
        if not 0 <= start <= end <= len(self):
            raise IndexError(f"span {start}:{end} outside text of length {len(self)}")
        if start == end:
            anchor = int(self.starts[start])
            return anchor, anchor
        # The union of the characters' origins: an insertion inside a replaced segment is anchored
        # at the segment's start, so the bounds need not sit on the first and last character.
        return int(self.starts[start:end].min()), int(self.ends[start:end].max())

    def raw_spans(self, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Vectorised :meth:`raw_span` for many sorted, non-overlapping spans at once."""
        if not len(starts):
            return starts.copy(), ends.copy()
        bounds = np.empty(2 * len(starts), dtype=np.int64)
        bounds[0::2], bounds[1::2] = starts, ends
        low = np.minimum.reduceat(self.starts, bounds)[0::2]
        high = np.maximum.reduceat(self.ends, bounds)[0::2]
        empty = starts == ends
        anchors = self.starts[starts]
        return np.where(empty, anchors, low), np.where(empty, anchors, high)

    def apply(self, edits: Sequence[Edit]) -> "OffsetMap":
        """The map after applying ``edits`` (sorted, non-overlapping, in current coordinates).

        Vectorised: each kept character moves by the length change of the edits before it, and
        each edit's new characters are filled with the edit's raw span.
        """
        starts = np.fromiter((edit.start for edit in edits), dtype=np.int64, count=len(edits))
        ends = np.fromiter((edit.end for edit in edits), dtype=np.int64, count=len(edits))
        sizes = np.fromiter((len(edit.replacement) for edit in edits), dtype=np.int64, count=len(edits))
        raw_starts, raw_ends = self.raw_spans(starts, ends)
        length = len(self.starts)
        growth = sizes - (ends - starts)
        shift_at = np.zeros(length + 1, dtype=np.int64)
        np.add.at(shift_at, ends, growth)
        shift = np.cumsum(shift_at)[:length]
        covered = np.zeros(length + 1, dtype=np.int64)
        np.add.at(covered, starts, 1)
        np.add.at(covered, ends, -1)
        kept = np.cumsum(covered)[:length] == 0
        new_length = length + int(growth.sum())
        new_starts = np.empty(new_length, dtype=np.int64)
        new_ends = np.empty(new_length, dtype=np.int64)
        positions = np.flatnonzero(kept)
        new_starts[positions + shift[positions]] = self.starts[kept]
        new_ends[positions + shift[positions]] = self.ends[kept]
        block_starts = starts + np.concatenate(([0], np.cumsum(growth)[:-1]))
        inserted = np.repeat(block_starts - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes) + np.arange(sizes.sum())
        new_starts[inserted] = np.repeat(raw_starts, sizes)
        new_ends[inserted] = np.repeat(raw_ends, sizes)
        return OffsetMap(new_starts, new_ends)


def check_edits(edits: Sequence[Edit], length: int) -> None:
    """Raise ValueError unless ``edits`` are sorted, non-overlapping and inside the text."""
    previous_end = 0
    for edit in edits:
        if not previous_end <= edit.start <= edit.end <= length:
            raise ValueError(
                f"edit {edit.start}:{edit.end} ({edit.rule or edit.kind}) overlaps another edit, "
                f"is out of order, or lies outside the text of length {length}"
            )
        previous_end = edit.end


def apply_to_text(text: str, edits: Sequence[Edit]) -> str:
    """The text after applying ``edits`` (sorted, non-overlapping)."""
    parts: list[str] = []
    cursor = 0
    for edit in edits:
        parts.append(text[cursor : edit.start])
        parts.append(edit.replacement)
        cursor = edit.end
    parts.append(text[cursor:])
    return "".join(parts)


@dataclass
class Entity:
    """A labelled span of the current text with its raw offsets and normalised value."""

    text: str
    label: str
    start: int
    end: int
    raw_start: int
    raw_end: int
    norm: Any = None
    source: str = ""

    def to_record(self) -> dict[str, Any]:
        record = {
            "text": self.text,
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "raw_start": self.raw_start,
            "raw_end": self.raw_end,
        }
        if self.norm is not None:
            record["norm"] = self.norm
        return record


@dataclass
class Flag:
    """A raw span that later stages must not extract from (placeholder, lost character, ...)."""

    kind: str
    rule: str
    raw_start: int
    raw_end: int

    def to_record(self) -> dict[str, Any]:
        return {"kind": self.kind, "rule": self.rule, "raw_start": self.raw_start, "raw_end": self.raw_end}


@dataclass
class Document:
    """One input document as it moves through the stages.

    ``raw_text`` never changes; ``text`` is the current text and ``offsets`` maps it back.
    Flags are kept in raw coordinates, which no later edit can move.
    """

    id: str
    raw_text: str
    meta: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    text: str = ""
    offsets: OffsetMap = field(init=False)
    edits: list[dict[str, Any]] = field(default_factory=list)
    kind: str = "news"
    kind_reason: str | None = None
    script: str | None = None
    flags: list[Flag] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = self.raw_text
        self.offsets = OffsetMap.identity(len(self.raw_text))

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets.raw_span(start, end)

    def span(self, start: int, end: int) -> dict[str, Any]:
        """A span record (text and both offset pairs) for ``text[start:end]``."""
        raw_start, raw_end = self.raw_span(start, end)
        return {"text": self.text[start:end], "start": start, "end": end, "raw_start": raw_start, "raw_end": raw_end}

    def apply_edits(self, edits: Iterable[Edit], record: bool = True) -> None:
        """Apply a batch of edits to the current text, keeping the offset map exact.

        With ``record`` each edit is added to the audit trail with its raw span and original text.
        """
        ordered = sorted(edits, key=lambda edit: (edit.start, edit.end))
        check_edits(ordered, len(self.text))
        if not ordered:
            return
        if record:
            self._record(ordered)
        self.offsets = self.offsets.apply(ordered)
        self.text = apply_to_text(self.text, ordered)

    def substitute(self, text: str) -> None:
        """Replace the current text by one of the same length, character for character.

        Each character keeps its raw span, so the offset map is unchanged: this is how script
        conversion (OpenCC t2s keeps the length) costs nothing per converted character.
        """
        if len(text) != len(self.text):
            raise ValueError(f"substitute needs a text of length {len(self.text)}, got {len(text)}")
        self.text = text

    def record_edit(self, kind: str, rule: str, raw_start: int, raw_end: int, reason: str = "", **extra: Any) -> None:
        """Add an audit entry for a change not made through :meth:`apply_edits` (a summary)."""
        entry = {"kind": kind, "rule": rule, "reason": reason, "raw_start": raw_start, "raw_end": raw_end}
        entry.update(extra)
        self.edits.append(entry)

    def _record(self, edits: Sequence[Edit]) -> None:
        starts = np.fromiter((edit.start for edit in edits), dtype=np.int64, count=len(edits))
        ends = np.fromiter((edit.end for edit in edits), dtype=np.int64, count=len(edits))
        raw_starts, raw_ends = self.offsets.raw_spans(starts, ends)
        raw = self.raw_text
        self.edits.extend(
            {
                "kind": edit.kind,
                "rule": edit.rule,
                "reason": edit.reason,
                "raw_start": raw_start,
                "raw_end": raw_end,
                "raw": raw[raw_start:raw_end],
                "replacement": edit.replacement,
            }
            for edit, raw_start, raw_end in zip(edits, raw_starts.tolist(), raw_ends.tolist())
        )

    def flag(self, start: int, end: int, kind: str, rule: str) -> None:
        """Flag the current span ``[start, end)`` so nothing is extracted from it."""
        raw_start, raw_end = self.raw_span(start, end)
        self.flags.append(Flag(kind, rule, raw_start, raw_end))

    def is_flagged(self, start: int, end: int) -> bool:
        """Whether the current span ``[start, end)`` overlaps a flagged raw span."""
        raw_start, raw_end = self.raw_span(start, end)
        return any(flag.raw_start < raw_end and raw_start < flag.raw_end for flag in self.flags)
