import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from gonghui.utilities.validators import (
    USCC_ALPHABET,
    region_name,
    uscc_check_char,
    validate_contact_phone,
    validate_mobile,
    validate_region_code,
    validate_uscc,
)

body17 = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)


@settings(max_examples=500, deadline=None)
@given(body=body17, last=st.sampled_from(USCC_ALPHABET))
def test_uscc_agrees_with_stdnum(body, last):
    code = body + last
    ours = True
    try:
        validate_uscc(code)
    except ValidationError:
        ours = False
    # stdnum also checks the registration-department and type characters; compare on the check digit.
    assert ours == (last == uscc_check_char(body))
    if stdnum_uscc.is_valid(code):
        assert ours


@settings(max_examples=200, deadline=None)
@given(body=body17)
def test_generated_check_char_is_valid_for_stdnum_checksum(body):
    assert stdnum_uscc.calc_check_digit(body) == uscc_check_char(body)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9132041", "应为 18 位"),
        ("91320412MA1MXXXXIO", "只能包含数字和大写字母"),
    ],
)
def test_uscc_errors_are_chinese(value, message):
    with pytest.raises(ValidationError) as error:
        validate_uscc(value)
    assert message in error.value.messages[0]


def test_uscc_wrong_check_char_names_the_right_one():
    code = "91320412MA1MABCDE"
    good = code + uscc_check_char(code)
    validate_uscc(good)
    validate_uscc(good.lower())
    bad = code + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        validate_uscc(bad)
    assert f"应为 {good[-1]}" in error.value.messages[0]


def test_region_codes_from_gbt2260():
    for code in ("320000", "320400", "320412", "320481", "110101"):
        validate_region_code(code)
    assert region_name("320412") == "江苏省常州市武进区"
    for bad in ("32041", "329999", "abcdef"):
        with pytest.raises(ValidationError):
            validate_region_code(bad)


def test_phones():
    validate_mobile("13812345678")
    validate_mobile("+86 138-1234-5678")
    validate_contact_phone("0519-85681234")
    validate_contact_phone("13812345678")
    for bad in ("12812345678", "1381234567"):
        with pytest.raises(ValidationError):
            validate_mobile(bad)
    with pytest.raises(ValidationError):
        validate_contact_phone("85681234")
