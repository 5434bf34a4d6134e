"""Silver data: ensemble labelling of raw text and its use in training (`pipeline.training.silver`)."""

import json
import shutil

import pytest
import spacy
import yaml

from pipeline.ner.bilstm_crf_model import predict_tag_ids
from pipeline.ner.msra import read_column_file
from pipeline.training import ner as training_ner
from pipeline.training import silver
from pipeline.training.ner import DEFAULT_CONFIG, train_ner

TEXTS = ["张伟在河南省考察国务院扶贫办。", "北京的河南日报召开会议，李娜主持。", "省委巡查组到兰考县"]


def test_raw_sentences_cut_after_sentence_ends_and_drop_whitespace():
    paragraphs = ["新华社北京1月1日电 国务院今天开会。他说:好!  对吗?", "嗯", "长" * 201 + "。"]
    assert silver.raw_sentences(paragraphs) == ["新华社北京1月1日电国务院今天开会。", "他说:好!对吗?"]


def test_one_teacher_labels_as_the_model_itself_and_two_copies_agree(tiny_model):
    component = spacy.load(tiny_model).get_pipe("ner")
    ids = predict_tag_ids(component.model, [component.vocab.encode(list(t)) for t in TEXTS], 2)
    own = [[component.vocab.tags[i] for i in seq] for seq in ids]
    assert silver.ensemble_tags([tiny_model], TEXTS, batch_size=2) == own
    assert silver.ensemble_tags([tiny_model, tiny_model], TEXTS) == own
    assert any(tag != "O" for tags in own for tag in tags)


def test_teachers_must_share_a_tag_set(tiny_model, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(tiny_model, other)
    vocab_file = other / "ner" / "vocab.json"
    vocab = json.loads(vocab_file.read_text(encoding="utf-8"))
    vocab["tags"] = vocab["tags"][::-1]  # same size, another order
    vocab_file.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="tag set"):
        silver.ensemble_tags([tiny_model, other], TEXTS)


def test_silver_file_round_trips(tmp_path):
    sentences = [(list("李娜主持"), ["B-PER", "E-PER", "O", "O"]), (list("北京"), ["B-LOC", "E-LOC"])]
    silver.write_column_file(sentences, tmp_path / "s.txt")
    assert read_column_file(tmp_path / "s.txt") == sentences


def test_the_cli_labels_decontaminated_raw_months(tiny_model, corpus_dir, tmp_path, monkeypatch):
    months = ["19980101-01-001-001/m  张伟/nr  在/p  河南省/ns  考察/v 。/w  他/r  说/v  ！/w  好/a 。/w\n", "", ""]
    held_out = "他说！好"  # a dev sentence: paragraphs sharing its text are dropped
    monkeypatch.setattr(silver, "SILVER_MONTHS", (0, 1))
    monkeypatch.setattr("pipeline.training.pretrain.peoples_daily_h1_months", lambda: months)
    monkeypatch.setattr(training_ner, "read_msra_split", lambda split, cache_dir=None: [])
    splits = {"dev": {"tokens": [list(held_out)], "tags": [["O"] * len(held_out)]}}
    monkeypatch.setattr(training_ner, "msra_splits", lambda data_cfg, cache_dir=None: splits)
    cfg = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    cfg["pretrain"]["decontaminate"] = 3
    config = tmp_path / "cfg.yaml"
    config.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    silver.main(["--teacher", str(tiny_model), "--output", str(tmp_path / "s.txt"), "--config", str(config)])
    assert read_column_file(tmp_path / "s.txt") == []
    cfg["pretrain"]["decontaminate"] = 15
    config.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    silver.main(["--teacher", str(tiny_model), "--output", str(tmp_path / "s.txt"), "--config", str(config)])
    assert ["".join(chars) for chars, _ in read_column_file(tmp_path / "s.txt")] == ["张伟在河南省考察。", "他说!好。"]


def test_each_epoch_adds_a_silver_sample(corpus_dir, tmp_path):
    silver_file = corpus_dir / "dev.txt"  # 40 sentences standing in for machine-labelled ones
    cfg = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    cfg["data"]["silver_file"] = str(silver_file)
    cfg["training"] |= {"silver_ratio": 0.1, "max_steps": None}
    config = tmp_path / "cfg.yaml"
    config.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    train = corpus_dir / "train.txt"
    result = train_ner(
        tmp_path / "m", config, smoke=True, max_epochs=1, train_file=train, dev_file=corpus_dir / "dev.txt",
        progress=False,
    )
    batch = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))["training"]["batch_size"]
    gold = len(read_column_file(train))
    assert result.history[-1]["step"] == -(-(gold + round(0.1 * gold)) // batch)
    log = json.loads((tmp_path / "m" / "training_log.json").read_text(encoding="utf-8"))
    assert log["config"]["data"]["silver_file"] == str(silver_file)
