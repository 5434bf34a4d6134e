"""Word-lexicon flags: positions, classes, normalisation, saving with the model."""

import pytest

from pipeline.ner.bilstm_crf_model import PAD, UNK, Vocab, normalise_char
from pipeline.ner.component import LEXICON_FILE
from pipeline.ner.lexicon import (
    Lexicon,
    _class_masks,
    gazetteer_lexicons,
    jieba_lexicon,
)
from pipeline.ner.msra import spans_to_tags

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


def _sentence(text: str, spans: list[tuple[int, int, str]]) -> tuple[list[str], list[str]]:
    return list(text), spans_to_tags(len(text), spans)


GAZETTEER_DATA = [
    _sentence("国务院扶贫办在北京", [(0, 6, "ORG"), (7, 9, "LOC")]),
    _sentence("张伟到ＡＢ公司", [(0, 2, "PER"), (3, 7, "ORG")]),
    _sentence("中美两国", [(0, 1, "LOC"), (1, 2, "LOC")]),
    _sentence("河南日报报道", [(0, 4, "ORG")]),
]


def test_gazetteer_adds_training_entities_as_classes_after_the_base_ones(lexicon):
    full, _ = gazetteer_lexicons(lexicon, GAZETTEER_DATA, ["ORG", "PER", "LOC"], 2, normalise_char)
    assert full.classes == ["word", "PER", "LOC", "ORG", "gazetteer:ORG", "gazetteer:PER", "gazetteer:LOC"]
    assert "ab公司" in full.words and "中" not in full.words  # normalised; single characters left out
    flags = [_positions(full, f) for f in full.flags(list("北京国务院扶贫办"))]
    assert flags[0] == {"word": "B", "LOC": "B", "gazetteer:LOC": "B"}  # jieba word and training entity
    assert flags[2] == {"gazetteer:ORG": "B"} and flags[7] == {"gazetteer:ORG": "E"}
    assert lexicon.flags(list("北京")) == [f & 0xFFFF for f in full.flags(list("北京"))]  # base bits unchanged


def test_each_sentence_gets_the_entities_of_the_other_folds_only(lexicon):
    _, per_sentence = gazetteer_lexicons(lexicon, GAZETTEER_DATA, ["ORG", "PER", "LOC"], 2, normalise_char)
    assert len(per_sentence) == 4 and per_sentence[0] is per_sentence[1] and per_sentence[2] is per_sentence[3]
    first, second = ({w for w, m in lex.words.items() if m >> 4} for lex in (per_sentence[0], per_sentence[2]))
    assert first == {"河南日报"}  # two blocks of two consecutive sentences: the first sees sentences 3-4
    assert second == {"国务院扶贫办", "北京", "张伟", "ab公司"}


def test_trainer_encodes_each_training_sentence_with_its_own_lexicon(lexicon):
    from pipeline.ner.bilstm_crf_model import BiLSTMCRF, ModelConfig
    from pipeline.training.ner import TAGS, Trainer

    full, per_sentence = gazetteer_lexicons(lexicon, GAZETTEER_DATA, ["ORG", "PER", "LOC"], 2, normalise_char)
    vocab = Vocab.build((c for c, _ in GAZETTEER_DATA), TAGS, 1, 1, full)
    model = BiLSTMCRF(vocab, ModelConfig(char_dim=4, bigram_dim=2, hidden=4, layers=1, dropout=0.0))
    trainer = Trainer(model, vocab, GAZETTEER_DATA, GAZETTEER_DATA[:1], {"lr": 0.01}, None, False, print, per_sentence)
    assert not any(f >> 16 for f in trainer.train[0][0].lexicon)  # its own entities are not flagged
    assert any(f >> 16 for f in trainer.dev_encoded[0].lexicon)  # the full lexicon flags them


def test_mention_replacement_draws_from_the_sentence_fold_and_encodes_with_its_lexicon(lexicon):
    import random

    from pipeline.ner.bilstm_crf_model import BiLSTMCRF, ModelConfig
    from pipeline.training.ner import TAGS, Trainer

    full, per_sentence = gazetteer_lexicons(lexicon, GAZETTEER_DATA, ["ORG", "PER", "LOC"], 2, normalise_char)
    vocab = Vocab.build((c for c, _ in GAZETTEER_DATA), TAGS, 1, 1, full)
    model = BiLSTMCRF(vocab, ModelConfig(char_dim=4, bigram_dim=2, hidden=4, layers=1, dropout=0.0))
    cfg = {"lr": 0.01, "mention_replacement": 1.0}
    trainer = Trainer(model, vocab, GAZETTEER_DATA, GAZETTEER_DATA[:1], cfg, None, False, print, per_sentence)
    random.seed(0)
    epochs = [trainer._epoch_data() for _ in range(20)]
    # sentence 0's ORG becomes one of its fold's ORGs: 国务院扶贫办 (9 chars in all) or ＡＢ公司 (7)
    assert {len(data[0][0].chars) for data in epochs} == {9, 7}
    replaced = next(data[0] for data in epochs if len(data[0][0].chars) == 7)
    assert replaced[1] == [TAGS.index(t) for t in ("B-ORG", "M-ORG", "M-ORG", "E-ORG", "O", "B-LOC", "E-LOC")]
    assert not any(f >> 16 for f in replaced[0].lexicon)  # ＡＢ公司 is its own fold's entity: not flagged
    assert all(data[3] == trainer.train[3] for data in epochs)  # 河南日报: the only ORG of its fold
    assert len(trainer.train[0][0].chars) == 9  # the stored encoding is untouched
