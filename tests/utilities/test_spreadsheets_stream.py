"""The streaming .xlsx reader gives exactly what python-calamine gives, in bounded memory."""

import datetime
import math
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from gonghui.utilities.spreadsheets import Spreadsheet, SpreadsheetError, _CalamineSheet, _XlsxStreamSheet

ROOT = Path(__file__).resolve().parents[2]


def _same(value):
    return "nan" if isinstance(value, float) and math.isnan(value) else value


def assert_like_calamine(path):
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    with Spreadsheet.open(path) as book:
        assert book.sheet_names() == workbook.sheet_names
        for index in range(len(book.sheet_names())):
            ours = book._load(index)
            assert isinstance(ours, _XlsxStreamSheet)
            meta = workbook.sheets_metadata[index]
            theirs = _CalamineSheet(workbook.get_sheet_by_index(index), index=index, hidden=False)
            assert ours.hidden == (meta.visible != python_calamine.SheetVisibleEnum.Visible)
            assert ours.first_column == theirs.first_column
            assert ours.merged == theirs.merged
            ours_rows = [(n, [_same(v) for v in values]) for n, values in ours.rows()]
            their_rows = [(n, [_same(v) for v in values]) for n, values in theirs.rows()]
            assert ours_rows == their_rows


def build(path, sheet_xml, *, shared="", styles="", date1904=False, extra_sheets=()):
    """A hand-written .xlsx: sheet_xml goes inside <worksheet>."""
    sheets = [("Sheet1", sheet_xml, ""), *extra_sheets]
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        listing = "".join(
            f'<sheet name="{name}" sheetId="{i + 1}" {state} r:id="rId{i + 1}"/>'
            for i, (name, _xml, state) in enumerate(sheets)
        )
        properties = '<workbookPr date1904="1"/>' if date1904 else ""
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}">{properties}<sheets>{listing}</sheets></workbook>',
        )
        relations = "".join(
            f'<Relationship Id="rId{i + 1}" Type="{rel}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(sheets))
        )
        relations += f'<Relationship Id="s" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        relations += f'<Relationship Id="t" Type="{rel}/styles" Target="styles.xml"/>'
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{relations}'
            "</Relationships>",
        )
        for i, (_name, xml, _state) in enumerate(sheets):
            archive.writestr(f"xl/worksheets/sheet{i + 1}.xml", f'<worksheet xmlns="{main}">{xml}</worksheet>')
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">{shared}</sst>')
        archive.writestr("xl/styles.xml", f'<styleSheet xmlns="{main}">{styles}</styleSheet>')
    return path


STYLES = (
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="[h]:mm"/>'
    '<numFmt numFmtId="165" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
    '<numFmt numFmtId="166" formatCode="&quot;day&quot;0.00"/></numFmts>'
    '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/>'
    '<xf numFmtId="166"/></cellXfs>'
)
SHARED = (
    '<si><t>姓名</t></si><si><r><t>富</t></r><r><rPr><b/></rPr><t xml:space="preserve">文本 </t></r>'
    '<rPh sb="0" eb="1"><t>フ</t></rPh></si><si><t></t></si><si><t>a&amp;b_x000D_&#x4E2D;</t></si>'
)
CELLS = [
    ('t="s"', "<v>0</v>"),
    ('t="s"', "<v>1</v>"),
    ('t="s"', "<v>2</v>"),
    ('t="s"', "<v>3</v>"),
    ("", "<v>13812345678</v>"),
    ("", "<v>1.5E3</v>"),
    ("", "<v>abc</v>"),
    ("", "<v> 12 </v>"),
    ('s="1"', "<v>45047</v>"),
    ('s="1"', "<v>45047.5</v>"),
    ('s="1"', "<v>0.25</v>"),
    ('s="1"', "<v>59</v>"),
    ('s="1"', "<v>61</v>"),
    ('s="1"', "<v>3000000</v>"),
    ('s="2"', "<v>1.25</v>"),
    ('s="3"', "<v>44000</v>"),
    ('s="4"', "<v>44000</v>"),
    ('s="99"', "<v>44000</v>"),
    ('t="b"', "<v>1</v>"),
    ('t="b"', "<v>0</v>"),
    ('t="e"', "<v>#N/A</v>"),
    ('t="str"', "<f>A1&amp;B1</f><v>x &lt; y\r\nz</v>"),
    ('t="d"', "<v>2024-05-01</v>"),
    ('t="d"', "<v>2024-05-01T08:30:00</v>"),
    ('t="inlineStr"', '<is><t xml:space="preserve"> 空格 </t></is>'),
    ('t="inlineStr"', "<is><r><t>A</t></r><r><t>B</t></r></is>"),
    ('t="inlineStr"', "<is><t>&#20013;&amp;_x0041_</t></is>"),
    ("", "<f>1+1</f><v>2</v>"),
    ("", "<v/>"),
    ('s="1"', ""),
]


@pytest.mark.parametrize("date1904", [False, True])
def test_every_cell_type_matches_calamine(tmp_path, date1904):
    rows = "".join(
        f'<row r="{i + 2}"><c r="C{i + 2}" {attrs}>{body}</c><c r="E{i + 2}" s="1"/></row>'
        if body
        else f'<row r="{i + 2}"><c r="C{i + 2}" {attrs}/></row>'
        for i, (attrs, body) in enumerate(CELLS)
    )
    path = build(
        tmp_path / "types.xlsx",
        f'<dimension ref="C2:E40"/><sheetData>{rows}</sheetData>'
        '<mergeCells count="1"><mergeCell ref="C2:D3"/></mergeCells>',
        shared=SHARED,
        styles=STYLES,
        date1904=date1904,
    )
    assert_like_calamine(path)
    with Spreadsheet.open(path) as book:
        sheet = book.sheet()
        assert sheet.first_column == 2 and sheet.estimated_rows == 40
        values = dict(sheet.rows())
    assert values[2] == ["姓名"] and values[3] == ["富文本 "]
    assert values[10][0] == (datetime.date(2027, 5, 2) if date1904 else datetime.date(2023, 5, 1))


def test_cells_without_references_and_odd_attribute_order(tmp_path):
    sheet = (
        '<sheetData><row><c><v>1</v></c><c t="s"><v>0</v></c></row><row r="4"><c t="s" r="B4"><v>3</v></c>'
        '<c r="D4" cm="1"><f t="shared" si="0">A1</f><v>7</v></c></row><row><c/><c r="C5"><v>5</v></c></row>'
        "</sheetData>"
    )
    path = build(tmp_path / "norefs.xlsx", sheet, shared=SHARED, styles=STYLES)
    assert_like_calamine(path)
    with Spreadsheet.open(path) as book:
        assert dict(book.sheet().rows())[1][:2] == [1.0, "姓名"]


def test_prefixed_namespace(tmp_path):
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    path = build(tmp_path / "x.xlsx", "")
    xml = (
        f'<x:worksheet xmlns:x="{main}"><x:sheetData><x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>张三'
        '</x:t></x:is></x:c><x:c r="C2"><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert_like_calamine(path)


def test_files_from_openpyxl_and_xlsxwriter(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet["B1"] = "常州市武进区会员花名册"
    sheet.merge_cells("B1:F1")
    sheet["A3"].number_format = "yyyy-mm-dd"  # styled but empty: not part of the used range
    for col, label in enumerate(["姓名", "身份证号码", "入会日期", "党员", "工资"], 2):
        sheet.cell(row=3, column=col, value=label)
    sheet.append([None, "张三", "32041219900101123X", datetime.date(2023, 5, 1), True, 5000])
    sheet.append([None, "李四", "320412198505052345", "2023.5.1", False, 4800.5])
    sheet["C8"] = "=B4&B5"
    hidden = workbook.create_sheet("选项")
    hidden["A1"] = "男"
    hidden.sheet_state = "hidden"
    workbook.create_sheet("空表")
    workbook.save(tmp_path / "openpyxl.xlsx")
    assert_like_calamine(tmp_path / "openpyxl.xlsx")

    for options in ({"constant_memory": True}, {}):  # inline strings, shared strings
        path = tmp_path / f"xlsxwriter{len(options)}.xlsx"
        book = xlsxwriter.Workbook(str(path), options)
        sheet = book.add_worksheet("会员")
        dates = book.add_format({"num_format": "yyyy-mm-dd"})
        bold = book.add_format({"bold": True})
        sheet.write_string(0, 0, "标题")
        sheet.write_rich_string(1, 0, "富", bold, "文本", "。")
        sheet.write_row(3, 0, ["姓名", "手机", "入会日期"])
        sheet.write_row(4, 0, ["王五", 13812345678])
        sheet.write_datetime(4, 2, datetime.datetime(2024, 1, 2), dates)
        sheet.write_string(6, 1, "a & b <c>")
        sheet.write_boolean(6, 2, True)
        sheet.write_formula(7, 0, "=1/0", None, "#DIV/0!")
        book.add_worksheet("第二页").write_string(2, 3, "x")
        book.close()
        assert_like_calamine(path)


def test_stream_sheet_is_used_for_xlsx_and_sheets_are_listed(tmp_path):
    path = build(
        tmp_path / "three.xlsx",
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row></sheetData>',
        extra_sheets=[
            ("说明", '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>', 'state="hidden"'),
            ("空表", "<sheetData/>", ""),
        ],
    )
    with Spreadsheet.open(path) as book:
        assert [(info.name, info.rows, info.hidden) for info in book.sheets()] == [
            ("Sheet1", 1, False),
            ("说明", 1, True),
            ("空表", 0, False),
        ]
        assert book.sheet().name == "Sheet1"
        assert list(book.sheet("空表").rows()) == []


def test_memory_stays_flat_for_a_large_sheet(tmp_path):
    """200,000 rows are streamed with a few megabytes of Python memory (calamine would hold them all)."""
    path = tmp_path / "big.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    for row in range(200_000):
        sheet.write_number(row, 0, row)
        sheet.write_string(row, 1, f"姓名{row % 97}")
        sheet.write_string(row, 2, f"3204121990{row:08d}")
    book.close()
    script = (
        "import sys, tracemalloc\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from gonghui.utilities.spreadsheets import Spreadsheet\n"
        "tracemalloc.start()\n"
        f"with Spreadsheet.open({str(path)!r}) as book:\n"
        "    count = sum(1 for _ in book.sheet().rows())\n"
        "print(count, tracemalloc.get_traced_memory()[1])\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    count, peak = map(int, result.stdout.split())
    assert count == 200_000
    assert peak < 40 * 1024 * 1024, f"peak traced memory {peak / 1e6:.1f} MB"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("DD/MM/YY", "dt"),
        ("H:MM:SS;@", "dt"),
        ('yyyy"年"m"月"d"日"', "dt"),
        ("[$-804]aaaa", None),  # weekday names: calamine does not count them as a date
        ("#,##0\\ [$\\u20bd-46D]", None),
        ('"Y: "0.00"m";"Y: "-0.00"m";"Y: <num>m";@', None),
        ("\\Y000000", None),
        ('#,##0.0####" YMD"', None),
        ("[>=100][Magenta].00", None),
        ("[h]:mm:ss", "td"),
        ("[Blue]\\+[h]:mm;[Red]\\-[h]:mm", "td"),
        ("[ss]", "td"),
        ("ha/p\\\\m", "dt"),
        ("General", None),
        ("0.00%", None),
    ],
)
def test_number_format_kinds_follow_calamine(code, kind):
    from gonghui.utilities.spreadsheets import _number_format_kind

    assert _number_format_kind(code) == kind


def test_an_unusual_cell_after_many_ordinary_rows(tmp_path):
    """A cell the fast pattern does not cover (t before r, shared formula) midway through a chunk."""
    ordinary = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}" t="inlineStr"><is><t>名{n}</t></is></c></row>'
        for n in range(1, 3001)
    )
    unusual = '<row r="3001"><c t="inlineStr" r="A3001"><is><t>甲</t></is></c><c r="B3001"><f t="shared" si="0"/>'
    unusual += '<v>2</v></c></row><row r="3003"><c r="B3003" t="inlineStr"><is><t>乙</t></is></c></row>'
    path = build(tmp_path / "mixed.xlsx", f"<sheetData>{ordinary}{unusual}</sheetData>")
    assert_like_calamine(path)
    with Spreadsheet.open(path) as book:
        rows = list(book.sheet().rows())
    assert rows[-3:] == [(3001, ["甲", 2.0]), (3002, ["", ""]), (3003, ["", "乙"])]


@pytest.mark.parametrize(
    "sheet_xml",
    [
        '<sheetData><row r="1"><c r="A1" t="s"><v>7</v></c></row></sheetData>',  # no such shared string
        '<sheetData><row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><v>1</v></c></row></sheetData>',
    ],
)
def test_broken_sheets_fail_with_a_clear_error(tmp_path, sheet_xml):
    path = build(tmp_path / "broken.xlsx", sheet_xml, shared="<si><t>a</t></si>")
    with Spreadsheet.open(path) as book, pytest.raises(SpreadsheetError) as caught:
        list(book.sheet().rows())
    assert caught.value.code == "corrupt_file"
    assert "另存为" in caught.value.message
