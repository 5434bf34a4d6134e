import pytest

from pipeline.evaluation.ner import score_spans, score_tags


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
