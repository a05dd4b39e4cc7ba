import datetime

import pytest
from django.core.exceptions import ValidationError

from gonghui.utilities.idnumber import check_char
from gonghui.utilities.textnorm import (
    EXCEL_MANGLED_ID_MESSAGE,
    cell_to_text,
    clean_code,
    clean_name,
    clean_text,
    detect_excel_mangled_id,
    excel_serial_to_date,
    looks_like_formula,
    neutralize_formula,
    normalize_id_number,
    normalize_phone,
    parse_date,
    parse_number,
    to_halfwidth,
)

MAY_FIRST = datetime.date(2023, 5, 1)


def test_halfwidth_converts_digits_letters_and_punctuation():
    assert to_halfwidth("３２０４１２ＡＢｃ（１）－") == "320412ABc(1)-"


def test_clean_text_tidies_spaces_but_keeps_chinese_punctuation():
    assert clean_text("  常州ＡＢＣ\u3000科技\xa0 有限公司（武进）\u200b ") == "常州ABC 科技 有限公司（武进）"
    assert clean_text("a\tb\nc") == "a b c"
    assert clean_text("工会  主席") == "工会 主席"
    assert clean_text(12.0) == "12"
    assert clean_text("") == ""


def test_clean_name_removes_spaces_inside_chinese_names():
    assert clean_name("张 三") == "张三"
    assert clean_name("\u3000李\u3000四 ") == "李四"
    assert clean_name("买买提•艾力") == "买买提·艾力"
    assert clean_name("John  Smith") == "John Smith"
    assert clean_name("王五") == "王五"


def test_clean_code():
    assert clean_code(" ９１３２０４１２ ｍａ１ ") == "91320412MA1"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 32041219900101123x ", "32041219900101123X"),
        ("３２０４１２１９９００１０１１２３ｘ", "32041219900101123X"),
        ("320412 19900101 1234", "320412199001011234"),
        ("320412-19900101-1234", "320412199001011234"),
        ("32041219900101123X", "32041219900101123X"),
        (320412199001011.0, "320412199001011"),
    ],
)
def test_normalize_id_number(raw, expected):
    assert normalize_id_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+86 138 1234 5678", "13812345678"),
        ("0086-138-1234-5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        (13812345678.0, "13812345678"),
        ("0519-85681234", "0519-85681234"),
        ("13812345678", "13812345678"),
    ],
)
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "2023.5.1",
        "2023年5月1日",
        "2023年5月1号",
        "2023/05/01",
        "2023-5-1",
        "2023-05-01",
        "20230501",
        "２０２３年５月１日",
        "2023 年 5 月 1 日",
        "2023-05-01 00:00:00",
        "2023/5/1 8:30",
        45047,
        45047.0,
        45047.75,  # a date with a time of day
        20230501.0,  # typed into a General cell
        MAY_FIRST,
        datetime.datetime(2023, 5, 1, 14, 30),
    ],
)
def test_parse_date_accepts_the_usual_forms(raw):
    assert parse_date(raw) == MAY_FIRST


def test_excel_serials_around_the_phantom_leap_day():
    assert excel_serial_to_date(1) == datetime.date(1900, 1, 1)
    assert excel_serial_to_date(59) == datetime.date(1900, 2, 28)
    assert excel_serial_to_date(61) == datetime.date(1900, 3, 1)
    with pytest.raises(ValidationError):
        excel_serial_to_date(60)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2023-02-30", "date_invalid"),
        ("2023.13.1", "date_invalid"),
        ("23.5.1", "date_invalid"),
        ("明年五月", "date_invalid"),
        ("2023.5", "date_invalid"),
        ("1800-01-01", "date_range"),
        (True, "date_invalid"),
        (0, "date_invalid"),
        (-5.0, "date_invalid"),
    ],
)
def test_parse_date_rejects_in_chinese(raw, code):
    with pytest.raises(ValidationError) as caught:
        parse_date(raw)
    assert caught.value.code == code
    assert "日期" in caught.value.messages[0]


def test_parse_date_message_shows_the_accepted_forms():
    with pytest.raises(ValidationError) as caught:
        parse_date("五月一日")
    assert "“五月一日”不是可识别的日期" in caught.value.messages[0]
    assert "2023年5月1日" in caught.value.messages[0]


def test_parse_date_month_only_when_allowed():
    assert parse_date("2023.5", allow_month=True) == MAY_FIRST
    assert parse_date("2023年5月", allow_month=True) == MAY_FIRST


def _valid_id_ending_in_000() -> str:
    """A genuine number (right check digit) whose last three characters are 000."""
    for day in range(1, 29):
        for digit in "0123456789":
            body = f"320412199001{day:02d}{digit}00"
            if check_char(body) == "0":
                return body + "0"
    raise AssertionError("no such number in the range tried")


@pytest.mark.parametrize(
    "raw",
    [
        3.20412199001011e17,
        320412199001011000,
        320412199001011264.0,
        "3.20412E+17",
        "3.20412199001011E+17",
        "３.２０４１２Ｅ＋１７",
        "320412199001011000",
        "320412199001011234.0",
    ],
)
def test_detect_excel_mangled_id(raw):
    message = detect_excel_mangled_id(raw)
    assert message == EXCEL_MANGLED_ID_MESSAGE
    assert "文本" in message and "单引号" in message


@pytest.mark.parametrize(
    "raw",
    ["32041219900101123X", "320412199001011234", 320412900101123.0, "", "张三", True, None, MAY_FIRST],
)
def test_detect_excel_mangled_id_leaves_others_alone(raw):
    assert detect_excel_mangled_id(raw) is None


def test_a_real_number_ending_in_000_is_not_flagged():
    number = _valid_id_ending_in_000()
    assert number.endswith("000")
    assert detect_excel_mangled_id(number) is None


@pytest.mark.parametrize(
    "raw",
    [
        '=HYPERLINK("http://evil.example","点这里")',
        "=1+1",
        "+cmd|' /C calc'!A0",
        "+cmd",
        "-1+1",
        "-2*3",
        "@SUM(A1:A2)",
        "=cmd|'/C notepad'!A1",
        "-HYPERLINK(1)",
    ],
)
def test_formula_like_text_is_detected(raw):
    assert looks_like_formula(raw)


@pytest.mark.parametrize(
    "raw",
    ["-", "--", "+86 138 0000 0000", "+86-138-0000-0000", "-3.5", "- 无 -", "=", "@张三", "张三", "", "(0519)85681234"],
)
def test_harmless_text_is_not_a_formula(raw):
    assert not looks_like_formula(raw)


def test_neutralize_formula():
    assert neutralize_formula("=1+1") == "'=1+1"
    assert neutralize_formula("\tx") == "'\tx"
    assert neutralize_formula("张三") == "张三"


def test_parse_number():
    assert parse_number("1,200") == 1200
    assert parse_number("１２００") == 1200
    assert parse_number(3.0) == 3
    assert parse_number("3.5") == 3.5
    with pytest.raises(ValidationError) as caught:
        parse_number("约100")
    assert caught.value.code == "number_invalid"


def test_cell_to_text():
    assert cell_to_text(1.0) == "1"
    assert cell_to_text(1.5) == "1.5"
    assert cell_to_text(MAY_FIRST) == "2023-05-01"
    assert cell_to_text(datetime.datetime(2023, 5, 1)) == "2023-05-01"
    assert cell_to_text(None) == ""
