"""ORG rules for public bodies, canonical names, and merging with model spans."""

from __future__ import annotations

import pytest

from pipeline.ner.rules.components import EntityRuleComponent


@pytest.mark.parametrize(
    "text, expected",
    [
        ("住房和城乡建设部联合驻部纪检监察组召开会议。", ["住房和城乡建设部", "驻部纪检监察组"]),
        ("县扶贫办组建14个督战帮扶工作组。", ["县扶贫办", "督战帮扶工作组"]),
        ("住房和城乡建设部党组召开会议。", ["住房和城乡建设部党组"]),
        ("省委巡查组进驻后，脱贫攻坚领导小组召开会议。", ["省委巡查组", "脱贫攻坚领导小组"]),
        ("来源：河南日报", ["河南日报"]),
        ("，常德市委书记、市人大常委会主任出席。", ["常德市委", "市人大常委会"]),
        ("河南省扶贫办、县财政局、省纪委监委联合督查。", ["河南省扶贫办", "县财政局", "省纪委监委"]),
        ("中央第一巡视组对我省开展巡视。", ["中央第一巡视组"]),
        ("省脱贫攻坚领导小组办公室印发通知。", ["省脱贫攻坚领导小组办公室"]),
    ],
)
def test_bodies(ents, text, expected):
    assert [t for t, _ in ents(text, "ORG")] == expected


@pytest.mark.parametrize(
    "text",
    ["要加强教育部署，做好工作组织。", "各指挥部要知责明责尽责。", "城市委托第三方评估。", "确保贫困村全部出列。"],
)
def test_not_bodies(ents, text):
    assert ents(text, "ORG") == []


def test_canonical_names(rules):
    assert rules.orgs.canonical_name("县扶贫办") == "县扶贫开发领导小组办公室"
    assert rules.orgs.canonical_name("市住建局") == "市住房和城乡建设局"
    assert rules.orgs.canonical_name("住房和城乡建设部") == "住房和城乡建设部"


def with_model_ents(nlp, text, spans):
    """A doc as the statistical component leaves it: ``spans`` are (surface, label)."""
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(text.index(surface), text.index(surface) + len(surface), label=label) for surface, label in spans]
    return doc


@pytest.fixture
def component(nlp):
    return nlp.get_pipe("zh_entity_rules")


def result(doc):
    return [(e.text, e.label_, e.id_) for e in doc.ents]


def test_rule_org_extends_model_org(nlp, component):
    doc = component(with_model_ents(nlp, "住房和城乡建设部党组召开会议。", [("住房和城乡建设部", "ORG")]))
    assert result(doc) == [("住房和城乡建设部党组", "ORG", "rules:org")]


def test_model_org_containing_the_rule_span_is_kept(nlp, component):
    doc = component(with_model_ents(nlp, "国家乡村振兴局扶贫办召开会议。", [("国家乡村振兴局扶贫办", "ORG")]))
    assert result(doc) == [("国家乡村振兴局扶贫办", "ORG", "model")]


@pytest.mark.parametrize(
    ("text", "model_org", "expected"),
    [
        ("住房和城乡建设部联合驻部纪检监察组召开会议。", "城乡建设部联合驻部纪检监察组", ["住房和城乡建设部", "驻部纪检监察组"]),
        ("民政局和县扶贫办开展检查。", "民政局和县扶贫", ["民政局", "县扶贫办"]),
    ],
)
def test_model_org_over_a_joiner_is_cut_not_merged(nlp, component, text, model_org, expected):
    doc = component(with_model_ents(nlp, text, [(model_org, "ORG")]))
    assert [e.text for e in doc.ents if e.label_ == "ORG"] == expected


@pytest.mark.parametrize(
    ("text", "model_spans"),
    [("常常与大众沟通。", [("大众", "ORG")]), ("“云督战”直接到镇到村。", [("云", "PER")])],
)
def test_model_spans_ruled_out_by_the_config_are_dropped(nlp, component, text, model_spans):
    assert result(component(with_model_ents(nlp, text, model_spans))) == []


def test_model_spans_of_other_labels_or_lengths_stay(nlp, component):
    doc = component(with_model_ents(nlp, "大众来到李强家。", [("大众", "LOC"), ("李强", "PER")]))
    assert result(doc) == [("大众", "LOC", "model"), ("李强", "PER", "model")]


def test_model_loc_before_a_body_joins_it(nlp, component):
    doc = component(with_model_ents(nlp, "我们到兰考县扶贫办调研。", [("兰考", "LOC")]))
    assert result(doc) == [("兰考县扶贫办", "ORG", "rules:org")]


def test_model_per_is_not_broken(nlp, component):
    doc = component(with_model_ents(nlp, "王市委书记讲话。", [("王市委", "PER")]))
    assert result(doc) == [("王市委", "PER", "model")]


def test_dates_win_over_model_spans_outside_names(nlp, component):
    doc = component(with_model_ents(nlp, "4月8日，会议召开。", [("8日", "LOC")]))
    assert result(doc) == [("4月8日", "DATE", "rules:date")]


def test_labels_select_the_rule_families(rules):
    component = EntityRuleComponent("only_dates", str(rules.path), labels=["DATE"])
    assert component.labels == ("DATE",)
    with pytest.raises(ValueError, match="unknown labels"):
        EntityRuleComponent("bad", str(rules.path), labels=["MONEY"])
