"""End-to-end runs: outputs, manifest accounting, schemas, provenance, failure isolation."""

from __future__ import annotations

import json
import subprocess
import sys

import opencc
import pytest

from pipeline.config import load_config
from pipeline.resources import SAMPLES_DIR
from pipeline.runner import Runner
from pipeline.stages.clean import CleanStage
from tests.conftest import assert_spans_trace_to_raw, read_jsonl, validator

OUTPUTS = ("events.jsonl", "documents.jsonl", "manifest.json", "errors.jsonl")


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """`python -m pipeline run` with no arguments, in an empty working directory."""
    workdir = tmp_path_factory.mktemp("cwd")
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "run"], cwd=workdir, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    return workdir / "out", result


def test_default_run_writes_the_four_files_for_the_bundled_sample(sample_run, sample_texts):
    out, result = sample_run
    assert sorted(path.name for path in out.iterdir()) == sorted(OUTPUTS)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == {"input": 5, "processed": 5, "skipped": 0, "failed": 0}
    assert {record["id"] for record in read_jsonl(out / "documents.jsonl")} == set(sample_texts)
    assert "5 documents: 5 processed" in result.stdout


def test_manifest_records_config_versions_and_timing(sample_run, sample_texts):
    manifest = json.loads((sample_run[0] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config_sha"] == load_config().sha() == manifest["pipeline"]["config_sha"]
    assert manifest["config"]["convert"]["opencc"] == "t2s"
    assert manifest["versions"]["spacy"] and manifest["versions"]["pipeline"]
    seconds = manifest["timing"]["seconds_per_stage"]
    assert {"read", "clean", "convert", "ner", "events", "write"} <= set(seconds)
    assert manifest["timing"]["characters_per_s"] > 0
    assert manifest["characters"] == sum(len(text) for text in sample_texts.values())


def test_every_output_line_validates_against_its_schema(sample_run):
    out = sample_run[0]
    for name, schema in (("documents.jsonl", "document"), ("events.jsonl", "event")):
        check = validator(schema)
        for record in read_jsonl(out / name):
            check.validate(record)


def test_every_span_slices_the_raw_text_to_its_original(sample_run, sample_texts):
    assert_spans_trace_to_raw(sample_run[0], sample_texts) >= 0


def test_mixed_directory_runs_to_the_end_with_every_status(tmp_path):
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    text = "住房和城乡建设部召开脱贫攻坚农村危房改造部署会。"
    (crawl / "a_utf8.txt").write_text(text, encoding="utf-8")
    (crawl / "b_gbk.txt").write_bytes(text.encode("gbk"))
    (crawl / "c_big5.txt").write_bytes(opencc.OpenCC("s2t").convert(text).encode("big5"))
    (crawl / "d_empty.txt").write_bytes(b"")
    (crawl / "e_binary.bin").write_bytes(b"\x00\x01\x02\xff" * 500)
    manifest = Runner(load_config()).run(crawl, tmp_path / "out")
    assert manifest["documents"] == {"input": 5, "processed": 3, "skipped": 2, "failed": 0}
    skipped = {entry["id"]: entry["reason"] for entry in manifest["skipped"]}
    assert skipped["d_empty"] == "empty file" and "binary" in skipped["e_binary"]
    texts = {record["id"]: record["clean_text"] for record in read_jsonl(tmp_path / "out" / "documents.jsonl")}
    assert texts["a_utf8"].strip() == texts["b_gbk"].strip() == texts["c_big5"].strip()


def test_a_document_that_breaks_a_stage_fails_alone(tmp_path, monkeypatch):
    original = CleanStage.process

    def fragile(self, doc):
        if "爆" in doc.raw_text:
            raise RuntimeError("boom")
        original(self, doc)

    monkeypatch.setattr(CleanStage, "process", fragile)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.txt").write_text("县扶贫办召开会议。", encoding="utf-8")
    (tmp_path / "in" / "bad.txt").write_text("爆炸性新闻。", encoding="utf-8")
    manifest = Runner(load_config()).run(tmp_path / "in", tmp_path / "out")
    assert manifest["documents"] == {"input": 2, "processed": 1, "skipped": 0, "failed": 1}
    [error] = read_jsonl(tmp_path / "out" / "errors.jsonl")
    assert error == {"doc_id": "bad", "source": str(tmp_path / "in" / "bad.txt"), "stage": "clean", "error": "RuntimeError: boom"}


def test_a_crashed_run_leaves_no_complete_looking_output(tmp_path, monkeypatch):
    def crash(self, docs):
        raise KeyboardInterrupt

    monkeypatch.setattr(CleanStage, "process_batch", crash)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("县扶贫办召开会议。", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        Runner(load_config()).run(tmp_path / "in", tmp_path / "out")
    names = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert names == ["documents.jsonl.partial", "errors.jsonl.partial", "events.jsonl.partial"]


def test_overrides_change_the_config_and_its_hash(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("县扶贫办召开会议。", encoding="utf-8")
    config = load_config(overrides=["clean.enabled=false", "write.enabled=false"])
    manifest = Runner(config).run(tmp_path / "in", tmp_path / "out")
    assert manifest["config"]["clean"]["enabled"] is False
    assert "clean" not in manifest["stages"]
    assert manifest["config_sha"] != load_config().sha()
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["errors.jsonl", "manifest.json"]


def test_workers_produce_the_same_outputs_in_the_same_order(tmp_path, monkeypatch):
    config = load_config(overrides=["run.batch_size=2"])
    single = Runner(config).run(SAMPLES_DIR, tmp_path / "one")

    def built_in_main_process(_config):
        raise AssertionError("with workers the main process must not build the stages")

    monkeypatch.setattr("pipeline.runner.build_stages", built_in_main_process)  # spawned workers import afresh
    parallel = Runner(config).run(SAMPLES_DIR, tmp_path / "two", workers=2)
    assert parallel["documents"] == single["documents"]
    assert parallel["stages"] == single["stages"] and parallel["pipeline"] == single["pipeline"]
    for name in ("documents.jsonl", "events.jsonl"):
        assert read_jsonl(tmp_path / "two" / name) == read_jsonl(tmp_path / "one" / name)
