"""Bytes to text for scraped Chinese files: BOMs, UTF-8, UTF-16, GB18030/GBK and Big5.

charset-normalizer does the general detection. Short Chinese files are where it is least sure
(a few Big5 characters also decode as UTF-16 or Shift-JIS), so the Chinese encodings are tried
first and kept when most of what they decode are common Han characters.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from charset_normalizer import from_bytes

CHINESE_ENCODINGS = ("gb18030", "big5hkscs")
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: Share of decoded Han characters that must be common for a Chinese encoding to be trusted.
MIN_COMMON_SHARE = 0.6
#: Share of NUL bytes above which a file without a UTF-16 shape is binary.
MAX_NUL_SHARE = 0.01
#: Share of control characters (other than white space) above which decoded "text" is binary.
MAX_CONTROL_SHARE = 0.02


class DecodingError(ValueError):
    """The bytes are not text in any encoding we accept; the message says why."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


@lru_cache(maxsize=1)
def common_han() -> frozenset[str]:
    lines = (Path(__file__).with_name("common_chars.txt")).read_text(encoding="utf-8").splitlines()
    return frozenset("".join(line for line in lines if not line.startswith("#")))


def common_share(text: str) -> float:
    """Share of the Han characters in ``text`` that are common ones (0 when there are none)."""
    han = [char for char in text if "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"]
    if not han:
        return 0.0
    common = common_han()
    return sum(char in common for char in han) / len(han)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 without a BOM shows its NULs on one side of each pair for ASCII-heavy text."""
    if len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    encoding = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
    text = _strict(data, encoding)
    if text is None or "\x00" in text:
        return None
    return Decoded(text, encoding)


def _best_chinese(data: bytes) -> Decoded | None:
    candidates = []
    for encoding in CHINESE_ENCODINGS:
        text = _strict(data, encoding)
        if text is not None:
            candidates.append((common_share(text), Decoded(text, encoding)))
    if not candidates:
        return None
    share, decoded = max(candidates, key=lambda candidate: candidate[0])
    return decoded if share >= MIN_COMMON_SHARE else None


def decode_bytes(data: bytes, encoding: str = "auto") -> Decoded:
    """Decode ``data``; ``encoding`` is a codec name or ``auto`` to detect it."""
    decoded = _decode(data, encoding)
    controls = sum(char < " " and char not in "\t\n\r\f\v" for char in decoded.text)
    if controls > MAX_CONTROL_SHARE * len(decoded.text):
        raise DecodingError(f"binary file ({controls} control characters as {decoded.encoding})")
    return decoded


def _decode(data: bytes, encoding: str) -> Decoded:
    if not data:
        raise DecodingError("empty file")
    if encoding != "auto":
        text = _strict(data, encoding)
        if text is None:
            raise DecodingError(f"not valid {encoding}")
        return Decoded(text, encoding)
    for bom, codec in BOMS:
        if data.startswith(bom):
            text = _strict(data, codec)
            if text is not None:
                return Decoded(text, codec)
    text = _strict(data, "utf-8")
    if text is not None and "\x00" not in text:
        return Decoded(text, "utf-8")
    if data.count(0) > MAX_NUL_SHARE * len(data):
        decoded = _utf16_without_bom(data)
        if decoded is None:
            raise DecodingError("binary file (NUL bytes, not UTF-16 text)")
        return decoded
    chinese = _best_chinese(data)
    if chinese is not None:
        return chinese
    match = from_bytes(data).best()
    if match is None or match.encoding is None:
        raise DecodingError("undecodable: no text encoding fits these bytes")
    return Decoded(str(match), match.encoding)
