"""Traditional → Simplified conversion, after removing the pinyin artifacts of broken converters.

Some converters print a character's reading after it: "系統(tǒng)", "區(qū)". Such a reading is a
parenthesised lower-case Latin syllable carrying a tone mark (or ü); it is dropped. Real
parentheses ("(GDP)", "(李炜)", "(试行)") are left alone.
"""

from __future__ import annotations

import re
from functools import cache

import opencc

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# One or two syllables, at least one toned vowel; ASCII or full-width parentheses.
PINYIN_ARTIFACT = re.compile(rf"[(（](?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,12}}[)）]")


def strip_pinyin_artifacts(text: str) -> str:
    """Drop "(tǒng)"-style readings that follow a character."""
    if "(" not in text and "（" not in text:
        return text
    return PINYIN_ARTIFACT.sub("", text)


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


@cache
def _traditional_only() -> frozenset[str]:
    """Characters that t2s changes on their own: written only in Traditional text."""
    chars = "".join(chr(code) for code in range(0x4E00, 0x9FA6))
    converted = _converter("t2s").convert("\n".join(chars)).split("\n")
    return frozenset(a for a, b in zip(chars, converted, strict=True) if a != b)


_HANZI = re.compile(r"[\u4e00-\u9fff]")


@cache
def _traditional_pattern() -> re.Pattern:
    return re.compile("[" + "".join(sorted(_traditional_only())) + "]")


def detect_script(text: str) -> str:
    """ "hant" when the text is written in Traditional characters, else "hans".

    Counts the characters that exist only in Traditional writing (会 vs 會): Simplified prose has
    next to none, Traditional prose a fifth or more.
    """
    count = len(_traditional_pattern().findall(text))
    if count < 3:
        return "hans"
    return "hant" if count >= 0.03 * len(_HANZI.findall(text)) else "hans"


def normalise_script(text: str) -> tuple[str, str]:
    """(Simplified text, script of the input). Artifacts go first, so OpenCC sees clean words.

    Traditional text is converted whole; in Simplified text only the odd line that carries
    Traditional characters is (a quoted name, a pasted sentence).
    """
    text = strip_pinyin_artifacts(text)
    script = detect_script(text)
    if script == "hant":
        return to_simplified(text), script
    traditional = _traditional_pattern()
    if traditional.search(text):
        lines = text.split("\n")
        text = "\n".join(to_simplified(line) if traditional.search(line) else line for line in lines)
    return text, script
