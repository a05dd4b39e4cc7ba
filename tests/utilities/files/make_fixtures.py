"""How the committed binary fixtures in this folder were made (run once; not part of the suite).

The test suite generates .xlsx and .csv files itself. Two kinds cannot be made with the
project's dependencies, so they are committed:

- roster.xls: a legacy Excel 97–2003 file, written with xlwt;
- encrypted.xlsx: an .xlsx with an opening password ("secret"), written with msoffcrypto-tool.

    pip install xlwt==1.3.0 msoffcrypto-tool==6.1.0 openpyxl
    python tests/utilities/files/make_fixtures.py
"""

import datetime
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent


def make_xls() -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    sheet.write_merge(0, 0, 0, 4, "常州市XX公司工会会员花名册")
    sheet.write(1, 0, "填报单位：XX公司工会")
    for col, label in enumerate(["序号", "姓名", "公民身份号码", "联系电话", "入会时间"]):
        sheet.write(3, col, label)
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    rows = [
        (1, "张三", "32041219900101123x", 13812345678, datetime.date(2023, 5, 1)),
        (2, "李 四", "320412198505052345", "139 0000 1111", "2023.5.1"),
        (3, "王五", "110101199003071234", "13700001111", "2023年5月1日"),
    ]
    for index, row in enumerate(rows, 4):
        for col, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write(index, col, value, date_style)
            else:
                sheet.write(index, col, value)
    sheet.write(7, 0, "合计")
    sheet.write(7, 1, "3人")
    notes = book.add_sheet("说明")
    notes.write(0, 0, "本表由工会填写")
    book.save(str(HERE / "roster.xls"))


def make_encrypted() -> None:
    import openpyxl
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "姓名"
    workbook.save(plain)
    plain.seek(0)
    with open(HERE / "encrypted.xlsx", "wb") as target:
        OOXMLFile(plain).encrypt("secret", target)


if __name__ == "__main__":
    make_xls()
    make_encrypted()
