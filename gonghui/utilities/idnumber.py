"""GB 11643-1999 citizen identity numbers (公民身份号码).

Length, characters, birth date and check digit are hard errors; an area code that is
not in the current GB/T 2260 list is only a warning, since older numbers keep codes
of divisions that have since been renamed or merged.
"""

from __future__ import annotations

import datetime
import re
from operator import mul
from typing import NamedTuple

from django.core.exceptions import ValidationError

from gonghui.utilities.validators import region_names

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_FORMAT = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII: \d also matches other scripts' digits
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ＸｘX", "0123456789XXX")
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


_WEIGHT_OFFSET = 48 * sum(WEIGHTS)  # the weighted sum of the ASCII codes of "0"


def check_char(first17: str) -> str:
    # weighted sum over the ASCII codes, minus what the "0"s contribute: one C-level pass
    return CHECK_CHARS[(sum(map(mul, first17.encode("ascii"), WEIGHTS)) - _WEIGHT_OFFSET) % 11]


def normalize_id_number(value: str) -> str:
    """Strip spaces, full-width digits to ASCII, lowercase x to X."""
    return re.sub(r"\s+", "", (value or "").translate(_FULL_WIDTH)).upper()


class IdNumberInfo(NamedTuple):  # a tuple: built once per imported row, so it must be cheap
    number: str
    birth_date: datetime.date
    gender: str  # "male" / "female"
    area_code: str
    warnings: tuple[str, ...] = ()


def parse_id_number(value: str, *, today: datetime.date | None = None) -> IdNumberInfo:
    """Validate and decode an 18-digit identity number; raise ValidationError in Chinese."""
    number = value if _FORMAT.match(value) else normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(f"身份证号码应为 18 位，当前为 {len(number)} 位，请核对。", code="id_length")
    if not _FORMAT.match(number):
        raise ValidationError("身份证号码前 17 位应为数字，最后一位为数字或 X，请核对。", code="id_chars")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            f"身份证号码中的出生日期 {number[6:14]} 不是有效日期，请核对第 7–14 位。", code="id_birth"
        ) from None
    today = today or datetime.date.today()
    if birth < EARLIEST_BIRTH or birth > today:
        raise ValidationError(f"身份证号码中的出生日期 {birth.isoformat()} 不合理，请核对第 7–14 位。", code="id_birth")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(f"身份证号码校验位错误：最后一位应为 {expected}，请核对是否抄错。", code="id_checksum")
    area = number[:6]
    warnings = () if area in region_names() else (_AREA_WARNING.format(area=area),)
    return IdNumberInfo(number, birth, "male" if number[16] in "13579" else "female", area, warnings)


_AREA_WARNING = "身份证号码前 6 位 {area} 不在现行行政区划代码中（可能是已撤并的旧区划），请确认。"


def validate_id_number(value: str) -> None:
    parse_id_number(value)


def make_id_number(area: str, birth: datetime.date, serial: int) -> str:
    """A valid number for tests and demo data (serial 0–999; odd = male)."""
    body = f"{area}{birth:%Y%m%d}{serial:03d}"
    return body + check_char(body)
