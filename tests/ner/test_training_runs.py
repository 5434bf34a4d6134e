"""Reading training logs back and comparing runs at equal steps (docs/ner-engine.md K)."""

import json
from pathlib import Path

from pipeline.evaluation.training_runs import evaluations, leads, raw_weights, summary

RUNS = Path(__file__).resolve().parents[2] / "docs" / "runs"
PARTNERS = ["story-dev-PDLAC-lac-char-vectors", "story-dev-S8-lac-seed8"]


def _log(name: str) -> dict:
    return evaluations(RUNS / f"{name}.training_log.json")


def test_softlexicon_reading_of_section_k_repeats_from_the_logs():
    partners = [_log(name) for name in PARTNERS]
    org = summary(leads(_log("story-dev-SL7-softlexicon-seed7-stopped"), partners, "dev_f1_ORG", 2800))
    assert org == {"evaluations": 17, "mean_lead": -1.11, "min_lead": -2.41, "max_lead": 0.16, "above_all": 0, "last_step": 9912}
    overall = summary(leads(_log("story-dev-SL8-softlexicon-seed8-stopped"), partners, "dev_f1", 2800))
    assert (overall["evaluations"], overall["mean_lead"]) == (14, -0.74)


def test_a_run_in_progress_is_read_from_its_stdout(tmp_path):
    entries = [{"step": s, "dev_f1": 0.9, "dev_f1_ORG": 0.8 + s / 100_000} for s in (700, 1400, 2100)]
    log = tmp_path / "run.log"
    log.write_text("epoch 1: 10%|█ 7/70 [00:01]" + "".join(json.dumps(e) + "\nbar\r" for e in entries), encoding="utf-8")
    run = evaluations(log)
    assert sorted(run) == [700, 1400, 2100]
    partner = {s: {"dev_f1_ORG": 0.8} for s in (1400, 2100, 2800)}
    rows = leads(run, [partner], "dev_f1_ORG", 1000)
    assert [(step, round(score, 6), avg, top) for step, score, avg, top in rows] == [(1400, 81.4, 80.0, 80.0), (2100, 82.1, 80.0, 80.0)]
    assert summary([]) == {"evaluations": 0}


def test_a_weight_averaged_run_is_read_against_its_own_raw_weights():
    run = {700: {"step": 700, "dev_f1_ORG": 0.85, "raw_dev_f1_ORG": 0.84, "raw_dev_f1": 0.9}}
    assert raw_weights(run) == {700: {"dev_f1_ORG": 0.84, "dev_f1": 0.9}}
    [(step, score, raw, _)] = leads(run, [raw_weights(run)], "dev_f1_ORG", 0)
    assert (step, round(score - raw, 6)) == (700, 1.0)
