"""Files in the encodings our users' crawlers produce decode to the same text; junk is refused."""

from __future__ import annotations

import codecs
import os

import opencc
import pytest

from pipeline.io.decoding import DecodingError, decode_bytes

SIMPLIFIED = "4月8日，住房和城乡建设部党组召开会议专题研究脱贫攻坚工作。全国已累计支持733万户建档立卡贫困户改造危房。"
TRADITIONAL = opencc.OpenCC("s2t").convert(SIMPLIFIED)


@pytest.mark.parametrize(
    ("text", "data"),
    [
        (SIMPLIFIED, SIMPLIFIED.encode("utf-8")),
        (SIMPLIFIED, codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8")),
        (SIMPLIFIED, SIMPLIFIED.encode("gbk")),
        (SIMPLIFIED, SIMPLIFIED.encode("gb18030")),
        (TRADITIONAL, TRADITIONAL.encode("big5")),
        (SIMPLIFIED, SIMPLIFIED.encode("utf-16")),
        (SIMPLIFIED, SIMPLIFIED.encode("utf-16-le")),
        ("召开会议", "召开会议".encode("gbk")),
        ("召開會議", "召開會議".encode("big5")),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "big5", "utf16-bom", "utf16le-nobom", "short-gbk", "short-big5"],
)
def test_chinese_encodings_decode_exactly(text, data):
    assert decode_bytes(data).text == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary|undecodable"),
        (b"PK\x03\x04" + b"\x00\x01\x02\x03" * 300, "binary"),
    ],
    ids=["empty", "png", "zip"],
)
def test_non_text_is_refused_with_a_reason(data, reason):
    with pytest.raises(DecodingError, match=reason):
        decode_bytes(data)


def test_random_bytes_are_not_text():
    with pytest.raises(DecodingError):
        decode_bytes(os.urandom(4096))


def test_explicit_encoding_is_strict():
    assert decode_bytes(SIMPLIFIED.encode("gbk"), "gbk").text == SIMPLIFIED
    with pytest.raises(DecodingError, match="not valid utf-8"):
        decode_bytes(SIMPLIFIED.encode("gbk"), "utf-8")
