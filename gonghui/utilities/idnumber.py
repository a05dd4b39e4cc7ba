"""GB 11643-1999 citizen identity numbers (公民身份号码).

Length, characters, birth date and check digit are hard errors; an area code that is
not in the current GB/T 2260 list is only a warning, since older numbers keep codes
of divisions that have since been renamed or merged.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_FORMAT = re.compile(r"^\d{17}[\dX]$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ＸｘX", "0123456789XXX")
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    """Strip spaces, full-width digits to ASCII, lowercase x to X."""
    return re.sub(r"\s+", "", (value or "").translate(_FULL_WIDTH)).upper()


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    birth_date: datetime.date
    gender: str  # "male" / "female"
    area_code: str
    warnings: tuple[str, ...] = ()


def parse_id_number(value: str, *, today: datetime.date | None = None) -> IdNumberInfo:
    """Validate and decode an 18-digit identity number; raise ValidationError in Chinese."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            f"身份证号码应为 18 位，当前为 {len(number)} 位，请核对。", code="id_length"
        )
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
        raise ValidationError(
            f"身份证号码中的出生日期 {birth.isoformat()} 不合理，请核对第 7–14 位。", code="id_birth"
        )
    expected = check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            f"身份证号码校验位错误：最后一位应为 {expected}，请核对是否抄错。", code="id_checksum"
        )
    warnings: list[str] = []
    from gonghui.utilities.validators import region_names

    area = number[:6]
    if area not in region_names():
        warnings.append(f"身份证号码前 6 位 {area} 不在现行行政区划代码中（可能是已撤并的旧区划），请确认。")
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return IdNumberInfo(number=number, birth_date=birth, gender=gender, area_code=area, warnings=tuple(warnings))


def validate_id_number(value: str) -> None:
    parse_id_number(value)


def make_id_number(area: str, birth: datetime.date, serial: int) -> str:
    """A valid number for tests and demo data (serial 0–999; odd = male)."""
    body = f"{area}{birth:%Y%m%d}{serial:03d}"
    return body + check_char(body)
