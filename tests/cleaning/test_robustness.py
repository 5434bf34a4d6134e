"""Any mix of text and noise passes through cleaning and conversion with exact offsets."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PIECES = [
    "會(huì)議", "督戰(zhàn)", "日?(bào)", "?qǐng)?bào)", ",,", ",、", "進 1 步", "10 分", "240 戶", "2018 年11 月",
    "9 899萬", "____", "xx 月 27 日", "7⑴0", "??h", "㊣", "▆", "<p>", "&nbsp;", "<!--go-->", "相關閱讀:", "推荐访问:",
    "來源:河南日報", "2019-10-17 20:34| 發布者: a| 查看: 1| 評論: 0|來自: 某台", "汕尾市| 修文县| 特克斯县| 永宁县| 石屏县| 信宜市| 永新县|",
    "鄂公網安備 42011502001152號", "路过", "第十二章", "“你好。”他说。", "省(區)", "(2020年)", "（擴大）", "什么", "\n", "\n\n\n", "  ", "\u3000",
    "縣委召開脫貧攻堅推進會,", "全县完成危房改造856户。", "?", "", "(", ")", "第 1 書記", "1 戶 1 策",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=30))
def test_offsets_stay_exact_on_any_input(normalise_text, pieces):
    raw = "".join(pieces)
    doc = normalise_text(raw)
    assert doc.raw_text == raw
    for edit in doc.edits:
        assert 0 <= edit["raw_start"] <= edit["raw_end"] <= len(raw)
        if "raw" in edit:
            assert raw[edit["raw_start"] : edit["raw_end"]] == edit["raw"]
    for position in range(len(doc.text)):
        raw_start, raw_end = doc.raw_span(position, position + 1)
        assert 0 <= raw_start <= raw_end <= len(raw)
    for flag in doc.flags:
        assert 0 <= flag.raw_start < flag.raw_end <= len(raw)
    assert doc.script in ("simplified", "traditional", "mixed", "none")
    assert doc.kind in ("news", "not_news")
