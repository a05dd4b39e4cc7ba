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


def detect_script(text: str, sample: int = 4000) -> str:
    """ "hant" when the text is written in Traditional characters, else "hans".

    Counts the characters that change under t2s against those that change under s2t, over a
    sample of the text (a few Simplified-only or Traditional-only characters decide it).
    """
    chunk = text[:sample]
    if not chunk:
        return "hans"
    to_s = _converter("t2s").convert(chunk)
    to_t = _converter("s2t").convert(chunk)
    changed_by_t2s = sum(1 for a, b in zip(chunk, to_s, strict=False) if a != b)
    changed_by_s2t = sum(1 for a, b in zip(chunk, to_t, strict=False) if a != b)
    return "hant" if changed_by_t2s > changed_by_s2t else "hans"


def normalise_script(text: str) -> tuple[str, str]:
    """(Simplified text, script of the input). Artifacts go first, so OpenCC sees clean words."""
    text = strip_pinyin_artifacts(text)
    script = detect_script(text)
    if script == "hant":
        text = to_simplified(text)
    return text, script
