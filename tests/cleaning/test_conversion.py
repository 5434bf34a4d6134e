"""Script detection per segment; only Traditional text is converted; offsets stay exact."""

from __future__ import annotations

import pytest

from pipeline.conversion import ScriptConverter
from pipeline.document import Document

SIMPLIFIED = "驻村干部问大家还有什么困难,群众说什么都不缺了。"
TRADITIONAL = "縣委書記強調,要進一步壓實責任,確保如期完成脫貧任務。"


def _convert(text: str, table: str = "t2s") -> Document:
    doc = Document(id="c", raw_text=text)
    ScriptConverter(table).convert(doc)
    return doc


@pytest.mark.parametrize("table", ["t2s", "tw2s", "hk2s"])
def test_simplified_text_is_never_corrupted(table):
    doc = _convert(SIMPLIFIED + "\n" + TRADITIONAL, table)
    assert doc.text.split("\n")[0] == SIMPLIFIED
    assert doc.text.split("\n")[1] == "县委书记强调,要进一步压实责任,确保如期完成脱贫任务。"
    assert doc.script == "mixed"


def test_document_scripts():
    assert _convert(SIMPLIFIED).script == "simplified"
    assert _convert(TRADITIONAL).script == "traditional"
    assert _convert("2020-11-25 11:18").script == "none"


def test_each_converted_character_maps_to_its_raw_character():
    doc = _convert(TRADITIONAL)
    for position, char in enumerate(doc.text):
        raw_start, raw_end = doc.raw_span(position, position + 1)
        assert raw_end - raw_start == 1
        assert doc.raw_text[raw_start] == TRADITIONAL[position]
    summaries = [edit for edit in doc.edits if edit["kind"] == "convert"]
    assert len(summaries) == 1 and summaries[0]["rule"] == "opencc.t2s"
    assert (summaries[0]["raw_start"], summaries[0]["raw_end"]) == (0, len(TRADITIONAL))


def test_a_length_changing_table_keeps_offsets_exact():
    """tw2sp rewrites phrases (記憶體 -> 内存): the segment is replaced as one span."""
    text = "電腦的記憶體不足。\n縣委書記強調。"
    doc = _convert(text, "tw2sp")
    assert "内存" in doc.text
    first = doc.text.split("\n")[0]
    raw_start, raw_end = doc.raw_span(0, len(first))
    assert doc.raw_text[raw_start:raw_end] == "電腦的記憶體不足。"
    second_start = len(first) + 1
    raw_start, raw_end = doc.raw_span(second_start, len(doc.text))
    assert doc.raw_text[raw_start:raw_end] == "縣委書記強調。"


def test_a_few_ambiguous_characters_do_not_make_a_traditional_sentence_mixed():
    """干, 于 and 后 are also Traditional characters; a Traditional sentence with them is Traditional."""
    doc = _convert("但是摘帽不等于完勝,決定性成效不等于美滿收官,有能力打贏也不等于已打贏。")
    assert doc.script == "traditional"
    assert doc.text == "但是摘帽不等于完胜,决定性成效不等于美满收官,有能力打赢也不等于已打赢。"


def test_metadata_values_are_converted():
    doc = Document(id="m", raw_text=TRADITIONAL, meta={"source": "河南日報"})
    ScriptConverter().convert(doc)
    assert doc.meta["source"] == "河南日报"
