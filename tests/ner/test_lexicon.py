"""Word-lexicon flags: positions, classes, normalisation, saving with the model."""

import pytest

from pipeline.ner.bilstm_crf_model import PAD, UNK, Vocab, normalise_char
from pipeline.ner.component import LEXICON_FILE
from pipeline.ner.lexicon import Lexicon, _class_masks, jieba_lexicon

CLASSES = {"PER": ["nr"], "LOC": ["ns"], "ORG": ["nt"]}
DICT_LINES = ["北京 100 ns", "北京市 50 ns", "人民政府 20 nt", "人民 500 n", "京 3 ns", "ＡＢ 1 nz", "张伟 9 nr", ""]


def _positions(lexicon: Lexicon, flags: int) -> dict[str, str]:
    """{class: positions} decoded from one flag int, e.g. {'word': 'BS', 'LOC': 'B'}."""
    decoded = {}
    for c, name in enumerate(lexicon.classes):
        letters = "".join(p for k, p in enumerate("BMES") if flags >> (4 * c + k) & 1)
        if letters:
            decoded[name] = letters
    return decoded


@pytest.fixture(scope="module")
def lexicon():
    return Lexicon(["word", *CLASSES], _class_masks(DICT_LINES, CLASSES, normalise_char))


def test_flags_mark_begin_middle_end_and_single_per_class(lexicon):
    flags = [_positions(lexicon, f) for f in lexicon.flags(list("北京市人民政府张伟"))]
    assert flags[0] == {"word": "B", "LOC": "B"}
    assert flags[1] == {"word": "MES", "LOC": "MES"}  # inside 北京市, end of 北京, the word 京
    assert flags[2] == {"word": "E", "LOC": "E"}
    assert flags[3] == {"word": "B", "ORG": "B"}
    assert flags[4] == {"word": "ME", "ORG": "M"}
    assert flags[6] == {"word": "E", "ORG": "E"}
    assert flags[7] == {"word": "B", "PER": "B"} and flags[8] == {"word": "E", "PER": "E"}


def test_words_and_text_are_normalised_alike_and_odd_tokens_match_nothing(lexicon):
    assert "ab" in lexicon.words
    encoded = Vocab([PAD, UNK], [PAD, UNK], ["O"], lexicon).encode(["Ａ", "B"])
    assert [_positions(lexicon, f) for f in encoded.lexicon] == [{"word": "B"}, {"word": "E"}]
    assert lexicon.flags(["北", "  ", "京"])[0] == 0  # a multi-char token breaks the word
    assert lexicon.flags([]) == []


def test_write_and_read_round_trip(lexicon, tmp_path):
    path = tmp_path / LEXICON_FILE
    lexicon.write(path)
    again = Lexicon.read(path, lexicon.classes)
    assert again.words == lexicon.words
    text = list("在北京市人民政府")
    assert again.flags(text) == lexicon.flags(text)


def test_jieba_dictionary_gives_classes():
    lexicon = jieba_lexicon(CLASSES, normalise_char)
    assert len(lexicon.words) > 300_000
    assert "ORG" in _positions(lexicon, lexicon.flags(list("国务院"))[0])
