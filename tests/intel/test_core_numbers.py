"""Numerals as reports write them (convention 1)."""

from __future__ import annotations

import pytest

from gonghui.intel.facts import extract_facts
from gonghui.intel.numbers import NUMBER, as_number, parse_chinese, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三十五", 35),
        ("一百零八", 108),
        ("两千", 2000),
        ("一万二千三百", 12300),
        ("十万", 100000),
        ("三亿五千万", 350000000),
        ("二〇二三", 2023),
        ("百", 100),
        ("千", 1000),
    ],
)
def test_chinese_numerals(text, value):
    assert parse_chinese(text) == value


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("41万", 410000),
        ("1.2万", 12000),
        ("386.5万", 3865000),
        ("1.86亿", 186000000),
        ("2,800", 2800),
        ("3千", 3000),
        ("十余万", 100000),
        ("1100", 1100),
        ("两千", 2000),
    ],
)
def test_figures_with_multipliers(written, value):
    match = NUMBER.match(written)
    assert match and match.end() == len(written)
    assert as_number(parse_number(match.group("num"), match.group("big"))) == value


@pytest.mark.parametrize("text", ["二三十", "五六百", "七八千"])
def test_vague_ranges_are_no_figure(text):
    assert parse_chinese(text) is None


def test_whole_values_are_ints_and_fractions_stay():
    assert isinstance(as_number(410000.0), int)
    assert as_number(2.5) == 2.5


def one(text: str) -> dict:
    facts = extract_facts(text)
    assert len(facts) == 1, facts
    return facts[0]


@pytest.mark.parametrize(
    ("text", "value", "approx"),
    [
        ("慰问金41万余元。", 410000, True),
        ("新就业形态劳动者入会1100余人。", 1100, True),
        ("提供就业岗位2800多个。", 2800, True),
        ("慰问困难职工近500人。", 500, True),
        ("慰问困难职工约300人。", 300, True),
        ("慰问困难职工500人以上。", 500, True),
        ("慰问困难职工500人左右。", 500, True),
        ("慰问困难职工逾千人。", 1000, True),
        ("慰问困难职工两千余人。", 2000, True),
        ("慰问困难职工千余人。", 1000, True),
        ("组织百名劳模参加疗休养。", 100, True),
        ("慰问困难职工509人。", 509, False),
        ("举办了一期工会财务干部培训班。", 1, False),
        ("慰问困难职工１２０人。", 120, False),
        ("为1,500名职工提供免费体检。", 1500, False),
        ("发放慰问金3.5万元。", 35000, False),
    ],
)
def test_values_and_approximation(text, value, approx):
    fact = one(text)
    assert fact["value"] == value
    assert fact["approx"] is approx
