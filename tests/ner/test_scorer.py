import pytest

from pipeline.evaluation.ner import paired_bootstrap, score_spans, score_tags


def test_strict_spans_need_exact_boundaries_and_label():
    gold = [[(0, 3, "ORG"), (5, 7, "PER")], [(0, 2, "LOC")]]
    pred = [[(0, 3, "ORG"), (5, 6, "PER")], [(0, 2, "ORG")]]
    s = score_spans(gold, pred)
    assert (s.overall.tp, s.overall.fp, s.overall.fn) == (1, 2, 2)
    assert s.per_type["ORG"].precision == 0.5 and s.per_type["ORG"].recall == 1.0
    assert s.per_type["PER"].f1 == 0.0 and s.per_type["LOC"].support == 1
    assert s.overall.f1 == pytest.approx(2 * (1 / 3) * (1 / 3) / (2 / 3))


def test_adjacent_same_type_entities_are_not_merged():
    gold = [["B-PER", "E-PER", "B-PER", "E-PER"]]
    merged = [["B-PER", "M-PER", "M-PER", "E-PER"]]
    assert score_tags(gold, merged).overall.f1 == 0.0
    assert score_tags(gold, gold).overall.f1 == 1.0


def test_empty_input_and_serialisation():
    s = score_spans([[]], [[]])
    assert s.overall.f1 == 0.0 and s.per_type == {}
    d = score_spans([[(0, 1, "LOC")]], [[(0, 1, "LOC")]]).to_dict()
    assert d["overall"]["f1"] == 1.0 and d["per_type"]["LOC"]["support"] == 1
    assert "overall" in score_spans([[(0, 1, "LOC")]], [[]]).table()


def test_misaligned_inputs_raise():
    with pytest.raises(ValueError):
        score_spans([[]], [[], []])


def _sentences(n: int, b_extra_hits: int) -> tuple[list, list, list]:
    """`n` one-ORG sentences; model a finds every other ORG, b also finds the first `b_extra_hits` it misses."""
    gold = [[(0, 2, "ORG"), (3, 4, "PER")] for _ in range(n)]
    a = [[(0, 2, "ORG")] if i % 2 else [] for i in range(n)]
    b = [[(0, 2, "ORG")] if i % 2 or i < 2 * b_extra_hits else [] for i in range(n)]
    return gold, a, b


def test_paired_bootstrap_of_identical_predictions_is_zero():
    gold, a, _ = _sentences(200, 0)
    result = paired_bootstrap(gold, a, a, rounds=200)
    assert result["low"] == result["high"] == result["difference"] == 0.0 and result["share_b_higher"] == 0.0


def test_paired_bootstrap_finds_a_better_model_and_repeats_with_its_seed():
    gold, a, b = _sentences(400, 60)
    result = paired_bootstrap(gold, a, b, label="ORG", rounds=500, seed=3)
    assert result["f1_a"] == pytest.approx(200 * 200 / (200 + 400))
    assert result["difference"] > 0 and 0 < result["low"] < result["difference"] < result["high"]
    assert result["share_b_higher"] > 0.95  # samples without any of the first runs tie
    assert paired_bootstrap(gold, a, b, label="ORG", rounds=500, seed=3) == result
    assert paired_bootstrap(gold, a, b, label="PER", rounds=50)["f1_a"] == 0.0
