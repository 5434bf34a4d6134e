"""The document model: raw text, current text, and an offset map that composes across edits.

Every text-changing stage edits a :class:`Document` through :meth:`Document.apply_edits`, so the
map from the current text back to the raw (decoded, unedited) text stays exact however many stages
delete, insert or replace text of unequal length. Spans in the output carry both offset pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
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
        # reduceat over an empty span yields the value at its start: the anchor, for the low bound
        low = np.minimum.reduceat(self.starts, bounds)[0::2]
        high = np.maximum.reduceat(self.ends, bounds)[0::2]
        return low, np.where(starts == ends, low, high)

    def apply(self, edits: Sequence[Edit]) -> "OffsetMap":
        """The map after applying ``edits`` (sorted, non-overlapping, in current coordinates)."""
        columns = EditColumns.of(edits)
        return self.apply_spans(columns.starts, columns.ends, columns.sizes(), self.raw_spans(columns.starts, columns.ends))

    def apply_spans(self, starts: np.ndarray, ends: np.ndarray, sizes: np.ndarray, raw: tuple[np.ndarray, np.ndarray]) -> OffsetMap:
        """:meth:`apply` on columns: replace ``[starts[i], ends[i])`` by ``sizes[i]`` new characters
        that come from the raw span ``raw[0][i]:raw[1][i]`` (the span's :meth:`raw_spans`).

        Vectorised: the replaced characters go, and each edit's new characters, all carrying the
        edit's raw span, are placed after the characters kept before the edit.
        """
        lengths = ends - starts
        kept_before = starts - _before(lengths)
        kept = np.ones(len(self.starts), dtype=bool)
        kept[np.repeat(kept_before, lengths) + np.arange(lengths.sum())] = False
        added = int(sizes.sum())
        if not added:
            return OffsetMap(self.starts[kept], self.ends[kept])
        fresh = np.zeros(len(self.starts) + added - int(lengths.sum()), dtype=bool)
        fresh[np.repeat(kept_before, sizes) + np.arange(added)] = True
        new_starts = np.empty(len(fresh), dtype=np.int64)
        new_ends = np.empty(len(fresh), dtype=np.int64)
        new_starts[fresh], new_ends[fresh] = np.repeat(raw[0], sizes), np.repeat(raw[1], sizes)
        new_starts[~fresh], new_ends[~fresh] = self.starts[kept], self.ends[kept]
        return OffsetMap(new_starts, new_ends)


@dataclass(frozen=True, eq=False)
class EditColumns:
    """A batch of edits as columns (arrays), the form :meth:`Document.apply_edits` works on.

    A stage making tens of thousands of edits (pinyin readings, converted characters) builds the
    columns directly: one :class:`Edit` object per change would cost more than the change.
    """

    starts: np.ndarray
    ends: np.ndarray
    replacements: np.ndarray
    kinds: np.ndarray
    rules: np.ndarray
    reasons: np.ndarray
    #: known to be sorted by (start, end)
    ordered: bool = False

    @classmethod
    def of(cls, edits: Iterable[Edit] | EditColumns) -> EditColumns:
        """The edits as columns, in their given order."""
        if isinstance(edits, EditColumns):
            return edits
        rows = [(edit.start, edit.end, edit.replacement, edit.kind, edit.rule, edit.reason) for edit in edits]
        starts, ends, *labels = zip(*rows) if rows else [()] * 6
        return cls(np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64), *(object_column(column, len(rows)) for column in labels))

    @classmethod
    def concatenate(cls, batches: Sequence[EditColumns]) -> EditColumns:
        if not batches:
            return cls.of([])
        return cls(*(np.concatenate([getattr(batch, name) for batch in batches]) for name in _COLUMNS))

    def __len__(self) -> int:
        return len(self.starts)

    def sizes(self) -> np.ndarray:
        """The length of each replacement (the cleaner asks twice per batch: computed once)."""
        return self._sizes

    @cached_property
    def _sizes(self) -> np.ndarray:
        return np.fromiter(map(len, self.replacements), dtype=np.int64, count=len(self))

    def sorted(self) -> EditColumns:
        """The edits by (start, end); equal spans keep their order (a stable sort)."""
        if self.ordered:
            return self
        columns = [getattr(self, name) for name in _COLUMNS]
        if not (self.starts[1:] > self.starts[:-1]).all():
            keys = self.starts * (int(self.ends.max(initial=0)) + 1) + self.ends
            order = np.argsort(keys, kind="stable")
            columns = [column[order] for column in columns]
        return EditColumns(*columns, ordered=True)

    def check(self, length: int) -> None:
        """Raise ValueError unless the edits are sorted, non-overlapping and inside the text."""
        previous_ends = np.concatenate(([0], self.ends[:-1]))
        bad = (self.starts < previous_ends) | (self.ends < self.starts) | (self.ends > length)
        if bad.any():
            index = int(np.argmax(bad))
            raise ValueError(
                f"edit {self.starts[index]}:{self.ends[index]} ({self.rules[index] or self.kinds[index]}) overlaps another edit, "
                f"is out of order, or lies outside the text of length {length}"
            )

    def apply_to(self, text: str) -> str:
        """The text after applying the edits (sorted, non-overlapping)."""
        parts = [""] * (2 * len(self) + 1)
        parts[0::2] = map(text.__getitem__, map(slice, [0, *self.ends.tolist()], [*self.starts.tolist(), len(text)]))
        parts[1::2] = self.replacements.tolist()
        return "".join(parts)


def _before(values: np.ndarray) -> np.ndarray:
    """The sum of the values before each position (0 for the first)."""
    return np.concatenate(([0], np.cumsum(values)[:-1])) if len(values) else values


_COLUMNS = ("starts", "ends", "replacements", "kinds", "rules", "reasons")


def object_column(values: Sequence[Any] | str, count: int) -> np.ndarray:
    """An object array of ``count`` values, or of one string repeated (np.array would make a
    fixed-width string array)."""
    column = np.empty(count, dtype=object)
    column[:] = values
    return column


def check_edits(edits: Sequence[Edit], length: int) -> None:
    """Raise ValueError unless ``edits`` are sorted, non-overlapping and inside the text."""
    EditColumns.of(edits).check(length)


def apply_to_text(text: str, edits: Sequence[Edit]) -> str:
    """The text after applying ``edits`` (sorted, non-overlapping)."""
    return EditColumns.of(edits).apply_to(text)


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

    def apply_edits(self, edits: Iterable[Edit] | EditColumns, record: bool = True) -> None:
        """Apply a batch of edits to the current text, keeping the offset map exact.

        With ``record`` each edit is added to the audit trail with its raw span and original text.
        """
        columns = EditColumns.of(edits).sorted()
        columns.check(len(self.text))
        if not len(columns):
            return
        raw = self.offsets.raw_spans(columns.starts, columns.ends)
        if record:
            self._record(columns, raw)
        self.offsets = self.offsets.apply_spans(columns.starts, columns.ends, columns.sizes(), raw)
        self.text = columns.apply_to(self.text)

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

    def _record(self, columns: EditColumns, raw: tuple[np.ndarray, np.ndarray]) -> None:
        raw_starts, raw_ends = raw[0].tolist(), raw[1].tolist()
        raws = map(self.raw_text.__getitem__, map(slice, raw_starts, raw_ends))
        self.edits.extend(
            {"kind": kind, "rule": rule, "reason": reason, "raw_start": raw_start, "raw_end": raw_end, "raw": raw, "replacement": replacement}
            for kind, rule, reason, raw_start, raw_end, raw, replacement in zip(
                columns.kinds.tolist(), columns.rules.tolist(), columns.reasons.tolist(), raw_starts, raw_ends, raws, columns.replacements.tolist()
            )
        )

    def flag(self, start: int, end: int, kind: str, rule: str) -> None:
        """Flag the current span ``[start, end)`` so nothing is extracted from it."""
        raw_start, raw_end = self.raw_span(start, end)
        self.flags.append(Flag(kind, rule, raw_start, raw_end))

    def is_flagged(self, start: int, end: int) -> bool:
        """Whether the current span ``[start, end)`` overlaps a flagged raw span."""
        raw_start, raw_end = self.raw_span(start, end)
        return any(flag.raw_start < raw_end and raw_start < flag.raw_end for flag in self.flags)
