"""Every edit and every kept character maps back to the exact raw characters it came from."""

from __future__ import annotations

from pipeline.cleaning.text import converter


def _all_pairs(gold_runs):
    return gold_runs["seeds"] + gold_runs["team"]


def test_every_recorded_edit_slices_the_raw_text_to_its_original(gold_runs):
    for _, doc in _all_pairs(gold_runs):
        for edit in doc.edits:
            assert 0 <= edit["raw_start"] <= edit["raw_end"] <= len(doc.raw_text)
            if "raw" in edit:
                assert doc.raw_text[edit["raw_start"] : edit["raw_end"]] == edit["raw"], (doc.id, edit)


def test_every_kept_character_maps_to_its_raw_original(gold_runs):
    """A kept character is its raw character converted with t2s, unless a repair made it."""
    t2s = converter("t2s")
    for gold, doc in _all_pairs(gold_runs):
        repairs = [(edit["raw_start"], edit["raw_end"]) for edit in doc.edits if edit["kind"] not in ("convert",) and "raw" in edit]
        for sentence in gold.keep:
            start = doc.text.find(sentence)
            assert start >= 0, (doc.id, sentence)
            span = doc.span(start, start + len(sentence))
            assert span["text"] == sentence
            assert span["raw_start"] < span["raw_end"]
            for position in range(start, start + len(sentence)):
                raw_start, raw_end = doc.raw_span(position, position + 1)
                original = doc.raw_text[raw_start:raw_end]
                repaired = any(low < raw_end and raw_start < high for low, high in repairs)
                assert repaired or t2s.convert(original) == doc.text[position], (doc.id, position, original, doc.text[position])


def test_flags_are_inside_the_raw_text(gold_runs):
    for _, doc in _all_pairs(gold_runs):
        for flag in doc.flags:
            assert 0 <= flag.raw_start < flag.raw_end <= len(doc.raw_text)
