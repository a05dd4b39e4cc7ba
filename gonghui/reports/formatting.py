"""How figures read in documents: percentages, quantities, dates and numbering in Chinese style.

Shared by the Word and PDF renderers and the charts, so a figure reads the same everywhere.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

MISSING = "—"

LIGHT_LABELS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "none": MISSING}
# Cell shading in Word (hex without '#') and backgrounds in the PDF: pale enough to print the label on.
LIGHT_FILLS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFB3B3", "none": "FFFFFF"}

_DIGITS = "零一二三四五六七八九"
_ONE_DECIMAL = Decimal("0.1")
_TWO_DECIMALS = Decimal("0.01")


def percent_text(fraction: Decimal | None) -> str:
    """0.8333 -> "83.3%" (one decimal, rounded half up); None -> "—"."""
    if fraction is None:
        return MISSING
    return f"{(Decimal(fraction) * 100).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)}%"


def gap_text(completion: Decimal | None, expected: Decimal) -> str:
    """How far a completion lags the expected progress, in percentage points ("8.3个百分点")."""
    if completion is None:
        return "未填报"
    points = ((Decimal(expected) - Decimal(completion)) * 100).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)
    if points <= 0:
        return "未落后"
    return f"{points}个百分点"


def quantity_text(value: Decimal | None) -> str:
    """A target or actual amount without trailing zeros: 1200.00 -> "1200", 12.50 -> "12.5"."""
    if value is None:
        return MISSING
    value = Decimal(value).normalize()
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return f"{value:f}"


def score_text(score: Decimal) -> str:
    """Assessment scores always show two decimals so a column of them lines up: 92.5 -> "92.50"."""
    return f"{Decimal(score).quantize(_TWO_DECIMALS, rounding=ROUND_HALF_UP)}"


def date_text(value: date) -> str:
    """The date as official documents write it: 2026年10月12日 (Arabic numerals, no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日"


def chinese_number(number: int) -> str:
    """1..99 in Chinese numerals, as in headings and list items: 3 -> 三, 12 -> 十二, 20 -> 二十."""
    if not 0 < number < 100:
        raise ValueError(f"chinese_number supports 1..99, got {number}")
    tens, units = divmod(number, 10)
    if tens == 0:
        return _DIGITS[units]
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[units] if units else ''}"


def quarter_name(quarter: int) -> str:
    """3 -> 第三季度."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1..4, got {quarter}")
    return f"第{chinese_number(quarter)}季度"
