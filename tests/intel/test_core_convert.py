"""Traditional → Simplified, pinyin artifacts out, real parentheses in (convention 12)."""

from __future__ import annotations

import pytest

from gonghui.intel import extract_text
from gonghui.intel.convert import detect_script, normalise_script, strip_pinyin_artifacts


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("系統(tǒng)總結(jié)", "系統總結"),
        ("區(qū)總工會", "區總工會"),
        ("鎮(zhèn)街（jiē）", "鎮街"),
        ("綠(lǜ)色", "綠色"),
        ("產(chǎn)業(yè)", "產業"),
    ],
)
def test_pinyin_artifacts_lose_their_reading(text, clean):
    assert strip_pinyin_artifacts(text) == clean


@pytest.mark.parametrize(
    "text",
    [
        "国内生产总值(GDP)增长",
        "有力推进全区产改工作。(李炜)",
        "《实施意见(试行)》",
        "党组(扩大)会议",
        "(a)项",
        "（2023年）",
    ],
)
def test_real_parentheses_stay(text):
    assert strip_pinyin_artifacts(text) == text


def test_script_detection():
    assert detect_script("成都市工會第十六次代表大會勝利閉幕，各級工會迅速傳達學習。") == "hant"
    assert detect_script("成都市工会第十六次代表大会胜利闭幕，各级工会迅速传达学习。") == "hans"
    assert detect_script("") == "hans"
    # A Simplified text quoting one Traditional name is still Simplified.
    assert detect_script("市总工会召开会议，传达学习精神，部署下半年工作，臺北代表列席。") == "hans"


def test_traditional_text_is_converted_after_artifacts_go():
    text, script = normalise_script("都江堰市總工會召開會議，系統(tǒng)總結(jié)了過去五年的工作。")
    assert script == "hant"
    assert text == "都江堰市总工会召开会议，系统总结了过去五年的工作。"


def test_stray_traditional_line_in_simplified_text_is_converted():
    text, script = normalise_script("市总工会召开会议。\n會議要求各級工會落實。\n全市工会参加。")
    assert script == "hans"
    assert text.split("\n")[1] == "会议要求各级工会落实。"


def test_extract_reports_the_input_script_and_simplified_facts():
    result = extract_text("金門縣總工會走訪慰問困難職工120人，發放慰問金12萬元。")
    assert result["script"] == "hant"
    assert result["body"] == "金门县总工会走访慰问困难职工120人，发放慰问金12万元。"
    assert [(f["indicator"], f["value"]) for f in result["facts"]] == [
        ("relief_beneficiaries", 120),
        ("relief_amount", 120000),
    ]
