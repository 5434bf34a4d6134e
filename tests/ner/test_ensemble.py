"""The product-of-experts component: both members count, it saves and loads, the CLI builds it."""

import json
import shutil

import pytest
import spacy
import torch
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.evaluation.ner import evaluate_ner
from pipeline.ner.ensemble import EnsembleNer, build_ensemble
from pipeline.ner.loading import load_ner_pipeline
from pipeline.resources import configs_dir
from pipeline.stages.ner import build_ner_pipeline
from pipeline.training.retrain import load_base

TEXTS = ["张伟在河南省考察国务院扶贫办。", "", "河南日报派李娜到兰考县调研", "长" * 400, "北京的县扶贫办召开会议，王芳主持。"]


def _member(path, scale: float = 1.0, reseed: int | None = None):
    """The model's `ner` component, its output layer redrawn at random (`reseed`) and its scores scaled."""
    component = load_ner_pipeline("spacy", path).get_pipe("ner")
    model = component.model
    with torch.no_grad():
        if reseed is not None:
            torch.manual_seed(reseed)
            model.out.weight.normal_()
            model.out.bias.normal_()
        for parameter in (model.out.weight, model.out.bias, model.crf.transitions, model.crf.start, model.crf.end):
            parameter.mul_(scale)
    return component


def _tags(component) -> list[list[str]]:
    return component.predict_tags([list(t) for t in TEXTS if t])


def _ensemble(*members) -> EnsembleNer:
    ensemble = EnsembleNer("ner")
    ensemble.set_members(members)
    return ensemble


def test_a_model_paired_with_itself_tags_as_it_does_alone(tiny_model):
    assert _tags(_ensemble(_member(tiny_model), _member(tiny_model))) == _tags(_member(tiny_model))


def test_every_member_counts(tiny_model):
    trained, redrawn = _member(tiny_model), _member(tiny_model, reseed=3)
    assert _tags(trained) != _tags(redrawn)
    assert _tags(_ensemble(trained, _member(tiny_model, scale=1000.0, reseed=3))) == _tags(redrawn)
    assert _tags(_ensemble(_member(tiny_model, scale=1000.0), redrawn)) == _tags(trained)


def test_members_must_share_a_tag_set(tiny_model):
    other = _member(tiny_model)
    other.vocab.tags = list(reversed(other.vocab.tags))
    with pytest.raises(ValueError, match="tag differently"):
        _ensemble(_member(tiny_model), other)


def test_built_ensemble_saves_loads_and_runs_in_the_ner_stage(tiny_model, corpus_dir, tmp_path):
    built = build_ensemble([tiny_model, tiny_model], "zh_tiny_x2")
    built.to_disk(tmp_path / "zh_tiny_x2")
    assert sorted(p.name for p in (tmp_path / "zh_tiny_x2" / "ner").iterdir()) == ["member0", "member1"]
    loaded = load_ner_pipeline("spacy", tmp_path / "zh_tiny_x2")
    assert loaded.meta["name"] == "zh_tiny_x2"
    assert loaded.meta["members"] == [{"model": "zh_msra_ner-0.7.0", "source": str(tiny_model)}] * 2
    single = spacy.load(tiny_model)
    ents = [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in loaded.pipe(TEXTS, batch_size=2)]
    assert ents == [[(e.start_char, e.end_char, e.label_) for e in single(t).ents] for t in TEXTS]
    scores = evaluate_ner(loaded, corpus_dir / "dev.txt")
    assert scores.overall.f1 == pytest.approx(evaluate_ner(single, corpus_dir / "dev.txt").overall.f1)
    stage = build_ner_pipeline("spacy", str(tmp_path / "zh_tiny_x2"), configs_dir() / "entities.yaml")
    assert stage.pipe_names == ["ner", "zh_entity_rules"]
    with pytest.raises(ValueError, match="cannot be fine-tuned"):
        load_base(str(tmp_path / "zh_tiny_x2"))


def test_cli_builds_an_ensemble_and_refuses_one_model(tiny_model, tmp_path):
    out = tmp_path / "pair"
    result = CliRunner().invoke(app, ["train", "ensemble", str(tiny_model), str(tiny_model), "--output", str(out)])
    assert result.exit_code == 0, result.output
    members = json.loads((out / "meta.json").read_text(encoding="utf-8"))["members"]
    assert [m["model"] for m in members] == ["zh_msra_ner-0.7.0"] * 2 and all(m["source"] for m in members)
    again = CliRunner().invoke(app, ["train", "ensemble", str(tiny_model), str(tiny_model), "--output", str(out)])
    assert again.exit_code == 2 and "not empty" in again.output
    alone = CliRunner().invoke(app, ["train", "ensemble", str(tiny_model), "--output", str(tmp_path / "one")])
    assert alone.exit_code == 2 and "two or more" in alone.output
    missing = CliRunner().invoke(app, ["train", "ensemble", str(tiny_model), str(tmp_path / "nope"), "--output", str(tmp_path / "x")])
    assert missing.exit_code == 2 and "nope" in missing.output


def test_an_ensemble_folder_without_members_is_refused(tiny_model, tmp_path):
    build_ensemble([tiny_model, tiny_model], "pair").to_disk(tmp_path / "pair")
    shutil.rmtree(tmp_path / "pair" / "ner" / "member1")
    with pytest.raises(FileNotFoundError, match="member0, member1"):
        load_ner_pipeline("spacy", tmp_path / "pair")
