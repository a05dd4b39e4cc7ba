#!/usr/bin/env python3
"""Build the default Word template for bulletins (通报): gonghui/reports/data/bulletin.docx.

The template is a docxtpl document: ordinary Word content with Jinja tags, which
administrators may open in Word, restyle and upload as their own. Building it here
rather than committing only the binary keeps it reviewable and reproducible:

    .venv/bin/python scripts/make_bulletin_template.py [OUTPUT]

The layout approximates GB/T 9704 (党政机关公文格式): A4, margins 37/35/28/26 mm,
red issuer mark and rule, 文号 under it, title in a 宋体-style face, headings in 黑体,
body in 仿宋 三号 (16 pt) with a two-character first-line indent, page numbers "— 1 —".
The context variables are documented in gonghui/reports/bulletin.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "gonghui" / "reports" / "data" / "bulletin.docx"

RED = RGBColor(0xFF, 0x00, 0x00)
HEADER_FILL = "D9D9D9"
LATIN_FONT = "Times New Roman"
# East-Asian font names Word resolves on a Chinese Windows; WPS maps them too.
SONG = "宋体"
HEI = "黑体"
FANGSONG = "仿宋"


def set_fonts(style_or_run, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the Latin and the East-Asian font: Word takes Chinese glyphs from w:eastAsia only."""
    style_or_run.font.name = latin
    r_pr = style_or_run.element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, r_fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        r_fonts.set(qn(attribute), latin)
    r_fonts.set(qn("w:eastAsia"), east_asia)


def paragraph_style(document, name: str, *, east_asia: str, size: float, **options):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    set_fonts(style, east_asia)
    style.font.size = Pt(size)
    style.font.bold = options.get("bold", False)
    if "colour" in options:
        style.font.color.rgb = options["colour"]
    layout = style.paragraph_format
    layout.alignment = options.get("align", WD_ALIGN_PARAGRAPH.JUSTIFY)
    layout.first_line_indent = options.get("indent", Pt(0))
    layout.space_before = options.get("before", Pt(0))
    layout.space_after = options.get("after", Pt(0))
    if "line" in options:
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = options["line"]
    else:
        layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
    layout.keep_with_next = options.get("keep_with_next", False)
    return style


def set_language(document, language: str = "zh-CN") -> None:
    """The document's language (docDefaults): Word's proofing, and the Simplified Chinese glyph forms a
    viewer without 仿宋/黑体 falls back to (LibreOffice otherwise picks a Japanese CJK face)."""
    r_pr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    for attribute in ("w:val", "w:eastAsia"):
        lang.set(qn(attribute), language)


def add_styles(document) -> None:
    set_language(document)
    normal = document.styles["Normal"]
    set_fonts(normal, FANGSONG)
    normal.font.size = Pt(16)
    paragraph_style(
        document, "通报-发文机关", east_asia=SONG, size=36, bold=True, colour=RED, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    paragraph_style(document, "通报-文号", east_asia=FANGSONG, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, before=Pt(24))
    paragraph_style(
        document, "通报-标题", east_asia=SONG, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=Pt(28),
        after=Pt(20), line=Pt(36),
    )  # fmt: skip
    paragraph_style(document, "通报-一级标题", east_asia=HEI, size=16, indent=Pt(32), line=Pt(28), keep_with_next=True)
    paragraph_style(document, "通报-正文", east_asia=FANGSONG, size=16, indent=Pt(32), line=Pt(28))
    # the closing requirements keep with the signature, so the 落款 never stands alone on a page
    paragraph_style(document, "通报-结尾", east_asia=FANGSONG, size=16, indent=Pt(32), line=Pt(28), keep_with_next=True)
    paragraph_style(document, "通报-图", east_asia=FANGSONG, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, before=Pt(6))
    paragraph_style(document, "通报-表格", east_asia=SONG, size=10.5, align=WD_ALIGN_PARAGRAPH.CENTER)  # 五号
    paragraph_style(
        document, "通报-落款", east_asia=FANGSONG, size=16, align=WD_ALIGN_PARAGRAPH.RIGHT, line=Pt(28),
        keep_with_next=True,
    )  # fmt: skip
    paragraph_style(document, "通报-标记", east_asia=FANGSONG, size=10)  # holds {%p %} tags; removed on render


def set_page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(25)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    add_page_field(footer)
    footer.add_run(" —")
    for run in footer.runs:
        set_fonts(run, SONG)
        run.font.size = Pt(14)


def add_page_field(paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def red_rule_below(paragraph) -> None:
    """The red separator line under the 文号 (a bottom paragraph border)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "8"), ("w:color", "FF0000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.append(shading)


def set_grid(table, widths_mm: list[float], *, fixed: bool) -> None:
    """Column widths in the table grid as well as on the cells: LibreOffice and Word with a fixed layout
    take them from the grid, which python-docx otherwise fills with equal columns."""
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        column.set(qn("w:w"), str(int(Mm(width).twips)))
    if fixed:
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        table._tbl.tblPr.append(layout)


def repeat_as_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def write(cell, text: str, *, bold: bool = False, align=None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = "通报-表格"
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold = bold


def loop_table(document, columns: list[tuple[str, float, str]], loop: str, *, header_extra=None):
    """A table with a shaded header row and one data row repeated by ``{%tr for ... %}``.

    ``columns`` holds (header, width in mm, cell content with Jinja tags).
    """
    table = document.add_table(rows=4, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, opening, data, closing = table.rows
    repeat_as_header(header)
    # No "row may not break across pages" (w:cantSplit): after a heading kept with its table, LibreOffice
    # then drops every row that does not fit on the heading's page.
    # A table whose columns a {%tc %} loop adds or removes keeps Word's autofit: docxtpl rescales its grid.
    set_grid(table, [width for _title, width, _content in columns], fixed=not any("{%tc" in c[0] for c in columns))
    for index, (title, width, content) in enumerate(columns):
        for row in table.rows:
            row.cells[index].width = Mm(width)
        write(header.cells[index], title, bold=True)
        shade(header.cells[index], HEADER_FILL)
        write(data.cells[index], content)
    write(opening.cells[0], f"{{%tr for {loop} %}}")
    write(closing.cells[0], "{%tr endfor %}")
    return table


def tag(document, text: str) -> None:
    document.add_paragraph(text, style="通报-标记")


def heading(document, text: str) -> None:
    document.add_paragraph(text, style="通报-一级标题")


def body(document, text: str) -> None:
    document.add_paragraph(text, style="通报-正文")


def chart(document, variable: str) -> None:
    tag(document, f"{{%p if {variable} %}}")
    document.add_paragraph(f"{{{{ {variable} }}}}", style="通报-图")
    tag(document, "{%p endif %}")


def section_with_table(document, collection: str, columns, loop: str, empty: str) -> None:
    tag(document, f"{{%p if {collection} %}}")
    loop_table(document, columns, loop)
    tag(document, "{%p else %}")
    body(document, empty)
    tag(document, "{%p endif %}")


def add_content(document) -> None:
    document.add_paragraph("{{ org_name }}文件", style="通报-发文机关")
    red_rule_below(document.add_paragraph("{{ doc_number }}", style="通报-文号"))
    document.add_paragraph("{{ title }}", style="通报-标题")

    heading(document, "一、总体进展")
    tag(document, "{%p for paragraph in summary_paragraphs %}")
    body(document, "{{ paragraph }}")
    tag(document, "{%p endfor %}")

    heading(document, "二、主要指标完成情况")
    body(document, "截至{{ period }}末，序时进度为{{ expected }}。各项指标完成情况如下：")
    chart(document, "indicator_chart")
    section_with_table(
        document,
        "indicators",
        [
            ("指标", 40, "{{ line.name }}"),
            ("计量单位", 20, "{{ line.unit }}"),
            ("年度目标", 20, "{{ line.target }}"),
            ("完成数", 20, "{{ line.actual }}"),
            ("完成率", 17, "{{ line.completion }}"),
            ("序时进度", 19, "{{ line.expected }}"),
            ("进度状态", 20, "{% cellbg line.light_fill %}{{ line.light_label }}"),
        ],
        "line in indicators",
        "本季度无指标完成数据。",
    )
    chart(document, "trend_chart")

    heading(document, "三、各单位考核排名")
    chart(document, "ranking_chart")
    section_with_table(
        document,
        "ranking",
        [
            ("名次", 14, "{{ line.rank }}"),
            ("单位", 40, "{{ line.unit }}"),
            ("综合得分", 22, "{{ line.score }}"),
            ("{%tc for name in ranking_columns %}", 26, "{%tc for completion in line.completions %}"),
            ("{{ name }}完成率", 28, "{{ completion }}"),
            ("{%tc endfor %}", 26, "{%tc endfor %}"),
        ],
        "line in ranking",
        "本季度无考核排名。",
    )

    heading(document, "四、进度滞后单位")
    section_with_table(
        document,
        "behind",
        [
            ("单位", 34, "{{ line.unit }}"),
            ("指标", 38, "{{ line.indicator }}"),
            ("完成率", 17, "{{ line.completion }}"),
            ("序时进度", 19, "{{ line.expected }}"),
            ("落后", 28, "{{ line.gap }}"),
            ("进度状态", 20, "{% cellbg line.light_fill %}{{ line.light_label }}"),
        ],
        "line in behind",
        "本季度无进度滞后单位。",
    )

    heading(document, "五、督办事项逾期情况")
    section_with_table(
        document,
        "overdue_tasks",
        [
            ("督办事项", 54, "{{ task.title }}"),
            ("牵头单位", 34, "{{ task.lead_unit }}"),
            ("办结时限", 26, "{{ task.deadline }}"),
            ("逾期天数", 20, "{{ task.days_overdue }}"),
            ("办理状态", 22, "{{ task.state }}"),
        ],
        "task in overdue_tasks",
        "本季度无逾期督办事项。",
    )

    heading(document, "六、民生实事项目进展")
    section_with_table(
        document,
        "projects",
        [
            ("项目", 46, "{{ project.title }}"),
            ("承诺单位", 26, "{{ project.org }}"),
            ("目标", 18, "{{ project.target }}{{ project.unit }}"),
            ("完成数", 18, "{{ project.actual }}"),
            ("完成率", 16, "{{ project.completion }}"),
            ("序时进度", 16, "{{ project.expected }}"),
            ("进度状态", 18, "{% cellbg project.light_fill %}{{ project.status }}"),
        ],
        "project in projects",
        "本年度无民生实事项目。",
    )

    heading(document, "七、下步要求")
    tag(document, "{%p for item in requirements %}")
    document.add_paragraph("{{ item.number }}{{ item.text }}", style="通报-结尾")
    tag(document, "{%p endfor %}")
    tag(document, "{%p if not requirements %}")
    document.add_paragraph("本期无下步要求。", style="通报-结尾")
    tag(document, "{%p endif %}")

    document.add_paragraph("", style="通报-结尾")
    document.add_paragraph("{{ org_name }}", style="通报-落款")
    document.add_paragraph("{{ issue_date }}", style="通报-落款")


def build(output: Path) -> None:
    document = Document()
    add_styles(document)
    set_page(document)
    add_content(document)
    document.core_properties.title = "工作进展情况通报（模板）"
    document.core_properties.author = "gonghui"
    output.parent.mkdir(parents=True, exist_ok=True)
    document.save(output)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT)
