"""Date fallback, duplicates, not_news documents and flagged spans."""

from __future__ import annotations

import re

from tests.events.conftest import build_doc, day

PARAGRAPH = "4月8日，部党组专题研究脱贫攻坚工作。随后，住房和城乡建设部印发《工作方案》。\n"


def dated(*dates: str) -> list[tuple]:
    """DATE entities for day mentions such as ``4月8日`` (in 2020), in text order."""
    specs = []
    for date in dates:
        month, day_of_month = re.fullmatch(r"(\d+)月(\d+)日", date).groups()
        specs.append((date, "DATE", day(f"2020-{int(month):02d}-{int(day_of_month):02d}")))
    return specs


def test_date_falls_back_to_the_paragraph_and_says_so(extract):
    events = extract(PARAGRAPH, [*dated("4月8日"), ("住房和城乡建设部", "ORG")])
    assert [(e["type"], e["slots"]["date"][0]["text"], e["date_source"]) for e in events] == [
        ("document_issued", "4月8日", "paragraph")
    ]


def test_date_in_the_sentence_wins_over_the_paragraph(extract):
    text = "4月8日，部党组专题研究。4月9日，住房和城乡建设部印发《工作方案》。"
    event = extract(text, [*dated("4月8日", "4月9日"), ("住房和城乡建设部", "ORG")])[0]
    assert (event["slots"]["date"][0]["text"], event["date_source"]) == ("4月9日", "sentence")


def test_no_date_from_another_paragraph(extract):
    text = "4月8日，部党组专题研究。\n住房和城乡建设部印发《工作方案》。"
    event = extract(text, [*dated("4月8日"), ("住房和城乡建设部", "ORG")])[0]
    assert "date" not in event["slots"] and "date_source" not in event


def test_no_date_from_a_flagged_span(extractor):
    text = "4月8日，部党组专题研究。4月9日，住房和城乡建设部印发《工作方案》。"
    doc = build_doc(text, [*dated("4月8日", "4月9日"), ("住房和城乡建设部", "ORG")])
    start = text.index("4月9日")
    doc.flag(start, start + 4, "placeholder", "test")
    event = extractor.extract(doc)[0]
    assert (event["slots"]["date"][0]["text"], event["date_source"]) == ("4月8日", "paragraph")


def test_not_news_documents_yield_nothing(extract):
    assert extract(PARAGRAPH, dated("4月8日"))
    assert extract(PARAGRAPH, dated("4月8日"), kind="not_news") == []


def test_flagged_trigger_or_title_yields_nothing(extractor):
    text = "住房和城乡建设部印发《工作方案》。"
    for flagged in ("印发", "工作方案"):
        doc = build_doc(text, [("住房和城乡建设部", "ORG")])
        start = text.index(flagged)
        doc.flag(start, start + len(flagged), "lost_character", "test")
        assert extractor.extract(doc) == []


def test_the_same_meeting_told_twice_is_merged(extract):
    text = "4月8日，部党组召开会议专题研究脱贫攻坚工作。\n会上，大家认为，4月8日召开的会议很及时，部长张三主持会议。"
    events = extract(text, [*dated("4月8日", "4月8日"), ("部党组", "ORG"), ("张三", "PER")])
    meetings = [event for event in events if event["type"] == "meeting"]
    assert len(meetings) == 1
    assert {role: [v["text"] for v in values] for role, values in meetings[0]["slots"].items()} == {
        "name": ["会议"],
        "date": ["4月8日"],
        "organizer": ["部党组"],
        "chair": ["张三"],
    }


def test_different_meetings_are_not_merged(extract):
    text = "4月8日，部党组召开会议。4月10日，部党组召开会议。\n张三主持会议。"
    events = extract(text, [*dated("4月8日", "4月10日"), ("部党组", "ORG"), ("部党组", "ORG"), ("张三", "PER")])
    assert [[v["text"] for v in e["slots"].get("date", [])] for e in events] == [["4月8日"], ["4月10日"], []]


def test_one_meeting_convened_and_chaired_in_one_sentence(extract):
    text = "6月18日，领导小组召开全体会议，省长陈刚主持会议。"
    events = extract(text, [*dated("6月18日"), ("领导小组", "ORG"), ("陈刚", "PER")])
    assert len(events) == 1
    assert [v["text"] for v in events[0]["slots"]["name"]] == ["全体会议"]
    assert [v["text"] for v in events[0]["slots"]["chair"]] == ["陈刚"]


def test_chairing_in_the_next_sentence_refers_back(extract):
    text = "4月22日，全县脱贫攻坚动员大会在县委党校举行。县委副书记、县长孙伟主持会议。\n5月6日，孙伟主持会议。"
    entities = [
        *dated("4月22日"),
        ("县委党校", "ORG"),
        ("县委", "ORG"),
        ("孙伟", "PER"),
        *dated("5月6日"),
        ("孙伟", "PER"),
    ]
    meetings = extract(text, entities)
    assert [[v["text"] for v in e["slots"]["date"]] for e in meetings] == [["4月22日"], ["5月6日"]]
    assert [v["text"] for v in meetings[0]["slots"]["name"]] == ["全县脱贫攻坚动员大会"]
    assert [v["text"] for v in meetings[0]["slots"]["chair"]] == ["孙伟"]
    assert "organizer" not in meetings[0]["slots"]  # 县委 in 县委副书记 is part of a title


def test_a_date_inside_a_title_is_not_the_event_date(extract):
    text = "4月8日，县委印发《2019年度考核办法》。"
    event = extract(text, [*dated("4月8日"), ("县委", "ORG"), ("2019年度", "DATE", {"start": "2019-01-01"})])[0]
    assert [v["text"] for v in event["slots"]["date"]] == ["4月8日"]
    text = "县委印发《2019年度考核办法》。"
    event = extract(text, [("县委", "ORG"), ("2019年度", "DATE", {"start": "2019-01-01"})])[0]
    assert "date" not in event["slots"]


def test_headline_and_body_tell_one_meeting(extract):
    text = "县委召开脱贫攻坚推进会\n5月11日，洛宁县委召开脱贫攻坚推进会，县委书记王建华主持会议。"
    entities = [
        ("县委", "ORG", "县委"),
        *dated("5月11日"),
        ("洛宁县委", "ORG", "洛宁县委"),
        ("县委", "ORG", "县委"),
        ("王建华", "PER", "王建华"),
    ]
    meetings = extract(text, entities)
    assert len(meetings) == 1
    assert [v["text"] for v in meetings[0]["slots"]["organizer"]] == ["洛宁县委"]
    assert meetings[0]["sentence"].startswith("5月11日")


def test_dates_with_an_unresolved_year_compare_by_text(extract):
    unresolved = {"start": None, "end": None, "granularity": "day", "relation": "on", "year_from": "unresolved"}
    text = "4月8日，部党组召开会议。4月29日，部召开会商会。"
    entities = [
        ("4月8日", "DATE", unresolved),
        ("部党组", "ORG", "部党组"),
        ("4月29日", "DATE", unresolved),
        ("部", "ORG", "部"),
    ]
    assert len(extract(text, entities)) == 2
