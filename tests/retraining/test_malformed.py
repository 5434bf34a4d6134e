"""Malformed annotations are rejected with a message naming the file, the line or record, and the problem."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.training.formats import AnnotationError, read_annotations

TEXT = "张伟在兰考县调研精准扶贫。"


def doccano(tmp_path, *records):
    path = tmp_path / "bad.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = {"text": TEXT, "label": [[0, 2, "PER"]]}


@pytest.mark.parametrize(
    "record,problem",
    [
        ({"text": TEXT, "label": [[0, 2, "PER"], [1, 6, "LOC"]]}, "overlap"),
        ({"text": TEXT, "label": [[0, 2, "PER"], [0, 2, "PER"]]}, "overlap"),
        ({"text": TEXT, "label": [[8, 40, "POLICY"]]}, "ends past the end of the text (length 13)"),
        ({"text": TEXT, "label": [[3, 3, "LOC"]]}, "empty or negative span [3, 3)"),
        ({"text": TEXT, "label": [[5, 3, "LOC"]]}, "empty or negative span [5, 3)"),
        ({"text": TEXT, "label": [[-1, 2, "PER"]]}, "empty or negative span [-1, 2)"),
        ({"text": TEXT, "label": [[0, 2, ""]]}, "invalid label"),
        ({"text": TEXT, "label": [["0", 2, "PER"]]}, "integer offsets"),
        ({"text": TEXT, "label": [[0, 2]]}, "is not [start, end, label]"),
        ({"label": [[0, 2, "PER"]]}, "no 'text' string"),
        ('{"text": "张伟", "label": [[0, 2, "PER"]]', "invalid JSON"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_doccano_problems_name_file_line_and_problem(tmp_path, record, problem):
    path = doccano(tmp_path, GOOD, "", record)
    with pytest.raises(AnnotationError) as caught:
        read_annotations([path])
    assert caught.value.path == str(path) and caught.value.where == "line 3"
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{path}: line 3: ")


def test_unknown_label_rejected_only_when_a_label_set_is_given(tmp_path):
    path = doccano(tmp_path, GOOD, {"text": TEXT, "label": [[8, 12, "POLICIY"]]})
    assert len(read_annotations([path])) == 2
    with pytest.raises(AnnotationError, match=r"bad.jsonl: line 2: unknown label 'POLICIY'.*allowed: PER, POLICY"):
        read_annotations([path], labels={"PER", "POLICY"})


def test_column_file_problems_name_the_line(tmp_path):
    path = tmp_path / "bad.bmes"
    path.write_text("张 B-PER\n伟 E-PER\n\n\n在 O\n京 X-LOC\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"bad.bmes: line 6: tag 'X-LOC' is neither O nor"):
        read_annotations([path])
    path.write_text("张 B-PER\n伟\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"bad.bmes: line 2: expected 'char tag' columns"):
        read_annotations([path])
    path.write_text("张 B-PER\n伟 E-PER\n\n兰考 S-LOC\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"bad.bmes: line 4: token '兰考': the model is character-based"):
        read_annotations([path])
    path.write_text("张 B-PER\n伟 E-PER\n\n兰 B-LOC\n考 E-LOC\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"bad.bmes: line 4: unknown label 'LOC'"):
        read_annotations([path], labels={"PER"})


def test_label_studio_problems_name_the_record(tmp_path):
    path = tmp_path / "export.json"
    value = {"start": 0, "end": 2, "text": "张三", "labels": ["PER"]}
    tasks = [{"id": 4, "data": {"text": TEXT}, "annotations": [{"result": [{"type": "labels", "value": value}]}]}]
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"export.json: record 0 \(task id 4\): span \[0, 2\) covers '张伟'"):
        read_annotations([path])
    value.update(text="张伟", end=20)
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"record 0 \(task id 4\): span \[0, 20\) PER ends past the end"):
        read_annotations([path])
    path.write_text('[{"id": 1, "data": {"text": "x"},\n "annotations": [}]', encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"export.json: line 2: invalid JSON"):
        read_annotations([path])


def test_not_a_docbin_and_unknown_format(tmp_path):
    path = tmp_path / "x.spacy"
    path.write_bytes(b"not msgpack at all")
    with pytest.raises(AnnotationError, match=r"x.spacy: file: not a spaCy DocBin"):
        read_annotations([path])
    with pytest.raises(AnnotationError, match=r"unknown format 'conll'"):
        read_annotations([path], fmt="conll")
    with pytest.raises(AnnotationError, match=r"missing.jsonl: format: no such file"):
        read_annotations([tmp_path / "missing.jsonl"])
    with pytest.raises(AnnotationError, match=r"format: a folder, but not a dataset saved with"):
        read_annotations([tmp_path])


def test_cli_prints_the_problem_and_exits_2(tmp_path):
    path = doccano(tmp_path, GOOD, {"text": TEXT, "label": [[0, 2, "PER"], [1, 6, "LOC"]]})
    result = CliRunner().invoke(app, ["train", "ner", "--data", str(path), "--output", str(tmp_path / "m"), "--base", "none"])
    assert result.exit_code == 2
    assert f"{path}: line 2: spans [0, 2) PER and [1, 6) LOC overlap" in result.output
    result = CliRunner().invoke(app, ["train", "ner", "--data", str(path), "--output", str(tmp_path), "--base", "none"])
    assert result.exit_code == 2 and "exists and is not empty" in result.output
    result = CliRunner().invoke(app, ["train", "ner", "--data", str(path), "--output", str(tmp_path / "m"), "--max-time", "soon"])
    assert result.exit_code == 2 and "--max-time 'soon'" in result.output
