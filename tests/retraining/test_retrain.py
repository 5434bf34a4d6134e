"""Retraining: the new-label loop end to end (train, report, run the pipeline with the model), and model extension."""

from __future__ import annotations

import json

import pytest
import torch
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import load_config
from pipeline.ner.bilstm_crf_model import make_batch
from pipeline.ner.msra import WHEEL_NAME, default_cache_dir
from pipeline.pypi_data import sha256_file
from pipeline.runner import Runner
from pipeline.training.formats import read_annotations, to_sentences
from pipeline.training.retrain import (
    extend_gazetteer,
    extend_model,
    load_base,
    new_model,
    parse_duration,
    retrain_ner,
)

DOCUMENT = "兰考县深入推进精准扶贫和易地扶贫搬迁。4月8日，县委召开会议，部署贵州产业扶贫工作，张伟主持。"
needs_msra = pytest.mark.skipif(not (default_cache_dir() / WHEEL_NAME).exists(), reason="MSRA wheel not cached")


@pytest.fixture(scope="module")
def policy_model(policy_doccano, tiny_config, tmp_path_factory):
    """A model trained from scratch through the CLI on doccano data with the new label POLICY."""
    output = tmp_path_factory.mktemp("models") / "zh_policy_ner"
    args = ["train", "ner", "--data", str(policy_doccano), "--output", str(output), "--base", "none",
            "--config", str(tiny_config), "--msra-test-sentences", "0", "--max-time", "50s", "--no-progress"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "| POLICY |" in result.output and f"ner.model={output}" in result.output
    return output


def test_new_label_is_found_by_the_pipeline_run_with_the_new_model(policy_model, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "doc1.txt").write_text(DOCUMENT, encoding="utf-8")
    runner = Runner(load_config(overrides=[f"ner.model={policy_model}"]))
    manifest = runner.run(inputs, tmp_path / "out")
    assert manifest["documents"]["processed"] == 1, manifest["failed"]
    (record,) = [json.loads(line) for line in (tmp_path / "out" / "documents.jsonl").open(encoding="utf-8")]
    policies = [e["text"] for e in record["entities"] if e["label"] == "POLICY"]
    assert "精准扶贫" in policies, record["entities"]
    assert manifest["pipeline"]["ner_model"] == "zh_policy_ner-0.1.0"
    events = [json.loads(line) for line in (tmp_path / "out" / "events.jsonl").open(encoding="utf-8")]
    assert all(event["pipeline"]["ner_model"] == "zh_policy_ner-0.1.0" for event in events)


def test_report_and_model_card_are_saved_beside_the_model(policy_model, policy_doccano):
    report = json.loads((policy_model / "training_report.json").read_text(encoding="utf-8"))
    assert report["model"] == "zh_policy_ner-0.1.0" and report["base"] is None
    assert report["labels"] == ["LOC", "ORG", "PER", "POLICY"]
    dev = report["evaluations"]["user_dev"]
    assert dev["new"]["per_type"]["POLICY"]["support"] > 0 and 0 <= dev["new"]["overall"]["f1"] <= 1
    assert 0 < report["training"]["seconds"] <= 60
    assert "| **overall** |" in (policy_model / "training_report.md").read_text(encoding="utf-8")
    card = (policy_model / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert sha256_file(policy_doccano) in card and "--base none" in card and str(policy_doccano) in card
    meta = json.loads((policy_model / "meta.json").read_text(encoding="utf-8"))
    assert (meta["name"], meta["version"]) == ("zh_policy_ner", "0.1.0")


@needs_msra
def test_fine_tuning_a_base_adds_a_label_and_compares_side_by_side(policy_model, tmp_path, tiny_config):
    data = tmp_path / "project.jsonl"
    texts = ["县委推进{}建设。", "{}由张伟负责。", "兰考县完成{}验收。"]
    names = ["黄河滩区迁建工程", "村村通公路项目", "光伏扶贫电站", "安全饮水工程"]
    records = [{"text": t.format(n), "label": [[t.index("{"), t.index("{") + len(n), "PROJECT"]]} for t in texts for n in names]
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    result = retrain_ner([data], tmp_path / "zh_project_ner", base=str(policy_model), config=tiny_config, max_epochs=2,
                         mix_base_data=0.001, msra_test_sentences=30, labels=["PROJECT"], progress=False)
    report = result.report
    assert report["base"] == "zh_policy_ner-0.1.0" and report["new_labels"] == ["PROJECT"]
    assert report["labels"] == ["LOC", "ORG", "PER", "POLICY", "PROJECT"]
    assert report["data"]["msra_mix"]["sentences"] == 45
    dev = report["evaluations"]["user_dev"]
    assert dev["base"]["per_type"]["PROJECT"]["f1"] == 0.0 and "PROJECT" in dev["new"]["per_type"]
    assert report["evaluations"]["msra_test"]["texts"] == 30 and report["evaluations"]["msra_test"]["base"]
    assert "zh_policy_ner-0.1.0 (`--base" in (result.output_dir / "MODEL_CARD.md").read_text(encoding="utf-8")


def test_extended_model_starts_where_the_base_was(policy_doccano, tiny_config):
    """Old weights are kept and new characters start as <unk>: old-tag emissions are unchanged."""
    import yaml

    cfg = yaml.safe_load(tiny_config.read_text(encoding="utf-8"))
    examples = read_annotations([policy_doccano])
    base_sentences = [s for e in examples[:20] for s in to_sentences(e)]
    model, vocab, model_cfg, _ = new_model(base_sentences, ["LOC", "ORG", "PER"], cfg)
    new_sentences = [(list("乌蒙山区实施光伏扶贫。"), ["B-AREA", "M-AREA", "M-AREA", "E-AREA"] + ["O"] * 7)]
    grown, extended, train_lexicons = extend_model(model, vocab, model_cfg, new_sentences, ["AREA"], cfg)
    assert train_lexicons == [] and extended.lexicon is None  # the tiny config has no lexicon
    assert extended.tags == vocab.tags + ["B-AREA", "M-AREA", "E-AREA", "S-AREA"]
    assert extended.chars[: len(vocab.chars)] == vocab.chars and len(extended.chars) > len(vocab.chars)
    assert torch.equal(grown.crf.transitions[: len(vocab.tags), : len(vocab.tags)], model.crf.transitions)
    chars = new_sentences[0][0]
    old = _emissions(model.eval(), vocab.encode(chars))
    new = _emissions(grown.eval(), extended.encode(chars))
    assert new.shape[-1] == len(extended.tags)
    assert torch.allclose(old, new[..., : len(vocab.tags)], atol=1e-6)


def test_fine_tuning_adds_the_users_entities_to_the_base_gazetteer_with_fold_flags():
    from pipeline.ner.lexicon import Lexicon
    from pipeline.ner.msra import spans_to_tags

    classes = ["word", "gazetteer:ORG", "gazetteer:PER", "gazetteer:LOC"]
    base = Lexicon(classes, {"国务院": 0b11, "北京": 0b1001})
    sentences = [
        (list("县扶贫办主任到兰考县"), spans_to_tags(10, [(0, 4, "ORG"), (7, 10, "LOC")])),
        (list("推进精准扶贫"), spans_to_tags(6, [(2, 6, "POLICY")])),
        (list("市财政局召开会议"), spans_to_tags(8, [(0, 4, "ORG")])),
        (list("国务院在北京"), spans_to_tags(6, [(0, 3, "ORG"), (4, 6, "LOC")])),
    ]
    cfg = {"lexicon": {"gazetteer": {"folds": 2, "min_length": 2}}}
    full, per_sentence = extend_gazetteer(base, sentences, cfg)
    assert full.classes == classes  # same flags: the model's input size does not change
    assert full.words["县扶贫办"] == 0b10 and full.words["兰考县"] == 0b1000 and "精准扶贫" not in full.words
    assert full.words["国务院"] == 0b11  # base entries keep their bits
    # folds of two sentences: the first fold sees only the second fold's entities (and the base's)
    assert "县扶贫办" not in per_sentence[0].words and per_sentence[0].words["市财政局"] == 0b10
    assert "市财政局" not in per_sentence[2].words and per_sentence[2].words["兰考县"] == 0b1000
    assert extend_gazetteer(base, sentences, {"lexicon": {"gazetteer": None}}) == (base, [])
    assert extend_gazetteer(Lexicon(["word"], {"北京": 1}), sentences, cfg)[1] == []  # base without gazetteer


def _emissions(model, encoded):
    batch = make_batch([encoded])
    with torch.no_grad():
        return model.emissions(batch)


def test_base_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="--base none"):
        load_base(str(tmp_path / "missing_model"))


@pytest.mark.parametrize("text,seconds", [("90", 90), ("90s", 90), ("10m", 600), ("1h30m", 5400), ("1.5m", 90), (None, None)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "10x", "m"])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError, match="--max-time"):
        parse_duration(text)


@pytest.mark.slow
@needs_msra
def test_without_data_the_cli_trains_the_shipped_recipe_on_msra(tmp_path):
    output = tmp_path / "zh_msra_smoke"
    result = CliRunner().invoke(app, ["train", "ner", "--output", str(output), "--smoke", "--max-steps", "3", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "best dev F1" in result.output and (output / "meta.json").is_file()


def test_fine_tuning_ignores_the_configs_step_count_for_msra(policy_doccano, tiny_config, tmp_path):
    """`training.max_steps` in the shipped config is the MSRA run's; fine-tuning stops by its own dev split."""
    import yaml

    cfg = yaml.safe_load(tiny_config.read_text(encoding="utf-8"))
    cfg["training"]["max_steps"] = 2
    config = tmp_path / "cfg.yaml"
    config.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    result = retrain_ner([policy_doccano], tmp_path / "m", base=None, config=config, max_epochs=1,
                         msra_test_sentences=0, progress=False)
    assert result.report["training"]["steps"] > 2


def test_untrainable_requests_are_refused_before_training(policy_doccano, tmp_path):
    one_text = tmp_path / "one.jsonl"
    one_text.write_text('{"text": "张伟在北京。", "label": [[0, 2, "PER"]]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="at least 2 annotated texts"):
        retrain_ner([one_text], tmp_path / "m", base=None, progress=False)
    with pytest.raises(ValueError, match="--dev-split must be between 0 and 1"):
        retrain_ner([policy_doccano], tmp_path / "m", base=None, dev_split=0.0, progress=False)
    assert not (tmp_path / "m").exists()
