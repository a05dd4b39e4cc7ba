import io
import zipfile

import openpyxl

from gonghui.core.exports import write_xlsx

RISKY = ['=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1:A2)", "\t=1+1", "\r=1"]


def test_formula_leading_text_is_written_as_text():
    content = write_xlsx(["内容", "数量"], [[value, 1] for value in RISKY] + [["常州市总工会", 2], ["-", 3]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    for row, value in enumerate(RISKY, start=2):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s"
        assert cell.value.replace("_x000D_", "\r") == value  # openpyxl leaves Excel's escape of CR as is
        assert cell.quotePrefix  # Excel's leading apostrophe: stays text even when edited
    assert sheet.cell(row=2, column=2).value == 1
    ordinary = sheet.cell(row=len(RISKY) + 2, column=1)
    assert ordinary.value == "常州市总工会" and not ordinary.quotePrefix


def test_urls_and_numeric_text_stay_as_written():
    content = write_xlsx(["网址", "号码"], [["http://example.com", "0519"]])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == "http://example.com" and sheet["A2"].hyperlink is None
    assert sheet["B2"].value == "0519"
