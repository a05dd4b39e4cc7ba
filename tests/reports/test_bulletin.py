"""Bulletin rendering: Word via docxtpl and PDF via WeasyPrint, read back from the real files."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import shutil
import subprocess
import warnings
import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from matplotlib import font_manager
from PIL import Image

from gonghui.reports import charts
from gonghui.reports.bulletin import (
    RANKING_COLUMN_LIMIT,
    BehindLine,
    BulletinData,
    IndicatorLine,
    RankingLine,
    TaskLine,
    default_template_path,
    render_docx,
    render_pdf,
)
from gonghui.reports.formatting import chinese_number, date_text, gap_text, percent_text, quantity_text

ROOT = Path(__file__).resolve().parents[2]
D = Decimal
EMPTY_SENTENCES = [
    "本季度无指标完成数据。",
    "本季度无考核排名。",
    "本季度无进度滞后单位。",
    "本季度无逾期督办事项。",
    "本期无下步要求。",
]


def make_bulletin(**changes) -> BulletinData:
    """Three indicators, four sub-units (one unranked), one unit behind, one overdue task."""
    data = BulletinData(
        org_name="常州市总工会",
        title="关于2026年第三季度全市工会重点工作进展情况的通报",
        doc_number="常总工〔2026〕12号",
        issue_date=date(2026, 10, 12),
        year=2026,
        quarter=3,
        expected=D("0.75"),
        summary="今年以来，各单位认真落实年度目标任务，总体进展顺利。\n\n但仍有部分单位工会驿站建设进度滞后。",
        indicators=[
            IndicatorLine("新建工会组织", "个", D("120"), D("100"), D("0.8333"), D("0.75"), "green"),
            IndicatorLine("发展会员", "人", D("5000.00"), D("3400"), D("0.68"), D("0.75"), "yellow"),
            IndicatorLine("建设工会驿站", "个", D("30"), D("12.5"), D("0.4167"), D("0.75"), "red"),
        ],
        ranking=[
            RankingLine(1, "武进区总工会", D("96.456"), {"新建工会组织": D("0.95"), "发展会员": D("0.88")}),
            RankingLine(2, "天宁区总工会", D("88.2"), {"新建工会组织": D("0.8"), "发展会员": None}),
            RankingLine(3, "新北区总工会", D("79"), {"新建工会组织": D("0.7"), "发展会员": D("0.61")}),
            RankingLine(None, "钟楼区总工会", D("0"), {}),
        ],
        behind=[BehindLine("新北区总工会", "建设工会驿站", D("0.3"), D("0.75"), "red")],
        overdue_tasks=[TaskLine("推进新就业形态劳动者入会集中行动", "组织部", date(2026, 9, 30), 12, "办理中")],
        requirements=["对标年度目标，加快滞后指标进度。", "逾期督办事项限期办结。"],
    )
    return dataclasses.replace(data, **changes)


@pytest.fixture(scope="module")
def bulletin() -> BulletinData:
    return make_bulletin()


@pytest.fixture(scope="module")
def docx_file(bulletin, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "bulletin.docx"
    render_docx(bulletin, path)
    return path


@pytest.fixture(scope="module")
def document(docx_file):
    return Document(str(docx_file))


@pytest.fixture(scope="module")
def pdf_text(bulletin, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("pdf") / "bulletin.pdf"
    render_pdf(bulletin, path)
    return pdftotext(path)


def pdftotext(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def table_with_header(document, first_header: str):
    for table in document.tables:
        if table.rows[0].cells[0].text == first_header:
            return table
    raise AssertionError(f"no table starting with {first_header}")


def rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def fill_of(cell) -> str | None:
    shading = cell._tc.tcPr.find(qn("w:shd"))
    return None if shading is None else shading.get(qn("w:fill"))


# --- Word ----------------------------------------------------------------------------------


def test_docx_header_title_and_signature(document):
    paragraphs = texts(document)
    assert paragraphs[0] == "常州市总工会文件"
    assert paragraphs[1] == "常总工〔2026〕12号"
    assert paragraphs[2] == "关于2026年第三季度全市工会重点工作进展情况的通报"
    assert paragraphs[-2:] == ["常州市总工会", "2026年10月12日"]
    assert document.paragraphs[0].style.font.color.rgb == (0xFF, 0x00, 0x00)  # the red issuer mark
    assert document.paragraphs[-1].style.paragraph_format.alignment == 2  # right-aligned date


def test_docx_sections_in_order_and_summary_paragraphs(document):
    paragraphs = texts(document)
    headings = [
        "一、总体进展",
        "二、主要指标完成情况",
        "三、各单位考核排名",
        "四、进度滞后单位",
        "五、督办事项逾期情况",
    ]
    positions = [paragraphs.index(h) for h in [*headings, "七、下步要求"]]
    assert positions == sorted(positions)
    assert "今年以来，各单位认真落实年度目标任务，总体进展顺利。" in paragraphs
    assert "但仍有部分单位工会驿站建设进度滞后。" in paragraphs
    assert "截至2026年第三季度末，序时进度为75.0%。各项指标完成情况如下：" in paragraphs
    assert "（一）对标年度目标，加快滞后指标进度。" in paragraphs
    assert "（二）逾期督办事项限期办结。" in paragraphs
    assert not any("{" in p or "%}" in p for p in paragraphs), "no Jinja tag left over"


def test_docx_body_uses_east_asian_font_and_three_hao(document):
    body = next(p for p in document.paragraphs if p.text.startswith("今年以来"))
    assert body.style.font.size.pt == 16
    assert body.style.paragraph_format.first_line_indent.pt == 32
    assert body.style.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"


def test_docx_indicator_table(document):
    table = table_with_header(document, "指标")
    assert rows(table) == [
        ["指标", "计量单位", "年度目标", "完成数", "完成率", "序时进度", "进度状态"],
        ["新建工会组织", "个", "120", "100", "83.3%", "75.0%", "绿灯"],
        ["发展会员", "人", "5000", "3400", "68.0%", "75.0%", "黄灯"],
        ["建设工会驿站", "个", "30", "12.5", "41.7%", "75.0%", "红灯"],
    ]
    assert [fill_of(row.cells[6]) for row in table.rows[1:]] == ["C6EFCE", "FFEB9C", "FFB3B3"]
    assert fill_of(table.rows[0].cells[0]) == "D9D9D9"  # shaded header


def test_docx_cell_properties_in_schema_order(document):
    """docxtpl's cellbg puts w:shd first; Word wants it after w:tcW."""
    checked = 0
    for properties in document.element.body.iter(qn("w:tcPr")):
        tags = [child.tag for child in properties]
        if qn("w:shd") in tags and qn("w:tcW") in tags:
            assert tags.index(qn("w:tcW")) < tags.index(qn("w:shd"))
            checked += 1
    assert checked >= 4  # the header cells and the light cells


def test_docx_ranking_table(document):
    table = table_with_header(document, "名次")
    assert rows(table) == [
        ["名次", "单位", "综合得分", "新建工会组织完成率", "发展会员完成率"],
        ["1", "武进区总工会", "96.46", "95.0%", "88.0%"],
        ["2", "天宁区总工会", "88.20", "80.0%", "—"],
        ["3", "新北区总工会", "79.00", "70.0%", "61.0%"],
        ["—", "钟楼区总工会", "0.00", "—", "—"],
    ]


def test_docx_behind_and_overdue_tables(document):
    assert rows(table_with_header(document, "单位"))[1] == [
        "新北区总工会",
        "建设工会驿站",
        "30.0%",
        "75.0%",
        "45.0个百分点",
        "红灯",
    ]
    assert rows(table_with_header(document, "督办事项"))[1] == [
        "推进新就业形态劳动者入会集中行动",
        "组织部",
        "2026年9月30日",
        "12天",
        "办理中",
    ]
    paragraphs = texts(document)
    assert "本季度无进度滞后单位。" not in paragraphs
    assert "本季度无逾期督办事项。" not in paragraphs


def test_docx_embeds_indicator_and_ranking_charts(document):
    assert len(document.inline_shapes) == 2


def test_docx_trend_chart_is_a_third_image(tmp_path):
    data = make_bulletin(trend={"新建工会组织": [D("0.2"), D("0.5"), D("0.8333"), None]})
    render_docx(data, tmp_path / "trend.docx")
    assert len(Document(str(tmp_path / "trend.docx")).inline_shapes) == 3


def test_docx_empty_sections_say_so(tmp_path):
    data = make_bulletin(indicators=[], ranking=[], behind=[], overdue_tasks=[], requirements=[])
    buffer = BytesIO()
    render_docx(data, buffer)
    document = Document(BytesIO(buffer.getvalue()))
    paragraphs = texts(document)
    for sentence in EMPTY_SENTENCES:
        assert sentence in paragraphs
    assert document.tables == []
    assert len(document.inline_shapes) == 0


def test_docx_text_with_markup_characters_stays_text(tmp_path):
    data = make_bulletin(summary="产改试点 <A&B> “双百”企业", org_name="某某 & 某某工会")
    render_docx(data, tmp_path / "markup.docx")
    paragraphs = texts(Document(str(tmp_path / "markup.docx")))
    assert "产改试点 <A&B> “双百”企业" in paragraphs
    assert paragraphs[0] == "某某 & 某某工会文件"


def test_docx_many_indicators_and_units(tmp_path):
    """20 indicators and 30 units: every row present; per-indicator columns dropped from the ranking."""
    names = [f"指标{n}" for n in range(20)]
    data = make_bulletin(
        indicators=[
            IndicatorLine(name, "个", D(100), D(n), D(n) / 100, D("0.75"), ("green", "yellow", "red", "none")[n % 4])
            for n, name in enumerate(names)
        ],
        ranking=[RankingLine(n + 1, f"第{n + 1}工会", D(100 - n), dict.fromkeys(names, D("0.5"))) for n in range(30)],
    )
    render_docx(data, tmp_path / "big.docx")
    document = Document(str(tmp_path / "big.docx"))
    assert len(table_with_header(document, "指标").rows) == 21
    ranking = table_with_header(document, "名次")
    assert len(ranking.rows) == 31
    assert len(ranking.columns) == 3 < len(names) > RANKING_COLUMN_LIMIT
    assert rows(ranking)[30] == ["30", "第30工会", "71.00"]


def test_default_template_matches_its_build_script(tmp_path):
    """The committed .docx is what scripts/make_bulletin_template.py builds (so it can be reviewed)."""
    spec = importlib.util.spec_from_file_location("make_bulletin_template", ROOT / "scripts/make_bulletin_template.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.build(tmp_path / "fresh.docx")
    fresh, committed = zipfile.ZipFile(tmp_path / "fresh.docx"), zipfile.ZipFile(default_template_path())
    for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml"):
        assert fresh.read(part) == committed.read(part), f"{part} differs: rerun scripts/make_bulletin_template.py"


# --- administrators' templates ----------------------------------------------------------------


def build_template(path: Path, paragraphs: list[str]) -> Path:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def test_custom_template_is_honoured(tmp_path, bulletin):
    template = build_template(
        tmp_path / "mine.docx",
        [
            "自定义通报：{{ title }}（{{ doc_number }}）",
            "{%p for line in indicators %}",
            "{{ line.name }}：{{ line.completion }}，{{ line.light_label }}",
            "{%p endfor %}",
            "{{ ranking_chart }}",
        ],
    )
    render_docx(bulletin, tmp_path / "out.docx", template=template)
    document = Document(str(tmp_path / "out.docx"))
    assert texts(document)[0] == "自定义通报：关于2026年第三季度全市工会重点工作进展情况的通报（常总工〔2026〕12号）"
    assert "新建工会组织：83.3%，绿灯" in texts(document)
    assert "建设工会驿站：41.7%，红灯" in texts(document)
    assert len(document.inline_shapes) == 1


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (["{{ title }}", "{%p for line in indicators %}", "{{ line.name }}"], "“for”标签没有对应的结束标签"),
        (["{{ title }}", "{%p endif %}"], "Word 模板中“{% endif %}”处的标签有误：无法识别的标签“endif”"),
        (["{{ title }"], "Word 模板中“{{ title }”处的标签有误"),
        (["{{ titel }}"], "Word 模板使用了不存在的变量“titel”"),
        (["{%p for line in indicators %}", "{{ line.nmae }}", "{%p endfor %}"], "不存在的变量“nmae”"),
        (["{{ title|shout }}"], "不存在的过滤器“shout”"),
    ],
)
def test_broken_template_raises_chinese_error_and_writes_nothing(tmp_path, bulletin, paragraphs, expected):
    template = build_template(tmp_path / "broken.docx", paragraphs)
    out = tmp_path / "out.docx"
    with pytest.raises(ValueError, match=re.escape(expected)):
        render_docx(bulletin, out, template=template)
    assert not out.exists()


def test_template_that_is_not_a_docx(tmp_path, bulletin):
    template = tmp_path / "notes.docx"
    template.write_text("这不是 Word 文档")
    with pytest.raises(ValueError, match="不是有效的 Word 文档"):
        render_docx(bulletin, tmp_path / "out.docx", template=template)
    with pytest.raises(ValueError, match="找不到 Word 模板文件"):
        render_docx(bulletin, tmp_path / "out.docx", template=tmp_path / "missing.docx")


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_shows_the_same_figures(pdf_text):
    flat = re.sub(r"\s+", " ", pdf_text)
    for expected in ["常州市总工会文件", "常总工〔2026〕12号", "一、总体进展", "七、下步要求", "2026年10月12日"]:
        assert expected in flat
    assert re.search(r"新建工会组织\s+个\s+120\s+100\s+83\.3%\s+75\.0%\s+绿灯", pdf_text)
    assert re.search(r"发展会员\s+人\s+5000\s+3400\s+68\.0%\s+75\.0%\s+黄灯", pdf_text)
    assert re.search(r"建设工会驿站\s+个\s+30\s+12\.5\s+41\.7%\s+75\.0%\s+红灯", pdf_text)
    assert re.search(r"1\s+武进区总工会\s+96\.46\s+95\.0%\s+88\.0%", pdf_text)
    assert re.search(r"2\s+天宁区总工会\s+88\.20\s+80\.0%\s+—", pdf_text)
    assert re.search(r"3\s+新北区总工会\s+79\.00\s+70\.0%\s+61\.0%", pdf_text)
    assert re.search(r"—\s+钟楼区总工会\s+0\.00", pdf_text)
    assert re.search(r"新北区总工会\s+建设工会驿站\s+30\.0%\s+75\.0%\s+45\.0个百分点\s+红灯", pdf_text)
    assert re.search(r"推进新就业形态劳动者入会集中行动\s+组织部\s+2026年9月30日\s+12天\s+办理中", pdf_text)
    assert re.search(r"—\s*1\s*—", pdf_text), "page number in the footer"


def test_pdf_empty_sections_say_so(tmp_path):
    data = make_bulletin(behind=[], overdue_tasks=[], requirements=[])
    render_pdf(data, tmp_path / "empty.pdf")
    text = pdftotext(tmp_path / "empty.pdf")
    for sentence in ["本季度无进度滞后单位。", "本季度无逾期督办事项。", "本期无下步要求。"]:
        assert sentence in text


def test_pdf_embeds_a_noto_cjk_font(bulletin, tmp_path):
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    buffer = BytesIO()
    render_pdf(bulletin, buffer)
    (tmp_path / "b.pdf").write_bytes(buffer.getvalue())
    listing = subprocess.run(["pdffonts", str(tmp_path / "b.pdf")], check=True, capture_output=True, text=True).stdout
    embedded = [line.split() for line in listing.splitlines()[2:] if re.search(r"Noto-?S(ans|erif)-?CJK", line)]
    assert embedded, listing
    assert all(columns[-5] == "yes" for columns in embedded), listing  # the "emb" column


# --- charts and fonts --------------------------------------------------------------------------


@pytest.mark.parametrize(("style", "family"), [("sans", "Noto Sans CJK"), ("serif", "Noto Serif CJK")])
def test_cjk_font_resolves_to_noto(style, family):
    font = charts.cjk_font(style)
    assert font.family.startswith(family)
    resolved = font_manager.findfont(font_manager.FontProperties(family=font.family), fallback_to_default=False)
    assert Path(resolved) == font.path


def test_charts_draw_chinese_without_missing_glyphs(bulletin):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        images = [
            charts.indicator_chart(bulletin.indicators, bulletin.expected),
            charts.ranking_chart(bulletin.ranking),
            charts.trend_chart({"发展会员": [D("0.2"), None, D("0.68")]}),
        ]
    assert not [w for w in caught if "missing from" in str(w.message)]
    for png in images:
        image = Image.open(BytesIO(png))
        assert image.format == "PNG"
        assert image.width == round(charts.WIDTH_INCHES * charts.DPI)


def test_charts_of_empty_data_are_none():
    assert charts.indicator_chart([], D("0.5")) is None
    assert charts.ranking_chart([]) is None
    assert charts.trend_chart({}) is None


def test_missing_font_names_the_debian_package():
    with pytest.raises(charts.CjkFontMissing, match="fonts-noto-cjk"):
        charts.pick_cjk_font_file(["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"], "sans")


def test_font_choice_prefers_simplified_chinese_and_is_order_independent():
    paths = [
        "/f/NotoSansCJK-Regular.ttc",
        "/f/NotoSansCJKsc-Regular.otf",
        "/f/NotoSerifCJK-Regular.ttc",
        "/f/NotoSansCJK-Bold.ttc",
    ]
    assert charts.pick_cjk_font_file(paths, "sans") == Path("/f/NotoSansCJKsc-Regular.otf")
    assert charts.pick_cjk_font_file(reversed(paths), "sans") == Path("/f/NotoSansCJKsc-Regular.otf")
    assert charts.pick_cjk_font_file(paths, "serif") == Path("/f/NotoSerifCJK-Regular.ttc")


# --- formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fraction", "text"),
    [(D("0.8333"), "83.3%"), (D("0.83350"), "83.4%"), (D("1"), "100.0%"), (D("0"), "0.0%"), (None, "—")],
)
def test_percent_text(fraction, text):
    assert percent_text(fraction) == text


def test_quantities_dates_numbers_and_gaps():
    assert [quantity_text(D(v)) for v in ("1200.00", "12.50", "0", "1E+3")] == ["1200", "12.5", "0", "1000"]
    assert quantity_text(None) == "—"
    assert date_text(date(2026, 1, 5)) == "2026年1月5日"
    assert [chinese_number(n) for n in (1, 10, 11, 20, 35, 99)] == ["一", "十", "十一", "二十", "三十五", "九十九"]
    assert gap_text(D("0.7"), D("0.75")) == "5.0个百分点"
    assert gap_text(D("0.8"), D("0.75")) == "未落后"
    assert gap_text(None, D("0.75")) == "未填报"
