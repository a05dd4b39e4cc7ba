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
def _script_tables() -> tuple[frozenset[str], frozenset[str]]:
    """(Traditional-only, Simplified-only) characters, from what t2s does to each character alone."""
    chars = "".join(chr(code) for code in range(0x4E00, 0x9FA6))
    converted = _converter("t2s").convert("\n".join(chars)).split("\n")
    pairs = [(a, b) for a, b in zip(chars, converted, strict=True) if a != b and len(b) == 1]
    traditional = frozenset(a for a, _ in pairs)
    # Basic-plane characters only: a character class with a supplementary-plane member is slow.
    simplified = frozenset(b for _, b in pairs if ord(b) <= 0xFFFF) - traditional
    return traditional, simplified


@cache
def _script_patterns() -> tuple[re.Pattern, re.Pattern]:
    traditional, simplified = _script_tables()
    return (
        re.compile("[" + "".join(sorted(traditional)) + "]"),
        re.compile("[" + "".join(sorted(simplified)) + "]"),
    )


def detect_script(text: str) -> str:
    """ "hant" when the text is written in Traditional characters, else "hans".

    Counts the characters that exist only in Traditional writing (會, 職) against those that
    exist only in Simplified writing (会, 职): whichever script the text is in, its own kind
    dominates, even when it quotes a line of the other.
    """
    traditional, simplified = _script_patterns()
    count = len(traditional.findall(text))
    if count < 3:
        return "hans"
    return "hant" if count > len(simplified.findall(text)) else "hans"


def normalise_script(text: str) -> tuple[str, str]:
    """(Simplified text, script of the input). Artifacts go first, so OpenCC sees clean words.

    Traditional text is converted whole; in Simplified text only the odd line that carries
    Traditional characters is (a quoted name, a pasted sentence).
    """
    text = strip_pinyin_artifacts(text)
    script = detect_script(text)
    if script == "hant":
        return to_simplified(text), script
    traditional = _script_patterns()[0]
    if traditional.search(text):
        lines = text.split("\n")
        text = "\n".join(to_simplified(line) if traditional.search(line) else line for line in lines)
    return text, script
