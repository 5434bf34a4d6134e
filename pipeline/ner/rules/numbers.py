"""One numeral parser for dates and quantities: Arabic, Chinese and mixed (39.8万) numbers.

Chinese numerals go through cn2an, which needs the number isolated (no unit glued on): callers
pass only the text their regex captured as the number.
"""

from __future__ import annotations

import cn2an

FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
DIGIT_VALUES = {char: value for value, chars in enumerate(["〇零○", "一", "二", "三", "四", "五", "六", "七", "八", "九"]) for char in chars}


def parse_number(text: str) -> int | float:
    """The value of an isolated numeral; raises ValueError if it is not one.

    ``半`` is one half, which cn2an does not read; whole floats become ints so that 39.8万 is
    398000, not 398000.0.
    """
    cleaned = text.translate(FULL_WIDTH_DIGITS).replace(",", "").replace(" ", "")
    if not cleaned:
        raise ValueError("empty numeral")
    if cleaned == "半":
        return 0.5
    try:
        value = float(cleaned)
    except ValueError:
        value = _chinese(cleaned)
    return int(value) if float(value).is_integer() else float(value)


def _chinese(text: str) -> float:
    if len(text) > 1 and all(char in DIGIT_VALUES for char in text):
        # Digit-by-digit numerals (二〇二〇) are read as written, not as a value expression.
        return float("".join(str(DIGIT_VALUES[char]) for char in text))
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError) as error:
        raise ValueError(f"not a numeral: {text!r} ({error})") from None
