"""Smoke training of a tiny model, saved and loaded back through `load_ner_pipeline`."""

import argparse
import json
from pathlib import Path

import datasets
import pytest
import spacy
import yaml
from spacy.tokens import Span

from pipeline.evaluation.ner import evaluate_ner
from pipeline.evaluation.training_runs import raw_weights
from pipeline.ner.component import LEXICON_FILE, EntityTagger
from pipeline.ner.loading import load_ner_pipeline
from pipeline.ner.msra import read_column_file, to_dataset
from pipeline.training import ner as training_ner
from pipeline.training.ner import DEFAULT_CONFIG, dev_config_argument, train_ner


def test_smoke_model_round_trips_and_tags_in_pipe(tiny_model):
    nlp = load_ner_pipeline("spacy", tiny_model)
    assert nlp.pipe_names == ["ner"]
    assert (tiny_model / "ner" / LEXICON_FILE).exists() and nlp.get_pipe("ner").vocab.lexicon is not None
    assert (nlp.meta["name"], nlp.meta["version"]) == ("zh_msra_ner", "0.7.0")
    texts = ["张伟在河南省考察国务院扶贫办。", "", "长" * 400, "北京的河南日报召开会议，李娜主持。"]
    docs = list(nlp.pipe(texts, batch_size=2))
    assert [d.text for d in docs] == texts
    assert all(len(t) == 1 for d in docs for t in d if not t.is_space)
    for doc in docs:
        assert {e.label_ for e in doc.ents} <= {"ORG", "PER", "LOC"}
    reloaded = spacy.load(tiny_model)
    assert [e.text for e in reloaded(texts[0]).ents] == [e.text for e in docs[0].ents]


def test_max_steps_stops_training_at_that_step(corpus_dir, tmp_path):
    result = train_ner(
        tmp_path / "m", smoke=True, train_file=corpus_dir / "train.txt", dev_file=corpus_dir / "dev.txt",
        max_steps=3, progress=False,
    )
    assert result.history[-1]["step"] == 3 and result.epochs < 1


def _config_with(tmp_path: Path, data: dict | None = None, training: dict | None = None) -> Path:
    """The shipped config with some `data` and `training` keys overridden.

    Keys keep the shipped order: the order of the lexicon classes sets the model's input layout.
    """
    cfg = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    cfg["data"].update(data or {})
    cfg["training"].update(training or {})
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_dev_scoring_scripts_refuse_a_config_without_dev(tmp_path):
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=dev_config_argument)
    assert parser.parse_args(["--config", str(DEFAULT_CONFIG)]).config["data"]["dev_fraction"] == 0.1
    no_dev = str(_config_with(tmp_path, data={"dev_fraction": 0}))
    with pytest.raises(argparse.ArgumentTypeError, match="holds out no dev"):
        dev_config_argument(no_dev)
    with pytest.raises(SystemExit):
        parser.parse_args(["--config", no_dev])


def test_weight_average_scores_and_saves_the_average_and_leaves_training_as_it_was(corpus_dir, tmp_path):
    files = {"train_file": corpus_dir / "train.txt", "dev_file": corpus_dir / "dev.txt", "progress": False}
    plain = train_ner(tmp_path / "plain", smoke=True, max_steps=12, **files)
    averaged = train_ner(tmp_path / "ema", _config_with(tmp_path, training={"ema_decay": 0.9}), smoke=True, max_steps=12, **files)
    raw_scores = raw_weights({e["step"]: e for e in averaged.history})
    assert raw_scores == {e["step"]: {k: v for k, v in e.items() if k.startswith("dev_f1")} for e in plain.history}
    assert averaged.best_dev_f1 == max(e["dev_f1"] for e in averaged.history)
    assert any(e["dev_f1"] != e["raw_dev_f1"] for e in averaged.history)
    saved = evaluate_ner(load_ner_pipeline("spacy", tmp_path / "ema"), corpus_dir / "dev.txt")
    assert saved.overall.f1 == pytest.approx(averaged.best_dev_f1)


def _no_dev_config(tmp_path: Path) -> Path:
    """The shipped config without dev and without a step count of its own."""
    return _config_with(tmp_path, data={"dev_fraction": 0}, training={"max_steps": None})


@pytest.fixture
def msra_without_dev(corpus_dir, monkeypatch):
    """`msra_splits` with the synthetic corpus as train and no dev, as `dev_fraction: 0` gives."""
    train = to_dataset(read_column_file(corpus_dir / "train.txt"))
    train = train.add_column("line", list(range(len(train))))
    splits = datasets.DatasetDict({"train": train, "dev": train.select([]), "test": train.select([])})
    monkeypatch.setattr(training_ner, "msra_splits", lambda data_cfg, cache_dir=None: splits)


def test_training_without_dev_keeps_the_model_of_the_last_step(msra_without_dev, tmp_path):
    result = train_ner(tmp_path / "m", _no_dev_config(tmp_path), smoke=True, max_steps=4, progress=False)
    assert result.best_dev_f1 is None
    assert result.history[-1]["step"] == 4 and not any("dev_f1" in entry for entry in result.history)
    log = json.loads((tmp_path / "m" / "training_log.json").read_text(encoding="utf-8"))
    assert log["best_dev_f1"] is None and log["history"][-1]["step"] == 4
    assert load_ner_pipeline("spacy", tmp_path / "m")("张伟在河南省考察国务院扶贫办。").text


def test_progress_bar_without_dev_shows_no_dev_score(msra_without_dev, tmp_path, capsys):
    train_ner(tmp_path / "m", _no_dev_config(tmp_path), smoke=True, max_steps=2, progress=True)
    shown = capsys.readouterr().err
    assert "loss=" in shown and "best_dev_f1" not in shown


def test_training_without_dev_needs_a_step_count(msra_without_dev, tmp_path):
    with pytest.raises(ValueError, match="max_steps"):
        train_ner(tmp_path / "m", _no_dev_config(tmp_path), smoke=True, progress=False)


class FixedTagger(EntityTagger):
    """Returns one PER span on tokens 6-8, to test how entities are merged into doc.ents."""

    name, batch_size = "fixed", 8

    def _spans(self, docs):
        return [[Span(doc, 6, 8, label="PER")] for doc in docs]


def test_component_keeps_other_entity_types_unless_they_overlap():
    nlp = spacy.blank("zh")
    doc = nlp.make_doc("今年4月8日张伟去北京。")
    doc.ents = [doc.char_span(2, 6, label="DATE")]
    assert [(e.text, e.label_) for e in FixedTagger()(doc).ents] == [("4月8日", "DATE"), ("张伟", "PER")]
    doc = nlp.make_doc("今年4月8日张伟去北京。")
    doc.ents = [doc.char_span(0, 2, label="ORG"), doc.char_span(5, 9, label="DATE")]
    assert [(e.text, e.label_) for e in FixedTagger()(doc).ents] == [("日张伟去", "DATE")]


def test_evaluate_on_column_file(tiny_model, corpus_dir):
    scores = evaluate_ner(load_ner_pipeline("spacy", tiny_model), corpus_dir / "dev.txt")
    assert scores.overall.support > 0 and scores.chars > 0
    assert set(scores.to_dict()) >= {"overall", "per_type", "chars_per_second"}


def test_missing_model_and_backend_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="expected a spaCy pipeline"):
        load_ner_pipeline("spacy", tmp_path / "nothing")
    with pytest.raises(FileNotFoundError, match="installed spaCy package"):
        load_ner_pipeline("spacy", "zh_no_such_package")
    with pytest.raises(ValueError, match="unknown NER backend"):
        load_ner_pipeline("stanza", tmp_path)
    with pytest.raises(FileNotFoundError, match="msra_test"):
        evaluate_ner(spacy.blank("zh"), tmp_path / "missing.txt")
