"""The NER stage: sentences, offsets back to the raw Traditional text, flags, not_news, models."""

from __future__ import annotations

import re
import time

import opencc
import pytest

from pipeline.config import load_config
from pipeline.document import Document, Edit
from pipeline.ner.rules import split_sentences
from pipeline.stages.ner import NerModelError, NerStage

PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ ]+\)")
RAW = (
    "4月8日,住房和城鄉(xiāng)建設(shè)部黨組召開會(huì)議專題研究脫貧攻堅(jiān)工作。"
    "黃家鎮(zhèn)有貧困戶1021戶4360人,全縣投入資金1.2億元。縣扶貧辦要求6月底前完成。"
)


@pytest.fixture(scope="module")
def stage():
    return NerStage(load_config(overrides=["ner.model=null"]))


def cleaned(raw: str, published: str | None = "2020-05-10") -> Document:
    """A document edited the way cleaning and conversion edit it: readings dropped, then t2s."""
    doc = Document(id="t", raw_text=raw, meta={"published": published} if published else {})
    doc.apply_edits([Edit(m.start(), m.end(), "", "remove", "pinyin") for m in PINYIN.finditer(doc.text)])
    simplified = opencc.OpenCC("t2s").convert(doc.text)
    doc.apply_edits(
        [Edit(i, i + 1, new, "convert", "t2s") for i, (old, new) in enumerate(zip(doc.text, simplified)) if old != new]
    )
    return doc


def test_entities_map_back_to_the_raw_traditional_text(stage):
    doc = cleaned(RAW)
    assert stage.process_batch([doc]) == []
    t2s = opencc.OpenCC("t2s")
    found = {(e.text, e.label) for e in doc.entities}
    assert {("4月8日", "DATE"), ("住房和城乡建设部党组", "ORG"), ("1021户", "QUANTITY"), ("4360人", "QUANTITY"),
            ("1.2亿元", "QUANTITY"), ("县扶贫办", "ORG"), ("6月底前", "DATE")} <= found
    for entity in doc.entities:
        raw = doc.raw_text[entity.raw_start : entity.raw_end]
        assert doc.text[entity.start : entity.end] == entity.text
        assert t2s.convert(PINYIN.sub("", raw)) == entity.text
    org = next(e for e in doc.entities if e.text == "住房和城乡建设部党组")
    assert doc.raw_text[org.raw_start : org.raw_end] == "住房和城鄉(xiāng)建設(shè)部黨組"


def test_the_statistical_model_tags_traditional_text_after_conversion():
    doc = cleaned("國家主席江澤民在北京會見了美國總統克林頓。")
    assert NerStage(load_config()).process_batch([doc]) == []
    raw = {(e.text, e.label): doc.raw_text[e.raw_start : e.raw_end] for e in doc.entities}
    assert raw[("江泽民", "PER")] == "江澤民" and raw[("美国", "LOC")] == "美國"


def test_norms_use_the_publication_date(stage):
    doc = cleaned(RAW)
    stage.process_batch([doc])
    norms = {e.text: e.norm for e in doc.entities}
    assert norms["4月8日"]["start"] == "2020-04-08" and norms["4月8日"]["year_from"] == "document_date"
    assert norms["1.2亿元"] == {"value": 120000000, "unit": "元", "kind": "money"}
    assert norms["县扶贫办"] == "县扶贫开发领导小组办公室"
    undated = cleaned(RAW, published=None)
    stage.process_batch([undated])
    assert {e.text: e.norm for e in undated.entities}["4月8日"]["year_from"] == "unresolved"


def test_flagged_spans_yield_nothing(stage):
    doc = Document(id="f", raw_text="4月8日，县扶贫办投入资金1万元。")
    doc.flag(0, 4, "placeholder", "test")
    doc.flag(13, 16, "lost_char", "test")
    stage.process_batch([doc])
    assert [(e.text, e.label) for e in doc.entities] == [("县扶贫办", "ORG")]


def test_not_news_documents_get_no_entities(stage):
    doc = Document(id="n", raw_text="4月8日，县扶贫办投入资金1万元。")
    doc.kind = "not_news"
    assert stage.process_batch([doc]) == []
    assert doc.entities == [] and doc.sentences == []


def test_batch_offsets_and_sentences(stage):
    docs = [Document(id=str(i), raw_text=f"第{i}段。\n{i + 1}月1日，县委召开会议。全县{i + 2}个乡镇参加！") for i in range(1, 6)]
    assert stage.process_batch(docs) == []
    for i, doc in enumerate(docs, start=1):
        assert [doc.text[s:e] for s, e in doc.sentences] == [f"第{i}段。", f"{i + 1}月1日，县委召开会议。", f"全县{i + 2}个乡镇参加！"]
        assert [(e.text, e.label) for e in doc.entities] == [(f"{i + 1}月1日", "DATE"), ("县委", "ORG"), (f"{i + 2}个", "QUANTITY")]


def test_describe_rules_only(stage):
    described = stage.describe()
    assert described["model"] is None and described["rules"].endswith("entities.yaml")
    assert described["components"] == ["zh_entity_rules"]


def test_missing_model_is_a_clear_error(tmp_path):
    missing = tmp_path / "no_such_model"
    with pytest.raises(NerModelError, match="no_such_model") as error:
        NerStage(load_config(overrides=[f"ner.model={missing}"]))
    assert "ner.model: null" in str(error.value)


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("他说：“好。”然后走了。", ["他说：“好。”", "然后走了。"]),
        ("  第一句！第二句？\n\n第三句……第四句；", ["第一句！", "第二句？", "第三句……", "第四句；"]),
        ("没有句号", ["没有句号"]),
    ],
)
def test_split_sentences(text, sentences):
    assert [text[s:e] for s, e in split_sentences(text)] == sentences


def test_long_sentences_are_bounded():
    text = "，".join(["脱贫攻坚任务"] * 200) + "。"
    spans = split_sentences(text, max_chars=100)
    assert all(e - s <= 100 for s, e in spans)
    assert "".join(text[s:e] for s, e in spans) == text


def test_rules_only_throughput(stage, sample_texts):
    docs = [Document(id=f"{name}{i}", raw_text=text) for i in range(3) for name, text in sample_texts.items()]
    chars = sum(len(doc.text) for doc in docs)
    started = time.perf_counter()
    stage.process_batch(docs)
    assert chars / (time.perf_counter() - started) >= 20_000


def test_statistical_model_and_rules_in_one_pipeline(tmp_path):
    """A stand-in statistical model (an EntityRuler saved to disk) loads through the model loader."""
    import spacy

    fake = spacy.blank("zh")
    fake.add_pipe("entity_ruler").add_patterns(
        [{"label": "PER", "pattern": "张伟"}, {"label": "LOC", "pattern": "兰考"}, {"label": "ORG", "pattern": "住房和城乡建设部"}]
    )
    fake.meta.update(name="fake_ner", version="1.2.3")
    fake.to_disk(tmp_path / "fake_ner")
    stage = NerStage(load_config(overrides=[f"ner.model={tmp_path / 'fake_ner'}"]))
    assert stage.describe()["model"] == "fake_ner-1.2.3"
    doc = Document(id="m", raw_text="4月8日，张伟到兰考县扶贫办调研，住房和城乡建设部党组召开会议。", meta={"published": "2020-05-01"})
    assert stage.process_batch([doc]) == []
    assert [(e.text, e.label, e.source) for e in doc.entities] == [
        ("4月8日", "DATE", "rules:date"),
        ("张伟", "PER", "model"),
        ("兰考县扶贫办", "ORG", "rules:org"),
        ("住房和城乡建设部党组", "ORG", "rules:org"),
    ]


def test_a_document_that_breaks_the_pipeline_fails_alone():
    from spacy.language import Language

    if not Language.has_factory("explode_on_marker"):

        @Language.component("explode_on_marker")
        def explode_on_marker(doc):
            if "崩溃" in doc.text:
                raise RuntimeError("boom")
            return doc

    stage = NerStage(load_config(overrides=["ner.model=null"]))
    stage.nlp.add_pipe("explode_on_marker", first=True)
    docs = [Document(id=str(i), raw_text=text) for i, text in enumerate(["4月8日开会。", "这里崩溃。", "全县14个乡镇。"])]
    failures = stage.process_batch(docs)
    assert [(f.doc.id, f.error) for f in failures] == [("1", "RuntimeError: boom")]
    assert [e.text for e in docs[0].entities] == ["4月8日"] and [e.text for e in docs[2].entities] == ["14个"]
