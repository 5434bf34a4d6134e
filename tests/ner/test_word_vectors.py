"""SoftLexicon word vectors: word slots, bag averages, the fixed table, saving, config checks."""

import json
from pathlib import Path

import numpy as np
import pytest
import spacy
import torch
import yaml

from pipeline.ner.bilstm_crf_model import BiLSTMCRF, ModelConfig, Vocab, make_batch
from pipeline.ner.component import LEXICON_FILE
from pipeline.ner.lexicon import Lexicon
from pipeline.training import pretrain
from pipeline.training.ner import DEFAULT_CONFIG, TAGS, Trainer, train_ner

B, M, E, S = range(4)


@pytest.fixture
def lexicon():
    rows = {"北京": 0, "北京市": 1, "京": 2, "人民政府": 3}
    return Lexicon(["word"], {"北京": 1, "人民": 1}, rows, np.arange(8.0).reshape(4, 2))


def test_scan_gives_a_slot_per_character_and_position_of_each_vector_word(lexicon):
    flags, slots = lexicon.scan(list("北京市人民政府"))
    assert sorted(slots) == sorted(
        [(4 * 0 + B, 0), (4 * 1 + E, 0), (4 * 0 + B, 1), (4 * 1 + M, 1), (4 * 2 + E, 1), (4 * 1 + S, 2)]
        + [(4 * 3 + B, 3), (4 * 4 + M, 3), (4 * 5 + M, 3), (4 * 6 + E, 3)]
    )
    assert flags[3] == 1 and flags[4] == 4  # 人民 is a class word without a vector; 人民政府 a vector word without class
    assert flags[5] == 0


def test_word_rows_survive_extension_and_the_lexicon_file(lexicon, tmp_path):
    extended = lexicon.extended(["gazetteer:ORG"], {"北京市人民政府": 1})
    assert extended.word_rows == lexicon.word_rows and extended.word_vectors is lexicon.word_vectors
    extended.write(tmp_path / LEXICON_FILE)
    again = Lexicon.read(tmp_path / LEXICON_FILE, extended.classes)
    assert again.words == extended.words and again.word_rows == extended.word_rows
    text = list("在北京市人民政府")
    assert again.scan(text) == extended.scan(text)


def test_a_lexicon_without_vectors_writes_the_file_it_always_wrote(tmp_path):
    Lexicon(["word", "ORG"], {"国务院": 3, "北京": 1}).write(tmp_path / LEXICON_FILE)
    assert (tmp_path / LEXICON_FILE).read_text(encoding="utf-8") == "北京\t1\n国务院\t3\n"


def _vocab(lexicon: Lexicon) -> Vocab:
    return Vocab.build([list("北京市人民政府在北京")], TAGS, 1, 1, lexicon)


def test_each_character_gets_the_mean_vector_of_its_words_per_position(lexicon):
    vocab = _vocab(lexicon)
    model = BiLSTMCRF(vocab, ModelConfig(char_dim=2, bigram_dim=2, hidden=3, layers=1, dropout=0.0, word_dim=2))
    batch = make_batch([vocab.encode(list("北京市")), vocab.encode(list("人民政府在北京"))])
    bags = torch.nn.functional.embedding_bag(batch.word_rows, model.word_vectors, batch.word_offsets, mode="mean")
    bags = bags.view(2, 7, 4, 2)
    table = torch.tensor(lexicon.word_vectors, dtype=torch.float32)
    assert torch.equal(bags[0, 0, B], (table[0] + table[1]) / 2)  # 北京 and 北京市 begin at 北
    assert torch.equal(bags[0, 1, S], table[2]) and torch.equal(bags[0, 1, M], table[1])
    assert torch.equal(bags[0, 2, E], table[1]) and not bags[0, 2, B].any()
    assert not bags[0, 3:].any()  # padding positions of the shorter sentence
    assert torch.equal(bags[1, 5, B], table[0]) and torch.equal(bags[1, 6, E], table[0])


def test_the_word_vectors_are_a_fixed_buffer_saved_with_the_model(lexicon, tmp_path):
    from pipeline.training.ner import build_pipeline

    vocab = _vocab(lexicon)
    cfg = {"char_dim": 4, "bigram_dim": 2, "hidden": 3, "layers": 1, "dropout": 0.0, "word_dim": 2, "projection": 5}
    model = BiLSTMCRF(vocab, ModelConfig(**cfg))
    assert "word_vectors" not in dict(model.named_parameters()) and model.lstm.input_size == 5
    sentences = [(list("北京市人民政府"), ["B-ORG", "M-ORG", "M-ORG", "M-ORG", "M-ORG", "M-ORG", "E-ORG"])]
    train_cfg = {"lr": 0.01, "clip": 5.0, "batch_size": 1, "eval_batch_size": 4, "eval_every": 1, "patience": 1}
    before = model.word_vectors.clone()
    trainer = Trainer(model, vocab, sentences, sentences, train_cfg, None, False, on_best=lambda t: None)
    trainer._step(trainer._batches(trainer.train)[0])
    assert torch.equal(model.word_vectors, before)
    build_pipeline(model, vocab, {"model": cfg}).to_disk(tmp_path / "m")
    loaded = spacy.load(tmp_path / "m").get_pipe("ner")
    assert torch.equal(loaded.model.word_vectors, before.half().float())
    assert loaded.vocab.lexicon.word_rows == lexicon.word_rows
    text = [list("北京市人民政府在北京")]
    model.eval()
    assert loaded.predict_tags(text) == [[vocab.tags[i] for i in model.predict(make_batch([vocab.encode(text[0])]))[0]]]


def _word2vec_file(path: Path) -> Path:
    rng = np.random.default_rng(5)
    words = ["北京", "ＡＢ公司", "政府", "火星", "京"]
    lines = [f"{len(words)} 6"] + [" ".join([w, *map(str, rng.normal(size=6))]) for w in words]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_word_vector_lexicon_keeps_words_found_in_the_text_reduced_and_scaled(tmp_path):
    base = Lexicon(["word"], {"北京": 1})
    texts = [list("北京的ab公司"), list("京城政府")]
    lexicon = pretrain.word_vector_lexicon(base, str(_word2vec_file(tmp_path / "v.txt")), texts, 2)
    assert lexicon.words == base.words and lexicon.classes == base.classes
    assert lexicon.word_rows == {"北京": 0, "ab公司": 1, "政府": 2, "京": 3}  # normalised; 火星 never occurs
    assert lexicon.word_vectors.shape == (4, 2)
    assert lexicon.word_vectors.std() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="no word of the word vectors"):
        pretrain.word_vector_lexicon(None, str(tmp_path / "v.txt"), [list("上海")], 2)


def _config(tmp_path: Path, word_vectors, word_dim: int) -> Path:
    cfg = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    cfg["lexicon"]["word_vectors"] = word_vectors
    cfg["smoke"]["model"].update(word_dim=word_dim, projection=8)
    (tmp_path / "cfg.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return tmp_path / "cfg.yaml"


def test_a_smoke_training_with_word_vectors_logs_and_saves_them(corpus_dir, tmp_path):
    config = _config(tmp_path, str(_word2vec_file(tmp_path / "v.txt")), 2)
    files = {"train_file": corpus_dir / "train.txt", "dev_file": corpus_dir / "dev.txt"}
    train_ner(tmp_path / "m", config, smoke=True, max_steps=2, progress=False, **files)
    log = json.loads((tmp_path / "m" / "training_log.json").read_text(encoding="utf-8"))
    assert log["pretrain"]["word_vector_rows"] == 2  # 北京 and 京 occur in the synthetic corpus, 政府 does not
    assert spacy.load(tmp_path / "m").get_pipe("ner").model.word_vectors.shape == (2, 2)


@pytest.mark.parametrize(("word_vectors", "word_dim"), [("synonyms", 0), (None, 4)])
def test_word_vectors_and_word_dim_go_together(corpus_dir, tmp_path, word_vectors, word_dim):
    files = {"train_file": corpus_dir / "train.txt", "dev_file": corpus_dir / "dev.txt"}
    with pytest.raises(ValueError, match="word_vectors and model.word_dim go together"):
        train_ner(tmp_path / "m", _config(tmp_path, word_vectors, word_dim), smoke=True, progress=False, **files)


def test_the_real_synonyms_vectors_when_cached():
    cache = pretrain._cache(None, "word_vectors")
    if not (cache / pretrain.SYNONYMS[1]).exists():
        pytest.skip("synonyms sdist not in the local cache")
    vectors = pretrain.synonyms_word_vectors()
    assert len(vectors) == 125_796 and vectors["国务院"].shape == (100,)
    unit = {w: vectors[w] / np.linalg.norm(vectors[w]) for w in ("教育部", "财政部", "苹果")}
    assert unit["教育部"] @ unit["财政部"] > 0.5 > unit["教育部"] @ unit["苹果"]


def test_fine_tuning_a_softlexicon_model_keeps_its_word_vectors(tmp_path):
    from dataclasses import replace

    from pipeline.ner.msra import spans_to_tags
    from pipeline.training.retrain import extend_model, new_model

    model_cfg = {"char_dim": 4, "bigram_dim": 2, "hidden": 3, "layers": 1, "dropout": 0.0, "word_dim": 2, "projection": 5}
    cfg = {"vocab": {"min_char": 1, "min_bigram": 1}, "model": model_cfg}
    cfg["lexicon"] = {"word_vectors": str(_word2vec_file(tmp_path / "v.txt"))}
    sentences = [(list("北京的ab公司"), spans_to_tags(7, [(0, 2, "LOC"), (3, 7, "ORG")]))]
    model, vocab, config, _ = new_model(sentences, ["LOC", "ORG"], cfg)
    loaded = replace(vocab, lexicon=Lexicon(vocab.lexicon.classes, vocab.lexicon.words, vocab.lexicon.word_rows))
    new = [(list("政府在北京"), spans_to_tags(5, [(0, 2, "GOV")]))]
    grown, extended, _ = extend_model(model, loaded, config, new, ["GOV"], cfg)
    assert torch.equal(grown.word_vectors, model.word_vectors) and extended.lexicon.word_rows == vocab.lexicon.word_rows
    encoded = vocab.encode(list("北京ab公司"))
    with torch.no_grad():
        old, now = (m.eval().emissions(make_batch([encoded])) for m in (model, grown))
    assert torch.allclose(old, now[..., : len(vocab.tags)], atol=1e-6)
