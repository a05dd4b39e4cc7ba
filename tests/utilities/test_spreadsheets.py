import datetime
import io
import os
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.utilities.spreadsheets import SheetChoiceRequired, Spreadsheet, SpreadsheetError, column_letter

FILES = Path(__file__).parent / "files"


def read_all(source, sheet=None, **kwargs):
    with Spreadsheet.open(source, **kwargs) as book:
        return list(book.sheet(sheet).rows())


def make_xlsx(path, sheets):
    """sheets: {name: {cell: value}} written with openpyxl."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, cells in sheets.items():
        sheet = workbook.create_sheet(name)
        for ref, value in cells.items():
            sheet[ref] = value
    workbook.save(path)
    return path


def test_xlsx_rows_carry_the_spreadsheets_own_row_numbers(tmp_path):
    path = make_xlsx(
        tmp_path / "a.xlsx", {"花名册": {"C3": "姓名", "D3": "入会日期", "C5": "张三", "D5": datetime.date(2023, 5, 1)}}
    )
    with Spreadsheet.open(path) as book:
        assert book.format == "xlsx"
        sheet = book.sheet()
        assert sheet.first_column == 2  # data starts in column C
        rows = list(sheet.rows())
    numbered = {number: values for number, values in rows}
    assert numbered[3] == ["姓名", "入会日期"]
    assert numbered[4] == ["", ""]
    assert numbered[5] == ["张三", datetime.date(2023, 5, 1)]


def test_xls_file_is_read(tmp_path):
    with Spreadsheet.open(FILES / "roster.xls") as book:
        assert book.format == "xls"
        assert book.sheet_names() == ["花名册", "说明"]
        rows = dict(book.sheet("花名册").rows())
        assert book.sheet("花名册").merged == [(1, 0, 1, 4)]
    assert rows[4] == ["序号", "姓名", "公民身份号码", "联系电话", "入会时间"]
    assert rows[5][1:] == ["张三", "32041219900101123x", 13812345678.0, datetime.date(2023, 5, 1)]


def test_merged_areas_are_reported_relative_to_the_values(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B1"] = "标题"
    sheet.merge_cells("B1:E1")
    sheet["B2"] = "姓名"
    workbook.save(tmp_path / "m.xlsx")
    with Spreadsheet.open(tmp_path / "m.xlsx") as book:
        assert book.sheet().merged == [(1, 0, 1, 3)]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""), ("gb18030", b""), ("utf-16-le", b"\xff\xfe")],
)
def test_csv_encodings(tmp_path, encoding, bom):
    text = "姓名,身份证号码\r\n张三,32041219900101123X\r\n李四（曾用名：李思）,320412198505052345\r\n"
    if encoding == "utf-16-le":
        text = text.replace(",", "\t")  # Excel's "Unicode text" is UTF-16 with tabs
    path = tmp_path / "roster.csv"
    path.write_bytes(bom + text.encode(encoding))
    rows = read_all(path)
    assert [values for _number, values in rows] == [
        ["姓名", "身份证号码"],
        ["张三", "32041219900101123X"],
        ["李四（曾用名：李思）", "320412198505052345"],
    ]
    assert [number for number, _values in rows] == [1, 2, 3]


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiter_is_sniffed(tmp_path, delimiter):
    path = tmp_path / "r.csv"
    lines = ["会员花名册", delimiter.join(["姓名", "手机", "单位"]), delimiter.join(["张三", "13812345678", "甲公司"])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = read_all(path)
    assert rows[2] == (3, ["张三", "13812345678", "甲公司"])
    with Spreadsheet.open(path) as book:
        assert book.sheet().estimated_rows == 3


def test_csv_row_numbers_count_records_not_lines(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('姓名,备注\n张三,"第一行\n第二行"\n李四,无\n', encoding="utf-8")
    rows = read_all(path)
    assert rows[1] == (2, ["张三", "第一行\n第二行"])
    assert rows[2] == (3, ["李四", "无"])


def test_csv_with_mixed_encodings_fails_clearly(tmp_path):
    path = tmp_path / "mixed.csv"
    ascii_part = b"name,phone\n" + b"zhang,13812345678\n" * 70000  # more than the sample
    path.write_bytes(ascii_part + "李四,13900001111\n".encode("gbk"))
    with pytest.raises(SpreadsheetError) as caught:
        read_all(path)
    assert caught.value.code == "csv_encoding"
    assert "编码" in caught.value.message


def test_file_objects_and_uploads_are_accepted(tmp_path):
    data = "姓名\n张三\n".encode()
    assert read_all(io.BytesIO(data))[1] == (2, ["张三"])
    upload = SimpleUploadedFile("花名册.csv", data, content_type="text/csv")
    with Spreadsheet.open(upload) as book:
        assert book.sheet().name == "花名册"
        assert list(book.sheet().rows())[1] == (2, ["张三"])
    xlsx = io.BytesIO()
    make_xlsx(xlsx, {"Sheet1": {"A1": "姓名", "A2": "张三"}})
    assert read_all(io.BytesIO(xlsx.getvalue()))[1] == (2, ["张三"])


def test_several_sheets_with_data_must_be_chosen(tmp_path):
    path = make_xlsx(
        tmp_path / "two.xlsx",
        {"2023年": {"A1": "姓名", "A2": "张三", "A3": "李四"}, "空表": {}, "2024年": {"A1": "姓名", "A2": "王五"}},
    )
    with Spreadsheet.open(path) as book:
        with pytest.raises(SheetChoiceRequired) as caught:
            book.sheet()
        assert [(info.name, info.rows) for info in caught.value.sheets] == [("2023年", 3), ("2024年", 2)]
        assert "“2023年”（3 行）" in caught.value.message and "请选择" in caught.value.message
        assert [(info.name, info.rows) for info in book.sheets()] == [("2023年", 3), ("空表", 0), ("2024年", 2)]
        assert list(book.sheet("2024年").rows())[1] == (2, ["王五"])
        assert list(book.sheet(0).rows())[2] == (3, ["李四"])
        with pytest.raises(SpreadsheetError) as missing:
            book.sheet("2025年")
        assert "没有工作表“2025年”" in missing.value.message and "“2023年”" in missing.value.message


def test_hidden_sheets_are_not_candidates(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "花名册"
    workbook.active["A1"] = "姓名"
    hidden = workbook.create_sheet("选项")
    hidden["A1"] = "男"
    hidden.sheet_state = "hidden"
    workbook.save(tmp_path / "h.xlsx")
    with Spreadsheet.open(tmp_path / "h.xlsx") as book:
        assert book.sheet().name == "花名册"
        assert [info.hidden for info in book.sheets()] == [False, True]


def test_workbook_without_any_data(tmp_path):
    path = make_xlsx(tmp_path / "empty.xlsx", {"Sheet1": {}})
    with Spreadsheet.open(path) as book, pytest.raises(SpreadsheetError) as caught:
        book.sheet()
    assert caught.value.code == "no_data"


# --- bad files ---------------------------------------------------------------------------------


def _zip(tmp_path, name, files):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        for inner, content in files.items():
            archive.writestr(inner, content)
    return path


def _xlsx_bytes():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.add_worksheet().write_string(0, 0, "姓名")
    workbook.close()
    return buffer.getvalue()


BAD_FILES = {
    "empty": (lambda tmp: (tmp / "empty.xlsx").write_bytes(b""), "empty_file", "空的"),
    "zip of text": (lambda tmp: _zip(tmp, "a.xlsx", {"说明.txt": "你好"}), "not_spreadsheet", "压缩包"),
    "word document": (
        lambda tmp: _zip(tmp, "a.xlsx", {"word/document.xml": "<w/>", "[Content_Types].xml": "<x/>"}),
        "not_spreadsheet",
        "Word",
    ),
    "truncated xlsx": (lambda tmp: (tmp / "cut.xlsx").write_bytes(_xlsx_bytes()[:1500]), "corrupt_file", "损坏"),
    "xlsx with broken xml": (
        lambda tmp: _zip(
            tmp,
            "broken.xlsx",
            {
                "[Content_Types].xml": "<Types",
                "xl/workbook.xml": "<workbook><sheets><sheet",
                "xl/_rels/workbook.xml.rels": "<",
            },
        ),
        "corrupt_file",
        "损坏",
    ),
    "password protected": (
        lambda tmp: (tmp / "p.xlsx").write_bytes((FILES / "encrypted.xlsx").read_bytes()),
        "password_protected",
        "密码",
    ),
    "ole but not excel": (
        lambda tmp: (tmp / "o.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
        "corrupt_file",
        "无法读取",
    ),
    "pdf": (
        lambda tmp: (tmp / "a.xlsx").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        "not_spreadsheet",
        "PDF",
    ),
    "png": (
        lambda tmp: (tmp / "a.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        "not_spreadsheet",
        "不是表格",
    ),
    "html saved as xls": (
        lambda tmp: (tmp / "a.xls").write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>"),
        "html_file",
        "网页",
    ),
    "excel 2003 xml": (
        lambda tmp: (tmp / "a.xls").write_text(
            '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'
        ),
        "xml_spreadsheet",
        "2003",
    ),
    "undecodable text": (
        lambda tmp: (tmp / "a.csv").write_bytes(bytes(range(0x80, 0x100)) * 50),
        "not_spreadsheet",
        "不是",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_raise_one_clear_error(tmp_path, case):
    make, code, words = BAD_FILES[case]
    before = set(tmp_path.iterdir())
    make(tmp_path)
    (path,) = set(tmp_path.iterdir()) - before
    with pytest.raises(SpreadsheetError) as caught, Spreadsheet.open(path) as book:
        list(book.sheet().rows())
    assert caught.value.code == code
    assert words in caught.value.message
    assert any("\u4e00" <= char <= "\u9fff" for char in caught.value.message)


def test_fifty_megabytes_of_random_bytes_fail_fast(tmp_path):
    path = tmp_path / "garbage.xlsx"
    with open(path, "wb") as handle:
        for _ in range(50):
            handle.write(os.urandom(1 << 20))
    started = time.perf_counter()
    with pytest.raises(SpreadsheetError) as caught:
        Spreadsheet.open(path)
    assert caught.value.code == "not_spreadsheet"
    assert time.perf_counter() - started < 5


def test_random_bytes_behind_a_zip_signature(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(200_000))
    with pytest.raises(SpreadsheetError) as caught:
        Spreadsheet.open(path)
    assert caught.value.code == "corrupt_file"


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
