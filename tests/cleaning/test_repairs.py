"""Hard cases of the inline repairs and line rules, one behaviour per test."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("全省14個省(區(qū))(2020年)完成任務(wù)。", "全省14个省(区)(2020年)完成任务。"),
        ("中國彭水網(全媒體記者 李亞軍)報道", "中国彭水网(全媒体记者 李亚军)报道"),
        ("召開第4次(擴大)會(huì )議", "召开第4次(扩大)会议"),
        ("決定擴大（新增）對象（duì）", "决定扩大（新增）对象"),
    ],
    ids=["reading-then-real-parens", "reporter-parens", "spaced-reading", "full-width"],
)
def test_pinyin_readings_go_and_real_parentheses_stay(normalise_text, raw, expected):
    assert normalise_text(raw).text == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("要進 1 步壓實責任", "要进一步压实责任"),
        ("工作仍然 4 平 8 穩", "工作仍然四平八稳"),
        ("任務 10 分艱巨", "任务十分艰巨"),
        ("得分提高10 分。", "得分提高10分。"),
        ("發言10 分鐘", "发言10分钟"),
        ("抓好 240 戶危房改造,1 律於 6 月底前完成", "抓好240户危房改造,一律于6月底前完成"),
        ("對 75 個貧困縣開展巡查", "对75个贫困县开展巡查"),
        ("第 1 書記和第 1 責任人", "第一书记和第一责任人"),
        ("截至2019年底累計減貧9 899萬人", "截至2019年底累计减贫9899万人"),
        ("2018 年11 月", "2018年11月"),
        ("增長21 些", "增长21些"),
    ],
    ids=["jin-yi-bu", "idiom", "shifen", "score", "minutes", "figure-next-to-numeral", "figure",
         "first-secretary", "thin-space", "split-date", "digit-before-word-start"],
)
def test_spun_numerals_are_restored_and_figures_stay_numbers(normalise_text, raw, expected):
    assert normalise_text(raw).text == expected


def test_doubled_punctuation_keeps_the_last_mark(normalise_text):
    assert normalise_text("主持會議,,黃強、穆為民,、徐光出席會議,。").text == "主持会议,黄强、穆为民、徐光出席会议。"


def test_related_tail_glued_to_the_last_sentence_is_cut_after_the_sentence(normalise_text):
    body = "全縣上下要堅定信心,確保高質量打贏脫貧攻堅戰。\n" * 3
    doc = normalise_text(body + "及時進行組織處理。推薦訪問: 脫貧 攻堅 某地召開會議,會議強調\n某縣舉行簽約儀式")
    assert doc.text.endswith("及时进行组织处理。")
    assert any(edit["rule"] == "tail.related" for edit in doc.edits)


def test_a_related_marker_early_in_a_long_article_is_content(normalise_text):
    lines = [f"全縣上下要堅定信心,確保高質量打贏脫貧攻堅戰,這是第{number}段。" for number in range(40)]
    lines.insert(2, "相關閱讀材料已經印發給各鄉鎮,請認真學習。")
    doc = normalise_text("\n".join(lines))
    assert "相关阅读材料已经印发给各乡镇" in doc.text


@pytest.mark.parametrize(
    ("raw", "kind", "flagged"),
    [
        ("____總書記指出", "placeholder", "____"),
        ("xx 月 27 日召開會議", "placeholder", "xx 月 27 日"),
        ("全區**個村", "placeholder", "**"),
        ("201x年全縣", "placeholder", "201x"),
        ("為期 7⑴0 天", "lost_range", "7⑴0"),
        ("??h政府印發", "lost_char", "??h"),
    ],
)
def test_placeholders_and_lost_characters_are_kept_and_flagged(normalise_text, raw, kind, flagged):
    doc = normalise_text(raw)
    start = raw.index(flagged)
    assert any(flag.kind == kind and flag.raw_start <= start and start + len(flagged) <= flag.raw_end for flag in doc.flags)
    assert doc.raw_text == raw


def test_metadata_from_removed_lines(normalise_text):
    doc = normalise_text(
        "縣委召開常委會\n2019-10-17 20:34| 發布者: admin| 查看: 611| 評論: 0|來自: 常德新聞聯播\n"
        "會議研究部署脫貧攻堅工作。\n來源:河南日報\n記者 王小明\n責任編輯:李華\n"
    )
    assert doc.meta == {
        "published": "2019-10-17T20:34",
        "source": "常德新闻联播",
        "reporter": "王小明",
        "editor": "李华",
        "title": "县委召开常委会",
    }
    assert doc.text == "县委召开常委会\n会议研究部署脱贫攻坚工作。"


def test_a_lost_character_is_recovered_only_with_evidence_and_no_mojibake(normalise_text):
    recovered = normalise_text("匯報(bào)工作。河南日?qǐng)?bào)記者")
    assert recovered.text == "汇报工作。河南日报记者"
    mojibake = normalise_text("數(shù)據。承當?shù)膯栴}整改")
    assert "?" in mojibake.text and "数膯" not in mojibake.text
