"""Normalising what people type into spreadsheets.

Plain functions, no Django models: the importer calls them once per cell, so they are
written for speed (precompiled tables and regexes, fast paths for the common case).

- ``clean_text`` / ``clean_name`` / ``clean_code``: strip stray spaces (full-width,
  non-breaking, zero-width), full-width digits and letters to ASCII; codes also get
  full-width punctuation converted, all spaces removed and letters upper-cased.
- ``normalize_id_number`` / ``normalize_phone``: the same for identity numbers and phones,
  also when Excel handed them over as numbers.
- ``parse_date``: Excel serials, date objects and the usual Chinese spellings.
- ``detect_excel_mangled_id``: an identity number that Excel stored as a number.
- ``looks_like_formula``: text that Excel would run as a formula (CSV/formula injection).
  The importer rejects such cells (see importing.py); exports write them as text.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError

from gonghui.utilities.idnumber import check_char

# --- translation tables -----------------------------------------------------------------

# Characters that are spaces to a reader but not all to str.split(): ideographic space,
# no-break spaces, the typographic spaces; zero-width ones and the BOM are dropped.
_SPACES = "\u3000\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\t\n\r\x0b\x0c"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_CONTROLS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r\x0b\x0c") + "\x7f"

_FULL_DIGITS_LETTERS = "".join(chr(c) for c in range(0xFF10, 0xFF1A)) + "".join(
    chr(c) for c in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B))
)
_HALF_DIGITS_LETTERS = "".join(chr(c - 0xFEE0) for c in map(ord, _FULL_DIGITS_LETTERS))

# Free text: full-width digits/letters to ASCII, odd spaces to " ", controls removed;
# full-width punctuation such as （）、，is kept — it is correct in Chinese names.
_TEXT_TABLE = str.maketrans(
    _FULL_DIGITS_LETTERS + _SPACES, _HALF_DIGITS_LETTERS + " " * len(_SPACES), _ZERO_WIDTH + _CONTROLS
)
# Codes (identity numbers, phones, credit codes, dates): every full-width ASCII form to
# ASCII, every space and control removed.
_CODE_TABLE = str.maketrans(
    "".join(chr(c) for c in range(0xFF01, 0xFF5F)),
    "".join(chr(c) for c in range(0x21, 0x7F)),
    _SPACES + " " + _ZERO_WIDTH + _CONTROLS,
)
# Dates: like codes, but spaces are kept as single separators ("2023-05-01 08:00").
_DATE_TABLE = str.maketrans(
    "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + _SPACES,
    "".join(chr(c) for c in range(0x21, 0x7F)) + " " * len(_SPACES),
    _ZERO_WIDTH + _CONTROLS,
)
_MIDDLE_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "∙": "·", "．": "·", "⋅": "·"})
_ASCII_LETTER = re.compile(r"[A-Za-z]")

FULL_WIDTH_TO_HALF = _CODE_TABLE  # exported for callers that need the same table


def to_halfwidth(value: str) -> str:
    """Full-width ASCII forms (digits, letters, punctuation) to ASCII; spaces removed."""
    return value.translate(_CODE_TABLE)


def cell_to_text(value: Any) -> str:
    """Any cell value as the text a person sees (1.0 → "1", a date → "2023-05-01")."""
    cls = value.__class__
    if cls is str:
        return value
    if value is None:
        return ""
    if cls is float:
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if cls is bool:
        return "是" if value else "否"
    if cls is datetime.datetime:
        return value.isoformat(sep=" ") if (value.hour or value.minute or value.second) else value.date().isoformat()
    if cls is datetime.date:
        return value.isoformat()
    return str(value)


# A cell that needs more than strip(): odd spaces, controls, zero-width or full-width alphanumerics.
NEEDS_CLEANING = re.compile(
    "[\x00-\x1f\x7f\u00a0\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
    "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]"
)


def clean_text(value: Any) -> str:
    """Trim and tidy free text: odd spaces to one space, full-width digits/letters to ASCII."""
    if value.__class__ is not str:
        value = cell_to_text(value)
    if NEEDS_CLEANING.search(value) is not None:
        value = value.translate(_TEXT_TABLE)
    if "  " in value:
        value = " ".join(value.split())
    return value.strip()


NEEDS_NAME_CLEANING = re.compile(NEEDS_CLEANING.pattern[:-1] + " •・‧∙．⋅]")


def clean_name(value: Any) -> str:
    """A person's name: spaces inside a Chinese name removed ("张 三" → "张三"), middle dots unified.

    Names written in Latin letters keep single spaces between words.
    """
    if value.__class__ is str and NEEDS_NAME_CLEANING.search(value) is None:
        return value  # the common case: nothing to tidy
    value = clean_text(value)
    if " " in value and not _ASCII_LETTER.search(value):
        value = value.replace(" ", "")
    if not value.isascii():
        value = value.translate(_MIDDLE_DOTS)
    return value


def clean_code(value: Any) -> str:
    """A code: all spaces removed, full-width forms to ASCII, letters upper-cased."""
    if value.__class__ is not str:
        value = cell_to_text(value)
    return value.translate(_CODE_TABLE).upper()


def normalize_id_number(value: Any) -> str:
    """An identity number as typed: full-width to ASCII, spaces removed, x → X.

    Numbers (Excel cells holding a number) become their digits; whether digits were
    lost is for ``detect_excel_mangled_id`` to say.
    """
    cls = value.__class__
    if cls is float:
        return str(int(value)) if value.is_integer() else repr(value)
    if cls is int:
        return str(value)
    if cls is not str:
        return cell_to_text(value)
    if value.isascii() and value.isalnum():
        return value.upper()
    return value.translate(_CODE_TABLE).replace("-", "").upper()


_MOBILE_WITH_PREFIX_RE = re.compile(r"^(?:\+?86|0086)?(1\d{10})$")


def normalize_phone(value: Any) -> str:
    """A phone number: full-width to ASCII, spaces removed; a mobile also loses dashes and +86 / 0086.

    Landlines keep their dash (0519-85681234).
    """
    cls = value.__class__
    if cls is float and value.is_integer():
        return str(int(value))
    if cls is int:
        return str(value)
    if cls is not str:
        value = cell_to_text(value)
    if value.isascii() and value.isdigit():
        return value
    value = value.translate(_CODE_TABLE)
    match = _MOBILE_WITH_PREFIX_RE.match(value.replace("-", ""))
    return match[1] if match else value


_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


def parse_number(value: Any) -> int | float:
    """A number from a cell: 1200, "1,200", "１２００", "3.5"; integral values become int."""
    cls = value.__class__
    if cls is int:
        return value
    if cls is float:
        return int(value) if value.is_integer() else value
    text = cell_to_text(value).strip() if cls is not bool else "是/否"
    compact = text.translate(_CODE_TABLE).replace(",", "")
    if not _NUMBER_RE.match(compact):
        raise ValidationError(f"“{text}”不是数字，请只填写数字（如 120 或 3.5）。", code="number_invalid")
    number = float(compact)
    return int(number) if number.is_integer() and "." not in compact else number


# --- dates --------------------------------------------------------------------------------

_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EARLIEST = datetime.date(1900, 1, 1)
_LATEST = datetime.date(2100, 12, 31)
_DATE_RE = re.compile(
    r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?"
    r"(?:[T\s]+\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_RE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?$")
DATE_FORMATS_HINT = "请填写为 2023-05-01 这样的格式（也可以写成 2023.5.1、2023年5月1日、2023/5/1 或 20230501）"


def excel_serial_to_date(serial: float) -> datetime.date:
    """An Excel 1900-system serial (1 = 1900-01-01; Excel's phantom 1900-02-29 is serial 60)."""
    days = int(serial)
    if days == 60:
        raise ValidationError("日期序号 60 对应 Excel 中不存在的 1900-02-29，请核对。", code="date_invalid")
    if days < 60:
        days += 1  # before the phantom leap day the epoch is one day later
    return _EXCEL_EPOCH + datetime.timedelta(days=days)


def _date_error(text: str) -> ValidationError:
    return ValidationError(f"“{text}”不是可识别的日期，{DATE_FORMATS_HINT}。", code="date_invalid")


def _make_date(year: int, month: int, day: int, text: str) -> datetime.date:
    try:
        result = datetime.date(year, month, day)
    except ValueError:
        raise ValidationError(
            f"“{text}”不是有效的日期（没有这一天），请核对年、月、日。", code="date_invalid"
        ) from None
    return _check_range(result, text)


def _check_range(result: datetime.date, text: str) -> datetime.date:
    if result < _EARLIEST or result > _LATEST:
        raise ValidationError(f"日期“{text}”的年份不合理，请核对。", code="date_range")
    return result


def parse_date(value: Any, *, allow_month: bool = False) -> datetime.date:
    """A date from a cell: a date/datetime object, an Excel serial number, or text.

    Text may be 2023-5-1, 2023.5.1, 2023/05/01, 2023年5月1日, 20230501 (full-width digits
    and a trailing time are accepted). With ``allow_month``, "2023.5" / "2023年5月" mean
    the first of that month. Raises ValidationError (code ``date_invalid``/``date_range``).
    """
    cls = value.__class__
    if cls is datetime.date:
        return _check_range(value, value.isoformat())
    if cls is datetime.datetime:
        return _check_range(value.date(), value.date().isoformat())
    if cls is float or cls is int:
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            # 20230501 typed into a General cell is a number, not a serial.
            text = str(int(value))
            match = _COMPACT_DATE_RE.match(text)
            return _make_date(int(match[1]), int(match[2]), int(match[3]), text)
        if not 1 <= value < 2958466:
            raise _date_error(cell_to_text(value))
        return _check_range(excel_serial_to_date(value), cell_to_text(value))
    if cls is not str:
        raise _date_error(cell_to_text(value))
    text = value.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        try:  # the common ISO form, parsed in C
            result = datetime.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return result if _EARLIEST <= result <= _LATEST else _check_range(result, text)
    compact = text.translate(_DATE_TABLE).strip()
    match = _DATE_RE.match(compact) or _COMPACT_DATE_RE.match(compact)
    if match:
        return _make_date(int(match[1]), int(match[2]), int(match[3]), text)
    if allow_month:
        match = _MONTH_RE.match(compact)
        if match:
            return _make_date(int(match[1]), int(match[2]), 1, text)
    raise _date_error(text)


# --- identity numbers that Excel turned into numbers ------------------------------------------

EXCEL_MANGLED_ID_MESSAGE = (
    "身份证号码被 Excel 当作数字保存，后几位已经变成 0，无法还原（例如显示成 3.20412E+17 或末尾变成 000）。"
    "请把这一列的单元格格式设为“文本”后重新录入身份证号码，或在号码前加英文单引号 '（如 '320412199001011234），"
    "然后重新导入。"
)
_SCIENTIFIC_RE = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d{1,2}$")
_FLOAT_TEXT_RE = re.compile(r"^\d{15,18}\.0+$")
_ZEROED_RE = re.compile(r"^\d{15}0{1,3}$")


def _id_check_ok(number: str) -> bool:
    return number.isascii() and check_char(number[:17]) == number[17]


def detect_excel_mangled_id(value: Any) -> str | None:
    """Return the Chinese explanation when an identity number lost digits to Excel, else None.

    Excel keeps 15 significant digits of a number, so an 18-digit identity number typed
    into a General or Number cell ends in 000 (or shows as 3.20412E+17) and cannot be
    recovered. Signs: a numeric cell of 16+ digits; scientific notation in text; text of
    15 digits followed by zeros whose check digit is wrong; "320412199001011000.0".
    A 15-digit first-generation number survives as a number and is not flagged.
    """
    cls = value.__class__
    if cls is bool:
        return None
    if cls is float or cls is int:
        return EXCEL_MANGLED_ID_MESSAGE if abs(value) >= 1e15 else None
    if cls is not str:
        return None
    text = value.strip()
    if not text or (text.isascii() and text.isdigit() and len(text) == 18 and text[-1] != "0"):
        return None  # the common case: an 18-digit text number not ending in 0
    text = text.translate(_CODE_TABLE)
    if _SCIENTIFIC_RE.match(text) or _FLOAT_TEXT_RE.match(text):
        return EXCEL_MANGLED_ID_MESSAGE
    if _ZEROED_RE.match(text):
        if len(text) == 18 and _id_check_ok(text):
            return None
        return EXCEL_MANGLED_ID_MESSAGE
    return None


# --- formula injection --------------------------------------------------------------------

FORMULA_LEADS = ("=", "+", "-", "@")
_PLAIN_SIGNED_RE = re.compile(r"^[+\-][\d\s.()（）\-]*$")  # "-", "+86 138 0000 0000", "-3.5", "(0519)"
_SIGNED_FORMULA_RE = re.compile(r"[A-Za-z=+*/^&|!\"'(:;]")


def looks_like_formula(value: str) -> bool:
    """True when Excel (or another spreadsheet) would treat the text as a formula to evaluate.

    "=…" (anything after the equals sign), "@" followed by a letter (@SUM), and "+"/"-"
    followed by letters, operators or brackets (+cmd|…, -1+1, -HYPERLINK(…)). A lone "-",
    a signed number and a phone such as "+86 138 0000 0000" are not formulas.
    """
    if not value:
        return False
    first = value[0]
    if first == "=":
        return len(value.strip()) > 1
    if first == "@":
        return len(value) > 1 and value[1].isascii() and value[1].isalpha()
    if first == "+" or first == "-":
        if _PLAIN_SIGNED_RE.match(value):
            return False
        return bool(_SIGNED_FORMULA_RE.search(value, 1))
    return False


def formula_error_message(value: str) -> str:
    return (
        f"内容以“{value[0]}”开头，会被 Excel 当作公式执行（可能被利用来在他人电脑上运行命令），系统不接受。"
        f"请删除开头的“{value[0]}”，或改写成不以该符号开头的文字后重新导入。"
    )


def neutralize_formula(value: str) -> str:
    """For plain-text outputs (CSV): prefix an apostrophe so a spreadsheet shows the text."""
    if value and (value[0] in "=+-@\t\r"):
        return "'" + value
    return value
