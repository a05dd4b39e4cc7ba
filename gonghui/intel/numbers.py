"""Figures as written in Chinese prose: Arabic and Chinese numerals, 万/亿, approximation markers.

``NUMBER`` finds a figure; ``parse_number`` turns its text into a value. Approximation is read
from the words around it: 余, 多, 近, 以上, 约, 逾, 超过, 左右 — and a round figure written
without a leading digit ("百名", "千余人") is approximate by nature.
"""

from __future__ import annotations

import re

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2, "三": 3, "叁": 3,
             "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
             "九": 9, "玖": 9}  # fmt: skip
CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}

# Full-width digits and separators map one-to-one onto ASCII, so offsets do not move.
FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_FULLWIDTH_DIGIT = re.compile("[０-９]")


def ascii_digits(text: str) -> str:
    """Full-width digits (and a decimal point between them) as ASCII; same length, same offsets."""
    if not _FULLWIDTH_DIGIT.search(text):
        return text
    return re.sub(r"[０-９．]+", lambda m: m.group(0).translate(FULLWIDTH), text)


_CN = "零〇○一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟"
# A figure: Arabic (with thousands separators and decimals) or Chinese, then 万/亿 multipliers,
# possibly with 余/多 between ("41万余", "十余万", "1100余").
NUMBER = re.compile(
    rf"(?P<num>(?:\d+(?:,\d{{3}})+|\d+)(?:\.\d+)?(?:[{_CN}]+)?|[{_CN}]+)"
    rf"(?P<mid>[余多])?(?P<big>(?:万亿|千万|百万|十万|万|亿)(?![{_CN}\d]))?(?P<post>[余多])?"
)


def parse_chinese(text: str) -> int | None:
    """一万二千三百 → 12300, 两千 → 2000, 十二 → 12, 三十五 → 35, 二〇二三 → 2023."""
    if not text:
        return None
    if all(ch in CN_DIGITS for ch in text):
        # A string of digits read one by one (years like 二〇二三).
        value = 0
        for ch in text:
            value = value * 10 + CN_DIGITS[ch]
        return value
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CN_DIGITS:
            if digit is not None and CN_DIGITS[ch] != 0 and digit != 0:
                return None  # "二三十", "五六百": a vague range, not a figure
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
        elif ch in CN_BIG:
            section += digit or 0
            total += (section or 1) * CN_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


_ARABIC_HEAD = re.compile(r"[\d,]+(?:\.\d+)?")


def parse_number(num: str, big: str | None = None) -> float | None:
    """The value of a figure's text and multiplier: ("41", "万") → 410000, ("1.2", "万") → 12000."""
    if not num:
        return None
    head = _ARABIC_HEAD.match(num)
    if head:
        value: float = float(head.group(0).replace(",", ""))
        tail = num[head.end() :]
        if tail:
            # "2千", "3百": a digit followed by a Chinese unit multiplies.
            scale = parse_chinese(tail) if all(ch in CN_UNITS or ch in CN_BIG for ch in tail) else None
            if scale is None:
                return None
            value *= scale
    else:
        parsed = parse_chinese(num)
        if parsed is None:
            return None
        value = float(parsed)
    if big:
        for ch in big:
            value *= CN_BIG.get(ch, CN_UNITS.get(ch, 1))
    return value


def as_number(value: float) -> int | float:
    """Whole values as int (JSON 410000, not 410000.0)."""
    rounded = round(value, 6)
    return int(rounded) if rounded == int(rounded) else rounded


APPROX_BEFORE = re.compile(r"(?:(?<!最)近|约|大约|将近|接近|逾|超过|(?<!线)超|多达|约计|近乎)$")
# "上百名", "上千人", "上万名": 上 before a bare round figure (not 线上3场).
APPROX_UP = re.compile(r"(?<!线)上$")
APPROX_AFTER = re.compile(r"^(?:余|多|以上|左右|上下|许|来)")


def is_round_word(num: str) -> bool:
    """A figure written as a bare 百/千/万 ("百名", "千余人", "万名职工") is a round one."""
    return num[:1] in "十百千万" and all(ch in "十百千万亿" for ch in num)
