"""Inspections: an inspection that takes place, not the words naming one as a topic.

Most sentences come from seed 001 (a long speech), with the entities the NER stage finds in them,
大众 (an ORG by mistake) included.
"""

from __future__ import annotations

import pytest

from tests.events.conftest import quantity


def texts(event: dict, role: str) -> list[str]:
    return [value["text"] for value in event["slots"].get(role, [])]


def inspections(events: list[dict]) -> list[dict]:
    return [event for event in events if event["type"] == "inspection"]


TOPICS = [
    pytest.param(
        "今天,我们召开脱贫攻坚领导小组第4次(扩大)会议暨中央脱贫攻坚专项巡查“回头看”和国家脱贫攻坚成效考核"
        "反馈意见整改推动会,主要任务是贯彻落实中央和省、市脱贫攻坚相干会议精神。",
        [("今天", "DATE"), ("脱贫攻坚领导小组", "ORG")],
        id="meeting-name",
    ),
    pytest.param(
        "xx 月27日,中央政治局召开会议,专题审议中央脱贫攻坚专项巡查“回头看”和2019年脱贫成效考核情况汇报,"
        "总书记再次就打好脱贫攻坚收官战作出安排、提出要求。",
        [("中央政治局", "ORG"), ("2019年", "DATE")],
        id="report-under-review",
    ),
    pytest.param(
        "成绩值得肯定,但从中央脱贫攻坚专项巡查“回头看”、国家和省上脱贫攻坚成效考核、中央纪委国家监委调研督导"
        "反馈意见来看,全县帮扶工作依然存在一些不容忽视的问题。",
        [("中央纪委国家监委", "ORG")],
        id="judged-from",
    ),
    pytest.param(
        "梳理认领中央巡查“回头看”和国家成效考核反馈问题9方面35项51个、中央纪委国家监委调研督导反馈问题6方面19项21个。",
        [("中央纪委国家监委", "ORG"), ("35项", "QUANTITY"), ("51个", "QUANTITY")],
        id="run-of-signal-words-before-a-noun",
    ),
    pytest.param(
        "乡镇要认真落实属地管理责任,切实加强驻村帮扶工作队平常管理,严格考勤,严格考核,真正管好用好帮扶气力。",
        [("驻村帮扶工作队", "ORG")],
        id="management-of-an-object",
    ),
    pytest.param(
        "督导巡察组要加强常态化、精准化督查,及时编发《督查通报》,第一时间反馈乡镇和部门,并呈送县上主要领导参阅。",
        [("督导巡察组", "ORG")],
        id="something-to-improve",
    ),
    pytest.param(
        "要把平时督查、大众评价和工作实效作为年度考核评价的重要内容,对年内省、市、县督查反馈问题并通报的"
        "帮扶工作队、队长、队员一律取消评优选先资历。",
        [("大众", "ORG"), ("年内", "DATE"), ("帮扶工作队", "ORG")],
        id="made-into-a-criterion",
    ),
]


@pytest.mark.parametrize(("text", "entities"), TOPICS)
def test_signal_words_naming_a_topic_are_no_inspection(extract, text, entities):
    assert inspections(extract(text, entities)) == []


def test_a_meetings_name_blocks_inspection_only(extract):
    types = [event["type"] for event in extract(*TOPICS[0].values)]
    assert "meeting" in types and "inspection" not in types


def test_inspections_told_in_one_sentence(extract):
    text = "去年年底,中央第1巡查组对我省展开了脱贫攻坚专项巡查“回头看”,国务院扶贫开发领导小组对2019年脱贫攻坚成效同步进行了考核。"
    entities = [("去年年底", "DATE"), ("中央第1巡查组", "ORG"), ("国务院扶贫开发领导小组", "ORG"), ("2019年", "DATE")]
    events = inspections(extract(text, entities))
    assert [texts(event, "inspector") for event in events] == [["中央第1巡查组"], ["国务院扶贫开发领导小组"]]
    assert texts(events[0], "date") == ["去年年底"]


def test_inspector_named_in_an_earlier_clause(extract):
    text = "省委巡查组今天正式进驻通渭,展开为期7⑴0天的专项巡查,这是1次全面的“政治体检”。"
    (event,) = inspections(extract(text, [("省委巡查组", "ORG"), ("今天", "DATE")]))
    assert texts(event, "inspector") == ["省委巡查组"]
    assert texts(event, "date") == ["今天"]


def test_required_inspection_with_its_body(extract):
    text = "县委组织部、县扶贫办要每个月对帮扶干部到岗履职情况明察暗访1次、电话抽查1次,定期通报、督导落实;"
    (event,) = inspections(extract(text, [("县委组织部", "ORG"), ("县扶贫办", "ORG")]))
    assert event["trigger"]["start"] == text.index("暗访")
    assert texts(event, "inspector") == ["县扶贫办"]


def test_strict_assessment_by_a_named_body(extract):
    text = "对此,县委组织部要严格考核,凡发现对驻村帮扶工作队管理不到位的,首先追究乡党委主体责任。"
    entities = [("县委组织部", "ORG"), ("驻村帮扶工作队", "ORG"), ("乡党委", "ORG")]
    (event,) = inspections(extract(text, entities))
    assert texts(event, "inspector") == ["县委组织部"]


def test_duration_is_the_inspections_not_any_in_the_sentence(extract):
    text = "4月份省委将对75个贫困县全面展开脱贫攻坚专项巡查,7月份国家还要组织展开脱贫攻坚普查,并明确要求全年任务必须半年完成。"
    entities = [
        ("4月份", "DATE"),
        ("省委", "ORG"),
        ("75个", "QUANTITY", quantity(75, "个", "count")),
        ("7月份", "DATE"),
        ("半年", "QUANTITY", quantity(0.5, "年", "duration")),
    ]
    (event,) = inspections(extract(text, entities))
    assert texts(event, "inspector") == ["省委"]
    assert texts(event, "date") == ["4月份"]
    assert "duration" not in event["slots"]


def test_duration_after_its_cue_in_another_clause(extract):
    text = "近日，省扶贫办派出暗访组，赴平利县、镇坪县开展脱贫攻坚暗访，历时10天，走访了42个村。"
    entities = [
        ("近日", "DATE"),
        ("省扶贫办", "ORG"),
        ("暗访组", "ORG"),
        ("平利县", "LOC"),
        ("镇坪县", "LOC"),
        ("10天", "QUANTITY", quantity(10, "天", "duration")),
        ("42个", "QUANTITY", quantity(42, "个", "count")),
    ]
    (event,) = inspections(extract(text, entities))
    assert texts(event, "duration") == ["10天"]


def test_a_run_of_signal_words_is_one_trigger(extract):
    (event,) = inspections(extract("县扶贫办负责对各乡镇进行督导检查。", [("县扶贫办", "ORG")]))
    assert event["trigger"]["text"] == "督导检查"
    assert texts(event, "inspector") == ["县扶贫办"]


def test_the_body_after_dui_is_the_target_not_the_inspector(extract):
    text = "市委督查室对县扶贫办进行专项督查。"
    (event,) = inspections(extract(text, [("市委督查室", "ORG"), ("县扶贫办", "ORG")]))
    assert texts(event, "inspector") == ["市委督查室"]
    assert texts(event, "target") == ["县扶贫办"]
