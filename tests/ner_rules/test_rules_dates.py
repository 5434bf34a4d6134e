"""DATE spans and their norms: absolute, relative, periods, deadlines and how the year is resolved."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.ner.rules import DateContext, normalise_date

REF = date(2020, 5, 10)


def norm(rules, text, reference=REF, **context):
    return normalise_date(text, rules.dates, DateContext(reference, **context))


@pytest.mark.parametrize(
    "text, start, end, granularity, relation, year_from",
    [
        ("4月8日", "2020-04-08", "2020-04-08", "day", "on", "document_date"),
        ("2019-10-17", "2019-10-17", "2019-10-17", "day", "on", "explicit"),
        ("2018年11月", "2018-11-01", "2018-11-30", "month", "on", "explicit"),
        ("2018 年11 月", "2018-11-01", "2018-11-30", "month", "on", "explicit"),
        ("二〇一九年三月", "2019-03-01", "2019-03-31", "month", "on", "explicit"),
        ("6月底前", "2020-06-21", "2020-06-30", "ten_days", "before", "document_date"),
        ("今年上半年", "2020-01-01", "2020-06-30", "half_year", "on", "document_date"),
        ("去年年底", "2019-12-01", "2019-12-31", "month", "on", "document_date"),
        ("3月下旬", "2020-03-21", "2020-03-31", "ten_days", "on", "document_date"),
        ("近年来", None, "2020-05-10", "period", "since", "document_date"),
        ("到2020年", "2020-01-01", "2020-12-31", "year", "until", "explicit"),
        ("今年1-3月", "2020-01-01", "2020-03-31", "month", "on", "document_date"),
        ("1至3月", "2020-01-01", "2020-03-31", "month", "on", "document_date"),
        ("近日", None, "2020-05-10", "period", "on", "document_date"),
        ("年内", "2020-01-01", "2020-12-31", "year", "before", "document_date"),
        ("十三五期间", "2016-01-01", "2020-12-31", "period", "on", "explicit"),
        ("“十四五”时期", "2021-01-01", "2025-12-31", "period", "on", "explicit"),
        ("今天", "2020-05-10", "2020-05-10", "day", "on", "document_date"),
        ("昨日", "2020-05-09", "2020-05-09", "day", "on", "document_date"),
        ("截至目前", "2020-05-10", "2020-05-10", "day", "until", "document_date"),
        ("截至2018年10月底", "2018-10-21", "2018-10-31", "ten_days", "until", "explicit"),
        ("5月11日至15日", "2020-05-11", "2020-05-15", "day", "on", "document_date"),
        ("2月10日起", "2020-02-10", "2020-02-10", "day", "since", "document_date"),
        ("4月8日以后", "2020-04-08", "2020-04-08", "day", "after", "document_date"),
        ("今年一季度", "2020-01-01", "2020-03-31", "quarter", "on", "document_date"),
        ("2012年至2019年", "2012-01-01", "2019-12-31", "year", "on", "explicit"),
        ("2019年度", "2019-01-01", "2019-12-31", "year", "on", "explicit"),
        ("党的十八大以来", "2012-11-08", "2012-11-08", "day", "since", "explicit"),
        ("27日", "2020-05-27", "2020-05-27", "day", "on", "document_date"),
        ("年底前", "2020-12-01", "2020-12-31", "month", "before", "document_date"),
    ],
)
def test_span_and_norm(rules, ents, text, start, end, granularity, relation, year_from):
    assert ents(f"会议指出，{text}，全县要完成任务。", "DATE") == [(text, "DATE")]
    assert norm(rules, text) == {
        "start": start, "end": end, "granularity": granularity, "relation": relation, "year_from": year_from,
    }


def test_no_reference_date_leaves_relative_dates_unresolved(rules):
    assert norm(rules, "4月8日", None) == {
        "start": None, "end": None, "granularity": "day", "relation": "on", "year_from": "unresolved",
    }
    assert norm(rules, "去年", None)["year_from"] == "unresolved"
    assert norm(rules, "2019年3月", None)["start"] == "2019-03-01"


def test_month_far_after_the_reference_month_is_last_year(rules):
    assert norm(rules, "12月28日", date(2020, 1, 8))["start"] == "2019-12-28"
    assert norm(rules, "6月底前", date(2020, 1, 8))["start"] == "2020-06-21"


def test_dangtian_refers_to_the_previous_day_date(rules):
    previous = norm(rules, "9月10日", date(2020, 9, 15))
    assert norm(rules, "当天", date(2020, 9, 15), previous_day=previous)["start"] == "2020-09-10"
    assert norm(rules, "当天", date(2020, 9, 15))["year_from"] == "unresolved"


def test_year_set_earlier_in_the_sentence(rules):
    context = DateContext(date(2019, 11, 20))
    context.enter_sentence(0)
    context.remember(normalise_date("明年", rules.dates, context))
    assert normalise_date("6月底", rules.dates, context)["start"] == "2020-06-21"
    context.enter_sentence(1)
    assert normalise_date("6月底", rules.dates, context)["start"] == "2019-06-21"


@pytest.mark.parametrize(
    "text",
    ["xx月27日，中央政治局召开会议。", "xx 月 27 日，中央政治局召开会议。", "201x年全县脱贫。", "****年*月*日印发。", "中央1号文件提出要求。", "要在15日内完成整改。"],
)
def test_placeholders_and_non_dates(ents, text):
    assert ents(text, "DATE") == []


def test_relation_prefix_needs_a_real_until(ents):
    assert ents("外出务工人数达到去年的98%。", "DATE") == [("去年", "DATE")]


def test_every_date_word_starts_with_a_first_char(rules):
    import re

    from pipeline.ner.rules.config import read_rule_file

    data = read_rule_file(rules.path).data["dates"]
    first = re.compile(f"[{data['first_chars']}]")
    words = [*data["relative_years"], *data["relative_days"], *data["vague"], *data["fixed"], *data["anchors"], "党的"]
    assert [word for word in words if not first.match(word)] == []
