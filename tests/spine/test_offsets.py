"""The offset map stays exact across random sequences of edit batches (property-based)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Document, Edit

ALPHABET = "督戰會議住房和城鄉建設部(zhàn)1 ,。"


@st.composite
def edit_batches(draw, length: int) -> list[Edit]:
    """Sorted, non-overlapping edits over a text of ``length``: deletions, insertions, replacements."""
    cuts = sorted(draw(st.lists(st.integers(0, length), max_size=8)))
    edits = []
    for start, end in zip(cuts[0::2], cuts[1::2]):
        replacement = draw(st.text(ALPHABET, max_size=4))
        if start == end and not replacement:
            continue
        edits.append(Edit(start, end, replacement, kind="test", rule=f"r{len(edits)}"))
    return edits


class ReferenceText:
    """A naive model: each current character carries its raw span and whether it was copied."""

    def __init__(self, raw: str):
        self.chars = [(char, index, index + 1, True) for index, char in enumerate(raw)]
        self.raw_length = len(raw)

    def apply(self, edits: list[Edit]) -> None:
        """Each edit's raw span is taken from the text before the batch, as a batch is one change."""
        spans = [self.raw_span(edit.start, edit.end) for edit in edits]
        for edit, (low, high) in reversed(list(zip(edits, spans))):
            self.chars[edit.start : edit.end] = [(char, low, high, False) for char in edit.replacement]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        if start == end:
            anchor = self.chars[start][1] if start < len(self.chars) else self.raw_length
            return anchor, anchor
        covered = self.chars[start:end]
        return min(low for _, low, _, _ in covered), max(high for _, _, high, _ in covered)


@st.composite
def documents_with_edits(draw):
    raw = draw(st.text(ALPHABET, min_size=0, max_size=30))
    doc = Document(id="d", raw_text=raw)
    reference = ReferenceText(raw)
    for _ in range(draw(st.integers(1, 5))):
        edits = draw(edit_batches(len(doc.text)))
        doc.apply_edits(edits)
        reference.apply(edits)
    return doc, reference


@settings(max_examples=300, deadline=None)
@given(documents_with_edits())
def test_map_matches_reference_model(case):
    doc, reference = case
    assert doc.text == "".join(char for char, *_ in reference.chars)
    for index, (char, low, high, copied) in enumerate(reference.chars):
        assert doc.raw_span(index, index + 1) == (low, high)
        if copied:
            assert doc.raw_text[low:high] == char


@settings(max_examples=300, deadline=None)
@given(documents_with_edits(), st.data())
def test_any_span_maps_to_the_raw_text_it_came_from(case, data):
    doc, reference = case
    start = data.draw(st.integers(0, len(doc.text)))
    end = data.draw(st.integers(start, len(doc.text)))
    raw_start, raw_end = doc.raw_span(start, end)
    assert 0 <= raw_start <= raw_end <= len(doc.raw_text)
    if start < end:
        assert raw_start == min(low for _, low, _, _ in reference.chars[start:end])
        assert raw_end == max(high for _, _, high, _ in reference.chars[start:end])
        copied = all(copied for *_, copied in reference.chars[start:end])
        if copied and raw_end - raw_start == end - start:
            assert doc.raw_text[raw_start:raw_end] == doc.text[start:end]


@settings(max_examples=200, deadline=None)
@given(st.text(ALPHABET, max_size=40), st.data())
def test_deletions_keep_exactly_the_surviving_characters(raw, data):
    doc = Document(id="d", raw_text=raw)
    kept = list(range(len(raw)))
    for _ in range(3):
        edits = [edit for edit in data.draw(edit_batches(len(doc.text))) if edit.start < edit.end]
        edits = [Edit(edit.start, edit.end) for edit in edits]
        doc.apply_edits(edits)
        for edit in reversed(edits):
            del kept[edit.start : edit.end]
    assert doc.text == "".join(raw[index] for index in kept)
    for position, raw_index in enumerate(kept):
        assert doc.raw_span(position, position + 1) == (raw_index, raw_index + 1)


def test_replacement_of_unequal_length_maps_atomically():
    doc = Document(id="d", raw_text="動員進 1 步提振")
    doc.apply_edits([Edit(3, 6, "一", kind="repair", rule="spun_numeral")])
    assert doc.text == "動員進一步提振"
    assert doc.raw_span(3, 4) == (3, 6)
    assert doc.raw_span(2, 5) == (2, 7)
    assert doc.edits[0]["raw"] == " 1 " and doc.edits[0]["replacement"] == "一"


def test_overlapping_edits_are_rejected():
    doc = Document(id="d", raw_text="abcdef")
    with pytest.raises(ValueError, match="overlaps"):
        doc.apply_edits([Edit(0, 3), Edit(2, 4)])


def test_flags_survive_later_edits():
    doc = Document(id="d", raw_text="xx月27日召開會議")
    doc.flag(0, 2, "placeholder", "placeholder.xx")
    doc.apply_edits([Edit(6, 8, "召开")])
    assert doc.is_flagged(0, 3)
    assert not doc.is_flagged(4, 6)
