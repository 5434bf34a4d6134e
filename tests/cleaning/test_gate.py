"""The regex gate never skips a text that a rule's pattern matches (property-based)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cleaning import Cleaner
from pipeline.cleaning.gate import GatedRegex
from pipeline.resources import configs_dir

ALPHABET = "督戰(zhàn)（）?？1 2,，。、：:|｜_*xX年第要①<>&.来源发布时间编辑作者网站版权所有©澳门赌场\n\t　"


def _shipped_gates() -> list[GatedRegex]:
    cleaner = Cleaner.from_file(configs_dir() / "cleaning.yaml")
    gates = [item.regex for batch in cleaner.inline.rules.values() for item in batch]
    gates += [regex for _, regex in cleaner.flagger.rules] + [regex for _, regex in cleaner.lines.tails]
    return gates + [regex for _, regex, _ in cleaner.lines.line_rules if regex] + [regex for _, regex in cleaner.kind.rules if regex]


GATES = _shipped_gates()


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, max_size=40))
def test_a_skipped_text_has_no_match(text):
    for gate in GATES:
        if not gate.may_match(text) or not gate.may_match_whole(text):
            assert gate.regex.search(text) is None, gate.regex.pattern


@pytest.mark.parametrize(
    ("pattern", "text", "skipped"),
    [
        (r"_{2,}", "没有下划线", True),
        (r"_{2,}", "填写__", False),
        (r"(?:abc|xyz)\d", "ab1", True),
        (r"a?b", "b", False),
        (r"[^x]+", "anything", False),
        (r"(?i:q)", "Q", False),
        (r"\d(?=年)", "2020", True),
    ],
)
def test_gate_examples(pattern, text, skipped):
    gate = GatedRegex(re.compile(pattern))
    assert (not gate.may_match_whole(text)) is skipped


def test_without_the_private_regex_parser_nothing_is_gated_out(monkeypatch):
    from pipeline.cleaning import gate

    monkeypatch.setattr(gate, "_parser", None)
    regex = GatedRegex(re.compile("来源[:：]"))
    assert regex.chars is None and regex.may_match_whole("no such characters")
    assert regex.search("来源：新华社").group() == "来源："
