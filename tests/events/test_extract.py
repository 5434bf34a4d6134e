"""Slot filling on documents with hand-made entities: each type, its constraints and provenance."""

from __future__ import annotations

from pipeline.document import Edit, Entity
from tests.events.conftest import build_doc, day, quantity


def texts(event: dict, role: str) -> list[str]:
    return [value["text"] for value in event["slots"].get(role, [])]


def only(events: list[dict], event_type: str) -> dict:
    matching = [event for event in events if event["type"] == event_type]
    assert len(matching) == 1, matching
    return matching[0]


def test_meeting_slots_from_cues_and_positions(extract):
    text = "5月11日，洛宁县委在县委党校召开脱贫攻坚工作推进会，县委书记王建华主持会议，县长李明、主任赵刚出席会议。"
    entities = [
        ("5月11日", "DATE", day("2020-05-11")),
        ("洛宁县委", "ORG"),
        ("县委党校", "ORG"),
        ("王建华", "PER"),
        ("李明", "PER"),
        ("赵刚", "PER"),
    ]
    event = only(extract(text, entities), "meeting")
    assert texts(event, "name") == ["脱贫攻坚工作推进会"]
    assert texts(event, "date") == ["5月11日"]
    assert texts(event, "organizer") == ["洛宁县委"]
    assert texts(event, "location") == ["县委党校"]
    assert texts(event, "chair") == ["王建华"]
    assert texts(event, "attendees") == ["李明", "赵刚"]
    assert event["rule"] == "meeting/convene"
    assert event["date_source"] == "sentence"


def test_meeting_name_before_its_trigger(extract):
    event = only(extract("全县脱贫攻坚百日会战动员大会在县委党校举行。", [("县委党校", "ORG")]), "meeting")
    assert texts(event, "name") == ["全县脱贫攻坚百日会战动员大会"]


def test_no_event_without_its_required_slot(extract):
    assert extract("县里召开了一次动员。", []) == []
    assert [e["type"] for e in extract("县财政投入大量资金。", [])] == []


def test_document_title_issuer_and_trigger_inside_title_ignored(extract):
    text = "住房和城乡建设部印发《脱贫攻坚农村危房改造挂牌督战工作方案》。"
    events = extract(text, [("住房和城乡建设部", "ORG")])
    assert [event["type"] for event in events] == ["document_issued"]
    assert texts(events[0], "title") == ["脱贫攻坚农村危房改造挂牌督战工作方案"]
    assert texts(events[0], "issuer") == ["住房和城乡建设部"]


def test_statistics_each_figure_with_its_metric_and_status(extract):
    text = "常德市完成39.8万农村贫困人口脱贫、385个贫困村出列。常德还有4.5万建档立卡贫困人口没有脱贫。"
    entities = [
        ("常德市", "LOC"),
        ("39.8万", "QUANTITY", quantity(398000, "", "count")),
        ("385个", "QUANTITY", quantity(385, "个", "count")),
        ("常德", "LOC"),
        ("4.5万", "QUANTITY", quantity(45000, "", "count")),
    ]
    events = [event for event in extract(text, entities) if event["type"] == "statistic"]
    assert [(texts(e, "value"), texts(e, "metric"), [v["norm"] for v in e["slots"]["status"]]) for e in events] == [
        (["39.8万"], ["农村贫困人口脱贫"], ["achieved"]),
        (["385个"], ["贫困村出列"], ["achieved"]),
        (["4.5万"], ["建档立卡贫困人口没有脱贫"], ["remaining"]),
    ]
    assert texts(events[0], "region") == ["常德市"]


def test_target_with_figure_and_deadline(extract):
    text = "今年，全市的目标任务，就是帮助3万人以上贫困人口脱贫。6月30日前，我们必须攻克所有堡垒。"
    entities = [
        ("今年", "DATE", {"start": "2020-01-01", "end": "2020-12-31"}),
        ("3万人以上", "QUANTITY", quantity(30000, "人", "count")),
        ("6月30日前", "DATE", day("2020-06-30")),
    ]
    targets = [event for event in extract(text, entities) if event["type"] == "target"]
    assert [(texts(e, "task"), texts(e, "deadline"), texts(e, "value")) for e in targets] == [
        (["帮助3万人以上贫困人口脱贫"], ["今年"], ["3万人以上"]),
        (["攻克所有堡垒"], ["6月30日前"], []),
    ]


def test_funding_needs_money(extract):
    money = [("县财政局", "ORG"), ("1.2亿元", "QUANTITY", quantity(120000000, "元", "money"))]
    event = only(extract("县财政局下达财政专项扶贫资金1.2亿元，用于农村道路建设。", money), "funding")
    assert texts(event, "amount") == ["1.2亿元"]
    assert texts(event, "payer") == ["县财政局"]
    assert texts(event, "purpose") == ["农村道路建设"]
    counted = [("县财政局", "ORG"), ("120个", "QUANTITY", quantity(120, "个", "count"))]
    assert [e for e in extract("县财政局下达项目120个。", counted) if e["type"] == "funding"] == []


def test_new_body_with_count(extract):
    event = only(
        extract("全镇成立38个自查评估小组，每组2人。", [("38个", "QUANTITY", quantity(38, "个", "count"))]),
        "organization_formed",
    )
    assert texts(event, "unit") == ["自查评估小组"]
    assert texts(event, "count") == ["38个"]


def test_inspection_trigger_inside_an_org_name_is_not_a_signal(extract):
    text = "省委巡查组对永和县开展巡查。"
    event = only(extract(text, [("省委巡查组", "ORG"), ("永和县", "LOC")]), "inspection")
    assert event["trigger"]["start"] == text.rindex("巡查")
    assert texts(event, "inspector") == ["省委巡查组"]
    assert texts(event, "target") == ["永和县"]


def test_values_carry_both_offset_pairs_and_norm(extractor):
    raw = "4月8日,,住房和城鄉(xiāng)建設部召開會議。"
    doc = build_doc(raw)
    junk = raw.index("(xiāng)")
    doc.apply_edits([Edit(5, 6, "", "remove"), Edit(junk, junk + len("(xiāng)"), "", "remove")])
    doc.apply_edits([Edit(4, 5, "，", "repair")])
    converted = str.maketrans("鄉設開會議", "乡设开会议")
    doc.apply_edits(
        [
            Edit(n, n + 1, char.translate(converted), "convert")
            for n, char in enumerate(doc.text)
            if char.translate(converted) != char
        ]
    )
    for surface, label, norm in (("4月8日", "DATE", day("2020-04-08")), ("住房和城乡建设部", "ORG", None)):
        start = doc.text.index(surface)
        raw_start, raw_end = doc.raw_span(start, start + len(surface))
        doc.entities.append(Entity(surface, label, start, start + len(surface), raw_start, raw_end, norm))
    event = only(extractor.extract(doc), "meeting")
    organizer = event["slots"]["organizer"][0]
    assert raw[organizer["raw_start"] : organizer["raw_end"]] == "住房和城鄉(xiāng)建設部"
    assert doc.text[organizer["start"] : organizer["end"]] == "住房和城乡建设部"
    assert event["slots"]["date"][0]["norm"]["start"] == "2020-04-08"
    name = event["slots"]["name"][0]
    assert name["text"] == "会议" and raw[name["raw_start"] : name["raw_end"]] == "會議"
    assert raw[event["trigger"]["raw_start"] : event["trigger"]["raw_end"]] == "召開"
