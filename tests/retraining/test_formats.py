"""Every input format read into the same Examples; detection; Traditional conversion; sentence cutting."""

from __future__ import annotations

import json

import datasets
import pytest
import spacy
from spacy.tokens import DocBin

from pipeline.config import Config, ConfigError
from pipeline.document import Document, Edit
from pipeline.stages.convert import ConvertStage
from pipeline.training.formats import (
    Example,
    _converter,
    _Problem,
    detect_format,
    move_spans,
    read_annotations,
    to_sentences,
    to_simplified,
)

TEXT = "张伟在兰考县调研精准扶贫。"
SPANS = ((0, 2, "PER"), (3, 6, "LOC"), (8, 12, "POLICY"))


def as_pairs(examples):
    return [(e.text, e.spans) for e in examples]


def write_columns(path, scheme_tags, sep=" "):
    path.write_text("".join(f"{c}{sep}{t}\n" for c, t in zip(TEXT, scheme_tags)) + "\n", encoding="utf-8")
    return path


BMES = ["B-PER", "E-PER", "O", "B-LOC", "M-LOC", "E-LOC", "O", "O", "B-POLICY", "M-POLICY", "M-POLICY", "E-POLICY", "O"]
BIO = ["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "I-LOC", "O", "O", "B-POLICY", "I-POLICY", "I-POLICY", "I-POLICY", "O"]


@pytest.mark.parametrize("tags,sep", [(BMES, " "), (BIO, "\t")])
def test_column_files_bmes_and_bio(tmp_path, tags, sep):
    path = write_columns(tmp_path / "data.bmes", tags, sep)
    assert detect_format(path) == "columns"
    assert as_pairs(read_annotations([path])) == [(TEXT, SPANS)]


def test_doccano_label_lists_and_entity_objects(tmp_path):
    path = tmp_path / "data.jsonl"
    objects = [{"id": i, "start_offset": s, "end_offset": e, "label": label} for i, (s, e, label) in enumerate(SPANS)]
    records = [
        {"text": TEXT, "label": [list(s) for s in SPANS]},
        {"text": TEXT, "entities": objects},
        {"text": "没有实体。", "label": []},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    assert detect_format(path) == "doccano"
    assert as_pairs(read_annotations([path])) == [(TEXT, SPANS), (TEXT, SPANS), ("没有实体。", ())]


def label_studio_task(spans, **extra):
    result = [
        {"id": str(i), "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": s, "end": e, "text": TEXT[s:e], "labels": [label]}}
        for i, (s, e, label) in enumerate(spans)
    ]
    return {"id": 7, "data": {"text": TEXT}, "annotations": [{"id": 1, "result": result, **extra}]}


def test_label_studio_export(tmp_path):
    path = tmp_path / "export.json"
    cancelled = label_studio_task(SPANS[:1], was_cancelled=True)
    cancelled["annotations"].append(label_studio_task(SPANS)["annotations"][0])
    unlabelled = {"id": 9, "data": {"text": "未标注。"}, "annotations": []}
    path.write_text(json.dumps([label_studio_task(SPANS), cancelled, unlabelled], ensure_ascii=False), encoding="utf-8")
    assert detect_format(path) == "label-studio"
    assert as_pairs(read_annotations([path])) == [(TEXT, SPANS), (TEXT, SPANS)]


def test_spacy_docbin(tmp_path):
    nlp = spacy.blank("zh")
    doc = nlp.make_doc(TEXT)
    doc.ents = [doc.char_span(s, e, label=label) for s, e, label in SPANS]
    path = tmp_path / "train.spacy"
    DocBin(docs=[doc, nlp.make_doc("没有。")]).to_disk(path)
    assert detect_format(path) == "docbin"
    assert as_pairs(read_annotations([path])) == [(TEXT, SPANS), ("没有。", ())]


def test_datasets_tokens_and_string_tags(tmp_path):
    path = tmp_path / "ds_tags"
    datasets.Dataset.from_dict({"tokens": [list(TEXT)], "tags": [BIO]}).save_to_disk(str(path))
    assert detect_format(path) == "datasets"
    assert as_pairs(read_annotations([path])) == [(TEXT, SPANS)]


def test_datasets_dict_with_class_label_ids(tmp_path):
    names = sorted(set(BMES))
    features = datasets.Features(
        {"tokens": datasets.Sequence(datasets.Value("string")), "ner_tags": datasets.Sequence(datasets.ClassLabel(names=names))}
    )
    data = datasets.Dataset.from_dict({"tokens": [list(TEXT)], "ner_tags": [[names.index(t) for t in BMES]]}, features=features)
    path = tmp_path / "ds_ids"
    datasets.DatasetDict({"train": data, "extra": data}).save_to_disk(str(path))
    assert as_pairs(read_annotations([path], fmt="datasets")) == [(TEXT, SPANS), (TEXT, SPANS)]


def test_datasets_text_and_spans(tmp_path):
    path = tmp_path / "ds_spans"
    spans = [[{"start": s, "end": e, "label": label} for s, e, label in SPANS]]
    datasets.Dataset.from_dict({"text": [TEXT], "spans": spans}).save_to_disk(str(path))
    assert as_pairs(read_annotations([path])) == [(TEXT, SPANS)]


def test_format_named_overrides_detection(tmp_path):
    path = tmp_path / "data.txt"
    path.write_text(json.dumps({"text": TEXT, "label": [list(s) for s in SPANS]}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert detect_format(path) == "doccano"
    assert as_pairs(read_annotations([path], fmt="doccano")) == [(TEXT, SPANS)]


def test_traditional_text_is_converted_with_its_spans(tmp_path):
    traditional = "張偉在蘭考縣調研精準扶貧，國務院扶貧辦派員督導。"
    spans = [[0, 2, "PER"], [3, 6, "LOC"], [8, 12, "POLICY"], [13, 19, "ORG"]]
    path = tmp_path / "trad.jsonl"
    path.write_text(json.dumps({"text": traditional, "label": spans}, ensure_ascii=False) + "\n", encoding="utf-8")
    (example,) = read_annotations([path])
    assert example.text == "张伟在兰考县调研精准扶贫，国务院扶贫办派员督导。"
    assert [example.text[s:e] for s, e, _ in example.spans] == ["张伟", "兰考县", "精准扶贫", "国务院扶贫办"]
    (kept,) = read_annotations([path], opencc="none")
    assert kept.text == traditional


def test_training_text_is_what_the_convert_stage_makes_of_it():
    text = "國務院扶貧辦派員赴蘭考縣督導。全国人大常委会副委员长王丙乾出席会议。"
    example = Example(text, ((0, 6, "ORG"), (9, 12, "LOC"), (26, 29, "PER")))
    converted = to_simplified(example, _converter("t2s"))
    doc = Document(id="d", raw_text=text)
    ConvertStage(Config()).process(doc)
    assert converted.text == doc.text
    assert [converted.text[s:e] for s, e, _ in converted.spans] == ["国务院扶贫办", "兰考县", doc.text[26:29]]


def test_a_length_changing_edit_moves_later_spans_through_the_offset_map():
    doc = Document(id="d", raw_text="記憶體廠商在臺灣的軟體公司")
    doc.apply_edits([Edit(0, 3, "内存", kind="convert")])
    assert move_spans(doc, [(0, 3, "PRODUCT"), (6, 8, "LOC")]) == ((0, 2, "PRODUCT"), (5, 7, "LOC"))
    with pytest.raises(_Problem, match="across offset 1"):
        move_spans(doc, [(1, 3, "X")])


def test_unknown_opencc_table_is_a_config_error(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": TEXT, "label": []}) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="--opencc 'tw2sp'"):
        read_annotations([path], opencc="tw2sp")


def test_sentences_are_cut_at_punctuation_and_length_but_not_inside_a_span():
    text = "国务院扶贫办召开会议。会议由张伟主持！" + "长" * 10
    example = Example(text, ((0, 6, "ORG"), (14, 16, "PER"), (20, 27, "X")))
    sentences = to_sentences(example, max_length=8)
    assert ["".join(chars) for chars, _ in sentences] == ["国务院扶贫办召开", "会议。", "会议由张伟主持！", "长" * 8, "长长"]
    assert sentences[0][1][:6] == ["B-ORG", "M-ORG", "M-ORG", "M-ORG", "M-ORG", "E-ORG"]
    assert sentences[3][1] == ["O", "B-X"] + ["M-X"] * 5 + ["E-X"]


def test_a_span_longer_than_a_sentence_is_cut_with_valid_tags():
    sentences = to_sentences(Example("长" * 12, ((1, 11, "X"),)), max_length=4)
    assert [len(chars) for chars, _ in sentences] == [1, 4, 4, 3]
    assert sentences[1][1] == ["B-X", "M-X", "M-X", "E-X"]
    assert sentences[3][1] == ["B-X", "E-X", "O"]
