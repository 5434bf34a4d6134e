"""The acceptance targets of issue #3, measured on the hand-made gold fixtures."""

from __future__ import annotations

import pytest

from pipeline.evaluation.cleaning import (
    DocumentScore,
    evaluate,
    load_gold,
    score_document,
)


def _overall(pairs) -> DocumentScore:
    overall = DocumentScore("overall")
    for gold, doc in pairs:
        score = score_document(gold, doc)
        for name in ("noise", "content", "checks"):
            getattr(overall, name).merge(getattr(score, name))
    return overall


@pytest.mark.parametrize("index", range(5))
def test_each_seed_is_fully_cleaned_and_nothing_is_lost(gold_runs, index):
    gold, doc = gold_runs["seeds"][index]
    score = score_document(gold, doc)
    assert score.misses == []
    assert score.noise.rate == 1.0 and score.content.rate == 1.0 and score.content.char_rate == 1.0


def test_team_fixtures_meet_the_targets(gold_runs):
    overall = _overall(gold_runs["team"])
    assert overall.noise.rate >= 0.97
    assert overall.content.rate >= 0.995
    assert overall.content.char_rate >= 0.995
    assert overall.checks.rate >= 0.95


def test_team_fixtures_cover_both_scripts_and_enough_cases(gold_runs):
    pairs = gold_runs["team"]
    assert len(pairs) >= 40
    scripts = {doc.script for _, doc in pairs}
    assert {"simplified", "traditional", "mixed"} <= scripts
    assert {"news", "not_news"} <= {gold.kind for gold, _ in pairs if gold.kind}


def test_the_metrics_can_fail(config, gold_dir):
    """A gold item the cleaner cannot satisfy lowers the score: the metrics are not vacuous."""
    documents = load_gold(gold_dir / "seeds")[:1]
    documents[0].remove.append("党的十八大以来")
    documents[0].keep.append("这句话不在文中。")
    report = evaluate(documents, config)
    overall = report["overall"]
    assert overall["noise_recall"] < 1.0 and overall["content_retention_sentences"] < 1.0
    assert any("content lost" in miss for miss in report["documents"][0]["misses"])
